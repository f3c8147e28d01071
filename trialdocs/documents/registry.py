"""Registry output: ClinicalTrials.gov text and files, and the WHO data set.

``check`` adds the registry checker's diagnostics (trialdocs.registry.checker);
``targets`` lists the files written under ``output/<slug>/registry/``:

- ``ctgov.json``: the protocol section as the API v2 gives a study;
- ``prs.xml``: the PRS upload format (ProtocolRecordSchema.xsd);
- ``clinicaltrials-gov.txt|html|pdf``: every field in PRS order with its PRS
  label and character count, to paste field by field;
- ``who-trds.txt|html|pdf``: the 24 items of the WHO Trial Registration Data Set.

Each payload holds exactly what its file shows, computed here once, so the
renderers are pure functions and a change to one field rebuilds only the
files that show it.
"""

from __future__ import annotations

import datetime as dt

from ..targets import Layout, Target
from ..registry import ctgov_json, prs_xml, text, who
from ..registry.checker import apply_known_gaps, registry_diagnostics

# The registry checker reads data through type-checking accessors, so it may run
# even when the schema found errors: one run then shows every problem.
CHECKS_ANY_DATA = True


def check(checked, today: dt.date | None = None) -> None:
    if checked.source is None:
        return
    checked.diagnostics += registry_diagnostics(checked.source, today)
    checked.diagnostics[:] = apply_known_gaps(checked.source, checked.diagnostics)


def targets(model: dict) -> list[Target]:
    study = ctgov_json.study(model)
    form = text.ctgov_form(model)
    items = who.trds_items(model)
    out = [
        Target("registry/ctgov.json", "registry", "trialdocs.registry.ctgov_json:render", study),
        Target("registry/prs.xml", "registry", "trialdocs.registry.prs_xml:render",
               {"clinical_study": prs_xml.clinical_study(model)}),
        Target("registry/clinicaltrials-gov.txt", "registry", "trialdocs.registry.text:render_form",
               form),
        Target("registry/who-trds.txt", "registry", "trialdocs.registry.text:render_who", items),
    ]
    out += _documents(model, form, items)
    return out


# Registry forms show the text exactly as it goes to the registry: no typography pass.
LAYOUTS = {
    "clinicaltrials-gov": Layout("registry/clinicaltrials-gov.html",
                                 css=("style/document.css", "style/registry.css"),
                                 print_css=("style/print.css", "style/registry.css"),
                                 typography=False),
    "who-trds": Layout("registry/who-trds.html", css=("style/document.css", "style/registry.css"),
                       print_css=("style/print.css", "style/registry.css"), typography=False),
}


def _documents(model: dict, form: dict, items: dict) -> list[Target]:
    """The HTML and PDF forms, through the shared render stage (trialdocs.render, trialdocs.pdf)."""
    out = []
    for name, context in (("clinicaltrials-gov", {"form": form}), ("who-trds", {"trds": items})):
        out += LAYOUTS[name].targets(f"registry/{name}", "registry", "en",
                                     {**context, "doc": _doc(model, name, context)})
    return out


def _doc(model: dict, name: str, context: dict) -> dict:
    protocol = model.get("protocol") or {}
    ident = model.get("identification") or {}
    record = ident.get("nct_id") or ident.get("org_study_id", "")
    title = ("ClinicalTrials.gov registration" if name == "clinicaltrials-gov"
             else "WHO Trial Registration Data Set") + f": {record}"
    illustrative = protocol.get("illustrative_notice")
    notice = illustrative.get("en") if isinstance(illustrative, dict) else illustrative
    return {
        "title": title,
        "author": (model.get("sponsors") or {}).get("lead", {}).get("name", ""),
        "description": ident.get("brief_title", ""),
        "date": protocol.get("version_date", ""),
        "kind": f"registry {name}",
        "draft": protocol.get("status") == "draft",
        "illustrative_notice": notice if protocol.get("illustrative") else "",
    }
