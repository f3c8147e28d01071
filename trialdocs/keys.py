"""Target keys: a SHA-256 of exactly what an output depends on.

An output's key hashes its renderer and payload (the data it reads, already
localized), the template, style and string files it reads, the trialdocs
code that renders it (the renderer's module and every trialdocs module it
imports: a version number alone would miss an edit), and the versions of
trialdocs, Python, the rendering libraries, the fonts and the C libraries
that lay out text. A change to checking code, or to another document's
renderer, changes no key; a change to the data a document reads changes
that document's key because its payload changed.

``Inputs.digest`` hashes everything checking and planning a protocol read,
for the build cache (outputs.py) that lets a no-op build skip both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sys
from pathlib import Path

from . import __version__
from .sources import scan

PACKAGE = Path(__file__).resolve().parent
# Same folder as render.TEMPLATES; not imported from there because render
# imports Jinja and Markdown, which a no-op build never needs.
TEMPLATES = PACKAGE.parent / "templates"
CACHE_FORMAT = 1
TOOLS = ["weasyprint", "pydyf", "jinja2", "markupsafe", "markdown-it-py", "pyyaml", "cerberus",
         "pyphen", "font-source-sans-pro", "fonttools", "tinycss2", "tinyhtml5", "cssselect2",
         "pillow"]


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
    """Every regular, readable file under root, hidden names and __pycache__ left out, sorted.

    Named pipes, sockets, devices, dangling links are never listed, so never
    read (sources.py; ``check`` reports them).
    """
    return scan(root, suffix)[0]


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
            try:
                self._hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as exc:  # gone or unreadable since the scan: no cache can match
                self._hashes[path] = f"unreadable: {exc.strerror}"
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
            "sources": [(s["path"], s["sha256"]) for s in self.sources(folder)],
            # a pipe, socket or dangling link added since: check again, and report it
            "odd": [(p.as_posix(), why) for p, why in scan(folder, links_inside=True)[1]]}))
        return digest.hexdigest()


def canonical_json(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def target_key(target, inputs: Inputs) -> str:
    from .targets import payload_digest

    digest = hashlib.sha256()
    digest.update(payload_digest(target).encode())
    for name in target.files():
        digest.update(f"{name}:{inputs.template(name)}".encode())
    digest.update(canonical_json(inputs.versions))
    digest.update(inputs.code(target.renderer).encode())
    return digest.hexdigest()
