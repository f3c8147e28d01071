"""WHO items 2 (date of registration) and 23 (summary results) from imported records:
the first-posted date and the results flag ClinicalTrials.gov keeps are carried by
import-ctgov (status.first_post_date, status.has_results …) and reported."""

from __future__ import annotations

import json

import pytest

from conftest import SHARED, needs_shared
from trialdocs.model import build_model
from trialdocs.registry import who
from trialdocs.registry.importer import convert

RECORDS = sorted((SHARED / "data" / "ctgov-json").glob("NCT*.json"))


@needs_shared("data", "ctgov-json")
@pytest.mark.parametrize("record_file", RECORDS, ids=lambda p: p.stem)
def test_who_items_2_and_23_follow_the_record(record_file):
    study = json.loads(record_file.read_text(encoding="utf-8"))
    status = study["protocolSection"]["statusModule"]
    imported = convert(study)
    items = {i["number"]: i["lines"] for i in
             who.trds_items(build_model(imported.data, record_file.stem.lower()))["items"]}
    posted = status["studyFirstPostDateStruct"]["date"]
    assert items[2][0].startswith(f"{posted} (first posted on ClinicalTrials.gov")
    assert status["studyFirstSubmitDate"] in items[2][0]
    if study.get("hasResults"):
        results = status["resultsFirstPostDateStruct"]["date"]
        assert items[23][0] == f"Results posted on ClinicalTrials.gov, first posted {results}"
        assert items[23][1] == f"https://clinicaltrials.gov/study/{record_file.stem}?tab=results"
    else:
        assert items[23] == ["No results posted on ClinicalTrials.gov"]


def test_protocol_not_yet_registered_says_so():
    items = {i["number"]: i["lines"] for i in who.trds_items({"identification": {}})["items"]}
    assert items[2] == ["Assigned by ClinicalTrials.gov when the record is first posted"]
    assert items[23] == ["No results posted: the protocol does not record any (status.has_results)"]
