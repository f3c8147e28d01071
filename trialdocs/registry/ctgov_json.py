"""ctgov.json: a protocol as the ClinicalTrials.gov API v2 represents a study.

The output is ``{"protocolSection": {...}}`` with the API's module and key
names, codes, partial dates and, in markup fields, the API's Markdown. What
ClinicalTrials.gov computes itself is left out: organisation and agency
classes, standard age groups, geo points, posting and submission dates,
derived references, retractions. The NCT number is kept when the protocol
knows it: it is assigned once, not computed from the content, and names the
record the file describes.

``SUBMITTED`` and ``submitted_part`` say the same thing the other way round
for a record read from the API: the part of its protocol section a sponsor
submits, which is what a round trip must give back.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache

from . import mapping, markup
from .identifiers import secondary_ids

# What ClinicalTrials.gov derives: never submitted, so never exported or compared.
DERIVED = {
    ("identificationModule", "nctIdAliases"): "obsolete NCT numbers merged into this one",
    ("identificationModule", "organization", "class"): "the PRS account's organisation class",
    ("identificationModule", "orgStudyIdInfo", "type"): "computed from the id",
    ("identificationModule", "orgStudyIdInfo", "link"): "computed from the id",
    ("identificationModule", "secondaryIdInfos", "*", "link"): "a link computed from a grant number",
    ("statusModule", "lastKnownStatus"): "kept when the status became UNKNOWN",
    ("statusModule", "expandedAccessInfo", "statusForNctId"): "the status of the other record",
    ("sponsorCollaboratorsModule", "leadSponsor", "class"): "agency class, assigned by NLM",
    ("sponsorCollaboratorsModule", "collaborators", "*", "class"): "agency class, assigned by NLM",
    ("oversightModule", "fdaaa801Violation"): "set by ClinicalTrials.gov",
    ("designModule", "nPtrsToThisExpAccNctId"): "counted by ClinicalTrials.gov",
    ("eligibilityModule", "stdAges"): "computed from the age limits",
    ("contactsLocationsModule", "locations", "*", "geoPoint"): "geocoded by ClinicalTrials.gov",
    ("contactsLocationsModule", "locations", "*", "countryCode"): "computed from the country",
    ("referencesModule", "references", "*", "retractions"): "added from PubMed",
}


def _put(target: dict, key: str, value):
    """Set a key unless the value is absent (None, empty text, list or mapping)."""
    if value is None or value == "" or value == [] or value == {}:
        return
    target[key] = value


def _md(text):
    return markup.to_api(text) if text else None


def eligibility_markdown(eligibility: dict) -> str | None:
    """The criteria text: free Markdown as given, or the structured lists in the API's layout."""
    if eligibility.get("criteria_markdown"):
        return eligibility["criteria_markdown"]
    blocks = []
    for key, heading in (("inclusion", "Inclusion Criteria:"), ("exclusion", "Exclusion Criteria:")):
        items = [c.get("text", "") for c in eligibility.get(key) or [] if isinstance(c, dict)]
        if items:
            blocks.append(heading + "\n\n" + "\n".join("* " + " ".join(t.split()) for t in items))
    return "\n\n".join(blocks) or None


def intervention_label(intervention: dict) -> str:
    """'Drug: Palbociclib': how an arm names its intervention."""
    from ..codes import INTERVENTION_TYPE

    kind = INTERVENTION_TYPE.get(intervention.get("type"), intervention.get("type") or "")
    return f"{kind}: {intervention.get('name', '')}"


def _contact(ref: dict, people: dict, with_role=True) -> dict:
    person = people.get(ref.get("person")) or {}
    out = {}
    _put(out, "name", person.get("full_name"))
    if with_role:
        _put(out, "role", ref.get("role"))
    _put(out, "phone", person.get("phone"))
    _put(out, "phoneExt", person.get("phone_ext"))
    _put(out, "email", person.get("email"))
    return out


def protocol_section(model: dict) -> dict:
    """The v2 protocol section of a resolved protocol model (see trialdocs.model).

    The simple fields go across by the catalogue's table (registry/mapping.py);
    what the API spells differently is composed below, with the table's key names.
    """
    people = model.get("people_by_id") or {}
    # DERIVED references are added by ClinicalTrials.gov from PubMed, never submitted
    references = [r for r in model.get("references") or [] if r.get("type") != "DERIVED"]
    ident = dict(model.get("identification") or {}, secondary_ids=secondary_ids(model))
    section = mapping.export(dict(model, references=references, identification=ident))
    _arms(model, section)
    eligibility = model.get("eligibility") or {}
    _put(mapping._place(section, mapping.key("eligibility")),
         mapping.key_name("eligibility", "criteria_markdown"), _md(eligibility_markdown(eligibility)))
    _contacts(model, section, people)
    return mapping.prune(section)


def _items(section: dict, *path) -> list:
    """The API entries of a protocol list, one per item (mapping.export made them)."""
    found = mapping.get(section, mapping.key(*path))
    return found if isinstance(found, list) else []


def _contacts(model: dict, section: dict, people: dict):
    person = mapping.key_name("officials", "*", "person")
    for official, entry in zip(model.get("officials") or [], _items(section, "officials")):
        name = (people.get(official.get("person")) or {}).get("full_name")
        composed = {person: name} if name else {}
        composed.update(entry)
        entry.clear()
        entry.update(composed)
    for ref, entry in zip(model.get("central_contacts") or [], _items(section, "central_contacts")):
        entry.update(_contact(ref, people) | entry)
    contacts = mapping.key("sites", "*", "contacts")
    inner = contacts[contacts.index("*") + 1:]
    for site, entry in zip(model.get("sites") or [], _items(section, "sites")):
        for ref, contact in zip(site.get("contacts") or [], mapping.get(entry, inner) or []):
            composed = _contact(ref, people)
            composed.update(contact)
            contact.clear()
            contact.update(composed)


def _arms(model: dict, section: dict):
    """interventionNames and armGroupLabels: the API links arms and interventions by label."""
    interventions = model.get("interventions") or []
    by_id = {i.get("id"): i for i in interventions}
    labels_of = {i.get("id"): [] for i in interventions}
    names_key = mapping.key_name("arms", "*", "interventions")
    for arm, entry in zip(model.get("arms") or [], _items(section, "arms")):
        names = []
        for ref in arm.get("interventions") or []:
            if ref in by_id:
                names.append(intervention_label(by_id[ref]))
                labels_of[ref].append(arm.get("label"))
        _put(entry, names_key, names)
    for intervention, entry in zip(interventions, _items(section, "interventions")):
        # An API key with no protocol field of its own: the labels of the arms that
        # name the intervention, in code-point order as the API lists them.
        _put(entry, "armGroupLabels",
             sorted(set(filter(None, labels_of.get(intervention.get("id"), [])))))


def study(model: dict) -> dict:
    return {"protocolSection": protocol_section(model)}


def render(payload: dict) -> bytes:
    """Renderer of ``registry/ctgov.json``: the payload is the study object itself."""
    return (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# -- the submitted part of a record read from the API ---------------------------

def _generic(path):
    return tuple("*" if isinstance(p, int) else p for p in path)


def submitted_part(section: dict) -> tuple[dict, list[tuple[str, str]]]:
    """A record's protocol section without what ClinicalTrials.gov derives.

    Returns the pruned copy and the list of (dotted path, reason) removed, so a
    caller can say what it leaves out. Keys the API does not define (seen in
    real records: ``locations_nested``) are removed too, with their reason.
    """
    section = copy.deepcopy(section)
    known = known_keys()
    removed = []
    status = section.get("statusModule")
    if isinstance(status, dict):
        if status.get("overallStatus") in ("UNKNOWN", "WITHHELD") \
                and isinstance(status.get("lastKnownStatus"), str):
            removed.append(("statusModule.overallStatus",
                            f"{status['overallStatus']} is derived; the submitted status is "
                            f"lastKnownStatus {status['lastKnownStatus']}"))
            status["overallStatus"] = status["lastKnownStatus"]
        for key in list(status):
            if key not in status_submitted():
                removed.append((f"statusModule.{key}", "a date or status kept by ClinicalTrials.gov"))
                del status[key]
    module = section.get("referencesModule")
    refs = module.get("references") if isinstance(module, dict) else None
    if isinstance(refs, list):
        kept = [r for r in refs if not (isinstance(r, dict) and r.get("type") == "DERIVED")]
        if len(kept) != len(refs):
            removed.append(("referencesModule.references", f"{len(refs) - len(kept)} DERIVED "
                            "reference(s), added by ClinicalTrials.gov from PubMed"))
        section["referencesModule"]["references"] = kept

    def walk(value, path):
        if isinstance(value, dict):
            for key in list(value):
                here = path + (key,)
                reason = DERIVED.get(_generic(here))
                if reason is None and len(here) == 1 and key not in known:
                    reason = "not a field of the API's protocol section (an unknown module)"
                if reason is None and len(here) == 2 and key not in known.get(here[0], {key}):
                    reason = "not a field of the API's protocol section"
                if reason is not None:
                    removed.append((".".join(map(str, here)), reason))
                    del value[key]
                else:
                    walk(value[key], here)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, path + (i,))

    walk(section, ())
    for key in [k for k, v in section.items() if isinstance(v, dict) and not v]:
        del section[key]
    # one entry per generic path is enough for a reader
    seen, unique = set(), []
    for path, reason in removed:
        generic = ".".join("*" if p.isdigit() else p for p in path.split("."))
        if generic not in seen:
            seen.add(generic)
            unique.append((generic, reason))
    return section, unique


@lru_cache(maxsize=1)
def known_keys() -> dict:
    """Module -> its keys: what the catalogue maps, and what ClinicalTrials.gov derives."""
    known: dict = {}
    for f in mapping.catalogue.ctgov_fields():
        if len(f.ctgov) >= 2:
            known.setdefault(f.ctgov[0], set()).add(f.ctgov[1])
    for path in DERIVED:
        known.setdefault(path[0], set()).add(path[1])
    known["armsInterventionsModule"].update({"armGroups", "interventions"})
    return known


@lru_cache(maxsize=1)
def status_submitted() -> frozenset:
    """The status keys a sponsor submits (the rest are dates and statuses kept by ClinicalTrials.gov)."""
    return frozenset(f.ctgov[1] for f in mapping.catalogue.ctgov_fields()
                     if f.ctgov[0] == "statusModule" and len(f.ctgov) > 1)
