"""Regimes as data (trialdocs/regimes.py): their periods, wordings and legal frameworks.

The worked example's own forms are read back in test_consent.py; here, the
regime table itself, a protocol under the EU Regulation (rendered in-process,
HTML only) and the warnings ``check`` gives when a regime does not fit the
documents' date.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from conftest import EXAMPLE, run_cli
from trialdocs import codes, regimes
from trialdocs.i18n import strings

LANGS = list(codes.LANGUAGES)


def test_every_regime_has_its_entry_wordings_and_period():
    assert set(regimes.REGIMES) == set(codes.REGIMES) == set(regimes.FRAMEWORK_ORDER)
    for lang in LANGS:
        s = strings(lang)
        for code, entry in regimes.REGIMES.items():
            sentence = s["framework"][code]
            if entry.framework_by:  # one sentence per value: the RIPH categories 1 to 3
                assert set(sentence) == {"1", "2", "3"}, (lang, code)
            assert not entry.results or s[entry.results], (lang, code)
            for clock in entry.clocks:
                assert len(s["manual"]["clocks"][clock]) == 3, (lang, clock)
            first, last = entry.period
            assert first and (last is None or first < last), code
            dt.date.fromisoformat(first)


@pytest.mark.parametrize("code,day,applies", [
    ("eu_ctr", "2022-01-30", False), ("eu_ctr", "2022-01-31", True),
    ("eu_ctd", "2025-01-30", True), ("eu_ctd", "2025-01-31", False),
    ("ich_e6r2", "2025-07-22", True), ("ich_e6r2", "2025-07-23", False),
    ("ich_e6r3", "2025-07-22", False), ("ich_e6r3", "2025-07-23", True),
    ("us_common_rule", "2014-07-10", True), ("fr_csp", "2016-11-17", False),
])
def test_periods(code, day, applies):
    assert regimes.applies(code, dt.date.fromisoformat(day)) is applies


def test_a_protocol_under_the_eu_regulation_promises_the_ctis_summary():
    """The example as if it were authorised in 2025 under Regulation 536/2014."""
    from trialdocs.documents import consent
    from trialdocs.load import load_protocol
    from trialdocs.model import build_model

    source, _ = load_protocol(EXAMPLE)
    data = source.data
    data["regulatory"]["regimes"] = ["ich_e6r3", "eu_ctr", "fr_csp", "gdpr"]
    data["regulatory"]["eu_ct_number"] = "2025-500001-12-00"
    data["protocol"]["version_date"] = data["consent"]["version_date"] = "2025-09-01"
    model = build_model(data, "nct03970954")
    forms = {t.lang: re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", t.render().decode())))
             for t in consent.targets(model) if t.site == "tenon" and t.path.endswith(".html")}
    en, fr = forms["en"], forms["fr"]
    assert "in the EU clinical trials database (CTIS) within one year" in en
    assert "European Union Clinical Trials Regulation (Regulation (EU) No 536/2014)" in en
    assert "EU trial number 2025-500001-12-00" in en and "ICH E6(R3)" in en
    assert "base de données européenne des essais cliniques (CTIS)" in fr
    for text in (en, fr):
        assert "EudraCT" not in text and "2001/20" not in text and "E6(R2)" not in text


def test_check_warns_where_a_regime_does_not_fit_the_documents(example_copy):
    """The example declaring the Regulation and ICH E6(R3) for documents dated 2020:
    warnings at each regime's place in regulatory.regimes, naming the regime in force."""
    trial = example_copy / "trial.yaml"
    source = trial.read_text(encoding="utf-8").replace(
        "regimes: [ich_e6r2, eu_ctd, fr_csp, gdpr]", "regimes: [ich_e6r3, eu_ctr, fr_csp, gdpr]")
    trial.write_text(source, encoding="utf-8")
    line = next(i for i, l in enumerate(source.splitlines(), 1) if "regimes: [ich_e6r3" in l)
    result = run_cli("check", example_copy)
    out = result.stdout
    assert result.returncode == 0, out                       # warnings, not errors
    assert (f"trial.yaml:{line}:13: warning: regulatory.regimes[0]: ich_e6r3 (ICH E6(R3) GCP) "
            "applies from 2025-07-23, not at the date of the protocol (2020-10-15)") in out
    assert "declare ich_e6r2 (ICH E6(R2) GCP), in force on that date" in out
    assert (f"trial.yaml:{line}:23: warning: regulatory.regimes[1]: eu_ctr (EU Clinical Trials "
            "Regulation 536/2014) applies from 2022-01-31, not at the date of the protocol "
            "(2020-10-15), the consent form (2020-10-15), the site manual (2020-11-30)") in out
    assert "declare eu_ctd (EU Clinical Trials Directive 2001/20/EC), in force on that date" in out
    assert "regulatory.regimes[2]" not in out and "regulatory.regimes[3]" not in out


def test_check_warns_of_ctis_in_a_form_under_the_directive(example_copy):
    from trialdocs.check import check_protocol

    patient = example_copy / "patient.yaml"
    text = patient.read_text(encoding="utf-8")
    assert "will also be posted on the ClinicalTrials.gov website" in text
    patient.write_text(text.replace("will also be posted on the ClinicalTrials.gov website",
                                    "will also be posted in the EU register (CTIS)"),
                       encoding="utf-8")
    checked = check_protocol(example_copy)
    found = [d for d in checked.diagnostics if "'CTIS'" in d.message]
    assert len(found) == 1, [d.message for d in checked.diagnostics]
    warning = found[0]
    assert warning.severity == "warning" and warning.path == "consent.results.en"
    assert warning.file.endswith("patient.yaml") and warning.line > 1
    assert "belongs to EU Clinical Trials Regulation 536/2014 (eu_ctr)" in warning.message


@pytest.mark.parametrize("declared,number,warned", [
    (["eu_ctd"], "2019-000000-00", ""), (["eu_ctr"], "2025-500001-12-00", ""),
    (["eu_ctr"], "2019-000000-00", "'2019-000000-00' is a EudraCT number; a trial under eu_ctr"),
    (["eu_ctd"], "2025-500001-12-00", "is an EU CT number from CTIS; a trial under eu_ctd"),
])
def test_eu_number_has_the_form_of_the_declared_eu_regime(declared, number, warned):
    from trialdocs.load import load_protocol
    from trialdocs.rules import Rules

    source, _ = load_protocol(EXAMPLE)
    source.data["regulatory"].update(regimes=["fr_csp", *declared], eu_ct_number=number)
    found = [d for d in Rules(source, "nct03970954").run() if d.path == "regulatory.eu_ct_number"]
    assert [warned in d.message for d in found] == ([True] if warned else [])
    if found:
        assert found[0].severity == "warning" and found[0].file.endswith("trial.yaml")
