"""Targets: one output file each, described as plain data.

A target names its output path, the function that renders it (an import path
such as ``trialdocs.render:render_html``) and the payload that function gets:
JSON-like data holding exactly what that document reads. Three things follow:

- the cache key of a target is a hash of its renderer, payload, templates and
  tool versions, so a change to one site's details changes only the targets
  whose payload holds that site;
- targets can be sent to worker processes (spawn) as they are;
- a renderer is a pure function of its payload, which keeps output deterministic.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from dataclasses import dataclass, field


@dataclass
class Target:
    path: str                 # relative to output/<slug>/, e.g. "consent/tenon.fr.pdf"
    document: str             # consent | site_manual | registry
    renderer: str             # "module:function"; function(payload) -> bytes
    payload: dict
    templates: list = field(default_factory=list)   # template files read (for the cache key)
    site: str | None = None
    lang: str | None = None

    def render(self) -> bytes:
        module, _, name = self.renderer.partition(":")
        return getattr(importlib.import_module(module), name)(self.payload)


def canonical_json(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def payload_digest(target: Target) -> str:
    digest = hashlib.sha256()
    digest.update(target.renderer.encode())
    digest.update(canonical_json(target.payload))
    return digest.hexdigest()
