"""Consent documents: one information note + consent form per site and language.

``ELEMENTS`` is the machine-checkable checklist of consent.md §1f: each
element says which regimes require it, when it applies, and which YAML fields
satisfy it (none when the template's fixed wording does, as for the right to
withdraw). ``check`` proves every required element of every declared regime
is present for every form, and scores the readability of the prose;
``targets`` describes the HTML and PDF of each form with exactly the data it
reads, localized, so a change to one site rebuilds that site's forms only.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from .. import codes, designs, locales, planned, regimes, translations
from ..errors import ERROR, WARNING, Diagnostic
from ..load import dotted, texts
from ..model import complete, format_address, language_of, localized, lookup
from ..placeholders import strip as without_placeholders
from ..readability import empty, score
from ..registry.identifiers import eu_number_label
from ..i18n import strings
from ..rules import is_illustrative
from ..targets import Layout, Target

ALL = frozenset(codes.REGIMES)
US_CR, US_FDA, US_HIPAA, ICH, EU, FR, GDPR = (regimes.US_CR, regimes.US_FDA, regimes.US_HIPAA,
                                              regimes.ICH, regimes.EU, regimes.FR, regimes.GDPR)
ICH_R2, EU_CTD = regimes.ICH_R2, regimes.EU_CTD  # the instruments R3 and the CTR replaced


@dataclass(frozen=True)
class Element:
    id: str
    name: str
    regimes: frozenset = ALL
    fields: tuple = ()                     # dotted YAML paths that must hold a value
    when: str = ""                         # name of a condition (CONDITIONS below)
    extra: dict = field(default_factory=dict)  # regime -> more fields it needs

    def applies(self, declared: set, data: dict) -> bool:
        return bool(self.regimes & declared) and (not self.when or CONDITIONS[self.when](data))


def _get(data, dotted_path):
    return lookup(data, *dotted_path.split("."))


CONDITIONS = {
    "female": lambda d: _get(d, "eligibility.sex") in ("FEMALE", "ALL"),
    "act": lambda d: bool(_get(d, "regulatory.us_fda_applicable_clinical_trial")),
    "witness": lambda d: bool(_get(d, "consent.allow_witness")),
    "incapacitated": lambda d: bool(_get(d, "consent.includes_incapacitated")),
    "optional": lambda d: bool(_get(d, "consent.optional")),
    "exclusion": lambda d: bool(_get(d, "consent.exclusion_period")
                                or _get(d, "consent.national_file_registration")),
    "biospecimens": lambda d: bool(_get(d, "consent.biospecimens")),
    "samples": lambda d: bool(_get(d, "consent.biospecimens") or _get(d, "consent.samples")),
    "genetic": lambda d: bool(_get(d, "consent.genetic_testing")),
    "randomized": lambda d: _get(d, "design.allocation") == "RANDOMIZED",
}

E = Element
ELEMENTS = [
    # A. structure and process
    E("STR-KEYINFO", "Key-information section first", ALL, ("consent.key_information",)),
    E("STR-SEPARATE", "Information sheet and consent form are separate", frozenset({FR, EU})),
    E("STR-VERSION", "Version number and date on every page", ALL,
      ("consent.version", "consent.version_date")),
    E("STR-PAGING", "Page X of Y on every page"),
    E("STR-INITIALS", "Initials box on every page of the information sheet", frozenset({FR})),
    E("STR-IDS", "Trial identifiers", ALL, ("identification.org_study_id",),
      extra={EU: ("regulatory.eu_ct_number",), EU_CTD: ("regulatory.eu_ct_number",)}),
    # The trial named by its full scientific title, as the ethics committee and the
    # authority know it (CPP and CTR practice: the information sheet's header).
    E("STR-TITLE", "Official (scientific) title of the trial", frozenset({EU, EU_CTD, FR}),
      ("identification.official_title",)),
    E("STR-INTERVIEW", "Prior interview with a qualified team member", frozenset({EU, EU_CTD, FR}),
      ("consent.interviewer_role",)),
    E("STR-TIME", "Time to decide"),
    # B. content
    E("EL-RESEARCH", "States it is research; experimental aspects identified", ALL, ("consent.why",)),
    # Practice in every template read (CPP "Pourquoi vous propose-t-on de participer ?",
    # NCI "Why am I being asked to take part?", HRA "Why have I been invited?").
    E("EL-WHY-YOU", "Why this person is invited to take part", ALL, ("consent.why_you",)),
    E("EL-PURPOSE", "Purpose / objectives", ALL, ("consent.purpose",)),
    E("EL-METHOD", "Design / methodology", ALL, ("consent.method",)),
    E("EL-RANDOM", "Treatments and probability of random assignment", ALL, when="randomized"),
    E("EL-PROCEDURES", "Procedures, including invasive ones", ALL, ("consent.procedures",)),
    E("EL-DURATION", "Expected duration of participation", ALL, ("consent.duration",)),
    E("EL-OBLIGATIONS", "Participant obligations / constraints", ALL, ("consent.obligations",)),
    E("EL-RISKS", "Foreseeable risks, discomforts, inconveniences", ALL, ("consent.risks",)),
    E("EL-RISK-PREG", "Risks to embryo, foetus or nursing infant; unforeseeable risks", ALL,
      ("consent.pregnancy_risks",), when="female"),
    E("EL-BENEFITS", "Expected benefits (or none)", ALL, ("consent.benefits",)),
    E("EL-ALTERN", "Alternatives", ALL, ("consent.alternatives",)),
    E("EL-AFTER", "Care after the trial, after early stop, after exclusion",
      frozenset({FR, EU, ICH, ICH_R2}), ("consent.after_trial",)),
    E("EL-CONFID", "Confidentiality of records", ALL, ("consent.confidentiality",)),
    E("EL-FDA-INSPECT", "FDA may inspect records", frozenset({US_FDA})),
    E("EL-ACCESS", "Direct access to source records by monitors, auditors, committees, regulators",
      frozenset({ICH, ICH_R2, EU, FR})),
    E("EL-DATA", "Data handling, including after withdrawal; GDPR items",
      frozenset({ICH, ICH_R2, EU, EU_CTD, FR, GDPR}),
      ("consent.data_protection.controller", "consent.data_protection.recipients",
       "consent.data_protection.retention", "consent.data_protection.on_withdrawal"),
      extra={GDPR: ("consent.data_protection.dpo_contact", "consent.data_protection.legal_basis",
                    "consent.data_protection.supervisory_authority")}),
    E("EL-HIPAA", "HIPAA authorization: information, who discloses and receives, purpose, "
      "expiry, revocation", frozenset({US_HIPAA}),
      ("consent.hipaa.information", "consent.hipaa.disclosers", "consent.hipaa.recipients",
       "consent.hipaa.purpose", "consent.hipaa.expiry", "consent.hipaa.revoke_to")),
    E("EL-GINA", "Genetic Information Nondiscrimination Act statement", frozenset({US_CR}),
      when="genetic"),
    E("EL-INJURY", "Compensation / treatment for research injury", ALL, ("consent.injury",),
      extra={FR: ("regulatory.insurance",)}),
    E("EL-CONTACTS", "Contacts: questions, rights, injury; 24/7"),  # checked per site
    E("EL-VOLUNTARY", "Voluntary; refusal or withdrawal without penalty"),
    E("EL-WITHDRAW-CONSEQ", "Consequences and procedure of withdrawal", ALL, ("consent.withdrawal",)),
    E("EL-TERMINATION", "When the investigator or sponsor may end participation", ALL,
      ("consent.termination",)),
    E("EL-COSTS", "Extra costs to the participant", ALL, ("consent.costs",)),
    E("EL-PAYMENT", "Compensation / indemnity for taking part", frozenset({ICH, ICH_R2, FR}),
      ("consent.compensation|consent.payment",)),
    E("EL-NEWINFO", "New findings will be shared"),
    E("EL-NUMBER", "Approximate number of participants", ALL, ("design.enrollment.count",)),
    E("EL-RESULTS", "Access to overall results / lay summary", frozenset({ICH, ICH_R2, EU, FR}),
      ("consent.results",)),
    E("EL-HEALTH-INFO", "Right to access own health information", frozenset({FR})),
    E("EL-ETHICS-AUTH", "Ethics committee opinion and competent authority authorisation",
      frozenset({FR}), ("regulatory.approvals.ethics", "regulatory.approvals.competent_authority")),
    E("EL-FRAMEWORK", "Legal framework of the declared regimes named (French RIPH category)",
      ALL, extra={FR: ("regulatory.riph_category",)}),
    E("EL-EXCLUSION", "No concurrent research / exclusion period / national volunteers file",
      frozenset({FR}), when="exclusion"),
    # What becomes of samples: ICH E6(R3) 2.8.10 and CTR Art. 28-29 on the handling of
    # samples [recalled]; French law on the storage of human biological samples (CSP
    # L1243-3, L1211-2) [recalled]; CPP templates' "Que deviennent vos échantillons ?".
    E("EL-SAMPLES", "Samples: what is kept, how long, where, who may use them, commercial use",
      frozenset({ICH, ICH_R2, EU, EU_CTD, FR}),
      ("consent.samples.kept", "consent.samples.retention", "consent.samples.location",
       "consent.samples.users", "consent.samples.commercial_use"), when="samples"),
    E("EL-FUTURE-USE", "Future use of de-identified data or samples", frozenset({US_CR}),
      ("consent.future_use",)),
    E("EL-COMMERCIAL", "Commercial profit from biospecimens", frozenset({US_CR}),
      ("consent.commercial_use|consent.samples.commercial_use",), when="biospecimens"),
    E("EL-RETURN-RESULTS", "Return of clinically relevant individual results", frozenset({US_CR}),
      ("consent.results_return",)),
    E("EL-WGS", "Whole-genome sequencing", frozenset({US_CR}), ("consent.wgs",), when="biospecimens"),
    E("EL-CTGOV", "Verbatim ClinicalTrials.gov sentence", ALL, when="act"),
    # C. signature page and copies
    E("SIG-PARTICIPANT", "Participant name, signature, date"),
    E("SIG-OBTAINER", "Person obtaining consent: name, role, signature, date",
      frozenset({ICH, ICH_R2, EU, FR})),
    E("SIG-WITNESS", "Impartial witness block", ALL, when="witness"),
    E("SIG-LAR", "Legally authorised representative block", ALL, when="incapacitated"),
    E("SIG-OPTIONAL", "Separate opt-in for optional parts", ALL, when="optional"),
    E("SIG-COPY", "Copy to participant"),
    E("SIG-VERSION-REF", "Consent form cites the information sheet version and date",
      frozenset({FR})),
]

# Which template strings carry a fixed-wording element (for the evidence a test looks for).
FIXED_TEXT = {
    "STR-TIME": "time_to_decide", "EL-VOLUNTARY": "voluntary", "EL-NEWINFO": "new_information",
    "EL-HEALTH-INFO": "health_information", "EL-ACCESS": "access_statement",
    "EL-FDA-INSPECT": "fda_inspect", "EL-CTGOV": "ctgov_sentence", "SIG-PARTICIPANT": "participant",
    "SIG-OBTAINER": "person_obtaining", "SIG-WITNESS": "witness", "SIG-LAR": "representative",
    "SIG-OPTIONAL": "optional_choice", "STR-SEPARATE": "consent_form_title",
    "EL-RESEARCH": "research_statement", "SIG-COPY": "copies", "EL-GINA": "gina",
}

# Sections scored for readability: YAML fields holding patient prose, in order.
PROSE_SECTIONS = ["key_information", "why", "why_you", "purpose", "method", "procedures",
                  "invasive_procedures", "duration", "obligations", "benefits", "risks",
                  "pregnancy_risks", "alternatives", "after_trial", "termination", "costs",
                  "compensation", "injury", "confidentiality", "withdrawal", "results"]
DEFAULT_TARGETS = {"en": {"fkgl_max": 8.0, "fre_min": 60.0}, "fr": {"km_min": 60.0}}


def regime_elements(regime: str) -> list:
    """The consent elements one regime requires (the ELEMENTS table's column)."""
    return [e for e in ELEMENTS if regime in e.regimes]


def declared_regimes(data) -> set:
    return set(_get(data, "regulatory.regimes") or [])


def _present(value) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, (str, list, dict)):
        return bool(value)
    return True


def required_elements(data):
    declared = declared_regimes(data)
    return [e for e in ELEMENTS if e.applies(declared, data)]


# -- check ----------------------------------------------------------------------

def check(checked) -> None:
    source, data = checked.source, checked.source.data
    declared = declared_regimes(data)
    for element in required_elements(data):
        names = ", ".join(codes.REGIMES[r] for r in sorted(element.regimes & declared))
        needed = list(element.fields)
        for regime, more in element.extra.items():
            if regime in declared:
                needed += list(more)
        for path in needed:
            # "a|b": either field satisfies the element
            alternatives = path.split("|")
            if any(_present(_get(data, p)) for p in alternatives):
                continue
            first, shown = alternatives[0], " or ".join(alternatives)
            parent = tuple(first.split(".")[:-1])
            where = source.where_key(parent) if parent else source.where(())
            checked.diagnostics.append(Diagnostic(
                *where, ERROR, first,
                f"consent element {element.id} ({element.name}) is missing",
                f"required by {names}; add {shown}", code="consent"))
    if FR in declared and not _get(data, "consent.initials_every_page"):
        checked.diagnostics.append(Diagnostic(
            *source.where(("consent", "initials_every_page")), WARNING,
            "consent.initials_every_page",
            "French practice asks for the participant's initials on every page"))
    for site_index, site in enumerate(data.get("sites") or []):
        lacking = [what for what, present in (
            ("an investigator", site.get("investigator")),
            ("a phone or e-mail", site.get("phone") or site.get("email")),
            ("a 24/7 emergency phone (sites[].emergency_phone or consent.emergency_phone)",
             site.get("emergency_phone") or _get(data, "consent.emergency_phone"))) if not present]
        if lacking:
            checked.diagnostics.append(Diagnostic(
                *source.where(("sites", site_index)), ERROR, f"sites[{site_index}]",
                f"consent element EL-CONTACTS (Contacts: questions, rights, injury; 24/7) is "
                f"missing for site '{site.get('id')}'",
                "the site's consent forms need " + ", ".join(lacking), code="consent"))
    if _get(data, "design.allocation") == "RANDOMIZED":
        for index, arm in enumerate(data.get("arms") or []):
            if isinstance(arm, dict) and not arm.get("lay"):
                checked.diagnostics.append(Diagnostic(
                    *source.where(("arms", index)), ERROR, f"arms[{index}].lay",
                    f"arm '{arm.get('id')}' has no description for participants",
                    "a randomized trial's consent form lists its groups in the participants' "
                    "words; add arms[].lay", code="consent"))
    _check_names(checked)
    _check_title_language(checked)
    _check_exculpatory(checked)
    _check_regime_terms(checked)
    _check_readability(checked)


def patient_facing_people(data) -> dict:
    """The people a consent form names, by id: what each is there (coordinating
    investigator, investigator of a site)."""
    shown = {}
    for official in data.get("officials") or []:
        if official.get("role") == "PRINCIPAL_INVESTIGATOR" and official.get("person"):
            shown.setdefault(official["person"], []).append("the coordinating investigator")
    for site in data.get("sites") or []:
        if site.get("investigator"):
            shown.setdefault(site["investigator"], []).append(
                f"the investigator of site '{site.get('id')}'")
    return shown


def _check_title_language(checked):
    """The official title is a registry text (English): a form in another language shows
    it in English unless identification.local.<lang>.official_title gives it."""
    data = checked.source.data
    ident = data.get("identification") or {}
    title = ident.get("official_title")
    if not isinstance(title, str) or not without_placeholders(title).strip():
        return   # none, or a placeholder (warned as such)
    for lang in _get(data, "protocol.languages") or []:
        if translations.language(ident, "official_title", lang) != lang:
            checked.diagnostics.append(Diagnostic(
                *checked.source.where(("identification", "official_title")), WARNING,
                "identification.official_title",
                f"language leak: the consent form ({lang}) would show "
                f"identification.official_title in English, the registry's language",
                f"give the text in '{lang}' as local.{lang}.official_title beside it",
                code="consent"))


def _check_names(checked):
    """A person a participant reads about needs a given name or an honorific: a bare
    family name ("Investigator at your site: Bornes") reads as a gap in the form."""
    data = checked.source.data
    shown = patient_facing_people(data)
    for index, person in enumerate(data.get("people") or []):
        roles = shown.get(person.get("id"))
        if roles and not (person.get("first_name") or person.get("honorific")):
            checked.diagnostics.append(Diagnostic(
                *checked.source.where(("people", index)), WARNING, f"people[{index}]",
                f"person '{person.get('id')}' is named on the consent forms "
                f"({', '.join(roles)}) by the family name only: '{person.get('last_name')}'",
                f"add first_name (the given name) or honorific ({', '.join(codes.HONORIFIC)}), "
                f"taken from a source you trust (the forms print the name as given)", code="consent"))


EXCULPATORY = ["waive", "release from liability", "releases the sponsor", "hold harmless",
               "renonce à tout recours", "renoncer à tout recours", "dégage la responsabilité",
               "dégager la responsabilité"]


def _check_exculpatory(checked):
    """STR-NO-EXCULP: no wording that makes a participant give up rights."""
    for path, text in texts(checked.source.data.get("consent") or {}, ("consent",)):
        lowered = text.lower()
        for phrase in EXCULPATORY:
            if phrase in lowered:
                checked.diagnostics.append(Diagnostic(
                    *checked.source.where(path), ERROR, dotted(path),
                    f"exculpatory wording '{phrase}' (consent element STR-NO-EXCULP)",
                    "a consent form may not make the participant waive rights", code="consent"))


def _check_regime_terms(checked):
    """A consent text may not promise what only an undeclared regime gives (CTIS under
    the EU Directive): the regime's own sentence says it, when the regime is declared."""
    declared = declared_regimes(checked.source.data)
    for path, text in texts(checked.source.data.get("consent") or {}, ("consent",)):
        for term, regime in regimes.foreign_terms(text, declared):
            checked.diagnostics.append(Diagnostic(
                *checked.source.where(path), WARNING, dotted(path),
                f"mentions '{term}', which belongs to {codes.REGIMES[regime]} ({regime}), "
                "not a declared regime",
                "remove it: the consent form says where results are published, as the "
                "declared regimes ask", code="consent"))


def readability(data, lang):
    """Per-section and overall scores of one language's consent prose."""
    consent = data.get("consent") or {}
    sections = {}
    for key in PROSE_SECTIONS:
        value = consent.get(key)
        if key == "risks":
            texts = [localized(r.get("text"), lang) for r in value or []]
        elif key == "obligations":
            texts = [localized(v, lang) for v in value or []]
        else:
            texts = [localized(value, lang)] if value else []
        # a placeholder is no prose to score (check reports it as a placeholder)
        texts = [t for t in (without_placeholders(t) for t in texts if t) if t.strip()]
        if texts:
            sections[key] = sum((score(t, lang) for t in texts), empty())
    return sections


def _targets_for(data, lang):
    configured = _get(data, f"consent.readability.{lang}") or {}
    return {**DEFAULT_TARGETS.get(lang, {}), **configured}


def _check_readability(checked):
    data = checked.source.data
    languages = _get(data, "protocol.languages") or []
    sites = [s.get("id") for s in data.get("sites") or []]
    for lang in languages:
        sections = readability(data, lang)
        if not sections:
            continue
        targets = _targets_for(data, lang)
        total = sum(sections.values(), empty())
        for key, result in sections.items():
            path = ("consent", key)
            if lang == "en":
                if result.fk_grade > targets["fkgl_max"] or result.flesch < targets["fre_min"]:
                    checked.diagnostics.append(Diagnostic(
                        *checked.source.where(path), WARNING, dotted(path),
                        f"English text is harder than the target: Flesch-Kincaid grade "
                        f"{result.fk_grade:.1f} (target ≤ {targets['fkgl_max']:g}), reading ease "
                        f"{result.flesch:.0f} (target ≥ {targets['fre_min']:g})",
                        "shorter sentences and everyday words", code="readability"))
            elif lang == "fr" and result.kandel_moles < targets["km_min"]:
                checked.diagnostics.append(Diagnostic(
                    *checked.source.where(path), WARNING, dotted(path),
                    f"French text is harder than the target: Kandel-Moles {result.kandel_moles:.0f} "
                    f"(target ≥ {targets['km_min']:g})",
                    "phrases plus courtes, mots courants", code="readability"))
        figures = (f"Flesch reading ease {total.flesch:.1f}, Flesch-Kincaid grade {total.fk_grade:.1f}"
                   if lang == "en" else f"Kandel-Moles {total.kandel_moles:.1f}")
        # The prose is the same for every site: one line per language, not per form.
        forms = f"{len(sites)} site(s)" if len(sites) != 1 else f"site {sites[0]}"
        checked.notes.append(f"readability {checked.slug} consent, {lang} ({forms}): {figures} "
                             f"({total.words} words, {total.sentences} sentences)")


# -- targets ----------------------------------------------------------------------

def _format_date(iso: str, lang: str, country: str | None = None) -> str:
    return locales.format_date(iso, lang, country)


def _localize_all(value, lang):
    """A consent block with every localized mapping reduced to one language's text."""
    if isinstance(value, dict):
        if value and set(value) <= set(codes.LANGUAGES):
            return value.get(lang, "")
        return {k: _localize_all(v, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [_localize_all(v, lang) for v in value]
    return value


def context(model: dict, site: dict, lang: str) -> dict:
    """Exactly what one form reads: this site, this language, the shared study facts."""
    from ..schema import SCHEMA

    protocol = model["protocol"]
    consent = complete(model.get("consent") or {}, SCHEMA["consent"])
    regulatory = model.get("regulatory") or {}
    declared = set(regulatory.get("regimes") or [])
    ident = model.get("identification") or {}
    coordinator = next((o for o in model.get("officials") or []
                        if o.get("role") == "PRINCIPAL_INVESTIGATOR"), None)
    investigator = site.get("investigator_person") or {}
    approvals = regulatory.get("approvals") or {}
    insurance = regulatory.get("insurance")
    schedule = model.get("schedule") or {}
    visits = []
    for visit in schedule.get("visits") or []:
        names = [localized(p.get("lay_name") or p.get("name"), lang)
                 for p in schedule.get("procedures") or [] if visit["id"] in (p.get("visits") or [])]
        visits.append({"name": localized(visit.get("lay_name") or visit.get("name"), lang),
                       "procedures": list(dict.fromkeys(names))})  # one "Blood test", not two
    illustrative = protocol.get("illustrative") or []
    own_title = localized(consent.get("title"), lang)
    title = own_title or ident.get("brief_title") or protocol["title"]
    country = ((site.get("address") or {}).get("country") or site.get("country") or "")
    s = strings(lang)
    order = [r for r in regimes.REGIMES if r in declared]
    approval, approval_statement = regimes.approval_vocabulary(order)

    def date(iso):
        return _format_date(iso, lang, country)

    coordinator_person = (coordinator or {}).get("person_data")
    return {
        "doc": {
            "title": f"{title} ({localized(site.get('name'), lang) or site.get('facility')})",
            "author": model["sponsors"]["lead"]["name"],
            "description": strings(lang)["consent_doc_title"],
            "date": consent.get("version_date") or protocol["version_date"],
            "kind": "consent",
            "draft": protocol.get("status") == "draft",
            "illustrative_notice": localized(protocol.get("illustrative_notice"), lang)
            if illustrative else "",
        },
        "version": consent.get("version", protocol["version"]),
        "version_date": date(consent.get("version_date") or protocol["version_date"]),
        "initials_every_page": bool(consent.get("initials_every_page")),
        "study": {
            "title": title,
            "title_lang": lang if own_title else language_of(title, lang),
            # the full scientific title, in this language where the protocol gives it
            "official_title": translations.variant(ident, "official_title", lang) or "",
            "official_title_lang": translations.language(ident, "official_title", lang),
            "sponsor": model["sponsors"]["lead"]["name"],
            "sponsor_address": format_address((model.get("sponsors") or {}).get("address")),
            "coordinator": locales.person_name(coordinator_person, lang) if coordinator_person
            else (coordinator or {}).get("name", ""),
            "org_study_id": ident.get("org_study_id"),
            "nct_id": ident.get("nct_id"),
            "eu_ct_number": regulatory.get("eu_ct_number"),
            "eu_ct_label": eu_number_label(regulatory.get("eu_ct_number")),
            "id_rcb": regulatory.get("id_rcb"),
            # as of this version: the planned number, not the registry's actual one (planned.py)
            "enrollment": planned.enrollment(model)
            if planned.enrollment(model) is not None
            else ((model.get("design") or {}).get("enrollment") or {}).get("count"),
            "n_sites": len(model.get("sites") or []),
        },
        "design": designs.consent_context(model, lang, s),
        "site": {
            "id": site["id"],
            "name": localized(site.get("name"), lang) or site.get("facility") or site["id"],
            "department": localized(site.get("department"), lang),
            "address": format_address(site.get("address")),
            "phone": site.get("phone") or investigator.get("phone"),
            "email": site.get("email") or investigator.get("email"),
            "emergency_phone": site.get("emergency_phone") or consent.get("emergency_phone"),
            "investigator": locales.person_name(investigator, lang),
            # one person in both roles is named once, under both labels
            "investigator_is_coordinator": bool(investigator.get("id"))
            and investigator.get("id") == (coordinator_person or {}).get("id"),
        },
        "c": _localize_all({k: v for k, v in consent.items() if k != "readability"}, lang),
        # what the declared regimes print (trialdocs.regimes): i18n keys by section
        "regime_text": {section: regimes.consent_strings(order, section)
                        for section in ("confidentiality", "rights")}
        | {"results": regimes.results_strings(order)},
        # the legal framework each declared regime names (trialdocs.regimes.framework)
        "framework": regimes.framework(order, model, s),
        "regimes": {"gdpr": GDPR in declared, "hipaa": US_HIPAA in declared,
                    "common_rule": US_CR in declared,
                    "act": bool(regulatory.get("us_fda_applicable_clinical_trial"))},
        "approval_keys": {"sentence": approval, "statement": approval_statement},
        "approvals": {
            "ethics": {**approvals["ethics"], "date": date(approvals["ethics"]["date"])}
            if approvals.get("ethics") else None,
            "authority": {**approvals["competent_authority"],
                          "date": date(approvals["competent_authority"]["date"])}
            if approvals.get("competent_authority") else None,
        } if approvals else None,
        "payment": _payment(consent.get("payment"), schedule, lang, country),
        "insurance": {"insurer": insurance["insurer"], "policy_number": insurance["policy_number"],
                      "address": format_address(insurance.get("address"))} if insurance else None,
        "rights_office": _localize_all(consent.get("rights_office"), lang),
        "visits": visits,
        "us_sections": [(k, t) for k, t in (("future_use", "future_use"),
                                            ("commercial_use", "commercial"),
                                            ("results_return", "results_return"), ("wgs", "wgs"))
                        if consent.get(k) and US_CR in declared],
        "gina": bool(consent.get("genetic_testing")) and US_CR in declared,
        "masked": "masked" in [f.id for f in designs.active(model)],
        "illustrative_content": is_illustrative(illustrative, ("consent",)),
        # the protocol's version history (protocol.amendments), oldest first
        "history": [{"version": a["version"], "date": _format_date(a["date"], lang),
                     "summary": localized(a.get("summary"), lang)}
                    for a in protocol.get("amendments") or []],
        # fields the catalogue declares shown in the consent (show=), and their headings
        "fields": _catalogue().document_fields(model, "consent", lang),
        "labels": _catalogue().document_labels("consent", lang),
    }


def _payment(payment, schedule, lang, country):
    """The payment table: one row per paid visit (its patient name), the total, the terms."""
    if not payment:
        return None
    visits = {v["id"]: localized(v.get("lay_name") or v.get("name"), lang)
              for v in schedule.get("visits") or []}
    currency = payment["currency"]
    rows = [{"visit": visits.get(row["visit"], row["visit"]),
             "amount": locales.format_amount(row["amount"], currency, lang, country)}
            for row in payment.get("per_visit") or []]
    total = payment.get("total")
    if total is None:
        total = sum(row["amount"] for row in payment.get("per_visit") or [])
    return {"rows": rows, "total": locales.format_amount(total, currency, lang, country),
            "prorated": localized(payment.get("prorated"), lang),
            "when": localized(payment.get("when"), lang)}


LAYOUT = Layout("consent/consent.html", css=("style/document.css", "style/consent.css"),
                print_css=("style/print.css", "style/consent-print.css"),
                fields=(("c", "consent"), ("rights_office", "consent.rights_office")))


def targets(model: dict) -> list[Target]:
    out = []
    for site in model.get("sites") or []:
        for lang in model["protocol"]["languages"]:
            out += LAYOUT.targets(f"consent/{site['id']}.{lang}", "consent", lang,
                                  context(model, site, lang), site["id"])
    return out


def _plain_text(markdown_text: str) -> str:
    """What a reader sees of a Markdown text: its words, without markup."""
    from ..render import markdown  # only when building: check imports no renderer

    rendered = re.sub(r"<[^>]+>", " ", str(markdown(markdown_text)))
    return re.sub(r"\s+", " ", html.unescape(rendered)).strip()


def element_evidence(model: dict, site_id: str, lang: str) -> dict:
    """For each required element, texts that must appear in that form (used by tests)."""
    s = strings(lang)
    site = next(x for x in model["sites"] if x["id"] == site_id)
    ctx = context(model, site, lang)
    c = ctx["c"]
    evidence = {}
    for element in required_elements(model):
        found = []
        if element.id in FIXED_TEXT:
            found.append(s[FIXED_TEXT[element.id]])
        for alternatives in element.fields:
            path = next((p for p in alternatives.split("|")
                         if _present(_get({**model, "consent": c}, p))), alternatives)
            value = _get({**model, "consent": c}, path)
            if isinstance(value, list) and value:
                value = value[0].get("text") if isinstance(value[0], dict) else value[0]
            if isinstance(value, str) and path.startswith("consent.") and \
                    path not in ("consent.version", "consent.version_date"):
                found.append(_plain_text(value))
        if element.id == "STR-VERSION":
            found.append(f"{s['version']} {ctx['version']} {s['dated']} {ctx['version_date']}")
        if element.id == "STR-PAGING":
            found.append(f"{s['page']} 1 {s['of']}")
        if element.id == "STR-INITIALS":
            found.append(s["initials"])
        if element.id == "STR-TITLE":
            found.append(ctx["study"]["official_title"])
        if element.id == "STR-IDS":
            found.append(ctx["study"]["org_study_id"])
        if element.id == "EL-CONTACTS":
            found += [ctx["site"]["investigator"], ctx["site"]["emergency_phone"]]
        if element.id == "EL-NUMBER":
            found.append(str(ctx["study"]["enrollment"]))
        if element.id == "EL-FRAMEWORK":
            found += ctx["framework"]
        if element.id == "EL-ETHICS-AUTH":
            found.append(ctx["approvals"]["ethics"]["committee"])
        if element.id == "EL-INJURY" and ctx["insurance"]:
            found.append(ctx["insurance"]["policy_number"])
        if element.id == "SIG-VERSION-REF":
            found.append(s["consent_statements"]["read"].format(version=ctx["version"],
                                                                date=ctx["version_date"]))
        if element.id == "EL-RANDOM":
            found.append(s["randomized_statement"])
            found += [a["chance"] for a in ctx["design"]["allocation"]]
        if element.id == "EL-DATA":
            found.append(c["data_protection"]["controller"])
        if element.id == "EL-HIPAA":
            found += [s["hipaa"]["title"], c["hipaa"]["recipients"]]
        if element.id == "EL-EXCLUSION":
            found.append(c.get("exclusion_period") or s["national_file"])
        evidence[element.id] = [f for f in found if f]
    return evidence


def _catalogue():
    """The field catalogue's reader, imported when a document is rendered, not on ``check``."""
    from .. import catalogue

    return catalogue
