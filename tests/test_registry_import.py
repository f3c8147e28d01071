"""import-ctgov on real and deliberately messy records: it never crashes, says what it
could not carry, and what it writes checks without errors; 400 sites stay fast."""

from __future__ import annotations

import copy
import json
import time

import pytest

from conftest import SHARED, needs_shared, run_cli
from trialdocs.check import check_protocol
from trialdocs.load import load_protocol
from trialdocs.model import build_model
from trialdocs.registry import ctgov_json
from trialdocs.registry.importer import dump_yaml, import_record

DATA = SHARED / "data" / "ctgov-json"


def _record(name):
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def _write(tmp_path, study, name="record.json"):
    path = tmp_path / name
    path.write_text(json.dumps(study), encoding="utf-8")
    return path


@needs_shared("data", "ctgov-json")
def test_four_hundred_sites_import_and_check_fast(tmp_path, capsys):
    """A record of 400 sites built from real ones: import < 5 s and check < 3 s (measured)."""
    study = _record("NCT03281889")
    real = study["protocolSection"]["contactsLocationsModule"]["locations"] + \
        _record("NCT02210780")["protocolSection"]["contactsLocationsModule"]["locations"]
    sites = []
    for i in range(400):
        site = copy.deepcopy(real[i % len(real)])
        site["facility"] = f"{site.get('facility', 'Hôpital universitaire')} – centre {i + 1} (Łódź)"
        site.setdefault("zip", f"{10000 + i}")
        site["status"] = "RECRUITING"
        site["contacts"] = [
            {"name": f"Zoë Müller-{i}, MD", "role": "CONTACT", "phone": f"+1 555 01{i:03d}",
             "email": f"site{i}@example.org"},
            {"name": f"Jiří Novák {i % 40}, PhD", "role": "PRINCIPAL_INVESTIGATOR"}]
        sites.append(site)
    study["protocolSection"]["contactsLocationsModule"]["locations"] = sites
    record = _write(tmp_path, study)

    started = time.perf_counter()
    folder, imported = import_record(record, tmp_path / "nct03281889")
    imported_in = time.perf_counter() - started
    started = time.perf_counter()
    checked = check_protocol(folder)
    checked_in = time.perf_counter() - started

    with capsys.disabled():
        print(f"\n400-site record: import {imported_in:.2f} s, check {checked_in:.2f} s")
    assert [str(d) for d in checked.diagnostics if d.severity == "error"] == []
    assert len(checked.source.data["sites"]) == 400
    export = ctgov_json.protocol_section(build_model(checked.source.data, folder.name))
    assert [loc["facility"] for loc in export["contactsLocationsModule"]["locations"]] == \
        [s["facility"] for s in sites]
    assert export["contactsLocationsModule"]["locations"][7]["contacts"] == sites[7]["contacts"]
    # generous bounds: a sanity check, not the measurement (printed above)
    assert imported_in < 15 and checked_in < 10


def _messy():
    study = copy.deepcopy(_record("NCT03377387"))
    p = study["protocolSection"]
    p["identificationModule"]["briefTitle"] = "  Ca\u0301ncer de mama: estudio “7/7” \ud800 (ß) \r\n"
    p["identificationModule"]["secondaryIdInfos"] = [{"id": 12345, "type": "NOT_A_TYPE"}, {"type": "NIH"}]
    p["statusModule"]["startDateStruct"] = {"date": "2017-12-13"}           # no type
    p["statusModule"]["completionDateStruct"] = {"date": "December 2024", "type": "ESTIMATED"}
    p["designModule"]["phases"] = ["PHASE1", "PHASE7"]
    p["designModule"]["enrollmentInfo"] = {"count": "34", "type": "ACTUAL"}
    p["conditionsModule"]["keywords"] = ["ok", None, ["nested"], "  spaced\tout  "]
    p["eligibilityModule"]["eligibilityCriteria"] += (
        "\r\n\r\n* Level one  \r\n    * level two \\< 3\r\n        * level three\x0b with a control char\r\n")
    p["eligibilityModule"]["minimumAge"] = "18 years"
    p["eligibilityModule"]["maximumAge"] = "N/A"
    p["armsInterventionsModule"]["armGroups"][0]["interventionNames"].append("Drug: Nowhere")
    p["armsInterventionsModule"]["interventions"].append({"type": "DRUG", "name": "Orphan drug",
                                                          "armGroupLabels": ["no such arm"]})
    locations = p["contactsLocationsModule"]["locations"]
    locations[0]["contacts"] = [{"role": "CONTACT", "phone": "555"}, {"name": "", "role": "CONTACT"},
                                {"name": "Ana Łukasiewicz-Żak, MD, PhD", "email": "not an email"}]
    locations[1]["zip"] = 6102
    locations[2]["status"] = "SOMETHING_NEW"
    p["contactsLocationsModule"]["overallOfficials"].append("not a mapping")
    p["referencesModule"]["references"] = [{"pmid": "PMC123", "citation": "A paper."}, {"pmid": "42"}]
    p["unknownModule"] = {"x": 1}
    return study


@needs_shared("data", "ctgov-json")
def test_messy_record_imports_and_checks_without_errors(tmp_path):
    folder, imported = import_record(_write(tmp_path, _messy()), tmp_path / "messy")
    checked = check_protocol(folder)
    assert [str(d) for d in checked.diagnostics if d.severity == "error"] == []
    data = checked.source.data
    assert data["identification"]["brief_title"] == "Ca\u0301ncer de mama: estudio “7/7” \ufffd (ß)"
    assert data["status"]["start_date"] == {"date": "2017-12-13", "type": "ACTUAL"}
    assert data["design"]["phases"] == ["PHASE1"]
    assert data["eligibility"]["minimum_age"] == "18 Years" and "maximum_age" not in data["eligibility"]
    assert "    * level two < 3" in data["eligibility"]["criteria_markdown"]
    assert data["sites"][1]["zip"] == "6102"
    dropped = dict(imported.dropped)
    for path in ("designModule.phases[1]", "statusModule.completionDateStruct.date",
                 "designModule.enrollmentInfo.count", "armsInterventionsModule.armGroups[0].interventionNames[3]",
                 "contactsLocationsModule.locations[2].status", "referencesModule.references[0].pmid",
                 "identificationModule.secondaryIdInfos[0].type", "unknownModule"):
        assert path in dropped, path
    assert any("lone surrogates" in note for note in imported.notes)


@needs_shared("data", "ctgov-json")
def test_cli_import_then_refuse_to_overwrite(tmp_path):
    target = tmp_path / "nct00973089"
    result = run_cli("import-ctgov", DATA / "NCT00973089.json", "--into", target)
    assert result.returncode == 0, result.stderr
    assert "imported NCT00973089" in result.stdout
    assert "status.start_date.type" in result.stdout          # what the record lacked
    assert "0 error(s)" in result.stdout
    assert (target / "trial.yaml").is_file() and (target / "sites.yaml").is_file()
    assert run_cli("check", target).returncode == 0

    again = run_cli("import-ctgov", DATA / "NCT00973089.json", "--into", target)
    assert again.returncode == 1 and "--force" in again.stderr and "Traceback" not in again.stderr
    assert run_cli("import-ctgov", DATA / "NCT00973089.json", "--into", target, "--force").returncode == 0


@pytest.mark.parametrize("content, words", [
    ("{not json", "not valid JSON"),
    ('{"studies": []}', "holds 0 studies"),
    ('["a list"]', "no protocolSection"),
    ('{"protocolSection": "text"}', "no protocolSection"),
])
def test_cli_bad_records_exit_1_without_traceback(tmp_path, content, words):
    record = tmp_path / "bad.json"
    record.write_text(content, encoding="utf-8")
    result = run_cli("import-ctgov", record, "--into", tmp_path / "out")
    assert result.returncode == 1
    assert words in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@needs_shared("data", "ctgov-json")
def test_one_study_page_is_unwrapped(tmp_path):
    record = _write(tmp_path, {"studies": [_record("NCT00763412")]})
    folder, imported = import_record(record, tmp_path / "nct00763412")
    assert imported.nct_id == "NCT00763412"
    assert check_protocol(folder).ok


@pytest.mark.parametrize("text", ["1e5", "12E34", "010", "0", "-1.5", "true", "False", "NO", "~",
                                  "null", "12:30", "2024-01-02", " leading", "trailing ", "a: b",
                                  "#hash", "- dash", "line\nbreak", "ünïcødé", "\x07bell", "tab\there"])
def test_yaml_writes_text_that_reads_back_as_the_same_text(tmp_path, text):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "a.yaml").write_text(dump_yaml({"value": text, "items": [text]}), encoding="utf-8")
    source, problems = load_protocol(folder)
    assert problems == []
    assert source.data == {"value": text, "items": [text]}


GARBAGE = [None, 0, -3, 1.5, "", " ", "x", True, [], {}, [1, "a"], {"a": 1}, "\ud800", "\x00\x0b",
           "NCT1", "2020-13-45", "PHASE1", "18 Years", "<b>&amp;</b>", "\\<\\*", "a" * 5000]


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, path + (i,))


def mutate(data, rng, times):
    """Replace, delete or add values at random places: a record (or protocol) gone wrong."""
    places = [p for p in _paths(data) if p]
    for _ in range(times):
        parent, path = data, rng.choice(places)
        try:
            for key in path[:-1]:
                parent = parent[key]
            if rng.random() < 0.6:
                parent[path[-1]] = copy.deepcopy(rng.choice(GARBAGE))
            elif isinstance(parent, dict):
                del parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            pass


@needs_shared("data", "ctgov-json")
def test_mutated_records_never_crash_and_check_clean(tmp_path):
    import random

    rng = random.Random(20240605)
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(DATA.glob("NCT*.json"))]
    for n in range(40):
        study = copy.deepcopy(rng.choice(records))
        mutate(study["protocolSection"], rng, rng.randint(1, 6))
        folder, _ = import_record(_write(tmp_path, study, f"r{n}.json"), tmp_path / f"p{n}")
        checked = check_protocol(folder)
        assert [str(d) for d in checked.diagnostics if d.severity == "error"] == [], n


@needs_shared("data", "ctgov-json")
def test_report_lists_what_is_not_imported_and_folders_follow_the_umask(tmp_path):
    """Uploaded documents, posted results and PubMed's references are said, not dropped
    silently; the new folder and files get the user's umask, not drwx------."""
    import os

    study = _record("NCT04431453")
    study["protocolSection"]["referencesModule"]["references"].append(
        {"pmid": "31234567", "type": "DERIVED", "citation": "Added from PubMed."})
    old = os.umask(0o027)
    try:
        result = run_cli("import-ctgov", _write(tmp_path, study), "--into", tmp_path / "p")
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stdout + result.stderr
    report = result.stdout[result.stdout.index("not imported"):]
    for words in ("resultsSection: the posted results (participant flow, baseline, outcome measures, "
                  "adverse events, more information)",
                  "uploaded document 'Study Protocol' (Prot_000.pdf, dated 2022-01-06)",
                  "uploaded document 'Statistical Analysis Plan' (SAP_001.pdf",
                  "PubMed 31234567: added by ClinicalTrials.gov from PubMed"):
        assert words in report, words
    assert (tmp_path / "p").stat().st_mode & 0o777 == 0o750
    assert (tmp_path / "p" / "trial.yaml").stat().st_mode & 0o777 == 0o640
    data = load_protocol(tmp_path / "p")[0].data
    assert "Added from PubMed." not in [r["citation"] for r in data["references"]]
    assert data["status"]["has_results"] is True
    assert data["status"]["results_first_post_date"] == {"date": "2023-12-22", "type": "ACTUAL"}
    assert data["status"]["first_post_date"] == {"date": "2020-06-16", "type": "ACTUAL"}
