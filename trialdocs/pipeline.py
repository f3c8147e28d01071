"""The build: check, model, targets, render what is stale, write atomically.

Every output file is a target (document x site x language x format, see
targets.py) with a key (keys.py). A target is up to date when the manifest
holds the same key for it and the file on disk still has the recorded size
and SHA-256; anything else (no manifest, an unreadable one, a missing or
edited file) means rebuild. When nothing the build reads has changed and
every output is intact, the build cache answers without checking again or
importing a renderer: a no-op build is a few file reads (outputs.py).

Order matters (MkDocs and Pelican do the same): every protocol is checked
and every stale target rendered into a temporary file beside its
destination before a single output is replaced. A check or render failure
leaves output/ exactly as the last good build left it. Files are then put in
place, outputs of targets that no longer exist are removed, and the manifest
goes last.

Rendering runs in worker processes (workers.py) started with *spawn*
(WeasyPrint must not be forked, stack.md §2.4), each importing WeasyPrint and
loading fonts and stylesheets once, recycled after ``WORKER_TASKS`` jobs or
past a memory ceiling. They start once planning knows how many PDFs are
stale, never more than those (``jobs_for``): a no-op build, or one with a
single PDF to lay out, starts none. The HTML and PDF of one payload are one job: the worker
renders the HTML once and lays it out. Jobs go most expensive first (the
time each took last time, else the size of its payload) so that the workers
finish together. A renderer is a pure function of its payload, so a serial
build (``--jobs 1``) writes the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .keys import Inputs, target_key, tool_versions
from .outputs import (MANIFEST, BuildLock, Staging, _cache_file, _inside, _remove_leftovers,
                      _unlink, _write_if_changed, cache_bytes, manifest_bytes, read_cache,
                      read_manifest, refuse_links, sha256_file)

WORKER_TASKS = 100  # jobs per worker before it is recycled (workers.py; stack.md §2.4)
MAX_JOBS_PER_CORE = 4  # --jobs ceiling (see jobs_for)
HTML_RENDERER = "trialdocs.render:render_html"
PDF_RENDERER = "trialdocs.pdf:render_pdf"


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


def select(targets, only=None, sites=None, langs=None, formats=None, pdf=True):
    """The targets a build was asked for: --only documents, --site and --lang filters,
    output formats (``trialdocs diff --no-pdf`` builds HTML only), and ``pdf=False``
    (``trialdocs build --no-pdf``), which leaves out every PDF and nothing else.

    Shared assets (fonts the HTML pages load, trialdocs/assets.py) go with any selection.
    PDFs left out are neither built nor removed: an earlier build's PDFs stay, with their
    manifest entries, as for any target not selected.
    """
    return [t for t in targets
            if (pdf or not t.path.endswith(".pdf"))
            and (t.document == "assets"
                 or (not only or t.document in only)
                 and (not sites or t.site in sites)
                 and (not langs or t.lang in langs)
                 and (not formats or t.path.rpartition(".")[2] in formats))]


def _options(options) -> dict:
    return {"only": options.only, "sites": options.sites, "langs": options.langs,
            "formats": options.formats, "pdf": options.pdf}


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
    if "consent" in checked.documents:  # re-consent: what changed since the last consent version
        from .amend.newinfo import build_targets
        sheets, note = build_targets(checked, model)
        result.targets += sheets
        result.notes += [note] if note else []
    if any(t.renderer == HTML_RENDERER for t in result.targets):
        from . import assets
        result.targets += assets.targets()  # the fonts every HTML page loads
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


def render(plans: list, options, pool, staging: Staging, progress, outcome=None) -> tuple[dict, list]:
    """Render every stale target into staging; returns ({(slug, path): (sha, size)}, failures).

    Workers start here, and only as many as there are PDF jobs (jobs_for); a
    build with one PDF to lay out, or none, renders in this process.
    """
    work = make_jobs(plans)
    built, failures = {}, []

    def collect(result, outcome_, seconds=None):
        if seconds is not None:
            result.costs[outcome_[0][0]] = seconds
        for path, data, error in outcome_:
            if error is not None:
                failures.append(f"{result.slug}/{path}: {error}")
            else:
                staging.add(result.out_dir / path, data)
                built[(result.slug, path)] = (hashlib.sha256(data).hexdigest(), len(data))
            progress.step()

    pdf_jobs = sum(any(t.renderer == PDF_RENDERER for t in targets) for _, targets in work)
    jobs, warning = jobs_for(options.jobs, pdf_jobs)
    if outcome is not None:
        outcome.jobs = jobs if pool is None else pool.count
        if warning:
            outcome.warnings.append(warning)
    if pool is None and not (pdf_jobs >= 2 and (jobs > 1 or pdf_jobs > WORKER_TASKS)):
        for result, targets in work:  # in this process: cheaper than starting workers
            collect(result, *run_job(targets))
        return built, failures

    own = pool is None
    if own:
        pool = new_pool(jobs)
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


# -- the command ------------------------------------------------------------------

def jobs_for(requested: int, pdf_jobs: int, cores: int | None = None) -> tuple[int, str]:
    """Rendering workers for a build, and a warning when the request was cut down.

    Never more than the PDFs to render (a worker with nothing to do costs a
    WeasyPrint import and ~150 MB) and never more than ``MAX_JOBS_PER_CORE``
    times the cores: ``--jobs 1000`` once started 493 processes and 7.6 GB.
    More workers than cores is allowed up to that cap, with a warning, since
    it is slower, not faster, on a machine doing nothing else.
    """
    cores = cores or _cores()
    wanted = requested or cores
    warning = ""
    ceiling = MAX_JOBS_PER_CORE * cores
    if wanted > ceiling:
        warning = (f"--jobs {requested}: at most {ceiling} workers on {cores} core(s) "
                   f"({MAX_JOBS_PER_CORE} per core); using {ceiling}")
        wanted = ceiling
    elif wanted > cores:
        warning = f"--jobs {requested}: more workers than the {cores} core(s) is rarely faster"
    return max(1, min(wanted, pdf_jobs)), warning


def build(folders, options, pool=None):
    """Check, plan and render ``folders`` as ``options`` (a BuildOptions) ask; a BuildResult.

    Prints nothing on stdout: the caller shows the result. ``pool`` lets
    ``watch`` keep workers warm across builds.
    """
    from .options import BuildResult

    started = time.perf_counter()
    output_root = Path(options.output)
    result = BuildResult()
    with BuildLock(output_root, options.quiet):
        _build(folders, options, pool, output_root, result)
    result.seconds = time.perf_counter() - started
    return result


def _build(folders, options, pool, output_root, outcome) -> None:
    plans, versions = _plans(folders, options, output_root)
    outcome.diagnostics = [d for p in plans for d in p.diagnostics]
    outcome.notes = [n for p in plans for n in p.notes]
    outcome.selected = sum(len(p.selected) for p in plans)
    outcome.stale = sum(len(p.stale) for p in plans)
    if any(p.failed for p in plans):
        errors = sum(d.severity == "error" for d in outcome.diagnostics)
        outcome.error = (f"build stopped: {errors} error(s) in the protocol; nothing was written "
                         f"({output_root}/ keeps the last good build)")
        outcome.status = 1
        return
    unknown = _unknown_filters(plans, options) or _undeclared(plans, options.only)
    if unknown:
        outcome.error = unknown
        outcome.status = 2
        return
    _render_and_write(plans, options, pool, output_root, versions, outcome)


def _undeclared(plans, only) -> str:
    """A usage error when --only names a document a protocol does not declare: a build
    that would build nothing and say nothing is the user's mistake, said at once."""
    for plan in plans:
        if not only or plan.failed:
            continue
        declared = {t.document for t in plan.targets} - {"assets"}   # fonts go with any build
        missing = [d for d in dict.fromkeys(only) if d not in declared]
        if missing:
            return (f"--only {', '.join(missing)}: {plan.slug} does not declare "
                    f"{'this document' if len(missing) == 1 else 'these documents'} "
                    f"(protocol.documents: {', '.join(sorted(declared)) or 'none'})")
    return ""


def _plans(folders, options, output_root):
    """A plan per protocol: from the build cache when it holds, else check and plan afresh.

    Returns (plans, the tool versions). No worker starts here: how many the
    build needs is known only once every plan says what is stale.
    """
    force = options.force
    inputs = Inputs(tool_versions())
    plans = []
    for folder in folders:
        result = None if force else plan_cached(folder, output_root, inputs, options)
        if result is not None:
            result.find_stale(False)
            if result.stale:
                result = None  # something to render: the payloads come from the full plan
        if result is None:
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
    return plans, inputs.versions


def _render_and_write(plans, options, pool, output_root, versions, outcome) -> None:
    for result in plans:
        _remove_leftovers(result.out_dir)
    stale = [(p, t) for p in plans for t in p.stale]
    progress = Progress(len(stale), options.quiet)
    staging = Staging(output_root)
    try:
        built, failures = render(plans, options, pool, staging, progress, outcome) \
            if stale else ({}, [])
        progress.done()
        if failures:
            staging.discard()
            outcome.failures = sorted(failures)
            outcome.error = (f"build failed: {len(failures)} document(s) could not be rendered; "
                             f"nothing was written ({output_root}/ keeps the last good build)")
            outcome.status = 1
            return
        staging.commit()
    finally:
        staging.discard()

    for result in plans:
        for path in result.orphans:
            if _inside(path):
                file = result.out_dir / path
                refuse_links(output_root, file)
                if file.exists():
                    _unlink(file)
                    outcome.removed.append(f"{result.slug}/{path}")
            result.files.pop(path, None)
        if result.targets or result.manifest:
            _write_if_changed(result.out_dir / MANIFEST, manifest_bytes(result, built, versions),
                              output_root)
        _refresh_stats(result, built)
        _write_if_changed(_cache_file(output_root, result.slug), cache_bytes(result), output_root)
    outcome.built = [f"{r.slug}/{t.path}" for r, t in stale]
    outcome.protocols = [(r.slug, len(r.stale), len(r.selected), str(r.out_dir)) for r in plans]


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


def _unknown_filters(plans, options) -> str:
    for name, attr, wanted in (("site", "site", options.sites), ("lang", "lang", options.langs)):
        wanted = wanted or []
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


