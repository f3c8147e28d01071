"""prs.xml: the PRS upload format (ProtocolRecordSchema.xsd, schema version 2018.05.08).

``clinical_study(model)`` builds the record as a small JSON-like tree (the
target's payload); ``render`` writes it as XML. Element order follows the
schema's sequences (registry.md §2), values are PRS display strings
(``Phase 1/Phase 2``, ``Anticipated``, ``Yes``/``No``), text goes in
``<textblock>`` as PRS plain text, names are split into first, middle and last
names and degrees as PRS stores them. The root is written as PRS writes its
downloads: ``<prs:study_collection xmlns:prs=…>`` with unprefixed children
(the schema's local elements are unqualified).

A tree node is ``[tag, text]``, ``[tag, [child, …]]`` or ``["#comment", text]``.
What the format cannot hold is said in an XML comment where it would go (the
responsible investigator's PRS user name, a third site contact).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .. import codes
from ..locales import registry_degrees
from . import markup
from .identifiers import secondary_ids

NAMESPACE = "http://clinicaltrials.gov/prs"
# PRS upload values where they differ from the code list's display strings.
PRS_INTERVENTION_TYPE = dict(codes.INTERVENTION_TYPE, BIOLOGICAL="Biological/Vaccine",
                             PROCEDURE="Procedure/Surgery")
INFO_TYPES = [("STUDY_PROTOCOL", "ipd_info_type_protocol"), ("SAP", "ipd_info_type_sap"),
              ("ICF", "ipd_info_type_icf"), ("CSR", "ipd_info_type_csr"),
              ("ANALYTIC_CODE", "ipd_info_type_analytic_code")]
MASKED = [("PARTICIPANT", "masked_subject"), ("CARE_PROVIDER", "masked_caregiver"),
          ("INVESTIGATOR", "masked_investigator"), ("OUTCOMES_ASSESSOR", "masked_assessor")]


def yes_no(value):
    return None if value is None else ("Yes" if value else "No")


def phase_label(phases) -> str | None:
    phases = list(phases or [])
    if not phases:
        return None
    return "/".join(codes.PHASE.get(p, p) for p in phases)


def _el(tag, value):
    """A leaf, or None when there is nothing to say."""
    if value is None or value == "":
        return None
    return [tag, str(value)]


def _block(tag, text):
    text = markup.plain(text)
    return [tag, [["textblock", text]]] if text else None


def _node(tag, children):
    children = [c for c in children if c is not None]
    return [tag, children] if children else None


def _person(person: dict, extra=()):
    return [_el("first_name", person.get("first_name")),
            _el("middle_name", person.get("middle_name")),
            ["last_name", person.get("last_name") or ""],
            _el("degrees", registry_degrees(person) or None), *extra]


def _contact(tag, person: dict):
    return _node(tag, _person(person, [_el("phone", person.get("phone")),
                                       _el("phone_ext", person.get("phone_ext")),
                                       _el("email", person.get("email"))]))


def clinical_study(model: dict) -> list:
    people = model.get("people_by_id") or {}
    ident = model.get("identification") or {}
    status = model.get("status") or {}
    sponsors = model.get("sponsors") or {}
    oversight = model.get("oversight") or {}
    design = model.get("design") or {}
    eligibility = model.get("eligibility") or {}
    out = []

    id_info = [["org_name", ident.get("org_name") or (sponsors.get("lead") or {}).get("name") or ""],
               ["org_study_id", ident.get("org_study_id") or ""]]
    for item in secondary_ids(model):
        id_info.append(_node("secondary_id", [
            _el("id", item.get("id")),
            _el("id_type", codes.SECONDARY_ID_TYPE.get(item.get("type"))),
            _el("id_domain", item.get("domain"))]))
    out.append(["id_info", id_info])
    out.append(_el("delayed_posting", yes_no(oversight.get("is_unapproved_device"))))
    if status.get("has_expanded_access") is not None or status.get("expanded_access_nct_id"):
        # ind_grantor and ind_number are required inside ind_info; PRS downloads leave them
        # empty when the study has no IND, and so do we.
        out.append(["ind_info", [["ind_grantor", ""], ["ind_number", ""],
                                 *filter(None, [_el("has_expanded_access",
                                                    yes_no(status.get("has_expanded_access"))),
                                                _el("expanded_access_nct_id",
                                                    status.get("expanded_access_nct_id"))])]])
    out.append(_el("brief_title", ident.get("brief_title")))
    out.append(_el("acronym", ident.get("acronym")))
    out.append(_el("official_title", ident.get("official_title")))

    party = sponsors.get("responsible_party") or {}
    party_node = None
    if party.get("type"):
        party_node = _node("resp_party", [
            ["resp_party_type", codes.RESPONSIBLE_PARTY.get(party["type"], party["type"])],
            _el("investigator_username", party.get("investigator_username")),
            ["#comment", f" investigator: {party['investigator']} (PRS wants the investigator's "
                         "PRS user name in investigator_username: set "
                         "sponsors.responsible_party.investigator_username) "]
            if party.get("investigator") and not party.get("investigator_username") else None,
            _el("investigator_title", party.get("investigator_title")),
            _el("investigator_affiliation", party.get("investigator_affiliation")),
            _el("name_title", party.get("old_name_title")),
            _el("organization", party.get("old_organization"))])
    out.append(_node("sponsors", [
        ["lead_sponsor", [["agency", (sponsors.get("lead") or {}).get("name", "")]]],
        *[["collaborator", [["agency", c.get("name", "")]]] for c in sponsors.get("collaborators") or []],
        party_node]))

    ethics = ((model.get("regulatory") or {}).get("approvals") or {}).get("ethics") or {}
    irb = _node("irb_info", [["approval_status", "Approved"], _el("approval_number", ethics.get("reference")),
                             _el("name", ethics.get("committee"))]) if ethics.get("committee") else None
    out.append(_node("oversight_info", [
        irb,
        _el("has_dmc", yes_no(oversight.get("has_dmc"))),
        _el("fda_regulated_drug", yes_no(oversight.get("is_fda_regulated_drug"))),
        _el("fda_regulated_device", yes_no(oversight.get("is_fda_regulated_device"))),
        _el("post_prior_to_approval", yes_no(status.get("delayed_posting"))),
        _el("exported_from_us", yes_no(oversight.get("is_us_export"))),
        _el("ped_postmarket_surv", yes_no(oversight.get("is_ppsd")))]))
    description = model.get("description") or {}
    out.append(_block("brief_summary", description.get("brief_summary")))
    out.append(_block("detailed_description", description.get("detailed_description")))

    overall = status.get("overall_status")
    expanded = overall in ("AVAILABLE", "NO_LONGER_AVAILABLE", "TEMPORARILY_NOT_AVAILABLE",
                           "APPROVED_FOR_MARKETING")
    label = codes.STATUS.get(overall) or codes.DERIVED_STATUS.get(overall)
    out.append(_el("overall_status", None if expanded else label))
    out.append(_el("why_stopped", markup.plain(status.get("why_stopped"))))
    out.append(_el("expanded_access_status", label if expanded else None))
    out.append(_el("verification_date", status.get("verified_date")))
    for key, tag in (("start_date", "start_date"), ("completion_date", "last_follow_up_date"),
                     ("primary_completion_date", "primary_compl_date")):
        struct = status.get(key) or {}
        out.append(_el(tag, struct.get("date")))
        out.append(_el(tag + "_type", codes.DATE_TYPE.get(struct.get("type"))))

    out.append(_study_design(model, design))
    for kind in ("primary", "secondary", "other"):
        for outcome in (model.get("outcomes") or {}).get(kind) or []:
            out.append(_node(f"{kind}_outcome", [
                ["outcome_measure", outcome.get("measure", "")],
                _el("outcome_time_frame", outcome.get("time_frame")),
                _block("outcome_description", outcome.get("description"))]))
    enrollment = design.get("enrollment") or {}
    out.append(_el("enrollment", enrollment.get("count")))
    out.append(_el("enrollment_type", codes.DATE_TYPE.get(enrollment.get("type"))))
    conditions = model.get("conditions") or {}
    out += [["condition", c] for c in conditions.get("conditions") or []]
    out += [["keyword", k] for k in conditions.get("keywords") or []]

    interventions = model.get("interventions") or []
    arm_labels = {i.get("id"): [] for i in interventions}
    for arm in model.get("arms") or []:
        out.append(_node("arm_group", [
            ["arm_group_label", arm.get("label", "")],
            _el("arm_type", codes.ARM_TYPE.get(arm.get("type"))),
            _block("arm_group_description", arm.get("description"))]))
        for ref in arm.get("interventions") or []:
            if ref in arm_labels:
                arm_labels[ref].append(arm.get("label", ""))
    for item in interventions:
        out.append(_node("intervention", [
            _el("intervention_type", PRS_INTERVENTION_TYPE.get(item.get("type"))),
            ["intervention_name", item.get("name", "")],
            _block("intervention_description", item.get("description")),
            *[["arm_group_label", label] for label in sorted(set(arm_labels.get(item.get("id"), [])))],
            *[["intervention_other_name", name] for name in item.get("other_names") or []]]))

    from .ctgov_json import eligibility_markdown

    sampling = eligibility.get("sampling_method")
    out.append(_node("eligibility", [
        _block("study_population", eligibility.get("study_population")),
        _el("sampling_method", codes.SAMPLING_METHOD.get(sampling, sampling)),
        ["criteria", [["textblock", markup.plain(eligibility_markdown(eligibility))]]],
        _el("healthy_volunteers", yes_no(eligibility.get("healthy_volunteers"))),
        ["gender", codes.SEX.get(eligibility.get("sex"), "")],
        _el("gender_based", yes_no(eligibility.get("gender_based"))),
        _block("gender_description", eligibility.get("gender_description")),
        ["minimum_age", eligibility.get("minimum_age") or "N/A"],
        ["maximum_age", eligibility.get("maximum_age") or "N/A"]]))

    for official in model.get("officials") or []:
        person = people.get(official.get("person")) or {}
        out.append(_node("overall_official", _person(person, [
            _el("role", codes.OFFICIAL_ROLE.get(official.get("role"))),
            _el("affiliation", official.get("affiliation"))])))
    central = [people.get(c.get("person")) or {} for c in model.get("central_contacts") or []]
    for tag, person in zip(("overall_contact", "overall_contact_backup"), central):
        out.append(_contact(tag, person))
    if len(central) > 2:
        out.append(["#comment", f" {len(central) - 2} more central contact(s) not shown: PRS holds two "])

    for site in model.get("sites") or []:
        out.append(_location(site, people))

    ipd = model.get("ipd_sharing") or {}
    if ipd.get("sharing"):
        types = set(ipd.get("info_types") or [])
        yes = ipd["sharing"] == "YES"
        out.append(_node("ipd_sharing_statement", [
            ["sharing_ipd", codes.IPD_SHARING.get(ipd["sharing"], "")],
            _block("ipd_description", ipd.get("description")),
            *[_el(tag, yes_no(code in types)) if yes else None for code, tag in INFO_TYPES],
            _block("ipd_time_frame", ipd.get("time_frame")),
            _block("ipd_access_criteria", ipd.get("access_criteria")),
            _el("ipd_url", ipd.get("url"))]))
    for link in model.get("see_also_links") or []:
        out.append(["link", [["url", link.get("url", "")],
                             ["description", markup.plain(link.get("label"))]]])
    for ref in model.get("references") or []:
        if ref.get("type") == "DERIVED":
            continue
        out.append(_node("reference", [_el("citation", ref.get("citation")),
                                       _el("pubmed_id", ref.get("pmid")),
                                       _el("is_results_ref", yes_no(ref.get("type") == "RESULT"))]))
    for ipd_doc in model.get("avail_ipds") or []:
        kind = ipd_doc.get("type") or "Other"
        known = kind in codes.AVAIL_IPD_TYPE
        out.append(_node("study_document", [
            ["study_document_type", kind if known else "Other"],
            None if known else _el("study_document_other_type", kind),
            _el("url", ipd_doc.get("url")),
            _el("study_document_identifier", ipd_doc.get("id")),
            _block("study_document_comments", ipd_doc.get("comment"))]))
    return ["clinical_study", [node for node in out if node is not None]]


def _study_design(model, design):
    kind = design.get("study_type")
    arms = len(model.get("arms") or [])
    children = [["study_type", codes.STUDY_TYPE.get(kind, "")]]
    if kind == "INTERVENTIONAL":
        who = set(design.get("who_masked") or [])
        masking = design.get("masking")
        children.append(_node("interventional_design", [
            ["interventional_subtype", codes.PRIMARY_PURPOSE.get(design.get("primary_purpose"), "")],
            ["phase", phase_label(design.get("phases")) or ""],
            _el("assignment", codes.INTERVENTION_MODEL.get(design.get("intervention_model"))),
            _block("model_description", design.get("intervention_model_description")),
            ["allocation", codes.ALLOCATION.get(design.get("allocation"), "")],
            *([["no_masking", yes_no(masking == "NONE")]] +
              [[tag, yes_no(code in who)] for code, tag in MASKED] if masking else []),
            _block("masking_description", design.get("masking_description")),
            _el("number_of_arms", arms or None)]))
    elif kind == "OBSERVATIONAL":
        bio = design.get("bio_spec") or {}
        quantity, _, units = (design.get("target_duration") or "").partition(" ")
        children.append(_node("observational_design", [
            ["observational_study_design", codes.OBSERVATIONAL_MODEL.get(design.get("observational_model"), "")],
            ["biospecimen_retention", codes.BIO_SPEC_RETENTION.get(bio.get("retention"), "")],
            _block("biospecimen_description", bio.get("description")),
            ["timing", codes.TIME_PERSPECTIVE.get(design.get("time_perspective"), "")],
            ["number_of_groups", str(arms) if arms else ""],
            _el("patient_registry", yes_no(design.get("patient_registry"))),
            _el("target_duration_quantity", quantity or None),
            _el("target_duration_units", units or None)]))
    elif kind == "EXPANDED_ACCESS":
        types = design.get("expanded_access_types") or {}
        if types:
            children.append(_el("no_exp_acc_type", yes_no(not any(types.values()))))
            for key in ("individual", "intermediate", "treatment"):
                children.append(_el(f"exp_acc_type_{key}", yes_no(bool(types.get(key)))))
    return _node("study_design", children)


def _location(site, people):
    contacts = [c for c in site.get("contacts") or [] if c.get("role") in (None, "CONTACT")]
    investigators = [c for c in site.get("contacts") or [] if c.get("role") not in (None, "CONTACT")]
    address = [n for n in (_el("city", site.get("city")), _el("state", site.get("state")),
                           _el("country", site.get("country")), _el("zip", site.get("zip"))) if n]
    children = [["facility", [["name", site.get("facility") or ""], ["address", address]]],
                _el("status", codes.SITE_STATUS.get(site.get("status")))]
    for tag, ref in zip(("contact", "contact_backup"), contacts):
        children.append(_contact(tag, people.get(ref.get("person")) or {}))
    if len(contacts) > 2:
        children.append(["#comment", f" {len(contacts) - 2} more site contact(s) not shown: PRS holds two "])
    for ref in investigators:
        person = people.get(ref.get("person")) or {}
        children.append(_node("investigator", _person(person, [
            _el("role", codes.CONTACT_ROLE.get(ref.get("role")))])))
    return _node("location", children)


def _build(parent, node):
    tag, content = node
    if tag == "#comment":
        parent.append(ET.Comment(markup.xml_safe(content).replace("--", "- -")))
        return
    element = ET.SubElement(parent, tag)
    if isinstance(content, list):
        for child in content:
            _build(element, child)
    else:
        element.text = markup.xml_safe(str(content))


def render(payload: dict) -> bytes:
    """Renderer of ``registry/prs.xml``: payload ``{"clinical_study": tree}``."""
    ET.register_namespace("prs", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}study_collection")
    _build(root, payload["clinical_study"])
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
