"""The ClinicalTrials.gov mapping: one table, read both ways, from the field catalogue.

Each field's API key is declared with the field in schema.py (``ct=…``);
catalogue.py turns it into a full path under ``protocolSection``. Fields whose
value goes across as it is (text, Markdown, a code, a flag, a list of codes or
texts, in records and lists of records) are *simple*: ``export`` writes them
and ``value_at`` reads them back with no code of their own. The few the API
spells differently are *composed* by code in ctgov_json.py and importer.py,
which still take their key names from this table (``key``):

- the eligibility criteria: one Markdown text from ``inclusion`` and
  ``exclusion`` (or ``criteria_markdown``);
- arms and interventions: the API links them by label (``interventionNames``,
  ``armGroupLabels``), the protocol by id;
- people: officials and contacts name a person of ``people``; the API writes
  the person's name, phone and e-mail into each contact.

docs/registry-mapping.md is generated from the same table.
"""

from __future__ import annotations

from functools import lru_cache

from .. import catalogue
from . import markup

COMPOSED = {
    ("eligibility", "inclusion"), ("eligibility", "exclusion"), ("eligibility", "criteria_markdown"),
    ("arms", "*", "interventions"),
    ("officials", "*", "person"), ("central_contacts", "*", "person"),
    ("sites", "*", "contacts", "*", "person"),
}


@lru_cache(maxsize=1)
def simple_fields() -> tuple:
    """Leaf fields with an API key that go across as they are, in catalogue order."""
    return tuple(f for f in catalogue.ctgov_fields()
                 if f.leaf and not any(f.path[:len(c)] == c for c in COMPOSED))


def key(*path) -> tuple:
    """The API key path of a protocol field: key('arms') -> ('armsInterventionsModule', 'armGroups')."""
    return catalogue.by_path()[tuple(path)].ctgov


def key_name(*path) -> str:
    """The last key of a field's API path: key_name('officials', '*', 'person') -> 'name'."""
    return key(*path)[-1]


def module(*path) -> str:
    return key(*path)[0]


def get(data, keys):
    for k in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(k)
    return data


def absent(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _outgoing(field, value):
    if absent(value):
        return None
    if isinstance(value, list):
        return list(value)
    if field.markdown and isinstance(value, str):
        return markup.to_api(value)
    return value


def _place(target: dict, keys: tuple) -> dict:
    for k in keys:
        target = target.setdefault(k, {})
    return target


def _copy(field, src, path, dst, api):
    if "*" in path:
        i, j = path.index("*"), api.index("*")
        items = get(src, path[:i])
        if not isinstance(items, list) or not items:
            return
        targets = _place(dst, api[:j - 1]).setdefault(api[j - 1], [])
        while len(targets) < len(items):
            targets.append({})
        for item, target in zip(items, targets):
            if isinstance(item, dict):
                _copy(field, item, path[i + 1:], target, api[j + 1:])
        return
    value = _outgoing(field, get(src, path))
    if value is not None:
        _place(dst, api[:-1])[api[-1]] = value


def prune(value):
    """Mappings without their empty values (recursively); list items are kept as they are."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = prune(v)
            if not absent(v):
                out[k] = v
        return out
    if isinstance(value, list):
        return [prune(v) for v in value]
    return value


def export(model: dict, section: dict | None = None) -> dict:
    """The simple fields of a protocol, written into an API protocol section."""
    section = {} if section is None else section
    for field in simple_fields():
        _copy(field, model, field.path, section, field.ctgov)
    return section


def value_at(record: dict, field, index: dict | None = None):
    """The API value of a simple field in a record, and its path as the API spells it.

    ``index`` gives the list positions of the ``*`` of the field's API path, in
    order (``{0: 2}``: the third item of the first list).
    """
    value, spelled, n = record, [], 0
    for part in field.ctgov:
        if part == "*":
            position = (index or {}).get(n, 0)
            n += 1
            value = value[position] if isinstance(value, list) and position < len(value) else None
            spelled[-1] += f"[{position}]"
        else:
            value = value.get(part) if isinstance(value, dict) else None
            spelled.append(part)
    return value, ".".join(spelled)
