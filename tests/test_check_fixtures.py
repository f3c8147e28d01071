"""One tiny protocol per failure mode: ``check`` reports each at the exact place.

Every folder of tests/fixtures/ but valid-minimal is a copy of valid-minimal
with one defect, named for it. ``check`` runs once over all of them, as a user
would run it over several protocols, in text and in JSON; each fixture must
print exactly its expected diagnostics (file as printed, line, column,
severity, path, message, hint), nothing else from the loader, the schema or
the cross-field rules, and never a traceback. The registry checker's own
diagnostics (code "registry") are left to tests/test_registry_checker.py.
"""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT, run_cli
from trialdocs.errors import Diagnostic
from trialdocs.load import MAX_FILE_BYTES

FIXTURES = ROOT / "tests" / "fixtures"
REL = "tests/fixtures"

# fixture -> its diagnostics, each as printed after "tests/fixtures/<fixture>/"
EXPECTED = {
    "actual-date-in-future": ["trial.yaml:19:47: error: status.completion_date.type: an ACTUAL date cannot be in the future (2099-03-31) (use ESTIMATED)"],
    "age-order": ["trial.yaml:60:16: error: eligibility.maximum_age: must not be below minimum_age (80 Years)"],
    "age-order-units": ["trial.yaml:60:16: error: eligibility.maximum_age: must not be below minimum_age (18 Years)"],
    "age-without-unit": ["trial.yaml:59:16: error: eligibility.minimum_age: '18' must be an age such as '18 Years' (a whole number, a space, then one of Years, Months, Weeks, Days, Hours, Minutes)"],
    "alias-bomb": ["trial.yaml:1:4: error: anchors (&name) are not allowed in a protocol (write the value out in full)"],
    "anchor-alias": ["trial.yaml:21:9: error: anchors (&name) are not allowed in a protocol (write the value out in full)"],
    "Bad Slug": [": error: protocol folder name 'Bad Slug' is not a safe slug (use lower-case letters, digits, '-' and '_' only; it names the output folder; rename the folder, e.g. to 'bad-slug')"],
    "bad-age-format": ["trial.yaml:59:16: error: eligibility.minimum_age: '18 years' must be an age such as '18 Years' (a whole number, a space, then one of Years, Months, Weeks, Days, Hours, Minutes)"],
    "bad-date-format": ["trial.yaml:6:17: error: protocol.version_date: '15/01/2020' must be a date written YYYY-MM-DD"],
    "bad-enum-code": ["trial.yaml:16:19: error: status.overall_status: 'COMPLETE' is not allowed (did you mean 'COMPLETED'? allowed: NOT_YET_RECRUITING, RECRUITING, ENROLLING_BY_INVITATION, ACTIVE_NOT_RECRUITING, SUSPENDED, TERMINATED, COMPLETED, WITHDRAWN, AVAILABLE, NO_LONGER_AVAILABLE, TEMPORARILY_NOT_AVAILABLE, APPROVED_FOR_MARKETING … (14 in all))"],
    "bad-enum-lowercase": ["trial.yaml:58:8: error: eligibility.sex: 'all' is not allowed (did you mean 'ALL'? allowed: ALL, FEMALE, MALE)"],
    "bad-phase-pair": ["trial.yaml:30:11: error: design.phases: [PHASE1, PHASE3] is not an allowed combination (give one phase, or [PHASE1, PHASE2] or [PHASE2, PHASE3])"],
    "broken-arm-intervention-reference": [
        "trial.yaml:41:21: error: arms[0].interventions[0]: 'drug_a' is not a known intervention (did you mean 'drug-a'? interventions: drug-a)",
        "trial.yaml:44:9: error: interventions[0].id: intervention 'drug-a' is not given in any arm (name it in the 'interventions' list of an arm)",
    ],
    "broken-outcome-objective-reference": ["trial.yaml:56:18: error: outcomes.primary[0].objective: 'bpp' is not a known objective (did you mean 'bp'? objectives: bp)"],
    "completed-with-estimated-date": ["trial.yaml:19:47: error: status.completion_date.type: must be ACTUAL when the status is COMPLETED"],
    "complex-key": ["trial.yaml:12:3: error: a key must be plain text, not a list or mapping"],
    "date-order": ["trial.yaml:19:27: error: status.completion_date.date: completion date 2020-12-31 is before the primary completion date 2021-01-31"],
    "date-type-vs-status": ["trial.yaml:17:42: error: status.start_date.type: must be ACTUAL once the status is COMPLETED"],
    "duplicate-id": ["trial.yaml:65:11: error: eligibility.inclusion[1].id: id 'Adult' is used twice (first at line 63) (ids must be unique, ignoring upper and lower case)"],
    "duplicate-key": ["trial.yaml:13:3: error: identification.brief_title: duplicate key 'brief_title' (first given at line 12) (YAML would silently keep only the last one; remove one of them)"],
    "duplicate-top-level-key-across-files": ["trial.yaml:26:1: error: conditions: 'conditions' is already given in tests/fixtures/duplicate-top-level-key-across-files/more.yaml:1 (each top-level key belongs in one file)"],
    "empty-file": [
        "trial.yaml:1:1: error: conditions: missing required top-level block 'conditions' (add it to one of the protocol's files; see docs/protocol-format.md)",
        "trial.yaml:1:1: error: description: missing required top-level block 'description' (add it to one of the protocol's files; see docs/protocol-format.md)",
        "trial.yaml:1:1: error: design: missing required top-level block 'design' (add it to one of the protocol's files; see docs/protocol-format.md)",
        "trial.yaml:1:1: error: eligibility: missing required top-level block 'eligibility' (add it to one of the protocol's files; see docs/protocol-format.md)",
        "trial.yaml:1:1: error: identification: missing required top-level block 'identification' (add it to one of the protocol's files; see docs/protocol-format.md)",
        "trial.yaml:1:1: error: protocol: missing required top-level block 'protocol' (add it to one of the protocol's files; see docs/protocol-format.md)",
        "trial.yaml:1:1: error: sponsors: missing required top-level block 'sponsors' (add it to one of the protocol's files; see docs/protocol-format.md)",
        "trial.yaml:1:1: error: status: missing required top-level block 'status' (add it to one of the protocol's files; see docs/protocol-format.md)",
        "trial.yaml:1:1: warning: the file is empty",
    ],
    "empty-value": ["trial.yaml:12:15: error: identification.brief_title: has no value; it must be text"],
    "enrollment-withdrawn": ["trial.yaml:36:23: error: design.enrollment.count: must be 0 when the status is WITHDRAWN (is 20)"],
    "illustrative-path-missing": ["trial.yaml:10:18: error: protocol.illustrative[0]: 'consent.risks' names no field of this protocol (there is no 'consent')"],
    "implicit-float-version": ["trial.yaml:5:12: error: protocol.version: must be text, not the number 1.10 (it would be read as the number 1.1; write it in quotes: \"1.10\")"],
    "include-tag": ["trial.yaml:26:13: error: YAML tags are not allowed in a protocol (found !include) (remove the tag; write plain text)"],
    "invalid-calendar-date": ["trial.yaml:6:17: error: protocol.version_date: '2021-02-30' is not a real calendar date"],
    "leading-zero-integer": ["trial.yaml:35:23: error: design.enrollment.count: must be a whole number, not '020' (a number has no leading zero: write 20)"],
    "masking-role-count": ["trial.yaml:35:15: error: design.who_masked: masking DOUBLE needs 2 masked role(s), 1 given (list the roles under design.who_masked)"],
    "merge-key": ["trial.yaml:22:5: error: merge keys (<<) are not allowed in a protocol (write the keys out in full)"],
    "missing-interventional-field": ["trial.yaml:28:1: error: design: missing required field 'masking' for an interventional study"],
    "missing-required-block": ["trial.yaml:1:1: error: description: missing required top-level block 'description' (add it to one of the protocol's files; see docs/protocol-format.md)"],
    "missing-required-field": ["trial.yaml:10:1: error: identification.brief_title: missing required field 'brief_title'"],
    "missing-translation": ["trial.yaml:42:10: error: arms[0].lay: missing translation for 'fr'"],
    "multi-document": ["trial.yaml:36:1: error: a protocol file holds one YAML document, found a second (remove the '---' line or split the file)"],
    "negative-enrollment": ["trial.yaml:35:23: error: design.enrollment.count: must be at least 0"],
    "not-utf8": ["trial.yaml:12:24: error: the file is not UTF-8 text: byte 0xE9 cannot be read (save it as UTF-8; it was probably saved as Latin-1 or Windows-1252)"],
    "patient-text-not-translated": ["trial.yaml:42:10: error: arms[0].lay: patient-facing text needs one text per language (en) (write it as {en: Everyone takes drug A.})"],
    "python-tag": ["trial.yaml:25:18: error: YAML tags are not allowed in a protocol (found !!python/object/apply:os.system) (remove the tag; write plain text)"],
    "quoted-boolean": ["trial.yaml:61:23: error: eligibility.healthy_volunteers: must be true or false, not 'false' (remove the quotes: false)"],
    "sexagesimal-time": ["trial.yaml:35:23: error: design.enrollment.count: must be a whole number, not '1:20'"],
    "single-group-two-arms": ["trial.yaml:33:23: error: design.intervention_model: SINGLE_GROUP needs exactly one arm (2 given)"],
    "tab-indentation": ["trial.yaml:12:1: error: YAML syntax error: found a tab character that violates indentation (indent with spaces, not tabs)"],
    "top-level-list": ["more.yaml:1:1: error: a protocol file must be a mapping of keys (key: value) at the top"],
    "unclosed-bracket": ["trial.yaml:28:7: error: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 27) (is a ']' missing? the list opens on line 27)"],
    "unclosed-quote": ["trial.yaml:5:13: error: YAML syntax error: did not find expected key (while parsing a block mapping at line 4) (is a quote left open on line 4?)"],
    "unknown-document": ["trial.yaml:9:15: error: protocol.documents[0]: 'registery' is not allowed (did you mean 'registry'? allowed: consent, site_manual, registry, usdm, protocol)"],
    "unknown-key-in-list-item": ["trial.yaml:38:5: error: arms[0].lable: unknown field 'lable' (did you mean 'label'?)"],
    "unknown-key-no-suggestion": ["trial.yaml:26:1: error: budget: unknown field 'budget' (allowed here: protocol, identification, status, sponsors, oversight, description, conditions, design, arms, interventions, objectives, outcomes, eligibility, people, officials, central_contacts, sites, references, see_also_links, avail_ipds … (28 in all))"],
    "unknown-key-suggestion": ["trial.yaml:12:3: error: identification.brief_tilte: unknown field 'brief_tilte' (did you mean 'brief_title'?)"],
    "unknown-language-key": ["trial.yaml:42:10: error: arms[0].lay: 'fr' is not a language of this protocol (protocol.languages: en)"],
    "unknown-top-level-key": ["trial.yaml:57:1: error: eligibilty: unknown field 'eligibilty' (did you mean 'eligibility'?)"],
    "unsafe-id": ["trial.yaml:63:11: error: eligibility.inclusion[0].id: 'adult/../x' must be an id of letters, digits, '-' and '_' (at most 64, starting with a letter or digit), so it is safe as a file name"],
    "unused-intervention": ["trial.yaml:48:9: error: interventions[1].id: intervention 'drug-b' is not given in any arm (name it in the 'interventions' list of an arm)"],
    "why-stopped-missing": ["trial.yaml:16:19: error: status.overall_status: status TERMINATED needs status.why_stopped (say briefly why the study stopped)"],
    "why-stopped-not-stopped": ["trial.yaml:17:16: error: status.why_stopped: is only given when the status is one of SUSPENDED, TERMINATED, WITHDRAWN (status is COMPLETED)"],
    "windows-reserved-id": ["trial.yaml:63:11: error: eligibility.inclusion[0].id: 'con' is a reserved device name on Windows; choose another id"],
    "wrong-type-list-for-text": ["trial.yaml:12:16: error: identification.brief_title: must be text, not a list"],
    "wrong-type-text-for-list": ["trial.yaml:27:15: error: conditions.conditions: must be a list, not 'Hypertension' (write it as a list: [Hypertension])"],
    "yaml-syntax-error": ["trial.yaml:12:22: error: YAML syntax error: mapping values are not allowed in this context (text that contains ': ' must be in quotes: brief_title: \"Drug A: a minimal trial\")"],
    "yes-no-boolean": ["trial.yaml:61:23: error: eligibility.healthy_volunteers: must be true or false, not 'No' (write false)"],
}



def printed(name, line):
    """A diagnostic line as check prints it (a folder-level one has no '/file:')."""
    return f"{REL}/{name}{'' if line.startswith(':') else '/'}{line}"


def fixture_of(file):
    return file[len(REL) + 1:].split("/")[0]


@pytest.fixture(scope="module")
def run_all():
    folders = [f"{REL}/{name}" for name in sorted(EXPECTED)]
    return run_cli("check", *folders), run_cli("check", "--format", "json", *folders)


def test_every_fixture_folder_has_its_expectation():
    on_disk = {p.name for p in FIXTURES.iterdir() if p.is_dir()} - {"valid-minimal"}
    assert on_disk == set(EXPECTED)
    assert len(EXPECTED) >= 30


def test_all_fixtures_in_one_run_exit_1_without_traceback(run_all):
    for result in run_all:
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        assert result.stderr == ""
    assert run_all[0].stdout.splitlines()[-1].startswith(f"checked {len(EXPECTED)} protocol(s) (")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_reports_its_defect_exactly(run_all, name):
    text, as_json = run_all
    expected = [printed(name, line) for line in EXPECTED[name]]
    assert any(": error: " in line for line in expected)  # so the fixture alone exits 1
    lines = text.stdout.splitlines()
    for line in expected:
        assert line in lines
    ours = [str(Diagnostic(**d)) for d in json.loads(as_json.stdout)
            if fixture_of(d["file"]) == name and d["code"] != "registry"]
    assert sorted(ours) == sorted(expected)


@pytest.mark.parametrize("name", ["yaml-syntax-error", "alias-bomb", "python-tag", "age-order"])
def test_a_fixture_checked_alone_exits_1(name):
    result = run_cli("check", f"{REL}/{name}")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    for line in EXPECTED[name]:
        assert printed(name, line) in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1].startswith(f"checked 1 protocol(s) ({name}) in ")


def _json_entry(as_json, name, path):
    found = [d for d in json.loads(as_json.stdout) if fixture_of(d["file"]) == name
             and d["path"] == path]
    assert len(found) == 1
    return found[0]


def test_json_gives_the_same_diagnostics_as_fields(run_all):
    as_json = run_all[1]
    assert _json_entry(as_json, "age-order", "eligibility.maximum_age") == {
        "file": f"{REL}/age-order/trial.yaml", "line": 60, "col": 16, "severity": "error",
        "path": "eligibility.maximum_age", "message": "must not be below minimum_age (80 Years)",
        "hint": "", "code": "rule"}
    assert _json_entry(as_json, "unknown-key-suggestion", "identification.brief_tilte") == {
        "file": f"{REL}/unknown-key-suggestion/trial.yaml", "line": 12, "col": 3,
        "severity": "error", "path": "identification.brief_tilte",
        "message": "unknown field 'brief_tilte'", "hint": "did you mean 'brief_title'?",
        "code": "schema"}
    assert _json_entry(as_json, "yaml-syntax-error", "") == {
        "file": f"{REL}/yaml-syntax-error/trial.yaml", "line": 12, "col": 22,
        "severity": "error", "path": "",
        "message": "YAML syntax error: mapping values are not allowed in this context",
        "hint": "text that contains ': ' must be in quotes: "
                "brief_title: \"Drug A: a minimal trial\"",
        "code": ""}
    assert _json_entry(as_json, "Bad Slug", "")["line"] == 0  # the folder, not a line


def test_valid_minimal_passes_with_a_one_line_summary():
    result = run_cli("check", f"{REL}/valid-minimal")
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("checked 1 protocol(s) (valid-minimal) in ")
    assert lines[0].endswith(" s: 0 error(s), 0 warning(s)")
    assert result.stderr == ""


def test_file_too_large(tmp_path):
    folder = tmp_path / "too-large"
    shutil.copytree(FIXTURES / "valid-minimal", folder)
    trial = folder / "trial.yaml"
    padding = MAX_FILE_BYTES + 1 - trial.stat().st_size
    trial.write_text(trial.read_text() + ("#" * 99 + "\n") * (padding // 100) + "#" * (padding % 100))
    size = trial.stat().st_size
    assert size == MAX_FILE_BYTES + 1
    result = run_cli("check", "too-large", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.splitlines()[0] == (
        f"too-large/trial.yaml: error: file is {size:,} bytes; a protocol file may be at most "
        f"{MAX_FILE_BYTES:,} bytes")


def _paths(value, path=()):
    if path:
        yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, path + (index,))


def test_a_wrong_type_anywhere_is_a_diagnostic_not_a_crash(tmp_path):
    """Each value of valid-minimal replaced in turn by a number and by a list."""
    import copy

    import yaml

    from trialdocs.check import check_protocol
    from trialdocs.load import load_protocol

    base = load_protocol(FIXTURES / "valid-minimal")[0].data
    folder = tmp_path / "wrong-type"
    folder.mkdir()
    for path in _paths(base):
        for wrong in (7, [7]):
            data = copy.deepcopy(base)
            parent = data
            for part in path[:-1]:
                parent = parent[part]
            still_valid = wrong == 7 and type(parent[path[-1]]) is int  # count: 7 is fine
            parent[path[-1]] = wrong
            (folder / "trial.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
            checked = check_protocol(folder)  # must not raise
            assert checked.ok == still_valid, (path, wrong, checked.diagnostics)
