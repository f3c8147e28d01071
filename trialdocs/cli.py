"""Command line: parse arguments, call a stage, print its result, choose the exit status.

Exit status: 0 clean (warnings allowed), 1 problems found (in the protocol,
or the machine: a full disk, a folder that cannot be written), 2 usage
error, 3 a bug in trialdocs, 128 + N stopped by signal N (130 Ctrl-C, 143
SIGTERM), 141 the reader of stdout went away. Nothing a user or a machine
can get wrong ends in a traceback; ``--debug`` shows one for what is our bug.

This is the only module that prints results or reads arguments: ``check``
returns Checked values, ``build`` takes a BuildOptions and returns a
BuildResult (options.py), so both are usable as a library. With ``--format
json``, stdout holds exactly one JSON document whatever happens, errors
included.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from .documents import NAMES
from .check import DEFAULT_ROOT
from .errors import (Diagnostic, Interrupted, TrialdocsError, UsageError, format_json,
                     format_text, terminal_safe, to_json)

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        command = self.prog.partition(" ")[2]
        raise UsageError(f"{command}: {message}" if command else message)


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

    diff = sub.add_parser("diff", help="amendment package: what changed between two versions")
    diff.add_argument("protocol", type=Path, help="protocol folder (inside a git repository)")
    diff.add_argument("--from", dest="from_rev", required=True, metavar="REV",
                      help="git revision, protocol version number (e.g. 1.0) or an older protocol folder")
    diff.add_argument("--to", dest="to_rev", metavar="REV",
                      help="the same kinds of version (default: the working tree)")
    diff.add_argument("--output", type=Path, default=Path("output"))
    diff.add_argument("--only", action="append", choices=NAMES,
                      help="compare only this document type (repeatable)")
    diff.add_argument("--site", action="append", help="compare only this site's documents (repeatable)")
    diff.add_argument("--lang", action="append", help="compare only this language's documents (repeatable)")
    diff.add_argument("--no-pdf", action="store_true", help="write HTML only (faster)")

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
    parser.add_argument("--no-pdf", action="store_true",
                        help="build everything but the PDFs (HTML, registry and USDM files): "
                             "faster, for reading on screen")
    parser.add_argument("--jobs", "-j", type=_jobs, default=0, metavar="N",
                        help="worker processes for rendering (default: one per core; at most "
                             "4 per core and never more than the PDFs to render)")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="print problems (errors and warnings) only: no progress, scores or summary")
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


def build_options(args):
    """The typed options of a build, from parsed arguments (the only place they are read)."""
    from .options import BuildOptions

    return BuildOptions(output=args.output, only=args.only, sites=args.site, langs=args.lang,
                        pdf=not args.no_pdf, jobs=args.jobs, force=getattr(args, "force", False), quiet=args.quiet,
                        verbose=args.verbose, format=getattr(args, "format", "text"),
                        interval=getattr(args, "interval", 0.2))


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


def check_output(output: Path, folders) -> None:
    """``--output`` must be a folder (or not exist yet) and lie outside every protocol folder.

    Inside a protocol, the outputs would become sources of the next build
    (the manifest listed its own outputs and changed on every build).
    """
    if output.exists() and not output.is_dir():
        raise UsageError(f"--output {output}: is not a folder")
    where = output.resolve()
    for folder in folders:
        folder = Path(folder).resolve()
        if where == folder or folder in where.parents:
            raise UsageError(f"--output {output}: is inside the protocol folder {folder}; "
                             "build outside it (the default is output/)")


# -- commands -------------------------------------------------------------------------

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
                print(terminal_safe(note))
        names = terminal_safe(", ".join(r.slug for r in results), one_line=True)
        print(f"checked {len(results)} protocol(s) ({names}) in "
              f"{time.perf_counter() - started:.2f} s: {errors} error(s), {warnings} warning(s)")
    return EXIT_PROBLEMS if errors else EXIT_OK


def cmd_build(args) -> int:
    from .pipeline import build

    options = build_options(args)
    folders = resolve_protocols(args.protocols)
    check_output(options.output, folders)
    result = build(folders, options)
    show_build(result, options)
    return result.status


def show_build(result, options) -> None:
    """Print a BuildResult: one JSON document, or the diagnostics, notes and a summary line."""
    if options.format == "json":
        print(to_json(build_json(result)))
        return
    if result.diagnostics:  # -q hides progress, scores and the summary, never a problem
        print(format_text(result.diagnostics))
    for warning in result.warnings:
        print(f"trialdocs: warning: {warning}", file=sys.stderr)
    for line in grouped_failures(result.failures):
        print(f"error: {terminal_safe(line)}", file=sys.stderr)
    if result.error:
        prefix = "trialdocs: error: " if result.status == EXIT_USAGE else ""
        print(prefix + terminal_safe(result.error), file=sys.stderr)
        if not result.failures:
            return
    if options.quiet:
        return
    if not result.failures:
        for note in result.notes:
            print(terminal_safe(note))
        if options.verbose:  # slug/path, or path alone when one protocol was built
            strip = len(result.protocols) == 1
            for path in result.removed:
                print(f"  removed {path.partition('/')[2] if strip else path}")
            for path in result.built:
                print(f"  built {path.partition('/')[2] if strip else path}")
    text = (f"built {len(result.built)}, up to date {result.up_to_date}, "
            f"failed {len(result.failures)}")
    if result.removed:
        text += f", removed {len(result.removed)}"
    warnings = sum(d.severity == "warning" for d in result.diagnostics)
    print(text + f" ({warnings} warning(s)) in {result.seconds:.2f} s")
    if not result.failures and result.stale:
        for slug, rebuilt, selected, out_dir in result.protocols:
            print(f"  {slug}: {rebuilt} of {selected} rebuilt -> {out_dir}")


def grouped_failures(failures) -> list[str]:
    """One line per distinct problem, naming the files it stopped ("slug/path: error" in)."""
    by_error = {}
    for failure in failures:
        path, _, error = failure.partition(": ")
        by_error.setdefault(error, []).append(path)
    lines = []
    for error, paths in by_error.items():
        where = paths[0] if len(paths) == 1 else \
            f"{len(paths)} files: {', '.join(paths[:3])}{', …' if len(paths) > 3 else ''}"
        lines.append(f"{error} ({where})")
    return lines


def build_json(result) -> dict:
    """The JSON document of ``build --format json`` (the same shape on success and failure)."""
    return {"status": result.status, "error": result.error,
            "diagnostics": [d.as_json() for d in sorted(result.diagnostics)],
            "built": result.built, "removed": result.removed, "failures": result.failures,
            "warnings": result.warnings, "up_to_date": result.up_to_date,
            "notes": result.notes}


def cmd_clean(args) -> int:
    from .outputs import clean

    if args.output.exists() and not args.output.is_dir():
        raise UsageError(f"--output {args.output}: is not a folder")
    if not args.output.exists():
        print(f"nothing to clean: {args.output}/ does not exist")
        return EXIT_OK
    removed, kept = clean(args.output)
    print(f"removed {removed} built file(s) from {args.output}/"
          + (f"; kept what trialdocs did not write: {', '.join(map(str, kept))}" if kept else ""))
    return EXIT_OK


def cmd_watch(args) -> int:
    from .watch import watch

    options = build_options(args)
    folders = resolve_protocols(args.protocols)
    check_output(options.output, folders)
    return watch(folders, options, show_build)


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
    from .check import check_protocol, counts
    from .registry.importer import import_record

    folder, imported = import_record(args.record, args.into, args.force)
    show_import(folder, imported)
    checked = check_protocol(folder)
    errors, warnings = counts(checked.diagnostics)
    if errors:
        print(format_text([d for d in checked.diagnostics if d.severity == "error"]))
    print(f"check {folder}: {errors} error(s), {warnings} warning(s)"
          + (f" (see them with: trialdocs check {folder})" if warnings else ""))
    return EXIT_PROBLEMS if errors else EXIT_OK


def show_import(folder: Path, imported, out=None):
    """What an import carried, filled in, left out: the user reviews the new protocol from it."""
    out = out or sys.stdout
    data = imported.data
    counted = [(len(data.get("arms") or []), "arm", "arms"),
               (len(data.get("interventions") or []), "intervention", "interventions"),
               (sum(len(v or []) for v in (data.get("outcomes") or {}).values()), "outcome", "outcomes"),
               (len(data.get("sites") or []), "site", "sites"),
               (len(data.get("people") or []), "person", "people")]
    summary = ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counted)
    print(f"imported {data['protocol']['imported']['record']} into {folder}/: {summary}", file=out)
    if imported.lacked:
        print("the record lacks what the protocol format needs; filled in:", file=out)
        for path, what in imported.lacked:
            print(f"  {path}: {what}", file=out)
    gaps = data["protocol"]["imported"].get("known_gaps") or []
    if gaps:
        print("the record, as registered, does not meet today's PRS rules at these fields "
              "(check reports them as warnings; see protocol.imported.known_gaps):", file=out)
        for path in gaps:
            print(f"  {path}", file=out)
    if imported.dropped:
        print("not carried:", file=out)
        for path, why in imported.dropped:
            print(f"  {path}: {why}", file=out)
    for note in imported.notes:
        print(f"note: {note}", file=out)
    if imported.left:
        print("not imported (kept on ClinicalTrials.gov only):", file=out)
        for path, why in imported.left:
            print(f"  {path}: {why}", file=out)
    if imported.derived:
        names = ", ".join(sorted({p.split(".")[-1] for p, _ in imported.derived}))
        print(f"left out as computed by ClinicalTrials.gov: {names}", file=out)


def cmd_diff(args) -> int:
    from .amend.package import VersionProblems, amendment_package

    if not args.protocol.is_dir():
        raise UsageError(f"not a protocol folder: {args.protocol}")
    try:
        package = amendment_package(args.protocol, args.from_rev, args.to_rev, args.output,
                                    args.only, args.site, args.lang, pdf=not args.no_pdf)
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
    documents = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(f"{len(package.changes)} field(s) changed; documents: {documents or 'none'}")
    print(f"wrote {package.folder}/ ({len(package.files)} files)")
    return EXIT_OK


def cmd_schema(args) -> int:
    from .json_schema import text

    sys.stdout.write(text())
    return 0


COMMANDS = {"check": cmd_check, "build": cmd_build, "clean": cmd_clean, "watch": cmd_watch,
            "import-ctgov": cmd_import, "init": cmd_init, "schema": cmd_schema,
            "diff": cmd_diff}


# -- running a command ------------------------------------------------------------------

def _interrupt(signum, frame):
    raise Interrupted(signum)


def install_signal_handlers() -> None:
    """Handle SIGINT and SIGTERM explicitly, whatever this process inherited.

    A background job of a non-interactive shell (``cmd &`` in a script, CI,
    a test runner) starts with SIGINT *ignored*, and Python then never raises
    KeyboardInterrupt: Ctrl-C or ``kill -INT`` did nothing and ``watch`` ran
    on. Both signals raise Interrupted, so staged files are discarded and
    workers stopped as for Ctrl-C.
    """
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)


def _wants_json(argv) -> bool:
    return any(a == "--format=json" for a in argv) or any(
        a == "--format" and b == "json" for a, b in zip(argv, argv[1:]))


def _command_of(argv) -> str:
    return next((a for a in argv if a in COMMANDS), "")


def _fail(argv, status: int, message: str, code: str) -> int:
    """Report what stopped a command: on stderr, and as the command's JSON document if asked."""
    print(f"trialdocs: {'internal error' if code == 'internal' else 'error'}: "
          f"{terminal_safe(message)}", file=sys.stderr)
    if _wants_json(argv):
        diagnostic = Diagnostic("", 0, 0, "error", "", message, code=code)
        if _command_of(argv) == "check":
            document = [diagnostic.as_json()]
        else:
            document = {"status": status, "error": message, "diagnostics": [diagnostic.as_json()],
                        "built": [], "removed": [], "failures": [], "warnings": [],
                        "up_to_date": 0, "notes": []}
        try:
            print(to_json(document))
        except OSError:
            pass
    return status


def describe_os_error(exc: OSError) -> str:
    """``path: cause`` for an operating-system error (disk full, read-only, not a folder …)."""
    cause = exc.strerror or str(exc)
    if exc.filename is not None and exc.filename2 is not None:
        return f"{exc.filename} -> {exc.filename2}: {cause}"
    if exc.filename is not None:
        return f"{exc.filename}: {cause}"
    return cause


def _stdout_gone() -> None:
    """Point stdout at /dev/null so that Python's last flush at exit cannot fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    if threading_main():
        install_signal_handlers()
    try:
        try:
            args = _parser().parse_args(argv)
            status = COMMANDS[args.command](args)
        finally:
            sys.stdout.flush()
        return status
    except UsageError as exc:
        return _fail(argv, EXIT_USAGE, str(exc), "usage")
    except TrialdocsError as exc:
        return _fail(argv, EXIT_PROBLEMS, str(exc), "error")
    except Interrupted as exc:
        return _fail(argv, 128 + exc.signum, f"interrupted ({signal.Signals(exc.signum).name})",
                     "interrupted")
    except KeyboardInterrupt:
        print("trialdocs: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``trialdocs check | head``): stop quietly, as
        # other command-line tools do, and keep Python from complaining at exit.
        _stdout_gone()
        return 141
    except OSError as exc:
        if exc.filename is None:
            # Every file the build writes is named in its error (outputs.located);
            # an unnamed one is standard output (a full device, a closed terminal).
            _stdout_gone()
            print(f"trialdocs: error: cannot write to standard output: {exc.strerror or exc}",
                  file=sys.stderr)
            return EXIT_PROBLEMS
        return _fail(argv, EXIT_PROBLEMS, describe_os_error(exc), "os")
    except Exception as exc:  # noqa: BLE001 (our bug: one line, and a traceback with --debug)
        if debug:
            raise
        import traceback

        last = traceback.extract_tb(exc.__traceback__)[-1]
        return _fail(argv, EXIT_BUG,
                     f"{type(exc).__name__} at {Path(last.filename).name}:{last.lineno}; this is "
                     "a bug in trialdocs, please report it with the output of --debug", "internal")


def threading_main() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
