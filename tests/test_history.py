"""Reading a protocol folder at a commit (trialdocs/amend/history.py): every file's
bytes as committed, read in one git call, and what a full commit id names read once
per process while a name such as HEAD is read again each time."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from trialdocs.amend import history

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="needs git")

ENV = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
       "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}


def git(cwd, *args):
    return subprocess.run([GIT, *args], cwd=cwd, env=ENV, check=True, capture_output=True,
                          text=True).stdout.strip()


def commit(root, files: dict) -> str:
    for name, data in files.items():
        path = root / "protocol" / "trial" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "a version")
    return git(root, "rev-parse", "HEAD")


def test_field_and_export_read_each_file_as_committed(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    first = {"trial.yaml": b"protocol:\n  version: '1.0'\n",
             # sizes and contents a batch reader could get wrong: no final newline,
             # a line looking like git's own header, an empty file, non-ASCII bytes
             "consent.yaml": b"consent:\n  version: '1'\n# 0123 blob 12\n  title: \xc3\xa9t\xc3\xa9",
             "empty.yaml": b"",
             "notes.txt": b"not YAML: not exported\n"}
    one = commit(root, first)
    two = commit(root, {"trial.yaml": b"protocol:\n  version: '2.0'\n",
                        "sites.yml": b"sites: []\n\n"})
    place = history.locate(root / "protocol" / "trial")

    assert history.protocol_version(place, one) == "1.0"
    assert history.protocol_version(place, two) == "2.0"
    assert history.field(place, one, "consent", "version") == "1"
    for at, expected in ((one, {k: v for k, v in first.items() if k != "notes.txt"}),
                         (two, {**first, "trial.yaml": b"protocol:\n  version: '2.0'\n",
                                "sites.yml": b"sites: []\n\n"})):
        expected.pop("notes.txt", None)
        out = history.export(place, at, tmp_path / f"at-{at[:7]}")
        assert {p.name: p.read_bytes() for p in out.iterdir()} == expected

    # another folder of the same repository at the same commit has its own files
    git(root, "mv", "protocol/trial/sites.yml", "protocol/sites.yml")
    (root / "protocol" / "other").mkdir()
    (root / "protocol" / "other" / "trial.yaml").write_bytes(b"protocol:\n  version: '9'\n")
    three = commit(root, {})
    history.export(place, three, tmp_path / "at-three")
    other = history.locate(root / "protocol" / "other")
    out = history.export(other, three, tmp_path / "other-at-three")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {
        "trial.yaml": b"protocol:\n  version: '9'\n"}
    assert history.protocol_version(other, three) == "9"
    assert history.protocol_version(place, three) == "2.0"

    # HEAD names another commit once one is made: it is read again, not remembered
    assert history.field(place, "HEAD", "protocol", "version") == "2.0"
    commit(root, {"trial.yaml": b"protocol:\n  version: '3.0'\n"})
    assert history.field(place, "HEAD", "protocol", "version") == "3.0"
    assert history.field(other, "HEAD", "protocol", "version") == "9"
    assert history.protocol_version(place, two) == "2.0"
