"""Characters a protocol may not hold: control characters and bidirectional controls.

Everything from the YAML ends up in HTML, PDF, registry XML and on a
terminal. A NUL makes the HTML unparseable and ``prs.xml`` silently turns
controls into U+FFFD; ESC and BEL sequences printed by ``check`` clear the
screen or retitle the window; an unterminated right-to-left override
(U+202E) reverses the *next* field in the PDF. None has a place in trial
documents, so each is an error at its position. Tab and newline are text;
they are allowed in values, never in keys. Direction is the language's
(the ``dir`` of each document), never an invisible character's.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import ERROR, Diagnostic
from .load import Source, dotted

# C0 but tab and newline, DEL, C1; then the embedding, override and isolate controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _name(ch: str) -> str:
    return f"U+{ord(ch):04X}" + (f" {unicodedata.name(ch)}" if unicodedata.name(ch, "") else "")


# Any character _problem looks for: most texts have none, and are passed with one search.
_ANY = re.compile("[\t\n\r\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_KEY_BREAK = re.compile("[\t\n\r]")


def _problem(text: str, key: bool) -> str:
    if not _ANY.search(text):
        return ""
    found = (_KEY_BREAK.search(text) if key else None) or _CONTROL.search(text)
    if found:
        return (f"contains the control character {_name(found.group())} at character "
                f"{found.start() + 1}")
    found = _BIDI.search(text)
    if found:
        return (f"contains the bidirectional control {_name(found.group())} at character "
                f"{found.start() + 1}")
    return ""


HINT = ("remove the invisible character (often pasted from another program); each document "
        "already sets its language's text direction")


def check_characters(source: Source) -> list[Diagnostic]:
    """One error per key or text holding a forbidden character, at its place in the YAML."""
    out = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                problem = _problem(str(key), key=True)
                if problem:
                    file, line, col = source.where_key(path + (key,))
                    out.append(Diagnostic(file, line, col, ERROR, dotted(path + (key,)),
                                          "the key " + problem, HINT, code="characters"))
                walk(item, path + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, path + (index,))
        elif isinstance(value, str):
            problem = _problem(value, key=False)
            if problem:
                file, line, col = source.where(path)
                out.append(Diagnostic(file, line, col, ERROR, dotted(path), "the text " + problem,
                                      HINT, code="characters"))

    walk(source.data, ())
    return out
