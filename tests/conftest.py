"""Shared test helpers: the repository root, the worked example, and a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Any warning WeasyPrint logs while rendering fails the render (pdf.weasyprint_warnings),
# in this process and in every build the tests start (they inherit the environment).
os.environ["TRIALDOCS_STRICT_RENDER"] = "1"

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


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output instead of comparing")


@pytest.fixture
def golden(request):
    """Compare text with a committed golden file (or rewrite it with --update-golden)."""
    update = request.config.getoption("--update-golden")

    def compare(name: str, actual: str):
        path = ROOT / "tests" / "golden" / name
        if update or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            if not update:
                pytest.fail(f"golden file {name} did not exist; written now, review and commit it")
            return
        expected = path.read_text(encoding="utf-8")
        if actual != expected:
            import difflib

            diff = "".join(list(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                                     f"golden/{name}", "built", n=2))[:80])
            pytest.fail(f"{name} differs from the golden file (run pytest --update-golden "
                        f"if the change is intended):\n{diff}")

    return compare
