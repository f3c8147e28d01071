"""Where a field appears: document and section, as a table each document adds to.

The summary of changes (ICH M11 "Amendment Details") needs, for every changed
field, the section number and name of each document that shows it. A
document says which of its sections reads which fields: a row is
``(field pattern, document, section id)``; patterns use the notation of
``protocol.illustrative`` (``*`` one segment, a path covers what lies below
it). The section's number and name are read from the document as rendered
(the element with that id and its heading), so the table never repeats a
heading and follows the document's own numbering.

The rows for the consent form and the site manual are below. A document
module may declare its own rows as ``SECTIONS`` (the protocol document does);
``rows()`` gathers them. A field no row names is shown as "(all documents
built from it)" only where its document changed.
"""

from __future__ import annotations

from html.parser import HTMLParser

from .diff import matches

C, M = "consent", "site_manual"

_CONSENT_SAME = ("key_information", "why", "purpose", "method", "procedures", "duration",
                 "obligations", "benefits", "risks", "alternatives", "after_trial", "costs",
                 "injury", "confidentiality", "data_protection", "optional")

ROWS = [
    *((f"consent.{key}", C, key) for key in _CONSENT_SAME),
    ("consent.invasive_procedures", C, "procedures"),
    ("consent.pregnancy_risks", C, "risks"),
    ("consent.exclusion_period", C, "obligations"),
    ("consent.national_file_registration", C, "obligations"),
    ("consent.termination", C, "after_trial"),
    ("consent.compensation", C, "costs"),
    ("consent.withdrawal", C, "rights"),
    ("consent.results", C, "rights"),
    ("consent.rights_office", C, "contacts"),
    ("consent.emergency_phone", C, "contacts"),
    ("consent.title", C, ""),
    ("consent.reflection_time", C, ""),
    ("consent.interviewer_role", C, ""),
    ("consent.allow_witness", C, "consent_form"),
    ("consent.includes_incapacitated", C, "consent_form"),
    ("consent.copies", C, "consent_form"),
    ("consent", C, ""),
    ("regulatory.approvals", C, "approvals"),
    ("regulatory.insurance", C, "injury"),
    ("design.enrollment.count", C, "method"),
    ("design.allocation", C, "method"),
    ("arms.*.lay", C, "method"),
    ("schedule.visits", C, "procedures"),
    ("schedule.procedures", C, "procedures"),
    ("sites", C, "contacts"),
    ("identification.org_study_id", C, ""),
    ("regulatory.eu_ct_number", C, ""),
    ("site_manual.purpose", M, "purpose"),
    ("site_manual.consent_procedure", M, "consent"),
    ("site_manual.enrolment", M, "enrolment"),
    ("site_manual.concomitant", M, "concomitant"),
    ("site_manual.discontinuation", M, "discontinuation"),
    ("site_manual.data_management", M, "data_management"),
    ("site_manual.monitoring", M, "monitoring"),
    ("site_manual.closeout", M, "closeout"),
    ("schedule", M, "schedule"),
    ("safety.reporting", M, "reporting"),
    ("safety.pregnancy", M, "pregnancy"),
    ("safety.vigilance_contact", M, "vigilance"),
    ("safety", M, "safety"),
    ("eligibility", M, "eligibility"),
    ("objectives", M, "objectives"),
    ("outcomes", M, "objectives"),
    ("design", M, "design"),
    ("arms", M, "treatment"),
    ("interventions", M, "product"),
    ("sites", M, "sites"),
    ("people", M, "contacts"),
    ("officials", M, "leadership"),
    ("protocol.amendments", M, "history"),
]


def rows() -> list[tuple]:
    """This table and the rows document modules declare (``SECTIONS``)."""
    from ..documents import NAMES, _module

    found = list(ROWS)
    for name in NAMES:
        module = _module(name)
        found += [tuple(r) for r in getattr(module, "SECTIONS", [])]
    return found


def places(path: str, table=None) -> dict[str, str]:
    """document -> section id showing a field: the most specific row per document."""
    best: dict[str, tuple[int, str]] = {}
    for pattern, document, section in table if table is not None else rows():
        if matches(path, pattern) or matches(pattern, path):
            weight = len(pattern.split("."))
            if weight > best.get(document, (-1, ""))[0]:
                best[document] = (weight, section)
    return {d: s for d, (_, s) in sorted(best.items())}


class _Headings(HTMLParser):
    """Section id -> (number, name) of a rendered document: an element with an id,
    the heading it is or the first heading inside it; a ``.num`` span is the number."""

    HEADINGS = ("h1", "h2", "h3", "h4")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: dict[str, list[str]] = {}
        self.waiting: list[str] = []      # ids whose heading is still to come
        self.current: str | None = None   # id whose heading is being read
        self.in_num = False
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HEADINGS and self.current is None:
            ids = ([attrs["id"]] if attrs.get("id") else []) + self.waiting
            ids = [i for i in ids if i not in self.found]
            self.waiting = []
            if ids:
                self.current = ids
                for i in ids:
                    self.found[i] = ["", ""]
                self.depth = 0
        elif attrs.get("id") and tag in ("section", "div", "article"):
            self.waiting.append(attrs["id"])
        if self.current is not None:
            self.depth += 1
            if tag == "span" and "num" in (attrs.get("class") or "").split():
                self.in_num = True

    def handle_endtag(self, tag):
        if self.current is None:
            return
        if tag == "span":
            self.in_num = False
        if tag in self.HEADINGS:
            for i in self.current:
                self.found[i] = [" ".join(x.split()) for x in self.found[i]]
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            for i in self.current:
                self.found[i][0 if self.in_num else 1] += data


def headings(html: str) -> dict[str, tuple[str, str]]:
    parser = _Headings()
    parser.feed(html)
    return {k: (v[0], v[1]) for k, v in parser.found.items()}
