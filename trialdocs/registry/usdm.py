"""usdm.json: a protocol as a CDISC/TransCelerate USDM v4.0.0 study definition.

The output is a USDM ``Wrapper``: one ``Study`` with one ``StudyVersion`` and
one study design, in the shape of the v4.0.0 API schema's ``Wrapper-Input``.
What the protocol gives is mapped; what USDM has and the protocol does not is
left out, never made up (docs/usdm.md says what maps to what). Codes come from
trialdocs.registry.cdisc, the one table of CDISC terms.

Ids are ``<Class>_<n>``, numbered per class in the order the file is built,
as in CDISC's own example: the same protocol gives the same ids, byte for
byte. The schedule (encounters, activities, timeline) is built in
usdm_schedule; usdm_check checks what the JSON Schema cannot.

Texts: USDM holds one string per attribute. A text the protocol gives per
language is exported in English when the protocol has English (CDISC's
decodes are English), otherwise in the protocol's first language.
"""

from __future__ import annotations

import functools

import json
import uuid

from .. import __version__, codes
from ..model import format_address
from . import cdisc, usdm_schedule
from .identifiers import eu_number_label

USDM_VERSION = "4.0.0"
# Study.id is a UUID: derived from the sponsor's protocol number, so it is stable.
STUDY_NAMESPACE = uuid.UUID("5b0b7f3e-3c5e-4f55-9d0e-747269616c64")
NOT_GIVEN = ("NOT_GIVEN", "Not given in the protocol")
# The organisation that issued regulatory.eu_ct_number, by the number's form.
EU_REGISTERS = {"eu_ct_number": "EU Clinical Trials Information System",
                "eudract_number": "EudraCT"}
NOT_INVESTIGATIONAL = ("NOT_INVESTIGATIONAL", "Not investigational")


class _Ids:
    """``<Class>_<n>`` ids, numbered per class: deterministic and unique."""

    def __init__(self):
        self.counts: dict[str, int] = {}

    def __call__(self, cls: str) -> str:
        self.counts[cls] = self.counts.get(cls, 0) + 1
        return f"{cls}_{self.counts[cls]}"


class _Builder:
    def __init__(self, model: dict):
        self.m = model
        self.id = _Ids()
        langs = (model.get("protocol") or {}).get("languages") or ["en"]
        self.lang = "en" if "en" in langs else langs[0]

    # -- small values -----------------------------------------------------------
    def text(self, value) -> str:
        if isinstance(value, dict):
            return value.get(self.lang) or next(iter(value.values()), "") or ""
        return "" if value is None else str(value)

    def code(self, pair, system=cdisc.CDISC_SYSTEM, version=cdisc.CT_VERSION) -> dict:
        return {"id": self.id("Code"), "extensionAttributes": [], "code": pair[0],
                "codeSystem": system, "codeSystemVersion": version, "decode": pair[1],
                "instanceType": "Code"}

    def alias(self, pair) -> dict:
        return {"id": self.id("AliasCode"), "extensionAttributes": [],
                "standardCode": self.code(pair), "standardCodeAliases": [],
                "instanceType": "AliasCode"}

    def required_code(self, table: dict, value, labels: dict | None = None) -> dict:
        """A CDISC code when the table has one; else the protocol's own code, named as such."""
        if value in table:
            return self.code(table[value])
        if value is None:
            return self.code(NOT_GIVEN, cdisc.TRIALDOCS_SYSTEM, cdisc.TRIALDOCS_VERSION)
        if labels is not None:
            return self.code((value, labels.get(value, value)), cdisc.CTGOV_SYSTEM,
                             cdisc.CTGOV_VERSION)
        return self.code((value, value.replace("_", " ").capitalize()), cdisc.TRIALDOCS_SYSTEM,
                         cdisc.TRIALDOCS_VERSION)

    def role_code(self, investigational) -> dict:
        """Experimental Intervention for an investigational product; else trialdocs' own code."""
        if investigational is True:
            return self.code(cdisc.INTERVENTION_ROLE[True])
        if investigational is False:
            return self.code(NOT_INVESTIGATIONAL, cdisc.TRIALDOCS_SYSTEM, cdisc.TRIALDOCS_VERSION)
        return self.code(NOT_GIVEN, cdisc.TRIALDOCS_SYSTEM, cdisc.TRIALDOCS_VERSION)

    def quantity(self, value, unit=None) -> dict:
        return {"id": self.id("Quantity"), "extensionAttributes": [], "value": value,
                "unit": self.alias(unit) if unit else None, "instanceType": "Quantity"}

    def scope_global(self) -> dict:
        return {"id": self.id("GeographicScope"), "extensionAttributes": [],
                "type": self.code(cdisc.GLOBAL_SCOPE), "code": None,
                "instanceType": "GeographicScope"}

    def country(self, name):
        found = cdisc.country_code(name)
        return self.code(found, cdisc.ISO_3166_SYSTEM, _iso_version()) if found else None

    # -- the wrapper ------------------------------------------------------------
    def wrapper(self) -> dict:
        ident = self.m.get("identification") or {}
        org_id = ident.get("org_study_id", "")
        return {
            "study": {
                "id": str(uuid.uuid5(STUDY_NAMESPACE, org_id)),
                "extensionAttributes": [],
                "name": org_id or self.m.get("slug", "study"),
                "description": self.text((self.m.get("description") or {}).get("brief_summary"))
                or None,
                "label": ident.get("acronym") or None,
                "versions": [self.version()],
                "documentedBy": [],
                "instanceType": "Study",
            },
            "usdmVersion": USDM_VERSION,
            "systemName": "trialdocs",
            "systemVersion": __version__,
        }

    def version(self) -> dict:
        protocol = self.m.get("protocol") or {}
        version_id = self.id("StudyVersion")
        orgs, identifiers, sponsor_id = self.organizations()
        interventions = self.interventions()
        criteria_items, criteria = self.criteria()
        amendments = self.amendments()
        rationale = ""
        listed = protocol.get("amendments") or []
        if len(listed) > 1 and str(listed[-1].get("version")) == str(protocol.get("version")):
            rationale = self.text(listed[-1].get("summary"))
        return {
            "id": version_id,
            "extensionAttributes": [],
            "versionIdentifier": str(protocol.get("version", "")),
            "rationale": rationale,
            "documentVersionIds": [],
            "dateValues": self.date_values(),
            "amendments": amendments,
            "businessTherapeuticAreas": [],
            "studyIdentifiers": identifiers,
            "referenceIdentifiers": [],
            "studyDesigns": [self.design(interventions, criteria)],
            "titles": self.titles(),
            "eligibilityCriterionItems": criteria_items,
            "narrativeContentItems": [],
            "abbreviations": [],
            "roles": [self.sponsor_role(sponsor_id)] if sponsor_id else [],
            "organizations": orgs,
            "studyInterventions": interventions,
            "administrableProducts": [],
            "medicalDevices": [],
            "productOrganizationRoles": [],
            "biomedicalConcepts": [],
            "bcCategories": [],
            "bcSurrogates": [],
            "dictionaries": [],
            "conditions": [],
            "notes": [],
            "instanceType": "StudyVersion",
        }

    # -- version-level parts ----------------------------------------------------
    def date_values(self) -> list:
        """The version date, as the sponsor's approval date once the protocol is final."""
        protocol = self.m.get("protocol") or {}
        if protocol.get("status") != "final" or not protocol.get("version_date"):
            return []
        return [{"id": self.id("GovernanceDate"), "extensionAttributes": [],
                 "name": "VERSION_DATE", "label": "Protocol version date", "description": None,
                 "type": self.code(cdisc.DATE_TYPE["approval"]),
                 "dateValue": str(protocol["version_date"]),
                 "geographicScopes": [self.scope_global()], "instanceType": "GovernanceDate"}]

    def amendments(self) -> list:
        """Every listed version after the first is an amendment of the one before."""
        listed = (self.m.get("protocol") or {}).get("amendments") or []
        out, previous = [], None
        for number, item in enumerate(listed[1:], start=1):
            amendment_id = self.id("StudyAmendment")
            out.append({
                "id": amendment_id, "extensionAttributes": [],
                "name": f"AMENDMENT_{number}",
                "label": f"Version {item.get('version', '')} of {item.get('date', '')}",
                "description": None,
                "number": str(number),
                "summary": self.text(item.get("summary")),
                "primaryReason": {
                    "id": self.id("StudyAmendmentReason"), "extensionAttributes": [],
                    "code": self.code(cdisc.AMENDMENT_REASON_OTHER),
                    "otherReason": "No reason is given in the protocol source",
                    "instanceType": "StudyAmendmentReason"},
                "secondaryReasons": [], "changes": [], "impacts": [],
                "geographicScopes": [self.scope_global()], "enrollments": [], "dateValues": [],
                "previousId": previous, "notes": [], "instanceType": "StudyAmendment",
            })
            previous = amendment_id
        return out

    def titles(self) -> list:
        ident = self.m.get("identification") or {}
        out = []
        for kind, key in (("brief", "brief_title"), ("official", "official_title"),
                          ("acronym", "acronym")):
            if ident.get(key):
                out.append({"id": self.id("StudyTitle"), "extensionAttributes": [],
                            "text": ident[key], "type": self.code(cdisc.TITLE_TYPE[kind]),
                            "instanceType": "StudyTitle"})
        return out

    def organization(self, name, kind, scheme="", identifier="", address=None, sites=()):
        return {"id": self.id("Organization"), "extensionAttributes": [], "name": name,
                "label": None, "type": self.code(cdisc.ORGANIZATION_TYPE[kind]),
                "identifierScheme": scheme, "identifier": identifier,
                "legalAddress": self.address(address) if address else None,
                "managedSites": list(sites), "instanceType": "Organization"}

    def address(self, address: dict) -> dict:
        return {"id": self.id("Address"), "extensionAttributes": [],
                "text": format_address(address),
                "lines": [address["street"]] if address.get("street") else [],
                "city": address.get("city"), "district": None, "state": address.get("state"),
                "postalCode": address.get("postcode"),
                "country": self.country(address.get("country")), "instanceType": "Address"}

    def organizations(self):
        """The sponsor (who manages the sites), the registries, and the study's ids in them."""
        ident = self.m.get("identification") or {}
        sponsors = self.m.get("sponsors") or {}
        regulatory = self.m.get("regulatory") or {}
        orgs, identifiers = [], []

        def identify(text, org):
            identifiers.append({"id": self.id("StudyIdentifier"), "extensionAttributes": [],
                                "text": text, "scopeId": org["id"],
                                "instanceType": "StudyIdentifier"})

        sponsor_name = (sponsors.get("lead") or {}).get("name") or ident.get("org_name")
        sponsor = None
        if sponsor_name:
            sponsor = self.organization(sponsor_name, "sponsor", address=sponsors.get("address"),
                                        sites=self.sites())
            orgs.append(sponsor)
            if ident.get("org_study_id"):
                identify(ident["org_study_id"], sponsor)
        registries = []
        if ident.get("nct_id"):
            registries.append(("ClinicalTrials.gov", "USGOV", "CT-GOV", ident["nct_id"]))
        if regulatory.get("eu_ct_number"):
            # the register that issued it: CTIS (Regulation) or EudraCT (Directive)
            registries.append((EU_REGISTERS[eu_number_label(regulatory["eu_ct_number"])], "", "",
                               regulatory["eu_ct_number"]))
        for secondary in ident.get("secondary_ids") or []:
            if secondary.get("type") in ("EUDRACT_NUMBER", "CTIS", "REGISTRY"):
                name = secondary.get("domain") or codes.SECONDARY_ID_TYPE[secondary["type"]]
                registries.append((name, "", "", secondary["id"]))
        by_name = {}
        for name, scheme, identifier, text in registries:
            if text in {i["text"] for i in identifiers}:
                continue
            if name not in by_name:
                by_name[name] = self.organization(name, "registry", scheme, identifier)
                orgs.append(by_name[name])
            identify(text, by_name[name])
        return orgs, identifiers, sponsor["id"] if sponsor else None

    def sites(self) -> list:
        """Sites whose country ISO 3166 names (a StudySite needs a coded country)."""
        out = []
        for site in self.m.get("sites") or []:
            country = self.country(site.get("country") or (site.get("address") or {})
                                   .get("country"))
            if country is None:
                continue
            out.append({"id": self.id("StudySite"), "extensionAttributes": [],
                        "name": site.get("id") or site.get("facility") or "site",
                        "label": self.text(site.get("name")) or site.get("facility"),
                        "description": None, "country": country, "instanceType": "StudySite"})
        return out

    def sponsor_role(self, sponsor_id) -> dict:
        return {"id": self.id("StudyRole"), "extensionAttributes": [], "name": "SPONSOR",
                "label": "Sponsor", "description": None, "code": self.code(cdisc.ROLE["sponsor"]),
                "appliesToIds": [], "assignedPersons": [], "organizationIds": [sponsor_id],
                "masking": None, "notes": [], "instanceType": "StudyRole"}

    def interventions(self) -> list:
        out = []
        self.intervention_ids = {}
        for item in self.m.get("interventions") or []:
            intervention_id = self.id("StudyIntervention")
            self.intervention_ids[item.get("id")] = intervention_id
            out.append({
                "id": intervention_id, "extensionAttributes": [],
                "name": item.get("id") or item.get("name"), "label": item.get("name"),
                "description": self.text(item.get("description")) or None,
                "role": self.role_code(item.get("investigational")),
                "type": self.required_code(cdisc.INTERVENTION_TYPE, item.get("type"),
                                           codes.INTERVENTION_TYPE),
                "minimumResponseDuration": None, "codes": [], "administrations": [],
                "notes": [], "instanceType": "StudyIntervention",
            })
        return out

    def criteria(self):
        eligibility = self.m.get("eligibility") or {}
        items, criteria = [], []
        for category in ("inclusion", "exclusion"):
            for n, item in enumerate(eligibility.get(category) or [], start=1):
                name = item.get("id") or f"{category[0].upper()}{n}"
                item_id = self.id("EligibilityCriterionItem")
                items.append({"id": item_id, "extensionAttributes": [], "name": name,
                              "label": None, "description": None, "text": self.text(item.get("text")),
                              "dictionaryId": None, "notes": [],
                              "instanceType": "EligibilityCriterionItem"})
                criteria.append({"id": self.id("EligibilityCriterion"), "extensionAttributes": [],
                                 "name": name, "label": None, "description": None,
                                 "category": self.code(cdisc.CRITERION_CATEGORY[category]),
                                 "identifier": name, "criterionItemId": item_id,
                                 "nextId": None, "previousId": None, "notes": [],
                                 "instanceType": "EligibilityCriterion"})
        usdm_schedule.chain(criteria)
        return items, criteria

    # -- the design -------------------------------------------------------------
    def design(self, interventions: list, criteria: list) -> dict:
        design = self.m.get("design") or {}
        observational = design.get("study_type") == "OBSERVATIONAL"
        kind = "ObservationalStudyDesign" if observational else "InterventionalStudyDesign"
        design_id = self.id(kind)
        ident = self.m.get("identification") or {}
        epochs = self.epochs()
        arms = self.arms()
        elements, cells = self.cells(arms, epochs)
        encounters, activities, timelines = usdm_schedule.schedule(self)
        objectives = self.objectives()
        estimands, populations = self.estimands()
        out = {
            "id": design_id, "extensionAttributes": [],
            "name": f"{ident.get('org_study_id') or 'STUDY'}_DESIGN",
            "label": None,
            "description": None,
            "studyType": self.code(cdisc.STUDY_TYPE[design["study_type"]])
            if design.get("study_type") in cdisc.STUDY_TYPE else None,
            "studyPhase": self.alias(cdisc.PHASE[tuple(design.get("phases") or ())])
            if tuple(design.get("phases") or ()) in cdisc.PHASE else None,
            "therapeuticAreas": [], "characteristics": [],
            "encounters": encounters, "activities": activities,
            "arms": arms, "studyCells": cells,
            "rationale": "",
            "epochs": epochs, "elements": elements, "estimands": estimands, "indications": [],
            "studyInterventionIds": [i["id"] for i in interventions],
            "objectives": objectives,
            "population": self.population(criteria),
            "scheduleTimelines": timelines,
            "biospecimenRetentions": [], "documentVersionIds": [],
            "eligibilityCriteria": criteria, "analysisPopulations": populations, "notes": [],
            "subTypes": [],
        }
        if observational:
            out["model"] = self.required_code({}, design.get("observational_model"),
                                              codes.OBSERVATIONAL_MODEL)
            out["timePerspective"] = self.required_code({}, design.get("time_perspective"),
                                                        codes.TIME_PERSPECTIVE)
            out["samplingMethod"] = None
        else:
            out["model"] = self.required_code(cdisc.INTERVENTION_MODEL,
                                              design.get("intervention_model"),
                                              codes.INTERVENTION_MODEL)
            purpose = design.get("primary_purpose")
            out["intentTypes"] = [self.code(cdisc.INTENT[purpose])] if purpose in cdisc.INTENT \
                else []
            masking = design.get("masking")
            out["blindingSchema"] = self.alias(cdisc.BLINDING[masking]) \
                if masking in cdisc.BLINDING else None
        out["instanceType"] = kind
        return out

    def epochs(self) -> list:
        out = []
        self.epoch_ids = {}
        for epoch in (self.m.get("schedule") or {}).get("epochs") or []:
            epoch_id = self.id("StudyEpoch")
            self.epoch_ids[epoch.get("id")] = epoch_id
            out.append({"id": epoch_id, "extensionAttributes": [], "name": epoch.get("id"),
                        "label": self.text(epoch.get("name")), "description": None,
                        "type": self.code(NOT_GIVEN, cdisc.TRIALDOCS_SYSTEM,
                                          cdisc.TRIALDOCS_VERSION),
                        "previousId": None, "nextId": None, "notes": [],
                        "instanceType": "StudyEpoch"})
        usdm_schedule.chain(out)
        return out

    def arms(self) -> list:
        out = []
        for arm in self.m.get("arms") or []:
            out.append({
                "id": self.id("StudyArm"), "extensionAttributes": [],
                "name": arm.get("id") or arm.get("label"), "label": arm.get("label"),
                "description": self.text(arm.get("description")) or None,
                "type": self.required_code(cdisc.ARM_TYPE, arm.get("type"), codes.ARM_TYPE),
                "dataOriginDescription": "Data collected in this study",
                "dataOriginType": self.code(cdisc.DATA_ORIGIN_IN_STUDY),
                "populationIds": [], "notes": [], "instanceType": "StudyArm",
            })
        return out

    def cells(self, arms: list, epochs: list):
        """One cell per arm and epoch, each with one element naming both."""
        elements, cells = [], []
        for arm in arms:
            for epoch in epochs:
                element_id = self.id("StudyElement")
                elements.append({"id": element_id, "extensionAttributes": [],
                                 "name": f"{arm['name']}.{epoch['name']}",
                                 "label": f"{arm['label']}, {epoch['label']}", "description": None,
                                 "transitionStartRule": None, "transitionEndRule": None,
                                 "studyInterventionIds": [], "notes": [],
                                 "instanceType": "StudyElement"})
                cells.append({"id": self.id("StudyCell"), "extensionAttributes": [],
                              "armId": arm["id"], "epochId": epoch["id"],
                              "elementIds": [element_id], "instanceType": "StudyCell"})
        return elements, cells

    def objectives(self) -> list:
        out = []
        self.endpoint_ids = {}
        for objective in self.m.get("objectives") or []:
            endpoints = []
            for outcome in objective.get("outcomes") or []:
                endpoint_id = self.id("Endpoint")
                if outcome.get("id"):
                    self.endpoint_ids[outcome["id"]] = endpoint_id
                description = self.text(outcome.get("description"))
                if outcome.get("time_frame"):
                    description = (description + "\n\n" if description else "") \
                        + "Time frame: " + self.text(outcome["time_frame"])
                endpoints.append({
                    "id": endpoint_id, "extensionAttributes": [],
                    "name": outcome.get("id") or outcome.get("measure"), "label": None,
                    "description": description or None,
                    "text": self.text(outcome.get("measure")), "dictionaryId": None,
                    "notes": [], "purpose": "",
                    "level": self.required_code(cdisc.ENDPOINT_LEVEL, outcome.get("kind"),
                                                {"other": "Other Pre-specified"}),
                    "instanceType": "Endpoint"})
            out.append({
                "id": self.id("Objective"), "extensionAttributes": [],
                "name": objective.get("id"), "label": None, "description": None,
                "text": self.text(objective.get("text")), "dictionaryId": None, "notes": [],
                "level": self.required_code(cdisc.OBJECTIVE_LEVEL, objective.get("level")),
                "endpoints": endpoints, "instanceType": "Objective"})
        return out

    def estimands(self) -> tuple[list, list]:
        """The protocol's estimands (their fields bear USDM's names) and one analysis
        population each. An estimand whose endpoint is not an outcome of an objective
        is left out: USDM requires its variable of interest."""
        estimands, populations = [], []
        for estimand in self.m.get("estimands") or []:
            endpoint = self.endpoint_ids.get(estimand.get("variable_of_interest"))
            if endpoint is None:
                continue
            population_id = self.id("AnalysisPopulation")
            populations.append({
                "id": population_id, "extensionAttributes": [],
                "name": f"{estimand['id']}-population", "label": None, "description": None,
                "text": self.text(estimand.get("analysis_population")), "subsetOfIds": [],
                "notes": [], "instanceType": "AnalysisPopulation"})
            events = [{"id": self.id("IntercurrentEvent"), "extensionAttributes": [],
                       "name": self.text(event.get("name")), "label": None,
                       "description": self.text(event.get("description")) or None,
                       "text": self.text(event.get("name")), "dictionaryId": None, "notes": [],
                       "strategy": self.text(event.get("strategy")),
                       "instanceType": "IntercurrentEvent"}
                      for event in estimand.get("intercurrent_events") or []]
            estimands.append({
                "id": self.id("Estimand"), "extensionAttributes": [],
                "name": estimand.get("name") or estimand["id"],
                "label": self.text(estimand.get("label")) or None,
                "description": self.text(estimand.get("description"))
                or self.text(estimand.get("treatment")) or None,
                "populationSummary": self.text(estimand.get("population_summary")),
                "analysisPopulationId": population_id,
                "interventionIds": [self.intervention_ids[i] for i in estimand.get("interventions")
                                    or [] if i in self.intervention_ids],
                "variableOfInterestId": endpoint,
                "intercurrentEvents": events, "notes": [], "instanceType": "Estimand"})
        return estimands, populations

    def population(self, criteria: list) -> dict:
        eligibility = self.m.get("eligibility") or {}
        enrollment = (self.m.get("design") or {}).get("enrollment") or {}
        planned = None
        if enrollment.get("type") == "ESTIMATED" and enrollment.get("count") is not None:
            planned = self.quantity(enrollment["count"])
        return {
            "id": self.id("StudyDesignPopulation"), "extensionAttributes": [],
            "name": "STUDY_POPULATION", "label": None,
            "description": self.text(eligibility.get("study_population")) or None,
            "includesHealthySubjects": bool(eligibility.get("healthy_volunteers")),
            "plannedEnrollmentNumber": planned, "plannedCompletionNumber": None,
            "plannedSex": [self.code(cdisc.SEX[eligibility["sex"]])]
            if eligibility.get("sex") in cdisc.SEX else [],
            "criterionIds": [c["id"] for c in criteria],
            "plannedAge": self.age_range(eligibility.get("minimum_age"),
                                         eligibility.get("maximum_age")),
            "notes": [], "cohorts": [], "instanceType": "StudyDesignPopulation"}

    def age_range(self, minimum, maximum):
        """Both limits with a coded unit, or nothing: a USDM Range needs both ends."""
        parsed = [_age(minimum), _age(maximum)]
        if None in parsed or any(unit not in cdisc.AGE_UNIT for _, unit in parsed):
            return None
        low, high = (self.quantity(value, cdisc.AGE_UNIT[unit]) for value, unit in parsed)
        return {"id": self.id("Range"), "extensionAttributes": [], "minValue": low,
                "maxValue": high, "isApproximate": False, "instanceType": "Range"}


def _age(text):
    """'18 Years' -> (18, 'Years'); singular units ('1 Year') count as plural."""
    if not text:
        return None
    number, _, unit = str(text).partition(" ")
    unit = unit if unit.endswith("s") else unit + "s"
    return (int(number), unit) if number.isdigit() else None


@functools.lru_cache(maxsize=1)
def _iso_version() -> str:
    """The ISO 3166 code list's version: the installed pycountry's (read once per process)."""
    from importlib import metadata
    return "pycountry " + metadata.version("pycountry")


def wrapper(model: dict) -> dict:
    """The USDM Wrapper of a protocol model (trialdocs.model.build_model)."""
    return _Builder(model).wrapper()


def render(payload: dict) -> bytes:
    """Renderer of ``usdm.json``: the payload is the Wrapper itself."""
    return (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
