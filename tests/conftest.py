"""Shared test helpers: the repository root, the worked example, and a CLI runner."""

from __future__ import annotations

import fcntl
import json
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
SECOND = ROOT / "protocol" / "nct02210780"


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


# -- builds shared by the whole run --------------------------------------------------
#
# Laying out PDFs is most of the suite's time. Tests that only read what a build
# wrote share one build of the examples per run, across the xdist workers of
# ``make test``: the first test to ask for it builds while a worker asking at
# the same time waits on a lock (the build uses both cores), and everyone then
# reads the same folder. A test that changes outputs copies them first.

# The sites whose consent PDFs are laid out, for protocols other than the worked
# example (tests/test_any_trial.py reads these two of the US example). Every
# other site's form is the same document with another site's details: its HTML
# is built and checked (tests/test_accessibility.py), its PDF is not.
PDF_SITES = {"nct02210780": ["houston", "new-york"]}


def shared_folder(tmp_path_factory, name: str) -> Path:
    """A folder every xdist worker of this run sees at the same path."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # pytest-N/popen-gwK -> pytest-N, common to the workers
    return base / name


def shared_build(tmp_path_factory, name: str, builds, prepare=None) -> Path:
    """The output folder of ``builds`` (argument lists of ``trialdocs build``, each
    given ``--output``), built once per run whichever worker asks first.
    ``prepare(folder)`` runs first, under the same lock (to write a protocol there)."""
    out = shared_folder(tmp_path_factory, name)
    out.parent.mkdir(parents=True, exist_ok=True)
    status_file = out.with_name(out.name + ".status.json")
    with open(out.with_name(out.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not status_file.exists():
            log, code = [], 0
            if prepare is not None:
                prepare(out)
            for args in builds:
                result = run_cli("build", *args, "--output", out)
                log.append(f"$ trialdocs build {' '.join(map(str, args))}\n"
                           f"{result.stdout}{result.stderr}")
                code = result.returncode
                if code:
                    break
            status_file.write_text(json.dumps({"returncode": code, "log": log}), encoding="utf-8")
        status = json.loads(status_file.read_text(encoding="utf-8"))
    assert status["returncode"] == 0, "\n".join(status["log"])
    return out


def _example_builds():
    """Every protocol under protocol/: every HTML page, registry and USDM file; the
    worked example's every PDF; the other protocols' PDFs, their consent forms for
    two sites only (PDF_SITES, else the first two)."""
    from trialdocs.check import find_protocols
    from trialdocs.load import load_protocol

    builds = [["--no-pdf", "-q"], [EXAMPLE, "-q"]]
    for folder in find_protocols(ROOT / "protocol"):
        if folder.resolve() == EXAMPLE.resolve():
            continue
        source, _ = load_protocol(folder)
        sites = PDF_SITES.get(folder.name) or [s["id"] for s in source.data.get("sites") or []][:2]
        documents = [d for d in source.data["protocol"]["documents"] if d != "consent"]
        if documents:
            builds.append([folder, "-q", *(a for d in documents for a in ("--only", d))])
        if "consent" in source.data["protocol"]["documents"] and sites:
            builds.append([folder, "-q", "--only", "consent",
                           *(a for site in sites for a in ("--site", site))])
    return builds


@pytest.fixture(scope="session")
def examples_built(tmp_path_factory) -> Path:
    """output/ of the examples as described in _example_builds, built once per run:
    read it, never change it (copy it first)."""
    return shared_build(tmp_path_factory, "examples", _example_builds())


@pytest.fixture(scope="session")
def example_built(examples_built) -> Path:
    """output/nct03970954 of that build: every document of the worked example, HTML and PDF."""
    return examples_built / EXAMPLE.name


@pytest.fixture(scope="session")
def small_built(tmp_path_factory) -> tuple[Path, Path]:
    """(protocol folder, output root): the worked example cut to one site and its consent
    forms (2 HTML, 2 PDF; buildhelp.copy_example), built once per run with two workers
    (``--jobs 2``). Read them, never change them (copy them first)."""
    from buildhelp import copy_example

    base = shared_folder(tmp_path_factory, "small")
    protocol = base / "protocol" / EXAMPLE.name
    output = shared_build(
        tmp_path_factory, "small/output", [[protocol, "--jobs", "2", "-q"]],
        prepare=lambda _: copy_example(base / "protocol", sites=1, documents=["consent"]))
    return protocol, output


@pytest.fixture(scope="session")
def registry_built(tmp_path_factory) -> Path:
    """A folder holding ``protocol/<slug>`` and ``output/``: the worked example cut to one
    site and its registry files (two short PDFs, the cheapest to lay out;
    buildhelp.copy_example), built once per run (``--jobs 1``). Read them, never change
    them (copy them first)."""
    from buildhelp import copy_example

    base = shared_folder(tmp_path_factory, "small-registry")
    shared_build(
        tmp_path_factory, "small-registry/output",
        [[base / "protocol" / EXAMPLE.name, "--jobs", "1", "-q"]],
        prepare=lambda _: copy_example(base / "protocol", sites=1, documents=["registry"]))
    return base


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


# -- order of the test files -----------------------------------------------------------
#
# ``make test`` hands whole files to two workers in collection order
# (``--dist loadfile --no-loadscope-reorder``). The slow files go first, so that
# the run ends on short files on both workers rather than one worker finishing
# a long file alone; the first one starts the shared build of the examples
# (above) and the second needs none of it for its first tests. Then the rest,
# in name order. (Seconds on an idle 2-core machine, in comments.)
FIRST_FILES = (
    "test_accessibility.py",      # shared build, then the browser audit: ~60
    "test_any_trial.py",          # the deletion sweeps: ~30
    "test_site_manual.py",        # in-process layouts of the manuals: ~25
    "test_init.py",               # a starter built in full: ~12
    "test_build_incremental.py",  # ~12
    "test_amend.py",              # ~11
    "test_robustness.py",         # ~10
    "test_consent.py",            # ~10
)


def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.path.name
        return FIRST_FILES.index(name) if name in FIRST_FILES else len(FIRST_FILES)

    items.sort(key=rank)  # stable: the tests of a file keep their order
