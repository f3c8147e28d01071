from conftest import run_cli


def test_usage_error_exits_2():
    result = run_cli("check", "/nonexistent/folder")
    assert result.returncode == 2
    assert "not a protocol folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_exits_2():
    result = run_cli("frobnicate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_check_does_not_import_weasyprint():
    import subprocess
    import sys

    from conftest import EXAMPLE, ROOT

    code = ("import sys; from trialdocs.cli import main; rc = main(['check', sys.argv[1]]); "
            "print('WEASYPRINT' if 'weasyprint' in sys.modules else 'CLEAN'); sys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", code, str(EXAMPLE)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("CLEAN")


def test_check_example_is_clean_with_one_line_summary():
    from conftest import EXAMPLE

    result = run_cli("check", EXAMPLE)
    assert result.returncode == 0, result.stdout
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("checked 1 protocol(s) (nct03970954) in ")
    assert last.endswith(": 0 error(s), 0 warning(s)")


def test_json_format_gives_the_same_diagnostics(tmp_path):
    import json

    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "trial.yaml").write_text("protocol:\n  title: x\n  versoin: '1'\n")
    result = run_cli("check", folder, "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    unknown = next(d for d in data if d["path"] == "protocol.versoin")
    assert unknown["line"] == 3 and unknown["col"] == 3 and unknown["severity"] == "error"
    assert unknown["message"] == "unknown field 'versoin'"
    assert unknown["hint"] == "did you mean 'version'?"


def test_output_cut_short_by_a_pipe_is_no_internal_error():
    """``check | head``: the reader closes the pipe while check still writes."""
    import subprocess
    import sys

    from conftest import ROOT

    fixtures = ROOT / "tests" / "fixtures"
    folders = sorted(str(p) for p in fixtures.iterdir() if p.is_dir()) * 8  # > a pipe's 64 KiB
    process = subprocess.Popen([sys.executable, "build.py", "check", *folders], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    process.wait(timeout=60)
    assert "internal error" not in stderr and "Traceback" not in stderr
    assert "Exception ignored" not in stderr


def test_only_a_document_the_protocol_does_not_declare_is_a_usage_error(tmp_path):
    """`build --only consent` on a registry-only protocol would build nothing and say
    nothing: it is refused, naming the protocol and what it declares, and writes nothing."""
    from conftest import ROOT

    result = run_cli("build", ROOT / "tests" / "fixtures" / "valid-minimal", "--only", "consent",
                     "--output", tmp_path / "out")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--only consent: valid-minimal does not declare this document" in result.stderr
    assert not (tmp_path / "out" / "valid-minimal").exists()
