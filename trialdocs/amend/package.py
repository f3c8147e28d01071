"""The amendment package: summary of changes, redlines, document list, registry changes.

``trialdocs diff protocol/<slug> --from REV [--to REV]`` runs, top to bottom:

1. open both versions: a git revision is exported into a temporary folder
   (history.py), a folder is used as it is, no ``--to`` is the working tree;
   each is checked and modelled like ``trialdocs build`` would, so a version
   that does not check stops here with its diagnostics;
2. compare the data field by field (diff.py) and look up each change's
   rationale in the new version's ``protocol.amendments``;
3. build both versions as ``trialdocs build`` would (the working tree into
   the output folder, where it is delivered; another version into a
   temporary one) and compare the HTML documents the builds wrote: new,
   removed, modified or unchanged, each with the SHA-256 of its HTML and PDF
   from the build's manifest; each modified one gets a redline (redline.py);
   a changed field is placed in the sections of the documents that show it
   (sections.py, headings read from the HTML);
4. render the summary of changes, the document list, the ClinicalTrials.gov
   fields to update and, when the consent version changed, the "new
   information" sheet for participants already enrolled;
5. write it all into ``output/<slug>/amendments/<from>-to-<to>/`` at once
   (a staging folder renamed into place): a failure leaves the previous
   package as it was.

Everything written is a function of the two versions (no clock, no absolute
path), so the same two versions give byte-identical packages.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ProblemsFound, TrialdocsError
from . import history
from .diff import ADDED, MOVED, REMOVED, Change, diff
from .rationale import explanation, new_amendments
from .sections import headings, places

HTML_RENDERER = "trialdocs.render:render_html"
DOCUMENT_NAMES = {"consent": "Information sheet and consent form", "site_manual": "Site manual",
                  "registry": "Registry record", "protocol": "Protocol"}


@dataclass
class Side:
    """One of the two versions compared."""

    origin: str               # "git 1a2b3c4 (2020-10-15)", "working tree", a folder
    folder: Path
    data: dict
    model: dict
    documents: list

    @property
    def version(self) -> str:
        return str(self.model["protocol"]["version"])

    @property
    def date(self) -> str:
        return str(self.model["protocol"].get("version_date", ""))


@dataclass
class Document:
    path: str                 # "consent/tenon.en.html"
    document: str             # consent | site_manual | registry ...
    status: str               # new | modified | unchanged | removed
    old: bytes | None = None
    new: bytes | None = None
    target: object = None     # the new version's target (payload for the PDF)
    old_version: str = ""
    new_version: str = ""
    files: list = field(default_factory=list)   # HTML and PDF: path, old_sha, new_sha (manifests)


@dataclass
class Package:
    folder: Path
    label: str
    changes: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    files: list = field(default_factory=list)
    warnings: list = field(default_factory=list)


def _en(value) -> str:
    """Staff text in English where given, else its first language (summary is for regulators)."""
    if isinstance(value, dict):
        return str(value.get("en") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


# -- 1. the two versions -------------------------------------------------------------

def _open(folder: Path, origin: str, shown: str) -> Side:
    """Check and model one version; a version that does not check stops the diff."""
    from ..check import check_protocol
    from ..model import build_model

    checked = check_protocol(folder)
    if not checked.ok:
        diagnostics = [d.__class__(**{**d.__dict__, "file": d.file.replace(str(folder), shown)})
                       for d in checked.diagnostics]
        raise VersionProblems(origin, diagnostics)
    model = build_model(checked.source.data, checked.slug)
    return Side(origin, folder, checked.source.data, model, checked.documents)


class VersionProblems(ProblemsFound):
    """One of the versions compared does not check."""

    def __init__(self, origin, diagnostics):
        super().__init__(diagnostics)
        self.origin = origin


def _side(folder: Path, revision: str | None, place, tmp: Path, name: str) -> Side:
    if revision is None:
        return _open(folder, "working tree", str(folder))
    as_folder = Path(revision)
    if as_folder.is_dir():
        return _open(as_folder, f"folder {revision}", revision)
    if place is None:
        place = history.locate(folder)
    commit = history.resolve(place, revision)
    about = history.describe(place, commit)
    exported = history.export(place, commit, tmp / name)
    return _open(exported, f"git {about['commit']} ({about['date']})",
                 f"{revision}:{place.prefix}")


# -- 2. rationale: rationale.py ------------------------------------------------------


# -- 3. documents -----------------------------------------------------------------------

def _html_targets(side: Side, select_args) -> dict:
    from ..documents import document_modules
    from ..pipeline import select

    found = []
    for _, module in document_modules(side.documents):
        found += module.targets(side.model)
    return {t.path: t for t in select(found, **select_args) if t.renderer == HTML_RENDERER}


def _document_version(model: dict, document: str) -> str:
    block = model.get(document) if isinstance(model.get(document), dict) else {}
    version = block.get("version") or model["protocol"]["version"]
    day = block.get("version_date") or model["protocol"].get("version_date", "")
    return f"{version} ({day})" if day else str(version)


class BuildFailed(TrialdocsError):
    """One of the versions compared could not be built (exit status 1)."""


def build_side(side: Side, output_root: Path, select_args, pdf: bool) -> Built:
    """Build one version as ``trialdocs build`` would (the same --only/--site/--lang;
    HTML only with --no-pdf) and read its manifest: the documents listed in the
    package are the files this build wrote, with the SHA-256 it recorded."""
    from ..options import BuildOptions
    from ..outputs import read_manifest
    from ..pipeline import build

    options = BuildOptions(output=output_root, quiet=True, formats=None if pdf else ["html"],
                           only=select_args["only"], sites=select_args["sites"],
                           langs=select_args["langs"])
    result = build([side.folder], options)
    if result.status:
        raise BuildFailed(f"the {side.origin} version could not be built: {result.error} "
                          f"{'; '.join(result.failures[:3])}".strip())
    out = output_root / side.folder.name
    return Built(out, read_manifest(out))


@dataclass
class Built:
    """A version's build: its output folder and manifest entries ({path: entry})."""

    folder: Path
    manifest: dict

    def read(self, path: str) -> bytes | None:
        return (self.folder / path).read_bytes() if path in self.manifest else None

    def sha(self, path: str) -> str:
        return self.manifest.get(path, {}).get("sha256", "")


def compare_documents(old: Side, new: Side, select_args, old_built: Built,
                      new_built: Built) -> list[Document]:
    """Each HTML document of either version, as its build wrote it: new, removed,
    unchanged or modified, with the SHA-256 of its HTML and PDF from the manifests."""
    old_targets, new_targets = _html_targets(old, select_args), _html_targets(new, select_args)
    out = []
    for path in sorted(set(old_targets) | set(new_targets)):
        before, after = old_targets.get(path), new_targets.get(path)
        doc = Document(path, (after or before).document, "", target=after,
                       old=old_built.read(path) if before else None,
                       new=new_built.read(path) if after else None,
                       old_version=_document_version(old.model, (after or before).document),
                       new_version=_document_version(new.model, (after or before).document))
        doc.status = ("new" if doc.old is None else "removed" if doc.new is None
                      else "unchanged" if doc.old == doc.new else "modified")
        for file in (path, path[:-len(".html")] + ".pdf"):
            if old_built.sha(file) or new_built.sha(file):
                doc.files.append({"path": file, "old_sha": old_built.sha(file),
                                  "new_sha": new_built.sha(file)})
        out.append(doc)
    return out


def _section_names(documents: list[Document]) -> dict:
    """document -> section id -> "number name", from its English (else first) rendering."""
    names = {}
    for doc in sorted(documents, key=lambda d: (d.document, d.target is None
                                                 or d.target.lang != "en", d.path)):
        if doc.document in names or doc.new is None:
            continue
        names[doc.document] = headings(doc.new.decode("utf-8"))
    return names


def _sections(change: Change, names: dict, changed_documents: set) -> list[str]:
    shown = []
    for document, section in places(change.path).items():
        label = DOCUMENT_NAMES.get(document, document)
        if document not in names:
            shown.append(f"{label} (not compared in this run)")
            continue
        number, title = names[document].get(section, ("", "")) if section else ("", "")
        heading = " ".join(p for p in (number, title) if p)
        shown.append(f"{label}: {heading}" if heading else f"{label} (whole document)")
    if not shown:
        shown = [f"{DOCUMENT_NAMES.get(d, d)} (whole document)" for d in sorted(changed_documents)]
    return shown or ["Registry record only"]


# -- 4. the pieces of the package ------------------------------------------------------

def _short(value, limit=160) -> str:
    if value is None:
        return ""
    if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
        value = value.get("en") or next(iter(value.values()))
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           sort_keys=True)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def describe(change: Change) -> str:
    if change.kind == ADDED:
        return f"Added {change.path}: {_short(change.new)}"
    if change.kind == REMOVED:
        return f"Removed {change.path} (was: {_short(change.old)})"
    if change.kind == MOVED:
        return f"Moved {change.path} from position {change.old + 1} to {change.new + 1}"
    if _scalar(change.old) and _scalar(change.new):
        return f"Changed {change.path}: {_short(change.old)} → {_short(change.new)}"
    return f"Changed {change.path} (see the tracked changes)"


def _scalar(value) -> bool:
    """A value a table cell can show: a plain value or a localized text."""
    return not isinstance(value, (dict, list)) or (
        isinstance(value, dict) and bool(value) and all(isinstance(v, str) for v in value.values()))


def summary_rows(changes, amendments, names, changed_documents) -> tuple[list, list]:
    rows, warnings = [], []
    for change in changes:
        entry = explanation(change, amendments)
        if entry is None:
            warnings.append(f"{change.path}: changed without a rationale in protocol.amendments"
                            " (add it to the changes of the amendment)")
        rows.append({
            "path": change.path, "kind": change.kind,
            "description": (_en(entry.get("description")) + f" ({change.path})")
            if entry and entry.get("description") else describe(change),
            "rationale": _en(entry.get("rationale")) if entry else "No rationale given",
            "cosmetic": bool(entry and entry.get("cosmetic")),
            "sections": _sections(change, names, changed_documents),
        })
    return rows, warnings


def _flatten(value, prefix="", out=None) -> dict:
    out = {} if out is None else out
    if isinstance(value, dict):
        for key in value:
            _flatten(value[key], f"{prefix}.{key}" if prefix else key, out)
    elif isinstance(value, list) and value and all(isinstance(v, (dict, list)) for v in value):
        for i, item in enumerate(value):
            _flatten(item, f"{prefix}[{i}]", out)
    else:
        out[prefix] = value
    return out


def registry_changes(old: Side, new: Side) -> str:
    """The ClinicalTrials.gov fields to update (API v2 keys), with old and new values."""
    from ..registry import ctgov_json

    before = _flatten(ctgov_json.study(old.model))
    after = _flatten(ctgov_json.study(new.model))
    lines = [f"ClinicalTrials.gov fields to update: protocol {old.version} -> {new.version}",
             "(API v2 keys; update them in PRS, or upload registry/ctgov.json of the new build)",
             ""]
    count = 0
    for key in list(after) + [k for k in before if k not in after]:
        if before.get(key) == after.get(key):
            continue
        count += 1
        show = (lambda v: "(none)" if v is None else
                json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v)
        lines += [key, f"  old: {show(before.get(key))}", f"  new: {show(after.get(key))}", ""]
    if not count:
        lines.append("No ClinicalTrials.gov field changes.")
    return "\n".join(lines).rstrip("\n") + "\n"


# -- 5. writing ---------------------------------------------------------------------------

def _label(old: Side, new: Side, to_revision) -> str:
    def safe(text):
        return "".join(c if c.isalnum() or c in ".-_" else "_" for c in text)
    old_label, new_label = safe(old.version), safe(new.version)
    if old_label == new_label:
        new_label += "-working" if to_revision is None else "-b"
    return f"{old_label}-to-{new_label}"


def write_package(out_dir: Path, files: dict) -> None:
    """Replace out_dir by the package in one rename; the old one is removed after."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        for name, data in sorted(files.items()):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        old = None
        if out_dir.exists():
            old = out_dir.parent / f".{out_dir.name}.old"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out_dir, old)
        os.replace(staging, out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def amendment_package(folder: Path, from_revision: str, to_revision: str | None = None,
                      output_root: Path = Path("output"), only=None, sites=None, langs=None,
                      pdf: bool = True) -> Package:
    from . import render

    folder = Path(folder)
    select_args = {"only": only, "sites": sites, "langs": langs}
    with tempfile.TemporaryDirectory(prefix="trialdocs-diff-") as tmp:
        tmp = Path(tmp)
        place = None
        needs_git = [r for r in (from_revision, to_revision) if r and not Path(r).is_dir()]
        if needs_git:
            place = history.locate(folder)
        old = _side(folder, from_revision, place, tmp, "from")
        new = _side(folder, to_revision, place, tmp, "to")
        changes = diff(old.data, new.data)
        amendments = new_amendments(old.data, new.data)
        # the working tree is built where trialdocs build writes it (the files delivered);
        # another version in a temporary folder
        old_built = build_side(old, tmp / "build-from", select_args, pdf)
        new_built = build_side(new, output_root if to_revision is None else tmp / "build-to",
                               select_args, pdf)
        documents = compare_documents(old, new, select_args, old_built, new_built)
    changed = {d.document for d in documents if d.status != "unchanged"}
    names = _section_names(documents)
    rows, warnings = summary_rows(changes, amendments, names, changed)
    label = _label(old, new, to_revision)
    package = Package(output_root / folder.name / "amendments" / label, label, changes,
                      documents, warnings=warnings)
    files = render.package_files(old, new, rows, amendments, documents, pdf)
    files["registry-changes.txt"] = registry_changes(old, new).encode("utf-8")
    files.update(render.new_information(old, new, changes, amendments, pdf, langs))
    write_package(package.folder, files)
    package.files = sorted(files)
    return package
