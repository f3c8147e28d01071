"""What a build leaves in output/: files put in place atomically, the manifest, the cache, the lock.

- ``output/<slug>/manifest.json``, the audit record (deterministic), holds
  the key, SHA-256 and size of every output, the protocol's source files and
  the tool versions;
- ``output/.trialdocs/<slug>.json`` (private, not deterministic) maps the
  digest of every input to the result of checking and planning, and keeps
  each output's (inode, size, mtime, ctime) so an untouched file is not
  hashed again. Unreadable or out of date, it is simply ignored.

Rendered files go to temporary files beside their destinations (Staging)
and are put in place with ``os.replace`` once everything rendered: each file
is the old or the new complete version, even if the process is killed. A
killed build leaves at most temporary files, which the next one deletes; one
lock per output folder keeps two builds (a ``watch`` and a ``build``) apart.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from .errors import OutputError
from .keys import CACHE_FORMAT, canonical_json

MANIFEST = "manifest.json"
STATE = ".trialdocs"            # under the output root: build cache and lock
TMP_SUFFIX = ".trialdocs-tmp"


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


# -- writing ----------------------------------------------------------------------------

def refuse_links(root: Path, path: Path) -> None:
    """Refuse to write or delete ``path`` through a symbolic link below the output root.

    A link inside output/ (``output/<slug>/consent -> /elsewhere``) would make
    the build write, and ``clean`` delete, files outside output/. The output
    root itself may be a link: the user chose where output/ lives.
    """
    root = Path(root)
    try:
        parts = Path(path).relative_to(root).parts
    except ValueError:
        return
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            raise OutputError(f"{current}: is a symbolic link inside the output folder; "
                              "trialdocs neither writes nor deletes through it (remove the link)")


def replace_odd(path: Path) -> None:
    """Make room for a state file (manifest, cache, lock) when something else holds its name.

    The build wrote a regular file there; a folder or link left in its place
    (by hand, a sync tool, a bad restore) is removed so that the state is
    rebuilt, rather than failing every later build.
    """
    if path.is_symlink() or (path.exists() and not path.is_file()):
        if path.is_dir() and not path.is_symlink():
            import shutil

            shutil.rmtree(path)
        else:
            os.unlink(path)


def located(exc: OSError, path: Path) -> OSError:
    """The same error, naming the file the user knows (not a temporary file)."""
    return OSError(exc.errno, exc.strerror or str(exc), str(path))


class Staging:
    """Rendered files in temporary files beside their destinations, until commit."""

    def __init__(self, root: Path | None = None):
        self.root = root     # the output root: nothing is written through a link below it
        self.files = []      # (temporary, final)
        self.count = 0

    def add(self, final: Path, data: bytes) -> None:
        if self.root is not None:
            refuse_links(self.root, final)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise located(exc, final.parent) from None
        self.count += 1
        tmp = final.parent / f".{final.name}.{os.getpid()}.{self.count}{TMP_SUFFIX}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except OSError as exc:
            raise located(exc, final) from None
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except OSError as exc:
            os.close(fd)
            _unlink(tmp)
            raise located(exc, final) from None
        except BaseException:
            os.close(fd)
            _unlink(tmp)
            raise
        os.close(fd)
        self.files.append((tmp, final))

    def commit(self) -> None:
        folders = set()
        for tmp, final in self.files:
            try:
                os.replace(tmp, final)
            except IsADirectoryError:
                replace_odd(final)  # a folder where the build wrote a file
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


def write_atomic(path: Path, data: bytes, root: Path | None = None) -> None:
    """Write one file so that readers see the old or the new content, never a mix."""
    replace_odd(path)
    staging = Staging(root)
    try:
        staging.add(path, data)
        staging.commit()
    finally:
        staging.discard()


# -- manifest and cache -------------------------------------------------------------

def manifest_bytes(result, built: dict, versions: dict) -> bytes:
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
    record = {"protocol": result.slug, "protocol_version": result.version,
              "sources": result.sources, "tools": versions, "outputs": entries}
    accepted = [{"path": d.path, "warning": d.message, "reason": d.hint.removeprefix("accepted: ")}
                for d in sorted(result.diagnostics) if d.severity == "accepted"]
    if accepted:
        record["accepted_warnings"] = accepted
    return (json.dumps(record, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def cache_bytes(result) -> bytes:
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


def _write_if_changed(path: Path, data: bytes, root: Path | None = None) -> None:
    try:
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomic(path, data, root)


def _remove_leftovers(out_dir: Path) -> None:
    """Temporary files of a build that was killed (under the lock, so none is in use)."""
    if not out_dir.is_dir() or out_dir.is_symlink():
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

        root = self.path.parent.parent
        if root.exists() and not root.is_dir():
            raise OutputError(f"{root}: is not a folder; give --output a folder to build into")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            replace_odd(self.path)
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
        except OSError as exc:
            raise located(exc, self.path) from None
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


# -- cleaning ---------------------------------------------------------------------------

def clean(output_root: Path) -> tuple[int, list]:
    """Remove what builds wrote (each manifest's outputs, manifests, cache); keep anything else.

    Returns (files removed, folders kept). Never follows a link: a linked
    folder inside output/ is kept, and nothing outside output/ is deleted.
    """
    output_root = Path(output_root)
    if not output_root.exists():
        return 0, []
    removed, kept = 0, []
    with BuildLock(output_root, quiet=False):
        for out_dir in sorted(p for p in output_root.iterdir() if p.is_dir() and p.name != STATE):
            if out_dir.is_symlink():
                kept.append(out_dir)
                continue
            manifest = read_manifest(out_dir)
            if not manifest and not (out_dir / MANIFEST).exists():
                kept.append(out_dir)
                continue
            _remove_leftovers(out_dir)
            for path in manifest:
                try:
                    refuse_links(output_root, out_dir / path)
                except OutputError:
                    continue
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
    return removed, kept


def _prune(folder: Path) -> None:
    """Remove empty folders under folder (and folder itself when empty)."""
    for sub, dirs, files in os.walk(folder, topdown=False):
        try:
            os.rmdir(sub)
        except OSError:
            pass
