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

The consent elements each regime requires are the ``regimes`` column of
``trialdocs.documents.consent.ELEMENTS`` (one row per element, as consent.md
§1f lists them); ``consent.regime_elements(regime)`` reads that column for one
regime (this module imports nothing of the documents: no import cycle).

Adding a regime (UK HRA, say) is one entry here, its code in
``codes.REGIMES``, its strings in each language file, and its elements'
``regimes`` sets.
"""

from __future__ import annotations

from dataclasses import dataclass

US_CR, US_FDA, US_HIPAA, ICH, EU, FR, GDPR = ("us_common_rule", "us_fda", "us_hipaa",
                                              "ich_e6r3", "eu_ctr", "fr_csp", "gdpr")


@dataclass(frozen=True)
class Regime:
    approval: str = ""                   # key of APPROVALS, "" if the regime says nothing
    consent: tuple = ()                  # (section, i18n key) the consent form prints
    clocks: tuple = ()                   # keys under manual.clocks, in order
    authority_statement: bool = False    # a health-authority authorisation is part of it


REGIMES = {
    US_CR: Regime(
        approval="irb",
        consent=(("confidentiality", "access_statement_irb"),),
        clocks=("cr_problem",)),
    # 21 CFR 50 (informed consent) and 21 CFR 56 (IRBs) both apply to an
    # FDA-regulated trial: us_fda covers the two parts.
    US_FDA: Regime(
        approval="irb",
        consent=(("confidentiality", "access_statement_irb"), ("confidentiality", "fda_inspect")),
        clocks=("fda_sae", "fda_fatal", "fda_other", "fda_irb_problem")),
    # 45 CFR 164.508: the authorization to use and disclose health information
    # (the consent form's HIPAA section; consent.hipaa holds its facts).
    US_HIPAA: Regime(),
    ICH: Regime(
        approval="ethics_committee_approved",
        consent=(("confidentiality", "access_statement"),),
        clocks=("ich_sae",)),
    EU: Regime(
        approval="ethics_committee",
        consent=(("confidentiality", "access_statement"),),
        clocks=("eu_sae", "eu_susar_fatal", "eu_susar_other", "eu_annual"),
        authority_statement=True),
    FR: Regime(
        approval="cpp",
        consent=(("confidentiality", "access_statement"), ("rights", "health_information")),
        authority_statement=True),
    GDPR: Regime(),
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

