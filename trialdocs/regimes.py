"""Regimes as data: what each regulatory frame brings to the documents.

A protocol declares its regimes (``regulatory.regimes``); nothing regime-
specific is printed unless one of them asks for it. Each entry says:

- ``approval``: the vocabulary of the ethics review, a key of ``APPROVALS``
  (an IRB "approved" the study; an ethics committee "gave a favourable
  opinion"; a French CPP is named as such). When several declared regimes
  disagree, the first in ``APPROVAL_ORDER`` wins: the stricter, national one.
- ``consent``: template strings (keys of templates/i18n/<lang>.yaml) the
  consent form prints, by the section that prints them.
- ``clocks``: the reporting timelines the site manual lists (keys under
  ``manual.clocks``: who and what, deadline, source).
- ``framework_by``: the consent form names the legal framework of each
  declared regime (the i18n key ``framework.<code>``); when the sentence
  depends on protocol data (the French RIPH category), the dotted path of the
  field that picks it (the strings file keys the variants by value).
- ``results``: where the overall results will be published, as the regime
  requires it (CTIS under the EU Regulation, the EU Clinical Trials Register
  under the former Directive), printed with the form's results section.
- ``period``: the first and last day (ISO dates, None for open) on which the
  regime applies to a document. Documents are written as of their version
  (planned.py): a form dated 2020 cannot follow a regulation that applied from
  2022, nor cite a guideline adopted in 2025. ``family`` groups the successive
  instruments of one frame (the EU Directive, then the Regulation; ICH E6(R2),
  then (R3)) so that ``check`` can say which one was in force instead.
- ``terms``: words that belong to this regime only (CTIS); ``check`` warns when
  a consent text uses one and the regime is not declared.

The consent elements each regime requires are the ``regimes`` column of
``trialdocs.documents.consent.ELEMENTS`` (one row per element, as consent.md
§1f lists them); ``consent.regime_elements(regime)`` reads that column for one
regime (this module imports nothing of the documents: no import cycle).

Adding a regime (UK HRA, say) is one entry here, its code in
``codes.REGIMES``, its strings in each language file, and its elements'
``regimes`` sets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

US_CR, US_FDA, US_HIPAA, ICH, EU, FR, GDPR = ("us_common_rule", "us_fda", "us_hipaa",
                                              "ich_e6r3", "eu_ctr", "fr_csp", "gdpr")
# The instruments they replaced, still in force for documents of their time.
ICH_R2, EU_CTD = "ich_e6r2", "eu_ctd"


@dataclass(frozen=True)
class Regime:
    approval: str = ""                   # key of APPROVALS, "" if the regime says nothing
    consent: tuple = ()                  # (section, i18n key) the consent form prints
    clocks: tuple = ()                   # keys under manual.clocks, in order
    authority_statement: bool = False    # a health-authority authorisation is part of it
    framework_by: str = ""               # dotted path of the value that picks the sentence
    results: str = ""                    # i18n key: where the overall results are published
    period: tuple = (None, None)         # (first day, last day) it applies, ISO; None: open
    family: str = ""                     # successive instruments of one frame share a family
    terms: tuple = ()                    # words only documents under this regime use


REGIMES = {
    # 45 CFR 46 since the Common Rule took effect (19 August 1991); the 2018
    # revision's general compliance date was 21 January 2019 (consent.md §0).
    US_CR: Regime(
        approval="irb",
        consent=(("confidentiality", "access_statement_irb"),),
        clocks=("cr_problem",),
        period=("1991-08-19", None)),
    # 21 CFR 50 (informed consent) and 21 CFR 56 (IRBs) both apply to an
    # FDA-regulated trial: us_fda covers the two parts (in effect 27 July 1981).
    US_FDA: Regime(
        approval="irb",
        consent=(("confidentiality", "access_statement_irb"), ("confidentiality", "fda_inspect")),
        clocks=("fda_sae", "fda_fatal", "fda_other", "fda_irb_problem"),
        period=("1981-07-27", None)),
    # 45 CFR 164.508: the authorization to use and disclose health information
    # (the consent form's HIPAA section; consent.hipaa holds its facts).
    # Privacy Rule compliance date: 14 April 2003.
    US_HIPAA: Regime(period=("2003-04-14", None)),
    # ICH E6(R2): Step 4 on 9 November 2016, in effect (EMA) from 14 June 2017,
    # until E6(R3) took effect (EMA, 23 July 2025; Step 4 on 6 January 2025).
    ICH_R2: Regime(
        approval="ethics_committee_approved",
        consent=(("confidentiality", "access_statement"),),
        clocks=("ich_r2_sae",),
        period=("2017-06-14", "2025-07-22"), family="ich_e6"),
    ICH: Regime(
        approval="ethics_committee_approved",
        consent=(("confidentiality", "access_statement"),),
        clocks=("ich_sae",),
        period=("2025-07-23", None), family="ich_e6"),
    # Directive 2001/20/EC applied from 1 May 2004. Regulation 536/2014 applies
    # from 31 January 2022; a trial authorised under the Directive could run
    # under it until 30 January 2025 (Art. 98), then moved to the Regulation.
    EU_CTD: Regime(
        approval="ethics_committee",
        consent=(("confidentiality", "access_statement"),),
        clocks=("ctd_sae", "ctd_susar_fatal", "ctd_susar_other", "ctd_annual"),
        authority_statement=True,
        results="results_eudract",
        period=("2004-05-01", "2025-01-30"), family="eu_ct"),
    EU: Regime(
        approval="ethics_committee",
        consent=(("confidentiality", "access_statement"),),
        clocks=("eu_sae", "eu_susar_fatal", "eu_susar_other", "eu_annual"),
        authority_statement=True,
        results="results_ctis",
        period=("2022-01-31", None), family="eu_ct", terms=("CTIS",)),
    # Loi Jardé (2012), in force with its decree from 18 November 2016.
    FR: Regime(
        approval="cpp",
        consent=(("confidentiality", "access_statement"), ("rights", "health_information")),
        authority_statement=True,
        framework_by="regulatory.riph_category",
        period=("2016-11-18", None)),
    GDPR: Regime(period=("2018-05-25", None)),
}

# Ethics review vocabulary: i18n keys of the sentence in the approvals section
# and of the statement the participant signs.
APPROVALS = {
    "irb": ("approval_irb", "approval_statement_irb"),
    "ethics_committee_approved": ("approval_ec_approved", "approval_statement_ec"),
    "ethics_committee": ("approval_ec", "approval_statement_ec"),
    "cpp": ("approval_cpp", "approval_statement_cpp"),
}
APPROVAL_ORDER = ["cpp", "ethics_committee", "irb", "ethics_committee_approved"]


def declared(data: dict) -> list[str]:
    regimes = ((data.get("regulatory") or {}).get("regimes")) or []
    return [r for r in regimes if r in REGIMES]


def approval_vocabulary(regimes) -> tuple[str, str]:
    """The (sentence, signed statement) keys for the declared regimes."""
    found = {REGIMES[r].approval for r in regimes if REGIMES[r].approval}
    for name in APPROVAL_ORDER:
        if name in found:
            return APPROVALS[name]
    return APPROVALS["ethics_committee_approved"]


def consent_strings(regimes, section: str) -> list[str]:
    """The i18n keys the declared regimes print in one consent section, once each."""
    keys = []
    for regime in regimes:
        for where, key in REGIMES[regime].consent:
            if where == section and key not in keys:
                keys.append(key)
    return keys


def clocks(regimes) -> list[str]:
    return [key for regime in REGIMES if regime in regimes for key in REGIMES[regime].clocks]


def authority_statement(regimes) -> bool:
    return any(REGIMES[r].authority_statement for r in regimes)



def _value(data: dict, dotted_path: str):
    for key in dotted_path.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data


# The order a reader meets the frameworks in: the national law first, then the
# EU or US rules, the GCP guideline, and data protection last.
FRAMEWORK_ORDER = [FR, EU, EU_CTD, US_CR, US_FDA, US_HIPAA, ICH, ICH_R2, GDPR]


def framework(regimes, data: dict, s: dict) -> list[str]:
    """The sentences naming the legal framework of the declared regimes, in one language.

    ``s`` is the language's strings; a regime with ``framework_by`` has one
    sentence per value of that field (the French RIPH category), and none when
    the field is absent (``check`` asks for it)."""
    out = []
    for regime in sorted(regimes, key=FRAMEWORK_ORDER.index):
        entry = REGIMES[regime]
        sentence = s["framework"].get(regime)
        if isinstance(sentence, dict):
            sentence = sentence.get(str(_value(data, entry.framework_by)))
        if sentence and sentence not in out:
            out.append(sentence)
    return out


def results_strings(regimes) -> list[str]:
    """The i18n keys of where the declared regimes publish the overall results."""
    return list(dict.fromkeys(REGIMES[r].results for r in regimes if REGIMES[r].results))


def _day(iso):
    return dt.date.fromisoformat(iso) if iso else None


def applies(regime: str, day: dt.date) -> bool:
    """Whether the regime applies to a document dated ``day``."""
    first, last = (_day(d) for d in REGIMES[regime].period)
    return (first is None or day >= first) and (last is None or day <= last)


def in_force_instead(regime: str, day: dt.date) -> list[str]:
    """The regimes of the same family that apply at ``day`` (what to declare instead)."""
    family = REGIMES[regime].family
    return [code for code, entry in REGIMES.items()
            if family and entry.family == family and code != regime and applies(code, day)]


def foreign_terms(text: str, declared) -> list[tuple[str, str]]:
    """(term, regime) for each word of an undeclared regime that ``text`` uses."""
    found = []
    for regime, entry in REGIMES.items():
        if regime in declared:
            continue
        for term in entry.terms:
            if term in text and not any(term in REGIMES[d].terms for d in declared):
                found.append((term, regime))
    return found
