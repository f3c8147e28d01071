"""usdm.json: the USDM v4.0.0 export, built as a user builds it.

Four protocols: the two worked examples (protocol/nct03970954, and
protocol/nct02210780, the US trial), the smallest valid protocol
(tests/fixtures/valid-minimal) and, where the reference data is beside the
repository, a protocol imported from the ClinicalTrials.gov record
NCT02210780 as the importer gives it. Each asks for ``usdm`` in its
documents (the examples do; the others get it added); the first worked
example is built with ``--only usdm``, the others through the same stages
in process. Every file must pass the
reference-integrity checks (everywhere) and the v4.0.0 JSON Schema (where the
schema is present), and its counts must be the YAML's.
"""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from buildhelp import build
from conftest import EXAMPLE, ROOT, SHARED, needs_shared

SECOND = ROOT / "protocol" / "nct02210780"
from trialdocs.check import check_protocol
from trialdocs.documents import usdm as usdm_document
from trialdocs.load import load_protocol_file_plain
from trialdocs.model import build_model
from trialdocs.registry import cdisc
from trialdocs.registry.importer import import_record
from trialdocs.registry.usdm import wrapper
from trialdocs.registry.usdm_check import ANCHOR_CODE, integrity_problems

USDM = SHARED / "reference" / "usdm"
MINIMAL = ROOT / "tests" / "fixtures" / "valid-minimal"
RECORD = SHARED / "data" / "ctgov-json" / "NCT02210780.json"


def _ask_for_usdm(folder):
    """Add usdm to protocol.documents of a protocol folder (the file that holds it)."""
    for path in sorted(folder.glob("*.yaml")):
        data = load_protocol_file_plain(path)
        if "documents" in (data.get("protocol") or {}):
            if "usdm" not in data["protocol"]["documents"]:
                data["protocol"]["documents"].append("usdm")
                path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                               width=10**6), encoding="utf-8")
            return
    raise AssertionError(f"no protocol.documents in {folder}")


def _yaml(folder):
    data = {}
    for path in sorted(folder.glob("*.yaml")):
        data.update(load_protocol_file_plain(path))
    return data


def _export(folder, out):
    result = build(folder, out, "--only", "usdm", "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    path = out / folder.name / "usdm.json"
    return path, json.loads(path.read_text(encoding="utf-8"))


def _export_in_process(folder):
    """What ``build --only usdm`` writes, without the subprocess: check, model, render."""
    checked = check_protocol(folder)
    assert checked.ok, [str(d) for d in checked.diagnostics]
    (target,) = usdm_document.targets(build_model(checked.source.data, folder.name))
    return None, json.loads(target.render())


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """{name: (protocol folder, usdm.json path, document)} for every protocol available here.

    The worked example is built with the command line; the others in process
    (the same check, model and renderer), which keeps the module cheap.
    """
    base = tmp_path_factory.mktemp("usdm")
    example = base / "src" / EXAMPLE.name
    shutil.copytree(EXAMPLE, example)
    found = {"example": (example, *_export(example, base / "out"))}
    found["second"] = (SECOND, *_export_in_process(SECOND))
    minimal = base / "src" / "valid-minimal"
    shutil.copytree(MINIMAL, minimal)
    _ask_for_usdm(minimal)
    found["minimal"] = (minimal, *_export_in_process(minimal))
    if RECORD.exists():
        imported, _ = import_record(RECORD, base / "src" / "nct02210780")
        _ask_for_usdm(imported)
        found["imported"] = (imported, *_export_in_process(imported))
    return found


def _get(exported, name):
    if name not in exported:
        pytest.skip(f"needs {RECORD} (reference data beside the repository; present in CI, "
                    "absent in a user's clone)")
    return exported[name]


NAMES = ["example", "second", "minimal", "imported"]


# -- validity -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def schema_if_present():
    """The validator where the schema is beside the repository, else None (integrity still runs)."""
    if not (USDM / "USDM_API.json").exists():
        return None
    import jsonschema
    api = json.loads((USDM / "USDM_API.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        {"$ref": "#/components/schemas/Wrapper-Input", "components": api["components"]})


@pytest.fixture(scope="module")
def validator(schema_if_present):
    if schema_if_present is None:
        pytest.skip(f"needs {USDM / 'USDM_API.json'} (the USDM v4.0.0 API schema, reference "
                    "material beside the repository; present in CI, absent in a user's clone)")
    return schema_if_present


def _errors(validator, document):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
            for e in validator.iter_errors(document)]


@needs_shared("reference", "usdm", "CDISC_Pilot_Study.json")
def test_the_validator_accepts_cdisc_example_and_refuses_a_broken_one(validator):
    pilot = json.loads((USDM / "CDISC_Pilot_Study.json").read_text(encoding="utf-8"))
    assert _errors(validator, pilot) == []
    assert integrity_problems(pilot) == []
    del pilot["study"]["versions"][0]["titles"]
    assert any("'titles' is a required property" in e for e in _errors(validator, pilot))


@pytest.mark.parametrize("name", NAMES)
def test_usdm_json_is_valid_against_the_v4_schema(exported, validator, name):
    _, _, document = _get(exported, name)
    assert document["usdmVersion"] == "4.0.0"
    assert _errors(validator, document) == []


@pytest.mark.parametrize("name", NAMES)
def test_ids_are_unique_and_every_reference_resolves(exported, name):
    _, _, document = _get(exported, name)
    assert integrity_problems(document) == []


def test_integrity_check_names_each_kind_of_defect(exported):
    _, _, document = exported["example"]
    broken = json.loads(json.dumps(document))
    design = broken["study"]["versions"][0]["studyDesigns"][0]
    design["arms"][0]["id"] = design["epochs"][0]["id"]
    design["studyCells"][0]["elementIds"].append("StudyElement_999")
    timeline = design["scheduleTimelines"][0]
    timeline["timings"][1]["type"]["code"] = ANCHOR_CODE
    problems = integrity_problems(broken)
    assert any(f"id {design['epochs'][0]['id']} is also used" in p for p in problems)
    assert any("elementIds: StudyElement_999 names no object" in p for p in problems)
    assert any("2 anchors" in p for p in problems)


def test_a_second_build_is_byte_identical(exported):
    """The command line's file, and the same protocol exported again in this process."""
    folder, path, _ = exported["example"]
    checked = check_protocol(folder)
    (target,) = usdm_document.targets(build_model(checked.source.data, folder.name))
    assert target.render() == path.read_bytes()


def test_the_second_worked_example_exports_the_same_bytes_twice(exported):
    folder, _, document = exported["second"]
    again = _export_in_process(folder)[1]
    assert json.dumps(again, sort_keys=False) == json.dumps(document, sort_keys=False)
    assert len(_design(document)["arms"]) == 2  # dupilumab and placebo


# -- what the file holds ----------------------------------------------------------------

def _design(document):
    return document["study"]["versions"][0]["studyDesigns"][0]


@pytest.mark.parametrize("name", NAMES)
def test_counts_match_the_yaml(exported, name):
    folder, _, document = _get(exported, name)
    data = _yaml(folder)
    design = _design(document)
    schedule = data.get("schedule") or {}
    outcomes = [o for kind in ("primary", "secondary", "other")
                for o in (data.get("outcomes") or {}).get(kind) or []]
    objective_ids = {o["id"] for o in data.get("objectives") or []}
    categories = [c["category"]["code"] for c in design["eligibilityCriteria"]]
    assert len(design["arms"]) == len(data.get("arms") or [])
    assert len(design["epochs"]) == len(schedule.get("epochs") or [])
    assert len(design["objectives"]) == len(data.get("objectives") or [])
    assert sum(len(o["endpoints"]) for o in design["objectives"]) == \
        len([o for o in outcomes if o.get("objective") in objective_ids])
    assert categories.count("C25532") == len(data["eligibility"].get("inclusion") or [])
    assert categories.count("C25370") == len(data["eligibility"].get("exclusion") or [])
    assert len(design["encounters"]) == len(schedule.get("visits") or [])
    assert len(design["activities"]) == len(schedule.get("procedures") or [])
    assert len(design["studyCells"]) == len(design["arms"]) * len(design["epochs"])
    version = document["study"]["versions"][0]
    assert len(version["amendments"]) == max(0, len(data["protocol"].get("amendments") or []) - 1)
    assert len(version["studyInterventions"]) == len(data.get("interventions") or [])


def test_the_worked_example_in_numbers(exported):
    """The worked example's own figures, so a count test above cannot pass on two empty lists."""
    _, _, document = exported["example"]
    design = _design(document)
    assert (len(design["arms"]), len(design["epochs"]), len(design["objectives"]),
            len(design["encounters"]), len(design["activities"]),
            len(design["eligibilityCriteria"])) == (1, 3, 4, 10, 16, 29)
    assert sum(len(o["endpoints"]) for o in design["objectives"]) == 7


def test_the_worked_examples_estimand_maps_to_usdm(exported):
    """estimands[] bear USDM's names: each reference resolves to the exported objects."""
    _, _, document = exported["example"]
    design = _design(document)
    (estimand,) = design["estimands"]
    endpoints = {e["id"]: e for o in design["objectives"] for e in o["endpoints"]}
    populations = {p["id"]: p for p in design["analysisPopulations"]}
    interventions = {i["id"]: i for i in document["study"]["versions"][0]["studyInterventions"]}
    assert endpoints[estimand["variableOfInterestId"]]["name"] == "treg-change"
    assert populations[estimand["analysisPopulationId"]]["text"].startswith("Women with at least 5")
    assert [interventions[i]["name"] for i in estimand["interventionIds"]] == ["il2"]
    assert estimand["populationSummary"].startswith("Mean change in the percentage of Tregs")
    assert [e["strategy"].split(":")[0] for e in estimand["intercurrentEvents"]] == \
        ["Treatment policy", "While on treatment"]


def test_the_schedule_is_one_timeline_anchored_on_day_1(exported):
    _, _, document = exported["example"]
    design = _design(document)
    (timeline,) = design["scheduleTimelines"]
    instances = {i["id"]: i for i in timeline["instances"]}
    encounters = {e["id"]: e["name"] for e in design["encounters"]}
    (anchor,) = [t for t in timeline["timings"] if t["type"]["code"] == ANCHOR_CODE]
    assert encounters[instances[anchor["relativeFromScheduledInstanceId"]]["encounterId"]] == "C1D1"
    timings = {encounters[instances[t["relativeFromScheduledInstanceId"]]["encounterId"]]:
               (t["type"]["decode"], t["value"], t["windowLower"], t["windowUpper"])
               for t in timeline["timings"] if t is not anchor}
    assert timings["V0"] == ("Before", "P28D", "P0D", "P27D")      # day_range [-28, -1]
    assert timings["CnD1"] == ("After", "P28D", "P7D", "P7D")      # day 29, window [-7, 7]
    activities = {a["id"]: a["name"] for a in design["activities"]}
    at_v0 = next(i for i in timeline["instances"] if encounters.get(i["encounterId"]) == "V0")
    assert [activities[a] for a in at_v0["activityIds"]] == [
        "consent", "eligibility", "history", "exam", "ecg", "serology", "pregnancy-test",
        "blood-safety", "conmed"]
    assert timeline["entryId"] == at_v0["id"]


def test_codes_of_the_worked_example(exported):
    _, _, document = exported["example"]
    version = document["study"]["versions"][0]
    design = _design(document)
    population = design["population"]
    assert [c["decode"] for c in population["plannedSex"]] == ["Female"]
    assert (population["plannedAge"]["minValue"]["value"],
            population["plannedAge"]["maxValue"]["value"]) == (18, 40)
    assert population["plannedEnrollmentNumber"] is None   # 18 is the actual count, not a plan
    assert population["includesHealthySubjects"] is False
    assert design["studyType"]["code"] == "C98388"
    assert design["studyPhase"] is None                       # Phase 1/2: no verified CDISC code
    arm_type = design["arms"][0]["type"]
    assert (arm_type["code"], arm_type["codeSystem"]) == ("EXPERIMENTAL", cdisc.CTGOV_SYSTEM)
    levels = [o["level"]["code"] for o in design["objectives"]]
    assert levels[:3] == ["C85826", "C85827", "C85827"]
    identifiers = {i["text"]: i["scopeId"] for i in version["studyIdentifiers"]}
    organizations = {o["id"]: o["name"] for o in version["organizations"]}
    assert {t: organizations[s] for t, s in identifiers.items()} == {
        "APHP180256": "Assistance Publique - Hôpitaux de Paris",
        "NCT03970954": "ClinicalTrials.gov",
        "2019-000000-00": "EudraCT"}       # a EudraCT number is not from CTIS
    sponsor = version["organizations"][0]
    assert [(s["name"], s["country"]["code"]) for s in sponsor["managedSites"]] == [
        ("saint-antoine", "FRA"), ("tenon", "FRA"), ("trousseau", "FRA")]
    (amendment,) = version["amendments"]
    assert amendment["summary"].startswith("Substantial amendment before the first inclusion")
    assert version["versionIdentifier"] == "2.0"
    assert version["dateValues"][0]["dateValue"] == "2020-10-15"


@needs_shared("reference", "usdm", "CDISC_Pilot_Study.json")
def test_every_cdisc_code_in_the_table_is_in_cdiscs_example():
    """No code is written from memory: each (code, decode) is used in CDISC's own example."""
    pilot = json.loads((USDM / "CDISC_Pilot_Study.json").read_text(encoding="utf-8"))
    used = set()

    def walk(value):
        if isinstance(value, dict):
            if value.get("instanceType") == "Code" and value["codeSystem"] == cdisc.CDISC_SYSTEM:
                assert value["codeSystemVersion"] == cdisc.CT_VERSION
                used.add((value["code"], value["decode"]))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(pilot)
    ours = set()
    for name in dir(cdisc):
        table = getattr(cdisc, name)
        if not name.isupper():
            continue
        if isinstance(table, dict):
            ours |= set(table.values())
        elif isinstance(table, tuple) and len(table) == 2 and str(table[0]).startswith("C"):
            ours.add(table)
    assert ours and ours - used == set()


# -- designs the worked examples do not have ---------------------------------------------

@pytest.fixture(scope="module")
def example_model():
    checked = check_protocol(EXAMPLE)
    return build_model(checked.source.data, EXAMPLE.name)


def _variant(model, change):
    import copy

    variant = copy.deepcopy(model)
    change(variant)
    return wrapper(variant)


def test_without_a_visit_on_day_1_the_reference_point_is_the_anchor(example_model,
                                                                   schema_if_present):
    def no_day_1(model):
        visit = next(v for v in model["schedule"]["visits"] if v["id"] == "C1D1")
        visit["day"], visit["window"] = 2, [-1, 1]
        del model["schedule"]["visits"][0]["day_range"]    # a visit with no day: no timing

    document = _variant(example_model, no_day_1)
    assert integrity_problems(document) == []
    assert schema_if_present is None or _errors(schema_if_present, document) == []
    design = _design(document)
    (timeline,) = design["scheduleTimelines"]
    (anchor,) = [t for t in timeline["timings"] if t["type"]["code"] == ANCHOR_CODE]
    instance = next(i for i in timeline["instances"]
                    if i["id"] == anchor["relativeFromScheduledInstanceId"])
    assert instance["encounterId"] is None and instance["label"].startswith("Day 1 of course 1")
    assert [i["name"] for i in timeline["instances"]][:3] == ["V0", "DAY_1", "C1D1"]
    assert len(timeline["timings"]) == len(design["encounters"])  # the anchor's, and 9 of 10 visits
    assert design["encounters"][0]["scheduledAtId"] is None


def test_an_observational_study_has_an_observational_design(example_model, schema_if_present):
    def observational(model):
        model["design"].update(study_type="OBSERVATIONAL", observational_model="COHORT",
                               time_perspective="PROSPECTIVE")
        for key in ("phases", "intervention_model", "masking", "allocation", "primary_purpose"):
            model["design"].pop(key, None)

    document = _variant(example_model, observational)
    assert integrity_problems(document) == []
    assert schema_if_present is None or _errors(schema_if_present, document) == []
    design = _design(document)
    assert design["instanceType"] == "ObservationalStudyDesign"
    assert (design["model"]["code"], design["model"]["codeSystem"]) == ("COHORT", cdisc.CTGOV_SYSTEM)
    assert design["timePerspective"]["decode"] == "Prospective"
    assert design["studyType"] is None                 # no verified CDISC code for it
