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
