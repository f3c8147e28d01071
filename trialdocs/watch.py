"""``trialdocs watch``: rebuild what each saved change affects, until Ctrl-C.

Polls (every 0.2 s) the files of the watched protocol folders and of
templates/ by modification time and size: no dependency, works the same on
every file system, and 0.2 s is well under the time a build takes. A change
is built once the files have stopped changing for one interval (editors save
in several writes). A change in a protocol folder rebuilds that protocol; a
change in templates/ rebuilds every watched protocol. The build itself is
``trialdocs build``: incremental, so only the targets whose inputs changed are
rendered.

Problems never stop the watch: a half-written YAML file gives diagnostics
and the next save is built again. The rendering workers stay warm between
builds (no WeasyPrint import per change); they are restarted when templates
change, since each worker keeps its parsed stylesheets. Changes to trialdocs'
own code need a restart of the watch.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from .keys import TEMPLATES, _files_under
from .pipeline import build, jobs_for, new_pool


def snapshot(folders, output=None) -> dict:
    """{path: (mtime_ns, size)} of every watched file (none of the output folder's)."""
    state = {}
    output = Path(output).resolve() if output else None
    for root in [*folders, TEMPLATES]:
        try:
            files = _files_under(Path(root))
        except OSError:
            continue
        for path in files:
            if output and output in path.resolve().parents:
                continue
            try:
                st = os.stat(path)
            except OSError:
                continue
            state[path] = (st.st_mtime_ns, st.st_size)
    return state


def _changed(before: dict, after: dict) -> list:
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def _affected(folders, changed) -> list:
    if any(TEMPLATES in p.parents for p in changed):
        return list(folders)
    return [f for f in folders if any(Path(f) in p.parents for p in changed)]


def _clear_template_caches() -> None:
    """Templates and strings changed: forget what this process parsed from them."""
    for name in ("trialdocs.i18n", "trialdocs.render", "trialdocs.pdf"):
        module = sys.modules.get(name)
        for attr in ("strings", "environment", "stylesheet"):
            cached = getattr(module, attr, None)
            if hasattr(cached, "cache_clear"):
                cached.cache_clear()


def _stamp() -> str:
    return time.strftime("%H:%M:%S")


def _run(folders, options, pool, show) -> None:
    from .errors import TrialdocsError

    try:
        result = build(folders, options, pool=pool)
    except KeyboardInterrupt:
        raise
    except (OSError, TrialdocsError) as exc:  # the disk, a folder gone: said, and watching on
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"[{_stamp()}] error: {where}{getattr(exc, 'strerror', None) or exc}; "
              "watching on", file=sys.stderr)
        return
    except Exception as exc:  # noqa: BLE001 (a bug must not end the watch either)
        print(f"[{_stamp()}] internal error ({type(exc).__name__}: {exc}); "
              "this is a bug in trialdocs; watching on", file=sys.stderr)
        return
    show(result, options)
    if result.status:
        print(f"[{_stamp()}] problems found (see above); fix them and save: watching on",
              file=sys.stderr)


def watch(folders, options, show) -> int:
    """Build, then rebuild on every saved change until SIGINT or SIGTERM; ``show`` prints a result.

    The caller (the CLI) installs the signal handling; Interrupted is a
    KeyboardInterrupt, so both signals end the watch the same way.
    """
    folders = [Path(f) for f in folders]
    interval = max(0.05, options.interval)
    output = options.output
    # At most the --jobs cap; the pool starts a worker only for a PDF to render.
    pool = new_pool(jobs_for(options.jobs, sys.maxsize)[0])
    names = ", ".join(str(f) for f in folders)
    try:
        state = snapshot(folders, output)
        _run(folders, options, pool, show)
        print(f"[{_stamp()}] watching {names} and {TEMPLATES.name}/ (Ctrl-C to stop)", flush=True)
        while True:
            time.sleep(interval)
            current = snapshot(folders, output)
            if current == state:
                continue
            while True:  # let the editor finish writing
                time.sleep(interval)
                settled = snapshot(folders, output)
                if settled == current:
                    break
                current = settled
            changed = _changed(state, current)
            state = current
            affected = _affected(folders, changed)
            if not affected:
                continue
            shown = ", ".join(str(p) for p in changed[:3]) + (" ..." if len(changed) > 3 else "")
            print(f"[{_stamp()}] changed: {shown}", flush=True)
            if any(TEMPLATES in p.parents for p in changed):
                _clear_template_caches()
                pool.close()
                pool = new_pool(pool.count)
            _run(affected, options, pool, show)
            sys.stdout.flush()
    except KeyboardInterrupt:
        print(f"\n[{_stamp()}] stopped watching", flush=True)
        return 0
    finally:
        pool.close(kill=True)
