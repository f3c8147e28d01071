"""The field catalogue read as a list: one Field per field of schema.SCHEMA.

schema.py declares each field once (Cerberus rules plus, in ``meta``, its
description, example, ClinicalTrials.gov key, PRS label and limit). This module
walks that declaration in order and gives each field its full path, its full
ClinicalTrials.gov key and what a reader needs to know about it, so that what
is generated from the catalogue (docs tables, JSON Schema, registry mapping,
PRS limits) reads plain attributes, not Cerberus rules. ``check`` uses only
the light walks at the end (the PRS limits, the fields a document shows).

Paths are tuples of keys with ``"*"`` for "every item of a list":
``("arms", "*", "label")``. ClinicalTrials.gov keys are the same, under
``protocolSection``: ``("armsInterventionsModule", "armGroups", "*", "label")``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import schema


@dataclass(frozen=True)
class Field:
    path: tuple
    rules: dict
    doc: str
    example: object = None
    ctgov: tuple | None = None       # the full API key path, "*" for list items
    prs_label: str | None = None
    limit: int | None = None
    confirmed: bool = True
    markdown: bool = False
    when: str | None = None

    @property
    def dotted(self) -> str:
        return ".".join(self.path)

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def required(self) -> bool:
        return bool(self.rules.get("required"))

    @property
    def item(self) -> dict | None:
        """The rules of a list's items."""
        return self.rules.get("schema") if self.rules.get("type") == "list" else None

    @property
    def is_record(self) -> bool:
        return self.rules.get("type") == "dict" and "schema" in self.rules

    @property
    def is_record_list(self) -> bool:
        item = self.item
        return bool(item) and item.get("type") == "dict" and "schema" in item

    @property
    def leaf(self) -> bool:
        """A value, not a record or a list of records."""
        return not (self.is_record or self.is_record_list)


def _api_path(parent: tuple | None, relative: str | None, in_list: bool) -> tuple | None:
    if not relative:
        return None
    keys = tuple(relative.split("."))
    if parent is None:
        return keys
    return parent + (("*",) if in_list else ()) + keys


def _walk(fields: dict, prefix: tuple, api_parent: tuple | None, in_list: bool):
    for name, rules in fields.items():
        meta = rules.get("meta") or {}
        path = prefix + (name,)
        api = _api_path(api_parent, meta.get("ct"), in_list)
        prs = meta.get("prs") or {}
        yield Field(path=path, rules=rules, doc=meta.get("doc", ""), example=meta.get("ex"),
                    ctgov=api, prs_label=prs.get("label"), limit=prs.get("limit"),
                    confirmed=prs.get("confirmed", True), markdown=bool(meta.get("markdown")),
                    when=meta.get("when"))
        if rules.get("type") == "dict" and "schema" in rules:
            yield from _walk(rules["schema"], path, api if api else api_parent, False)
        item = rules.get("schema") if rules.get("type") == "list" else None
        if isinstance(item, dict) and item.get("type") == "dict" and "schema" in item:
            yield from _walk(item["schema"], path + ("*",), api if api else api_parent, bool(api))


@lru_cache(maxsize=1)
def fields() -> tuple[Field, ...]:
    """Every field of the format, in declaration order (parents before their fields)."""
    return tuple(_walk(schema.SCHEMA, (), None, False))


@lru_cache(maxsize=1)
def by_path() -> dict[tuple, Field]:
    return {f.path: f for f in fields()}


def children(path: tuple) -> list[Field]:
    """The fields of the record at path (of its items, for a list of records)."""
    n = len(path)
    out = []
    for f in fields():
        rest = f.path[n:]
        if f.path[:n] == path and (len(rest) == 1 or (len(rest) == 2 and rest[0] == "*")):
            out.append(f)
    return out


def kind(f: Field) -> str:
    """The field's kind in a reader's words: 'text', 'patient Markdown', 'list of codes' …"""
    return _kind(f.rules, f.markdown)


def _kind(rules: dict, markdown: bool = False) -> str:
    t = rules.get("type")
    if (rules.get("meta") or {}).get("kind"):
        return rules["meta"]["kind"]
    if rules.get("localized") == "patient":
        return "patient Markdown" if markdown else "patient text"
    if rules.get("localized") == "staff":
        return "staff Markdown" if markdown else "staff text"
    if t == "list":
        item = rules.get("schema") or {}
        inner = _kind(item, bool((item.get("meta") or {}).get("markdown")))
        plural = {"text": "text", "record": "records", "code": "codes", "id": "ids",
                  "whole number": "whole numbers", "patient text": "patient texts",
                  "staff text": "staff texts"}
        return "list of " + plural.get(inner, inner)
    if t == "dict":
        return "record" if "schema" in rules else "mapping"
    if t == "boolean":
        return "true/false"
    if t == "integer":
        return "whole number"
    if t == "number":
        return "number"
    if rules.get("allowed") is not None:
        return "code"
    regex = rules.get("regex")
    return {schema.ID_RE: "id", schema.DATE_RE: "date", schema.PARTIAL_DATE_RE: "partial date",
            schema.MONTH_RE: "month", schema.AGE_RE: "age", schema.EMAIL_RE: "e-mail",
            r"^NCT\d{8}$": "NCT number"}.get(regex, "Markdown" if markdown else "text")


def _each(rules_by_name: dict, prefix: tuple = ()):
    """(path, rules) of every field, parents first: a light walk, no Field built.

    ``check`` reads the limits and the shown fields through it; building every
    Field (about 4 ms) is left to what generates files.
    """
    for name, rules in rules_by_name.items():
        path = prefix + (name,)
        yield path, rules
        if rules.get("type") == "dict" and "schema" in rules:
            yield from _each(rules["schema"], path)
        item = rules.get("schema") if rules.get("type") == "list" else None
        if isinstance(item, dict) and item.get("type") == "dict" and "schema" in item:
            yield from _each(item["schema"], path + ("*",))


@lru_cache(maxsize=None)
def shown_in(document: str) -> tuple:
    """(path, rules) of the fields a document shows as they are (``show=`` in schema.py)."""
    return tuple((path, rules) for path, rules in _each(schema.SCHEMA)
                 if document in ((rules.get("meta") or {}).get("show") or ()))


def _localized(value, rules: dict, lang: str):
    if value is None:
        return None
    if rules.get("localized"):
        return value.get(lang, "") if isinstance(value, dict) else value
    if rules.get("type") == "list" and isinstance(value, list):
        item = rules.get("schema") or {}
        return [_localized(v, item, lang) for v in value]
    if rules.get("type") == "dict" and "schema" in rules and isinstance(value, dict):
        return {k: _localized(v, rules["schema"].get(k, {}), lang) for k, v in value.items()}
    return value


def document_fields(data: dict, document: str, lang: str) -> dict:
    """What a document shows of the fields declared for it, in one language.

    ``{"sponsors": {"funding": "…"}}``: nested as in the protocol, each value
    localized (patient and staff texts, in records and lists too). Only the
    declared fields enter, so a document's cache key changes with them alone.
    """
    out: dict = {}
    for path, rules in shown_in(document):
        value = data
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        target = out
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = _localized(value, rules, lang)
    return out


def document_labels(document: str, lang: str) -> dict:
    """The headings of the fields a document shows (``label=`` in schema.py), nested likewise."""
    out: dict = {}
    for path, rules in shown_in(document):
        target = out
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = ((rules.get("meta") or {}).get("label") or {}).get(lang, "")
    return out


def limits() -> dict[tuple, dict]:
    """PRS labels and limits by path; a list of texts has one limit per item.

    Read straight from the rules' meta (``_each``): the registry checker
    needs this table on every ``check``.
    """
    out: dict = {}
    for path, rules in _each(schema.SCHEMA):
        prs = (rules.get("meta") or {}).get("prs")
        if prs:
            out[path + (("*",) if rules.get("type") == "list" else ())] = prs
    return out


def ctgov_fields() -> list[Field]:
    """Fields with a ClinicalTrials.gov key."""
    return [f for f in fields() if f.ctgov]
