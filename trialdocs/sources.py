"""Which files of a folder are sources: regular, readable files, and nothing else.

A protocol folder can hold anything a file system can: a named pipe (reading
it blocks forever, and once hung ``build`` and ``watch`` while they held the
output lock), a socket or device, a symbolic link to nothing or to a file
elsewhere, a file nobody may read. ``scan`` sorts the entries into the files
a build may read and the problems ``check`` reports at their path, so that
``build`` never opens anything ``check`` has not accepted.

Hidden names and ``__pycache__`` are left out, as editors and Python leave
files there that are no one's source.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_KINDS = [(stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")]


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def scan(root: Path, suffix: str = "", links_inside: bool = False) -> tuple[list[Path], list]:
    """(regular files under root, sorted; [(path, problem)] for every other entry).

    With ``links_inside``, a symbolic link must point inside root (a protocol
    folder is one trial's sources; a link elsewhere would make a document
    read a file the protocol does not hold).
    """
    files, problems = [], []
    top = Path(root).resolve() if links_inside else None
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in names:
            if name.startswith(".") or not name.endswith(suffix):
                continue
            path = Path(folder, name)
            try:
                st = os.stat(path)
            except FileNotFoundError:
                problems.append((path, "is a symbolic link to nothing (its target is missing)"))
                continue
            except OSError as exc:
                problems.append((path, f"cannot be read: {exc.strerror}"))
                continue
            if not stat.S_ISREG(st.st_mode):
                problems.append((path, f"is {_kind(st.st_mode)}, not a file; remove it from "
                                       "the folder"))
                continue
            if top is not None and path.is_symlink() and top not in path.resolve().parents:
                problems.append((path, "is a symbolic link to a file outside the protocol "
                                       "folder; copy the file in instead"))
                continue
            try:
                os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
            except OSError as exc:
                problems.append((path, f"cannot be read: {exc.strerror}"))
                continue
            files.append(path)
    return sorted(files), problems
