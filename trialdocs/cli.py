"""Command line: parse arguments, call a stage, print, choose the exit status.

Exit status: 0 clean (warnings allowed), 1 problems found, 2 usage error.
Nothing a user can get wrong ends in a traceback; ``--debug`` shows one for
what is our bug.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .documents import NAMES
from .errors import TrialdocsError, format_json, format_text

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
DEFAULT_ROOT = Path("protocol")


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="trialdocs", description="Protocol-as-code for clinical trials.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = sub.add_parser("check", help="check protocols and report every problem")
    check.add_argument("protocols", nargs="*", type=Path,
                       help="protocol folders (default: every folder under protocol/)")
    check.add_argument("--format", choices=["text", "json"], default="text")

    build = sub.add_parser("build", help="check, then build what changed into output/")
    _build_options(build)
    build.add_argument("--force", action="store_true", help="rebuild even what is up to date")
    build.add_argument("--format", choices=["text", "json"], default="text")

    clean = sub.add_parser("clean", help="remove built documents and the build cache")
    clean.add_argument("--output", type=Path, default=Path("output"))

    watch = sub.add_parser("watch", help="rebuild what each saved change affects, until Ctrl-C")
    _build_options(watch)
    watch.add_argument("--interval", type=float, default=0.2, help=argparse.SUPPRESS)

    _init_options(sub.add_parser("init", help="start a new protocol folder with placeholders to fill"))

    imp = sub.add_parser("import-ctgov", help="start a protocol from a ClinicalTrials.gov API v2 record")
    imp.add_argument("record", type=Path, help="study record (JSON, API v2)")
    imp.add_argument("--into", type=Path, help="protocol folder to create (default: protocol/<nct id>)")
    imp.add_argument("--force", action="store_true", help="replace an existing folder")

    sub.add_parser("schema", help="print the JSON Schema of the protocol format (for editors)")
    return parser


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 1 or more (0: one per core)")
    return value


def _build_options(parser) -> None:
    """Options shared by build and watch."""
    parser.add_argument("protocols", nargs="*", type=Path,
                        help="protocol folders (default: every folder under protocol/)")
    parser.add_argument("--output", type=Path, default=Path("output"))
    parser.add_argument("--only", action="append", choices=NAMES,
                        help="build only this document type (repeatable)")
    parser.add_argument("--site", action="append", help="build only this site's documents (repeatable)")
    parser.add_argument("--lang", action="append", help="build only this language's documents (repeatable)")
    parser.add_argument("--jobs", "-j", type=_jobs, default=0, metavar="N",
                        help="worker processes for rendering (default: one per core)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print problems only")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every file built or removed")


def _init_options(parser) -> None:
    from . import codes
    from .starter import DEFAULT_DESIGN, DEFAULT_REGIME_SET, DESIGNS, REGIME_SETS

    parser.add_argument("folder", type=Path, help="protocol folder to create, e.g. protocol/my-trial")
    parser.add_argument("--lang", action="append", choices=list(codes.LANGUAGES),
                        help="a language of the documents (repeatable; default: en)")
    parser.add_argument("--regimes", choices=list(REGIME_SETS), default=None,
                        help="a set of regimes: " + "; ".join(
                            f"{name} = {', '.join(members)}" for name, members in REGIME_SETS.items())
                        + f" (default: {DEFAULT_REGIME_SET})")
    parser.add_argument("--regime", action="append", choices=list(codes.REGIMES),
                        help="one regime (repeatable; replaces --regimes)")
    parser.add_argument("--design", choices=list(DESIGNS), default=DEFAULT_DESIGN,
                        help="; ".join(f"{name}: {row['help']}" for name, row in DESIGNS.items())
                        + f" (default: {DEFAULT_DESIGN})")


def resolve_protocols(paths) -> list[Path]:
    from .check import find_protocols

    if paths:
        missing = [p for p in paths if not p.is_dir()]
        if missing:
            raise UsageError(f"not a protocol folder: {missing[0]}")
        return list(paths)
    found = find_protocols(DEFAULT_ROOT)
    if not found:
        raise UsageError(f"no protocol folders under {DEFAULT_ROOT}/ (give one as an argument)")
    return found


class UsageError(TrialdocsError):
    pass


def cmd_check(args) -> int:
    from .check import check_protocol, counts

    started = time.perf_counter()
    results = [check_protocol(folder) for folder in resolve_protocols(args.protocols)]
    diagnostics = [d for r in results for d in r.diagnostics]
    errors, warnings = counts(diagnostics)
    if args.format == "json":
        print(format_json(diagnostics))
    else:
        if diagnostics:
            print(format_text(diagnostics))
        for result in results:
            for note in result.notes:
                print(note)
        names = ", ".join(r.slug for r in results)
        print(f"checked {len(results)} protocol(s) ({names}) in "
              f"{time.perf_counter() - started:.2f} s: {errors} error(s), {warnings} warning(s)")
    return EXIT_PROBLEMS if errors else EXIT_OK


def cmd_build(args) -> int:
    from .pipeline import build

    return build(resolve_protocols(args.protocols), args)


def cmd_clean(args) -> int:
    from .outputs import clean

    return clean(args.output)


def cmd_watch(args) -> int:
    from .watch import watch

    return watch(resolve_protocols(args.protocols), args)


def cmd_init(args) -> int:
    from .init import InitError, init, regimes_for

    languages = list(dict.fromkeys(args.lang or ["en"]))
    try:
        written = init(args.folder, languages, regimes_for(args.regimes, args.regime), args.design)
    except InitError as exc:
        raise UsageError(str(exc)) from None
    print(f"created {args.folder} ({', '.join(p.name for p in written)}); "
          f"replace each placeholder, listed by: trialdocs check {args.folder}")
    return EXIT_OK


def cmd_import(args) -> int:
    from .registry.importer import import_command

    return import_command(args)


def cmd_schema(args) -> int:
    from .json_schema import text

    sys.stdout.write(text())
    return 0


COMMANDS = {"check": cmd_check, "build": cmd_build, "clean": cmd_clean, "watch": cmd_watch,
            "import-ctgov": cmd_import, "init": cmd_init, "schema": cmd_schema}


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"trialdocs: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except TrialdocsError as exc:
        print(f"trialdocs: error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print("trialdocs: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``trialdocs check | head``): stop quietly, as
        # other command-line tools do, and keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception:
        if args.debug:
            raise
        import traceback

        last = traceback.extract_tb(sys.exc_info()[2])[-1]
        print(f"trialdocs: internal error ({sys.exc_info()[0].__name__} at "
              f"{Path(last.filename).name}:{last.lineno}); this is a bug in trialdocs, "
              "please report it with the output of --debug", file=sys.stderr)
        return 3
