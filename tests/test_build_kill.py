"""Killing a build (SIGKILL) at random moments never leaves a truncated or mixed file.

Two versions of a small protocol (one site, registry files only: two PDFs,
the shortest to lay out, so two render workers) differ in the trial's brief
title, which every one of its files shows. Builds switch the output between
the two versions and are killed, whole process group, at random moments;
after each kill every output file must be byte-for-byte the complete old or
new version (the manifest too), and a build run to the end repairs
everything.

Four kills by default keep ``make test`` quick; .ci/run sets
``TRIALDOCS_KILLS=20`` for the full run.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time

from pypdf import PdfReader

from buildhelp import ROOT, build, leftovers, outputs, summary

SLUG = "nct03970954"
# A handful of kills in a local ``make test``; CI sets TRIALDOCS_KILLS=20 (.ci/run).
KILLS = int(os.environ.get("TRIALDOCS_KILLS", "4"))
TITLE_A = 'brief_title: "Low-dose Interleukin-2 in Women With Unexplained Miscarriages"'
TITLE_B = 'brief_title: "Low-dose Interleukin-2 in Women With Unexplained Pregnancy Losses"'


def _set_version(trial, text, title):
    trial.write_text(text.replace(TITLE_A, title), encoding="utf-8")


def test_sigkill_leaves_each_file_old_or_new_and_next_build_repairs(registry_built, tmp_path):
    # Version A is the run's build of this protocol (conftest.registry_built, --jobs 1:
    # the same bytes as with workers, test_build_parallel.py); version B is built here
    # with two workers, as every build of this test, and times a whole build.
    shared_protocol, shared_output = registry_built / "protocol" / SLUG, registry_built / "output"
    protocol = tmp_path / "protocol" / SLUG
    shutil.copytree(shared_protocol, protocol)
    trial = protocol / "trial.yaml"
    text_a = trial.read_text(encoding="utf-8")
    assert TITLE_A in text_a
    output = tmp_path / "output"
    _set_version(trial, text_a, TITLE_B)
    started = time.perf_counter()
    result = build(protocol, tmp_path / "ref-B", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    duration = time.perf_counter() - started
    versions = {"A": outputs(shared_output / SLUG), "B": outputs(tmp_path / "ref-B" / SLUG)}
    a, b = versions["A"], versions["B"]
    assert a.keys() == b.keys()
    differing = {p for p in a if a[p] != b[p]}
    assert differing == {p for p in a if not p.startswith("assets/")}  # all but the fonts
    assert len([p for p in differing if p.endswith(".pdf")]) == 2
    for data in (a, b):
        for path, content in data.items():
            if path.endswith(".pdf"):
                assert content.rstrip().endswith(b"%%EOF")
                assert len(PdfReader(io.BytesIO(content)).pages) > 1
    shutil.copytree(shared_output, output)  # output at version A, built as above
    _set_version(trial, text_a, TITLE_A)
    assert summary(build(protocol, output, "--jobs", "2"))["built"] == 0

    rng = random.Random(20261124)
    outcomes = []
    current = a
    for kill in range(KILLS):
        want = "B" if kill % 2 == 0 else "A"
        _set_version(trial, text_a, TITLE_B if want == "B" else TITLE_A)
        # Half the kills anywhere in the build, half late (rendering done, files being replaced).
        delay = rng.uniform(0, duration) if kill % 2 else rng.uniform(0.7, 1.3) * duration
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "build", str(protocol), "--output",
             str(output), "--jobs", "2", "--quiet"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        time.sleep(delay)
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)
        got = outputs(output / SLUG)
        assert got.keys() <= a.keys()
        for path, content in got.items():
            assert content in (a[path], b[path]), f"kill {kill} after {delay:.2f} s: {path} " \
                                                  "is neither version"
        outcomes.append("before" if got == current else "after" if got == versions[want]
                        else "mixed")
        current = got
        if kill % 10 == 9 or kill == KILLS - 1:  # a build run to the end repairs everything
            result = build(protocol, output, "--jobs", "2")
            assert result.returncode == 0, result.stderr
            assert outputs(output / SLUG) == versions[want]
            assert leftovers(output) == []
            current = versions[want]
    # the kills spanned whole builds: some came before anything was replaced, some after
    # (with enough of them to be sure of it)
    if KILLS >= 10:
        assert "before" in outcomes and {"after", "mixed"} & set(outcomes), outcomes
    _set_version(trial, text_a, TITLE_A)
    result = build(protocol, output)
    assert result.returncode == 0, result.stderr
    assert outputs(output / SLUG) == a
    assert leftovers(output) == []
