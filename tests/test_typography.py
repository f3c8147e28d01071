"""Typography per language (trialdocs/typography.py): on strings, on HTML (text nodes
only), and over every French HTML page the worked example builds."""

from __future__ import annotations

import html
import re

import pytest

from conftest import EXAMPLE
from trialdocs import typography
from trialdocs.check import check_protocol
from trialdocs.documents import document_modules
from trialdocs.model import build_model

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize("typed, printed", [
    ("jusqu'à une femme sur 1 000 : voir", f"jusqu’à une femme sur 1{NBSP}000{NBSP}: voir"),
    ('doit être « oui » ou "non" ?', f"doit être «{NNBSP}oui{NNBSP}» ou «{NNBSP}non{NNBSP}»{NNBSP}?"),
    ("doit être «oui»", f"doit être «{NNBSP}oui{NNBSP}»"),
    ("Prenez 5 mL ; 2 mg !", f"Prenez 5{NBSP}mL{NNBSP}; 2{NBSP}mg{NNBSP}!"),
    ("1 000 000 femmes, 18 participantes", f"1{NBSP}000{NBSP}000{NBSP}femmes, 18{NBSP}participantes"),
    ("le 15 octobre 2020", f"le 15{NBSP}octobre 2020"),
    ("+33 1 00 00 00 10", "+33 1 00 00 00 10"),                     # a phone number is not a number
    ("écrire à a.b@example.org : https://example.org/x?a=1 ;",
     f"écrire à a.b@example.org{NBSP}: https://example.org/x?a=1{NNBSP};"),
])
def test_french_rules_on_strings(typed, printed):
    assert typography.text(typed, "fr") == printed


def test_english_rules_on_strings():
    assert typography.text('Don\'t take "more" than 5 mL : ok', "en") == \
        f"Don’t take \u201cmore\u201d than 5{NBSP}mL : ok"
    assert typography.text("anything", "xx") == "anything"   # a language without rules


def test_only_text_nodes_change():
    page = ('<html lang="fr"><head><style>p::before { content: " :" }</style></head><body>'
            '<p title="a : b">L\'étude : <a href="mailto:x@example.org?subject=a ;">x@example.org</a> '
            '<span lang="en">don\'t : stop</span> <code>a : b</code> &#34;oui&#34; ?</p></body></html>')
    assert typography.html(page, "fr") == (
        '<html lang="fr"><head><style>p::before { content: " :" }</style></head><body>'
        f'<p title="a : b">L’étude{NBSP}: <a href="mailto:x@example.org?subject=a ;">x@example.org</a> '
        f'<span lang="en">don’t : stop</span> <code>a : b</code> «{NNBSP}oui{NNBSP}»{NNBSP}?</p></body></html>')


# -- acceptance: every French page of the worked example ------------------------------

BAD_SPACE = re.compile(r"[ \t\r\n][:;!?»]|«[ \t\r\n]")
UNIT_SPLIT = re.compile(r"\d[ \t\r\n]+(?:%s)(?!\w)" % "|".join(
    re.escape(u) for u in ("mL", "mg", "µg", "kg", "g", "UI", "IU", "%", "°C", "h", "min",
                           "semaines", "jours", "mois", "ans")))
NUMBER_SPLIT = re.compile(r"(?<![\d.,+])\d{1,3}[ \t\r\n]\d{3}(?!\d)")


def _text_nodes(page: str):
    """The text a reader sees: tags, style and script removed, entities decoded."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    for node in re.split(r"<[^>]*>", page):
        yield html.unescape(node)


@pytest.fixture(scope="module")
def french_pages():
    checked = check_protocol(EXAMPLE)
    model = build_model(checked.source.data, checked.slug)
    pages = {}
    for _, module in document_modules(checked.documents):
        for target in module.targets(model):
            if target.path.endswith(".html") and target.lang == "fr":
                pages[target.path] = target.render().decode("utf-8")
    return pages


def test_french_pages_have_no_breakable_space_before_punctuation_or_in_numbers(french_pages):
    assert {p.split("/")[0].split(".")[0] for p in french_pages} >= {"consent", "site-manual"}
    found = []
    for path, page in french_pages.items():
        for node in _text_nodes(page):
            for pattern in (BAD_SPACE, UNIT_SPLIT, NUMBER_SPLIT):
                found += [(path, node[max(0, m.start() - 25):m.end() + 5]) for m in pattern.finditer(node)]
    assert found == []
    assert sum(page.count(NNBSP) for page in french_pages.values()) > 100


def _all_rules(value: str, lang: str) -> str:
    """The rules of ``lang`` run on ``value`` with no shortcut (what text() must equal)."""
    parts = typography.PROTECTED.split(value)
    for i in range(0, len(parts), 2):
        for pattern, replacement in typography.RULES[lang]:
            parts[i] = pattern.sub(replacement, parts[i])
    return "".join(parts)


def test_text_without_trigger_characters_is_what_the_rules_would_leave():
    """text() skips a string none of whose characters its language's rules look for
    (TRIGGERS, for speed): every language with rules has triggers, and on every text
    of the worked example's data and the templates' strings, plus strings made to
    tempt each rule, the shortcut gives what running every rule gives."""
    from trialdocs.i18n import strings
    from trialdocs.load import load_protocol, texts

    assert set(typography.TRIGGERS) == set(typography.RULES)
    source, _ = load_protocol(EXAMPLE)
    corpus = [value for _, value in texts(source.data)]
    for lang in typography.RULES:
        corpus += [value for _, value in texts(strings(lang))]
    corpus += ["1 000 mL", "oui : non", "« oui »", '"yes"', "l'IL-2", "quoi ?", "a ; b", "5 ans",
               "no rule here", "tab\tand  spaces", "«»", "www.example.org/a?b=1", "x@example.org"]
    for lang in typography.RULES:
        for value in corpus:
            assert typography.text(value, lang) == _all_rules(value, lang), (lang, value)


def _reference_html(page: str, lang: str) -> str:
    """html() as first written: one token at a time, the stack scanned for a skipped
    element at every text node, nothing remembered (what html() must equal)."""
    from markupsafe import escape

    out, stack = [], []
    for part in typography.TOKEN.split(page):
        if not part:
            continue
        if part.startswith("<"):
            out.append(part)
            tag = typography.TAG.match(part)
            if not tag or part.startswith("<!--"):
                continue
            name = tag[2].lower()
            if tag[1]:
                for depth in range(len(stack) - 1, -1, -1):
                    if stack[depth][0] == name:
                        del stack[depth:]
                        break
            elif name not in typography.VOID and not part.endswith("/>"):
                found = typography.LANG.search(part)
                stack.append((name, found[1] if found else (stack[-1][1] if stack else lang)))
            continue
        if part.isspace() or any(name in typography.SKIPPED for name, _ in stack):
            out.append(part)
            continue
        typed = html.unescape(part)
        changed = _all_rules(typed, (stack[-1][1] if stack else lang).split("-")[0].lower()) \
            if (stack[-1][1] if stack else lang).split("-")[0].lower() in typography.RULES else typed
        out.append(str(escape(changed)) if changed != typed else part)
    return "".join(out)


def test_html_gives_what_a_token_by_token_pass_gives(french_pages):
    """html() remembers tags and text nodes and keeps the state of the innermost element
    at hand (for speed): on the worked example's French pages and on random tag soup
    (unclosed and stray closing tags, lang attributes, code and style, void and
    self-closing tags, comments, entities, a trailing '<'), it gives what the plain
    pass gives."""
    import random

    pieces = ['<p>', '</p>', '<div lang="en">', '</div>', '<span lang="fr-CA">', '</span>',
              '<code>', '</code>', '<style>', '</style>', '<br>', '<img alt="a : b"/>',
              '<x-y lang=en>', '</x-y>', '<!-- a : b -->', '<!DOCTYPE html>', '<P>', '</P>',
              "l'étude : 1 000 mL", '"oui" ?', ' ', '\n', '&#39;a&#39; ; b', '&amp; : x',
              'www.example.org/a?b', '5 h', 'plain text', '«x»', '<li>', '</ul>']
    rng = random.Random(20261126)
    pages = list(french_pages.values())
    pages += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(400)]
    pages += [page + "< a : b" for page in pages[-20:]]
    for page in pages:
        for lang in ("fr", "en", "de"):
            assert typography.html(page, lang) == _reference_html(page, lang), (lang, page)
