"""Registry files of the worked example: ctgov.json against the public record, prs.xml
against the PRS schema, and the text forms people paste from."""

from __future__ import annotations

import json
import re

import pytest

from conftest import EXAMPLE, SHARED, needs_shared
from trialdocs.check import check_protocol
from trialdocs.documents import registry as registry_document
from trialdocs.model import build_model
from trialdocs.registry import markup
from trialdocs.registry.importer import import_record

RECORD = SHARED / "reference" / "NCT03970954-record.txt"
XSD = SHARED / "reference" / "prs-xml" / "ProtocolRecordSchema.xsd"
RECORDS = sorted((SHARED / "data" / "ctgov-json").glob("NCT*.json"))


def _outputs(folder):
    checked = check_protocol(folder)
    assert checked.ok, [str(d) for d in checked.diagnostics]
    model = build_model(checked.source.data, folder.name)
    return {t.path: t for t in registry_document.targets(model)}, checked


@pytest.fixture(scope="module")
def example():
    targets, checked = _outputs(EXAMPLE)
    return {"targets": targets, "data": checked.source.data,
            "study": json.loads(targets["registry/ctgov.json"].render())}


# -- the public record, read as a person would ------------------------------------

class Record:
    """The record page as text: headings, then their content lines."""

    HEADINGS = ["Basic Information", "Brief Summary", "Detailed Description", "Conditions",
                "Study Design", "Study Groups", "Interventions", "Other Intervention Names",
                "Eligibility Criteria", "Sponsors", "Responsible Party", "Principal Investigators",
                "Locations", "Countries", "Other Identifiers", "More Related Trials"]

    def __init__(self, text):
        self.lines = [line.strip() for line in text.splitlines()]

    def after(self, label):
        """The first non-empty line after the line that is exactly ``label``."""
        i = self.lines.index(label)
        return next(line for line in self.lines[i + 1:] if line)

    def block(self, heading):
        """Non-empty lines of a section, without its one-line explanation."""
        start = self.lines.index(heading) + 1
        end = min((self.lines.index(h) for h in self.HEADINGS
                   if h in self.lines and self.lines.index(h) > start - 1 and h != heading),
                  default=len(self.lines))
        lines = [line for line in self.lines[start:end] if line]
        return lines[1:]  # drop "Review the …" / "Explore where …"

    def bullets(self, start, stop):
        i, j = self.lines.index(start), self.lines.index(stop)
        return [line for line in self.lines[i + 1:j] if line.startswith("* ")]


@pytest.fixture(scope="module")
def record():
    return Record(RECORD.read_text(encoding="utf-8"))


@needs_shared("reference", "NCT03970954-record.txt")
def test_identification_and_titles(example, record):
    ident = example["study"]["protocolSection"]["identificationModule"]
    assert ident["briefTitle"] == record.lines[0]
    assert ident["nctId"] == record.lines[2].removeprefix("NCT ID: ")
    other = record.block("Other Identifiers")
    assert other[0] == ident["orgStudyIdInfo"]["id"] and other[2] == "Identifier Source: org_study_id"


@needs_shared("reference", "NCT03970954-record.txt")
def test_status_dates_phases_design_enrollment(example, record):
    section = example["study"]["protocolSection"]
    status, design = section["statusModule"], section["designModule"]
    assert status["overallStatus"] == record.after("Recruitment Status")
    assert "/".join(design["phases"]) == record.after("Clinical Phase")
    assert f"{design['enrollmentInfo']['count']} participants" == record.after("Total Enrollment")
    assert design["studyType"] == record.after("Study Classification")
    assert status["startDateStruct"]["date"] == record.after("Study Start Date")
    assert status["completionDateStruct"]["date"] == record.after("Study Completion Date")
    info = design["designInfo"]
    assert info["allocation"] == record.after("Allocation Method")
    assert info["interventionModel"] == record.after("Intervention Model")
    assert info["primaryPurpose"] == record.after("Primary Study Purpose")
    assert info["maskingInfo"]["masking"] == record.after("Blinding Strategy")


@needs_shared("reference", "NCT03970954-record.txt")
def test_summary_description_conditions(example, record):
    section = example["study"]["protocolSection"]
    description = section["descriptionModule"]
    assert description["briefSummary"] == record.block("Brief Summary")[0]
    assert description["detailedDescription"].split("\n\n") == record.block("Detailed Description")
    assert section["conditionsModule"]["conditions"] == record.block("Conditions")


@needs_shared("reference", "NCT03970954-record.txt")
def test_arms_intervention_and_other_name(example, record):
    arms = example["study"]["protocolSection"]["armsInterventionsModule"]
    groups = record.block("Study Groups")        # 1, label, Group Type X, intervention, type, description
    arm, intervention = arms["armGroups"][0], arms["interventions"][0]
    assert len(arms["armGroups"]) == 1 and len(arms["interventions"]) == 1
    assert arm["label"] == groups[1]
    assert f"Group Type {arm['type']}" == groups[2]
    assert intervention["name"] == groups[3] and f"Intervention Type {intervention['type']}" == groups[4]
    assert arm["description"] == groups[5] == intervention["description"]
    assert arm["interventionNames"] == [f"Drug: {intervention['name']}"]
    assert intervention["armGroupLabels"] == [arm["label"]]
    assert intervention["otherNames"] == record.block("Other Intervention Names")


@needs_shared("reference", "NCT03970954-record.txt")
def test_eligibility_criteria_sex_ages_volunteers(example, record):
    eligibility = example["study"]["protocolSection"]["eligibilityModule"]
    criteria = eligibility["eligibilityCriteria"]
    inclusion, exclusion = criteria.split("\n\nExclusion Criteria:\n\n")
    assert inclusion.startswith("Inclusion Criteria:\n\n")
    # The record shows the API's Markdown: "\<" escapes are compared as they are.
    assert inclusion.split("\n")[2:] == record.bullets("Inclusion Criteria", "Exclusion Criteria")
    assert exclusion.split("\n") == record.bullets("Exclusion Criteria", "Minimum Eligible Age")
    assert "AMH \\<1 ng/ml" in criteria and "hematocrit \\<30%" in criteria
    assert eligibility["minimumAge"] == record.after("Minimum Eligible Age")
    assert eligibility["maximumAge"] == record.after("Maximum Eligible Age")
    assert eligibility["sex"] == record.after("Eligible Sex")
    assert eligibility["healthyVolunteers"] is (record.after("Accepts Healthy Volunteers") == "Yes")


@needs_shared("reference", "NCT03970954-record.txt")
def test_sponsor_collaborator_and_responsible_party(example, record):
    sponsors = example["study"]["protocolSection"]["sponsorCollaboratorsModule"]
    lines = record.block("Sponsors")   # name, class, "Sponsor Role x", …
    shown = {lines[i + 2].removeprefix("Sponsor Role "): (lines[i], lines[i + 1])
             for i in range(0, len(lines), 3)}
    assert sponsors["leadSponsor"] == {"name": shown["lead"][0]}
    assert sponsors["collaborators"] == [{"name": shown["collaborator"][0]}]
    assert f"Responsibility Role {sponsors['responsibleParty']['type']}" == record.block("Responsible Party")[0]
    # Agency classes are assigned by ClinicalTrials.gov: kept in the protocol, left out of ctgov.json.
    protocol = example["data"]["sponsors"]
    assert protocol["lead"]["class"] == shown["lead"][1]
    assert protocol["collaborators"][0]["class"] == shown["collaborator"][1]


@needs_shared("reference", "NCT03970954-record.txt")
def test_officials_and_three_locations(example, record):
    contacts = example["study"]["protocolSection"]["contactsLocationsModule"]
    lines = record.block("Principal Investigators")
    shown = [{"name": lines[i], "role": lines[i + 1].removeprefix("Role: "), "affiliation": lines[i + 2]}
             for i in range(0, len(lines), 3)]
    assert [{k: o[k] for k in ("name", "role", "affiliation")} for o in contacts["overallOfficials"]] == shown
    lines = [line for line in record.block("Locations") if line != "Site Status"]
    shown = [(lines[i], lines[i + 1]) for i in range(0, len(lines), 2)]
    # The record names each site by its investigator's surname and puts the hospital in
    # State/Province; the example corrects both (check warns about such values).
    assert [(loc["city"], loc["country"]) for loc in contacts["locations"]] == \
        [(place.split(", ")[0], place.split(", ")[-1]) for _, place in shown]
    assert [facility for facility, _ in shown] == ["Mekinian", "Bornes", "Kayem"]
    assert [loc["facility"] for loc in contacts["locations"]] == \
        ["Hôpital Saint-Antoine", "Hôpital Tenon", "Hôpital Armand-Trousseau"]
    assert sorted({loc["country"] for loc in contacts["locations"]}) == record.block("Countries")


def test_ctgov_json_leaves_out_what_clinicaltrials_gov_computes(example):
    text = example["targets"]["registry/ctgov.json"].render().decode()
    for derived in ('"class"', "geoPoint", "stdAges", "studyFirstSubmitDate", "studyFirstPostDateStruct",
                    "hasResults"):
        assert derived not in text


def test_ctgov_json_names_the_organisation_and_every_secondary_id(example):
    """The identifiers the consent and the manual print (EU number, ID-RCB) are in the
    registry files too; the organisation has its place in the API."""
    ident = example["study"]["protocolSection"]["identificationModule"]
    regulatory = example["data"]["regulatory"]
    assert ident["organization"] == {"fullName": example["data"]["identification"]["org_name"]}
    ids = {i["id"]: i for i in ident["secondaryIdInfos"]}
    assert ids[regulatory["eu_ct_number"]]["type"] in ("EUDRACT_NUMBER", "CTIS")
    assert ids[regulatory["id_rcb"]] == {"id": regulatory["id_rcb"], "type": "OTHER",
                                        "domain": "ID-RCB (ANSM, France)"}
    prs = example["targets"]["registry/prs.xml"].render().decode()
    who = example["targets"]["registry/who-trds.txt"].render().decode()
    for number in (regulatory["eu_ct_number"], regulatory["id_rcb"]):
        assert f"<id>{number}</id>" in prs and number in who


def test_outputs_are_deterministic(example):
    model = build_model(check_protocol(EXAMPLE).source.data, EXAMPLE.name)
    again = {t.path: t.render() for t in registry_document.targets(model)
             if not t.path.endswith((".pdf", ".html"))}
    for path, data in again.items():
        assert example["targets"][path].render() == data, path


# -- prs.xml against the PRS upload schema ---------------------------------------------

@pytest.fixture(scope="module")
def prs_schema():
    etree = pytest.importorskip("lxml.etree")
    return etree.XMLSchema(etree.parse(str(XSD)))


def _validate(schema, xml: bytes):
    from lxml import etree

    document = etree.fromstring(xml)
    assert schema.validate(document), [str(e) for e in schema.error_log]
    return document


@needs_shared("reference", "prs-xml", "ProtocolRecordSchema.xsd")
def test_example_prs_xml_validates(example, prs_schema):
    document = _validate(prs_schema, example["targets"]["registry/prs.xml"].render())
    study = document[0]
    assert document.tag == "{http://clinicaltrials.gov/prs}study_collection"
    assert study.findtext("study_design/interventional_design/phase") == "Phase 1/Phase 2"
    assert study.findtext("study_design/interventional_design/number_of_arms") == "1"
    assert study.findtext("start_date_type") == "Actual"
    assert study.findtext("eligibility/maximum_age") == "40 Years"
    assert "AMH <1 ng/ml" in study.findtext("eligibility/criteria/textblock")
    officials = study.findall("overall_official")
    assert [(o.findtext("first_name"), o.findtext("last_name"), o.findtext("degrees"))
            for o in officials][0] == ("David", "Klatzmann", "Pr")
    assert [(loc.findtext("facility/name"), loc.findtext("facility/address/state"))
            for loc in study.findall("location")] == \
        [("Hôpital Saint-Antoine", "Île-de-France"), ("Hôpital Tenon", "Île-de-France"),
         ("Hôpital Armand-Trousseau", "Île-de-France")]


@needs_shared("reference", "prs-xml", "ProtocolRecordSchema.xsd")
@needs_shared("data", "ctgov-json")
@pytest.mark.parametrize("record_file", RECORDS, ids=[r.stem for r in RECORDS])
def test_imported_record_prs_xml_validates(record_file, tmp_path, prs_schema):
    folder, _ = import_record(record_file, tmp_path / record_file.stem.lower())
    targets, _ = _outputs(folder)
    document = _validate(prs_schema, targets["registry/prs.xml"].render())
    record = json.loads(record_file.read_text(encoding="utf-8"))["protocolSection"]
    assert len(document[0].findall("location")) == len(record["contactsLocationsModule"]["locations"])


# -- the text people paste from ----------------------------------------------------------

def test_registry_text_follows_prs_forms(example):
    text = example["targets"]["registry/clinicaltrials-gov.txt"].render().decode()
    sections = re.findall(r"^\d+\. (.+)$", text, re.M)
    assert sections == ["Study Identification", "Study Status", "Sponsor/Collaborators", "Oversight",
                        "Study Description", "Conditions", "Study Design", "Arms and Interventions",
                        "Outcome Measures", "Eligibility", "Contacts/Locations",
                        "IPD Sharing Statement", "References"]
    title = example["data"]["identification"]["brief_title"]
    assert f"Brief Title   [{len(title)} of 300 characters]\n{title}\n" in text
    assert "Study Phase\nPhase 1/Phase 2\n" in text
    assert "Study Start Date\n2021-01-05 (Actual)\n" in text
    assert "Allocation\nN/A\n" in text
    assert "limit not confirmed]" in text          # e.g. the Sponsor's 160
    assert "AMH <1 ng/ml" in text                   # PRS plain text, no Markdown escape
    assert "OVER LIMIT" not in text


def test_who_data_set_has_24_items(example):
    text = example["targets"]["registry/who-trds.txt"].render().decode()
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", text, re.M)]
    assert numbers == list(range(1, 25))
    assert "ClinicalTrials.gov NCT03970954" in text
    assert "10. Scientific Title" in text and "24. IPD Sharing Statement" in text
    assert "\nFrance\n" in text


def test_html_and_pdf_targets_are_listed(example):
    paths = set(example["targets"])
    assert {"registry/clinicaltrials-gov.html", "registry/clinicaltrials-gov.pdf",
            "registry/who-trds.html", "registry/who-trds.pdf"} <= paths


def test_registry_html_renders(example):
    html = example["targets"]["registry/clinicaltrials-gov.html"].render().decode()
    assert "<h2>1. Study Identification</h2>" in html
    assert "AMH &lt;1 ng/ml" in html                # autoescaped, never markup
    assert "[61 of 300 characters]" in html or "of 300 characters]" in html
    who = example["targets"]["registry/who-trds.html"].render().decode()
    assert who.count('<td class="number">') == 24


def test_markdown_escapes_round_trip():
    assert markup.to_api("AMH <1 ng/ml; [0 = none]; m^2") == "AMH \\<1 ng/ml; \\[0 = none\\]; m\\^2"
    assert markup.from_api("AMH \\<1 ng/ml; \\[x\\]; \\*") == "AMH <1 ng/ml; [x]; \\*"
    for api_text in ("a \\< b", "\\[x\\]", "\\* star", "p\\_value", "plain"):
        assert markup.to_api(markup.from_api(api_text)) == api_text
    assert markup.plain("* a \\< b  \r\n* c\r\n") == "* a < b\n* c"
