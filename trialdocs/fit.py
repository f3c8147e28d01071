"""Text that cannot fit the page: warnings before a PDF cuts or crowds it.

The stylesheets break a word or URL that is longer than its line
(``overflow-wrap``), so nothing is lost; but a 300-character word broken
across four lines is rarely what the author meant, and in a narrow table
column even a 60-character one is. Likewise the running header (study title
left, site name right, 8 pt, above the top margin) holds a few lines: a
longer title or site name crowds it. Both are warnings at the text's place
in the YAML, so the author sees them from ``check``.
"""

from __future__ import annotations

import re

from .errors import WARNING, Diagnostic
from .load import Source, dotted, texts

MAX_WORD = 60      # characters without a space: more than a table column holds
MAX_HEADER = 150   # characters of a running-header field (about four lines of 8 pt)
_LONG_WORD = re.compile(r"\S{%d,}" % (MAX_WORD + 1))
# The running header's title: the first of these a protocol gives (as the documents
# choose it), and the consent form's own title when it has one.
HEADER_TITLES = [("identification", "brief_title"), ("protocol", "title")]


def _get(data, path):
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def check_fit(source: Source) -> list[Diagnostic]:
    out = []
    for path, text in source.texts():
        word = _LONG_WORD.search(text) if len(text) > MAX_WORD else None
        if word:
            file, line, col = source.where(path)
            out.append(Diagnostic(
                file, line, col, WARNING, dotted(path),
                f"a word of {len(word.group())} characters ('{word.group()[:20]}...') is longer "
                f"than a line can hold ({MAX_WORD}); the documents break it wherever the line ends",
                "add spaces, or shorten it (a long URL: link a short text to it)", code="fit"))
    header = [(("sites", i, "name"), site.get("name"))
              for i, site in enumerate(source.data.get("sites") or []) if isinstance(site, dict)]
    titles = [(path, _get(source.data, path)) for path in HEADER_TITLES]
    header += [next((t for t in titles if t[1]), titles[-1])]
    header.append((("consent", "title"), _get(source.data, ("consent", "title"))))
    for path, value in header:
        for where, text in texts(value, path):
            if len(text) > MAX_HEADER:
                file, line, col = source.where(where)
                out.append(Diagnostic(
                    file, line, col, WARNING, dotted(where),
                    f"{len(text)} characters: longer than the running header of each page holds "
                    f"({MAX_HEADER})", "shorten it; the page header shows it in 8 pt", code="fit"))
    return out
