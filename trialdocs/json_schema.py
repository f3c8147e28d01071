"""The protocol format as a JSON Schema (draft 2020-12), for editors.

Editors that speak JSON Schema (VS Code with the Red Hat YAML extension, the
JetBrains IDEs, Neovim with yaml-language-server) use it to complete keys, show
each field's description on hover and underline a structural mistake as it is
typed: an unknown key, a wrong type, a code not in the list, a missing required
key. It is built from the catalogue (schema.py) and committed at
``schema/trialdocs.schema.json``; ``trialdocs schema`` prints it.

What needs the protocol as a whole stays ``check``'s job: which languages a
patient text must have (``protocol.languages``), ids that must exist or be
unique, dates in order, what a regime requires. The schema accepts a
patient text in any of the languages trialdocs knows.
"""

from __future__ import annotations

import json

from . import catalogue, codes, schema

ID = "https://trialdocs.example.org/schema/trialdocs.schema.json"
LANGUAGE_TEXT = {"type": "string", "minLength": 1, "pattern": r"\S"}


def _reserved_names() -> str:
    """Windows device names (con, lpt1 …) in any case, as ECMA-262 has no (?i)."""
    from .validate import WINDOWS_RESERVED

    words = sorted(WINDOWS_RESERVED)
    spelled = ["".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in w) for w in words]
    return "^(" + "|".join(spelled) + ")$"


def _rules_to_json(rules: dict, markdown: bool = False) -> dict:
    meta = rules.get("meta") or {}
    out: dict = {}
    doc = meta.get("doc")
    if doc:
        kind = catalogue._kind(rules, markdown)
        out["description"] = f"{doc} ({kind})"
    localized = rules.get("localized")
    t = rules.get("type")
    languages = sorted(codes.LANGUAGES)
    if localized == "patient":
        out.update(type="object", propertyNames={"enum": languages},
                   additionalProperties=LANGUAGE_TEXT, minProperties=1)
    elif localized == "staff":
        out["anyOf"] = [{"type": "string", "minLength": 1},
                        {"type": "object", "propertyNames": {"enum": languages},
                         "additionalProperties": LANGUAGE_TEXT, "minProperties": 1}]
    elif t == "dict" and "schema" in rules:
        out.update(type="object", properties={}, additionalProperties=False)
        required = []
        for name, child in rules["schema"].items():
            out["properties"][name] = _rules_to_json(child, bool((child.get("meta") or {}).get("markdown")))
            if child.get("required"):
                required.append(name)
        if required:
            out["required"] = required
    elif t == "dict":
        out["type"] = "object"
        keys = rules.get("keysrules") or {}
        if keys.get("regex"):
            out["propertyNames"] = {"pattern": keys["regex"]}
        if rules.get("valuesrules"):
            out["additionalProperties"] = _rules_to_json(rules["valuesrules"])
    elif t == "list":
        out["type"] = "array"
        item = rules.get("schema")
        if item:
            out["items"] = _rules_to_json(item, bool((item.get("meta") or {}).get("markdown")))
        if "minlength" in rules:
            out["minItems"] = rules["minlength"]
        if "maxlength" in rules:
            out["maxItems"] = rules["maxlength"]
    else:
        out["type"] = {"string": "string", "boolean": "boolean", "integer": "integer",
                       "number": "number"}[t]
        if t == "string":
            if rules.get("empty") is False:
                out["minLength"] = 1
            if rules.get("regex"):
                out["pattern"] = rules["regex"]
            if rules.get("safe_name"):
                out["not"] = {"pattern": _reserved_names()}
            if rules.get("allowed") is not None:
                out["enum"] = list(rules["allowed"])
        if "min" in rules:
            out["minimum"] = rules["min"]
    if "ex" in meta:
        out["examples"] = [meta["ex"]]
    prs = meta.get("prs")
    if prs and "description" in out:
        out["description"] += f". PRS: {prs['label']}, at most {prs['limit']:,} characters"
    return out


def build() -> dict:
    """The JSON Schema of a protocol (all its files merged), as a dict."""
    root = _rules_to_json({"type": "dict", "schema": schema.SCHEMA})
    # Each file of a protocol folder holds some of the top-level blocks, so an
    # editor checking one file must not ask for the blocks kept in the others.
    # The merged protocol needs them: x-trialdocs-required-blocks lists them,
    # and ``merged`` makes them required (tests check whole protocols with it).
    required = root.pop("required", [])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": ID,
        "title": "trialdocs protocol",
        "description": "One file of a trialdocs protocol folder (protocol/<slug>/*.yaml). "
                       "Generated from trialdocs' field catalogue by `python -m trialdocs.generate`; "
                       "`trialdocs check` checks the whole folder, including the rules between fields.",
        "type": "object",
        "properties": root["properties"],
        "additionalProperties": False,
        "x-trialdocs-required-blocks": required,
    }


def merged(document: dict) -> dict:
    """The schema of a whole protocol: every file merged, required blocks required."""
    out = dict(document)
    out["required"] = list(document["x-trialdocs-required-blocks"])
    return out


def text() -> str:
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
