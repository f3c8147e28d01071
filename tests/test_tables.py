"""The variation tables: designs (chance in words), regimes (wording, clocks), locales."""

from __future__ import annotations

import pytest

from trialdocs import designs, locales, regimes
from trialdocs.render import strings


@pytest.mark.parametrize("ratios,expected", [
    ([1, 1], ["1 chance in 2", "1 chance in 2"]),
    ([2, 1], ["2 chances in 3", "1 chance in 3"]),
    ([1, 1, 1], ["1 chance in 3"] * 3),
    ([None, None], ["1 chance in 2", "1 chance in 2"]),
])
def test_chance_in_words_from_allocation_ratio(ratios, expected):
    s = strings("en")
    arms = [{"allocation_ratio": r} if r else {} for r in ratios]
    assert [designs.chance_words(k, n, s) for k, n in designs.chances(arms)] == expected


def test_chance_in_french():
    assert designs.chance_words(1, 2, strings("fr")) == "1 chance sur 2"


def test_design_features_follow_the_data():
    data = {"design": {"allocation": "RANDOMIZED", "masking": "DOUBLE",
                       "intervention_model": "CROSSOVER"},
            "arms": [{"type": "EXPERIMENTAL"}, {"type": "PLACEBO_COMPARATOR"}]}
    assert [d.id for d in designs.active(data)] == ["randomized", "placebo", "masked", "crossover"]
    open_label = {"design": {"allocation": "NA", "masking": "NONE"}, "arms": [{}]}
    assert [d.id for d in designs.active(open_label)] == ["single_group"]
    assert designs.manual_sections(data) == ["randomization", "unblinding"]


def test_regime_vocabulary_and_clocks():
    assert regimes.approval_vocabulary(["us_common_rule"]) == ("approval_irb", "approval_statement_irb")
    assert regimes.approval_vocabulary(["ich_e6r3", "eu_ctr", "fr_csp", "gdpr"])[0] == "approval_cpp"
    assert regimes.approval_vocabulary(["ich_e6r3", "eu_ctr"])[0] == "approval_ec"
    assert "fda_irb_problem" in regimes.clocks({"us_fda"})
    assert not regimes.clocks({"gdpr"})
    assert regimes.consent_strings(["us_fda"], "confidentiality") == ["access_statement_irb",
                                                                      "fda_inspect"]
    from trialdocs.documents.consent import regime_elements

    hipaa = {e.id for e in regime_elements("us_hipaa")}
    assert "EL-HIPAA" in hipaa and "EL-DATA" not in hipaa and "EL-ETHICS-AUTH" not in hipaa


@pytest.mark.parametrize("address,expected", [
    ({"street": "6500 Fannin Street", "city": "Houston", "state": "TX", "postcode": "77030",
      "country": "United States"}, "6500 Fannin Street, Houston, TX 77030, United States"),
    ({"street": "184 rue du Faubourg Saint-Antoine", "postcode": "75012", "city": "Paris",
      "country": "France"}, "184 rue du Faubourg Saint-Antoine, 75012 Paris, France"),
    ({"street": "10 Downing Street", "city": "London", "postcode": "SW1A 2AA",
      "country": "United Kingdom"}, "10 Downing Street, London, SW1A 2AA, United Kingdom"),
    ({"street": "1 Example Rd", "city": "Toronto", "state": "ON", "postcode": "M5V 2T6",
      "country": "Canada"}, "1 Example Rd, Toronto ON M5V 2T6, Canada"),
    ({"street": "Charitéplatz 1", "city": "Berlin", "postcode": "10117",
      "country": "Germany"}, "Charitéplatz 1, 10117 Berlin, Germany"),
    ({"street": "1 Calle Ejemplo", "city": "Madrid", "state": "Madrid", "postcode": "28001",
      "country": "Spain"}, "1 Calle Ejemplo, 28001 Madrid, Madrid, Spain"),
])
def test_postal_address_per_country(address, expected):
    assert locales.format_address(address) == expected


def test_dates_per_language_and_country():
    assert locales.format_date("2026-11-20", "en", "United States") == "November 20, 2026"
    assert locales.format_date("2026-11-20", "en", "United Kingdom") == "20 November 2026"
    assert locales.format_date("2026-11-20", "en") == "20 November 2026"
    assert locales.format_date("2026-11-20", "fr", "France") == "20 novembre 2026"


def test_person_names_per_language_and_role():
    person = {"honorific": "Pr", "first_name": "David", "last_name": "Klatzmann"}
    assert locales.person_name(person, "fr") == "Pr David Klatzmann"
    assert locales.person_name(person, "en") == "Professor David Klatzmann"
    # the registry keeps the record's form: honorific code and degrees after the name
    assert locales.person_name(person, role="registry") == "David Klatzmann, Pr"
    lee = {"honorific": "Dr", "first_name": "Ann", "middle_name": "B", "last_name": "Lee",
           "degrees": "MD, PhD"}
    assert locales.person_name(lee, "fr") == "Dr Ann B Lee, MD, PhD"
    assert locales.person_name(lee, role="registry") == "Ann B Lee, Dr, MD, PhD"
    assert locales.registry_degrees(lee) == "Dr, MD, PhD"
    assert locales.person_name({"first_name": "Ann", "last_name": "Lee", "degrees": "MD"},
                               "en") == "Ann Lee, MD"
    # a family name alone stays itself, with no stray separator
    assert locales.person_name({"last_name": "Bornes"}, "fr") == "Bornes"


def test_registry_name_import_moves_a_registered_honorific_and_exports_it_back():
    from trialdocs.registry.importer import split_name

    for registered in ("David Klatzmann, Pr", "Arsene Mékinian, Dr", "Neil H White, M.D.",
                       "Ann Lee, Pr, MD, PhD", "Bornes"):
        person = split_name(registered)
        assert locales.person_name(person, role="registry") == registered
    assert split_name("David Klatzmann, Pr") == {"first_name": "David", "last_name": "Klatzmann",
                                                 "honorific": "Pr"}
    assert split_name("Neil H White, M.D.").get("honorific") is None
