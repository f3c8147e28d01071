"""The registry checker: registry.md §5.1 as errors/warnings, §5.2 as warnings, at YAML lines."""

from __future__ import annotations

import copy

import pytest

from conftest import EXAMPLE
from trialdocs.check import check_protocol
from trialdocs.registry.importer import dump_yaml


def _line_of(path, text):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def _replace(path, old, new):
    content = path.read_text(encoding="utf-8")
    assert content.count(old) == 1, f"{old!r} must appear once in {path.name}"
    path.write_text(content.replace(old, new), encoding="utf-8")


def test_worked_example_is_clean():
    checked = check_protocol(EXAMPLE)
    registry = [str(d) for d in checked.diagnostics if d.code == "registry"]
    assert registry == []


def test_broken_copy_fails_with_three_messages_at_their_lines(example_copy):
    """Brief title of 301 characters, unknown phase code, primary outcome without time frame."""
    trial = example_copy / "trial.yaml"
    text = trial.read_text(encoding="utf-8")
    title_line = next(line for line in text.splitlines() if line.startswith("  brief_title:"))
    long_title = ("Low-dose interleukin-2 in women with unexplained recurrent miscarriages, "
                  + "and a title padded far beyond what the registry allows " * 6)[:301]
    _replace(trial, title_line, f'  brief_title: "{long_title}"')
    phases_line = next(line for line in text.splitlines() if line.startswith("  phases:"))
    _replace(trial, phases_line, "  phases: [PHASE5]")
    primary = text.index("outcomes:\n  primary:\n")
    frame = text.index("      time_frame:", primary)
    frame_line = text[frame:text.index("\n", frame) + 1]
    content = trial.read_text(encoding="utf-8")
    cut = content.index(frame_line, content.index("outcomes:\n  primary:\n"))
    trial.write_text(content[:cut] + content[cut + len(frame_line):], encoding="utf-8")

    checked = check_protocol(example_copy)
    errors = sorted((d for d in checked.diagnostics if d.severity == "error"), key=lambda d: d.line)
    outcome_line = _line_of(trial, "    - id: treg-change")
    assert [(d.file.endswith("trial.yaml"), d.line, d.path) for d in errors] == sorted([
        (True, _line_of(trial, "  brief_title:"), "identification.brief_title"),
        (True, _line_of(trial, "  phases: [PHASE5]"), "design.phases[0]"),
        (True, outcome_line, "outcomes.primary[0].time_frame"),
    ], key=lambda e: e[1])
    by_path = {d.path: d.message for d in errors}
    assert "Brief Title is 301 characters; ClinicalTrials.gov allows 300" in by_path["identification.brief_title"]
    assert "'PHASE5' is not allowed" in by_path["design.phases[0]"]
    assert "Time Frame is missing" in by_path["outcomes.primary[0].time_frame"]
    assert "rule 12" in by_path["outcomes.primary[0].time_frame"]
    # The one warning: that title no longer fits the page header (fit.py), not a registry rule.
    assert [(d.path, d.code) for d in checked.diagnostics if d.severity == "warning"] == \
        [("identification.brief_title", "fit")]


# -- a small registry-only protocol, changed one way per test ----------------------------

BASE = {
    "protocol": {"title": "A trial", "version": "1", "version_date": "2024-01-10", "status": "draft",
                 "languages": ["en"], "documents": ["registry"]},
    "identification": {"org_study_id": "ORG-1", "brief_title": "Vitamin D for tired nurses",
                       "official_title": "A Randomised Trial of Vitamin D in Night-shift Nurses"},
    "status": {"verified_date": "2024-01", "overall_status": "COMPLETED",
               "start_date": {"date": "2020-01-05", "type": "ACTUAL"},
               "primary_completion_date": {"date": "2021-01", "type": "ACTUAL"},
               "completion_date": {"date": "2021-06", "type": "ACTUAL"}},
    "sponsors": {"lead": {"name": "Some University"}, "responsible_party": {"type": "SPONSOR"}},
    "oversight": {"is_fda_regulated_drug": False, "is_fda_regulated_device": False},
    "description": {"brief_summary": "Does vitamin D make night-shift nurses less tired?"},
    "conditions": {"conditions": ["Fatigue"]},
    "design": {"study_type": "INTERVENTIONAL", "phases": ["PHASE2"], "primary_purpose": "TREATMENT",
               "allocation": "RANDOMIZED", "intervention_model": "PARALLEL", "masking": "DOUBLE",
               "who_masked": ["PARTICIPANT", "INVESTIGATOR"], "enrollment": {"count": 40, "type": "ACTUAL"}},
    "arms": [{"id": "d", "label": "Vitamin D", "type": "EXPERIMENTAL", "description": "1000 IU a day",
              "interventions": ["vitd"]},
             {"id": "p", "label": "Placebo", "type": "PLACEBO_COMPARATOR", "description": "A pill a day",
              "interventions": ["placebo"]}],
    "interventions": [{"id": "vitd", "type": "DIETARY_SUPPLEMENT", "name": "Vitamin D3",
                       "description": "Oral, 1000 IU daily for 12 weeks"},
                      {"id": "placebo", "type": "OTHER", "name": "Placebo", "description": "Oral, daily"}],
    "outcomes": {"primary": [{"measure": "Fatigue Severity Scale score",
                              "description": "9 items scored 1 to 7; higher is worse",
                              "time_frame": "Week 12"}]},
    "eligibility": {"sex": "ALL", "minimum_age": "18 Years", "healthy_volunteers": True,
                    "criteria_markdown": "Inclusion Criteria:\n\n* Nurse\n\nExclusion Criteria:\n\n* Pregnant"},
    "ipd_sharing": {"sharing": "NO"},
    "people": [{"id": "ann", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.org"}],
    "sites": [{"id": "s1", "facility": "General Hospital", "city": "Lyon", "country": "France"}],
}


def _check(tmp_path, change=None):
    data = copy.deepcopy(BASE)
    if change:
        change(data)
    folder = tmp_path / "small"
    folder.mkdir(parents=True)
    (folder / "trial.yaml").write_text(dump_yaml(data), encoding="utf-8")
    return check_protocol(folder)


def _messages(checked, severity=None):
    return [(d.path, d.message) for d in checked.diagnostics
            if severity is None or d.severity == severity]


def test_small_protocol_is_clean(tmp_path):
    assert _messages(_check(tmp_path)) == []


def test_unconfirmed_limit_is_a_warning_confirmed_one_an_error(tmp_path):
    def change(d):
        d["arms"][0]["label"] = "L" * 101                         # U (100): warning
        d["interventions"][0]["name"] = "N" * 201                 # V (200): error
    checked = _check(tmp_path, change)
    errors, warnings = _messages(checked, "error"), _messages(checked, "warning")
    assert ("interventions[0].name", "Intervention Name is 201 characters; ClinicalTrials.gov allows "
            "200 (rule 2, counted on the PRS plain text)") in errors
    assert any(p == "arms[0].label" and "limit not confirmed" in m for p, m in warnings)


def test_limits_count_the_prs_plain_text(tmp_path):
    # 999 characters once the Markdown escapes are gone: within the outcome description limit.
    checked = _check(tmp_path, lambda d: d["outcomes"]["primary"][0].update(description="\\<" * 999))
    assert not [m for p, m in _messages(checked) if "description" in p
                and not m.startswith("a word of 1998 characters")]  # fit.py: a word, not a limit


@pytest.mark.parametrize("change, path, words", [
    (lambda d: d["status"].pop("primary_completion_date"), "status.primary_completion_date",
     "Primary Completion Date is missing"),
    (lambda d: d["identification"].pop("official_title"), "identification.official_title",
     "Official Title is missing"),
    (lambda d: d["sponsors"].pop("responsible_party"), "sponsors.responsible_party",
     "Responsible Party is missing"),
    (lambda d: d["sponsors"].update(responsible_party={"type": "PRINCIPAL_INVESTIGATOR",
                                                       "investigator": "Ann Lee"}),
     "sponsors.responsible_party.investigator_title", "rule 16"),
    (lambda d: d["oversight"].update(is_fda_regulated_device=True),
     "oversight.is_unapproved_device", "rule 17"),
    (lambda d: d["interventions"][1].pop("description"), "interventions[1].description",
     "Intervention Description is missing"),
    (lambda d: d["interventions"][1].update(type="DIETARY_SUPPLEMENT", name="Vitamin D3"),
     "interventions[1].name", "rule 11"),
    (lambda d: d["sites"][0].update(country="United States"), "sites[0].state", "rule 14"),
    (lambda d: d["sites"][0].pop("city"), "sites[0].city", "rule 14"),
    (lambda d: d["identification"].update(secondary_ids=[{"id": "ORG-1"}]),
     "identification.secondary_ids[0].id", "rule 18"),
    (lambda d: d["identification"].update(secondary_ids=[{"id": "NCT01234567"}]),
     "identification.secondary_ids[0].id", "NCT number"),
    (lambda d: d["status"].update(overall_status="UNKNOWN"), "status.overall_status", "rule 3"),
    (lambda d: d["outcomes"].pop("primary"), "outcomes.primary", "rule 12"),
    (lambda d: d["eligibility"].pop("criteria_markdown"), "eligibility.inclusion",
     "Eligibility Criteria is missing"),
])
def test_mechanical_rules_are_errors(tmp_path, change, path, words):
    errors = _messages(_check(tmp_path, change), "error")
    assert any(p == path and words in m for p, m in errors), errors


def test_recruiting_study_needs_contacts(tmp_path):
    def recruiting(d):
        d["status"].update(overall_status="RECRUITING", verified_date="2024-01")
        d["status"]["primary_completion_date"] = {"date": "2031-01", "type": "ESTIMATED"}
        d["status"]["completion_date"] = {"date": "2031-06", "type": "ESTIMATED"}
        d["design"]["enrollment"]["type"] = "ESTIMATED"
    errors = _messages(_check(tmp_path, recruiting), "error")
    assert any(p == "central_contacts" and "rule 15" in m and "s1" in m for p, m in errors)

    def with_site_contact(d):
        recruiting(d)
        d["sites"][0]["contacts"] = [{"person": "ann", "role": "CONTACT"}]
    assert _messages(_check(tmp_path / "b", with_site_contact), "error") == []


def test_contact_without_phone_or_email(tmp_path):
    def change(d):
        d["people"][0].pop("email")
        d["central_contacts"] = [{"person": "ann", "role": "CONTACT"}]
    assert any("neither phone nor e-mail" in m for _, m in _messages(_check(tmp_path, change), "error"))


def test_rules_already_in_rules_py_are_not_repeated(tmp_path):
    checked = _check(tmp_path, lambda d: d["design"].update(masking="SINGLE"))   # 2 roles given
    masking = [d for d in checked.diagnostics if "mask" in d.path]
    assert len(masking) == 1 and masking[0].code == "rule"


def test_registry_checks_run_after_schema_errors(tmp_path):
    def change(d):
        d["design"]["phases"] = ["PHASE9"]
        d["identification"]["acronym"] = "FAR-TOO-LONG-ACRONYM"
    errors = _messages(_check(tmp_path, change), "error")
    assert any(p == "design.phases[0]" for p, _ in errors)
    assert any(p == "identification.acronym" and "allows 14" in m for p, m in errors)


@pytest.mark.parametrize("change, path, words", [
    (lambda d: d["outcomes"]["primary"][0].update(measure="Safety"), "outcomes.primary[0].measure",
     "not specific"),
    (lambda d: d["outcomes"]["primary"][0].update(time_frame="12"), "outcomes.primary[0].time_frame",
     "only a number"),
    (lambda d: d["outcomes"]["primary"][0].update(time_frame="End of study"),
     "outcomes.primary[0].time_frame", "vague"),
    (lambda d: d["outcomes"]["primary"][0].update(measure="Change in fatigue score"),
     "outcomes.primary[0].time_frame", "one time point"),
    (lambda d: d["outcomes"]["primary"][0].update(description="To assess fatigue"),
     "outcomes.primary[0].description", "not the aim"),
    (lambda d: d["description"].update(brief_summary="Results showed vitamin D works."),
     "description.brief_summary", "results or conclusions"),
    (lambda d: d["description"].update(brief_summary="Nurses will be paid $50 per visit."),
     "description.brief_summary", "payment"),
    (lambda d: d["eligibility"].update(criteria_markdown="* Nurse"),
     "eligibility.criteria_markdown", "Eligibility Criteria have no inclusion and no exclusion"),
    (lambda d: d["identification"].update(brief_title=BASE["identification"]["official_title"]),
     "identification.brief_title", "same as the Official Title"),
    (lambda d: d["identification"].update(brief_title="A breakthrough vitamin for nurses"),
     "identification.brief_title", "promotional"),
    (lambda d: d["identification"].update(brief_title="Vitamin D for Nurses With CFS"),
     "identification.brief_title", "'CFS' is an abbreviation"),
    (lambda d: d["identification"].update(official_title="An Open-label Phase 3 Trial"),
     "identification.official_title", "design.phases is [PHASE2]"),
    (lambda d: d["identification"].update(official_title="A Double-blind Trial of Vitamin D")
     or d["design"].update(masking="NONE", who_masked=[]),
     "identification.official_title", "design.masking is NONE"),
    (lambda d: d["design"].update(allocation="NA", intervention_model="SINGLE_GROUP")
     or d.update(arms=d["arms"][:1], interventions=d["interventions"][:1]),
     "identification.official_title", "randomized but design.allocation is NA"),
    (lambda d: d["identification"].update(acronym="VITAL"), "identification.acronym",
     "does not appear in the Official Title"),
])
def test_content_checks_are_warnings(tmp_path, change, path, words):
    checked = _check(tmp_path, change)
    warnings = _messages(checked, "warning")
    assert any(p == path and words in m for p, m in warnings), warnings
    assert _messages(checked, "error") == []


def test_known_gaps_of_an_imported_protocol_are_warnings(tmp_path):
    def change(d):
        d["sites"][0].update(country="United States", state="Ohio")
        d["protocol"]["imported"] = {"source": "ClinicalTrials.gov API v2", "record": "NCT01234567",
                                     "known_gaps": ["sites.*.zip"]}
    checked = _check(tmp_path, change)
    assert _messages(checked, "error") == []
    assert any(p == "sites[0].zip" and "NCT01234567" in m and "known_gaps" in m
               for p, m in _messages(checked, "warning"))


def test_checker_survives_any_data():
    """The registry checks run even on data the schema rejected: no type may crash them."""
    import random

    from test_registry_import import mutate
    from trialdocs.load import load_protocol
    from trialdocs.registry.checker import apply_known_gaps, registry_diagnostics

    source, _ = load_protocol(EXAMPLE)
    original, rng = source.data, random.Random(7)
    for _ in range(300):
        source.data = copy.deepcopy(original)
        mutate(source.data, rng, rng.randint(1, 8))
        apply_known_gaps(source, registry_diagnostics(source))


def test_misspelt_block_is_one_message_not_two(tmp_path):
    """'eligibilty:' is an unknown key (with a suggestion); the registry adds no 1:1 'missing'."""
    checked = _check(tmp_path, lambda d: d.__setitem__("eligibilty", d.pop("eligibility")))
    messages = _messages(checked, "error")
    assert ("eligibilty", "unknown field 'eligibilty'") in messages
    assert not [m for p, m in messages if p.startswith("eligibility.")], messages


def test_completed_with_estimated_date_is_said_once(tmp_path):
    checked = _check(tmp_path, lambda d: d["status"]["completion_date"].update(type="ESTIMATED"))
    about = [(d.severity, d.message) for d in checked.diagnostics
             if d.path.startswith("status.completion_date")]
    assert about == [("error", "must be ACTUAL when the status is COMPLETED")]


def test_known_gaps_are_remembered_by_value_not_by_path(tmp_path):
    """The record's own site without a ZIP stays a warning; a new US site without a ZIP,
    the same kind of mistake at the same generic path, is an error."""
    from trialdocs.registry.importer import find_known_gaps

    def us_site(d):
        d["sites"][0].update(country="United States", state="Ohio")

    data = copy.deepcopy(BASE)
    us_site(data)
    gaps = find_known_gaps(data, "small")
    assert gaps and all("@" in g for g in gaps), gaps
    assert any(g.startswith("sites.*.zip@") for g in gaps)

    def change(d):
        us_site(d)
        d["protocol"]["imported"] = {"source": "ClinicalTrials.gov API v2", "record": "NCT01234567",
                                     "known_gaps": gaps}
        d["sites"].append({"id": "s2", "facility": "Other Hospital", "city": "Dayton",
                           "state": "Ohio", "country": "United States"})
    checked = _check(tmp_path, change)
    assert [p for p, m in _messages(checked, "error")] == ["sites[1].zip"]
    assert any(p == "sites[0].zip" and "NCT01234567" in m for p, m in _messages(checked, "warning"))


def test_data_entry_slips_are_warned(tmp_path):
    def change(d):
        d["sites"][0].update(facility="Lee", state="Hopital Tenon")
        d["description"]["brief_summary"] = "Pathologists¡¦ review of slides &Amp; images"
        d["conditions"]["conditions"] = ["Caf\u00c3\u00a9 fatigue"]
    checked = _check(tmp_path, change)
    warnings = dict(_messages(checked, "warning"))
    assert "surname of the person 'ann'" in warnings["sites[0].facility"]
    assert "looks like the name of a hospital" in warnings["sites[0].state"]
    assert "'¡¦' looks like text garbled" in warnings["description.brief_summary"]
    assert "mojibake" in warnings["conditions.conditions[0]"]
    assert _messages(checked, "error") == []
    checked = _check(tmp_path / "entity", lambda d: d["description"].update(
        brief_summary="Slides &Amp; images"))
    assert "'&Amp;' looks like an HTML entity" in dict(_messages(checked, "warning"))[
        "description.brief_summary"]
