"""Registry text for people: every ClinicalTrials.gov field in PRS order, ready to paste.

``ctgov_form(model)`` lays the protocol section out as the PRS data-entry
forms do (Study Identification, Study Status, … References), each field under
its PRS label, codes as PRS shows them (``Phase 1/Phase 2``, ``Anticipated``),
each text in its PRS plain-text form with its character count against its
limit. The same structure feeds the .txt (``render_form``), .html and .pdf.
``render_who`` writes the WHO data set (who.py) as text.
"""

from __future__ import annotations

import textwrap

from .. import codes
from ..model import person_name
from . import markup
from .ctgov_json import eligibility_markdown
from .limits import LIMITS, limit_for
from .prs_xml import phase_label

WIDTH = 78


def _yes_no(value):
    return None if value is None else ("Yes" if value else "No")


class _Form:
    def __init__(self):
        self.sections = []

    def section(self, title):
        self.sections.append({"title": title, "rows": []})

    def group(self, label):
        self.sections[-1]["rows"].append({"kind": "group", "label": label})

    def field(self, label, value, path=None, limit=None, counted=True):
        """One PRS field. Text values get their count and, if known, their limit."""
        if isinstance(value, list):
            value = "\n".join(str(v) for v in value if v not in (None, ""))
        text = markup.plain(value) if isinstance(value, str) else ("" if value is None else str(value))
        limit = limit or (limit_for(path) if path else None)
        row = {"kind": "field", "label": label, "text": text, "count": None, "limit": None,
               "confirmed": True, "over": False}
        if counted and text:
            row["count"] = len(text)
        if limit and text:
            row.update(limit=limit.chars, confirmed=limit.confirmed, over=len(text) > limit.chars)
        row["count_text"] = count_label(row)
        self.sections[-1]["rows"].append(row)


def _date(struct):
    if not isinstance(struct, dict) or not struct.get("date"):
        return None
    return f"{struct['date']} ({codes.DATE_TYPE.get(struct.get('type'), 'type not given')})"


def _person(person: dict) -> str:
    return person_name(person)


def _contact(person: dict, role=None) -> str:
    parts = [_person(person)]
    if role:
        parts.append(codes.CONTACT_ROLE.get(role, role))
    for key, word in (("phone", "phone"), ("phone_ext", "ext."), ("email", "e-mail")):
        if person.get(key):
            parts.append(f"{word} {person[key]}")
    return "; ".join(parts)


def ctgov_form(model: dict) -> dict:
    people = model.get("people_by_id") or {}
    ident = model.get("identification") or {}
    status = model.get("status") or {}
    sponsors = model.get("sponsors") or {}
    oversight = model.get("oversight") or {}
    design = model.get("design") or {}
    eligibility = model.get("eligibility") or {}
    protocol = model.get("protocol") or {}
    kind = design.get("study_type")
    f = _Form()

    f.section("Study Identification")
    f.field("Unique Protocol Identification Number", ident.get("org_study_id"),
            ("identification", "org_study_id"))
    f.field("Brief Title", ident.get("brief_title"), ("identification", "brief_title"))
    f.field("Acronym", ident.get("acronym"), ("identification", "acronym"))
    f.field("Official Title", ident.get("official_title"), ("identification", "official_title"))
    for i, item in enumerate(ident.get("secondary_ids") or []):
        f.group(f"Secondary ID {i + 1}")
        f.field("Secondary ID", item.get("id"), ("identification", "secondary_ids", i, "id"))
        f.field("Secondary ID Type", codes.SECONDARY_ID_TYPE.get(item.get("type")), counted=False)
        f.field("Description", item.get("domain"))
    if not ident.get("secondary_ids"):
        f.field("Secondary IDs", None)

    f.section("Study Status")
    f.field("Record Verification Date", status.get("verified_date"), counted=False)
    f.field("Overall Recruitment Status", codes.STATUS.get(status.get("overall_status"))
            or codes.DERIVED_STATUS.get(status.get("overall_status")), counted=False)
    f.field("Why Study Stopped", status.get("why_stopped"), ("status", "why_stopped"))
    f.field("Availability of Expanded Access", _yes_no(status.get("has_expanded_access")), counted=False)
    f.field("Expanded Access Record NCT Number", status.get("expanded_access_nct_id"), counted=False)
    f.field("Study Start Date", _date(status.get("start_date")), counted=False)
    f.field("Primary Completion Date", _date(status.get("primary_completion_date")), counted=False)
    f.field("Study Completion Date", _date(status.get("completion_date")), counted=False)

    f.section("Sponsor/Collaborators")
    party = sponsors.get("responsible_party") or {}
    f.field("Responsible Party", codes.RESPONSIBLE_PARTY.get(party.get("type")), counted=False)
    if party.get("type") and party["type"] != "SPONSOR":
        f.field("Investigator Name", party.get("investigator"))
        f.field("Investigator Official Title", party.get("investigator_title"),
                ("sponsors", "responsible_party", "investigator_title"))
        f.field("Investigator Affiliation", party.get("investigator_affiliation"),
                ("sponsors", "responsible_party", "investigator_affiliation"))
    f.field("Sponsor", (sponsors.get("lead") or {}).get("name"), ("sponsors", "lead", "name"))
    f.field("Collaborators", [c.get("name") for c in sponsors.get("collaborators") or []], counted=False)

    f.section("Oversight")
    f.field("Studies a U.S. FDA-regulated Drug Product", _yes_no(oversight.get("is_fda_regulated_drug")),
            counted=False)
    f.field("Studies a U.S. FDA-regulated Device Product",
            _yes_no(oversight.get("is_fda_regulated_device")), counted=False)
    if oversight.get("is_fda_regulated_device"):
        f.field("Device Product Not Approved or Cleared by U.S. FDA",
                _yes_no(oversight.get("is_unapproved_device")), counted=False)
        f.field("Post Prior to U.S. FDA Approval or Clearance", _yes_no(status.get("delayed_posting")),
                counted=False)
        f.field("Pediatric Postmarket Surveillance of a Device Product", _yes_no(oversight.get("is_ppsd")),
                counted=False)
    f.field("Product Manufactured in and Exported from the U.S.", _yes_no(oversight.get("is_us_export")),
            counted=False)
    ethics = ((model.get("regulatory") or {}).get("approvals") or {}).get("ethics") or {}
    f.field("Human Subjects Protection Review",
            f"Approved by {ethics['committee']} on {ethics['date']}"
            + (f" (approval number {ethics['reference']})" if ethics.get("reference") else "")
            if ethics.get("committee") else None, counted=False)
    f.field("Data Monitoring Committee", _yes_no(oversight.get("has_dmc")), counted=False)

    description = model.get("description") or {}
    f.section("Study Description")
    f.field("Brief Summary", description.get("brief_summary"), ("description", "brief_summary"))
    f.field("Detailed Description", description.get("detailed_description"),
            ("description", "detailed_description"))

    conditions = model.get("conditions") or {}
    f.section("Conditions")
    f.field("Primary Disease or Condition Being Studied in the Trial, or the Focus of the Study",
            conditions.get("conditions"), counted=False)
    f.field("Keywords", conditions.get("keywords"), counted=False)

    f.section("Study Design")
    f.field("Study Type", codes.STUDY_TYPE.get(kind), counted=False)
    arms = model.get("arms") or []
    if kind == "INTERVENTIONAL":
        f.field("Primary Purpose", codes.PRIMARY_PURPOSE.get(design.get("primary_purpose")), counted=False)
        f.field("Study Phase", phase_label(design.get("phases")), counted=False)
        f.field("Interventional Study Model", codes.INTERVENTION_MODEL.get(design.get("intervention_model")),
                counted=False)
        f.field("Model Description", design.get("intervention_model_description"),
                ("design", "intervention_model_description"))
        f.field("Number of Arms", len(arms), counted=False)
        masking = design.get("masking")
        roles = [codes.WHO_MASKED[r] for r in codes.WHO_MASKED if r in (design.get("who_masked") or [])]
        f.field("Masking", (codes.MASKING.get(masking, "") + (f" ({', '.join(roles)})" if roles else ""))
                if masking else None, counted=False)
        f.field("Masking Description", design.get("masking_description"), ("design", "masking_description"))
        f.field("Allocation", codes.ALLOCATION.get(design.get("allocation")), counted=False)
    elif kind == "OBSERVATIONAL":
        bio = design.get("bio_spec") or {}
        f.field("Observational Study Model", codes.OBSERVATIONAL_MODEL.get(design.get("observational_model")),
                counted=False)
        f.field("Time Perspective", codes.TIME_PERSPECTIVE.get(design.get("time_perspective")), counted=False)
        f.field("Biospecimen Retention", codes.BIO_SPEC_RETENTION.get(bio.get("retention")), counted=False)
        f.field("Biospecimen Description", bio.get("description"))
        f.field("Number of Groups/Cohorts", len(arms), counted=False)
        f.field("Patient Registry", _yes_no(design.get("patient_registry")), counted=False)
        f.field("Target Follow-Up Duration", design.get("target_duration"), counted=False)
    enrollment = design.get("enrollment") or {}
    f.field("Enrollment", f"{enrollment['count']} ({codes.DATE_TYPE.get(enrollment.get('type'), 'type not given')})"
            if enrollment.get("count") is not None else None, counted=False)

    f.section("Arms and Interventions" if kind != "OBSERVATIONAL" else "Groups and Interventions")
    interventions = model.get("interventions") or []
    by_id = {i.get("id"): i for i in interventions}
    arm_labels = {i.get("id"): [] for i in interventions}
    for i, arm in enumerate(arms):
        f.group(f"Arm {i + 1} of {len(arms)}")
        f.field("Arm Title", arm.get("label"), ("arms", i, "label"))
        f.field("Arm Type", codes.ARM_TYPE.get(arm.get("type")), counted=False)
        f.field("Arm Description", arm.get("description"), ("arms", i, "description"))
        names = []
        for ref in arm.get("interventions") or []:
            if ref in by_id:
                names.append(f"{codes.INTERVENTION_TYPE.get(by_id[ref].get('type'), '')}: {by_id[ref].get('name')}")
                arm_labels[ref].append(arm.get("label"))
        f.field("Intervention(s)", names, counted=False)
    for i, item in enumerate(interventions):
        f.group(f"Intervention {i + 1} of {len(interventions)}")
        f.field("Intervention Type", codes.INTERVENTION_TYPE.get(item.get("type")), counted=False)
        f.field("Intervention Name", item.get("name"), ("interventions", i, "name"))
        f.field("Other Intervention Name(s)", item.get("other_names"), counted=False)
        f.field("Intervention Description", item.get("description"), ("interventions", i, "description"))
        f.field("Arm or Group/Cohort Label(s)", sorted(set(filter(None, arm_labels[item.get("id")]))),
                counted=False)

    f.section("Outcome Measures")
    outcomes = model.get("outcomes") or {}
    for key, word in (("primary", "Primary"), ("secondary", "Secondary"), ("other", "Other Pre-specified")):
        items = outcomes.get(key) or []
        for i, outcome in enumerate(items):
            f.group(f"{word} Outcome Measure {i + 1} of {len(items)}")
            f.field("Title", outcome.get("measure"), ("outcomes", key, i, "measure"))
            f.field("Description", outcome.get("description"), ("outcomes", key, i, "description"))
            f.field("Time Frame", outcome.get("time_frame"), ("outcomes", key, i, "time_frame"))

    f.section("Eligibility")
    if kind == "OBSERVATIONAL":
        f.field("Study Population Description", eligibility.get("study_population"),
                ("eligibility", "study_population"))
        method = eligibility.get("sampling_method")
        f.field("Sampling Method", codes.SAMPLING_METHOD.get(method, method), counted=False)
    f.field("Sex/Gender", codes.SEX.get(eligibility.get("sex")), counted=False)
    f.field("Gender Based", _yes_no(eligibility.get("gender_based")), counted=False)
    f.field("Gender Eligibility Description", eligibility.get("gender_description"),
            ("eligibility", "gender_description"))
    f.field("Minimum Age", eligibility.get("minimum_age") or "N/A (No limit)", counted=False)
    f.field("Maximum Age", eligibility.get("maximum_age") or "N/A (No limit)", counted=False)
    f.field("Accepts Healthy Volunteers", _yes_no(eligibility.get("healthy_volunteers")), counted=False)
    f.field("Eligibility Criteria", eligibility_markdown(eligibility),
            limit=LIMITS[("eligibility", "criteria")])

    f.section("Contacts/Locations")
    central = model.get("central_contacts") or []
    for i, (label, ref) in enumerate(zip(("Central Contact Person", "Central Contact Backup"), central)):
        f.field(label, _contact(people.get(ref.get("person")) or {}), counted=False)
    if not central:
        f.field("Central Contact Person", None)
    for i, official in enumerate(model.get("officials") or []):
        person = people.get(official.get("person")) or {}
        f.group(f"Study Official {i + 1}")
        f.field("Name", _person(person), counted=False)
        f.field("Official's Role", codes.OFFICIAL_ROLE.get(official.get("role")), counted=False)
        f.field("Organizational Affiliation", official.get("affiliation"), ("officials", i, "affiliation"))
    sites = model.get("sites") or []
    for i, site in enumerate(sites):
        f.group(f"Location {i + 1} of {len(sites)}")
        f.field("Facility Name", site.get("facility"), ("sites", i, "facility"))
        f.field("City", site.get("city"), counted=False)
        f.field("State/Province", site.get("state"), counted=False)
        f.field("ZIP/Postal Code", site.get("zip"), counted=False)
        f.field("Country", site.get("country"), counted=False)
        f.field("Site Recruitment Status", codes.SITE_STATUS.get(site.get("status")), counted=False)
        f.field("Contacts and Investigators",
                [_contact(people.get(c.get("person")) or {}, c.get("role")) for c in site.get("contacts") or []],
                counted=False)

    f.section("IPD Sharing Statement")
    ipd = model.get("ipd_sharing") or {}
    f.field("Plan to Share IPD", codes.IPD_SHARING.get(ipd.get("sharing")), counted=False)
    f.field("IPD Sharing Plan Description", ipd.get("description"), ("ipd_sharing", "description"))
    if ipd.get("sharing") == "YES":
        f.field("IPD Sharing Supporting Information Type",
                [codes.IPD_INFO_TYPE.get(t, t) for t in ipd.get("info_types") or []], counted=False)
        f.field("IPD Sharing Time Frame", ipd.get("time_frame"), ("ipd_sharing", "time_frame"))
        f.field("IPD Sharing Access Criteria", ipd.get("access_criteria"), ("ipd_sharing", "access_criteria"))
        f.field("IPD Sharing URL", ipd.get("url"), ("ipd_sharing", "url"))

    f.section("References")
    references = [r for r in model.get("references") or [] if r.get("type") != "DERIVED"]
    for i, ref in enumerate(references):
        f.group(f"Citation {i + 1} of {len(references)}")
        f.field("PubMed Identifier", ref.get("pmid"), counted=False)
        f.field("Citation", ref.get("citation"))
        f.field("Results Reference", _yes_no(ref.get("type") == "RESULT"), counted=False)
    links = model.get("see_also_links") or []
    for i, link in enumerate(links):
        f.group(f"Link {i + 1} of {len(links)}")
        f.field("URL", link.get("url"), ("see_also_links", i, "url"))
        f.field("Description", link.get("label"), ("see_also_links", i, "label"))
    for i, item in enumerate(model.get("avail_ipds") or []):
        f.group(f"Available IPD/Information {i + 1}")
        f.field("Type", item.get("type"), counted=False)
        f.field("URL", item.get("url"), counted=False)
        f.field("Identifier", item.get("id"), counted=False)
        f.field("Comments", item.get("comment"))
    if not (references or links or model.get("avail_ipds")):
        f.field("Citations and Links", None)

    notice = protocol.get("illustrative_notice")
    notice = (notice.get("en") if isinstance(notice, dict) else notice) if protocol.get("illustrative") else ""
    over = sum(row.get("over", False) for s in f.sections for row in s["rows"])
    return {
        "title": "ClinicalTrials.gov registration: " + (ident.get("nct_id") or ident.get("org_study_id", "")),
        "subtitle": ident.get("brief_title", ""),
        "source": f"Protocol version {protocol.get('version', '')} ({protocol.get('version_date', '')})",
        "notice": notice or "",
        "over_limit": over,
        "sections": f.sections,
    }


def count_label(row) -> str:
    if row.get("count") is None:
        return ""
    if row.get("limit"):
        flag = " OVER LIMIT" if row["over"] else ""
        unsure = ", limit not confirmed" if not row["confirmed"] else ""
        return f"[{row['count']:,} of {row['limit']:,} characters{unsure}]{flag}"
    return f"[{row['count']:,} characters]"


def _heading(text, char="=") -> list[str]:
    return [char * WIDTH, text, char * WIDTH]


def render_form(form: dict) -> bytes:
    """Renderer of ``registry/clinicaltrials-gov.txt``."""
    out = [form["title"], form["subtitle"], form["source"], ""]
    out += textwrap.wrap("Each field below is labelled as on the PRS forms, in their order; paste "
                         "the text under a label into the PRS field of that name. Counts are "
                         "characters of the PRS plain text, against the PRS limit.", WIDTH)
    if form["notice"]:
        out += [""] + textwrap.wrap("Note: " + form["notice"], WIDTH)
    if form["over_limit"]:
        out += ["", f"{form['over_limit']} field(s) are OVER LIMIT."]
    for number, section in enumerate(form["sections"], 1):
        out += [""] + _heading(f"{number}. {section['title']}")
        for row in section["rows"]:
            if row["kind"] == "group":
                out += ["", f"--- {row['label']} ---"]
                continue
            out += ["", f"{row['label']}   {row['count_text']}".rstrip()]
            out += (row["text"] or "(blank)").split("\n")
    return ("\n".join(out) + "\n").encode("utf-8")


def render_who(trds: dict) -> bytes:
    """Renderer of ``registry/who-trds.txt``."""
    out = [trds["title"], trds["subtitle"], trds["source"], ""]
    for item in trds["items"]:
        out += _heading(f"{item['number']}. {item['name']}", "-")
        for line in item["lines"]:
            out += line.split("\n")
        out.append("")
    return ("\n".join(out)).encode("utf-8")
