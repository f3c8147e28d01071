"""Helpers for the build-engine tests: small protocol copies, builds, output trees."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "protocol" / "nct03970954"
TMP_SUFFIX = ".trialdocs-tmp"
# Files every build with HTML writes besides the documents: the fonts the
# pages load and their licence (trialdocs/assets.py).
N_ASSETS = 6
# A consent text of the worked example (patient.yaml, English) and an edit of it.
CONSENT_TEXT = "The study tests start only after you sign."
CONSENT_EDIT = "The study tests begin only after you sign."


def copy_example(parent: Path, sites: int | None = None, documents=None) -> Path:
    """A copy of the worked example, optionally cut to its first sites and some documents."""
    from trialdocs.load import load_protocol_file_plain

    target = Path(parent) / EXAMPLE.name
    shutil.copytree(EXAMPLE, target)
    if sites is not None:
        people = load_protocol_file_plain(target / "people.yaml")
        people["sites"] = people["sites"][:sites]
        (target / "people.yaml").write_text(
            yaml.safe_dump(people, allow_unicode=True, sort_keys=False, width=10**6),
            encoding="utf-8")
    if documents is not None:
        edit(target / "trial.yaml", "documents: [consent, site_manual, registry, usdm]",
             f"documents: [{', '.join(documents)}]")
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path} (the worked example changed?)"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build(protocol: Path, output: Path, *args, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "build", str(protocol),
                           "--output", str(output), *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def built_paths(result) -> set:
    """The files a ``build -v`` says it built."""
    return set(re.findall(r"^  built (\S+)$", result.stdout, re.M))


def summary(result) -> dict:
    match = re.search(r"built (\d+), up to date (\d+), failed (\d+)", result.stdout)
    assert match, result.stdout + result.stderr
    return dict(zip(("built", "up_to_date", "failed"), map(int, match.groups())))


def outputs(out_dir: Path) -> dict:
    """{relative path: bytes} of the built files (temporary files left out)."""
    return {p.relative_to(out_dir).as_posix(): p.read_bytes()
            for p in sorted(Path(out_dir).rglob("*"))
            if p.is_file() and not p.name.endswith(TMP_SUFFIX)}


def leftovers(output: Path) -> list:
    return sorted(p for p in Path(output).rglob("*" + TMP_SUFFIX))
