"""Fixed strings of the documents (headings, labels) per language: templates/i18n/<lang>.yaml.

Kept apart from render.py so that checking, which reads these strings (a
consent element's heading, a missing translation), imports neither Jinja nor
markdown-it: ``check`` never pays for a renderer it does not call.
"""

from __future__ import annotations

import functools
from pathlib import Path

from .load import load_protocol_file_plain

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@functools.lru_cache(maxsize=None)
def strings(lang: str) -> dict:
    """The template strings of one language, from templates/i18n/<lang>.yaml."""
    return load_protocol_file_plain(TEMPLATES / "i18n" / f"{lang}.yaml")
