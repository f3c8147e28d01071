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


# -- cleaning ---------------------------------------------------------------------------

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
