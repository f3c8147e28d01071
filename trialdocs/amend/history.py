"""Versions of a protocol folder from git: resolve a revision, export it, find a version.

Git is run as a program (``git show REV:path``), not through a library: the
team already has it, and its messages are the ones they know. A revision is
any name git accepts (a commit, a tag, ``HEAD~1``) or a protocol version
number (``1.0``), meaning the last commit where ``protocol.version`` had that
value. Every failure (git missing, not a repository, an unknown revision, a
folder absent at that revision) is a ``HistoryError`` with a message for the
user, never a traceback.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import UsageError


class HistoryError(UsageError):
    """A version cannot be read from git; the message says why (exit status 2)."""


@dataclass(frozen=True)
class Place:
    """A protocol folder inside a repository: its root and its path there."""

    root: Path
    prefix: str      # "protocol/nct03970954" (posix, no trailing slash)


def _git(args, cwd, binary=False, stdin: bytes | None = None):
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=60,
                              **({"input": stdin} if stdin is not None
                                 else {"stdin": subprocess.DEVNULL}))
    except FileNotFoundError:
        raise HistoryError("git is not installed (or not on PATH): protocol versions are read "
                           "from git; compare two protocol folders instead "
                           "(--from OLD_FOLDER)") from None
    except subprocess.TimeoutExpired:
        raise HistoryError(f"git {' '.join(args)} did not answer within 60 s") from None
    if done.returncode != 0:
        return None
    return done.stdout if binary else done.stdout.decode("utf-8", "replace")


def locate(folder: Path) -> Place:
    """The repository holding a protocol folder, or HistoryError."""
    folder = Path(folder).resolve()
    if not folder.is_dir():
        raise HistoryError(f"{folder}: not a protocol folder")
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top is None:
        raise HistoryError(f"{folder} is not inside a git repository: versions are read from "
                           "git history (or give a second protocol folder: --from OLD_FOLDER)")
    root = Path(top.strip()).resolve()
    return Place(root, folder.relative_to(root).as_posix())


def head(place: Place) -> str | None:
    """The commit HEAD names, or None in a repository without commits."""
    out = _git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], place.root)
    return out.strip() if out else None


# What a full commit id names never changes: the YAML files of a protocol folder
# there, and their bytes, are read from git once per process and folder (``watch`` checks
# the same commits on every save). A name such as HEAD is read every time.
_FULL_ID = re.compile(r"[0-9a-f]{40}")
_AT_COMMIT: dict = {}
_AT_COMMIT_SIZE = 64


def _remembered(key, read):
    if not _FULL_ID.fullmatch(key[1]):
        return read()
    if key not in _AT_COMMIT:
        if len(_AT_COMMIT) >= _AT_COMMIT_SIZE:
            del _AT_COMMIT[next(iter(_AT_COMMIT))]   # the oldest
        _AT_COMMIT[key] = read()
    return _AT_COMMIT[key]


def _files(place: Place, commit: str) -> list[str]:
    def read():
        out = _git(["ls-tree", "-r", "--name-only", "-z", commit, "--", place.prefix + "/"],
                   place.root)
        return [f for f in (out or "").split("\0") if f.endswith((".yaml", ".yml"))]
    return list(_remembered((place, commit, "files"), read))


def _contents(place: Place, commit: str, names: list[str]) -> dict:
    """The bytes of files at a commit, by name (None for a file git cannot read).

    One ``git cat-file --batch`` for all of them rather than a ``git show`` each
    (a protocol has several files; each git call costs a process start)."""
    def read():
        if any("\n" in name for name in names):   # not expressible on a batch line
            return {name: _git(["show", f"{commit}:{name}"], place.root, binary=True)
                    for name in names}
        request = "".join(f"{commit}:{name}\n" for name in names).encode("utf-8")
        out = _git(["cat-file", "--batch"], place.root, binary=True, stdin=request)
        found, at = {}, 0
        for name in names:
            end = (out or b"").find(b"\n", at)
            header = (out or b"")[at:end].split(b" ") if end >= 0 else []
            if len(header) != 3 or header[1] != b"blob":
                found[name] = None
                at = end + 1 if end >= 0 else len(out or b"")
                continue
            size = int(header[2])
            found[name] = out[end + 1:end + 1 + size]
            at = end + 1 + size + 1                   # the content, then a newline
        return found
    return dict(_remembered((place, commit, "contents", tuple(names)), read))


def field(place: Place, commit: str, block: str, key: str):
    """``block.key`` at a commit (read with a plain safe loader) as text, or None."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    names = _files(place, commit)
    contents = _contents(place, commit, names)
    for name in names:
        text = (contents[name] or b"").decode("utf-8", "replace")
        if not re.search(rf"^{re.escape(block)}\s*:", text, re.M):
            continue  # each top-level key lives in one file: parse only the one holding it
        try:
            data = yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader)
        except yaml.YAMLError:
            continue
        if isinstance(data, dict) and isinstance(data.get(block), dict):
            value = data[block].get(key)
            return None if value is None else str(value)
    return None


def protocol_version(place: Place, commit: str):
    """protocol.version at a commit, or None."""
    return field(place, commit, "protocol", "version")


def before_change(place: Place, block: str, key: str, current: str, search: int = 50):
    """The last commit where ``block.key`` was not ``current``, or None.

    The working tree's value may already differ from HEAD's (a version just
    bumped): then HEAD. Otherwise the parent of the oldest commit of the run
    that set the current value; only commits touching a ``version:`` line are
    read (git log -G), at most ``search`` of them.
    """
    last = head(place)
    if last is None:
        return None
    value = field(place, last, block, key)
    if value is None:
        return None
    if value != current:
        return last
    log = _git(["log", f"-{search}", "--format=%H %P", "-G", "version:", "--", place.prefix],
               place.root) or ""
    for line in log.splitlines():
        commit, *parents = line.split()
        if not parents:
            return None
        before = field(place, parents[0], block, key)
        if before is not None and before != current:
            return parents[0]
        if field(place, commit, block, key) != current:
            return commit
    return None


def resolve(place: Place, revision: str) -> str:
    """The commit a revision or a protocol version number names."""
    if revision.startswith("-"):
        raise HistoryError(f"revision {revision!r}: a revision does not start with '-'")
    out = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
               place.root)
    if out:
        return out.strip()
    log = _git(["log", "--format=%H", "--", place.prefix], place.root) or ""
    for commit in log.split():
        if protocol_version(place, commit) == revision:
            return commit
    raise HistoryError(f"{revision!r} is neither a git revision nor a protocol.version found in "
                       f"the history of {place.prefix} (see: git log -- {place.prefix})")


def describe(place: Place, commit: str) -> dict:
    """Short id and date of a commit, for the package's header."""
    out = _git(["show", "-s", "--format=%h%x00%cs", commit], place.root) or "\0"
    short, _, day = out.strip().partition("\0")
    return {"commit": short, "date": day}


def export(place: Place, commit: str, dest: Path) -> Path:
    """Write the protocol folder as it was at a commit into dest/<folder name>."""
    files = _files(place, commit)
    if not files:
        raise HistoryError(f"{place.prefix} holds no YAML file at {commit[:12]}")
    target = Path(dest) / Path(place.prefix).name
    contents = _contents(place, commit, files)
    for name in files:
        data = contents[name]
        if data is None:
            raise HistoryError(f"cannot read {name} at {commit[:12]}")
        path = target / Path(name).relative_to(place.prefix)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return target
