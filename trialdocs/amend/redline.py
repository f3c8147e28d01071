"""Tracked changes: the new version of a document with the old one's text struck through.

Both versions are rendered by the document's own templates; the redline is
their difference, word by word, inside the new version's markup. Tags and
words are tokens; difflib aligns the two token lists; equal runs are copied,
inserted words are wrapped in ``<ins>``, deleted words in ``<del>`` at the
place they stood, and the old version's tags are dropped, so the page keeps
the new version's structure (lists, tables, headings) and every cell or
paragraph shows its own changes. Only the body is compared: the head (title,
styles) is the new version's.

htmldiff2 (PyPI) does the same but needs Genshi, an old templating library,
for little more than this module; this keeps the build dependency-free and
byte-deterministic (difflib is deterministic for the same inputs).
"""

from __future__ import annotations

import difflib
import html as htmllib
import re

_TOKEN = re.compile(r"<!--.*?-->|<[^>]*>|[^<\s]+\s*|\s+", re.S)
_BODY = re.compile(r"(<body\b[^>]*>)(.*)(</body>)", re.S)
# text inside these is not prose: never wrap it
_RAW = ("style", "script", "title")

LEGEND_CSS = """
ins.td-ins { background: #d7f0dd; color: #0b4f1d; text-decoration: underline; }
del.td-del { background: #fbe0e0; color: #7a1010; text-decoration: line-through; }
.td-redline-header { border: 1pt solid #555; padding: 4pt 8pt; margin: 0 0 10pt 0; font-size: 9pt; }
.td-redline-header p { margin: 2pt 0; }
"""


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _is_tag(token: str) -> bool:
    return token.startswith("<")


def _wrap(tokens, tag) -> str:
    """Words wrapped in one <ins>/<del> per run between tags; tags kept only for <ins>."""
    out, run = [], []

    def flush():
        text = "".join(run)
        if text.strip():
            core = text.rstrip()
            out.append(f'<{tag} class="td-{tag}">{core}</{tag}>{text[len(core):]}')
        elif text:
            out.append(text)
        run.clear()

    for token in tokens:
        if _is_tag(token):
            flush()
            if tag == "ins":
                out.append(token)
        else:
            run.append(token)
    flush()
    return "".join(out)


def _raw_spans(tokens) -> list[bool]:
    """For each token, whether it sits inside a <style>, <script> or <title>."""
    flags, inside = [], None
    for token in tokens:
        low = token.lower()
        if inside is None and _is_tag(token):
            name = re.match(r"<\s*([a-z0-9]+)", low)
            if name and name.group(1) in _RAW and not low.startswith("</"):
                inside = name.group(1)
        elif inside and low.startswith(f"</{inside}"):
            inside = None
        flags.append(inside is not None)
    return flags


def mark(old_body: str, new_body: str) -> tuple[str, int, int]:
    """new_body with the differences from old_body marked: (html, words inserted, words deleted)."""
    a, b = _tokens(old_body), _tokens(new_body)
    raw_b = _raw_spans(b)
    out, inserted, deleted = [], 0, 0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append("".join(b[j1:j2]))
            continue
        if op in ("delete", "replace"):
            words = [t for t in a[i1:i2] if not _is_tag(t)]
            deleted += sum(1 for t in words if t.strip())
            out.append(_wrap(words, "del"))
        if op in ("insert", "replace"):
            if any(raw_b[j1:j2]):
                out.append("".join(b[j1:j2]))
                continue
            inserted += sum(1 for t in b[j1:j2] if not _is_tag(t) and t.strip())
            out.append(_wrap(b[j1:j2], "ins"))
    return "".join(out), inserted, deleted


_RUNNING = re.compile(r'(<(\w+)\b[^>]*class="[^"]*\brunning-[^"]*"[^>]*>)(.*?)(</\2>)', re.S)
_DEL = re.compile(r'<del class="td-del">.*?</del>', re.S)
_INS = re.compile(r'</?ins\b[^>]*>')


def _clean_running(body: str) -> str:
    """Running headers and footers (``string-set`` from .running-*) show the new text only:
    CSS copies an element's text, so marks there would print both versions run together."""
    return _RUNNING.sub(lambda m: m.group(1) + _INS.sub("", _DEL.sub("", m.group(3))) + m.group(4),
                        body)


def redline(old_html: str, new_html: str, header: dict) -> tuple[str, int, int]:
    """The new document's HTML with tracked changes, a header naming both versions and a legend.

    ``header``: title, old/new (version, date) and the legend's words, already
    in the document's language.
    """
    old_match, new_match = _BODY.search(old_html), _BODY.search(new_html)
    if not (old_match and new_match):
        raise ValueError("a document without a <body>")
    body, inserted, deleted = mark(old_match.group(2), new_match.group(2))
    body = _clean_running(body)
    e = htmllib.escape
    box = (f'<aside class="td-redline-header" role="note">'
           f'<p><strong>{e(header["title"])}</strong></p>'
           f'<p>{e(header["from_label"])}: {e(header["old"])} &#8594; '
           f'{e(header["to_label"])}: {e(header["new"])}</p>'
           f'<p>{e(header["legend"])}: <ins class="td-ins">{e(header["inserted"])}</ins> '
           f'<del class="td-del">{e(header["deleted"])}</del></p></aside>\n')
    start, end = new_match.span(2)
    page = new_html[:start] + box + body + new_html[end:]
    page = page.replace("</head>", f"<style>{LEGEND_CSS}</style>\n</head>", 1)
    return page, inserted, deleted
