"""Typography per language: the spaces, apostrophes and quotes a printed page needs.

Protocol authors type on keyboards: straight apostrophes, straight quotes,
ordinary spaces before French ``:`` and ``?``, and ordinary spaces in "1 000"
and "5 mL". A browser or WeasyPrint may break a line at any ordinary space, so
a French page shows "doit être « / oui »" and "1 / 000" across lines. This
module is the one place that fixes that, for every text of a page whatever its
origin (YAML, template strings, template literals): ``html(page, lang)`` runs
over a rendered HTML page, before it is written or laid out as PDF, so HTML and
PDF get the same text.

Only text nodes change. Tags, attributes (``href``, ``lang`` …), comments and
the content of ``code``, ``pre``, ``kbd``, ``samp``, ``script`` and ``style``
are copied as they are, and inside a text node web addresses and e-mail
addresses are left alone. An element's ``lang`` attribute decides the rules of
its text (an English quotation in a French page gets English rules).

A language's rules are data: adding one is an entry in ``RULES`` and one in
``TRIGGERS`` (the characters its rules look for; tests/test_typography.py checks
that text without them is left as the rules would leave it).
"""

from __future__ import annotations

import functools
import html as _html
import re

from markupsafe import escape

NBSP = "\u00a0"      # no-break space: before ":" in French, in numbers and units
NNBSP = "\u202f"     # narrow no-break space: before ";" "!" "?", inside « »
SPACES = "[ \t\r\n\u00a0\u202f]"

# A number and what follows it stay on one line ("5 mL", "12 semaines", "9 h").
UNITS = ("mL", "ml", "dL", "cL", "L", "l", "mg", "µg", "μg", "mcg", "ng", "g", "kg", "UI", "IU",
         "MUI", "MIU", "U", "mmol", "µmol", "mol", "mmHg", "mm", "cm", "m", "km", "h", "min", "s",
         "%", "°C", "°", "€", "$", "£", "an", "ans", "jour", "jours", "semaine", "semaines", "mois",
         "heure", "heures", "minute", "minutes", "fois", "year", "years", "month", "months", "week",
         "weeks", "day", "days", "hour", "hours", "times", "patients", "participants",
         "participantes", "femmes", "women", "janvier", "février", "mars", "avril", "mai", "juin",
         "juillet", "août", "septembre", "octobre", "novembre", "décembre", "January", "February",
         "March", "April", "May", "June", "July", "August", "September", "October", "November",
         "December")
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
NUMBER_UNIT = (re.compile(rf"(\d)[ \t]+(?=(?:{_UNIT})(?!\w))"), rf"\1{NBSP}")
THOUSANDS = (re.compile(r"(?<![\d.,])(\d{1,3})[ \t](?=\d{3}(?!\d))"), rf"\1{NBSP}")
APOSTROPHE = (re.compile(r"(?<=\w)'(?=\w)"), "\u2019")

RULES = {
    "fr": [
        APOSTROPHE,
        (re.compile(r'"([^"\n]+)"'), f"«{NNBSP}\\1{NNBSP}»"),
        (re.compile(rf"«{SPACES}*"), f"«{NNBSP}"),
        (re.compile(rf"{SPACES}*»"), f"{NNBSP}»"),
        (re.compile(rf"{SPACES}+([;!?])"), f"{NNBSP}\\1"),
        (re.compile(rf"{SPACES}+:"), f"{NBSP}:"),
        THOUSANDS, THOUSANDS,          # twice: "1 000 000"
        NUMBER_UNIT,
    ],
    "en": [
        APOSTROPHE,
        (re.compile(r'(^|[\s(\[])"([^"\n]+)"'), "\\1\u201c\\2\u201d"),
        NUMBER_UNIT,
    ],
}

# Left as typed inside a text node: web and e-mail addresses.
PROTECTED = re.compile(r"(https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)")
SKIPPED = {"code", "pre", "kbd", "samp", "script", "style", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
LANG = re.compile(r"""\slang\s*=\s*["']?([A-Za-z-]+)""")


# A text none of whose characters a language's rules look for is left as it is,
# without running them (most text nodes of a page: the pass runs on every page).
TRIGGERS = {
    "fr": re.compile(r"[\d'\"«»;!?:]"),
    "en": re.compile(r"[\d'\"]"),
}


def text(value: str, lang: str) -> str:
    """One plain text (no markup) with the typography of ``lang`` (its primary subtag)."""
    primary = lang.split("-")[0].lower()
    rules = RULES.get(primary)
    if not rules or not value or not TRIGGERS[primary].search(value):
        return value
    parts = PROTECTED.split(value)
    for i in range(0, len(parts), 2):        # odd parts are addresses
        for pattern, replacement in rules:
            parts[i] = pattern.sub(replacement, parts[i])
    return "".join(parts)


def html(page: str, lang: str) -> str:
    """A rendered HTML page with the typography of each text node's language.

    Pages repeat the same tags and texts (every consent form of a trial, every
    build in ``watch``): what a tag means and what a text node becomes are
    worked out once per process (``_tag``, ``_typeset``, both pure).
    """
    parts = TOKEN.split(page)                # text, tag, text, tag, …, text
    stack = []                               # open elements: (name, lang, inside a skipped one)
    here, skipped = lang, False              # what the innermost open element says
    for i in range(0, len(parts), 2):
        if i:
            tag = _tag(parts[i - 1])
            if tag is not None:              # not a comment nor a doctype
                closing, name, tag_lang, opens, skips = tag
                if closing:                  # back to its element's parent
                    for depth in range(len(stack) - 1, -1, -1):
                        if stack[depth][0] == name:
                            del stack[depth:]
                            here, skipped = (stack[-1][1], stack[-1][2]) if stack else (lang, False)
                            break
                elif opens:
                    here, skipped = tag_lang or here, skipped or skips
                    stack.append((name, here, skipped))
        part = parts[i]
        # a text starting with "<" has no ">" after it: the page's unclosed end, kept as is
        if part and not skipped and part[0] != "<":
            parts[i] = _typeset(part, here)
    return "".join(parts)


@functools.lru_cache(maxsize=4096)
def _tag(part: str):
    """(closing, name, lang attribute or None, opens an element, is skipped) of a tag,
    or None for anything else."""
    tag = TAG.match(part)
    if not tag or part.startswith("<!--"):
        return None
    closing, name = bool(tag[1]), tag[2].lower()
    found = None if closing else LANG.search(part)
    opens = not closing and name not in VOID and not part.endswith("/>")
    return closing, name, found[1] if found else None, opens, name in SKIPPED


@functools.lru_cache(maxsize=65536)
def _typeset(part: str, lang: str) -> str:
    """One text node as written in the page (entities escaped), with lang's typography."""
    if part.isspace():
        return part
    typed = _html.unescape(part)
    changed = text(typed, lang)
    return str(escape(changed)) if changed != typed else part
