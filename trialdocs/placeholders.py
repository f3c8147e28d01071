"""Placeholders: what ``trialdocs init`` could not know, marked so that no one misses it.

A starter protocol must build, so every required field holds something; what
init invents is marked in one of two ways, both reported by ``check`` as one
warning each at the file, line and column where it is written:

- in a text, ``[PLACEHOLDER: what to write]`` (``[À COMPLÉTER : …]`` in French
  texts): printed as is, so a draft document shows plainly what is missing;
- on a value that cannot hold words (a date, a number, an e-mail address, a
  code), an end-of-line comment ``# PLACEHOLDER: what to give``: the value is
  valid but invented; replace it and delete the comment.

The markers are a table (one word per language): a new language adds a row.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import WARNING, Diagnostic
from .load import dotted

WORDS = {"en": "PLACEHOLDER", "fr": "À COMPLÉTER"}
# French puts a space before the colon.
COLON = {"en": ":", "fr": " :"}
COMMENT_WORD = WORDS["en"]

_IN_TEXT = re.compile(r"\[(%s)\s?:\s*([^\]]*)\]" % "|".join(map(re.escape, WORDS.values())))
# an end-of-line comment after a value (a whole-line comment is prose, not a mark)
_IN_COMMENT = re.compile(r"^\s*[^#\s].*?\s(#\s*%s\s?:\s*(.*))$" % re.escape(COMMENT_WORD))


def text(lang: str, what: str) -> str:
    """A placeholder inside a text, in the text's language."""
    return f"[{WORDS[lang]}{COLON[lang]} {what}]"


def comment(what: str) -> str:
    """The end-of-line comment that marks an invented value that cannot hold words."""
    return f"# {COMMENT_WORD}: {what}"


def strip(value: str) -> str:
    """A text without its placeholders (what is left to score for readability)."""
    return _IN_TEXT.sub(" ", value)


def find(source) -> list[Diagnostic]:
    """One warning per placeholder of a loaded protocol, where it is written."""
    out = []
    file_texts = {}
    for path, value in source.texts():
        for match in _IN_TEXT.finditer(value):
            file, line, col = source.where(path)
            line, col = _locate(file_texts, source.folder, file, line, col, match.group(0))
            out.append(Diagnostic(file, line, col, WARNING, dotted(path),
                                  f"placeholder to replace: {match.group(2).strip()}",
                                  "write the real text in place of the bracketed note",
                                  code="placeholder"))
    lines = None
    for file in source.files:
        for number, content in enumerate(_lines(file_texts, source.folder, file), 1):
            if COMMENT_WORD not in content:   # what _IN_COMMENT needs, found fast
                continue
            match = _IN_COMMENT.search(content)
            if match and not _IN_TEXT.search(content):
                if lines is None:             # made only when a comment is found
                    lines = _innermost_keys(source)
                path = lines.get((file, number), ())
                out.append(Diagnostic(file, number, match.start(1) + 1, WARNING, dotted(path),
                                      f"invented value to replace: {match.group(2).strip()}",
                                      "give the real value and delete the comment",
                                      code="placeholder"))
    return out


def _innermost_keys(source) -> dict:
    """(file, line) -> the path of the innermost key written on that line."""
    lines = {}
    for path, (file, line, _col) in source.key_positions.items():
        if len(path) >= len(lines.get((file, line), ())):
            lines[(file, line)] = path
    return lines


def _lines(cache: dict, folder: Path, file: str) -> list[str]:
    """The lines of one protocol file (named as the loader displays it)."""
    if file not in cache:
        try:
            cache[file] = (Path(folder) / Path(file).name).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            cache[file] = []
    return cache[file]


def _locate(cache, folder, file, line, col, marker) -> tuple[int, int]:
    """Where a marker is written: on the value's line or in the lines of its block."""
    lines = _lines(cache, folder, file)
    for number in range(line, min(len(lines), line + 200) + 1):
        start = lines[number - 1].find(marker, col - 1 if number == line else 0)
        if start >= 0:
            return number, start + 1
    return line, col
