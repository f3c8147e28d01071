"""The model: a checked protocol as resolved plain data, ready for documents.

Documents read plain dicts and lists (JSON-like), never loader objects, so a
target's payload can be hashed for the build cache and sent to a worker
process. Resolving here means every reference is followed once: a site
carries its investigator's person record, an arm its interventions, an
objective its outcomes, so templates never look anything up.
"""

from __future__ import annotations

import copy

from . import codes


def person_name(person: dict | None) -> str:
    """'David Klatzmann, Pr': the name as the registry holds it (trialdocs.locales)."""
    from .locales import person_name as by_role

    return by_role(person, role="registry")


def format_address(address: dict | None) -> str:
    """An address on one line in its country's order (trialdocs.locales holds the layouts)."""
    from .locales import format_address as by_country

    return by_country(address)


def lookup(value, *path, default=None):
    """The value at a path of keys and list indices, or default where the data has none.

    Checks read data that may have failed the schema, so this never assumes
    a type: a key into a list or an index into a mapping finds nothing.
    """
    for part in path:
        if isinstance(value, dict) and isinstance(part, str):
            value = value.get(part)
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            value = value[part]
        else:
            return default
        if value is None:
            return default
    return value


def complete(value, rule: dict):
    """A block with every field its schema rule knows, None where the protocol gives none.

    Templates read a field of a present block without asking whether the
    protocol wrote it: an absent optional field renders as its absence (None,
    which the templates test), never as a missing-attribute failure. An
    absent block stays None, so ``{% if c.data_protection %}`` still decides.
    """
    if value is None:
        return None
    fields = rule.get("schema") if isinstance(rule, dict) else None
    if rule.get("type") == "dict" and isinstance(fields, dict) and isinstance(value, dict):
        out = {key: complete(value.get(key), sub) for key, sub in fields.items()}
        out.update((k, v) for k, v in value.items() if k not in fields)
        return out
    if rule.get("type") == "list" and isinstance(fields, dict) and isinstance(value, list):
        return [complete(item, fields) for item in value]
    return value


# Registry fields (titles, objectives, outcome measures, arms, interventions,
# eligibility criteria, conditions) are written in English, the language of
# ClinicalTrials.gov, and shown as written in documents of every language.
REGISTRY_LANGUAGE = "en"


def localized(value, lang: str):
    """A text for one language: a plain string serves every language."""
    if isinstance(value, dict):
        return value.get(lang, "")
    return value if value is not None else ""


def language_of(value, lang: str, written_in: str = REGISTRY_LANGUAGE) -> str:
    """The language of the text ``localized(value, lang)`` shows.

    A text given per language is in the language asked for; a single text is
    in the language its field is written in (registry fields: English). A
    template marks text whose language is not the document's (``lang_attr``
    in render.py), so a screen reader reads it with the right voice (WCAG
    3.1.2) and the PDF tags carry the same language. When a field gains
    translations, its mark disappears by itself.
    """
    return lang if isinstance(value, dict) else written_in


def build_model(data: dict, slug: str) -> dict:
    """Resolve references of checked protocol data; the input is not changed."""
    model = copy.deepcopy(data)
    model["slug"] = slug
    people = {p["id"]: p for p in model.get("people") or []}
    for person in people.values():
        person["full_name"] = person_name(person)
    model["people_by_id"] = people

    for official in model.get("officials") or []:
        person = people.get(official.get("person"), {})
        official["name"] = person_name(person)
        official["person_data"] = person
        official["role_label"] = codes.OFFICIAL_ROLE.get(official.get("role"), "")
        official.setdefault("affiliation", person.get("affiliation"))
    for contact in model.get("central_contacts") or []:
        contact["person_data"] = people.get(contact.get("person"), {})
        contact["name"] = person_name(contact["person_data"])

    for site in model.get("sites") or []:
        site["investigator_person"] = people.get(site.get("investigator"))
        for contact in site.get("contacts") or []:
            contact["person_data"] = people.get(contact.get("person"), {})
            contact["name"] = person_name(contact["person_data"])

    interventions = {i["id"]: i for i in model.get("interventions") or []}
    for intervention in interventions.values():
        intervention["arm_labels"] = []
    for arm in model.get("arms") or []:
        arm["intervention_list"] = [interventions[i] for i in arm.get("interventions") or []
                                    if i in interventions]
        for intervention in arm["intervention_list"]:
            intervention["arm_labels"].append(arm["label"])

    objectives = {o["id"]: o for o in model.get("objectives") or []}
    for objective in objectives.values():
        objective["outcomes"] = []
    for kind in ("primary", "secondary", "other"):
        for outcome in (model.get("outcomes") or {}).get(kind) or []:
            outcome["kind"] = kind
            if outcome.get("objective") in objectives:
                objectives[outcome["objective"]]["outcomes"].append(outcome)

    schedule = model.get("schedule")
    if schedule:
        visit_ids = [v["id"] for v in schedule.get("visits") or []]
        for procedure in schedule.get("procedures") or []:
            marked = set(procedure.get("visits") or [])
            procedure["marks"] = [vid in marked for vid in visit_ids]
    return model
