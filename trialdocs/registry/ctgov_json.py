"""ctgov.json: a protocol as the ClinicalTrials.gov API v2 represents a study.

The output is ``{"protocolSection": {...}}`` with the API's module and key
names, codes, partial dates and, in markup fields, the API's Markdown. What
ClinicalTrials.gov computes itself is left out: organisation and agency
classes, standard age groups, geo points, posting and submission dates,
derived references, retractions. The NCT number is kept when the protocol
knows it: it is assigned once, not computed from the content, and names the
record the file describes.

``SUBMITTED`` and ``submitted_part`` say the same thing the other way round
for a record read from the API: the part of its protocol section a sponsor
submits, which is what a round trip must give back.
"""

from __future__ import annotations

import copy
import json

from . import markup

# Markup fields: Markdown in the API, a textblock in PRS (registry.md §1.14).
MARKUP_KEYS = {
    ("statusModule", "whyStopped"),
    ("descriptionModule", "briefSummary"), ("descriptionModule", "detailedDescription"),
    ("designModule", "designInfo", "interventionModelDescription"),
    ("designModule", "designInfo", "maskingInfo", "maskingDescription"),
    ("designModule", "bioSpec", "description"),
    ("armsInterventionsModule", "armGroups", "*", "description"),
    ("armsInterventionsModule", "interventions", "*", "description"),
    ("outcomesModule", "primaryOutcomes", "*", "description"),
    ("outcomesModule", "secondaryOutcomes", "*", "description"),
    ("outcomesModule", "otherOutcomes", "*", "description"),
    ("eligibilityModule", "eligibilityCriteria"), ("eligibilityModule", "genderDescription"),
    ("eligibilityModule", "studyPopulation"),
    ("referencesModule", "seeAlsoLinks", "*", "label"),
    ("referencesModule", "availIpds", "*", "comment"),
    ("ipdSharingStatementModule", "description"), ("ipdSharingStatementModule", "timeFrame"),
    ("ipdSharingStatementModule", "accessCriteria"),
}

# What ClinicalTrials.gov derives: never submitted, so never exported or compared.
DERIVED = {
    ("identificationModule", "nctIdAliases"): "obsolete NCT numbers merged into this one",
    ("identificationModule", "organization"): "the PRS account's organisation",
    ("identificationModule", "orgStudyIdInfo", "type"): "computed from the id",
    ("identificationModule", "orgStudyIdInfo", "link"): "computed from the id",
    ("identificationModule", "secondaryIdInfos", "*", "link"): "a link computed from a grant number",
    ("statusModule", "lastKnownStatus"): "kept when the status became UNKNOWN",
    ("statusModule", "expandedAccessInfo", "statusForNctId"): "the status of the other record",
    ("sponsorCollaboratorsModule", "leadSponsor", "class"): "agency class, assigned by NLM",
    ("sponsorCollaboratorsModule", "collaborators", "*", "class"): "agency class, assigned by NLM",
    ("oversightModule", "fdaaa801Violation"): "set by ClinicalTrials.gov",
    ("designModule", "nPtrsToThisExpAccNctId"): "counted by ClinicalTrials.gov",
    ("eligibilityModule", "stdAges"): "computed from the age limits",
    ("contactsLocationsModule", "locations", "*", "geoPoint"): "geocoded by ClinicalTrials.gov",
    ("contactsLocationsModule", "locations", "*", "countryCode"): "computed from the country",
    ("referencesModule", "references", "*", "retractions"): "added from PubMed",
}
STATUS_SUBMITTED = ["statusVerifiedDate", "overallStatus", "delayedPosting", "whyStopped",
                    "expandedAccessInfo", "startDateStruct", "primaryCompletionDateStruct",
                    "completionDateStruct"]


def _put(target: dict, key: str, value):
    """Set a key unless the value is absent (None, empty text, list or mapping)."""
    if value is None or value == "" or value == [] or value == {}:
        return
    target[key] = value


def _md(text):
    return markup.to_api(text) if text else None


def _date(struct):
    if not isinstance(struct, dict) or not struct.get("date"):
        return None
    out = {"date": struct["date"]}
    _put(out, "type", struct.get("type"))
    return out


def eligibility_markdown(eligibility: dict) -> str | None:
    """The criteria text: free Markdown as given, or the structured lists in the API's layout."""
    if eligibility.get("criteria_markdown"):
        return eligibility["criteria_markdown"]
    blocks = []
    for key, heading in (("inclusion", "Inclusion Criteria:"), ("exclusion", "Exclusion Criteria:")):
        items = [c.get("text", "") for c in eligibility.get(key) or [] if isinstance(c, dict)]
        if items:
            blocks.append(heading + "\n\n" + "\n".join("* " + " ".join(t.split()) for t in items))
    return "\n\n".join(blocks) or None


def intervention_label(intervention: dict) -> str:
    """'Drug: Palbociclib': how an arm names its intervention."""
    from ..codes import INTERVENTION_TYPE

    kind = INTERVENTION_TYPE.get(intervention.get("type"), intervention.get("type") or "")
    return f"{kind}: {intervention.get('name', '')}"


def _contact(ref: dict, people: dict, with_role=True) -> dict:
    person = people.get(ref.get("person")) or {}
    out = {}
    _put(out, "name", person.get("full_name"))
    if with_role:
        _put(out, "role", ref.get("role"))
    _put(out, "phone", person.get("phone"))
    _put(out, "phoneExt", person.get("phone_ext"))
    _put(out, "email", person.get("email"))
    return out


def protocol_section(model: dict) -> dict:
    """The v2 protocol section of a resolved protocol model (see trialdocs.model)."""
    people = model.get("people_by_id") or {}
    section = {}

    ident = model.get("identification") or {}
    module = {}
    _put(module, "nctId", ident.get("nct_id"))
    _put(module, "orgStudyIdInfo", {"id": ident["org_study_id"]} if ident.get("org_study_id") else None)
    secondary = []
    for item in ident.get("secondary_ids") or []:
        entry = {"id": item.get("id")}
        _put(entry, "type", item.get("type"))
        _put(entry, "domain", item.get("domain"))
        secondary.append(entry)
    _put(module, "secondaryIdInfos", secondary)
    _put(module, "briefTitle", ident.get("brief_title"))
    _put(module, "officialTitle", ident.get("official_title"))
    _put(module, "acronym", ident.get("acronym"))
    _put(section, "identificationModule", module)

    status = model.get("status") or {}
    module = {}
    _put(module, "statusVerifiedDate", status.get("verified_date"))
    _put(module, "overallStatus", status.get("overall_status"))
    _put(module, "delayedPosting", status.get("delayed_posting"))
    _put(module, "whyStopped", _md(status.get("why_stopped")))
    access = {}
    _put(access, "hasExpandedAccess", status.get("has_expanded_access"))
    _put(access, "nctId", status.get("expanded_access_nct_id"))
    _put(module, "expandedAccessInfo", access)
    _put(module, "startDateStruct", _date(status.get("start_date")))
    _put(module, "primaryCompletionDateStruct", _date(status.get("primary_completion_date")))
    _put(module, "completionDateStruct", _date(status.get("completion_date")))
    _put(section, "statusModule", module)

    sponsors = model.get("sponsors") or {}
    module = {}
    party = sponsors.get("responsible_party") or {}
    if party:
        entry = {}
        for key, api in (("type", "type"), ("investigator", "investigatorFullName"),
                         ("investigator_title", "investigatorTitle"),
                         ("investigator_affiliation", "investigatorAffiliation"),
                         ("old_name_title", "oldNameTitle"), ("old_organization", "oldOrganization")):
            _put(entry, api, party.get(key))
        _put(module, "responsibleParty", entry)
    lead = sponsors.get("lead") or {}
    _put(module, "leadSponsor", {"name": lead["name"]} if lead.get("name") else None)
    _put(module, "collaborators", [{"name": c["name"]} for c in sponsors.get("collaborators") or []
                                   if c.get("name")])
    _put(section, "sponsorCollaboratorsModule", module)

    oversight = model.get("oversight") or {}
    module = {}
    for key, api in (("has_dmc", "oversightHasDmc"), ("is_fda_regulated_drug", "isFdaRegulatedDrug"),
                     ("is_fda_regulated_device", "isFdaRegulatedDevice"),
                     ("is_unapproved_device", "isUnapprovedDevice"), ("is_ppsd", "isPpsd"),
                     ("is_us_export", "isUsExport")):
        _put(module, api, oversight.get(key))
    _put(section, "oversightModule", module)

    description = model.get("description") or {}
    module = {}
    _put(module, "briefSummary", _md(description.get("brief_summary")))
    _put(module, "detailedDescription", _md(description.get("detailed_description")))
    _put(section, "descriptionModule", module)

    conditions = model.get("conditions") or {}
    module = {}
    _put(module, "conditions", list(conditions.get("conditions") or []))
    _put(module, "keywords", list(conditions.get("keywords") or []))
    _put(section, "conditionsModule", module)

    _put(section, "designModule", _design(model.get("design") or {}))
    _put(section, "armsInterventionsModule", _arms(model))

    outcomes = model.get("outcomes") or {}
    module = {}
    for kind, api in (("primary", "primaryOutcomes"), ("secondary", "secondaryOutcomes"),
                      ("other", "otherOutcomes")):
        items = []
        for outcome in outcomes.get(kind) or []:
            entry = {}
            _put(entry, "measure", outcome.get("measure"))
            _put(entry, "description", _md(outcome.get("description")))
            _put(entry, "timeFrame", outcome.get("time_frame"))
            items.append(entry)
        _put(module, api, items)
    _put(section, "outcomesModule", module)

    eligibility = model.get("eligibility") or {}
    module = {}
    _put(module, "eligibilityCriteria", _md(eligibility_markdown(eligibility)))
    _put(module, "healthyVolunteers", eligibility.get("healthy_volunteers"))
    _put(module, "sex", eligibility.get("sex"))
    _put(module, "genderBased", eligibility.get("gender_based"))
    _put(module, "genderDescription", _md(eligibility.get("gender_description")))
    _put(module, "minimumAge", eligibility.get("minimum_age"))
    _put(module, "maximumAge", eligibility.get("maximum_age"))
    _put(module, "studyPopulation", _md(eligibility.get("study_population")))
    _put(module, "samplingMethod", eligibility.get("sampling_method"))
    _put(section, "eligibilityModule", module)

    module = {}
    _put(module, "centralContacts", [_contact(c, people) for c in model.get("central_contacts") or []])
    officials = []
    for official in model.get("officials") or []:
        entry = {}
        _put(entry, "name", (people.get(official.get("person")) or {}).get("full_name"))
        _put(entry, "affiliation", official.get("affiliation"))
        _put(entry, "role", official.get("role"))
        officials.append(entry)
    _put(module, "overallOfficials", officials)
    locations = []
    for site in model.get("sites") or []:
        entry = {}
        for key in ("facility", "status", "city", "state", "zip", "country"):
            _put(entry, key, site.get(key))
        _put(entry, "contacts", [_contact(c, people) for c in site.get("contacts") or []])
        locations.append(entry)
    _put(module, "locations", locations)
    _put(section, "contactsLocationsModule", module)

    module = {}
    references = []
    for ref in model.get("references") or []:
        if ref.get("type") == "DERIVED":
            continue  # added by ClinicalTrials.gov from PubMed, never submitted
        entry = {}
        _put(entry, "pmid", ref.get("pmid"))
        _put(entry, "type", ref.get("type"))
        _put(entry, "citation", ref.get("citation"))
        references.append(entry)
    _put(module, "references", references)
    links = []
    for link in model.get("see_also_links") or []:
        entry = {}
        _put(entry, "label", _md(link.get("label")))
        _put(entry, "url", link.get("url"))
        links.append(entry)
    _put(module, "seeAlsoLinks", links)
    ipds = []
    for ipd in model.get("avail_ipds") or []:
        entry = {}
        for key in ("id", "type", "url"):
            _put(entry, key, ipd.get(key))
        _put(entry, "comment", _md(ipd.get("comment")))
        ipds.append(entry)
    _put(module, "availIpds", ipds)
    _put(section, "referencesModule", module)

    ipd = model.get("ipd_sharing") or {}
    module = {}
    _put(module, "ipdSharing", ipd.get("sharing"))
    _put(module, "description", _md(ipd.get("description")))
    _put(module, "infoTypes", list(ipd.get("info_types") or []))
    _put(module, "timeFrame", _md(ipd.get("time_frame")))
    _put(module, "accessCriteria", _md(ipd.get("access_criteria")))
    _put(module, "url", ipd.get("url"))
    _put(section, "ipdSharingStatementModule", module)
    return section


def _design(design: dict) -> dict:
    module = {}
    _put(module, "studyType", design.get("study_type"))
    _put(module, "patientRegistry", design.get("patient_registry"))
    _put(module, "targetDuration", design.get("target_duration"))
    _put(module, "phases", list(design.get("phases") or []))
    info = {}
    _put(info, "allocation", design.get("allocation"))
    _put(info, "interventionModel", design.get("intervention_model"))
    _put(info, "interventionModelDescription", _md(design.get("intervention_model_description")))
    _put(info, "primaryPurpose", design.get("primary_purpose"))
    _put(info, "observationalModel", design.get("observational_model"))
    _put(info, "timePerspective", design.get("time_perspective"))
    masking = {}
    _put(masking, "masking", design.get("masking"))
    _put(masking, "maskingDescription", _md(design.get("masking_description")))
    _put(masking, "whoMasked", list(design.get("who_masked") or []))
    _put(info, "maskingInfo", masking)
    _put(module, "designInfo", info)
    bio = design.get("bio_spec") or {}
    spec = {}
    _put(spec, "retention", bio.get("retention"))
    _put(spec, "description", _md(bio.get("description")))
    _put(module, "bioSpec", spec)
    enrollment = design.get("enrollment") or {}
    if enrollment.get("count") is not None:
        entry = {"count": enrollment["count"]}
        _put(entry, "type", enrollment.get("type"))
        module["enrollmentInfo"] = entry
    types = design.get("expanded_access_types") or {}
    access = {}
    for key in ("individual", "intermediate", "treatment"):
        _put(access, key, types.get(key))
    _put(module, "expandedAccessTypes", access)
    return module


def _arms(model: dict) -> dict:
    interventions = model.get("interventions") or []
    by_id = {i.get("id"): i for i in interventions}
    labels_of = {i.get("id"): [] for i in interventions}
    arms = []
    for arm in model.get("arms") or []:
        entry = {}
        _put(entry, "label", arm.get("label"))
        _put(entry, "type", arm.get("type"))
        _put(entry, "description", _md(arm.get("description")))
        names = []
        for ref in arm.get("interventions") or []:
            if ref in by_id:
                names.append(intervention_label(by_id[ref]))
                labels_of[ref].append(arm.get("label"))
        _put(entry, "interventionNames", names)
        arms.append(entry)
    items = []
    for intervention in interventions:
        entry = {}
        _put(entry, "type", intervention.get("type"))
        _put(entry, "name", intervention.get("name"))
        _put(entry, "description", _md(intervention.get("description")))
        # The API lists an intervention's arms in code-point order of their labels.
        _put(entry, "armGroupLabels", sorted(set(filter(None, labels_of.get(intervention.get("id"), [])))))
        _put(entry, "otherNames", list(intervention.get("other_names") or []))
        items.append(entry)
    module = {}
    _put(module, "armGroups", arms)
    _put(module, "interventions", items)
    return module


def study(model: dict) -> dict:
    return {"protocolSection": protocol_section(model)}


def render(payload: dict) -> bytes:
    """Renderer of ``registry/ctgov.json``: the payload is the study object itself."""
    return (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# -- the submitted part of a record read from the API ---------------------------

def _generic(path):
    return tuple("*" if isinstance(p, int) else p for p in path)


def submitted_part(section: dict) -> tuple[dict, list[tuple[str, str]]]:
    """A record's protocol section without what ClinicalTrials.gov derives.

    Returns the pruned copy and the list of (dotted path, reason) removed, so a
    caller can say what it leaves out. Keys the API does not define (seen in
    real records: ``locations_nested``) are removed too, with their reason.
    """
    section = copy.deepcopy(section)
    removed = []
    status = section.get("statusModule")
    if isinstance(status, dict):
        if status.get("overallStatus") in ("UNKNOWN", "WITHHELD") \
                and isinstance(status.get("lastKnownStatus"), str):
            removed.append(("statusModule.overallStatus",
                            f"{status['overallStatus']} is derived; the submitted status is "
                            f"lastKnownStatus {status['lastKnownStatus']}"))
            status["overallStatus"] = status["lastKnownStatus"]
        for key in list(status):
            if key not in STATUS_SUBMITTED:
                removed.append((f"statusModule.{key}", "a date or status kept by ClinicalTrials.gov"))
                del status[key]
    module = section.get("referencesModule")
    refs = module.get("references") if isinstance(module, dict) else None
    if isinstance(refs, list):
        kept = [r for r in refs if not (isinstance(r, dict) and r.get("type") == "DERIVED")]
        if len(kept) != len(refs):
            removed.append(("referencesModule.references", f"{len(refs) - len(kept)} DERIVED "
                            "reference(s), added by ClinicalTrials.gov from PubMed"))
        section["referencesModule"]["references"] = kept

    def walk(value, path):
        if isinstance(value, dict):
            for key in list(value):
                here = path + (key,)
                reason = DERIVED.get(_generic(here))
                if reason is None and len(here) == 1 and key not in KNOWN_KEYS:
                    reason = "not a field of the API's protocol section (an unknown module)"
                if reason is None and len(here) == 2 and key not in KNOWN_KEYS.get(here[0], {key}):
                    reason = "not a field of the API's protocol section"
                if reason is not None:
                    removed.append((".".join(map(str, here)), reason))
                    del value[key]
                else:
                    walk(value[key], here)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, path + (i,))

    walk(section, ())
    for key in [k for k, v in section.items() if isinstance(v, dict) and not v]:
        del section[key]
    # one entry per generic path is enough for a reader
    seen, unique = set(), []
    for path, reason in removed:
        generic = ".".join("*" if p.isdigit() else p for p in path.split("."))
        if generic not in seen:
            seen.add(generic)
            unique.append((generic, reason))
    return section, unique


KNOWN_KEYS = {
    "identificationModule": {"nctId", "nctIdAliases", "orgStudyIdInfo", "secondaryIdInfos",
                             "organization", "briefTitle", "officialTitle", "acronym"},
    "statusModule": set(STATUS_SUBMITTED),
    "sponsorCollaboratorsModule": {"responsibleParty", "leadSponsor", "collaborators"},
    "oversightModule": {"oversightHasDmc", "isFdaRegulatedDrug", "isFdaRegulatedDevice",
                        "isUnapprovedDevice", "isPpsd", "isUsExport", "fdaaa801Violation"},
    "descriptionModule": {"briefSummary", "detailedDescription"},
    "conditionsModule": {"conditions", "keywords"},
    "designModule": {"studyType", "patientRegistry", "targetDuration", "phases", "designInfo",
                     "bioSpec", "enrollmentInfo", "expandedAccessTypes", "nPtrsToThisExpAccNctId"},
    "armsInterventionsModule": {"armGroups", "interventions"},
    "outcomesModule": {"primaryOutcomes", "secondaryOutcomes", "otherOutcomes"},
    "eligibilityModule": {"eligibilityCriteria", "healthyVolunteers", "sex", "genderBased",
                          "genderDescription", "minimumAge", "maximumAge", "stdAges",
                          "studyPopulation", "samplingMethod"},
    "contactsLocationsModule": {"centralContacts", "overallOfficials", "locations"},
    "referencesModule": {"references", "seeAlsoLinks", "availIpds"},
    "ipdSharingStatementModule": {"ipdSharing", "description", "infoTypes", "timeFrame",
                                  "accessCriteria", "url"},
}
