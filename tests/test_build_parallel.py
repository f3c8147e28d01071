"""Parallel rendering: same bytes as a serial build, every time; the worker pool itself."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from buildhelp import N_ASSETS, build, outputs, summary

SLUG = "nct03970954"
MANIFEST = "manifest.json"


@pytest.fixture(scope="module")
def protocol(small_built):
    """One site, consent forms only: 2 PDFs, enough to use two workers (conftest.py)."""
    return small_built[0]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_serial_and_parallel_builds_are_byte_identical_and_deterministic(registry_built,
                                                                        tmp_path):
    """A parallel build here (two workers, one PDF each) and the run's serial build of the
    same protocol (conftest.registry_built: one site, registry files, --jobs 1), made by
    another process minutes before, each into an empty folder: the same bytes."""
    protocol, serial = registry_built / "protocol" / SLUG, registry_built / "output"
    result = build(protocol, tmp_path / "parallel", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert summary(result)["built"] == 8 + N_ASSETS  # 8 registry files, the fonts and licence
    parallel = outputs(tmp_path / "parallel" / SLUG)
    assert len([p for p in parallel if p.endswith(".pdf")]) == 2
    first = outputs(serial / SLUG)
    assert set(first) == set(parallel)
    assert {p: sha(d) for p, d in parallel.items() if p != MANIFEST} == \
        {p: sha(d) for p, d in first.items() if p != MANIFEST}
    assert_same_manifest(parallel[MANIFEST], first[MANIFEST])


def assert_same_manifest(a: bytes, b: bytes) -> None:
    """Byte-identical, unless trialdocs' source changed between the two builds (someone
    editing it while the tests run): then keys and that digest differ, and nothing else."""
    da, db = json.loads(a), json.loads(b)
    if da["tools"] == db["tools"]:
        assert a == b
        return
    assert {k: v for k, v in da["tools"].items() if k != "trialdocs-source"} == \
        {k: v for k, v in db["tools"].items() if k != "trialdocs-source"}
    strip = [{k: v for k, v in e.items() if k != "key"} for e in da["outputs"]]
    assert strip == [{k: v for k, v in e.items() if k != "key"} for e in db["outputs"]]


def test_jobs_must_be_a_count(protocol, tmp_path):
    result = build(protocol, tmp_path / "out", "--jobs", "many")
    assert result.returncode == 2 and "not a number" in result.stderr


# -- the pool ----------------------------------------------------------------------------

def test_pool_recycles_workers_and_finishes():
    """Python 3.11's ProcessPoolExecutor(max_tasks_per_child=...) deadlocks here."""
    from trialdocs.workers import Pool

    pool = Pool(2, max_tasks=3)
    try:
        results = sorted((i, v) for i, ok, v in pool.run(abs, [-n for n in range(20)]) if ok)
    finally:
        pool.close()
    assert results == [(n, n) for n in range(20)]
    assert pool.started >= 20 // 3


def test_pool_survives_a_dying_worker():
    from trialdocs.workers import Pool

    pool = Pool(2)
    try:
        outcome = {i: (ok, v) for i, ok, v in pool.run(os._exit, [7] + [0] * 0)}
        assert outcome[0][0] is False and "died" in outcome[0][1]
        again = list(pool.run(abs, [-1, -2, -3]))
        assert sorted(v for _, ok, v in again if ok) == [1, 2, 3]
    finally:
        pool.close()


def test_pool_reports_a_failing_job():
    from trialdocs.workers import Pool

    pool = Pool(1)
    try:
        (index, ok, value), = pool.run(int, ["not a number"])
    finally:
        pool.close()
    assert index == 0 and not ok and value.startswith("ValueError")


def test_pool_replaces_a_worker_killed_while_idle():
    import signal

    from trialdocs.workers import Pool

    pool = Pool(1)
    try:
        pool.start()
        os.kill(pool.pids()[0], signal.SIGKILL)
        pool.workers[0].process.join(timeout=10)
        assert sorted(v for _, ok, v in pool.run(abs, [-1, -2]) if ok) == [1, 2]
    finally:
        pool.close()


def test_closing_a_pool_kills_a_worker_still_starting():
    """A worker that has not answered yet may still be importing WeasyPrint: close()
    kills it instead of waiting for its start-up to finish only to stop it."""
    import signal
    import time

    from trialdocs.workers import Pool

    pool = Pool(1, initializer=_slow_start)
    pool.start()
    worker = pool.workers[0]
    started = time.monotonic()
    pool.close()
    assert worker.process.exitcode == -signal.SIGKILL
    assert time.monotonic() - started < 15  # not a timing assertion: 20 s of start-up awaited


def _slow_start():
    import time

    time.sleep(20)
