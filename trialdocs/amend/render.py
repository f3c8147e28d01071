"""The amendment package's documents as bytes: summary, redlines, list, new-information sheet.

Templates live in templates/amend/ and extend the shared page skeleton, so
they get the same fonts, page numbers and PDF/A output as every document;
PDFs are laid out by trialdocs.pdf from the HTML rendered here.
"""

from __future__ import annotations

from ..render import html_context, render_template, strings
from .redline import redline

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
             "files": d.files,
             "redline": d.path[:-len(".html")] + ".redline.html" if d.status == "modified" else ""}
            for d in sorted(documents, key=lambda d: (order[d.status], d.path))]


# -- the new-information sheet ------------------------------------------------------------

def new_information(old, new, changes, amendments, pdf, langs=None) -> dict:
    """new-information.<lang>.{html,pdf} for participants already enrolled, when due
    (newinfo.py: the same contexts and layout as the sheet ``trialdocs build`` writes)."""
    from ..render import render_html
    from .newinfo import LAYOUT, contexts, due

    relevant = due(old.data, new.model, changes, amendments)
    files = {}
    for lang, context in contexts(old.data, new.model, relevant, amendments, langs).items():
        payload = LAYOUT.payload(lang, context)
        html = render_html(payload)
        files[f"new-information.{lang}.html"] = html
        if pdf:
            from ..pdf import render_pdf
            files[f"new-information.{lang}.pdf"] = render_pdf(payload, html=html.decode("utf-8"))
    return files
