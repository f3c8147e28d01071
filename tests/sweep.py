"""The deletion sweep: remove one field at a time; wherever check is clean, every
target's HTML (and text/JSON/XML) must render in-process.

PDF layout is not swept (WeasyPrint would make the sweep take minutes); the
HTML a PDF is made from is rendered instead.
"""

from __future__ import annotations

import copy
import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from trialdocs.check import Checked, check_source
from trialdocs.load import Source, load_protocol
from trialdocs.model import build_model

SWEPT_BLOCKS = ("consent", "site_manual", "regulatory", "schedule", "safety")


def optional_paths(data, schema, path=()):
    """Every path below the data whose schema rule is not required, plus every field of
    the swept blocks (required or not), one level of list items included."""
    from trialdocs.schema import SCHEMA

    out = []

    def walk(value, rules, path, swept):
        if isinstance(value, dict) and isinstance(rules, dict):
            for key, item in value.items():
                rule = rules.get(key) or {}
                here = path + (key,)
                in_swept = swept or (len(here) == 1 and key in SWEPT_BLOCKS)
                if not rule.get("required") or in_swept:
                    out.append(here)
                sub = rule.get("schema") if rule.get("type") == "dict" else None
                if rule.get("type") == "list" and isinstance(item, list):
                    item_rule = rule.get("schema") or {}
                    for index, element in enumerate(item[:2]):
                        if item_rule.get("type") == "dict":
                            walk(element, item_rule.get("schema") or {}, here + (index,), in_swept)
                elif sub:
                    walk(item, sub, here, in_swept)

    walk(data, SCHEMA, (), False)
    return out


def delete(data, path):
    """data without the value at path: the mappings and lists on the path are copied,
    everything else is shared with data (nothing the sweep runs may change it: sweep()
    fails if the protocol it deletes from has changed)."""
    data = copy.copy(data)
    parent = data
    for part in path[:-1]:
        parent[part] = copy.copy(parent[part])
        parent = parent[part]
    del parent[path[-1]]
    return data


def _digest(target) -> bytes:
    """A payload's fingerprint for ``rendered``: its pickle (three times faster than the
    build's canonical JSON, and stricter: 1, 1.0 and True differ, and so do key orders
    and shared values, which can only cause a render more, never one less)."""
    return hashlib.sha256(pickle.dumps((target.renderer, target.payload), 5)).digest()


def render_all(data, slug, rendered=None):
    """Every non-PDF target rendered in-process; returns (path, error) of failures.

    ``rendered`` holds digests of payloads already rendered without failure:
    a deletion that leaves a target's payload as it was is not rendered again.
    """
    from trialdocs.documents import document_modules

    model = build_model(data, slug)
    failures = []
    documents = [d for d in data["protocol"]["documents"]]
    for _, module in document_modules(documents):
        for target in module.targets(model):
            if target.path.endswith(".pdf"):
                continue
            digest = _digest(target)
            if rendered is not None and digest in rendered:
                continue
            try:
                target.render()
            except Exception as exc:  # noqa: BLE001 - the sweep reports every failure
                failures.append((target.path, f"{type(exc).__name__}: {exc}"))
            else:
                if rendered is not None:
                    rendered.add(digest)
    return failures


@dataclass
class SweepResult:
    deleted: int = 0
    clean: int = 0
    failed: list = field(default_factory=list)


def sweep(folder: Path, sites: int = 1) -> SweepResult:
    source, diagnostics = load_protocol(folder)
    assert not diagnostics, diagnostics
    base = source.data
    base["sites"] = base.get("sites", [])[:sites]
    result = SweepResult()
    rendered = set()
    before = repr(base)
    assert not render_all(base, folder.name, rendered)
    for path in optional_paths(base, None):
        result.deleted += 1
        data = delete(base, path)
        trial = Source(source.folder, data, source.positions, source.key_positions,
                       source.spelling, source.files)
        checked = check_source(Checked(folder, folder.name, trial, []))
        if not checked.ok:
            continue
        result.clean += 1
        for target, error in render_all(data, folder.name, rendered):
            result.failed.append((".".join(map(str, path)), target, error))
    assert repr(base) == before, "checking or rendering changed the protocol data"
    return result
