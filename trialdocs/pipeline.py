"""The build: check, model, targets, render what is stale, write atomically.

Every output file is a *target* (document x site x language x format) whose
key is a SHA-256 of exactly what it depends on: its renderer and payload (the
data it reads, already localized), the template, style and string files it
reads, the trialdocs code that renders it (the renderer's module and every
trialdocs module it imports: a version number alone would miss an edit), and
the versions of trialdocs, Python, the rendering libraries and the fonts. A
change to checking code, or to another document's renderer, rebuilds
nothing; a change to the data a document reads rebuilds that document
because its payload changed. A target is up to date when the
manifest holds the same key for it and the file on disk still has the
recorded size and SHA-256; anything else (no manifest, an unreadable one, a
missing or edited file) means rebuild.

Two levels of cache make a rebuild cheap:

- ``output/<slug>/manifest.json`` (the audit record, deterministic) holds the
  key, SHA-256 and size of every output;
- ``output/.trialdocs/<slug>.json`` (private) maps a digest of every input
  (the protocol folder's files, templates/, trialdocs' source, tool versions,
  the date, since some checks compare dates with today) to the result of
  checking and planning: the diagnostics and every target's key. When the
  inputs are unchanged and every output is intact, a build neither checks
  again nor imports a renderer: a no-op build is a few file reads. It also
  keeps each output's (inode, size, mtime, ctime) so an untouched file is
  not hashed again. Unreadable or out of date, it is simply ignored.

Order matters (MkDocs and Pelican do the same): every protocol is checked and
every stale target rendered into a temporary file beside its destination
before a single output is replaced. A check or render failure leaves
output/ exactly as the last good build left it. Files are then put in place
with ``os.replace`` (each is either the old or the new complete file, even
if the process is killed), outputs of targets that no longer exist are
removed, and the manifest goes last. A killed build leaves at most some
temporary files, which the next build deletes; one lock per output folder
keeps two builds (a ``watch`` and a ``build``) from interleaving.

Rendering runs in worker processes (workers.py) started with *spawn*
(WeasyPrint must not be forked, stack.md §2.4), each importing WeasyPrint and
loading fonts and stylesheets once, recycled after ``WORKER_TASKS`` jobs or
past a memory ceiling. They are started as soon as a protocol has to be
checked, so that they import WeasyPrint while this process checks; a no-op
build starts none. The HTML and PDF of one payload are one job: the worker
renders the HTML once and lays it out. Jobs go most expensive first (the
time each took last time, else the size of its payload) so that the workers
finish together. A renderer is a pure function of its payload, so a serial
build (``--jobs 1``) writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__

PACKAGE = Path(__file__).resolve().parent
# Same folder as render.TEMPLATES; not imported from there because render
# imports Jinja and Markdown, which a no-op build never needs.
TEMPLATES = PACKAGE.parent / "templates"
MANIFEST = "manifest.json"
STATE = ".trialdocs"            # under the output root: build cache and lock
CACHE_FORMAT = 1
TMP_SUFFIX = ".trialdocs-tmp"
TOOLS = ["weasyprint", "pydyf", "jinja2", "markupsafe", "markdown-it-py", "pyyaml", "cerberus",
         "pyphen", "font-source-sans-pro", "fonttools", "tinycss2", "tinyhtml5", "cssselect2",
         "pillow"]
WORKER_TASKS = 100  # jobs per worker before it is recycled (workers.py; stack.md §2.4)
HTML_RENDERER = "trialdocs.render:render_html"
PDF_RENDERER = "trialdocs.pdf:render_pdf"


# -- inputs and versions -------------------------------------------------------------

def _canonical_name(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _installed() -> dict:
    """{distribution: version} from the .dist-info folders on sys.path.

    The names of those folders are ``<name>-<version>.dist-info``: reading
    them costs one directory listing, where importlib.metadata costs 30 ms of
    imports on every (no-op) build. The first one on sys.path wins, as for
    imports.
    """
    found = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                dist, _, version = name[:-len(".dist-info")].rpartition("-")
                found.setdefault(_canonical_name(dist), version)
    return found


def source_digest() -> str:
    """SHA-256 of trialdocs' whole source: what checking and planning depend on."""
    digest = hashlib.sha256()
    for path in _files_under(PACKAGE, suffix=".py"):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _module_file(name: str) -> Path | None:
    """The source file of a trialdocs module name, or None."""
    parts = name.split(".")
    if parts[0] != PACKAGE.name:
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n#]*)", re.M)


def _imports(name: str, path: Path) -> set:
    """The trialdocs modules a module imports anywhere in its code (functions included).

    Read with two regular expressions rather than ``ast`` (ten times faster);
    an import written in a string or comment is counted too, which only
    makes a key depend on a little more code than it needs.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    text = path.read_text(encoding="utf-8")
    found = set()
    for dots, module, names in _FROM_IMPORT.findall(text):
        if dots:
            base = package.rsplit(".", len(dots) - 1)[0] if len(dots) > 1 else package
            module = f"{base}.{module}" if module else base
        found.add(module)
        for alias in names.strip("()").replace("\n", " ").split(","):
            if alias.split():
                found.add(f"{module}.{alias.split()[0]}")  # maybe a submodule
    for names in _IMPORT.findall(text):
        found |= {alias.split()[0] for alias in names.split(",") if alias.split()}
    out = set()
    for module in found:
        parts = module.split(".")
        for i in range(1, len(parts) + 1):  # a module's packages run their __init__ too
            if _module_file(".".join(parts[:i])):
                out.add(".".join(parts[:i]))
    return out


def code_modules(module: str) -> set:
    """A trialdocs module and every trialdocs module it imports, transitively."""
    seen, todo = set(), [module]
    while todo:
        name = todo.pop()
        path = _module_file(name)
        if name in seen or path is None:
            continue
        seen.add(name)
        todo += _imports(name, path)
    return seen


SYSTEM_LIBRARIES = ["libpango-1.0.so.0", "libpangoft2-1.0.so.0", "libharfbuzz.so.0",
                    "libharfbuzz-subset.so.0", "libfontconfig.so.1", "libfreetype.so.6"]
LIBRARY_DIRS = ["/usr/local/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                "/usr/lib64", "/usr/lib", "/opt/homebrew/lib"]


def _system_libraries() -> dict:
    """The C libraries WeasyPrint lays text out with, by the file their soname points to.

    A new Pango or HarfBuzz can move glyphs (stack.md §4), so their versions
    belong in every key. ``libpango-1.0.so.0 -> libpango-1.0.so.0.5000.12`` is
    Pango 1.50.12; reading the link costs a stat, loading Pango 0.3 s.
    """
    dirs = [d for d in os.environ.get("LD_LIBRARY_PATH", "").split(":") if d] + LIBRARY_DIRS
    found = {}
    for name in SYSTEM_LIBRARIES:
        for folder in dirs:
            path = os.path.join(folder, name)
            if os.path.exists(path):
                found[name] = os.path.basename(os.path.realpath(path))
                break
        else:
            found[name] = "not found"
    return found


def tool_versions() -> dict:
    installed = _installed()
    versions = {"trialdocs": __version__, "python": "%d.%d.%d" % sys.version_info[:3],
                **_system_libraries()}
    for name in TOOLS:
        version = installed.get(_canonical_name(name))
        if version is None:
            from importlib import metadata
            try:
                version = metadata.version(name)
            except metadata.PackageNotFoundError:
                version = "absent"
        versions[name] = version
    return versions


def _files_under(root: Path, suffix: str = "") -> list[Path]:
    """Every regular file under root, hidden names and __pycache__ left out, sorted."""
    out = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        out += [Path(folder, f) for f in files if not f.startswith(".") and f.endswith(suffix)]
    return sorted(out)


class Inputs:
    """Hashes of the files a build reads, each file read once per build."""

    def __init__(self, versions: dict):
        self.versions = versions
        self._hashes = {}
        self._templates = None
        self._source = None
        self._code = {}

    def code(self, renderer: str) -> str:
        """Digest of the trialdocs code a renderer runs: its module and all it imports.

        Part of every key, so that a change to rendering code rebuilds what it
        renders (trialdocs' version number alone would miss it), while a change
        to checking code or to another document's code rebuilds nothing.
        """
        module = renderer.partition(":")[0]
        if module not in self._code:
            digest = hashlib.sha256()
            for name in sorted(code_modules(module)):
                digest.update(f"{name}:{self.file_hash(_module_file(name))}\n".encode())
            self._code[module] = digest.hexdigest()
        return self._code[module]

    def source(self) -> str:
        if self._source is None:
            self._source = source_digest()
        return self._source

    def file_hash(self, path: Path) -> str:
        if path not in self._hashes:
            self._hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        return self._hashes[path]

    def template(self, name: str) -> str:
        return self.file_hash(TEMPLATES / name)

    def templates_digest(self) -> str:
        if self._templates is None:
            digest = hashlib.sha256()
            for path in _files_under(TEMPLATES):
                digest.update(f"{path.relative_to(TEMPLATES).as_posix()}:{self.file_hash(path)}\n"
                              .encode())
            self._templates = digest.hexdigest()
        return self._templates

    def sources(self, folder: Path) -> list[dict]:
        """The protocol folder's files and their SHA-256 (recorded in the manifest)."""
        return [{"path": path.relative_to(folder.parent).as_posix(), "sha256": self.file_hash(path)}
                for path in _files_under(folder)]

    def digest(self, folder: Path) -> str:
        """Everything checking and planning a protocol depends on."""
        digest = hashlib.sha256()
        digest.update(canonical_json({
            "format": CACHE_FORMAT, "slug": folder.name, "today": dt.date.today().isoformat(),
            "versions": self.versions, "source": self.source(),
            "templates": self.templates_digest(),
            "sources": [(s["path"], s["sha256"]) for s in self.sources(folder)]}))
        return digest.hexdigest()


def canonical_json(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def target_key(target, inputs: Inputs) -> str:
    from .targets import payload_digest

    digest = hashlib.sha256()
    digest.update(payload_digest(target).encode())
    for name in sorted(target.templates):
        digest.update(f"{name}:{inputs.template(name)}".encode())
    digest.update(canonical_json(inputs.versions))
    digest.update(inputs.code(target.renderer).encode())
    return digest.hexdigest()


# -- reading what the last build left ------------------------------------------------

def read_manifest(out_dir: Path) -> dict:
    """{path: entry} of the last build; {} when missing or unreadable (everything rebuilds)."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        entries = {}
        for entry in data["outputs"]:
            if isinstance(entry["path"], str) and isinstance(entry["key"], str) and \
                    isinstance(entry["sha256"], str) and isinstance(entry["size"], int):
                entries[entry["path"]] = entry
        return entries
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _cache_file(output_root: Path, slug: str) -> Path:
    return output_root / STATE / f"{slug}.json"


def read_cache(output_root: Path, slug: str) -> dict:
    try:
        data = json.loads(_cache_file(output_root, slug).read_text(encoding="utf-8"))
        if data.get("format") != CACHE_FORMAT:
            return {}
        for target in data["targets"]:
            target["path"], target["key"], target["document"]  # noqa: B018 (shape check)
        dict(data["files"])
        return data
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _inside(relative: str) -> bool:
    """A manifest path that names a file inside its folder (the manifest may have been edited)."""
    parts = Path(relative).parts
    return bool(parts) and not Path(relative).is_absolute() and ".." not in parts


# -- planning ----------------------------------------------------------------------

@dataclass
class TargetInfo:
    """What a cached plan knows about a target: enough to select and verify it."""

    path: str
    document: str
    site: str | None = None
    lang: str | None = None


@dataclass
class Plan:
    folder: Path
    slug: str
    out_dir: Path
    inputs: str = ""
    targets: list = field(default_factory=list)     # every target of the protocol
    selected: list = field(default_factory=list)    # after --only/--site/--lang
    keys: dict = field(default_factory=dict)
    stale: list = field(default_factory=list)
    version: str = ""
    manifest: dict = field(default_factory=dict)    # the last build's entries
    files: dict = field(default_factory=dict)       # path -> [ino, size, mtime, ctime, sha]
    costs: dict = field(default_factory=dict)       # first path of a job -> seconds it took
    orphans: list = field(default_factory=list)     # outputs of targets that no longer exist
    diagnostics: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    cached: bool = False
    failed: bool = False                            # the check found errors

    def intact(self, path: str) -> bool:
        """The output is on disk with the size and SHA-256 the manifest records."""
        entry = self.manifest.get(path)
        if not entry:
            return False
        try:
            st = os.stat(self.out_dir / path)
        except OSError:
            return False
        if st.st_size != entry["size"]:
            return False
        signature = [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
        known = self.files.get(path)
        if isinstance(known, list) and len(known) == 5 and known[:4] == signature:
            sha = known[4]
        else:
            sha = sha256_file(self.out_dir / path)
            self.files[path] = signature + [sha]
        return sha == entry["sha256"]

    def find_stale(self, force: bool) -> None:
        self.stale = [t for t in self.selected
                      if force or self.manifest.get(t.path, {}).get("key") != self.keys[t.path]
                      or not self.intact(t.path)]


def select(targets, only=None, sites=None, langs=None):
    """The targets a build was asked for: --only documents, --site and --lang filters."""
    return [t for t in targets
            if (not only or t.document in only)
            and (not sites or t.site in sites)
            and (not langs or t.lang in langs)]


def _options(options) -> dict:
    return {"only": getattr(options, "only", None), "sites": getattr(options, "site", None),
            "langs": getattr(options, "lang", None)}


def plan_cached(folder: Path, output_root: Path, inputs: Inputs, options) -> Plan | None:
    """The plan from the build cache, if the inputs are those it was made from."""
    try:
        return _plan_cached(Path(folder), output_root, inputs, options)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None  # a cache that cannot be read is no cache


def _plan_cached(folder: Path, output_root: Path, inputs: Inputs, options) -> Plan | None:
    slug = folder.name
    digest = inputs.digest(folder)
    cache = read_cache(output_root, slug)
    if cache.get("inputs") != digest:
        return None
    result = Plan(folder, slug, output_root / slug, digest, cached=True,
                  version=cache.get("version", ""), files=cache["files"],
                  costs=cache.get("costs", {}),
                  notes=list(cache.get("notes", [])), sources=inputs.sources(folder))
    from .errors import Diagnostic
    result.diagnostics = [Diagnostic(**d) for d in cache.get("diagnostics", [])]
    result.targets = [TargetInfo(t["path"], t["document"], t.get("site"), t.get("lang"))
                      for t in cache["targets"]]
    result.keys = {t["path"]: t["key"] for t in cache["targets"]}
    result.manifest = read_manifest(result.out_dir)
    if set(result.manifest) - set(result.keys):
        return None  # outputs to remove: the full plan does that
    result.selected = select(result.targets, **_options(options))
    return result


def plan_full(checked, output_root: Path, inputs: Inputs, options, digest: str) -> Plan:
    from .documents import document_modules
    from .model import build_model

    model = build_model(checked.source.data, checked.slug)
    result = Plan(Path(checked.folder), checked.slug, output_root / checked.slug, digest,
                  version=str(model["protocol"]["version"]),
                  diagnostics=list(checked.diagnostics), notes=list(checked.notes),
                  sources=inputs.sources(Path(checked.folder)))
    cache = read_cache(output_root, checked.slug)
    result.files = cache.get("files", {}) if cache else {}
    result.costs = cache.get("costs", {}) if cache else {}
    for _, module in document_modules(checked.documents):
        result.targets += module.targets(model)
    seen = set()
    for target in result.targets:
        if target.path in seen:
            raise RuntimeError(f"two targets write {checked.slug}/{target.path}")
        seen.add(target.path)
        result.keys[target.path] = target_key(target, inputs)
    result.manifest = read_manifest(result.out_dir)
    result.orphans = sorted(p for p in result.manifest if p not in seen)
    result.selected = select(result.targets, **_options(options))
    return result


# -- rendering ------------------------------------------------------------------------

def _init_worker():
    """Once per worker process: load WeasyPrint, the fonts and the fetcher."""
    from . import pdf

    pdf._font_config()
    pdf.fetcher()


def run_job(job: list) -> tuple[list, float]:
    """Render the targets of one payload: ([(path, bytes, None) or (path, None, error)], seconds).

    The HTML of a payload is rendered once: its PDF is the layout of that HTML.
    """
    from .errors import TrialdocsError

    started = time.perf_counter()
    results, html = [], {}
    for target in job:
        try:
            if target.renderer == PDF_RENDERER and id(target.payload) in html:
                from .pdf import render_pdf
                data = render_pdf(target.payload, html=html[id(target.payload)])
            else:
                data = target.render()
            if target.renderer == HTML_RENDERER:
                html[id(target.payload)] = data.decode("utf-8")
            results.append((target.path, data, None))
        except TrialdocsError as exc:
            results.append((target.path, None, str(exc)))
    return results, round(time.perf_counter() - started, 3)


def make_jobs(plans: list) -> list:
    """(plan, [targets sharing one payload]) pairs, the most expensive first.

    Biggest first so that the workers finish together. The cost of a job is
    the time it took in the last build (kept in the build cache); a job never
    rendered is estimated from the size of its payload (text to lay out).
    """
    from .targets import canonical_json as payload_json

    groups = {}
    for index, result in enumerate(plans):
        for target in result.stale:
            groups.setdefault((index, id(target.payload)), (result, []))[1].append(target)
    jobs = []
    for result, targets in groups.values():
        targets.sort(key=lambda t: (t.renderer != HTML_RENDERER, t.path))  # HTML before its PDF
        cost = result.costs.get(targets[0].path)
        if not isinstance(cost, (int, float)):
            pdf = any(t.renderer == PDF_RENDERER for t in targets)
            cost = len(payload_json(targets[0].payload)) / (40_000 if pdf else 4_000_000)
        jobs.append((-cost, result.slug, targets[0].path, result, targets))
    jobs.sort(key=lambda j: j[:3])
    return [(j[3], j[4]) for j in jobs]


def new_pool(count: int):
    """Rendering workers (see workers.py); ``watch`` keeps one across builds."""
    from .workers import Pool

    return Pool(count, initializer=_init_worker, max_tasks=WORKER_TASKS)


class Staging:
    """Rendered files in temporary files beside their destinations, until commit."""

    def __init__(self):
        self.files = []      # (temporary, final)
        self.count = 0

    def add(self, final: Path, data: bytes) -> None:
        final.parent.mkdir(parents=True, exist_ok=True)
        self.count += 1
        tmp = final.parent / f".{final.name}.{os.getpid()}.{self.count}{TMP_SUFFIX}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            _unlink(tmp)
            raise
        os.close(fd)
        self.files.append((tmp, final))

    def commit(self) -> None:
        folders = set()
        for tmp, final in self.files:
            os.replace(tmp, final)
            folders.add(final.parent)
        self.files = []
        for folder in folders:
            _fsync_dir(folder)

    def discard(self) -> None:
        for tmp, _ in self.files:
            _unlink(tmp)
        self.files = []


def _unlink(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write one file so that readers see the old or the new content, never a mix."""
    staging = Staging()
    try:
        staging.add(path, data)
        staging.commit()
    finally:
        staging.discard()


def render(plans: list, jobs: int, pool, staging: Staging, progress) -> tuple[dict, list]:
    """Render every stale target into staging; returns ({(slug, path): (sha, size)}, failures)."""
    work = make_jobs(plans)
    built, failures = {}, []

    def collect(result, outcome, seconds=None):
        if seconds is not None:
            result.costs[outcome[0][0]] = seconds
        for path, data, error in outcome:
            if error is not None:
                failures.append(f"{result.slug}/{path}: {error}")
            else:
                staging.add(result.out_dir / path, data)
                built[(result.slug, path)] = (hashlib.sha256(data).hexdigest(), len(data))
            progress.step()

    pdf_jobs = sum(any(t.renderer == PDF_RENDERER for t in targets) for _, targets in work)
    if pool is None and not (pdf_jobs >= 2 and (jobs > 1 or pdf_jobs > WORKER_TASKS)):
        for result, targets in work:  # in this process: cheaper than starting workers
            collect(result, *run_job(targets))
        return built, failures

    own = pool is None
    if own:
        pool = new_pool(min(jobs, pdf_jobs))
    finished = False
    try:
        for index, ok, value in pool.run(run_job, [targets for _, targets in work]):
            result, targets = work[index]
            if ok:
                collect(result, *value)
            else:
                collect(result, [(t.path, None, f"rendering failed: {value}") for t in targets])
        finished = True
    finally:
        if own or not finished:
            pool.close(kill=not finished)
    return built, failures


# -- manifest and cache -------------------------------------------------------------

def manifest_bytes(result: Plan, built: dict, versions: dict) -> bytes:
    """The audit record of one protocol's outputs: deterministic (sorted, no clock)."""
    entries = []
    selected = {t.path for t in result.selected}
    for target in result.targets:
        path = target.path
        if (result.slug, path) in built:
            sha, size = built[(result.slug, path)]
        elif path in selected:
            sha, size = result.manifest[path]["sha256"], result.manifest[path]["size"]
        elif path in result.manifest and (result.out_dir / path).exists():
            entries.append(result.manifest[path])  # built earlier, not selected this time
            continue
        else:
            continue
        entries.append({"path": path, "sha256": sha, "size": size, "key": result.keys[path],
                        "protocol_version": result.version})
    entries.sort(key=lambda e: e["path"])
    return (json.dumps({"protocol": result.slug, "protocol_version": result.version,
                        "sources": result.sources, "tools": versions, "outputs": entries},
                       indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def cache_bytes(result: Plan) -> bytes:
    files = {}
    for target in result.targets:
        path = target.path
        if path in result.files:
            files[path] = result.files[path]
    return canonical_json({
        "format": CACHE_FORMAT, "inputs": result.inputs, "version": result.version,
        "diagnostics": [d.as_json() for d in result.diagnostics], "notes": result.notes,
        "targets": [{"path": t.path, "document": t.document, "site": t.site, "lang": t.lang,
                     "key": result.keys[t.path]} for t in result.targets],
        "files": files,
        "costs": {p: c for p, c in result.costs.items() if p in result.keys}})


def _write_if_changed(path: Path, data: bytes) -> None:
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomic(path, data)


def _remove_leftovers(out_dir: Path) -> None:
    """Temporary files of a build that was killed (under the lock, so none is in use)."""
    if not out_dir.is_dir():
        return
    for folder, _, files in os.walk(out_dir):
        for name in files:
            if name.endswith(TMP_SUFFIX):
                _unlink(Path(folder, name))


class BuildLock:
    """One build at a time per output folder (a watch and a build, two terminals)."""

    def __init__(self, output_root: Path, quiet: bool):
        self.path = output_root / STATE / "lock"
        self.quiet = quiet
        self.fd = None

    def __enter__(self):
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not self.quiet:
                print(f"waiting for another build of {self.path.parent.parent}/ to finish ...",
                      file=sys.stderr)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        os.close(self.fd)  # closing releases the lock (and so does dying)


# -- the command ------------------------------------------------------------------

def build(folders, options, pool=None) -> int:
    """``trialdocs build``: returns the exit status. ``pool`` lets ``watch`` keep workers warm."""
    started = time.perf_counter()
    output_root = Path(getattr(options, "output", "output"))
    quiet = getattr(options, "quiet", False)
    with BuildLock(output_root, quiet):
        return _build(folders, options, pool, output_root, started)


def _build(folders, options, pool, output_root, started) -> int:
    quiet = getattr(options, "quiet", False)
    jobs = getattr(options, "jobs", 0) or _cores()
    spare = None  # workers started on speculation while checking (see _plans)
    try:
        plans, spare, versions = _plans(folders, options, output_root, pool, jobs)
        status = _report_check(plans, options)
        if status:
            return status
        if not any(p.stale for p in plans) and spare is not None:
            spare.close(kill=True)
            spare = None
        return _render_and_write(plans, options, pool or spare, output_root, versions, started)
    finally:
        if spare is not None:
            spare.close(kill=True)


def _plans(folders, options, output_root, pool, jobs):
    """A plan per protocol: from the build cache when it holds, else check and plan afresh.

    When a protocol must be checked, rendering is likely to follow: the
    workers are started first, so that they import WeasyPrint while this
    process checks (a no-op build starts none). Returns (plans, those workers,
    the tool versions).
    """
    force = getattr(options, "force", False)
    inputs = Inputs(tool_versions())
    plans, spare = [], None
    for folder in folders:
        result = None if force else plan_cached(folder, output_root, inputs, options)
        if result is not None:
            result.find_stale(False)
            if result.stale:
                result = None  # something to render: the payloads come from the full plan
        if result is None:
            if pool is None and spare is None and jobs > 1:
                spare = new_pool(jobs)
                spare.start()
            from .check import check_protocol
            from .errors import has_errors

            checked = check_protocol(folder)
            if has_errors(checked.diagnostics):
                result = Plan(Path(folder), checked.slug, output_root / checked.slug,
                              diagnostics=checked.diagnostics, notes=checked.notes)
                result.failed = True
            else:
                result = plan_full(checked, output_root, inputs, options,
                                   inputs.digest(Path(folder)))
                result.find_stale(force)
        plans.append(result)
    return plans, spare, inputs.versions


def _report_check(plans, options) -> int:
    """Print the diagnostics (fresh or cached); an exit status if the build must stop."""
    from .errors import format_json, format_text

    quiet = getattr(options, "quiet", False)
    diagnostics = [d for p in plans for d in p.diagnostics]
    errors = sum(d.severity == "error" for d in diagnostics)
    if getattr(options, "format", "text") == "json":
        print(format_json(diagnostics))
    elif diagnostics and not (quiet and not errors):
        print(format_text(diagnostics))
    if any(p.failed for p in plans):
        print(f"build stopped: {errors} error(s) in the protocol; nothing was written "
              "(output/ keeps the last good build)", file=sys.stderr)
        return 1
    unknown = _unknown_filters(plans, options)
    if unknown:
        print(f"trialdocs: error: {unknown}", file=sys.stderr)
        return 2
    return 0


def _render_and_write(plans, options, pool, output_root, versions, started) -> int:
    quiet = getattr(options, "quiet", False)
    verbose = getattr(options, "verbose", False)
    jobs = getattr(options, "jobs", 0) or _cores()
    warnings = sum(d.severity != "error" for p in plans for d in p.diagnostics)
    for result in plans:
        _remove_leftovers(result.out_dir)
    stale = [(p, t) for p in plans for t in p.stale]
    progress = Progress(len(stale), quiet)
    staging = Staging()
    try:
        built, failures = render(plans, jobs, pool, staging, progress) if stale else ({}, [])
        progress.done()
        if failures:
            staging.discard()
            for failure in sorted(failures):
                print(f"error: {failure}", file=sys.stderr)
            print(f"build failed: {len(failures)} document(s) could not be rendered; nothing was "
                  "written (output/ keeps the last good build)", file=sys.stderr)
            if not quiet:
                print(_summary(0, len(failures), plans, len(stale), 0, warnings, started))
            return 1
        staging.commit()
    finally:
        staging.discard()

    removed = 0
    prefix = len(plans) > 1
    for result in plans:
        for path in result.orphans:
            if _inside(path):
                file = result.out_dir / path
                if file.exists():
                    _unlink(file)
                    removed += 1
                    if verbose:
                        print(f"  removed {result.slug + '/' if prefix else ''}{path}")
            result.files.pop(path, None)
        if result.targets or result.manifest:
            _write_if_changed(result.out_dir / MANIFEST, manifest_bytes(result, built, versions))
        _refresh_stats(result, built)
        _write_if_changed(_cache_file(output_root, result.slug), cache_bytes(result))

    if not quiet:
        for result in plans:
            for note in result.notes:
                print(note)
        if verbose:
            for result, target in stale:
                print(f"  built {result.slug + '/' if prefix else ''}{target.path}")
        print(_summary(len(stale), 0, plans, len(stale), removed, warnings, started))
        for result in plans:
            print(f"  {result.slug}: {len(result.stale)} of {len(result.selected)} rebuilt -> "
                  f"{result.out_dir}")
    return 0


def _refresh_stats(result: Plan, built: dict) -> None:
    """Remember the stat of each file just written (its SHA-256 is known)."""
    for (slug, path), (sha, _) in built.items():
        if slug != result.slug:
            continue
        try:
            st = os.stat(result.out_dir / path)
        except OSError:
            continue
        result.files[path] = [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, sha]


def _summary(built, failed, plans, stale: int, removed, warnings, started) -> str:
    selected = sum(len(p.selected) for p in plans)
    up_to_date = selected - stale
    text = f"built {built}, up to date {up_to_date}, failed {failed}"
    if removed:
        text += f", removed {removed}"
    return text + f" ({warnings} warning(s)) in {time.perf_counter() - started:.2f} s"


def _unknown_filters(plans, options) -> str:
    for name, attr in (("site", "site"), ("lang", "lang")):
        wanted = getattr(options, attr, None) or []
        known = {getattr(t, attr) for p in plans for t in p.targets} - {None}
        for value in wanted:
            if value not in known:
                return (f"--{name} {value}: no document has that {name} "
                        f"(known: {', '.join(sorted(known)) or 'none'})")
    return ""


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class Progress:
    """A one-line progress bar on a terminal, for builds of more than a moment."""

    def __init__(self, total: int, quiet: bool, stream=None, clock=time.perf_counter):
        self.stream = stream or sys.stderr
        self.clock = clock
        self.total, self.count = total, 0
        self.enabled = not quiet and total > 1 and self.stream.isatty()
        self.started = clock()
        self.shown = False

    def step(self):
        self.count += 1
        elapsed = self.clock() - self.started
        if self.enabled and elapsed > 0.5:
            width = 30
            filled = width * self.count // max(self.total, 1)
            left = elapsed / self.count * (self.total - self.count)
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] "
                              f"{self.count}/{self.total} files, {elapsed:.0f} s, "
                              f"~{left:.0f} s left ")
            self.stream.flush()
            self.shown = True

    def done(self):
        if self.shown:
            self.stream.write("\r" + " " * 72 + "\r")
            self.stream.flush()
            self.shown = False


def clean(output_root: Path) -> int:
    """Remove what builds wrote (each manifest's outputs, manifests, cache); keep anything else."""
    output_root = Path(output_root)
    if not output_root.exists():
        print(f"nothing to clean: {output_root}/ does not exist")
        return 0
    removed, kept = 0, []
    with BuildLock(output_root, quiet=False):
        for out_dir in sorted(p for p in output_root.iterdir() if p.is_dir() and p.name != STATE):
            manifest = read_manifest(out_dir)
            if not manifest and not (out_dir / MANIFEST).exists():
                kept.append(out_dir)
                continue
            _remove_leftovers(out_dir)
            for path in manifest:
                if _inside(path) and (out_dir / path).is_file():
                    _unlink(out_dir / path)
                    removed += 1
            _unlink(out_dir / MANIFEST)
            _prune(out_dir)
            if out_dir.exists():
                kept.append(out_dir)
        import shutil

        shutil.rmtree(output_root / STATE, ignore_errors=True)
    try:
        output_root.rmdir()
    except OSError:
        pass
    print(f"removed {removed} built file(s) from {output_root}/"
          + (f"; kept what trialdocs did not write: {', '.join(map(str, kept))}" if kept else ""))
    return 0


def _prune(folder: Path) -> None:
    """Remove empty folders under folder (and folder itself when empty)."""
    for sub, dirs, files in os.walk(folder, topdown=False):
        try:
            os.rmdir(sub)
        except OSError:
            pass
