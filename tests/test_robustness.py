"""Robustness corpus: what users, machines and signals do to a build, one case each.

Every case gives a located message (the path, and the line and column when
there is one), the documented exit status (1 problems, 2 usage), no
traceback, no hang (each run has a timeout), and changes no file outside
output/. Cases that a root user cannot produce on a real file system (a
file nobody may read, a read-only or full disk) inject the operating
system's error where the build meets it; everything else is real: a named
pipe, a dangling link, a folder where a file was, /dev/full.

The protocol is the worked example cut to one site and its registry files
(two small PDFs), built with ``--jobs 1`` where workers are not the point.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from buildhelp import ROOT, edit

SLUG = "nct03970954"
TIMEOUT = 120  # no case may hang: a run past this fails the test


def run(*args, cwd=ROOT, stdout=None):
    """``python build.py ARGS`` with a timeout; no traceback, nothing changed outside output/.

    The folder checked is the test's whole tmp_path (the ``work`` fixture
    records it), the protocol and a folder ``outside/`` included.
    """
    before = _outside_output()
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)],
                            cwd=cwd, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, timeout=TIMEOUT)
    assert "Traceback" not in (result.stderr or "") + (result.stdout or "")
    assert _outside_output() == before, "a file outside output/ changed"
    return result


def main_in_process(argv, capsys) -> tuple[int, str, str]:
    """``trialdocs ARGS`` in this process (to inject an OS error); same promises as run()."""
    from trialdocs import cli

    before = _outside_output()
    status = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert _outside_output() == before, "a file outside output/ changed"
    return status, out.out, out.err


_WORK = []  # the current test's folder


def _outside_output() -> dict:
    if not _WORK:
        return {}
    return {k: v for k, v in tree(_WORK[-1]).items() if not k.startswith("output/")}


class _Os:
    """The os module with some functions replaced: injected in one module only."""

    def __init__(self, **replaced):
        self.__dict__.update(replaced)

    def __getattr__(self, name):
        return getattr(os, name)


def tree(root: Path) -> dict:
    """{relative path: SHA-256 or link target} of everything under root (links not followed)."""
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            elif not path.is_dir():
                out[rel] = "special"
    return out


@pytest.fixture(scope="module")
def good(registry_built):
    """A protocol and its last good build (registry files only): the run's
    (conftest.registry_built), shared with the SIGKILL test."""
    return registry_built


@pytest.fixture
def work(good, tmp_path):
    """A private copy of the good protocol and output, and a folder ``outside/`` beside them."""
    shutil.copytree(good / "protocol", tmp_path / "protocol", symlinks=True)
    shutil.copytree(good / "output", tmp_path / "output", symlinks=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("not trialdocs'\n")
    _WORK.append(tmp_path)
    yield tmp_path
    _WORK.pop()


def protocol_of(work: Path) -> Path:
    return work / "protocol" / SLUG


def outputs(work: Path) -> dict:
    return {k: v for k, v in tree(work / "output").items() if not k.startswith(".trialdocs")}


def stale(work: Path) -> None:
    """An edit that changes the registry files: the next build has something to write."""
    edit(protocol_of(work) / "trial.yaml", 'brief_title: "Low-dose Interleukin-2 in Women With',
         'brief_title: "Low-dose Interleukin-2 in Women with')


# -- odd files in the protocol folder (defect 1, 3) -----------------------------------

def test_named_pipe_is_a_check_error_and_never_read(work):
    os.mkfifo(protocol_of(work) / "notes.txt")
    before = outputs(work)
    checked = run("check", protocol_of(work))
    assert checked.returncode == 1
    assert f"{SLUG}/notes.txt: error: is a named pipe (FIFO), not a file" in checked.stdout
    built = run("build", protocol_of(work), "--output", work / "output")  # cached plan: no hang
    assert built.returncode == 1 and "named pipe" in built.stdout
    assert "nothing was written" in built.stderr
    assert outputs(work) == before


def test_dangling_symlink_is_a_check_error(work):
    os.symlink(work / "missing.yaml", protocol_of(work) / "extra.yaml")
    result = run("check", protocol_of(work))
    assert result.returncode == 1
    assert f"{SLUG}/extra.yaml: error: is a symbolic link to nothing" in result.stdout
    built = run("build", protocol_of(work), "--output", work / "output")
    assert built.returncode == 1 and "symbolic link to nothing" in built.stdout


def test_symlink_to_a_file_outside_the_protocol_is_a_check_error(work):
    os.symlink(work / "outside" / "precious.txt", protocol_of(work) / "notes.txt")
    result = run("check", protocol_of(work))
    assert result.returncode == 1
    assert "notes.txt: error: is a symbolic link to a file outside the protocol folder" \
        in result.stdout


def test_unreadable_file_is_a_check_error(work, monkeypatch, capsys):
    """Root reads any file, so the refusal is injected where trialdocs opens it."""
    from trialdocs import sources

    target = protocol_of(work) / "notes.txt"
    target.write_text("notes\n")

    def refusing(path, flags, *args):
        if Path(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return os.open(path, flags, *args)

    monkeypatch.setattr(sources, "os", _Os(open=refusing))
    status, out, _ = main_in_process(["check", protocol_of(work)], capsys)
    assert status == 1
    assert "notes.txt: error: cannot be read: Permission denied" in out


# -- YAML a parser chokes on (defect 3) ---------------------------------------------

def test_deep_nesting_and_huge_integers_are_located_yaml_errors(work):
    deep = "".join("  " * i + "k:\n" for i in range(300)) + "  " * 300 + "k: 1\n"
    (protocol_of(work) / "deep.yaml").write_text(deep)
    (protocol_of(work) / "flow.yaml").write_text("f: " + "[" * 1000 + "]" * 1000 + "\n")
    (protocol_of(work) / "big.yaml").write_text("n: " + "9" * 5000 + "\n")
    result = run("check", "--format", "json", protocol_of(work))
    assert result.returncode == 1
    found = {Path(d["file"]).name: d for d in json.loads(result.stdout)}
    assert found["deep.yaml"]["line"] == 66 and "nested more than 64 levels" in \
        found["deep.yaml"]["message"]
    assert found["flow.yaml"]["line"] == 1 and "nesting depth" in found["flow.yaml"]["message"]
    assert (found["big.yaml"]["line"], found["big.yaml"]["col"]) == (1, 4)
    assert "5,000 digits" in found["big.yaml"]["message"]


def test_import_of_deeply_nested_json_is_an_error(work):
    record = work / "record.json"
    record.write_text("[" * 100_000 + "]" * 100_000)
    result = run("import-ctgov", record, "--into", work / "protocol" / "imported")
    assert result.returncode == 1
    assert "record.json: the JSON is nested too deeply" in result.stderr
    assert not (work / "protocol" / "imported").exists()


# -- the machine: read-only, full, not a folder (defect 3) ------------------------------

@pytest.mark.parametrize("code, cause", [(errno.ENOSPC, "No space left on device"),
                                         (errno.EROFS, "Read-only file system"),
                                         (errno.EACCES, "Permission denied")])
def test_write_failure_is_one_located_message_and_keeps_the_last_build(work, monkeypatch,
                                                                       capsys, code, cause):
    """The OS refuses a write (full disk, read-only, no permission): injected at the write."""
    from trialdocs import outputs as outputs_module

    stale(work)
    before = outputs(work)

    def failing(fd, data):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(outputs_module, "os", _Os(write=failing))
    status, _, err = main_in_process(["build", protocol_of(work), "--output", work / "output",
                                      "-q", "--jobs", "1"], capsys)  # rendered in this process
    assert status == 1
    assert err.startswith(f"trialdocs: error: {work / 'output' / SLUG / 'registry'}/")
    assert err.endswith(f": {cause}\n")
    assert len(err.strip().splitlines()) == 1, err
    assert outputs(work) == before
    assert not [p for p in (work / "output").rglob("*.trialdocs-tmp")]


@pytest.mark.parametrize("command", ["build", "clean"])
def test_read_only_output_for_an_up_to_date_build_and_clean(work, monkeypatch, capsys, command):
    """Nothing to render, yet the lock cannot be taken: one located line, not an internal error."""
    from trialdocs import outputs as outputs_module

    before = outputs(work)

    def refusing(path, flags, *args):
        if str(path).startswith(str(work / "output")) and flags & (os.O_WRONLY | os.O_RDWR):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return os.open(path, flags, *args)

    monkeypatch.setattr(outputs_module, "os", _Os(open=refusing))
    args = [protocol_of(work)] if command == "build" else []
    status, _, err = main_in_process([command, *args, "--output", work / "output"], capsys)
    assert status == 1
    assert err == f"trialdocs: error: {work / 'output' / '.trialdocs' / 'lock'}: " \
                  "Read-only file system\n"
    assert outputs(work) == before


def test_output_that_is_not_a_folder_is_a_usage_error(work):
    (work / "output.txt").write_text("a file\n")
    for output in ("/dev/full", work / "output.txt"):
        result = run("build", protocol_of(work), "--output", output)
        assert result.returncode == 2
        assert f"--output {output}: is not a folder" in result.stderr
    assert (work / "output.txt").read_text() == "a file\n"


def test_standard_output_on_a_full_device(work):
    with open("/dev/full", "w") as full:
        result = run("check", protocol_of(work), stdout=full)
    assert result.returncode == 1
    assert "cannot write to standard output: No space left on device" in result.stderr


def test_protocol_folder_removed_is_reported_not_a_crash(work):
    """What ``watch`` meets when the folder it watches is deleted (the build as a library)."""
    from trialdocs.options import BuildOptions
    from trialdocs.pipeline import build

    folder = protocol_of(work)
    shutil.rmtree(folder)
    result = build([folder], BuildOptions(output=work / "output"))
    assert result.status == 1
    assert any("the protocol folder is missing" in d.message for d in result.diagnostics)


@pytest.mark.parametrize("state", [f"{SLUG}/manifest.json", f".trialdocs/{SLUG}.json",
                                   ".trialdocs/lock"])
def test_build_state_replaced_by_a_folder_is_rebuilt(work, state):
    path = work / "output" / state
    if path.exists():
        path.unlink()
    (path / "sub").mkdir(parents=True)
    for _ in range(2):  # and the build after it is fine too
        result = run("build", protocol_of(work), "--output", work / "output", "--jobs", "1")
        assert result.returncode == 0, result.stdout + result.stderr
    assert path.is_file()


# -- writing only inside output/ (defect 6) -------------------------------------------

def test_symlinked_folder_inside_output_is_refused_and_clean_keeps_outside(work):
    registry = work / "output" / SLUG / "registry"
    shutil.rmtree(registry)
    registry.symlink_to(work / "outside", target_is_directory=True)
    result = run("build", protocol_of(work), "--output", work / "output", "--force")
    assert result.returncode == 1
    assert f"{registry}: is a symbolic link inside the output folder" in result.stderr
    assert sorted(p.name for p in (work / "outside").iterdir()) == ["precious.txt"]
    result = run("clean", "--output", work / "output")
    assert result.returncode == 0, result.stderr
    assert (work / "outside" / "precious.txt").read_text() == "not trialdocs'\n"


def test_output_inside_the_protocol_folder_is_a_usage_error(work):
    result = run("build", protocol_of(work), "--output", protocol_of(work) / "out")
    assert result.returncode == 2
    assert "is inside the protocol folder" in result.stderr
    assert not (protocol_of(work) / "out").exists()


# -- text hazards (defect 7) -----------------------------------------------------------

def test_control_characters_bidi_controls_and_escapes_in_keys(work):
    (protocol_of(work) / "zz.yaml").write_text(
        '"evil\\e]0;title\\a\\e[2J": 1\n'
        'text: "a\\u202eb"\n'
        'nul: "x\\0y"\n'
        'c1: "x\\x85y"\n', encoding="utf-8")
    result = run("check", protocol_of(work))
    assert result.returncode == 1
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\u202e" not in result.stdout
    lines = result.stdout.splitlines()
    assert any(f"{SLUG}/zz.yaml:1:1: error: evil\\x1b]0;title\\x07\\x1b[2J: the key "
               "contains the control character U+001B" in line for line in lines), lines
    assert any("zz.yaml:2:7: error: text: the text contains the bidirectional control U+202E "
               "RIGHT-TO-LEFT OVERRIDE" in line for line in lines), lines
    assert any("zz.yaml:3:6: error: nul: the text contains the control character U+0000" in line
               for line in lines), lines
    assert any("zz.yaml:4:5: error: c1: the text contains the control character U+0085" in line
               for line in lines), lines


def test_trailing_newline_in_a_site_id_and_in_the_slug(work):
    renamed = work / "protocol" / "nl\n"
    shutil.copytree(protocol_of(work), renamed)
    result = run("check", renamed)
    assert result.returncode == 1
    assert "protocol folder name 'nl\\n' is not a safe slug" in result.stdout, result.stdout

    edit(protocol_of(work) / "people.yaml", "- id: saint-antoine", '- id: "saint-antoine\\n"')
    result = run("check", protocol_of(work))
    assert result.returncode == 1
    assert "error: sites[0].id: " in result.stdout and "must be an id" in result.stdout, \
        result.stdout


# -- workers (defect 4) -----------------------------------------------------------------

def test_jobs_are_capped_with_a_warning():
    from trialdocs.pipeline import MAX_JOBS_PER_CORE, jobs_for

    assert jobs_for(1000, 8, cores=2) == (8, f"--jobs 1000: at most {2 * MAX_JOBS_PER_CORE} "
                                              f"workers on 2 core(s) ({MAX_JOBS_PER_CORE} per core);"
                                              f" using {2 * MAX_JOBS_PER_CORE}")
    assert jobs_for(1000, 3, cores=2)[0] == 3          # never more than the PDFs to render
    assert jobs_for(0, 100, cores=2) == (2, "")         # default: one per core
    assert jobs_for(3, 100, cores=2)[0] == 3 and "more workers than" in jobs_for(3, 100, cores=2)[1]
    assert jobs_for(0, 0, cores=2)[0] == 1


def test_jobs_1000_builds_without_starting_a_worker_per_job(work):
    stale(work)
    result = run("build", protocol_of(work), "--output", work / "output", "--jobs", "1000")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "--jobs 1000: at most" in result.stderr, result.stdout + result.stderr


def test_pool_starts_workers_only_for_work_that_exists():
    from trialdocs.workers import Pool

    pool = Pool(4)
    try:
        assert [ok for _, ok, _ in pool.run(abs, [-1])] == [True]
        assert pool.started == 1
    finally:
        pool.close()


# -- JSON output (defect 8) -------------------------------------------------------------

def test_json_is_one_document_for_usage_protocol_and_internal_errors(work, monkeypatch, capsys):
    usage = run("check", "--format", "json", "--no-such-option")
    assert usage.returncode == 2
    assert json.loads(usage.stdout)[0]["code"] == "usage"

    (protocol_of(work) / "bad.yaml").write_text("status: [unclosed\n")
    problem = run("build", protocol_of(work), "--output", work / "output", "--format", "json")
    assert problem.returncode == 1
    document = json.loads(problem.stdout)  # one document: no summary line after it
    assert document["status"] == 1 and document["diagnostics"][0]["file"].endswith("bad.yaml")

    from trialdocs import check, cli

    def broken(folder, today=None):
        raise RuntimeError("a bug")

    monkeypatch.setattr(check, "check_protocol", broken)
    status = cli.main(["check", "--format", "json", str(protocol_of(work))])
    out = capsys.readouterr()
    assert status == 3
    assert json.loads(out.out)[0]["code"] == "internal"
    assert "RuntimeError" in out.err and "Traceback" not in out.err


# -- signals (defect 2; the watch test starts watch with SIGINT ignored) -----------------

def test_sigint_while_a_worker_starts_is_delivered_after_not_dropped():
    import signal
    import threading

    from trialdocs import workers

    seen = []

    class Starting:
        def start(self):
            # Ctrl-C in the middle of the start, to this thread (the CLI has no other;
            # a process-directed signal would go to a thread of the test runner)
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)
            seen.append("started")

    previous = signal.signal(signal.SIGINT, lambda signum, frame: seen.append("SIGINT"))
    try:
        workers._start_with_signals_blocked(Starting())
        for _ in range(1000):  # Python runs the handler at its next check, within microseconds
            if "SIGINT" in seen:
                break
    finally:
        signal.signal(signal.SIGINT, previous)
    assert seen == ["started", "SIGINT"]


def test_sigterm_while_a_worker_is_spawned_stops_it_quietly():
    """SIGTERM just after a render worker's process exists, before it got its start-up
    data: the build stops (Interrupted) and the worker is killed, with nothing printed.

    Python's resource tracker, launched at a pool's first start, unblocks SIGINT and
    SIGTERM; the signal then stopped the parent in the middle of spawning and the child
    printed "EOFError: Ran out of input" (a flaky SIGTERM test before). A fresh
    process, so that the tracker is not running yet; the signal is sent right after the
    worker is spawned."""
    code = """if True:
        import multiprocessing, os, signal, threading
        from multiprocessing import util
        from trialdocs import cli
        from trialdocs.errors import Interrupted
        from trialdocs.workers import Pool

        spawn = util.spawnv_passfds

        def spawn_then_sigterm(path, args, fds):
            pid = spawn(path, args, fds)
            if any(b"spawn_main" in os.fsencode(arg) for arg in args):  # a worker, not the tracker
                signal.pthread_kill(threading.get_ident(), signal.SIGTERM)
            return pid

        util.spawnv_passfds = spawn_then_sigterm
        cli.install_signal_handlers()
        pool = Pool(1)
        try:
            try:
                list(pool.run(abs, [-1]))
            finally:
                pool.close(kill=True)
        except Interrupted:
            print("interrupted; workers left:", len(multiprocessing.active_children()))
    """
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "interrupted; workers left: 0\n"
    assert result.stderr == ""


def test_sigterm_ends_a_build_with_143_and_keeps_the_last_build(work):
    """A build started as a background job (SIGINT ignored) still stops on SIGTERM, cleanly."""
    import signal
    import time

    stale(work)
    before = outputs(work)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "build", str(protocol_of(work)), "--output",
         str(work / "output")], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    # Once the build holds the output lock it has installed its signal handling (a SIGTERM
    # before that, while Python starts on a busy machine, kills it the default way, -15).
    import fcntl

    lock = work / "output" / ".trialdocs" / "lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as held:
        while process.poll() is None:
            try:
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                break  # the build has it
            fcntl.flock(held, fcntl.LOCK_UN)
            time.sleep(0.01)
    time.sleep(0.2)  # not a timing assertion: the signal may come at any stage after that
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=TIMEOUT)
    assert "Traceback" not in out + err
    if process.returncode == 143:
        assert "trialdocs: error: interrupted (SIGTERM)" in err
        assert outputs(work) == before or not [p for p in (work / "output").rglob("*.trialdocs-tmp")]
    else:  # the build had already finished
        assert process.returncode == 0, err
