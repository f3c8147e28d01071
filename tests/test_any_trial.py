"""Any trial, not just the worked example: `check` clean means `build` succeeds.

(a) A minimal protocol per regime combination, built in code from one base,
    checks clean and renders every document's HTML (one of them also as PDF).
(b) The deletion sweep (tests/sweep.py) over the worked examples: each
    optional field, and each field of the consent, site_manual, regulatory,
    schedule and safety blocks, removed one at a time; wherever check is clean
    every target's HTML renders. PDF layout is not swept.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli
from sweep import render_all, sweep
from trialdocs.check import check_protocol
from trialdocs.load import load_protocol_file_plain

MINIMAL = load_protocol_file_plain(ROOT / "tests" / "fixtures" / "valid-minimal" / "trial.yaml")


def _en(text):
    return {"en": text}


BASE_CONSENT = {
    "version": "1.0", "version_date": "2020-01-10",
    "key_information": _en("You are asked to take drug A for 12 weeks."),
    "why": _en("We want to know if drug A lowers blood pressure."),
    "why_you": _en("You have high blood pressure."),
    "purpose": _en("To measure blood pressure after 12 weeks."),
    "method": _en("Everyone takes drug A."),
    "procedures": _en("You come to 3 visits."),
    "duration": _en("About 3 months."),
    "obligations": [_en("Take the tablet every day.")],
    "risks": [{"text": _en("Headache."), "frequency": _en("1 in 10")}],
    "pregnancy_risks": _en("Drug A may harm an unborn baby."),
    "benefits": _en("Your blood pressure may go down."),
    "alternatives": _en("Other drugs."),
    "confidentiality": _en("Your records are kept private."),
    "injury": _en("We will treat you if you are hurt."),
    "withdrawal": _en("Tell the study doctor."),
    "termination": _en("The doctor may stop your part if it is not safe."),
    "costs": _en("The study costs you nothing."),
}

REGIME_CONSENT = {
    "us_common_rule": {
        "future_use": _en("Your data may be used for other research with your name removed."),
        "results_return": _en("We will not give you your own test results."),
    },
    "us_fda": {},
    "ich_e6r3": {
        "after_trial": _en("Your own doctor cares for you after the study."),
        "results": _en("We will send you a summary of the results."),
        "compensation": _en("You are not paid."),
        "data_protection": {
            "controller": _en("Example Hospital"), "dpo_contact": "dpo@example.org",
            "legal_basis": _en("Public interest research."), "recipients": _en("The sponsor."),
            "retention": _en("25 years."), "supervisory_authority": "the national authority",
            "on_withdrawal": _en("Data collected before you stop are kept."),
        },
    },
    "eu_ctr": {"interviewer_role": _en("the study doctor")},
    "fr_csp": {"initials_every_page": True},
    "gdpr": {},
}
REGIME_REGULATORY = {
    "eu_ctr": {"eu_ct_number": "2020-500000-00-00"},
    "fr_csp": {"riph_category": 1, "approvals": {"ethics": {"committee": "CPP Example", "date": "2020-01-02"},
                             "competent_authority": {"name": "ANSM", "date": "2020-01-05"}},
               "insurance": {"insurer": "Example Insurance", "policy_number": "EX-1"}},
}
# ICH's GDPR-style data items are what EU CTR and GDPR need too.
REGIME_CONSENT["eu_ctr"] = {**REGIME_CONSENT["ich_e6r3"], **REGIME_CONSENT["eu_ctr"]}
# The instruments R3 and the EU Regulation replaced ask for the same consent facts.
REGIME_CONSENT["ich_e6r2"] = REGIME_CONSENT["ich_e6r3"]
REGIME_CONSENT["eu_ctd"] = REGIME_CONSENT["eu_ctr"]
REGIME_REGULATORY["eu_ctd"] = {"eu_ct_number": "2019-000000-00"}
REGIME_CONSENT["gdpr"] = {"data_protection": REGIME_CONSENT["ich_e6r3"]["data_protection"]}

COMBINATIONS = {
    "us-common-rule": ["us_common_rule"],
    "us-common-rule-fda": ["us_common_rule", "us_fda"],
    "ich": ["ich_e6r3"],
    "eu-ctr-gdpr": ["eu_ctr", "gdpr"],
    "fr-csp-eu-ctr-gdpr": ["fr_csp", "eu_ctr", "gdpr"],
    "fr-csp-eu-ctd-ich-r2-gdpr": ["fr_csp", "eu_ctd", "ich_e6r2", "gdpr"],
}
# Each combination's documents are dated inside its regimes' periods (regimes.py):
# the EU Regulation and ICH E6(R3) apply from 2022 and 2025, the Directive until 2025.
DATED = {name: "2020-01-10" if {"eu_ctd", "ich_e6r2"} & set(regimes) else "2025-09-01"
         for name, regimes in COMBINATIONS.items()}


def minimal(regimes, date="2020-01-10") -> dict:
    """The registry-only minimal fixture plus the smallest consent the regimes ask for."""
    data = copy.deepcopy(MINIMAL)
    data["protocol"]["documents"] = ["consent", "registry"]
    data["protocol"]["version_date"] = date
    consent = copy.deepcopy(BASE_CONSENT)
    consent["version_date"] = date
    regulatory = {"regimes": list(regimes)}
    for regime in regimes:
        consent.update(copy.deepcopy(REGIME_CONSENT[regime]))
        regulatory.update(copy.deepcopy(REGIME_REGULATORY.get(regime, {})))
    data["consent"] = consent
    data["regulatory"] = regulatory
    data["people"] = [{"id": "pi", "first_name": "Ann", "last_name": "Example"}]
    data["sites"] = [{"id": "main", "facility": "Example Hospital", "investigator": "pi",
                      "city": "Springfield", "state": "Illinois", "zip": "62701",
                      "country": "United States",
                      "phone": "+1 555 0100", "emergency_phone": "+1 555 0199",
                      "address": {"street": "1 Example Road", "city": "Springfield",
                                  "state": "IL", "postcode": "62701",
                                  "country": "United States"}}]
    return data


def write(folder: Path, data: dict) -> Path:
    folder.mkdir(parents=True)
    (folder / "trial.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    return folder


@pytest.fixture(params=sorted(COMBINATIONS))
def built(request, tmp_path):
    name = request.param
    folder = write(tmp_path / name, minimal(COMBINATIONS[name], DATED[name]))
    checked = check_protocol(folder)
    return name, checked, folder


def test_minimal_protocol_per_regime_checks_clean_and_renders(built):
    name, checked, folder = built
    assert checked.ok, "\n".join(f"{d.path}: {d.message}" for d in checked.diagnostics)
    # every regime applies at the documents' date: no period warning
    assert not [d for d in checked.diagnostics if d.path.startswith("regulatory.regimes")]
    assert render_all(checked.source.data, folder.name) == []


def test_minimal_us_protocol_builds_its_pdf(tmp_path):
    folder = write(tmp_path / "us-min", minimal(COMBINATIONS["us-common-rule-fda"]))
    result = run_cli("build", folder, "--output", tmp_path / "out", "--only", "consent")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "out" / "us-min" / "consent" / "main.en.pdf").stat().st_size > 1000


def test_deletion_sweep_worked_example():
    result = sweep(ROOT / "protocol" / "nct03970954")
    print(f"deletion sweep nct03970954: {result.deleted} fields deleted, {result.clean} "
          f"check-clean, {len(result.failed)} failed renders")
    assert result.deleted > 200 and result.clean > 50
    assert result.failed == []


def test_template_reading_an_absent_field_names_the_yaml_path(tmp_path):
    """If a template still meets an absent field, the message names the YAML path."""
    from trialdocs.documents import consent
    from trialdocs.model import build_model
    from trialdocs.render import TemplateError, render_html

    model = build_model(minimal(["us_common_rule"]), "us")
    target = next(t for t in consent.targets(model) if t.path.endswith(".html"))
    del target.payload["context"]["c"]["reflection_time"]
    with pytest.raises(TemplateError, match=r"protocol field consent\.reflection_time is absent"):
        render_html(target.payload)


# -- the second worked example: a US randomized, masked, placebo-controlled trial ----------

US_EXAMPLE = ROOT / "protocol" / "nct02210780"
US_SITES = ["houston", "new-york"]
EU_ONLY = ["data protection officer", "European Union", "favourable opinion",
           "health authority authorised", "CNIL", "national register", "fichier national"]


@pytest.fixture(scope="module")
def us_forms(examples_built):
    """Two sites' consent forms of the US example, built as a user would (PDF), from
    the run's one build of the examples (conftest.py builds these two sites' PDFs)."""
    from conftest import PDF_SITES
    from pdftext import text as pdf_text

    assert set(US_SITES) <= set(PDF_SITES[US_EXAMPLE.name])
    out = examples_built

    return {site: " ".join(pdf_text(out / US_EXAMPLE.name / "consent" / f"{site}.en.pdf").split())
            for site in US_SITES}


def test_us_example_consent_says_what_the_design_and_us_rules_ask(us_forms):
    for site, text in us_forms.items():
        assert "You have 1 chance in 2 of being in each group" in text
        assert "A placebo looks like the study medicine but has no medicine in it" in text
        assert "will not know which group you are in: you, the study doctors" in text
        assert "In an emergency, the study doctor can find out at once" in text
        assert "Authorization to use and share your health information" in text
        assert "Authorization to use and share health information (HIPAA)" in text  # signature
        assert "You can take back this authorization at any time by writing" in text
        assert "Institutional Review Board Example Central IRB approved this study" in text
        assert "I know that an Institutional Review Board approved this study." in text
        assert "The US Food and Drug Administration (FDA) may also look at your records." in text
        for phrase in EU_ONLY:
            assert phrase.lower() not in text.lower(), (site, phrase)
    assert "Houston, TX 75778, United States" in us_forms["houston"]
    assert "New York, NY" in us_forms["new-york"]


def test_us_example_payment_table_and_us_dates(us_forms):
    text = us_forms["houston"]
    assert "Screening visit $50.00" in text and "Total $400.00" in text
    assert "Version 1.0 dated July 10, 2014" in text


def test_deletion_sweep_us_example():
    result = sweep(US_EXAMPLE)
    print(f"deletion sweep nct02210780: {result.deleted} fields deleted, {result.clean} "
          f"check-clean, {len(result.failed)} failed renders")
    assert result.deleted > 150 and result.clean > 50
    assert result.failed == []


def test_accepted_warning_is_not_printed_and_is_in_the_manifest(tmp_path):
    """protocol.accepted_warnings: a warning accepted with a reason; a stale entry is a warning."""
    data = minimal(COMBINATIONS["us-common-rule"])
    data["consent"]["why"] = _en("We want to know if the drug ZX-101, an experimental "
                                 "antihypertensive pharmaceutical preparation, demonstrably "
                                 "ameliorates cardiovascular parameters in hypertensive adults.")
    folder = write(tmp_path / "accept", data)
    before = run_cli("check", folder)
    assert "warning: consent.why:" in before.stdout
    data["protocol"]["accepted_warnings"] = [
        {"path": "consent.why", "reason": "ZX-101 is a product code"},
        {"path": "consent.purpose", "reason": "nothing to accept"}]
    (folder / "trial.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    after = run_cli("build", folder, "--output", tmp_path / "out", "--only", "registry", "-q")
    assert after.returncode == 0, after.stderr
    assert "consent.why" not in after.stdout
    assert "protocol.accepted_warnings[1]: accepts no warning" in after.stdout
    manifest = (tmp_path / "out" / "accept" / "manifest.json").read_text(encoding="utf-8")
    assert '"reason": "ZX-101 is a product code"' in manifest


def test_french_example_keeps_its_french_and_eu_content():
    """Regimes as data must not lose what the French example declares (HTML, in-process)."""
    from trialdocs.documents import consent
    from trialdocs.load import load_protocol
    from trialdocs.model import build_model

    source, _ = load_protocol(ROOT / "protocol" / "nct03970954")
    model = build_model(source.data, "nct03970954")
    html = {t.lang: t.render().decode() for t in consent.targets(model)
            if t.site == "tenon" and t.path.endswith(".html")}
    for phrase in ("Délégué à la protection des données", "Union européenne", "CNIL",
                   "a donné un avis favorable", "autorité de santé a autorisé",
                   "fichier national des personnes qui participent à une recherche"):
        assert phrase in html["fr"], phrase
    for phrase in ("Data protection officer", "European Union", "CNIL", "favourable opinion",
                   "health authority authorised", "fichier national des volontaires"):
        assert phrase in html["en"], phrase


def test_design_requires_its_wording_and_manual_sections():
    """A randomized, masked design: arms in lay words, and the manual's IRT and unblinding text."""
    from trialdocs.check import Checked, check_source
    from trialdocs.load import Source, load_protocol

    source, _ = load_protocol(US_EXAMPLE)
    data = copy.deepcopy(source.data)
    del data["site_manual"]["unblinding"], data["site_manual"]["randomization"]
    del data["arms"][0]["lay"]
    trial = Source(source.folder, data, source.positions, source.key_positions,
                   source.spelling, source.files)
    errors = [f"{d.path}: {d.message}" for d in
              check_source(Checked(US_EXAMPLE, US_EXAMPLE.name, trial, [])).diagnostics
              if d.severity == "error"]
    assert errors == [
        "arms[0].lay: arm 'placebo-qw' has no description for participants",
        "site_manual: a randomized trial's site manual needs site_manual.randomization",
        "site_manual: a masked trial's site manual needs site_manual.unblinding",
    ], errors
