"""The WHO Trial Registration Data Set (TRDS, version 1.3.1): its 24 items.

``trds_items(model)`` gives each item's number, WHO name and lines of text,
mapped from the protocol as registry.md §4 describes. Where ClinicalTrials.gov
has no clean field (funding, ethics review, scientific contact) the protocol's
own blocks are used when present (``regulatory.approvals``, ``sponsors.contact``,
people's contact details), and an item with nothing to show says so.
"""

from __future__ import annotations

from .. import codes
from ..model import person_name
from . import markup
from .ctgov_json import eligibility_markdown
from .identifiers import secondary_ids

WHO_STATUS = {
    "NOT_YET_RECRUITING": "Pending", "RECRUITING": "Recruiting",
    "ENROLLING_BY_INVITATION": "Recruiting", "ACTIVE_NOT_RECRUITING": "Complete",
    "COMPLETED": "Complete", "SUSPENDED": "Suspended",
}
GRANT_TYPES = {"NIH", "OTHER_GRANT", "FDA", "VA", "CDC", "AHRQ", "SAMHSA"}
NOT_GIVEN = "Not given in the protocol"


def _date(struct) -> str:
    if not isinstance(struct, dict) or not struct.get("date"):
        return NOT_GIVEN
    return f"{struct['date']} ({codes.DATE_TYPE.get(struct.get('type'), struct.get('type') or 'type not given')})"


def _registration(ident: dict, status: dict) -> list[str]:
    """Item 2: the date ClinicalTrials.gov first posted the record, when the protocol knows it."""
    posted = status.get("first_post_date")
    if isinstance(posted, dict) and posted.get("date"):
        line = f"{posted['date']} (first posted on ClinicalTrials.gov"
        if status.get("first_submit_date"):
            line += f"; first submitted {status['first_submit_date']}"
        return [line + ")"]
    if ident.get("nct_id"):
        return [f"Registered as {ident['nct_id']}; the first-posted date is not given in the "
                "protocol (status.first_post_date)"]
    return ["Assigned by ClinicalTrials.gov when the record is first posted"]


def _results(ident: dict, status: dict) -> list[str]:
    """Item 23: whether results are posted, and when, as the protocol records it."""
    posted = status.get("results_first_post_date")
    date = posted.get("date") if isinstance(posted, dict) else None
    if status.get("has_results") or date:
        lines = ["Results posted on ClinicalTrials.gov" + (f", first posted {date}" if date else "")]
        if ident.get("nct_id"):
            lines.append(f"https://clinicaltrials.gov/study/{ident['nct_id']}?tab=results")
        return lines
    if status.get("has_results") is False:
        return ["No results posted on ClinicalTrials.gov"]
    return ["No results posted: the protocol does not record any (status.has_results)"]


def _contact_lines(person: dict, affiliation=None) -> str:
    parts = [person_name(person)]
    for value in (affiliation or person.get("affiliation"), person.get("email"), person.get("phone")):
        if value:
            parts.append(value)
    return ", ".join(p for p in parts if p)


def trds_items(model: dict) -> dict:
    people = model.get("people_by_id") or {}
    ident = model.get("identification") or {}
    status = model.get("status") or {}
    sponsors = model.get("sponsors") or {}
    design = model.get("design") or {}
    eligibility = model.get("eligibility") or {}
    regulatory = model.get("regulatory") or {}
    items = []

    def add(name, lines):
        lines = [line for line in lines if line]
        items.append({"number": len(items) + 1, "name": name, "lines": lines or [NOT_GIVEN]})

    add("Primary Registry and Trial Identifying Number",
        [f"ClinicalTrials.gov {ident['nct_id']}" if ident.get("nct_id")
         else "ClinicalTrials.gov (NCT number assigned on registration)"])
    add("Date of Registration in Primary Registry", _registration(ident, status))
    secondary = [f"{ident.get('org_study_id')} (sponsor's protocol number, "
                 f"{(sponsors.get('lead') or {}).get('name', '')})"] if ident.get("org_study_id") else []
    for item in secondary_ids(model):
        issuer = item.get("domain") or codes.SECONDARY_ID_TYPE.get(item.get("type"), "")
        secondary.append(f"{item.get('id')}" + (f" ({issuer})" if issuer else ""))
    add("Secondary Identifying Numbers", secondary)
    funding = [c.get("name") for c in sponsors.get("collaborators") or []]
    funding += [f"{i.get('domain') or codes.SECONDARY_ID_TYPE.get(i.get('type'))}: {i.get('id')}"
                for i in ident.get("secondary_ids") or [] if i.get("type") in GRANT_TYPES]
    add("Source(s) of Monetary or Material Support",
        [(sponsors.get("lead") or {}).get("name")] + funding)
    add("Primary Sponsor", [(sponsors.get("lead") or {}).get("name")])
    add("Secondary Sponsor(s)", [c.get("name") for c in sponsors.get("collaborators") or []])

    public = [_contact_lines(people.get(c.get("person")) or {}) for c in model.get("central_contacts") or []]
    contact = sponsors.get("contact") or {}
    if not public and contact:
        name = contact.get("name")
        name = name.get("en") or next(iter(name.values()), "") if isinstance(name, dict) else name
        public.append(", ".join(p for p in (name, contact.get("email"), contact.get("phone")) if p))
    add("Contact for Public Queries", public)
    scientific = [_contact_lines(people.get(o.get("person")) or {}, o.get("affiliation"))
                  + f" ({codes.OFFICIAL_ROLE.get(o.get('role'), '')})"
                  for o in model.get("officials") or []]
    add("Contact for Scientific Queries", scientific)
    add("Public Title", [ident.get("brief_title")])
    scientific_title = ident.get("official_title") or ""
    if ident.get("acronym") and ident["acronym"] not in scientific_title:
        scientific_title += f" ({ident['acronym']})"
    add("Scientific Title", [scientific_title])
    add("Countries of Recruitment", sorted({s.get("country") for s in model.get("sites") or []
                                            if s.get("country")}))
    conditions = model.get("conditions") or {}
    add("Health Condition(s) or Problem(s) Studied",
        list(conditions.get("conditions") or []) +
        ([f"Keywords: {', '.join(conditions['keywords'])}"] if conditions.get("keywords") else []))
    interventions = []
    for arm in model.get("arms") or []:
        names = [f"{codes.INTERVENTION_TYPE.get(i.get('type'), '')}: {i.get('name')}"
                 for i in arm.get("intervention_list") or []]
        interventions.append(f"{arm.get('label')} ({codes.ARM_TYPE.get(arm.get('type'), 'arm')})"
                             + (f": {'; '.join(names)}" if names else ""))
    for item in model.get("interventions") or []:
        text = f"{codes.INTERVENTION_TYPE.get(item.get('type'), '')}: {item.get('name')}"
        if item.get("description"):
            text += f". {markup.plain(item['description'])}"
        interventions.append(text)
    add("Intervention(s)", interventions)
    ages = (f"Ages: {eligibility.get('minimum_age') or 'no minimum'} to "
            f"{eligibility.get('maximum_age') or 'no maximum'}")
    add("Key Inclusion and Exclusion Criteria",
        [f"Sex: {codes.SEX.get(eligibility.get('sex'), '')}", ages,
         "Healthy volunteers: " + ("accepted" if eligibility.get("healthy_volunteers") else "not accepted"),
         markup.plain(eligibility_markdown(eligibility))])
    study_design = [codes.STUDY_TYPE.get(design.get("study_type"), "")]
    for key, table, word in (("allocation", codes.ALLOCATION, "Allocation"),
                             ("intervention_model", codes.INTERVENTION_MODEL, "Intervention model"),
                             ("primary_purpose", codes.PRIMARY_PURPOSE, "Primary purpose"),
                             ("observational_model", codes.OBSERVATIONAL_MODEL, "Observational model"),
                             ("time_perspective", codes.TIME_PERSPECTIVE, "Time perspective")):
        if design.get(key):
            study_design.append(f"{word}: {table.get(design[key], design[key])}")
    if design.get("masking"):
        roles = [codes.WHO_MASKED[r] for r in codes.WHO_MASKED if r in (design.get("who_masked") or [])]
        study_design.append(f"Masking: {codes.MASKING[design['masking']]}"
                            + (f" ({', '.join(roles)})" if roles else ""))
    if design.get("phases"):
        study_design.append("Phase: " + "/".join(codes.PHASE.get(p, p) for p in design["phases"]))
    add("Study Type", study_design)
    add("Date of First Enrollment", [_date(status.get("start_date"))])
    enrollment = design.get("enrollment") or {}
    add("Sample Size", [f"{enrollment['count']} ({codes.DATE_TYPE.get(enrollment.get('type'), '')})"
                        if enrollment.get("count") is not None else None])
    overall = status.get("overall_status")
    label = codes.STATUS.get(overall) or codes.DERIVED_STATUS.get(overall, "")
    add("Recruitment Status", [f"{WHO_STATUS.get(overall, 'Other')} (ClinicalTrials.gov: {label})"])
    outcomes = model.get("outcomes") or {}
    for kind, name in (("primary", "Primary Outcome(s)"), ("secondary", "Key Secondary Outcomes")):
        add(name, [f"{o.get('measure')}" + (f" [Time frame: {o['time_frame']}]" if o.get("time_frame") else "")
                   for o in outcomes.get(kind) or []])
    ethics = (regulatory.get("approvals") or {}).get("ethics") or {}
    add("Ethics Review",
        [f"Approved on {ethics['date']} by {ethics['committee']}"
         + (f" (reference {ethics['reference']})" if ethics.get("reference") else "")]
        if ethics.get("committee") else ["Not given in the protocol (ClinicalTrials.gov does not "
                                         "publish the ethics review)"])
    add("Completion Date", [_date(status.get("completion_date"))])
    add("Summary Results", _results(ident, status))
    ipd = model.get("ipd_sharing") or {}
    statement = []
    if ipd.get("sharing"):
        statement.append(f"Plan to share IPD: {codes.IPD_SHARING.get(ipd['sharing'], ipd['sharing'])}")
        statement.append(markup.plain(ipd.get("description")))
        if ipd.get("info_types"):
            statement.append("Supporting information: " + ", ".join(
                codes.IPD_INFO_TYPE.get(t, t) for t in ipd["info_types"]))
        for key, word in (("time_frame", "Time frame"), ("access_criteria", "Access criteria"),
                          ("url", "URL")):
            if ipd.get(key):
                statement.append(f"{word}: {markup.plain(ipd[key])}")
    add("IPD Sharing Statement", statement)
    assert len(items) == 24
    record = ident.get("nct_id") or ident.get("org_study_id", "")
    protocol = model.get("protocol") or {}
    return {"title": f"WHO Trial Registration Data Set: {record}",
            "subtitle": f"{ident.get('brief_title', '')}",
            "source": f"Protocol version {protocol.get('version', '')} ({protocol.get('version_date', '')})",
            "items": items}
