"""The protocol document, structured as ICH M11 (final, November 2025).

The headings, their numbers and their order come from ``trialdocs.m11``; this
module decides what each section shows, in one of three ways:

- structured content built from the protocol's data (title page, synopsis,
  estimands, schedule of activities, trial schema, eligibility, products,
  safety reporting, amendments): ``STRUCTURED`` names the builder;
- free text: ``protocol_document.sections.<key>`` (Markdown, one text or one
  per language), else a field the protocol already holds for another
  document (``FALLBACK``: the registry's detailed description is the purpose
  of the trial, the site manual's consent procedure is 11.3, ...);
- "Not applicable", only when ``protocol_document.not_applicable`` names the
  section.

Nothing is invented: a section with none of these stays empty, and ``check``
warns with its number and name (M11 forbids dropping a level-1 or level-2
heading). Level-3 headings are printed when they have content. Missing
required M11 content (title page, synopsis, objectives and endpoints,
eligibility, schedule) is an error when ``protocol`` is requested.
"""

from __future__ import annotations

from .. import m11
from ..errors import ERROR, WARNING, Diagnostic
from ..flowchart import flow_svg
from ..load import dotted
from ..model import format_address, localized, lookup
from ..registry.identifiers import eu_number_label
from ..designs import has_placebo
from ..targets import Layout, Target
from .site_manual import _age, _participation, _schedule, format_date, strings

CODE = "protocol"

# Fields other documents already hold that say what an M11 section says.
FALLBACK = {
    "purpose": ("description", "detailed_description"),
    "population_description": ("eligibility", "study_population"),
    "concomitant": ("site_manual", "concomitant"),
    "intervention_discontinuation": ("site_manual", "discontinuation"),
    "informed_consent": ("site_manual", "consent_procedure"),
    "data_governance": ("site_manual", "data_management"),
    "quality_management": ("site_manual", "monitoring"),
    "preparation": None, "storage": None, "accountability": None,  # per product, below
}
FALLBACK = {k: v for k, v in FALLBACK.items() if v}

# Where this document shows a field that is not its own free text: (field
# pattern, M11 heading key). With the free texts and FALLBACK it makes
# ``SECTIONS``, the rows the summary of changes reads (amend/sections.py) to
# name "1.3 Schedule of Activities" for a changed visit.
SHOWN_IN = [
    ("schedule", "schedule_of_activities"),
    ("objectives", "objectives_estimands"), ("outcomes", "objectives_estimands"),
    ("design", "design_description"), ("arms", "design_description"),
    ("design.allocation", "assignment"), ("design.masking", "assignment"),
    ("eligibility", "population_description"),
    ("eligibility.inclusion", "inclusion"), ("eligibility.exclusion", "exclusion"),
    ("eligibility.criteria_markdown", "inclusion"),
    ("interventions", "intervention_description"),
    ("interventions.*.dose", "administration"), ("interventions.*.route", "administration"),
    ("interventions.*.course", "administration"),
    ("interventions.*.preparation", "preparation"), ("interventions.*.storage", "storage"),
    ("interventions.*.accountability", "accountability"),
    ("safety", "safety"), ("safety.ae_definition", "ae_definition"),
    ("safety.sae_criteria", "sae_definition"), ("safety.reporting", "reporting"),
    ("safety.collection_period", "reporting_timing"), ("safety.pregnancy", "pregnancy"),
    ("regulatory.approvals", "regulatory_ethical"), ("regulatory.insurance", "insurance"),
    ("oversight", "committees"), ("references", "references"),
    ("ipd_sharing", "data_dissemination"), ("protocol.amendments", "prior_amendments"),
]
SECTIONS = sorted({
    *((f"protocol_document.sections.{h.key}", CODE, h.anchor) for h in m11.HEADINGS),
    *((".".join(path), CODE, m11.BY_KEY[key].anchor) for key, path in FALLBACK.items()),
    *((pattern, CODE, m11.BY_KEY[key].anchor) for pattern, key in SHOWN_IN),
})

ARM_CONTROL = {"PLACEBO_COMPARATOR": "placebo", "ACTIVE_COMPARATOR": "active",
               "SHAM_COMPARATOR": "sham", "NO_INTERVENTION": "no_intervention"}


def languages(data: dict) -> list[str]:
    """The protocol document's languages: its own list, else the protocol's."""
    block = data.get("protocol_document") or {}
    return list(block.get("languages") or (data.get("protocol") or {}).get("languages") or [])


# -- what each section holds ---------------------------------------------------------

def _text(data: dict, key: str, lang: str | None = None):
    """The free text of a section (any language when lang is None)."""
    value = lookup(data, "protocol_document", "sections", key)
    if value is None and key in FALLBACK:
        value = lookup(data, *FALLBACK[key])
    if lang is None or value is None:
        return value
    return localized(value, lang)


def _structured(data: dict) -> dict:
    """Per section key, the protocol data that gives it structured content (if truthy)."""
    schedule = data.get("schedule") or {}
    interventions = data.get("interventions") or []
    safety = data.get("safety") or {}
    objectives = data.get("objectives") or []
    levels = {o.get("level") for o in objectives if isinstance(o, dict)}
    handled = lambda field: any(isinstance(i, dict) and i.get(field) for i in interventions)  # noqa: E731
    return {
        "synopsis": True, "synopsis_objectives": objectives, "overall_design": data.get("design"),
        "trial_schema": schedule.get("visits"), "schedule_of_activities": schedule.get("visits"),
        "primary_objectives": "primary" in levels, "secondary_objectives": "secondary" in levels,
        "exploratory_objectives": "exploratory" in levels,
        "design_description": data.get("arms") or lookup(data, "design",
                                                         "intervention_model_description"),
        "inclusion": lookup(data, "eligibility", "inclusion")
        or lookup(data, "eligibility", "criteria_markdown"),
        "exclusion": lookup(data, "eligibility", "exclusion")
        or lookup(data, "eligibility", "criteria_markdown"),
        "population_description": lookup(data, "eligibility", "sex"),
        "intervention_description": interventions,
        "administration": handled("dose") or handled("route") or handled("course"),
        "handling": handled("preparation") or handled("storage") or handled("accountability"),
        "preparation": handled("preparation"), "storage": handled("storage"),
        "accountability": handled("accountability"),
        "assignment": lookup(data, "design", "allocation") or lookup(data, "design", "masking"),
        "participant_assignment": lookup(data, "design", "allocation"),
        "safety_definitions": safety.get("ae_definition"),
        "ae_definition": safety.get("ae_definition"), "sae_definition": safety.get("sae_criteria"),
        "safety_reporting": safety.get("reporting"), "reporting": safety.get("reporting"),
        "reporting_timing": safety.get("collection_period"),
        "pregnancy": safety.get("pregnancy"),
        "regulatory_ethical": lookup(data, "regulatory", "approvals"),
        "insurance": lookup(data, "regulatory", "insurance"),
        "committees": lookup(data, "oversight", "has_dmc") is not None,
        "prior_amendments": lookup(data, "protocol", "amendments"),
        "references": data.get("references"),
        "data_dissemination": lookup(data, "ipd_sharing", "sharing"),
    }


def with_content(data: dict) -> set:
    """The keys of the sections with content: text or data of their own, or a
    subsection with content. Worked out once per document, bottom-up (a
    heading's subsections follow it in m11.HEADINGS)."""
    structured = _structured(data)
    found = set()
    for heading in reversed(m11.HEADINGS):
        if _text(data, heading.key) or structured.get(heading.key) \
                or any(child.key in found for child in m11.children(heading.number)):
            found.add(heading.key)
    return found


def not_applicable(data: dict) -> set:
    return {k for k in lookup(data, "protocol_document", "not_applicable", default=[])
            if isinstance(k, str)}


# -- check ---------------------------------------------------------------------------

REQUIRED = [
    # (path, what M11 needs it for, hint)
    (("design", "phases"), "the title page's trial phase", "list the phases, e.g. [PHASE2]"),
    (("sponsors", "address"), "the title page's sponsor legal address",
     "give sponsors.address with street, postcode, city and country"),
    (("design", "enrollment"), "the synopsis' number of participants",
     "give design.enrollment.count"),
    (("schedule", "visits"), "section 1.3 Schedule of Activities", "list the visits"),
    (("schedule", "procedures"), "section 1.3 Schedule of Activities", "list the procedures"),
]


def check(checked) -> None:
    source, data = checked.source, checked.source.data
    out = checked.diagnostics

    def problem(path, message, hint="", severity=ERROR, key=True):
        where = source.where_key(path) if key else source.where(path)
        out.append(Diagnostic(*where, severity, dotted(path), message, hint, code=CODE))

    def nearest(path):
        """The deepest part of a path the YAML has, to point at."""
        while len(path) > 1 and lookup(data, *path) is None:
            path = path[:-1]
        return path

    if not isinstance(data.get("protocol_document"), dict):
        return  # rules.py reports the missing block
    for path, what, hint in REQUIRED:
        if not lookup(data, *path):
            problem(nearest(path), f"the protocol document needs {dotted(path)} for {what}",
                    hint)
    if not lookup(data, "eligibility", "criteria_markdown"):
        for kind, number, title in (("inclusion", "5.2", "Inclusion"), ("exclusion", "5.3", "Exclusion")):
            if not lookup(data, "eligibility", kind):
                problem(nearest(("eligibility", kind)), f"the protocol document needs "
                        f"eligibility.{kind} for section {number} {title} Criteria",
                        "list the criteria (or give them all in eligibility.criteria_markdown)")
    if lookup(data, "design", "study_type") == "INTERVENTIONAL" \
            and not lookup(data, "design", "intervention_model"):
        problem(nearest(("design", "intervention_model")), "the protocol document needs "
                "design.intervention_model for the synopsis' overall design")
    objectives = [o for o in data.get("objectives") or [] if isinstance(o, dict)]
    if not any(o.get("level") == "primary" for o in objectives):
        problem(nearest(("objectives",)), "the protocol document needs a primary objective "
                "(section 3.1)", "add an objective with level: primary")
    if not lookup(data, "outcomes", "primary"):
        problem(nearest(("outcomes", "primary")), "the protocol document needs a primary "
                "endpoint (sections 1.1.1 and 3.1)", "add outcomes.primary, linked to the "
                "primary objective with 'objective'")

    declared = not_applicable(data)
    sections = ("protocol_document", "sections")
    filled = with_content(data)
    for heading in m11.leaf_sections():
        content = heading.key in filled
        if not content and heading.key not in declared:
            problem(nearest(sections + (heading.key,)),
                    f"protocol section {heading.number} {heading.title} has no content",
                    f"write it under protocol_document.sections.{heading.key}, or add "
                    f"'{heading.key}' to protocol_document.not_applicable", WARNING)
        elif content and heading.key in declared:
            i = lookup(data, "protocol_document", "not_applicable").index(heading.key)
            problem(("protocol_document", "not_applicable", i),
                    f"protocol section {heading.number} {heading.title} is declared not "
                    "applicable but has content", "remove one of them", WARNING, key=False)
    for key, field in zip(m11.FRONT_TEXT, ("signatory", "medical_expert")):
        if not lookup(data, "protocol_document", field) and key not in declared:
            title = dict(m11.FRONT)[key]
            problem(("protocol_document",), f"the protocol document's {title} section has no "
                    "content", f"write it under protocol_document.{field}, or add '{key}' to "
                    "protocol_document.not_applicable", WARNING)
    estimand_objectives = {e.get("objective") for e in data.get("estimands") or []
                           if isinstance(e, dict)}
    for i, objective in enumerate(objectives):
        if objective.get("level") == "primary" and objective.get("id") not in estimand_objectives:
            problem(("objectives", i), f"primary objective '{objective.get('id')}' has no "
                    "estimand", "M11 section 3.1 describes each primary objective's estimand: "
                    "add one under 'estimands' with objective: " + str(objective.get("id")),
                    WARNING)


# -- the context -----------------------------------------------------------------------

def _facts(rows):
    return [{"label": label, "value": value} for label, value in rows if value]


def _heading_title(h: m11.Heading, p: dict) -> str:
    return (p.get("headings") or {}).get(h.key) or h.title


def context(model: dict, lang: str) -> dict:
    """Everything one language's protocol document reads, localized."""
    s = strings(lang)
    p, m = s["protocol"], s["manual"]
    c = m["codes"]
    protocol = model["protocol"]
    block = model.get("protocol_document") or {}
    ident = model.get("identification") or {}
    design = model.get("design") or {}
    eligibility = model.get("eligibility") or {}
    regulatory = model.get("regulatory") or {}
    sponsors = model.get("sponsors") or {}
    safety = model.get("safety") or {}
    overall = block.get("overall_design") or {}
    loc = lambda value: localized(value, lang)  # noqa: E731

    phases = " / ".join(c["PHASE"].get(x, x) for x in design.get("phases") or [])
    short_title = loc(block.get("short_title")) or ident.get("brief_title") or ""
    amendments = protocol.get("amendments") or []
    current = amendments[-1] if len(amendments) > 1 else None
    identifiers = _facts([
        (p["nct"], ident.get("nct_id")), (p["eu_ct" if eu_number_label(regulatory.get("eu_ct_number")) == "eu_ct_number"
                                     else "eudract"], regulatory.get("eu_ct_number")),
        (p["id_rcb"], regulatory.get("id_rcb")),
        *((x.get("type") and p["secondary_id"].format(type=x.get("domain") or x["type"])
           or p["other_id"], x["id"]) for x in ident.get("secondary_ids") or []),
    ])
    title_page = _facts([
        (p["confidentiality"], loc(block.get("confidentiality"))),
        (p["full_title"], ident.get("official_title") or protocol["title"]),
        (p["short_title"], short_title),
        (p["acronym"], ident.get("acronym")),
        (p["sponsor_protocol_id"], ident.get("org_study_id")),
        (p["original_protocol"], s["no"] if len(amendments) > 1 else s["yes"]),
        (p["version"], protocol["version"]),
        (p["version_date"], format_date(protocol["version_date"], lang)),
        (p["amendment_id"], current["version"] if current else ""),
        (p["product_codes"], ", ".join(block.get("product_codes") or [])),
        (p["product_names"], ", ".join(
            i["name"] + (f" ({', '.join(i['other_names'])})" if i.get("other_names") else "")
            for i in model.get("interventions") or [] if i.get("investigational"))),
        (p["phase"], phases),
        (p["sponsor"], ", ".join(x for x in (sponsors["lead"]["name"],
                                           format_address(sponsors.get("address"))) if x)),
        (p["co_sponsors"], ", ".join(x["name"] for x in sponsors.get("collaborators") or [])),
        (p["sponsor_approval"], loc(block.get("sponsor_approval"))),
    ])

    # synopsis: 1.1.2 overall design
    ages = {"low": _age(eligibility.get("minimum_age"), m),
            "high": _age(eligibility.get("maximum_age"), m)}
    age = (m["age_range"].format(**ages) if ages["low"] and ages["high"] else
           m["age_min"].format(**ages) if ages["low"] else
           m["age_max"].format(**ages) if ages["high"] else "")
    arms = model.get("arms") or []
    controls = sorted({ARM_CONTROL[a["type"]] for a in arms if a.get("type") in ARM_CONTROL})
    if not controls and has_placebo(model):  # a placebo arm registered EXPERIMENTAL
        controls = ["placebo"]
    control = loc(overall.get("control_type")) or (
        ", ".join(p["controls"][x] for x in controls) if controls
        else p["controls"]["none"] if arms else "")
    enrollment = design.get("enrollment") or {}
    sites = model.get("sites") or []
    yes_no = lambda value: "" if value is None else (s["yes"] if value else s["no"])  # noqa: E731
    masking = c["MASKING"].get(design.get("masking"), "")
    who = ", ".join(p["masked_roles"].get(x, x) for x in design.get("who_masked") or [])
    overall_design = _facts([
        (p["intervention_model"], c["INTERVENTION_MODEL"].get(design.get("intervention_model"), "")),
        (p["population_type"], loc(overall.get("population_type")) or (
            p["healthy"] if eligibility.get("healthy_volunteers") else p["patients"])),
        (p["diagnosis"], ", ".join((model.get("conditions") or {}).get("conditions") or [])),
        (m["sex"], c["SEX"].get(eligibility.get("sex"), "")),
        (m["age"], age),
        (p["control_type"], control),
        (p["control_description"], loc(overall.get("control_description"))),
        (p["assignment"], p["allocation"].get(design.get("allocation"), "")),
        (p["site_distribution"], loc(overall.get("site_distribution")) or (
            p["sites_count"].format(n=len(sites)) if sites else "")),
        (p["geographic_scope"], loc(overall.get("geographic_scope"))),
        (p["master_protocol"], yes_no(overall.get("master_protocol"))),
        (p["combination_product"], yes_no(overall.get("combination_product"))),
        (p["adaptive"], yes_no(overall.get("adaptive_design"))),
        (p["stratification"], yes_no(overall.get("stratification"))),
        (p["arms"], str(len(arms)) if arms else ""),
        (p["blinding"], masking),
        (p["blinded_roles"], who),
        (p["participants"], p["participants_value"].format(
            n=enrollment["count"], type=m["date_types"].get(enrollment.get("type"), ""))
         if enrollment.get("count") is not None else ""),
        (p["intervention_duration"], loc(overall.get("intervention_duration"))),
        (p["participation_duration"], loc(overall.get("participation_duration"))
         or _participation(model, m)),
        (p["committees"], loc(overall.get("committees")) or (
            "" if lookup(model, "oversight", "has_dmc") is None else
            p["dmc"] if model["oversight"]["has_dmc"] else p["no_dmc"])),
    ])

    # objectives, endpoints and estimands
    outcomes = {o.get("id"): o for kind in ("primary", "secondary", "other")
                for o in (model.get("outcomes") or {}).get(kind) or [] if o.get("id")}
    interventions = {i["id"]: i for i in model.get("interventions") or []}
    objectives = {"primary": [], "secondary": [], "exploratory": []}
    for objective in model.get("objectives") or []:
        estimands = []
        for e in model.get("estimands") or []:
            if e.get("objective") != objective["id"]:
                continue
            endpoint = outcomes.get(e.get("variable_of_interest")) or {}
            treatment = loc(e.get("treatment")) or ", ".join(
                interventions[i]["name"] for i in e.get("interventions") or [] if i in interventions)
            estimands.append({
                "id": e["id"], "label": loc(e.get("label")) or e.get("name") or e["id"],
                "description": loc(e.get("description")),
                "rows": _facts([(p["est_population"], loc(e.get("analysis_population"))),
                                (p["est_treatment"], treatment),
                                (p["est_endpoint"], endpoint.get("measure", "")),
                                (p["est_summary"], loc(e.get("population_summary")))]),
                "events": [{"name": loc(x.get("name")), "description": loc(x.get("description")),
                            "strategy": loc(x.get("strategy"))}
                           for x in e.get("intercurrent_events") or []]})
        objectives[objective["level"]].append({
            "id": objective["id"], "text": loc(objective.get("text")),
            "endpoints": [{"measure": o["measure"], "time_frame": o.get("time_frame") or "",
                           "description": o.get("description") or "",
                           "kind": m["kinds"][o["kind"]]} for o in objective["outcomes"]],
            "estimands": estimands})

    schedule = _schedule(model, lang, m)
    products = []
    for i in model.get("interventions") or []:
        products.append({"id": i["id"], "name": i["name"],
                         "type": c["INTERVENTION_TYPE"].get(i.get("type"), ""),
                         "description": i.get("description") or "",
                         "other_names": ", ".join(i.get("other_names") or []),
                         "arms": ", ".join(i.get("arm_labels") or []),
                         "investigational": s["yes"] if i.get("investigational") else s["no"],
                         **{f: loc(i.get(f)) for f in ("product", "preparation", "dose", "route",
                                                        "course", "storage", "accountability")}})
    approvals = regulatory.get("approvals") or {}
    structured = {
        "synopsis": {"facts": _facts([
            (p["full_title"], ident.get("official_title") or protocol["title"]),
            (p["short_title"], short_title), (p["acronym"], ident.get("acronym")),
            (p["sponsor_protocol_id"], ident.get("org_study_id")),
            (p["nct"], ident.get("nct_id")), (p["phase"], phases),
            (p["sponsor"], sponsors["lead"]["name"])]),
            "summary": (model.get("description") or {}).get("brief_summary") or ""},
        "synopsis_objectives": [o for level in ("primary", "secondary", "exploratory")
                                for o in objectives[level]],
        "overall_design": overall_design,
        "trial_schema": {
            "svg": flow_svg(schedule["lanes"], m["flow_title"], m["repeated"],
                            " → ".join(f"{v['name']} ({v['day']})" for v in schedule["visits"])),
            "caption": m["flow_caption"].format(reference=schedule["reference_point"] or "—"),
        } if schedule["visits"] else None,
        "schedule_of_activities": schedule if schedule["visits"] else None,
        "design_description": {
            "text": design.get("intervention_model_description") or "",
            "arms": [{"label": a["label"], "type": c["ARM_TYPE"].get(a.get("type"), ""),
                      "description": a.get("description") or "",
                      "interventions": ", ".join(x["name"] for x in a.get("intervention_list") or [])}
                     for a in arms]},
        "population_description": _facts([(m["sex"], c["SEX"].get(eligibility.get("sex"), "")),
                                          (m["age"], age),
                                          (m["healthy_volunteers"],
                                           yes_no(eligibility.get("healthy_volunteers")))]),
        # Criteria as a list, else the registry's one Markdown text (inclusion and
        # exclusion together) in 5.2, with 5.3 pointing to it.
        "inclusion": {"items": eligibility.get("inclusion") or [],
                      "markdown": "" if eligibility.get("inclusion")
                      else eligibility.get("criteria_markdown") or "", "see": ""},
        "exclusion": {"items": eligibility.get("exclusion") or [], "markdown": "",
                      "see": "" if eligibility.get("exclusion") or not
                      eligibility.get("criteria_markdown") else p["see_inclusion"]},
        "intervention_description": products,
        "administration": [x for x in products if x["dose"] or x["route"] or x["course"]],
        "preparation": [x for x in products if x["preparation"]],
        "storage": [x for x in products if x["storage"]],
        "accountability": [x for x in products if x["accountability"]],
        "participant_assignment": _facts([
            (p["assignment"], p["allocation"].get(design.get("allocation"), "")),
            (p["blinding"], masking), (p["blinded_roles"], who),
            (p["masking_description"], design.get("masking_description"))]),
        "ae_definition": loc(safety.get("ae_definition")),
        "sae_definition": [loc(x) for x in safety.get("sae_criteria") or []],
        "reporting_timing": _facts([(m["collection_period"], loc(safety.get("collection_period"))),
                                    (m["grading"], loc(safety.get("grading")))]),
        "reporting": [{"event": loc(r.get("event")), "to": loc(r.get("to")),
                       "deadline": loc(r.get("deadline")), "form": loc(r.get("form"))}
                      for r in safety.get("reporting") or []],
        "pregnancy": _facts([(m["pregnancy_reporting"], loc((safety.get("pregnancy") or {}).get("reporting"))),
                             (m["follow_up_until"], loc((safety.get("pregnancy") or {}).get("follow_up_until")))]),
        "regulatory_ethical": _facts([
            (p["ethics"], ", ".join(x for x in (
                (approvals.get("ethics") or {}).get("committee"),
                format_date((approvals.get("ethics") or {}).get("date"), lang),
                (approvals.get("ethics") or {}).get("reference")) if x)),
            (p["authority"], ", ".join(x for x in (
                (approvals.get("competent_authority") or {}).get("name"),
                format_date((approvals.get("competent_authority") or {}).get("date"), lang),
                (approvals.get("competent_authority") or {}).get("reference")) if x))]),
        "insurance": _facts([(p["insurer"], (regulatory.get("insurance") or {}).get("insurer")),
                             (p["policy"], (regulatory.get("insurance") or {}).get("policy_number"))]),
        "committees": _facts([(p["committees"], "" if lookup(model, "oversight", "has_dmc") is None
                               else p["dmc"] if model["oversight"]["has_dmc"] else p["no_dmc"])]),
        "prior_amendments": [{"version": a["version"], "date": format_date(a["date"], lang),
                              "summary": loc(a.get("summary"))}
                             for a in reversed(amendments[:-1] if current else amendments)],
        "references": [{"citation": r["citation"], "pmid": r.get("pmid") or ""}
                       for r in model.get("references") or []],
        "data_dissemination": _facts([(p["ipd_sharing"], p["ipd"].get(
            lookup(model, "ipd_sharing", "sharing"), "")),
            (p["ipd_description"], lookup(model, "ipd_sharing", "description"))]),
    }
    for level, key in (("primary", "primary_objectives"), ("secondary", "secondary_objectives"),
                       ("exploratory", "exploratory_objectives")):
        structured[key] = objectives[level]
    structured["safety_definitions"] = None  # its content is 9.1.1 and 9.1.2
    structured["safety_reporting"] = None

    declared = not_applicable(model)
    sections = []
    filled = with_content(model)
    for h in m11.HEADINGS:
        text = _text(model, h.key, lang) or ""
        data = structured.get(h.key)
        content = h.key in filled
        if h.level == 3 and not content:
            continue
        sections.append({"number": h.number, "key": h.key, "anchor": h.anchor, "level": h.level,
                         "title": _heading_title(h, p), "text": text, "data": data or None,
                         "na": h.key in declared and not content,
                         "landscape": h.key == "schedule_of_activities"})
        if h.key in ("primary_objectives", "secondary_objectives", "exploratory_objectives"):
            level = h.key.split("_")[0]
            for n, objective in enumerate(objectives[level], 1):
                sections.append({"number": f"{h.number}.{n}", "key": f"objective-{objective['id']}",
                                 "anchor": f"s{h.number.replace('.', '-')}-{n}-objective-"
                                           f"{objective['id']}",
                                 "level": 3, "title": p["objective_n"][level].format(n=n),
                                 "text": "", "data": objective, "na": False, "landscape": False})
            sections[-1 - len(objectives[level])]["data"] = None

    front = [{"key": key, "anchor": key.replace("_", "-"),
              "title": (p.get("headings") or {}).get(key) or title} for key, title in m11.FRONT]
    illustrative = protocol.get("illustrative") or []
    version_date = format_date(protocol["version_date"], lang)
    return {
        "doc": {
            "title": f"{short_title}: {p['doc_title']}",
            "author": sponsors["lead"]["name"],
            "description": p["description"],
            "date": protocol["version_date"],
            "kind": "protocol-document",
            "draft": protocol.get("status") == "draft",
            "illustrative_notice": loc(protocol.get("illustrative_notice")) if illustrative else "",
        },
        "running": {"title": short_title,
                    "version": p["running_version"].format(version=protocol["version"],
                                                           date=version_date)},
        "front": front,
        "fm": {f["key"]: f for f in front},
        "title_page": {"title": ident.get("official_title") or protocol["title"],
                       "facts": title_page, "identifiers": identifiers},
        "signatory": loc(block.get("signatory")),
        "medical_expert": loc(block.get("medical_expert")),
        "front_na": [k for k in m11.FRONT_TEXT if k in declared],
        "amendment": {
            "statement": p["amend_none"] if len(amendments) <= 1 else
            p["amend_first"] if len(amendments) == 2 else p["amend_previous"],
            "current": {"version": current["version"], "date": format_date(current["date"], lang),
                        "summary": loc(current.get("summary"))} if current else None,
        },
        "sections": sections,
    }


LAYOUT = Layout("protocol/protocol.html",
                css=("style/document.css", "style/site-manual.css", "style/protocol.css"),
                print_css=("style/print.css", "style/protocol-print.css"),
                partials=("base.html", "protocol/blocks.html"))


def payload(model: dict, lang: str) -> dict:
    return LAYOUT.payload(lang, context(model, lang))


def targets(model: dict) -> list[Target]:
    out = []
    for lang in languages(model):
        out += LAYOUT.targets(f"protocol.{lang}", "protocol", lang, context(model, lang))
    return out
