"""The amendment package's documents as bytes: summary, redlines, list, new-information sheet.

Templates live in templates/amend/ and extend the shared page skeleton, so
they get the same fonts, page numbers and PDF/A output as every document;
PDFs are laid out by trialdocs.pdf from the HTML rendered here.
"""

from __future__ import annotations

import hashlib

from ..model import localized
from ..render import html_context, markdown, render_template, strings
from .diff import REMOVED
from .rationale import explanation
from .redline import redline
from .sections import places

CSS = ["style/document.css", "style/amend.css"]
PRINT_CSS = ["style/print.css"]


def _en(value) -> str:
    if isinstance(value, dict):
        return str(value.get("en") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _page(template: str, lang: str, context: dict, pdf: bool, name: str) -> dict:
    """{name.html: bytes, name.pdf: bytes} of one template."""
    payload = {"template": template, "lang": lang, "css": CSS, "print_css": PRINT_CSS,
               "context": context}
    html = render_template(template, {**html_context(payload), "a": strings(lang)["amend"]})
    files = {f"{name}.html": html.encode("utf-8")}
    if pdf:
        from ..pdf import render_pdf
        files[f"{name}.pdf"] = render_pdf(payload, html=html)
    return files


def _doc(new, title: str, kind: str, date: str) -> dict:
    protocol = new.model["protocol"]
    illustrative = protocol.get("illustrative") or []
    notice = protocol.get("illustrative_notice")
    return {"title": title, "author": new.model["sponsors"]["lead"]["name"],
            "description": title, "date": date, "kind": kind, "draft": False,
            "illustrative_notice": _en(notice) if illustrative and notice else ""}


def _trial(side) -> dict:
    ident = side.model.get("identification") or {}
    return {"title": side.model["protocol"]["title"], "org_study_id": ident.get("org_study_id"),
            "nct_id": ident.get("nct_id"),
            "eu_ct_number": (side.model.get("regulatory") or {}).get("eu_ct_number")}


def _amendment(a: dict) -> dict:
    impact = a.get("substantial_impact") or {}

    def answer(key):
        item = impact.get(key)
        if not item:
            return None
        return {"answer": "Yes" if item.get("answer") else "No", "comment": _en(item.get("comment"))}
    reconsent = a.get("reconsent")
    return {"number": a.get("number") or "", "version": a.get("version"), "date": a.get("date"),
            "summary": _en(a.get("summary")), "primary_reason": _en(a.get("primary_reason")),
            "secondary_reasons": [_en(r) for r in a.get("secondary_reasons") or []],
            "safety_rights": answer("safety_rights"), "data_reliability": answer("data_reliability"),
            "reconsent": None if reconsent is None else
            {"needed": "Yes" if reconsent.get("needed") else "No", "reason": _en(reconsent.get("reason"))}}


def side_info(side) -> dict:
    return {"version": side.version, "date": side.date, "origin": side.origin}


def package_files(old, new, rows, amendments, documents, pdf) -> dict:
    files = {}
    summary = {"doc": _doc(new, f"Summary of changes: protocol {old.version} to {new.version}",
                           "amendment", new.date),
               "trial": _trial(new), "old": side_info(old), "new": side_info(new),
               "amendments": [_amendment(a) for a in amendments], "rows": rows,
               "documents": _document_rows(documents)}
    files.update(_page("amend/summary.html", "en", summary, pdf, "summary-of-changes"))
    listing = {**summary, "doc": _doc(new, f"Documents: protocol {old.version} to {new.version}",
                                      "amendment", new.date)}
    files.update(_page("amend/documents.html", "en", listing, False, "documents"))
    files["documents.txt"] = render_template("amend/documents.txt",
                                             {**listing, "lang": "en"},
                                             autoescape=False).encode("utf-8")
    for doc in documents:
        if doc.status != "modified":
            continue
        lang = doc.target.lang or "en"
        a = strings(lang)["amend"]
        header = {"title": a["redline_title"], "from_label": a["previous_version"],
                  "to_label": a["this_version"], "old": doc.old_version, "new": doc.new_version,
                  "legend": a["legend"], "inserted": a["inserted"], "deleted": a["deleted"]}
        html, _, _ = redline(doc.old.decode("utf-8"), doc.new.decode("utf-8"), header)
        stem = doc.path[:-len(".html")] + ".redline"
        files[f"{stem}.html"] = html.encode("utf-8")
        if pdf:
            from ..pdf import render_pdf
            files[f"{stem}.pdf"] = render_pdf(doc.target.payload, html=html)
    return files


def _document_rows(documents) -> list[dict]:
    order = {"new": 0, "modified": 1, "removed": 2, "unchanged": 3}
    return [{"path": d.path, "document": d.document, "status": d.status,
             "old_version": d.old_version if d.old is not None else "",
             "new_version": d.new_version if d.new is not None else "",
             "old_sha": hashlib.sha256(d.old).hexdigest() if d.old is not None else "",
             "new_sha": hashlib.sha256(d.new).hexdigest() if d.new is not None else "",
             "redline": d.path[:-len(".html")] + ".redline.html" if d.status == "modified" else ""}
            for d in sorted(documents, key=lambda d: (order[d.status], d.path))]


# -- the new-information sheet ------------------------------------------------------------

def consent_changes(changes, amendments) -> list:
    """The changes the consent form shows that are not marked cosmetic."""
    return [c for c in changes if "consent" in places(c.path)
            and not ((explanation(c, amendments) or {}).get("cosmetic"))]


def reconsent_waived(amendments) -> dict | None:
    for amendment in reversed(amendments):
        reconsent = amendment.get("reconsent")
        if reconsent is not None and not reconsent.get("needed"):
            return reconsent
    return None


def new_information(old, new, changes, amendments, names, pdf, langs=None) -> dict:
    """new-information.<lang>.{html,pdf} for participants already enrolled, when due.

    Due when the consent version changed and the consent form shows a change
    that is not cosmetic, unless the amendment says re-consent is not needed.
    """
    old_consent, new_consent = old.model.get("consent") or {}, new.model.get("consent") or {}
    relevant = consent_changes(changes, amendments)
    if not relevant or old_consent.get("version") == new_consent.get("version") \
            or reconsent_waived(amendments) is not None or "consent" not in new.documents:
        return {}
    from ..documents.consent import _format_date
    files = {}
    for lang in new.model["protocol"]["languages"]:
        if langs and lang not in langs:
            continue
        consent_headings = _consent_headings(new, lang)
        sections, told = {}, set()
        for change in relevant:
            entry = explanation(change, amendments) or {}
            text = localized(entry.get("new_information"), lang)
            if text:
                if id(entry) in told:
                    continue  # one text for a group of paths: told once
                told.add(id(entry))
            elif change.kind == REMOVED:
                text = strings(lang)["amend"]["newinfo_removed"]
            else:
                text = new_lines(change.old, change.new, lang)
            if not text:
                continue  # nothing a participant reads changed (a number in a table)
            section = consent_headings.get(places(change.path).get("consent", ""), ("", ""))[1]
            sections.setdefault(section, []).append(markdown(text))
        items = [{"section": name, "texts": texts} for name, texts in sections.items()]
        title = localized(new_consent.get("title"), lang) or new.model["protocol"]["title"]
        context = {"doc": {**_doc(new, strings(lang)["amend"]["newinfo_title"], "consent",
                                  new_consent.get("version_date") or new.date),
                           "illustrative_notice": localized(
                               new.model["protocol"].get("illustrative_notice"), lang)
                           if new.model["protocol"].get("illustrative") else ""},
                   "study_title": title,
                   "old_version": old_consent.get("version", old.version),
                   "old_date": _format_date(old_consent.get("version_date") or old.date, lang),
                   "new_version": new_consent.get("version", new.version),
                   "new_date": _format_date(new_consent.get("version_date") or new.date, lang),
                   "items": items}
        files.update(_page("amend/new-information.html", lang, context, pdf,
                           f"new-information.{lang}"))
    return files


def new_lines(old, new, lang: str) -> str:
    """The lines of a text (or a list's items) that the old version did not have.

    Participants already read the rest: the sheet tells them what is new.
    """
    before = {" ".join(line.split()) for line in lay_text(old, lang).splitlines()}
    fresh = [line for line in lay_text(new, lang).splitlines()
             if line.strip() and " ".join(line.split()) not in before]
    out = []
    for line in fresh:  # paragraphs apart, list items together
        item = line.lstrip().startswith(("- ", "* ")) or line.lstrip()[:3].rstrip(".").isdigit()
        out.append(line if item and out else f"\n{line}" if out else line)
    return "\n".join(out)


def lay_text(value, lang: str) -> str:
    """A field's new content as Markdown in one language (a list as bullets).

    Used when the amendment gives no ``new_information`` text for a change.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if value and all(isinstance(v, str) for v in value.values()):
            return localized(value, lang)
        return "; ".join(t for t in (lay_text(v, lang) for v in value.values()) if t)
    if isinstance(value, list):
        return "\n".join(f"- {lay_text(v, lang)}" for v in value)
    return ""


def _consent_headings(side, lang: str) -> dict:
    """Section id -> (number, name) of the consent form in one language (its first site)."""
    from ..documents.consent import targets
    from .sections import headings

    for target in targets(side.model):
        if target.lang == lang and target.path.endswith(".html"):
            return headings(target.render().decode("utf-8"))
    return {}
