"""``trialdocs watch``: a saved change is rebuilt, problems are reported, Ctrl-C ends it.

The watch is started with SIGINT ignored, as every background job of a
non-interactive shell is (``make test &`` in a script, CI runners): it must
install its own handling, or the SIGINT that ends the test does nothing.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

from buildhelp import CONSENT_EDIT, CONSENT_TEXT, ROOT, copy_example, edit

SLUG = "nct03970954"


def _wait(condition, timeout, what, lines):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; watch printed:\n" + "".join(lines))


def test_watch_rebuilds_saved_changes_and_survives_errors(tmp_path):
    protocol = copy_example(tmp_path / "protocol", sites=1, documents=["consent"])
    output = tmp_path / "output"
    pdf = output / SLUG / "consent" / "saint-antoine.en.pdf"
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
        assert pdf.exists() and not (output / SLUG / "consent" / "saint-antoine.fr.pdf").exists()
        first = pdf.read_bytes()

        edit(protocol / "patient.yaml", CONSENT_TEXT, CONSENT_EDIT)
        saved = time.monotonic()
        _wait(lambda: pdf.read_bytes() != first, 60, "the rebuilt PDF", lines)
        print(f"new PDF on disk {time.monotonic() - saved:.2f} s after the save")
        second = pdf.read_bytes()

        # an editor saving half-written YAML: diagnostics, and the watch goes on
        trial = protocol / "trial.yaml"
        good = trial.read_text(encoding="utf-8")
        trial.write_text(good + "\nstatus: [unclosed\n", encoding="utf-8")
        _wait(lambda: any("error" in line for line in lines), 60, "diagnostics", lines)
        assert process.poll() is None
        trial.write_text(good, encoding="utf-8")
        edit(protocol / "patient.yaml", CONSENT_EDIT, CONSENT_TEXT)
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
