"""Designs as data: what a trial's design brings to the consent form and site manual.

Each entry of ``DESIGNS`` names a design feature, the condition on
``design`` and ``arms`` that brings it in, the consent strings it prints
(keys of templates/i18n/<lang>.yaml, in the method section), the site-manual
sections it adds and the fields ``check`` then requires. A new design
feature (cluster randomization, say) is one entry here and its strings.

The patient wording is computed from the data, never written per trial: the
chance of each group comes from the arms' planned allocation
(``arms[].allocation_ratio``, equal when absent), and who is blinded from
``design.who_masked``.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import gcd

from .model import language_of, localized


def _randomized(data):
    return (data.get("design") or {}).get("allocation") == "RANDOMIZED"


def _masked(data):
    return (data.get("design") or {}).get("masking") not in (None, "NONE")


def _placebo(data):
    """A placebo or sham arm, or an intervention registered under the name 'Placebo'
    (records often type a placebo arm EXPERIMENTAL, as NCT02210780 does)."""
    return any(a.get("type") in ("PLACEBO_COMPARATOR", "SHAM_COMPARATOR")
               for a in data.get("arms") or [] if isinstance(a, dict)) or any(
        str(i.get("name", "")).lower().startswith("placebo")
        for i in data.get("interventions") or [] if isinstance(i, dict))


def _crossover(data):
    return (data.get("design") or {}).get("intervention_model") == "CROSSOVER"


@dataclass(frozen=True)
class Design:
    id: str
    when: object                  # data -> bool
    consent: tuple = ()           # i18n keys printed in the consent's method section
    manual: tuple = ()            # site-manual sections (keys of manual.sections)
    requires: tuple = ()          # (document, dotted field) check requires for this design


DESIGNS = [
    Design("randomized", _randomized, ("randomized_statement",), ("randomization",),
           (("site_manual", "site_manual.randomization"),)),
    Design("placebo", _placebo, ("placebo_explained",)),
    Design("masked", _masked, ("emergency_unblinding",), ("unblinding",),
           (("site_manual", "site_manual.unblinding"),)),
    Design("crossover", _crossover, ("crossover_statement",)),
    Design("single_group", lambda d: not _randomized(d), ("same_treatment",)),
]


def active(data: dict) -> list[Design]:
    return [d for d in DESIGNS if d.when(data)]


def chances(arms: list) -> list[tuple[int, int]]:
    """(k, n) per arm: 'k chance(s) in n', reduced (1:1 -> 1 in 2; 2:1 -> 2 in 3, 1 in 3)."""
    weights = [a.get("allocation_ratio") or 1 for a in arms]
    total = sum(weights)
    out = []
    for w in weights:
        common = gcd(w, total)
        out.append((w // common, total // common))
    return out


def chance_words(k: int, n: int, s: dict) -> str:
    return s["chance_one" if k == 1 else "chance_many"].format(k=k, n=n)


def consent_context(data: dict, lang: str, s: dict) -> dict:
    """What the consent form says about the design, in the reader's language."""
    arms = [a for a in data.get("arms") or [] if isinstance(a, dict)]
    features = active(data)
    names = [localized(a.get("lay"), lang) or a.get("label", "") for a in arms]
    # a label shown for want of lay text is in the registry's language (lang_attr marks it)
    langs = [lang if localized(a.get("lay"), lang) else language_of(a.get("label"), lang)
             for a in arms]
    allocation = []
    if _randomized(data) and arms:
        pairs = chances(arms)
        allocation = [{"arm": name, "lang": arm_lang, "chance": chance_words(k, n, s)}
                      for name, arm_lang, (k, n) in zip(names, langs, pairs)]
        equal = len(set(pairs)) == 1
    else:
        equal = False
    masked = []
    if _masked(data):
        who = (data.get("design") or {}).get("who_masked") or []
        masked = [s["masked_roles"][w] for w in who if w in s["masked_roles"]]
    return {
        "features": [f.id for f in features],
        "statements": [key for f in features for key in f.consent],
        "arms": names,
        "allocation": allocation,
        "equal_chance": chance_words(*chances(arms)[0], s) if equal else "",
        "masked_who": masked,
    }


def manual_sections(data: dict) -> list[str]:
    return [section for f in active(data) for section in f.manual]


def required_fields(data: dict, documents) -> list[tuple[str, str]]:
    """(design id, dotted field) that check requires for the requested documents."""
    return [(f.id, path) for f in active(data) for document, path in f.requires
            if document in documents]
