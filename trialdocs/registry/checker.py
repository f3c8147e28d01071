"""The registry checker: what PRS would refuse or its reviewers would question.

Runs as part of ``trialdocs check`` for protocols that ask for registry
output (``protocol.documents`` holds ``registry``). It implements registry.md
§5.1 (mechanical checks, errors or warnings as marked there) and §5.2 (content
heuristics, always warnings). What the schema and ``rules.py`` already say
(codes, date order and date types against the status, phase pairs, masking
roles, arm/intervention references, ages, why_stopped, enrollment against the
status) is not said twice; rule numbers in messages are those of §5.1.

Every message names the field (its protocol path and its PRS label), points
at the YAML line, and gives the limit or the rule. The checker may meet data
the schema rejected (it runs even then, so one run shows every problem), so
it reads everything through type-checking accessors and never assumes a type.

An imported protocol lists in ``protocol.imported.known_gaps`` the paths its
registry record lacks; errors at those paths are reported as warnings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import replace

from .. import codes
from ..errors import ERROR, WARNING, Diagnostic
from ..model import lookup
from ..load import Source, dotted
from ..placeholders import strip as without_placeholders
from ..rules import STARTED
from ..schema import SCHEMA
from . import markup
from .limits import LIMITS, limit_for

FINAL_RULE = dt.date(2017, 1, 18)   # *§ fields: required when the study starts on or after it
OPEN = {"NOT_YET_RECRUITING", "RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING",
        "SUSPENDED"}
CONTACT_NEEDED = {"NOT_YET_RECRUITING", "RECRUITING"}
US_NAMES = {"united states", "usa", "us", "u.s.", "u.s.a.", "united states of america"}
VAGUE_TITLES = {"safety", "tolerability", "feasibility", "efficacy", "satisfaction",
                "safety and tolerability", "safety and efficacy", "efficacy and safety"}
VAGUE_FRAMES = re.compile(r"\b(end of (the )?(study|trial|treatment)|post[- ]?intervention|"
                          r"study completion|throughout (the )?study|duration of (the )?study)\b", re.I)
RESULTS = re.compile(r"\b(results (showed|show|indicate|demonstrated)|we (found|showed|observed)|"
                     r"was (found to be )?(effective|superior|safe and effective)|"
                     r"significantly (improved|reduced|increased|decreased)|"
                     r"statistically significant|in conclusion|p ?[<=] ?0?\.\d)", re.I)
PAYMENT = re.compile(r"(\$\s?\d|€\s?\d|\b\d+\s?(dollars|euros)\b|\bgift cards?\b|\bstipends?\b|"
                     r"\b(will|to) be (paid|compensated|reimbursed)\b|\bpayment for (your )?"
                     r"(time|participation)\b|\bcompensat(ed|ion) for (your )?(time|participation)\b)",
                     re.I)
PROMOTIONAL = re.compile(r"\b(breakthrough|revolutionary|cutting[- ]edge|state[- ]of[- ]the[- ]art|"
                         r"miracle|groundbreaking|life[- ]changing|world[- ]class|best[- ]in[- ]class)\b",
                         re.I)
AIM_WORDS = re.compile(r"^\s*(to (assess|evaluate|determine|investigate|examine|explore|measure|"
                       r"compare|study))\b", re.I)
WELL_KNOWN = {"HIV", "AIDS", "COVID-19", "DNA", "RNA", "USA", "UK", "US", "II", "III", "IV"}
ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "1": "1", "2": "2", "3": "3", "4": "4"}
PHASE_TEXT = re.compile(r"\bphase\s+(IV|III|II|I|[1-4])[ab]?\b(?:\s*(?:/|-|and|to)\s*(?:phase\s+)?"
                        r"(IV|III|II|I|[1-4])[ab]?\b)?", re.I)
NUMBER_ONLY = re.compile(r"^\s*\d+([.,]\d+)?\s*$")


# "Hopital Tenon", "Massachusetts General Hospital", "CHU de Nantes": an institution, not a region.
HOSPITAL_LIKE = re.compile(r"\b(h[oôó]s?pita\w*|clini[cq]\w*|infirmary|medical cent\w+|"
                           r"universit\w*|institut\w*|CHU|CHRU|APHP|AP-HP|NHS)\b", re.I)
# UTF-8 read as Latin-1 or Windows-1252 ("Ã©", "â€™"), Big5 read as Latin-1 ("¡¦"),
# and the replacement character of a failed decoding.
MOJIBAKE = re.compile(r"Ã[\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u017d\u017e\u0178]"
                      r"|Â[\u00a0-\u00bf]|â€.?|[\u00a1-\u00bf]{2}(?=\w|\s|$)|\ufffd")
HTML_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,30}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
# A character one of the two needs: most texts have none and are passed with one search.
SUSPECT = re.compile("[\u00c3\u00c2\u00e2\u00a1-\u00bf\ufffd&]")


def _folded(value) -> str:
    """Text compared loosely: 'Mékinian' and 'MEKINIAN ' are the same name."""
    text = unicodedata.normalize("NFKD", _text(value).strip().casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def _date(text):
    if not isinstance(text, str):
        return None
    match = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$", text)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3] or 1))
    except ValueError:
        return None


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _seq(value) -> list:
    return value if isinstance(value, list) else []


class RegistryChecker:
    def __init__(self, source: Source, today: dt.date | None = None):
        self.source = source
        self.data = source.data if isinstance(source.data, dict) else {}
        self.today = today or dt.date.today()
        self.out: list[Diagnostic] = []

    # -- access and reporting --------------------------------------------------
    def _texts(self) -> list:
        """Every text of the data, as load.texts walks it (once per check, shared)."""
        return self.source.texts() if self.data is self.source.data else []

    def get(self, *path, default=None):
        return lookup(self.data, *path, default=default)

    def items(self, *path):
        value = self.get(*path)
        return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] \
            if isinstance(value, list) else []

    def report(self, path, message, severity=ERROR, hint="", at=None):
        file, line, col = self.source.where(at if at is not None else path)
        self.out.append(Diagnostic(file, line, col, severity, dotted(path), message, hint,
                                   code="registry"))

    def warn(self, path, message, hint="", at=None):
        self.report(path, message, WARNING, hint, at)

    def missing(self, path, label, why, severity=ERROR, hint=""):
        """A required field is absent: reported at its parent's line, named by its own path.

        When its whole top-level block is absent and the schema requires that
        block, the schema has said so already (often a misspelt block name):
        one message for one mistake.
        """
        top = path[0]
        if top not in self.data and SCHEMA.get(top, {}).get("required"):
            return
        self.report(path, f"{label} is missing; {why}", severity, hint)

    # -- run ---------------------------------------------------------------------
    def run(self) -> list[Diagnostic]:
        self.study_type = _text(self.get("design", "study_type")) or None
        self.status = _text(self.get("status", "overall_status")) or None
        self.start = _date(self.get("status", "start_date", "date"))
        self.final_rule = self.start is None or self.start >= FINAL_RULE
        self.limits()
        self.required()
        self.codes_for_prs()
        self.dates_and_verification()
        self.arms_and_interventions()
        self.outcomes()
        self.eligibility()
        self.sites_and_contacts()
        self.data_entry()
        self.responsible_party()
        self.devices()
        self.identifiers()
        self.ipd()
        self.content()
        return self.out

    # -- rule 2: limits --------------------------------------------------------------
    def limits(self):
        by_top = {}
        for path, value in self._texts():
            by_top.setdefault(path[0], []).append((path, value))
        for top in {key[0] for key in LIMITS}:
            if top in self.data:
                for path, value in by_top.get(top, ()):
                    limit = limit_for(path)
                    if limit:
                        self._limit(path, value, limit)
        criteria_path = ("eligibility", "criteria_markdown") if self.get("eligibility", "criteria_markdown") \
            else ("eligibility",)
        from .ctgov_json import eligibility_markdown

        eligibility = self.get("eligibility")
        if isinstance(eligibility, dict):
            try:
                text = eligibility_markdown(eligibility)
            except (AttributeError, TypeError):
                text = None
            if isinstance(text, str):
                self._limit(criteria_path, text, LIMITS[("eligibility", "criteria")])

    def _limit(self, path, text, limit):
        n = markup.count(text)
        if n <= limit.chars:
            return
        if limit.confirmed:
            self.report(path, f"{limit.label} is {n:,} characters; ClinicalTrials.gov allows "
                        f"{limit.chars:,} (rule 2, counted on the PRS plain text)")
        else:
            self.warn(path, f"{limit.label} is {n:,} characters; ClinicalTrials.gov allows "
                      f"{limit.chars:,} as far as we know (rule 2; limit not confirmed, "
                      "so a warning)")

    # -- rule 1: required fields --------------------------------------------------------
    def required(self):
        registered = self.study_type in ("INTERVENTIONAL", "OBSERVATIONAL")
        if registered and not self.get("status", "primary_completion_date"):
            self.missing(("status", "primary_completion_date"), "Primary Completion Date",
                         "PRS requires it (rule 1)")
        if registered and self.final_rule and not self.get("status", "completion_date"):
            self.missing(("status", "completion_date"), "Study Completion Date",
                         "PRS requires it for studies starting on or after 2017-01-18 (rule 1)")
        if self.final_rule and not self.get("identification", "official_title"):
            self.missing(("identification", "official_title"), "Official Title",
                         "PRS requires it for studies starting on or after 2017-01-18 (rule 1)")
        if self.final_rule:
            for key, label in (
                    ("is_fda_regulated_drug", "The answer to 'Studies a U.S. FDA-regulated Drug Product'"),
                    ("is_fda_regulated_device",
                     "The answer to 'Studies a U.S. FDA-regulated Device Product'")):
                if not isinstance(self.get("oversight", key), bool):
                    self.missing(("oversight", key), label, "PRS requires a yes/no answer for "
                                 "studies starting on or after 2017-01-18 (rule 1)")
        if self.study_type == "OBSERVATIONAL":
            for path, label in ((("design", "observational_model"), "Observational Study Model"),
                                (("design", "time_perspective"), "Time Perspective"),
                                (("design", "enrollment"), "Enrollment"),
                                (("eligibility", "study_population"), "Study Population Description"),
                                (("eligibility", "sampling_method"), "Sampling Method")):
                if not self.get(*path):
                    self.missing(path, label, "PRS requires it for an observational study (rule 1)")
        if self.get("eligibility", "gender_based") is True and not self.get("eligibility", "gender_description"):
            self.missing(("eligibility", "gender_description"), "Sex/Gender Eligibility Description",
                         "PRS requires it when eligibility is based on gender (rule 1)")
        if self.get("status", "has_expanded_access") is True and not self.get("status", "expanded_access_nct_id"):
            self.warn(("status", "expanded_access_nct_id"), "Expanded Access Record NCT Number is "
                      "missing; PRS asks for it when expanded access is available (rule 1)")

    # -- rule 3: codes PRS does not take -------------------------------------------------
    def codes_for_prs(self):
        if self.status in codes.DERIVED_STATUS:
            self.report(("status", "overall_status"),
                        f"{self.status} is set by ClinicalTrials.gov, never submitted (rule 3)",
                        hint="give the real recruitment status")
        if self.get("design", "primary_purpose") == "ECT":
            self.warn(("design", "primary_purpose"), "ECT (Educational/Counseling/Training) is a "
                      "legacy code PRS no longer offers (rule 3)", "choose another primary purpose")
        for i, ref in self.items("references"):
            if ref.get("type") == "DERIVED":
                self.warn(("references", i, "type"), "DERIVED references are added by "
                          "ClinicalTrials.gov from PubMed; this one is left out of ctgov.json and "
                          "prs.xml (rule 3)")

    # -- rules 6 and 8 (what rules.py does not say) ------------------------------------
    def dates_and_verification(self):
        this_month = self.today.replace(day=1)
        for key, label in (("start_date", "Study Start Date"),
                           ("primary_completion_date", "Primary Completion Date"),
                           ("completion_date", "Study Completion Date")):
            day = _date(self.get("status", key, "date"))
            said_by_rules = (key == "start_date" and self.status in STARTED) or \
                (key != "start_date" and self.status == "COMPLETED")
            if day and self.get("status", key, "type") == "ESTIMATED" and day < this_month \
                    and not said_by_rules:
                self.warn(("status", key, "date"),
                          f"{label} {self.get('status', key, 'date')} is past but still ESTIMATED "
                          "(rule 6)", "give the actual date, or a new anticipated one")
        verified = _date(self.get("status", "verified_date"))
        if verified and self.status in OPEN and (self.today - verified).days > 366:
            self.warn(("status", "verified_date"),
                      f"Record Verification Date {self.get('status', 'verified_date')} is more than "
                      "12 months old for an open study (rule 8)",
                      "ClinicalTrials.gov shows 'Unknown status' after 2 years without verification")

    # -- rules 9 and 11 (completing rules.py) --------------------------------------------
    def arms_and_interventions(self):
        interventional = self.study_type == "INTERVENTIONAL"
        arms = self.items("arms")
        if interventional and not arms:
            self.missing(("arms",), "Arm Information", "an interventional study needs at least one "
                         "arm (rule 9)")
        for i, arm in arms:
            if interventional and not arm.get("type"):
                self.missing(("arms", i, "type"), "Arm Type", "PRS requires it for every arm of an "
                             "interventional study (rule 1)")
            if not arm.get("description"):
                self.missing(("arms", i, "description"), "Arm Description",
                             "PRS expects one unless the label says it all (rule 1)", WARNING)
        interventions = self.items("interventions")
        if interventional and not interventions:
            self.missing(("interventions",), "Intervention", "an interventional study needs at "
                         "least one intervention (rule 1)")
        seen = {}
        for i, item in interventions:
            if not item.get("description"):
                self.missing(("interventions", i, "description"), "Intervention Description",
                             "PRS requires it for every intervention (rule 1)")
            key = (_text(item.get("type")), _text(item.get("name")).strip().lower())
            if key in seen:
                self.report(("interventions", i, "name"),
                            f"intervention {item.get('type')} '{item.get('name')}' is given twice "
                            f"(first as interventions[{seen[key]}]); type and name must be unique "
                            "(rule 11)")
            else:
                seen[key] = i

    # -- rule 12 -----------------------------------------------------------------------
    def outcomes(self):
        if self.study_type in ("INTERVENTIONAL", "OBSERVATIONAL") and not self.items("outcomes", "primary"):
            self.missing(("outcomes", "primary"), "Primary Outcome Measure",
                         "PRS requires at least one (rule 12)")
        for kind, label in (("primary", "Primary"), ("secondary", "Secondary"), ("other", "Other")):
            for i, outcome in self.items("outcomes", kind):
                if not outcome.get("time_frame"):
                    self.missing(("outcomes", kind, i, "time_frame"),
                                 f"{label} Outcome Measure Time Frame",
                                 "every outcome needs a time frame (rule 12)")

    # -- eligibility --------------------------------------------------------------------
    def eligibility(self):
        markdown = self.get("eligibility", "criteria_markdown")
        inclusion, exclusion = self.items("eligibility", "inclusion"), self.items("eligibility", "exclusion")
        if not markdown and not inclusion and not exclusion:
            self.missing(("eligibility", "inclusion"), "Eligibility Criteria",
                         "PRS requires them (rule 1): give eligibility.inclusion and "
                         "eligibility.exclusion, or eligibility.criteria_markdown")
            return
        if markdown:
            text = _text(markdown).lower()
            missing = [w for w in ("inclusion", "exclusion") if w not in text]
        else:
            missing = [w for w, items in (("inclusion", inclusion), ("exclusion", exclusion)) if not items]
        if missing:
            path = ("eligibility", "criteria_markdown") if markdown else ("eligibility",)
            self.warn(path, f"Eligibility Criteria have no {' and no '.join(missing)} criteria "
                      "(§5.2: 'Eligibility Criteria appear to be missing')")

    # -- rules 14 and 15 -------------------------------------------------------------------
    def sites_and_contacts(self):
        sites = self.items("sites")
        for i, site in sites:
            if self.final_rule and not site.get("facility"):
                self.missing(("sites", i, "facility"), "Facility Name",
                             "PRS requires it for every site of a study starting on or after "
                             "2017-01-18 (rule 1)")
            for key, label in (("city", "City"), ("country", "Country")):
                if not site.get(key):
                    self.missing(("sites", i, key), f"Facility {label}", "every site needs a city "
                                 "and a country (rule 14)")
            if _text(site.get("country")).strip().lower() in US_NAMES:
                for key, label in (("state", "State/Province"), ("zip", "ZIP/Postal Code")):
                    if not site.get(key):
                        self.missing(("sites", i, key), f"Facility {label}",
                                     "a site in the United States needs a state and a ZIP code (rule 14)")
        people = {p["id"]: p for _, p in self.items("people") if isinstance(p.get("id"), str)}
        for path, refs in [(("central_contacts",), self.items("central_contacts"))] + \
                [(("sites", i, "contacts"), [(j, c) for j, c in enumerate(_seq(s.get("contacts")))
                                              if isinstance(c, dict)]) for i, s in sites]:
            for j, ref in refs:
                if ref.get("role") not in (None, "CONTACT"):
                    continue
                person = people.get(_text(ref.get("person")))
                if isinstance(person, dict) and not (person.get("phone") or person.get("email")):
                    self.report(path + (j, "person"),
                                f"contact '{ref.get('person')}' has neither phone nor e-mail "
                                "(rule 15)", hint="give the person a phone or an email")
        if self.status in CONTACT_NEEDED:
            central = any(ref.get("role") in (None, "CONTACT") for _, ref in self.items("central_contacts"))
            if not central:
                without = [i for i, s in sites
                           if not any(isinstance(c, dict) and c.get("role") in (None, "CONTACT")
                                      for c in _seq(s.get("contacts")))]
                if without or not sites:
                    listing = ", ".join(str(self.get("sites", i, "id")) for i in without[:5])
                    more = f" and {len(without) - 5} more" if len(without) > 5 else ""
                    self.missing(("central_contacts",), "Central Contact Person",
                                 f"a {self.status} study needs a central contact or a contact at "
                                 f"every site (rule 15)" + (f"; sites without one: {listing}{more}"
                                                            if without else ""))

    # -- data-entry slips a PRS reviewer would not catch ------------------------------------
    def data_entry(self):
        """Warnings for values that are well-formed but wrong in kind: a person's surname
        as a facility name, a hospital as the State/Province, and text garbled by a wrong
        encoding or left with HTML entities (ClinicalTrials.gov shows them as typed)."""
        surnames = {}
        for _, person in self.items("people"):
            last = _folded(person.get("last_name"))
            if last:
                surnames[last] = person.get("id")
        for i, site in self.items("sites"):
            facility = _text(site.get("facility")).strip()
            if facility and _folded(facility) in surnames:
                name = _text(site.get("name")).strip()
                self.warn(("sites", i, "facility"), f"Facility Name '{facility}' is the surname of "
                          f"the person '{surnames[_folded(facility)]}'; give the name of the "
                          "hospital or clinic", hint=f'facility: "{name}"' if name else "")
            state = _text(site.get("state")).strip()
            if state and HOSPITAL_LIKE.search(state):
                self.warn(("sites", i, "state"), f"State/Province '{state}' looks like the name of "
                          "a hospital or an institution; give the state, region or province "
                          "(or leave it out where the country has none)")
        for path, value in self._texts():
            if not SUSPECT.search(value):
                continue
            found = MOJIBAKE.search(value)
            if found:
                self.warn(path, f"'{found[0]}' looks like text garbled by a wrong character "
                          "encoding (mojibake); type the intended characters")
                continue
            found = HTML_ENTITY.search(value)
            if found:
                self.warn(path, f"'{found[0]}' looks like an HTML entity; type the character "
                          "itself (documents and registries show the entity as typed)")

    # -- rule 16 ---------------------------------------------------------------------------
    def responsible_party(self):
        party = self.get("sponsors", "responsible_party")
        if not isinstance(party, dict) or not party.get("type"):
            if not isinstance(party, dict):
                self.missing(("sponsors", "responsible_party"), "Responsible Party",
                             "PRS requires it (rule 1)")
            return
        if party.get("type") != "SPONSOR":
            for key, label in (("investigator", "Investigator Name"),
                               ("investigator_title", "Investigator Official Title"),
                               ("investigator_affiliation", "Investigator Affiliation")):
                if not party.get(key):
                    self.missing(("sponsors", "responsible_party", key), label,
                                 f"a responsible party of type {party['type']} needs the "
                                 "investigator's name, title and affiliation (rule 16)")

    # -- rule 17 ---------------------------------------------------------------------------
    def devices(self):
        device = self.get("oversight", "is_fda_regulated_device")
        drug = self.get("oversight", "is_fda_regulated_drug")
        needed = []
        if device is True:
            needed += [("is_unapproved_device", "Unapproved or Uncleared Device"),
                       ("is_ppsd", "Pediatric Postmarket Surveillance of a Device Product")]
        if device is True or drug is True:
            needed.append(("is_us_export", "Product Manufactured in and Exported from the U.S."))
        for key, label in needed:
            if not isinstance(self.get("oversight", key), bool):
                # The FDA questions came with the Final Rule: required from 2017-01-18 on.
                self.missing(("oversight", key), label, "PRS requires a yes/no answer when the study "
                             "has an FDA-regulated " + ("device" if key != "is_us_export" else
                                                        "drug or device") + " (rule 17)",
                             ERROR if self.final_rule else WARNING)

    # -- rules 18 and 19 ---------------------------------------------------------------------
    def identifiers(self):
        org_id = _text(self.get("identification", "org_study_id")).strip()
        seen = {}
        for i, item in self.items("identification", "secondary_ids"):
            value = _text(item.get("id")).strip()
            if not value:
                continue
            if value.lower() == org_id.lower():
                self.report(("identification", "secondary_ids", i, "id"),
                            f"secondary id '{value}' repeats the Unique Protocol ID (rule 18)")
            elif re.match(r"^NCT\d{8}$", value):
                self.report(("identification", "secondary_ids", i, "id"),
                            f"secondary id '{value}' is an NCT number; PRS does not take those "
                            "as secondary ids (rule 18)")
            elif value.lower() in seen:
                self.report(("identification", "secondary_ids", i, "id"),
                            f"secondary id '{value}' is given twice (first at secondary_ids"
                            f"[{seen[value.lower()]}]) (rule 18)")
            seen.setdefault(value.lower(), i)
        acronym = _text(self.get("identification", "acronym")).strip()
        official = _text(self.get("identification", "official_title"))
        if acronym and official and acronym.lower() not in official.lower():
            self.warn(("identification", "acronym"), f"Acronym '{acronym}' does not appear in the "
                      "Official Title (rule 19; WHO item 10 expects it there)")

    # -- IPD statement -------------------------------------------------------------------
    def ipd(self):
        ipd = self.get("ipd_sharing")
        if not isinstance(ipd, dict) or not ipd.get("sharing"):
            if self.final_rule and ipd is None:
                self.warn(("ipd_sharing",), "IPD Sharing Statement is missing; ICMJE and WHO item 24 "
                          "expect one", at=("protocol", "documents"))
            return
        if ipd.get("sharing") == "YES" and not ipd.get("description"):
            self.warn(("ipd_sharing", "description"), "IPD Sharing Plan Description is missing; PRS "
                      "asks for it when IPD will be shared (rule 1)")
        if ipd.get("sharing") != "YES":
            for key in ("info_types", "time_frame", "access_criteria", "url"):
                if ipd.get(key):
                    self.warn(("ipd_sharing", key), f"is only given when sharing is YES "
                              f"(sharing is {ipd.get('sharing')})")

    # -- §5.2 content checks (warnings) --------------------------------------------------------
    def content(self):
        self.outcome_content()
        self.free_text_content()
        self.consistency()
        self.titles()

    def outcome_content(self):
        for kind in ("primary", "secondary", "other"):
            for i, outcome in self.items("outcomes", kind):
                measure = " ".join(_text(outcome.get("measure")).split())
                frame = _text(outcome.get("time_frame"))
                if measure.lower().strip(" .") in VAGUE_TITLES:
                    self.warn(("outcomes", kind, i, "measure"),
                              f"outcome title '{measure}' is not specific; name the measured variable "
                              "(§5.2; PRS warns on it)")
                if frame and NUMBER_ONLY.match(frame):
                    self.warn(("outcomes", kind, i, "time_frame"),
                              f"time frame '{frame.strip()}' is only a number; say what it counts, "
                              "e.g. 'Week 12' (§5.2)")
                elif frame and VAGUE_FRAMES.search(frame):
                    self.warn(("outcomes", kind, i, "time_frame"),
                              f"time frame '{frame.strip()}' is vague ('{VAGUE_FRAMES.search(frame)[0]}'); "
                              "give the time point, e.g. 'Week 12' or 'Up to 24 months' (§5.2)")
                if re.match(r"^\s*changes? (in|from)\b", measure, re.I) and frame \
                        and not self._two_points(frame):
                    self.warn(("outcomes", kind, i, "time_frame"),
                              f"'{measure[:60]}' measures a change, but the time frame "
                              f"'{frame.strip()}' gives one time point (§5.2)",
                              "name both, e.g. 'Baseline and Week 12'")
                description = _text(outcome.get("description"))
                if AIM_WORDS.match(description):
                    self.warn(("outcomes", kind, i, "description"),
                              f"outcome description starts with '{AIM_WORDS.match(description)[1]}'; "
                              "say what is measured (scale, range, direction, unit), not the aim (§5.2)")

    @staticmethod
    def _two_points(frame: str) -> bool:
        text = frame.lower()
        if re.search(r"\bbaseline\b|\bbetween\b|\bfrom\b.+\bto\b|\bthrough\b|\beach\b|\bevery\b|"
                     r"\bover\b|\bup to\b|\band\b|,|\bannual|\bweekly\b|\bmonthly\b|\bdaily\b|"
                     r"\bafter\b.+\bbefore\b|\bbefore\b.+\bafter\b", text):
            return True
        return len(re.findall(r"\d+", text)) >= 2

    def free_text_fields(self):
        for path in (("description", "brief_summary"), ("description", "detailed_description"),
                     ("identification", "brief_title"), ("identification", "official_title")):
            yield path, _text(self.get(*path))
        for i, arm in self.items("arms"):
            yield ("arms", i, "description"), _text(arm.get("description"))
        for i, item in self.items("interventions"):
            yield ("interventions", i, "description"), _text(item.get("description"))
        yield ("eligibility", "criteria_markdown"), _text(self.get("eligibility", "criteria_markdown"))

    def free_text_content(self):
        for path, text in self.free_text_fields():
            if not text:
                continue
            found = RESULTS.search(text)
            if found:
                self.warn(path, f"seems to report results or conclusions ('{found[0]}'); the "
                          "protocol section must not (§5.2, a Major QC comment)")
            found = PAYMENT.search(text)
            if found:
                self.warn(path, f"mentions payment or compensation ('{found[0]}'); ClinicalTrials.gov "
                          "does not allow it in the record (§5.2, a Major QC comment)")

    def consistency(self):
        phases = set(p for p in self.get("design", "phases", default=[]) if isinstance(p, str)) \
            if isinstance(self.get("design", "phases"), list) else set()
        for path in (("identification", "official_title"), ("identification", "brief_title"),
                     ("description", "brief_summary")):
            text = _text(self.get(*path))
            for match in PHASE_TEXT.finditer(text):
                said = {f"PHASE{ROMAN[g.upper()]}" for g in match.groups() if g}
                if phases and phases <= set(codes.PHASE) and not phases & {"NA", "EARLY_PHASE1"} \
                        and said != phases:
                    self.warn(path, f"says '{match[0]}' but design.phases is "
                              f"[{', '.join(sorted(phases))}] (§5.2: parts of the record disagree)")
                    break
        masking = _text(self.get("design", "masking"))
        for path in (("identification", "official_title"), ("description", "brief_summary"),
                     ("design", "masking_description")):
            text = _text(self.get(*path)).lower()
            if not text or masking not in codes.MASKING:
                continue
            if re.search(r"\b(double|triple|quadruple)[- ](blind|mask)", text) and masking in ("NONE", "SINGLE"):
                self.warn(path, f"says the study is {re.search(r'(double|triple|quadruple)[- ](blind|mask)', text)[0]}"
                          f"ed but design.masking is {masking} (§5.2: parts of the record disagree)")
            elif re.search(r"\bopen[- ]label\b", text) and masking in ("DOUBLE", "TRIPLE", "QUADRUPLE"):
                self.warn(path, f"says the study is open-label but design.masking is {masking} "
                          "(§5.2: parts of the record disagree)")
        allocation = self.get("design", "allocation")
        for path in (("identification", "official_title"), ("identification", "brief_title")):
            text = _text(self.get(*path)).lower()
            if re.search(r"(?<!non-)(?<!non)\brandomi[sz]ed\b", text) and allocation in ("NA", "NON_RANDOMIZED"):
                self.warn(path, f"says the study is randomized but design.allocation is {allocation} "
                          "(§5.2: parts of the record disagree)")
        count = self.get("design", "enrollment", "count")
        summary = _text(self.get("description", "brief_summary"))
        match = re.search(r"\b(?:enrol+(?:ed|ing)?|include|recruit|randomi[sz]e)\s+(?:approximately |about |up to )?"
                          r"(\d[\d,]*)\s+(?:participants|patients|subjects|women|men|children|people|adults)",
                          summary, re.I)
        if isinstance(count, int) and match and int(match[1].replace(",", "")) != count:
            self.warn(("description", "brief_summary"), f"says '{match[0]}' but design.enrollment.count "
                      f"is {count} (§5.2: parts of the record disagree)")

    def titles(self):
        brief = " ".join(_text(self.get("identification", "brief_title")).split())
        official = " ".join(_text(self.get("identification", "official_title")).split())
        if brief and official and brief.lower() == official.lower():
            self.warn(("identification", "brief_title"), "Brief Title is the same as the Official "
                      "Title; write it in lay language (§5.2)")
        if brief:
            found = PROMOTIONAL.search(brief) or PROMOTIONAL.search(_text(self.get("description", "brief_summary")))
            if found:
                where = ("identification", "brief_title") if PROMOTIONAL.search(brief) else ("description", "brief_summary")
                self.warn(where, f"'{found[0]}' is promotional language (§5.2)")
            explained = set(re.findall(r"\(([A-Z][A-Za-z0-9-]*)\)", brief))
            # a placeholder's marker word is no abbreviation (it is reported as a placeholder)
            for token in re.findall(r"\b[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*\b", without_placeholders(brief)):
                if sum(c.isupper() for c in token) >= 2 and token not in explained \
                        and token not in WELL_KNOWN and f"({token})" not in brief:
                    self.warn(("identification", "brief_title"), f"'{token}' is an abbreviation; "
                              "spell it out in the Brief Title (§5.2: acronyms expanded on first use)")
                    break


def registry_diagnostics(source: Source, today=None) -> list[Diagnostic]:
    return RegistryChecker(source, today).run()


def _path_parts(dotted_path: str) -> list[str]:
    return re.sub(r"\[(\d+)\]", r".\1", dotted_path).split(".")


def generic_path(dotted_path: str) -> str:
    """'sites[3].zip' -> 'sites.*.zip': how known_gaps names a field of every item."""
    return ".".join("*" if part.isdigit() else part for part in _path_parts(dotted_path))


_MISSING = re.compile(r"^missing required field '([^']+)'")


def gap_path(diagnostic: Diagnostic) -> str:
    """The field a diagnostic is about, generically: rules.py reports a missing field at
    its parent ('design': missing required field 'enrollment'), which names design.enrollment."""
    path = generic_path(diagnostic.path) if diagnostic.path else ""
    missing = _MISSING.match(diagnostic.message)
    if missing:
        path = f"{path}.{missing[1]}" if path else missing[1]
    return path


def _anchor(data, dotted_path: str, missing: str | None):
    """What a known gap is remembered by: the innermost list item the path runs through
    (the site, the outcome …), or else the value at the path (None when missing)."""
    value, anchor, found = data, None, True
    for part in _path_parts(dotted_path) + ([missing] if missing else []):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
            anchor = ("item", value)
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            found = False
            break
    if anchor is not None:
        return anchor
    return ("value", value if found else None)


def gap_key(diagnostic: Diagnostic, data) -> str:
    """'sites.*.zip@1a2b3c4d5e6f': the field, and a digest of what the gap is about.

    A gap is remembered by value, not by path alone: a new site without a ZIP
    code, or a new brief title over the limit, is a new mistake and stays an
    error, while the record's own gaps stay warnings until their item is edited.
    """
    missing = _MISSING.match(diagnostic.message)
    anchor = _anchor(data, diagnostic.path or "", missing[1] if missing else None)
    text = json.dumps(anchor, sort_keys=True, ensure_ascii=False, default=str)
    return f"{gap_path(diagnostic)}@{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}"


def apply_known_gaps(source: Source, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Errors of the cross-field and registry rules at a known gap, made warnings.

    ``protocol.imported.known_gaps`` lists where an imported record, as
    registered, does not meet today's rules (``gap_key``: the field and a
    digest of its item or value); those stay visible, as warnings naming the
    record, so an imported protocol checks clean until it is edited. An entry
    without a digest (``sites.*.zip``, written by earlier versions) matches by
    path alone. Schema errors are never downgraded.
    """
    protocol = source.data.get("protocol") if isinstance(source.data, dict) else None
    imported = protocol.get("imported") if isinstance(protocol, dict) else None
    gaps = imported.get("known_gaps") if isinstance(imported, dict) else None
    if not isinstance(gaps, list) or not gaps:
        return diagnostics
    keys = {g for g in gaps if isinstance(g, str) and "@" in g}
    patterns = [g.split(".") for g in gaps if isinstance(g, str) and "@" not in g]
    record = imported.get("record") or "record"

    def known(diagnostic):
        if keys and gap_key(diagnostic, source.data) in keys:
            return True
        parts = gap_path(diagnostic).split(".")
        return any(len(g) <= len(parts) and all(a in ("*", b) for a, b in zip(g, parts))
                   for g in patterns)

    out = []
    for d in diagnostics:
        if d.severity == ERROR and d.code in ("rule", "registry") and d.path and known(d):
            d = replace(d, severity=WARNING,
                        message=d.message + f" (as in the imported record {record}; "
                                            "listed in protocol.imported.known_gaps)")
        out.append(d)
    return out
