"""The field catalogue and what is generated from it.

schema.py declares each field once; the docs' field tables, the editor's JSON
Schema and the ClinicalTrials.gov mapping are generated from it by
``python -m trialdocs.generate``. These tests fail when a generated file is
stale, when a field lacks its description, and when the JSON Schema accepts a
structural mistake ``check`` refuses, or refuses a protocol ``check`` accepts.
"""

from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import EXAMPLE, ROOT, run_cli
from trialdocs import catalogue, generate, json_schema
from trialdocs.check import check_protocol
from trialdocs.load import load_protocol

FIXTURES = ROOT / "tests" / "fixtures"


def test_generated_files_are_up_to_date():
    stale = generate.stale()
    assert not stale, f"stale: {', '.join(map(str, stale))}; run `python -m trialdocs.generate`"


def test_a_changed_catalogue_makes_the_docs_stale(monkeypatch):
    field = catalogue.by_path()[("identification", "acronym")]
    monkeypatch.setitem(field.rules["meta"], "doc", "A new description")
    catalogue.fields.cache_clear()
    catalogue.by_path.cache_clear()
    try:
        assert generate.FORMAT_DOC in generate.stale()
        assert generate.SCHEMA_FILE in generate.stale()
    finally:
        catalogue.fields.cache_clear()
        catalogue.by_path.cache_clear()


def test_every_field_has_a_description():
    assert [f.dotted for f in catalogue.fields() if not f.doc] == []


def test_every_field_has_its_row_in_the_docs():
    """A field added to the catalogue shows in docs/protocol-format.md without editing it."""
    document = (ROOT / generate.FORMAT_DOC).read_text(encoding="utf-8")
    seen = {f.path for f in catalogue.children(())}   # the top-level block table
    generate.format_doc(document, seen)
    skipped = set(generate.SAME_AS)
    for f in catalogue.fields():
        if (f.rules.get("meta") or {}).get("kind") in generate.SHARED_KINDS:
            skipped.add(f.path)
    missing = [f.dotted for f in catalogue.fields()
               if f.path not in seen and not any(f.path[:len(p)] == p and len(f.path) > len(p)
                                                 for p in skipped)
               # a shared record's fields are documented once, where it is first used
               and not (f.path[:2] != ("sponsors", "address") and "address" in f.path[:-1])
               and not (f.path[:2] != ("sponsors", "contact")
                        and any(p in f.path[:-1] for p in ("contact", "pharmacy", "rights_office",
                                                            "vigilance_contact")))]
    assert missing == []


def test_the_cli_prints_the_committed_schema():
    result = run_cli("schema")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (ROOT / generate.SCHEMA_FILE).read_text(encoding="utf-8")
    assert json.loads(result.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_field_in_the_json_schema_carries_its_description():
    missing = []

    def walk(node, path):
        if "properties" in node:
            for name, child in node["properties"].items():
                if not child.get("description"):
                    missing.append(".".join(path + [name]))
                walk(child, path + [name])
        if isinstance(node.get("items"), dict):
            walk(node["items"], path + ["*"])

    walk(json_schema.build(), [])
    assert missing == []


# -- the JSON Schema against the fixtures ------------------------------------------------

VALIDATOR = jsonschema.Draft202012Validator(json_schema.merged(json_schema.build()))
# check's schema errors that need the protocol as a whole: the languages a
# patient text must have come from protocol.languages (a cross-field rule).
NEEDS_LANGUAGES = ("missing translation for", "is not a language of this protocol")


def _loaded(folder):
    source, problems = load_protocol(folder)
    return source.data, [p for p in problems if p.severity == "error"]


def _folders():
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir())


def test_the_worked_example_and_the_valid_fixture_are_accepted():
    for folder in (EXAMPLE, FIXTURES / "valid-minimal"):
        data, problems = _loaded(folder)
        assert problems == []
        assert [e.message for e in VALIDATOR.iter_errors(data)] == [], folder.name


def _structural():
    """Failure fixtures whose defect check's schema stage reports, and those the schema needs the languages for."""
    structural, by_languages = [], []
    for folder in _folders():
        if folder.name == "valid-minimal":
            continue
        schema_errors = [d for d in check_protocol(folder).diagnostics if d.code == "schema"]
        if not schema_errors:
            continue
        if all(any(w in d.message for w in NEEDS_LANGUAGES) for d in schema_errors):
            by_languages.append(folder)
        else:
            structural.append(folder)
    return structural, by_languages


def test_every_structural_failure_fixture_is_rejected():
    structural, by_languages = _structural()
    accepted = [f.name for f in structural if VALIDATOR.is_valid(_loaded(f)[0])]
    assert accepted == []
    # The counts the closing note of issue 9 gives: 62 failure fixtures, of
    # which 25 hold a structural defect (all rejected) and 2 a patient text in
    # the wrong languages (check's job: it needs protocol.languages).
    assert (len(_folders()) - 1, len(structural), len(by_languages)) == (62, 25, 2)


def test_fixtures_that_pass_the_schema_stage_are_accepted():
    """The JSON Schema is no stricter than check: what check's schema stage passes, it passes."""
    refused = []
    for folder in _folders():
        data, problems = _loaded(folder)
        if problems:
            continue  # refused by the loader: there is no data to check
        schema_errors = [d for d in check_protocol(folder).diagnostics if d.code == "schema"]
        if not schema_errors and not VALIDATOR.is_valid(data):
            refused.append(folder.name)
    assert refused == []


@pytest.mark.parametrize("name", ["trial.yaml", "people.yaml", "patient.yaml", "conduct.yaml",
                                  "document.yaml"])
def test_each_example_file_names_the_schema_for_editors(name):
    first = (EXAMPLE / name).read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/trialdocs.schema.json"
    assert (EXAMPLE / "../../schema/trialdocs.schema.json").resolve().is_file()


def test_one_file_of_a_protocol_is_valid_on_its_own():
    """An editor checks one file at a time: blocks kept in other files are not asked for."""
    schema = json_schema.build()
    data, _ = _loaded(EXAMPLE)
    one_file = {"consent": data["consent"]}
    assert jsonschema.Draft202012Validator(schema).is_valid(one_file)


def test_the_pre_commit_hook_runs_check_on_protocol_files():
    import re

    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = {h["id"]: h for h in hooks}["trialdocs-check"]
    assert hook["entry"] == "trialdocs check" and hook["pass_filenames"] is False
    assert re.search(hook["files"], "protocol/nct03970954/trial.yaml")
    assert not re.search(hook["files"], "templates/i18n/en.yaml")


def test_the_schema_keeps_to_keywords_draft_07_also_has():
    """Editors' YAML support (yaml-language-server) fully knows draft-07 only: same verdicts there."""
    draft7 = jsonschema.Draft7Validator(json_schema.merged(json_schema.build()))
    differ = []
    for folder in [EXAMPLE] + _folders():
        data, problems = _loaded(folder)
        if not problems and draft7.is_valid(data) != VALIDATOR.is_valid(data):
            differ.append(folder.name)
    assert differ == []
    used = set()

    def walk(node):
        if isinstance(node, dict):
            used.update(node)
            for key, value in node.items():
                if key in ("properties", "x-trialdocs-required-blocks"):
                    for child in (value.values() if isinstance(value, dict) else []):
                        walk(child)
                elif key != "examples":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json_schema.build())
    newer = {"$defs", "prefixItems", "unevaluatedProperties", "unevaluatedItems", "dependentRequired",
             "dependentSchemas", "$dynamicRef", "$anchor"}
    assert used & newer == set()


def test_the_registry_mapping_is_one_to_one_so_it_reads_both_ways():
    from trialdocs.registry import mapping

    keys = [f.ctgov for f in mapping.simple_fields()]
    assert len(keys) == len(set(keys))
    assert len(keys) > 80
    # every Markdown field of ClinicalTrials.gov (API markup) is Markdown in the catalogue
    markdown = {".".join(f.ctgov) for f in catalogue.ctgov_fields() if f.markdown}
    assert {"referencesModule.seeAlsoLinks.*.label", "referencesModule.availIpds.*.comment",
            "statusModule.whyStopped", "eligibilityModule.eligibilityCriteria"} <= markdown
