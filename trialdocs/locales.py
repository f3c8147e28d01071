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

Person names: a title that is an honorific (Pr, Dr) goes before the name in
the reader's language (fr "Pr David Klatzmann", en "Prof. David Klatzmann");
other degrees (MD, PhD) follow it after a comma. ``TITLES`` is the table.
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

TITLES = {
    "en": {"Pr": "Prof.", "Prof": "Prof.", "Prof.": "Prof.", "Dr": "Dr", "Dr.": "Dr"},
    "fr": {"Pr": "Pr", "Prof": "Pr", "Prof.": "Pr", "Dr": "Dr", "Dr.": "Dr"},
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


def person_name(person: dict | None, lang: str = "en") -> str:
    """'Pr David Klatzmann' (fr), 'Prof. David Klatzmann' (en), 'Ann Lee, MD'."""
    if not person:
        return ""
    names = " ".join(p for p in (person.get("first_name"), person.get("middle_name"),
                                 person.get("last_name")) if p)
    degrees = (person.get("degrees") or "").strip()
    titles = TITLES.get(lang, TITLES["en"])
    if degrees in titles:
        return f"{titles[degrees]} {names}"
    return f"{names}, {degrees}" if degrees else names
