"""Per-language variants of the registry's texts, and the language-leak check.

The registry fields (titles, eligibility criteria, outcome measures, arms,
interventions, conditions) are sent to ClinicalTrials.gov in English and stay
so. A document in another language reads each record's ``local.<lang>``
variant instead (``variant(record, key, lang)``), and ``leaks`` lists every
field such a document would show in English because no variant is given, so
``check`` can say which field a French site manual would leak.

``SHOWN`` is the table of what a staff document shows: where the record is,
and which of its keys.
"""

from __future__ import annotations

from .model import REGISTRY_LANGUAGE

# (path of the record, with "*" for every item of a list; the keys a document shows)
SHOWN = (
    (("identification",), ("brief_title", "official_title")),
    (("description",), ("brief_summary",)),
    (("conditions",), ("conditions",)),
    (("eligibility", "inclusion", "*"), ("text",)),
    (("eligibility", "exclusion", "*"), ("text",)),
    (("outcomes", "primary", "*"), ("measure", "time_frame")),
    (("outcomes", "secondary", "*"), ("measure", "time_frame")),
    (("outcomes", "other", "*"), ("measure", "time_frame")),
    (("arms", "*"), ("label", "description")),
    (("interventions", "*"), ("name",)),
)


def variant(record, key: str, lang: str):
    """The record's text for ``key`` in ``lang``: its ``local.<lang>`` variant, else the
    registry's own value."""
    if not isinstance(record, dict):
        return None
    local = record.get("local")
    local = local.get(lang) if isinstance(local, dict) else None
    if isinstance(local, dict) and local.get(key) not in (None, "", []):
        return local[key]
    return record.get(key)


def language(record, key: str, lang: str) -> str:
    """The language of ``variant(record, key, lang)``: ``lang`` when the record has that
    variant, else the registry's (templates mark such text with ``lang``, WCAG 3.1.2)."""
    local = record.get("local") if isinstance(record, dict) else None
    local = local.get(lang) if isinstance(local, dict) else None
    if isinstance(local, dict) and local.get(key) not in (None, "", []):
        return lang
    return REGISTRY_LANGUAGE


def _records(data, path, prefix=()):
    if not path:
        yield prefix, data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for i, item in enumerate(data if isinstance(data, list) else []):
            yield from _records(item, rest, prefix + (i,))
    elif isinstance(data, dict) and head in data:
        yield from _records(data[head], rest, prefix + (head,))


def leaks(data: dict, lang: str) -> list[tuple[tuple, str]]:
    """(record path, key) of every shown registry text with no variant in ``lang``."""
    if lang == REGISTRY_LANGUAGE:
        return []
    found = []
    for path, keys in SHOWN:
        for where, record in _records(data, path):
            if not isinstance(record, dict):
                continue
            local = record.get("local")
            local = local.get(lang) if isinstance(local, dict) else None
            for key in keys:
                if record.get(key) not in (None, "", []) and \
                        not (isinstance(local, dict) and local.get(key) not in (None, "", [])):
                    found.append((where, key))
    return found
