"""The build: check, model, targets, render what is stale, write atomically.

Order matters and is the point of this module (MkDocs and Pelican do the
same): every protocol is checked and every stale target rendered in memory
before a single file is written. A failure anywhere leaves output/ exactly as
the last good build left it. Files are then replaced one by one with
``os.replace`` (each is either the old or the new complete file, even if the
process is killed), and the manifest goes last.

A target is up to date when the manifest holds the same key for it and the
file on disk still has the recorded SHA-256; a missing, edited or unreadable
output, or an unreadable manifest, means rebuild. The key hashes the
target's renderer and payload (exactly the data it reads), its templates and
the tool versions.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from . import __version__
from .check import check_protocol, counts
from .documents import document_modules
from .errors import TrialdocsError, format_json, format_text
from .model import build_model
from .render import TEMPLATES
from .targets import Target, canonical_json, payload_digest

MANIFEST = "manifest.json"
TOOLS = ["weasyprint", "pydyf", "jinja2", "markdown-it-py", "pyyaml", "cerberus", "pyphen",
         "font-source-sans-pro", "fonttools", "tinycss2", "tinyhtml5"]
WORKER_TASKS = 40  # recycle workers: WeasyPrint's memory grows per document (stack.md §2.4)


@dataclass
class Plan:
    slug: str
    out_dir: Path
    targets: list
    keys: dict = field(default_factory=dict)
    stale: list = field(default_factory=list)
    version: str = ""


def tool_versions() -> dict:
    versions = {"trialdocs": __version__, "python": ".".join(map(str, sys.version_info[:2]))}
    for name in TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


class _TemplateHashes:
    def __init__(self):
        self.cache = {}

    def __call__(self, name: str) -> str:
        if name not in self.cache:
            self.cache[name] = hashlib.sha256((TEMPLATES / name).read_bytes()).hexdigest()
        return self.cache[name]


def target_key(target: Target, templates: _TemplateHashes, versions: dict) -> str:
    digest = hashlib.sha256()
    digest.update(payload_digest(target).encode())
    for name in sorted(target.templates):
        digest.update(f"{name}:{templates(name)}".encode())
    digest.update(canonical_json(versions))
    return digest.hexdigest()


def read_manifest(out_dir: Path) -> dict:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {entry["path"]: entry for entry in data.get("outputs", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def select(targets, only=None, sites=None, langs=None):
    out = []
    for target in targets:
        if only and target.document not in only:
            continue
        if sites and target.site is not None and target.site not in sites:
            continue
        if sites and target.site is None and target.document == "consent":
            continue
        if langs and target.lang is not None and target.lang not in langs:
            continue
        out.append(target)
    return out


def plan(checked, output_root: Path, options, versions, templates) -> Plan:
    model = build_model(checked.source.data, checked.slug)
    targets = []
    for _, module in document_modules(checked.documents):
        targets += module.targets(model)
    targets = select(targets, getattr(options, "only", None), getattr(options, "site", None),
                     getattr(options, "lang", None))
    result = Plan(checked.slug, output_root / checked.slug, targets,
                  version=model["protocol"]["version"])
    manifest = read_manifest(result.out_dir)
    force = getattr(options, "force", False)
    for target in targets:
        key = target_key(target, templates, versions)
        result.keys[target.path] = key
        entry = manifest.get(target.path)
        if force or not entry or entry.get("key") != key or \
                sha256_file(result.out_dir / target.path) != entry.get("sha256"):
            result.stale.append(target)
    return result


# -- rendering ------------------------------------------------------------------

def _warm_worker():
    """Import WeasyPrint and load fonts once per worker process."""
    from . import pdf

    pdf._font_config()


def _render_one(target: Target):
    try:
        return target.path, target.render(), None
    except TrialdocsError as exc:
        return target.path, None, str(exc)


def render_all(targets: list, jobs: int, progress=None) -> tuple[dict, list]:
    rendered, failures = {}, []
    pdfs = [t for t in targets if t.path.endswith(".pdf")]
    if jobs <= 1 or len(pdfs) < 2:
        for target in targets:
            path, data, error = _render_one(target)
            _collect(rendered, failures, path, data, error, progress)
        return rendered, failures
    import multiprocessing

    light = [t for t in targets if not t.path.endswith(".pdf")]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_warm_worker, max_tasks_per_child=WORKER_TASKS) as pool:
        futures = [pool.submit(_render_one, t) for t in pdfs]
        for target in light:  # HTML, text and data files render here meanwhile
            _collect(rendered, failures, *_render_one(target), progress)
        for future in futures:
            _collect(rendered, failures, *future.result(), progress)
    return rendered, failures


def _collect(rendered, failures, path, data, error, progress):
    if error:
        failures.append(f"{path}: {error}")
    else:
        rendered[path] = data
    if progress:
        progress()


# -- writing ----------------------------------------------------------------------

_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old or the new content, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def manifest_bytes(result: Plan, previous: dict, rendered: dict, versions: dict) -> bytes:
    entries = []
    selected = {t.path for t in result.targets}
    for path in sorted(set(previous) | selected):
        if path in selected:
            file = result.out_dir / path
            data = rendered.get(path)
            sha = hashlib.sha256(data).hexdigest() if data is not None else sha256_file(file)
            size = len(data) if data is not None else (file.stat().st_size if file.exists() else 0)
            entries.append({"path": path, "sha256": sha, "size": size, "key": result.keys[path],
                            "protocol_version": result.version})
        elif (result.out_dir / path).exists():
            entries.append(previous[path])  # built earlier, not selected this time (--only …)
    return (json.dumps({"protocol": result.slug, "protocol_version": result.version,
                        "tools": versions, "outputs": entries},
                       indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


# -- the command ------------------------------------------------------------------

def build(folders, options) -> int:
    started = time.perf_counter()
    quiet = getattr(options, "quiet", False)
    output_root = Path(getattr(options, "output", "output"))
    results = [check_protocol(folder) for folder in folders]
    diagnostics = [d for r in results for d in r.diagnostics]
    errors, warnings = counts(diagnostics)
    if getattr(options, "format", "text") == "json":
        print(format_json(diagnostics))
    elif diagnostics and not (quiet and not errors):
        print(format_text(diagnostics))
    if errors:
        print(f"build stopped: {errors} error(s) in the protocol; nothing was written "
              "(output/ keeps the last good build)", file=sys.stderr)
        return 1
    versions = tool_versions()
    templates = _TemplateHashes()
    plans = [plan(r, output_root, options, versions, templates) for r in results]
    stale = [t for p in plans for t in p.stale]
    jobs = getattr(options, "jobs", 0) or os.cpu_count() or 1
    progress = _Progress(len(stale), quiet)
    rendered, failures = render_all(stale, min(jobs, max(1, len(stale))), progress.step)
    progress.done()
    if failures:
        for failure in failures:
            print(f"error: {failure}", file=sys.stderr)
        print(f"build failed: {len(failures)} document(s) could not be rendered; nothing was "
              "written (output/ keeps the last good build)", file=sys.stderr)
        return 1
    for result in plans:
        previous = read_manifest(result.out_dir)
        for target in result.stale:
            write_atomic(result.out_dir / target.path, rendered[target.path])
        if result.targets:
            write_atomic(result.out_dir / MANIFEST,
                         manifest_bytes(result, previous, rendered, versions))
    total = sum(len(p.targets) for p in plans)
    if not quiet:
        for result in results:
            for note in result.notes:
                print(note)
        if total == 0:
            print(f"checked {len(results)} protocol(s); no documents to build")
        print(f"built {len(stale)}, up to date {total - len(stale)}, failed 0 "
              f"({warnings} warning(s)) in {time.perf_counter() - started:.2f} s")
        for result in plans:
            print(f"  {result.slug}: {len(result.stale)} of {len(result.targets)} rebuilt -> "
                  f"{result.out_dir}")
    return 0


class _Progress:
    """A one-line progress bar on a terminal for builds of more than a moment."""

    def __init__(self, total: int, quiet: bool):
        self.total, self.count = total, 0
        self.enabled = not quiet and total > 4 and sys.stderr.isatty()
        self.started = time.perf_counter()

    def step(self):
        self.count += 1
        if self.enabled and time.perf_counter() - self.started > 0.5:
            width = 30
            filled = width * self.count // max(self.total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] "
                             f"{self.count}/{self.total} documents")
            sys.stderr.flush()

    def done(self):
        if self.enabled and time.perf_counter() - self.started > 0.5:
            sys.stderr.write("\r" + " " * 60 + "\r")


def clean(output_root: Path) -> int:
    output_root = Path(output_root)
    if output_root.exists():
        shutil.rmtree(output_root)
        print(f"removed {output_root}/")
    else:
        print(f"nothing to clean: {output_root}/ does not exist")
    return 0
