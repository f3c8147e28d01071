"""The site manual: the investigators' working handbook, one per declared language.

A manual of procedures (site-manual.md §2.4) in the order a coordinator
looks things up: who to call, what the study is, how it flows, who is
eligible (with the checklist form), what happens at each visit (the schedule
grid, on landscape pages), how to handle the product (with the accountability
log form), what to report and by when, and the sites.

``check`` adds the rules the manual needs on top of ``rules.py``: every visit
has a day and a window, visits are in time order, the schedule has no empty
visit or period, the safety block can be reported to, and the product can be
handled. ``outline`` decides the numbered sections once; the template draws
the headings and the contents list from it, so the contents, the bookmarks
and the headings cannot disagree. ``targets`` gives one HTML and one PDF per
language, with exactly the data the manual reads, localized.
"""

from __future__ import annotations

import math
import re

from .. import codes, planned
from ..errors import ERROR, WARNING, Diagnostic
from .. import designs, locales, regimes
from ..flowchart import flow_svg
from ..load import dotted
from ..model import format_address, language_of, localized, lookup
from ..registry.identifiers import eu_number_label
from ..i18n import strings
from ..targets import Layout, Target
from ..translations import language, leaks, variant

CODE = "site_manual"
GROUPS = ["enrolment", "intervention", "efficacy", "safety", "biomarker", "other"]
HANDLING = ["product", "preparation", "dose", "route", "course", "storage", "accountability"]
MAX_COLUMNS = 11       # visits per schedule table on a landscape page; more are split
MINUS = "\u2212"

# Blank log columns (keys under manual): one log per investigational product in
# an open trial; one blinded log by kit number when the trial is masked (the
# product names would unblind). "Course" only when the schedule has cycles.
LOG_COLUMNS = ["date", "log_participant", "log_course", "log_batch", "log_expiry",
               "log_dispensed", "log_returned_used", "log_returned_unused", "log_balance",
               "log_by", "log_comments"]
DESIGN_SECTION_HINTS = {
    "site_manual.randomization": "how sites randomize a participant (IRT, kit numbers)",
    "site_manual.unblinding": "how to unblind one participant in an emergency",
}
BLINDED_LOG_COLUMNS = ["date", "log_participant", "log_kit", "log_visit", "log_dispensed",
                       "log_returned_used", "log_returned_unused", "log_by", "log_comments"]


def languages(data: dict) -> list[str]:
    """The manual's languages: its own list, else the protocol's."""
    manual = data.get("site_manual") or {}
    return list(manual.get("languages") or (data.get("protocol") or {}).get("languages") or [])


# -- check ---------------------------------------------------------------------------

def visit_days(visit: dict) -> tuple[int, int] | None:
    """The earliest and latest study day a visit may fall on, or None."""
    if isinstance(visit.get("day"), int):
        window = visit.get("window") or [0, 0]
        return visit["day"] + window[0], visit["day"] + window[1]
    if visit.get("day_range"):
        low, high = visit["day_range"]
        return low, high
    return None


def check(checked) -> None:
    source, data = checked.source, checked.source.data
    out = checked.diagnostics

    def problem(path, message, hint="", severity=ERROR, key=False):
        where = source.where_key(path) if key else source.where(path)
        out.append(Diagnostic(*where, severity, dotted(path), message, hint, code=CODE))

    for design, path in designs.required_fields(data, ["site_manual"]):
        if not lookup(data, *path.split(".")):
            problem(tuple(path.split(".")[:-1]), f"a {design} trial's site manual needs {path}",
                    f"add {path}: {DESIGN_SECTION_HINTS.get(path, 'what sites must do')}",
                    key=True)
    schedule = data.get("schedule") or {}
    epochs = [e.get("id") for e in schedule.get("epochs") or []]
    visits = schedule.get("visits") or []
    procedures = schedule.get("procedures") or []
    previous = None  # (index, visit id, days, epoch position)
    for i, visit in enumerate(visits):
        path = ("schedule", "visits", i)
        has_day, has_range = visit.get("day") is not None, bool(visit.get("day_range"))
        if not has_day and not has_range:
            problem(path, f"visit '{visit.get('id')}' has no day",
                    "give 'day' (with 'window') or 'day_range', counted from the reference point",
                    key=True)
        elif has_day and has_range:
            problem(path + ("day_range",), f"visit '{visit.get('id')}' has both 'day' and "
                    "'day_range'", "give one: a day with its window, or a range of days")
        if has_range:
            low, high = visit["day_range"]
            if low > high:
                problem(path + ("day_range",), f"day_range [{low}, {high}] ends before it starts")
            if visit.get("window"):
                problem(path + ("window",), "a window only goes with 'day'; a day_range is "
                        "already the visit's window")
        if has_day and visit.get("window"):
            before, after = visit["window"]
            if before > 0 or after < 0:
                problem(path + ("window",), f"window [{before}, {after}] must hold the day "
                        "itself", "write it as [days before, days after], e.g. [-3, 7]")
        elif has_day and not has_range:
            problem(path, f"visit '{visit.get('id')}' has no window", "ICH M11 asks for an "
                    "allowable window for every visit; write window: [0, 0] if there is none",
                    WARNING, key=True)
        days = visit_days(visit)
        epoch = epochs.index(visit["epoch"]) if visit.get("epoch") in epochs else None
        if previous and days and previous[2]:
            if days[1] < previous[2][0]:
                problem(path, f"visit '{visit.get('id')}' (days {days[0]} to {days[1]}) is listed "
                        f"after '{previous[1]}' (days {previous[2][0]} to {previous[2][1]}) but "
                        "comes before it", "list visits in time order: the schedule's columns "
                        "and the flow diagram follow the list", key=True)
        if previous and epoch is not None and previous[3] is not None and epoch < previous[3]:
            problem(path + ("epoch",), f"visit '{visit.get('id')}' goes back to period "
                    f"'{visit['epoch']}' after period '{epochs[previous[3]]}'",
                    "list visits in the order of schedule.epochs")
        previous = (i, visit.get("id"), days or (previous[2] if previous else None),
                    epoch if epoch is not None else (previous[3] if previous else None))

    used_epochs = {v.get("epoch") for v in visits}
    for i, epoch in enumerate(schedule.get("epochs") or []):
        if epoch.get("id") not in used_epochs:
            problem(("schedule", "epochs", i), f"period '{epoch.get('id')}' has no visit",
                    "the flow diagram would show an empty period", WARNING, key=True)
    marked = {ref for p in procedures for ref in p.get("visits") or []}
    for i, visit in enumerate(visits):
        if visit.get("id") not in marked:
            problem(("schedule", "visits", i), f"no procedure is done at visit '{visit.get('id')}'",
                    "mark it in the 'visits' list of at least one procedure", WARNING, key=True)
    for i, procedure in enumerate(procedures):
        seen = set()
        for j, ref in enumerate(procedure.get("visits") or []):
            if ref in seen:
                problem(("schedule", "procedures", i, "visits", j),
                        f"visit '{ref}' is listed twice for procedure '{procedure.get('id')}'",
                        severity=WARNING)
            seen.add(ref)
    used_notes = {p.get("footnote") for p in procedures}
    for key in (schedule.get("footnotes") or {}):
        if key not in used_notes:
            problem(("schedule", "footnotes", key), f"footnote '{key}' is not used by any "
                    "procedure", "name it in a procedure's 'footnote'", WARNING, key=True)

    safety = data.get("safety") or {}
    if safety and not safety.get("reporting"):
        problem(("safety",), "the site manual needs safety.reporting: what to report, to whom "
                "and by when", "list at least the serious adverse events", key=True)
    contact = safety.get("vigilance_contact") if safety else None
    if safety and not contact:
        problem(("safety",), "the site manual needs safety.vigilance_contact",
                "name the unit that receives safety reports, with its phone or e-mail", key=True)
    elif contact and not (contact.get("phone") or contact.get("email")):
        problem(("safety", "vigilance_contact"), "the safety reporting contact has no phone or "
                "e-mail", "sites must be able to reach it")

    _laboratory_checks((data.get("site_manual") or {}).get("laboratories") or [], problem)

    eligibility = data.get("eligibility") or {}
    if not eligibility.get("inclusion") and not eligibility.get("exclusion"):
        problem(("eligibility",), "the eligibility checklist of the site manual needs "
                "eligibility.inclusion and eligibility.exclusion", key=True)
    _criteria_checks(eligibility, problem)
    _abbreviation_checks(data, problem)
    _language_leaks(data, problem)
    for i, intervention in enumerate(data.get("interventions") or []):
        if not intervention.get("investigational"):
            continue
        missing = [f for f in HANDLING if not intervention.get(f)]
        if missing:
            problem(("interventions", i), f"investigational product '{intervention.get('id')}' "
                    f"lacks {', '.join(missing)} for the site manual",
                    "sites need to know how to prepare, give, store and account for it",
                    WARNING, key=True)
    objectives = data.get("objectives") or []
    linked = {o.get("objective") for kind in ("primary", "secondary", "other")
              for o in (data.get("outcomes") or {}).get(kind) or []}
    for i, objective in enumerate(objectives):
        if objective.get("id") not in linked:
            problem(("objectives", i), f"objective '{objective.get('id')}' has no endpoint",
                    "link an outcome to it with 'objective'", WARNING, key=True)


def _laboratory_checks(laboratories: list, problem):
    """A laboratory in the contact directory is one a site must be able to reach; two with
    one id would be one entry shown twice."""
    seen = set()
    for i, lab in enumerate(laboratories):
        if not isinstance(lab, dict):
            continue
        path = ("site_manual", "laboratories", i)
        if not (lab.get("phone") or lab.get("email")):
            problem(path, f"laboratory '{lab.get('id') or i + 1}' has no phone or e-mail",
                    "sites must be able to reach the laboratory they send samples to", key=True)
        if lab.get("id") and lab["id"] in seen:
            problem(path + ("id",), f"laboratory id '{lab['id']}' is used twice",
                    "give each laboratory its own id")
        seen.add(lab.get("id"))


# Words that do not make two criteria different ("patients with autoimmune disease" is
# "pre-existing autoimmune disease").
FILLER = {"a", "an", "the", "of", "with", "or", "and", "in", "to", "for", "any", "known",
          "patient", "patients", "person", "persons", "subject", "subjects", "participant",
          "participants", "woman", "women", "history", "pre-existing", "preexisting", "existing",
          "de", "du", "des", "la", "le", "les", "un", "une", "avec", "ou", "et", "antécédent",
          "antécédents", "patiente", "patientes"}


def _content_words(text: str) -> frozenset:
    return frozenset(w for w in re.findall(r"[\w-]+", str(text).casefold()) if w not in FILLER)


def _criteria_checks(eligibility: dict, problem):
    """A checklist line is a question a coordinator answers: a heading is not one, and a
    criterion asked twice (as registered) is a slip to mark with ``same_as``."""
    criteria = [(kind, i, c) for kind in ("inclusion", "exclusion")
                for i, c in enumerate(eligibility.get(kind) or []) if isinstance(c, dict)]
    ids = {str(c.get("id")) for _, _, c in criteria}
    seen = []
    for kind, i, c in criteria:
        text = str(c.get("text") or "").strip()
        if c.get("same_as") is not None and str(c["same_as"]) not in ids:
            problem(("eligibility", kind, i, "same_as"), f"same_as '{c['same_as']}' is not the id "
                    "of a criterion", "give the id of the criterion this one repeats")
        if text.endswith(":") and not c.get("heading"):
            problem(("eligibility", kind, i, "text"), f"criterion '{c.get('id')}' ends with ':' "
                    "and reads as a heading of the criteria after it",
                    "add 'heading: true' (no Yes/No boxes in the checklist), or reword it",
                    WARNING)
        if c.get("heading") or c.get("same_as"):
            continue
        words = _content_words(text)
        for other_id, other in seen:
            if len(words) >= 2 and len(other) >= 2 and (words <= other or other <= words):
                problem(("eligibility", kind, i, "text"), f"criterion '{c.get('id')}' repeats "
                        f"criterion '{other_id}'", f"remove it, or add 'same_as: {other_id}' to "
                        "keep it in the registry text and out of the checklist", WARNING)
                break
        seen.append((c.get("id"), words))


# The working logs and forms a site files, printed as pages to copy: (key, rows of a log,
# or None for a one-page report form, whether the protocol needs it). Titles, intros,
# columns and fields are template strings (manual.forms.<key> in templates/i18n).
FORMS = (
    ("screening_log", 10, lambda model: True),   # under the chapter title: 2 rows fewer
    ("delegation_log", 12, lambda model: True),
    ("deviation_log", 12, lambda model: True),
    ("temperature_log", 14, lambda model: any(i.get("storage") for i in model.get("interventions") or []
                                              if i.get("investigational"))),
    ("sae_form", None, lambda model: bool(model.get("safety"))),
    ("pregnancy_form", None, lambda model: bool((model.get("safety") or {}).get("pregnancy"))),
)


def _forms(model: dict, m: dict) -> list[dict]:
    out = []
    for key, rows, needed in FORMS:
        if needed(model):
            labels = m["forms"][key]
            out.append({"key": key, "title": labels["title"], "intro": labels["intro"],
                        "columns": labels.get("columns") or [], "fields": labels.get("fields") or [],
                        "rows": rows or 0, "log": rows is not None})
    return out


def _visit_checklists(schedule: dict) -> list[dict]:
    """One checklist per visit: the procedures the schedule of activities marks at it."""
    out = []
    for table in schedule["tables"]:
        for index, visit in enumerate(table["visits"]):
            items = [{"group": group["label"], "name": row["name"],
                      "research_only": row.get("research_only", False)}
                     for group in table["groups"] for row in group["rows"]
                     if index < len(row["marks"]) and row["marks"][index]]
            if items:
                out.append({"visit": visit, "items": items})
    return out


ABBREVIATION = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]*[A-Z](?:-[A-Z0-9]+)*)(?![\w-])")
# Read without a definition by any site team (units, roman numerals, countries).
WELL_KNOWN = {"II", "III", "IV", "VI", "UK", "USA", "US", "EU", "MUI", "UI", "IU", "ID"}


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("id", "visits", "epoch", "group", "footnote"):   # ids, not text
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _abbreviation_checks(data: dict, problem):
    """An abbreviation the manual's own texts (site_manual, schedule, safety) use and
    site_manual.glossary does not define: one warning naming them all."""
    manual = data.get("site_manual") or {}
    glossary = manual.get("glossary")
    if not isinstance(glossary, list):
        return
    defined = {str(g.get("term")) for g in glossary if isinstance(g, dict)}
    texts = [{k: v for k, v in manual.items() if k != "glossary"}, data.get("schedule") or {},
             data.get("safety") or {}]
    used = {m[1] for text in _strings(texts) for m in ABBREVIATION.finditer(text)}
    missing = sorted(used - defined - WELL_KNOWN)
    if missing:
        problem(("site_manual", "glossary"), f"the manual uses abbreviations the glossary does "
                f"not define: {', '.join(missing)}", "add a term and its meaning for each",
                WARNING, key=True)


def _only_placeholders(value) -> bool:
    """Whether a text (or every text of a list) is nothing but placeholders (init's starter)."""
    from ..placeholders import strip

    texts = value if isinstance(value, list) else [value]
    return bool(texts) and all(isinstance(t, str) and t.strip() and not strip(t).strip()
                               for t in texts)


def _language_leaks(data: dict, problem):
    """A manual in French that would show a registry text in English: one warning per
    field and language, at the first item that lacks its variant."""
    for lang in languages(data):
        by_field = {}
        for where, key in leaks(data, lang):
            if _only_placeholders(lookup(data, *where, key)):
                continue  # a placeholder is warned as such, and replaced in its language
            field = ".".join("*" if isinstance(p, int) else p for p in where) + f".{key}"
            by_field.setdefault(field, []).append((where, key))
        for field, found in by_field.items():
            where, key = found[0]
            count = f" ({len(found)} items)" if len(found) > 1 else ""
            problem(where + (key,), f"language leak: the site manual ({lang}) would show "
                    f"{field}{count} in English, the registry's language",
                    f"give the text in '{lang}' as local.{lang}.{key} beside it", WARNING)


def _checklist(items, lang) -> list[dict]:
    return [{"id": c["id"], "text": variant(c, "text", lang), "lang": language(c, "text", lang),
             "heading": bool(c.get("heading"))}
            for c in items or [] if not c.get("same_as")]


# -- the outline ------------------------------------------------------------------------

class Outline:
    """Numbered sections and subsections, in reading order."""

    def __init__(self):
        self.entries = []

    def section(self, key, title):
        number = sum(e["level"] == 1 for e in self.entries) + 1
        self.entries.append({"id": key, "level": 1, "number": str(number), "title": title})

    def sub(self, key, title):
        parent = sum(e["level"] == 1 for e in self.entries)
        number = 1 + sum(1 for e in self.entries[::-1]
                         if e["level"] == 2 and e["number"].split(".")[0] == str(parent))
        self.entries.append({"id": key, "level": 2, "number": f"{parent}.{number}",
                             "title": title})

    def by_id(self):
        return {e["id"]: e for e in self.entries}


# -- formatting helpers ----------------------------------------------------------------------

def _num(n: int) -> str:
    return f"{MINUS}{-n}" if n < 0 else str(n)


def document_country(model: dict) -> str:
    """The country a study-wide document's dates follow: the sponsor's, else the first site's."""
    address = (model.get("sponsors") or {}).get("address") or {}
    sites = model.get("sites") or [{}]
    return (address.get("country") or (sites[0].get("address") or {}).get("country")
            or sites[0].get("country") or "")


def format_date(iso: str | None, lang: str, country: str | None = None) -> str:
    if not iso:
        return ""
    s = strings(lang)
    parts = [int(x) for x in iso.split("-")]
    if len(parts) == 2:
        return f"{s['months'][parts[1] - 1]} {parts[0]}"
    return locales.format_date(iso, lang, country)


def day_label(visit: dict, m: dict) -> str:
    if visit.get("day") is not None:
        return m["day_label"].format(d=_num(visit["day"]))
    if visit.get("day_range"):
        low, high = visit["day_range"]
        return m["day_range_label"].format(a=_num(low), b=_num(high))
    return ""


def window_label(visit: dict, m: dict) -> str:
    if visit.get("day") is None:
        return "—"
    window = visit.get("window")
    if not window:
        return m["window_none"]
    before, after = window
    if before == -after:
        return m["window_sym"].format(n=after)
    return m["window_asym"].format(a=_num(before), b=f"+{after}")


def _age(text: str | None, m: dict) -> str:
    if not text:
        return ""
    number, unit = text.split(" ")
    return f"{number} {m['codes']['AGE_UNITS'].get(unit, unit)}"


def _person(person: dict | None, lang: str) -> dict:
    person = person or {}
    return {"name": locales.person_name(person, lang) if person else "",
            "title": localized(person.get("title"), lang),
            "affiliation": person.get("affiliation") or "", "phone": person.get("phone") or "",
            "email": person.get("email") or ""}


def _contact(contact: dict | None, lang: str) -> dict | None:
    if not contact:
        return None
    return {"name": localized(contact.get("name"), lang), "phone": contact.get("phone") or "",
            "email": contact.get("email") or "", "hours": localized(contact.get("hours"), lang),
            "address": format_address(contact.get("address"))}


def _laboratories(manual: dict, lang: str) -> list[dict]:
    """The laboratories samples go to, each with what it receives and how it is shipped."""
    return [{"id": lab.get("id") or "", "name": localized(lab.get("name"), lang),
             "role": localized(lab.get("role"), lang), "contact": localized(lab.get("contact"), lang),
             "address": format_address(lab.get("address")), "phone": lab.get("phone") or "",
             "email": lab.get("email") or "", "hours": localized(lab.get("hours"), lang),
             "samples": [{"what": localized(x.get("what"), lang),
                          "shipping": localized(x.get("shipping"), lang),
                          "when": localized(x.get("when"), lang)}
                         for x in lab.get("samples") or []]}
            for lab in manual.get("laboratories") or []]


ROLE_KEYS = {"PRINCIPAL_INVESTIGATOR": "coordinating_investigator",
             "STUDY_DIRECTOR": "study_director", "STUDY_CHAIR": "study_chair",
             "SUB_INVESTIGATOR": "sub_investigator", "CONTACT": "contact"}
# At a site, the principal investigator is that site's investigator, not the
# study's coordinating investigator.
SITE_ROLE_KEYS = {**ROLE_KEYS, "PRINCIPAL_INVESTIGATOR": "site_investigator"}


# -- the context --------------------------------------------------------------------------

def _schedule(model: dict, lang: str, m: dict) -> dict:
    schedule = model.get("schedule") or {}
    epochs = {e["id"]: localized(e.get("name"), lang) for e in schedule.get("epochs") or []}
    visits = []
    for visit in schedule.get("visits") or []:
        day, window = day_label(visit, m), window_label(visit, m)
        shown_window = visit.get("day") is not None and any(visit.get("window") or [])
        visits.append({"id": visit["id"], "name": localized(visit.get("name"), lang),
                       "epoch": epochs.get(visit.get("epoch"), ""), "epoch_id": visit.get("epoch"),
                       "day": day, "window": window,
                       "flow_day": f"{day} ({window})" if shown_window else day,
                       "repeat": localized(visit.get("repeat"), lang)})
    procedures = schedule.get("procedures") or []
    groups = []
    for group in GROUPS:
        rows = [{"name": localized(p.get("name"), lang), "footnote": p.get("footnote") or "",
                 "research_only": bool(p.get("research_only")),
                 "marks": p.get("marks") or [False] * len(visits)}
                for p in procedures if p.get("group") == group]
        if rows:
            groups.append({"label": m["groups"][group], "rows": rows})
    count = math.ceil(len(visits) / MAX_COLUMNS) if visits else 0
    size = math.ceil(len(visits) / count) if count else 0
    tables = []
    for part in range(count):
        start, stop = part * size, min(len(visits), (part + 1) * size)
        spans = []
        for visit in visits[start:stop]:
            if spans and spans[-1]["name"] == visit["epoch"]:
                spans[-1]["span"] += 1
            else:
                spans.append({"name": visit["epoch"], "span": 1})
        tables.append({
            "part": m["part"].format(n=part + 1, total=count) if count > 1 else "",
            "visits": visits[start:stop], "epochs": spans,
            "groups": [{"label": g["label"],
                        "rows": [{**r, "marks": r["marks"][start:stop]} for r in g["rows"]]}
                       for g in groups],
        })
    footnotes = [{"key": key, "text": localized(text, lang)}
                 for key, text in (schedule.get("footnotes") or {}).items()]
    return {"reference_point": localized(schedule.get("reference_point"), lang),
            "visits": visits, "tables": tables, "footnotes": footnotes,
            "any_research_only": any(p.get("research_only") for p in procedures),
            "lanes": [{"name": epochs[e["id"]],
                       "visits": [{"id": v["id"], "name": v["name"], "day": v["flow_day"],
                                   "repeat": bool(v["repeat"])}
                                  for v in visits if v["epoch_id"] == e["id"]]}
                      for e in schedule.get("epochs") or []]}


def _participation(model: dict, m: dict) -> str:
    spans = [visit_days(v) for v in (model.get("schedule") or {}).get("visits") or []]
    spans = [s for s in spans if s]
    if not spans:
        return ""
    first, last = min(s[0] for s in spans), max(s[1] for s in spans)
    return m["participation_value"].format(first=m["day_label"].format(d=_num(first)),
                                           last=m["day_label"].format(d=_num(last)))


def context(model: dict, lang: str) -> dict:
    """Everything one language's manual reads, localized."""
    s = strings(lang)
    m = s["manual"]
    t = m["sections"]
    protocol = model["protocol"]
    manual = model.get("site_manual") or {}
    ident = model.get("identification") or {}
    regulatory = model.get("regulatory") or {}
    design = model.get("design") or {}
    eligibility = model.get("eligibility") or {}
    safety = model.get("safety") or {}
    country = document_country(model)
    sponsors = model.get("sponsors") or {}
    text = {k: localized(manual.get(k), lang) for k in
            ("purpose", "consent_procedure", "enrolment", "concomitant", "discontinuation",
             "data_management", "monitoring", "closeout", "randomization", "unblinding")}

    officials = []
    for official in model.get("officials") or []:
        person = _person(official.get("person_data"), lang)
        person["role"] = m[ROLE_KEYS.get(official.get("role"), "contact")]
        person["affiliation"] = official.get("affiliation") or person["affiliation"]
        officials.append(person)
    order = ["PRINCIPAL_INVESTIGATOR", "STUDY_CHAIR", "STUDY_DIRECTOR", "SUB_INVESTIGATOR"]
    officials = [o for _, o in sorted(zip(model.get("officials") or [], officials),
                                      key=lambda pair: order.index(pair[0].get("role"))
                                      if pair[0].get("role") in order else len(order))]
    sites = []
    for site in model.get("sites") or []:
        sites.append({
            "id": site["id"],
            "name": localized(site.get("name"), lang) or site.get("facility") or site["id"],
            "department": localized(site.get("department"), lang),
            "address": format_address(site.get("address")) or ", ".join(
                p for p in (site.get("city"), site.get("country")) if p),
            "city": (site.get("address") or {}).get("city") or site.get("city") or "",
            "investigator": _person(site.get("investigator_person"), lang),
            "phone": site.get("phone") or "", "email": site.get("email") or "",
            "emergency_phone": site.get("emergency_phone") or "",
            "contacts": [{**_person(c.get("person_data"), lang),
                          "role": m[SITE_ROLE_KEYS.get(c.get("role"), "contact")]}
                         for c in site.get("contacts") or []],
            "pharmacy": _contact(site.get("pharmacy"), lang),
        })
    laboratories = _laboratories(manual, lang)

    objectives = []
    for level in ("primary", "secondary", "exploratory"):
        for objective in model.get("objectives") or []:
            if objective.get("level") != level:
                continue
            objectives.append({
                "level": m["levels"][level], "text": localized(objective.get("text"), lang),
                "lang": language_of(objective.get("text"), lang),
                "outcomes": [{"measure": variant(o, "measure", lang),
                              "time_frame": variant(o, "time_frame", lang) or "",
                              "lang": language(o, "measure", lang),
                              "kind": m["kinds"][o["kind"]]} for o in objective["outcomes"]]})
    c = m["codes"]
    phases = " / ".join(c["PHASE"].get(p, p) for p in design.get("phases") or [])
    design_words = ", ".join(x for x in (
        c["INTERVENTION_MODEL"].get(design.get("intervention_model"), ""),
        c["ALLOCATION"].get(design.get("allocation"), "")) if x)
    ages = {"low": _age(eligibility.get("minimum_age"), m),
            "high": _age(eligibility.get("maximum_age"), m)}
    age = (m["age_range"].format(**ages) if ages["low"] and ages["high"] else
           m["age_min"].format(**ages) if ages["low"] else
           m["age_max"].format(**ages) if ages["high"] else "")
    # as of this version: planned values only, never the registry's actual ones (planned.py)
    enrollment, start, end = planned.enrollment(model), planned.date(model, "start"), \
        planned.date(model, "completion")
    facts = [
        (m["study_type"], c["STUDY_TYPE"].get(design.get("study_type"), "")),
        (m["phase"], phases),
        (m["design"], design_words),
        (m["masking"], c["MASKING"].get(design.get("masking"), "")),
        (m["primary_purpose"], c["PRIMARY_PURPOSE"].get(design.get("primary_purpose"), "")),
        (m["conditions"], ", ".join(variant(model.get("conditions") or {}, "conditions", lang) or [])),
        (m["sex"], c["SEX"].get(eligibility.get("sex"), "")),
        (m["age"], age),
        (m["healthy_volunteers"], s["yes"] if eligibility.get("healthy_volunteers") else s["no"]),
        (m["enrollment"], m["enrollment_value"].format(n=enrollment, type=m["date_types"]["ESTIMATED"])
         if enrollment is not None else ""),
        (m["study_period"], m["period_value"].format(
            start=format_date(start, lang, country), end=format_date(end, lang, country))
         if start and end else ""),
        (m["participation"], _participation(model, m)),
        (m["reference_point"], localized((model.get("schedule") or {}).get("reference_point"), lang)),
    ]
    registry_facts = {m["conditions"]: language(model.get("conditions") or {}, "conditions", lang)}
    facts = [{"label": label, "value": value, "lang": registry_facts.get(label, lang)}
             for label, value in facts if value]
    arms = [{"label": variant(a, "label", lang), "type": c["ARM_TYPE"].get(a.get("type"), ""),
             "lang": language(a, "label", lang),
             "description": variant(a, "description", lang) or "",
             "interventions": [variant(i, "name", lang) for i in a.get("intervention_list") or []]}
            for a in model.get("arms") or []]
    products = []
    for intervention in model.get("interventions") or []:
        fields = {f: localized(intervention.get(f), lang) for f in HANDLING}
        if not any(fields.values()):
            continue
        products.append({"id": intervention["id"], "name": variant(intervention, "name", lang),
                         "name_lang": language(intervention, "name", lang),
                         "type": c["INTERVENTION_TYPE"].get(intervention.get("type"), ""),
                         "other_names": intervention.get("other_names") or [],
                         "arms": [variant(a, "label", lang) for a in model.get("arms") or []
                                  if intervention["id"] in (a.get("interventions") or [])],
                         "log": bool(intervention.get("investigational")),
                         **fields})

    declared = set(regulatory.get("regimes") or [])
    clocks = [dict(zip(("who", "deadline", "source"), m["clocks"][key]))
              for key in regimes.clocks(declared)]
    design_sections = designs.manual_sections(model)
    masked = "unblinding" in design_sections
    cycles = any(v.get("repeat") for v in (model.get("schedule") or {}).get("visits") or [])
    logs = []
    if masked and any(i.get("investigational") for i in model.get("interventions") or []):
        logs.append({"id": "blinded", "title": t["log_blinded"], "product": m["log_blinded_product"],
                     "product_lang": lang,
                     "columns": [m[k] if k != "date" else m["date"] for k in BLINDED_LOG_COLUMNS]})
    else:
        for product in products:
            if product["log"]:
                logs.append({"id": product["id"], "title": product["name"], "product": product["name"],
                             "product_lang": product["name_lang"],
                             "columns": [m[k] for k in LOG_COLUMNS
                                         if k != "log_course" or cycles]})
    reporting = [{"event": localized(r.get("event"), lang), "to": localized(r.get("to"), lang),
                  "deadline": localized(r.get("deadline"), lang),
                  "form": localized(r.get("form"), lang)} for r in safety.get("reporting") or []]
    pregnancy = safety.get("pregnancy") or {}
    schedule = _schedule(model, lang, m)

    # The outline: the template draws headings and contents from it, in this order.
    o = Outline()
    o.section("about", t["about"])
    if text["purpose"]:
        o.sub("purpose", t["purpose"])
    o.sub("history", t["history"])
    glossary = [{"term": g["term"], "meaning": localized(g["meaning"], lang)}
                for g in sorted(manual.get("glossary") or [], key=lambda g: g["term"].casefold())]
    if glossary:
        o.sub("abbreviations", t["abbreviations"])
    o.section("contacts", t["contacts"])
    o.sub("leadership", t["leadership"])
    if safety.get("vigilance_contact"):
        o.sub("vigilance", t["vigilance"])
    if laboratories:
        o.sub("laboratories", t["laboratories"])
    for site in sites:
        o.sub(f"site-{site['id']}", site["name"])
    o.section("synopsis", t["synopsis"])
    if objectives:
        o.sub("objectives", t["objectives"])
    o.sub("design", t["design"])
    if arms or products:
        o.sub("treatment", t["treatment"])
    if schedule["visits"]:
        o.section("flow", t["flow"])
    if text["consent_procedure"]:
        o.section("consent", t["consent"])
    o.section("eligibility", t["eligibility"])
    if text["enrolment"]:
        o.sub("enrolment", t["enrolment"])
    o.sub("checklist", t["checklist"])
    # design sections (trialdocs.designs): randomization (IRT) and emergency unblinding
    if design_sections:
        o.section("allocation", t["allocation"])
        for key in design_sections:
            if text[key]:
                o.sub(key, t[key])
    if schedule["visits"]:
        o.section("schedule", t["schedule"])
        o.sub("grid", t["grid"])
        o.sub("visits", t["visits"])
        visit_checklists = _visit_checklists(schedule)
        if visit_checklists:
            o.sub("visit-checklists", t["visit_checklists"])
    else:
        visit_checklists = []
    if products:
        o.section("product", t["product"] if any(p["log"] for p in products)
                  else t["treatment"])
        one = len(products) == 1
        for product in products:
            if one:
                for key in ("description", "preparation", "administration", "storage",
                            "accountability"):
                    fields = {"description": ["product"], "administration": ["dose", "route", "course"]}
                    if any(product[f] for f in fields.get(key, [key])):
                        o.sub(f"{key}-{product['id']}", t[key])
            else:
                o.sub(f"product-{product['id']}", product["name"])
            if product["log"] and not masked:
                o.sub(f"log-{product['id']}", t["log"] if one else f"{t['log']}: {product['name']}")
        if masked and logs:
            o.sub("log-blinded", t["log_blinded"])
    if text["concomitant"]:
        o.section("concomitant", t["concomitant"])
    if safety:
        o.section("safety", t["safety"])
        o.sub("definitions", t["definitions"])
        o.sub("reporting", t["reporting"])
        if clocks:
            o.sub("clocks", t["clocks"])
        if pregnancy:
            o.sub("pregnancy", t["pregnancy"])
    for key in ("discontinuation", "data_management", "monitoring", "closeout"):
        if text[key]:
            o.section(key, t[key])
    o.section("sites", t["sites"])
    forms = _forms(model, m)
    if forms:
        o.section("forms", t["forms"])
        for form in forms:
            o.sub(f"form-{form['key']}", form["title"])

    illustrative = protocol.get("illustrative") or []
    version = manual.get("version") or protocol["version"]
    version_date = manual.get("version_date") or protocol["version_date"]
    coordinator = next((o for o in officials if o["role"] == m["coordinating_investigator"]), None)
    title = variant(ident, "brief_title", lang) or protocol["title"]
    return {
        "doc": {
            "title": f"{title}: {m['doc_title']}",
            "author": sponsors["lead"]["name"],
            "description": m["description"],
            "date": version_date,
            "kind": "site-manual",
            "draft": protocol.get("status") == "draft",
            "illustrative_notice": localized(protocol.get("illustrative_notice"), lang)
            if illustrative else "",
        },
        "outline": o.entries,
        "sec": o.by_id(),
        "manual": {
            "version": version, "version_date": format_date(version_date, lang, country),
            "running": f"{m['running']}, {s['version'].lower()} {version}",
        },
        "study": {
            "title": title, "official_title": variant(ident, "official_title", lang) or protocol["title"],
            "title_lang": language(ident, "brief_title", lang),
            "acronym": ident.get("acronym") or "",
            "org_study_id": ident.get("org_study_id"), "nct_id": ident.get("nct_id") or "",
            "eu_ct_number": regulatory.get("eu_ct_number") or "",
            "eu_ct_label": eu_number_label(regulatory.get("eu_ct_number")),
            "id_rcb": regulatory.get("id_rcb") or "",
            "protocol_version": protocol["version"],
            "protocol_date": format_date(protocol["version_date"], lang, country),
            "sponsor": sponsors["lead"]["name"],
            "coordinator": coordinator["name"] if coordinator else "",
        },
        # fields the catalogue declares shown in the manual (show=), and their headings
        "fields": _catalogue().document_fields(model, "site_manual", lang),
        "labels": _catalogue().document_labels("site_manual", lang),
        "amendments": [{"version": a["version"], "date": format_date(a["date"], lang, country),
                        "summary": localized(a.get("summary"), lang)}
                       for a in protocol.get("amendments") or []],
        "text": text,
        "contacts": {
            "sponsor": {"name": sponsors["lead"]["name"],
                        "address": format_address(sponsors.get("address")),
                        "contact": _contact(sponsors.get("contact"), lang)},
            "officials": officials,
            "vigilance": _contact(safety.get("vigilance_contact"), lang),
            "laboratories": laboratories,
        },
        "sites": sites,
        "synopsis": {"objectives": objectives, "facts": facts, "arms": arms,
                     "summary": variant(model.get("description") or {}, "brief_summary", lang) or ""},
        "flow": {
            "svg": flow_svg(schedule["lanes"], m["flow_title"], m["repeated"],
                            " → ".join(f"{v['name']} ({v['day']})" for v in schedule["visits"])),
            "caption": m["flow_caption"].format(reference=schedule["reference_point"] or "—"),
        } if schedule["visits"] else None,
        "eligibility": {
            kind: _checklist(eligibility.get(kind), lang) for kind in ("inclusion", "exclusion")
        },
        "schedule": schedule,
        "visit_checklists": visit_checklists,
        "glossary": glossary,
        "forms": forms,
        "products": products,
        "safety": {
            "ae_definition": localized(safety.get("ae_definition"), lang),
            "sae_criteria": [localized(x, lang) for x in safety.get("sae_criteria") or []],
            "grading": localized(safety.get("grading"), lang),
            "collection_period": localized(safety.get("collection_period"), lang),
            "reporting": reporting,
            "pregnancy": {"reporting": localized(pregnancy.get("reporting"), lang),
                          "follow_up_until": localized(pregnancy.get("follow_up_until"), lang),
                          "form": localized(pregnancy.get("form"), lang)} if pregnancy else None,
        } if safety else None,
        "clocks": clocks,
        "logs": logs,
    }


LAYOUT = Layout("site_manual/manual.html", css=("style/document.css", "style/site-manual.css"),
                print_css=("style/print.css", "style/site-manual-print.css"),
                pdf=(("page_mode", "UseOutlines"),))  # a long manual: bookmarks panel open


def payload(model: dict, lang: str) -> dict:
    return LAYOUT.payload(lang, context(model, lang))


def targets(model: dict) -> list[Target]:
    out = []
    for lang in languages(model):
        out += LAYOUT.targets(f"site-manual.{lang}", "site_manual", lang, context(model, lang))
    return out


def _catalogue():
    """The field catalogue's reader, imported when a document is rendered, not on ``check``."""
    from .. import catalogue

    return catalogue
