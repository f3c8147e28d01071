"""Round trip: every shared ClinicalTrials.gov record, imported then exported.

For each record in ../shared/data/ctgov-json/: ``import-ctgov`` writes a
protocol folder, ``check`` finds no error in it, and ``ctgov.json`` built from
it equals the record's protocol section on every field the sponsor submits
(text compared after normalising whitespace and line endings).

What is not compared, and why, is listed by the test itself:
- fields ClinicalTrials.gov derives (ctgov_json.DERIVED: agency classes, geo
  points, standard ages, posting dates …), never submitted;
- keys the API does not define (``locations_nested`` in NCT03377387, a copy of
  ``locations`` in the record as stored), which no sponsor submits;
- values the import had to supply because today's format needs them and the
  record predates them (``protocol.imported.inferred``, e.g. the start date
  type of records from before 2017): present in the export, absent from the
  record, checked to be exactly those.
"""

from __future__ import annotations

import json

import pytest

from conftest import SHARED, needs_shared
from trialdocs.check import check_protocol
from trialdocs.model import build_model
from trialdocs.registry import ctgov_json, markup
from trialdocs.registry.importer import import_record

RECORDS = sorted((SHARED / "data" / "ctgov-json").glob("NCT*.json"))
# Filled in by the import because the record lacks them; the reason is the test's output too.
SUPPLIED_BY_IMPORT = {
    "status.start_date.type": "statusModule.startDateStruct.type",
}


def _normalised(value):
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    if isinstance(value, str):
        return markup.normalise(value)
    return value


def _differences(record, export, path=""):
    out = []
    if isinstance(record, dict) and isinstance(export, dict):
        for key in sorted(set(record) | set(export)):
            here = f"{path}.{key}" if path else key
            if key not in export:
                out.append((here, "missing from the export", record[key]))
            elif key not in record:
                out.append((here, "only in the export", export[key]))
            else:
                out += _differences(record[key], export[key], here)
    elif isinstance(record, list) and isinstance(export, list) and len(record) == len(export):
        for i, (a, b) in enumerate(zip(record, export)):
            out += _differences(a, b, f"{path}[{i}]")
    elif record != export:
        out.append((path, "differs", (record, export)))
    return out


@needs_shared("data", "ctgov-json")
@pytest.mark.parametrize("record_file", RECORDS, ids=[r.stem for r in RECORDS])
def test_record_round_trips(record_file, tmp_path, capsys):
    record = json.loads(record_file.read_text(encoding="utf-8"))
    folder, imported = import_record(record_file, tmp_path / record_file.stem.lower())

    checked = check_protocol(folder)
    errors = [str(d) for d in checked.diagnostics if d.severity == "error"]
    assert errors == [], "the imported protocol must check without errors"

    export = ctgov_json.protocol_section(build_model(checked.source.data, folder.name))
    submitted, left_out = ctgov_json.submitted_part(record["protocolSection"])
    differences = _differences(_normalised(submitted), _normalised(export))

    inferred = checked.source.data["protocol"]["imported"].get("inferred", [])
    supplied = {SUPPLIED_BY_IMPORT[path] for path in inferred}
    assert set(inferred) <= set(SUPPLIED_BY_IMPORT), f"unexpected inferred fields: {inferred}"
    unexpected = [d for d in differences if not (d[1] == "only in the export" and d[0] in supplied)]
    assert unexpected == [], "export differs from the record's submitted fields"

    # Derived values the protocol keeps (not exported) still match the record.
    section = record["protocolSection"]
    sponsors = section["sponsorCollaboratorsModule"]
    assert checked.source.data["identification"]["nct_id"] == section["identificationModule"]["nctId"]
    assert checked.source.data["identification"]["org_name"] == \
        section["identificationModule"]["organization"]["fullName"]
    assert checked.source.data["sponsors"]["lead"]["class"] == sponsors["leadSponsor"]["class"]
    assert [c.get("class") for c in checked.source.data["sponsors"].get("collaborators", [])] == \
        [c.get("class") for c in sponsors.get("collaborators", [])]

    derived = sorted({path.split(".")[-1] for path, why in left_out if not why.startswith("not a field")})
    foreign = [f"{path} ({why})" for path, why in left_out if why.startswith("not a field")]
    with capsys.disabled():
        print(f"\n{record_file.stem}: equal on every submitted field; not compared: derived by "
              f"ClinicalTrials.gov ({', '.join(derived)})"
              + (f"; not API fields: {', '.join(foreign)}" if foreign else "")
              + (f"; supplied by the import (absent from the record, required by PRS today): "
                 f"{', '.join(sorted(supplied))}" if supplied else ""))


@needs_shared("data", "ctgov-json")
def test_round_trip_is_exact_text_for_markup_fields(tmp_path):
    """Markdown escapes survive exactly, not only after normalising: ``\\<`` -> ``<`` -> ``\\<``."""
    record_file = SHARED / "data" / "ctgov-json" / "NCT04431453.json"
    record = json.loads(record_file.read_text(encoding="utf-8"))
    folder, _ = import_record(record_file, tmp_path / "nct04431453")
    data = check_protocol(folder).source.data
    assert "\\<" not in data["eligibility"]["criteria_markdown"]
    assert "< 18 years" in data["eligibility"]["criteria_markdown"]
    export = ctgov_json.protocol_section(build_model(data, folder.name))
    original = record["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    assert export["eligibilityModule"]["eligibilityCriteria"] == markup.lines(original).strip()


def test_worked_example_round_trips_through_its_own_ctgov_json(tmp_path):
    """No ../shared needed: the example's ctgov.json, imported, exports the same fields.

    The record is the one ``build`` writes (registry/ctgov.json); importing it
    and exporting again must give every submitted field back, so a user's
    clone tests the round trip on its own data.
    """
    from conftest import EXAMPLE

    data = check_protocol(EXAMPLE).source.data
    section = ctgov_json.protocol_section(build_model(data, EXAMPLE.name))
    record_file = tmp_path / "ctgov.json"
    record_file.write_text(json.dumps({"protocolSection": section}), encoding="utf-8")
    folder, _ = import_record(record_file, tmp_path / "roundtrip")

    checked = check_protocol(folder)
    errors = [str(d) for d in checked.diagnostics if d.severity == "error"]
    assert errors == [], "the imported protocol must check without errors"
    again = ctgov_json.protocol_section(build_model(checked.source.data, folder.name))
    submitted, _ = ctgov_json.submitted_part(section)
    exported, _ = ctgov_json.submitted_part(again)
    assert _differences(_normalised(submitted), _normalised(exported)) == []
    assert submitted["identificationModule"]["nctId"] == "NCT03970954"
