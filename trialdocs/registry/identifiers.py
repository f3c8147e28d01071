"""The study's secondary identifiers, once for every output that has a place for them.

A protocol gives identifiers in two places: ``identification.secondary_ids``
(as ClinicalTrials.gov lists them) and ``regulatory`` (the EU trial number and
the French ID-RCB, printed on consent documents and in the site manual). A
reviewer who finds the EU number on the consent form and not in the registry
record sends the record back, so ``ctgov.json``, ``prs.xml`` and the WHO items
all list ``secondary_ids(model)``: the declared ids, then each regulatory number
not already among them.
"""

from __future__ import annotations

import re

# An EU CT number from CTIS (Regulation 536/2014) is YYYY-5NNNNN-NN-NN; the
# older EudraCT number is YYYY-NNNNNN-NN.
CTIS_NUMBER = re.compile(r"^\d{4}-5\d{5}-\d{2}-\d{2}$")

# Regulatory field -> (secondary id type, issuer) for the ids ClinicalTrials.gov
# has no type of its own for.
REGULATORY_IDS = {
    "id_rcb": ("OTHER", "ID-RCB (ANSM, France)"),
}


def eu_number_label(number) -> str:
    """The i18n key naming an EU number as what it is: an EU CT number (CTIS) or a
    EudraCT number (the Directive's), so no document calls one by the other's name."""
    return "eu_ct_number" if CTIS_NUMBER.match(str(number or "")) else "eudract_number"


def _eu_number(number: str) -> dict:
    if CTIS_NUMBER.match(number):
        return {"id": number, "type": "CTIS"}
    return {"id": number, "type": "EUDRACT_NUMBER"}


def secondary_ids(model: dict) -> list[dict]:
    """``[{id, type, domain?}, …]``: the declared secondary ids, then the regulatory numbers."""
    ident = model.get("identification") or {}
    regulatory = model.get("regulatory") or {}
    out = [dict(item) for item in ident.get("secondary_ids") or [] if isinstance(item, dict)]
    known = {str(item.get("id", "")).strip() for item in out}
    extra = []
    if regulatory.get("eu_ct_number"):
        extra.append(_eu_number(str(regulatory["eu_ct_number"])))
    for key, (kind, domain) in REGULATORY_IDS.items():
        if regulatory.get(key):
            extra.append({"id": str(regulatory[key]), "type": kind, "domain": domain})
    out += [item for item in extra if item["id"].strip() not in known]
    return out
