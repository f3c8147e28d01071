"""``trialdocs watch``: a saved change is rebuilt, problems are reported, Ctrl-C ends it.

The watch is started with SIGINT ignored, as every background job of a
non-interactive shell is (``make test &`` in a script, CI runners): it must
install its own handling, or the SIGINT that ends the test does nothing.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time

from buildhelp import ROOT, edit

SLUG = "nct03970954"
PHONE, OTHER_PHONE = "+33 1 00 00 00 01", "+33 1 00 00 00 09"  # Saint-Antoine's


def _wait(condition, timeout, what, lines):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; watch printed:\n" + "".join(lines))


def test_watch_rebuilds_saved_changes_and_survives_errors(small_built, tmp_path):
    """On a copy of the run's one-site consent build (conftest.small_built), up to date:
    the first build lays out nothing, each saved change one PDF (--lang en)."""
    protocol = tmp_path / "protocol" / SLUG
    shutil.copytree(small_built[0], protocol)
    output = tmp_path / "output"
    shutil.copytree(small_built[1], output)
    pdf = output / SLUG / "consent" / "saint-antoine.en.pdf"
    french = output / SLUG / "consent" / "saint-antoine.fr.pdf"
    first, french_bytes = pdf.read_bytes(), french.read_bytes()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "watch", str(protocol), "--output", str(output),
         "--lang", "en"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")),
                              daemon=True)
    reader.start()
    try:
        _wait(lambda: any("watching" in line for line in lines), 120, "the first build", lines)
        assert pdf.read_bytes() == first

        # the site's phone number, in both languages' forms: only English is watched
        edit(protocol / "people.yaml", PHONE, OTHER_PHONE)
        saved = time.monotonic()
        _wait(lambda: pdf.read_bytes() != first, 60, "the rebuilt PDF", lines)
        print(f"new PDF on disk {time.monotonic() - saved:.2f} s after the save")
        second = pdf.read_bytes()
        assert french.read_bytes() == french_bytes

        # an editor saving half-written YAML: diagnostics, and the watch goes on
        trial = protocol / "trial.yaml"
        good = trial.read_text(encoding="utf-8")
        trial.write_text(good + "\nstatus: [unclosed\n", encoding="utf-8")
        _wait(lambda: any("error" in line for line in lines), 60, "diagnostics", lines)
        assert process.poll() is None
        trial.write_text(good, encoding="utf-8")
        edit(protocol / "people.yaml", OTHER_PHONE, PHONE)
        _wait(lambda: pdf.read_bytes() not in (second,), 60, "the PDF after the fix", lines)
        assert pdf.read_bytes() == first  # back to the first text: the same bytes
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        reader.join(timeout=5)
    assert code == 0, "".join(lines)
    assert "Traceback" not in "".join(lines)
    assert any("stopped watching" in line for line in lines)
