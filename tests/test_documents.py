"""The document list is declared once (documents.REGISTRY) and a target's files feed its key."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys

import pytest

from conftest import EXAMPLE, ROOT, run_cli
from trialdocs import cli, keys, schema
from trialdocs.documents import BY_NAME, NAMES, REGISTRY, document_modules


def test_every_document_module_has_checks_and_targets():
    assert len(NAMES) == len(set(NAMES))
    for document in REGISTRY:
        module = importlib.import_module(document.module)
        assert callable(module.targets), document.name
        assert callable(getattr(module, "check", None)), document.name


def test_schema_cli_and_rules_read_the_registry(tmp_path):
    assert schema.SCHEMA["protocol"]["schema"]["documents"]["schema"]["allowed"] == NAMES
    only = next(a for a in cli._parser()._subparsers._group_actions[0].choices["build"]._actions
                if "--only" in a.option_strings)
    assert list(only.choices) == NAMES
    # a block required by the registry (and only there) is required by check
    assert "objectives" in BY_NAME["site_manual"].requires
    folder = tmp_path / "nct03970954"
    shutil.copytree(EXAMPLE, folder)
    text = (folder / "trial.yaml").read_text(encoding="utf-8")
    start = text.index("\nobjectives:")
    end = text.index("\n", start + 1)
    while text[end + 1:end + 2] in (" ", "#"):
        end = text.index("\n", end + 1)
    (folder / "trial.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    result = run_cli("check", folder)
    assert "the site manual is requested but 'objectives' is missing" in result.stdout


def test_check_imports_no_renderer():
    code = ("import sys; from trialdocs.cli import main; rc = main(['check', sys.argv[1]]); "
            "print(sorted(m for m in ('jinja2', 'markdown_it', 'weasyprint') if m in sys.modules));"
            " sys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", code, str(EXAMPLE)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("[]")


@pytest.fixture(scope="module")
def example_targets():
    from trialdocs.check import check_protocol
    from trialdocs.model import build_model

    checked = check_protocol(EXAMPLE)
    model = build_model(checked.source.data, checked.slug)
    return [t for _, module in document_modules(checked.documents) for t in module.targets(model)]


class FakeInputs(keys.Inputs):
    """Inputs whose template hashes are given, so one file can be changed at a time."""

    def __init__(self, changed=None):
        super().__init__({"python": "3"})
        self.changed = changed

    def template(self, name):
        return "changed" if name == self.changed else f"hash of {name}"

    def code(self, renderer):
        return "code"


def test_key_changes_when_any_stylesheet_of_a_target_changes(example_targets):
    documents = {t.document for t in example_targets if "css" in t.payload}
    # every document type with pages has one here (usdm writes JSON only)
    assert documents == set(NAMES) - {"usdm"}
    for target in example_targets:
        if not isinstance(target.payload, dict) or "template" not in target.payload:
            continue
        named = [target.payload["template"], *target.payload["css"], *target.payload["print_css"]]
        assert set(named) <= set(target.files()), target.path
        key = keys.target_key(target, FakeInputs())
        for name in named + ["base.html", f"i18n/{target.lang}.yaml"]:
            assert keys.target_key(target, FakeInputs(changed=name)) != key, (target.path, name)


def test_a_stylesheet_added_to_a_payload_only_is_still_in_the_key(example_targets):
    target = next(t for t in example_targets if t.path.endswith(".pdf"))
    target.payload = {**target.payload, "print_css": [*target.payload["print_css"], "style/new.css"]}
    assert keys.target_key(target, FakeInputs(changed="style/new.css")) != \
        keys.target_key(target, FakeInputs())
