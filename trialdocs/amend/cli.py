"""``trialdocs diff``: print what the amendment package holds, choose the exit status."""

from __future__ import annotations

import sys

from ..errors import format_text
from .history import HistoryError
from .package import VersionProblems, amendment_package


def diff_command(args) -> int:
    from ..cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE

    if not args.protocol.is_dir():
        print(f"trialdocs: error: not a protocol folder: {args.protocol}", file=sys.stderr)
        return EXIT_USAGE
    try:
        package = amendment_package(args.protocol, args.from_rev, args.to_rev, args.output,
                                    args.only, args.site, args.lang, pdf=not args.no_pdf)
    except HistoryError as exc:
        print(f"trialdocs: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except VersionProblems as exc:
        print(format_text(exc.diagnostics), file=sys.stderr)
        print(f"trialdocs: error: the {exc.origin} version of {args.protocol} does not check "
              f"({exc}); fix it or compare other versions", file=sys.stderr)
        return EXIT_PROBLEMS
    for warning in package.warnings:
        print(f"{args.protocol}: warning: {warning}")
    counts = {}
    for doc in package.documents:
        counts[doc.status] = counts.get(doc.status, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    print(f"{len(package.changes)} field(s) changed; documents: {summary or 'none'}")
    print(f"wrote {package.folder}/ ({len(package.files)} files)")
    return EXIT_OK
