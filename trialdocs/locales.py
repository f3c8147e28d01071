"""Locales as data: postal addresses, dates and person names by language and country.

Dates come from Babel (CLDR), the "long" pattern of the language in the
site's country: en-US "November 20, 2026", en-GB "20 November 2026", fr
"20 novembre 2026". A language without a known country takes its
``DEFAULT_TERRITORY`` (en: GB, as the documents always printed it).

Addresses are written by hand: CLDR has no postal address formats, and the
address libraries that do (Google's libaddressinput data) bring a large
dataset for five layouts. ``ADDRESS_LAYOUTS`` holds one line pattern per
country code; a country not in it gets ``INTERNATIONAL`` (street, postcode
and city, state or region, country), the layout the documents used before.

Person names are structured (``honorific``, ``first_name`` (given),
``middle_name``, ``last_name`` (family), ``degrees``) and written per language
and role by two tables. ``HONORIFICS`` gives each language's word for an
honorific code; ``NAME_FORMS`` gives, per role and language, the order of the
parts and the separator before each, a part that is empty being left out with
its separator. Documents (consent forms, site manual) put the honorific
before the name and degrees after it: fr "Pr David Klatzmann", en "Professor
David Klatzmann" (the spelled-out word patients read in British and US
letters; "Prof." is a staff abbreviation), "Alex Rivera, MD". The registry
keeps the name as ClinicalTrials.gov holds it, honorific and degrees after a
comma ("David Klatzmann, Pr"), so an imported record exports as it came.
"""

from __future__ import annotations

import datetime as dt
import functools

# Babel is imported on use: ``check`` imports the document modules, which
# import this one, and must stay cheap.

DEFAULT_TERRITORY = {"en": "GB", "fr": "FR"}

# {street}, {city}, {state}, {postcode}, {country}; empty parts and their
# separators are dropped.
ADDRESS_LAYOUTS = {
    "US": ["{street}", "{city}", "{state} {postcode}", "{country}"],
    "CA": ["{street}", "{city} {state} {postcode}", "{country}"],
    "GB": ["{street}", "{city}", "{postcode}", "{country}"],
    "FR": ["{street}", "{postcode} {city}", "{country}"],
    "DE": ["{street}", "{postcode} {city}", "{country}"],
}
INTERNATIONAL = ["{street}", "{postcode} {city}", "{state}", "{country}"]

HONORIFICS = {
    "en": {"Pr": "Professor", "Dr": "Dr"},
    "fr": {"Pr": "Pr", "Dr": "Dr"},
}

# role -> language ("*": any) -> ((separator before the part, part), ...)
NAME_FORMS = {
    "document": {"*": (("", "honorific"), (" ", "names"), (", ", "degrees"))},
    "registry": {"*": (("", "names"), (", ", "honorific_code"), (", ", "degrees"))},
}


@functools.lru_cache(maxsize=None)
def _country_codes() -> dict:
    """Country name (English or French, any case) or code -> ISO code, from CLDR."""
    from babel import Locale

    table = {}
    for lang in ("en", "fr"):
        for code, name in Locale(lang).territories.items():
            if code.isalpha() and len(code) == 2:
                table[name.lower()] = code
                table[code.lower()] = code
    table.update({"usa": "US", "us": "US", "uk": "GB", "england": "GB", "scotland": "GB",
                  "wales": "GB", "northern ireland": "GB"})
    return table


def country_code(country: str | None) -> str:
    return _country_codes().get((country or "").strip().lower(), "")


def format_address(address: dict | None) -> str:
    """One line: the address in its country's order ('1 Main St, Houston, TX 77030, United States')."""
    if not address:
        return ""
    parts = {k: (address.get(k) or "") for k in ("street", "city", "state", "country")}
    parts["postcode"] = address.get("postcode") or address.get("zip") or ""
    layout = ADDRESS_LAYOUTS.get(country_code(address.get("country")), INTERNATIONAL)
    lines = [" ".join(line.format(**parts).split()) for line in layout]
    return ", ".join(line for line in lines if line)


def locale_name(lang: str, country: str | None = None) -> str:
    territory = country_code(country) or DEFAULT_TERRITORY.get(lang, "")
    return f"{lang}_{territory}" if territory else lang


def format_date(iso: str | None, lang: str, country: str | None = None) -> str:
    """'November 20, 2026' (en, US), '20 November 2026' (en), '20 novembre 2026' (fr)."""
    from babel.dates import format_date as _babel_date

    if not iso:
        return ""
    year, month, day = (int(x) for x in iso.split("-"))
    try:
        return _babel_date(dt.date(year, month, day), "long", locale=locale_name(lang, country))
    except Exception:  # noqa: BLE001 - an unknown language/territory pair: the language alone
        return _babel_date(dt.date(year, month, day), "long", locale=lang)


def format_amount(amount, currency: str, lang: str, country: str | None = None) -> str:
    """'$50.00' (en-US), '50,00 €' (fr)."""
    from babel.numbers import format_currency

    return format_currency(amount, currency, locale=locale_name(lang, country))


def registry_degrees(person: dict) -> str:
    """What PRS's ``degrees`` holds: the honorific code, then the degrees ('Pr', 'Pr, MD')."""
    return ", ".join(p for p in ((person.get("honorific") or "").strip(),
                                 (person.get("degrees") or "").strip()) if p)


def person_name(person: dict | None, lang: str = "en", role: str = "document") -> str:
    """'Pr David Klatzmann' (fr), 'Professor David Klatzmann' (en), 'Ann Lee, MD';
    role "registry": 'David Klatzmann, Pr' as ClinicalTrials.gov holds it."""
    if not person:
        return ""
    code = (person.get("honorific") or "").strip()
    parts = {
        "names": " ".join(p for p in (person.get("first_name"), person.get("middle_name"),
                                      person.get("last_name")) if p),
        "honorific": HONORIFICS.get(lang, HONORIFICS["en"]).get(code, code),
        "honorific_code": code,
        "degrees": (person.get("degrees") or "").strip(),
    }
    forms = NAME_FORMS[role]
    out = ""
    for separator, part in forms.get(lang, forms["*"]):
        if parts[part]:
            out += (separator if out else "") + parts[part]
    return out
