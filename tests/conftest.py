"""Shared test helpers: the repository root, the worked example, and a CLI runner."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "protocol" / "nct03970954"
SHARED = ROOT.parent / "shared"


def run_cli(*args, cwd=ROOT):
    """Run ``python build.py ARGS`` as a user would; returns the CompletedProcess."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture
def example_copy(tmp_path):
    """A private copy of the worked example, to break in a test."""
    target = tmp_path / "nct03970954"
    shutil.copytree(EXAMPLE, target)
    return target


def needs_shared(*parts):
    """Skip a test when ../shared (CI's reference material) is absent, saying so."""
    path = SHARED.joinpath(*parts)
    return pytest.mark.skipif(not path.exists(),
                              reason=f"needs {path} (reference material beside the repository; "
                                     "present in CI, absent in a user's clone)")
