"""Cross-field rules: what a schema cannot say about one field alone.

References resolve, ids are unique, ages and dates are in order and agree with
the study status, phases and masking are coherent, and each requested
document has the blocks it is built from. Each rule appends Diagnostics and
returns; none stops at the first problem. The rules read the data with every
wrongly typed value removed (``validate.validate``), so they never meet a wrong
type; a value the schema refused for other reasons may still reach them.
"""

from __future__ import annotations

import datetime as dt
import re

from . import codes, regimes
from .documents import BY_NAME
from .errors import ERROR, WARNING, Diagnostic
from .model import lookup
from .load import Source, dotted
from .placeholders import find as find_placeholders, strip as strip_placeholders
from .registry.identifiers import eu_number_label
from .validate import suggest

AGE_UNIT_DAYS = {"Years": 365.25, "Months": 30.4375, "Weeks": 7, "Days": 1,
                 "Hours": 1 / 24, "Minutes": 1 / 1440}
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
STOPPED = {"SUSPENDED", "TERMINATED", "WITHDRAWN"}
STARTED = {"RECRUITING", "ACTIVE_NOT_RECRUITING", "ENROLLING_BY_INVITATION",
           "COMPLETED", "TERMINATED"}


class Rules:
    """Runs every cross-field rule over one loaded protocol."""

    def __init__(self, source: Source, slug: str, today: dt.date | None = None, data=None):
        self.source = source
        self.data = source.data if data is None else data
        self.slug = slug
        self.today = today or dt.date.today()
        self.out: list[Diagnostic] = []

    # -- helpers -------------------------------------------------------------
    def error(self, path, message, hint="", severity=ERROR, key=False):
        where = self.source.where_key(path) if key else self.source.where(path)
        self.out.append(Diagnostic(*where, severity, dotted(path), message, hint, code="rule"))

    def warning(self, path, message, hint="", key=False):
        self.error(path, message, hint, WARNING, key)

    def get(self, *path, default=None):
        return lookup(self.data, *path, default=default)

    def listed(self, *path):
        value = self.get(*path, default=[])
        return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] \
            if isinstance(value, list) else []

    # -- the rules -------------------------------------------------------------
    def run(self) -> list[Diagnostic]:
        self.slug_is_safe()
        self.required_blocks()
        ids = self.unique_ids()
        self.references(ids)
        self.languages()
        self.names()
        self.ages()
        self.dates()
        self.regime_periods()
        self.eu_number()
        self.status_rules()
        self.design()
        self.illustrative_paths()
        self.amendments()
        self.placeholders()
        return self.out

    def slug_is_safe(self):
        if not SLUG_RE.fullmatch(self.slug):
            safe = re.sub(r"[^a-z0-9_-]+", "-", self.slug.lower()).strip("-_")[:64]
            self.out.append(Diagnostic(
                str(self.source.folder), 0, 0, ERROR, "",
                f"protocol folder name '{self.slug}' is not a safe slug",
                "use lower-case letters, digits, '-' and '_' only; it names the output folder"
                + (f"; rename the folder, e.g. to '{safe}'" if SLUG_RE.fullmatch(safe) else ""),
                code="rule"))

    def required_blocks(self):
        """Each requested document's blocks (documents.REGISTRY says which) are present."""
        for name in self.get("protocol", "documents", default=[]):
            document = BY_NAME.get(name)
            for block in document.requires if document else ():
                if not self.get(block):
                    self.error(("protocol", "documents"),
                               f"the {document.label} is requested but '{block}' is missing",
                               f"add a top-level '{block}' block, or remove '{name}' from "
                               "protocol.documents")

    COLLECTIONS = {
        "arms": ("arms",), "interventions": ("interventions",), "objectives": ("objectives",),
        "people": ("people",), "sites": ("sites",), "epochs": ("schedule", "epochs"),
        "visits": ("schedule", "visits"), "procedures": ("schedule", "procedures"),
        "inclusion": ("eligibility", "inclusion"), "exclusion": ("eligibility", "exclusion"),
        "optional": ("consent", "optional"), "estimands": ("estimands",),
    }

    def unique_ids(self) -> dict:
        ids = {}
        for name, path in self.COLLECTIONS.items():
            seen = {}
            for i, item in self.listed(*path):
                value = item.get("id")
                if not isinstance(value, str):
                    continue
                folded = value.lower()
                if folded in seen:
                    first = self.source.where(path + (seen[folded], "id"))
                    self.error(path + (i, "id"),
                               f"id '{value}' is used twice (first at line {first[1]})",
                               "ids must be unique, ignoring upper and lower case")
                else:
                    seen[folded] = i
            ids[name] = {self.get(*path, i, "id") for i, _ in self.listed(*path)} - {None}
        outcome_ids = {}
        for kind in ("primary", "secondary", "other"):
            for i, item in self.listed("outcomes", kind):
                value = item.get("id")
                if isinstance(value, str):
                    if value.lower() in outcome_ids:
                        self.error(("outcomes", kind, i, "id"), f"id '{value}' is used twice")
                    outcome_ids[value.lower()] = value
        ids["criteria"] = ids["inclusion"] | ids["exclusion"]
        for i, item in self.listed("eligibility", "exclusion"):
            if str(item.get("id", "")).lower() in {x.lower() for x in ids["inclusion"]}:
                self.error(("eligibility", "exclusion", i, "id"),
                           f"id '{item['id']}' is also an inclusion criterion's id")
        return ids

    def _ref(self, path, value, known, what, where_defined):
        if isinstance(value, str) and value not in known:
            hint = suggest(value, sorted(known))
            listing = ", ".join(sorted(known)) or "none defined"
            self.error(path, f"'{value}' is not a known {what}",
                       (hint + " " if hint else "") + f"{where_defined}: {listing}")

    def references(self, ids):
        for i, arm in self.listed("arms"):
            for j, ref in enumerate(arm.get("interventions") or []):
                self._ref(("arms", i, "interventions", j), ref, ids["interventions"],
                          "intervention", "interventions")
        for path in (("officials",), ("central_contacts",)):
            for i, item in self.listed(*path):
                self._ref(path + (i, "person"), item.get("person"), ids["people"], "person",
                          "people")
        for i, site in self.listed("sites"):
            self._ref(("sites", i, "investigator"), site.get("investigator"), ids["people"],
                      "person", "people")
            for j, contact in enumerate(site.get("contacts") or []):
                if isinstance(contact, dict):
                    self._ref(("sites", i, "contacts", j, "person"), contact.get("person"),
                              ids["people"], "person", "people")
        for kind in ("primary", "secondary", "other"):
            for i, outcome in self.listed("outcomes", kind):
                self._ref(("outcomes", kind, i, "objective"), outcome.get("objective"),
                          ids["objectives"], "objective", "objectives")
        outcome_ids = {o.get("id") for kind in ("primary", "secondary", "other")
                       for _, o in self.listed("outcomes", kind)} - {None}
        for i, estimand in self.listed("estimands"):
            self._ref(("estimands", i, "objective"), estimand.get("objective"),
                      ids["objectives"], "objective", "objectives")
            self._ref(("estimands", i, "variable_of_interest"),
                      estimand.get("variable_of_interest"), outcome_ids, "outcome", "outcomes")
            for j, ref in enumerate(estimand.get("interventions") or []):
                self._ref(("estimands", i, "interventions", j), ref, ids["interventions"],
                          "intervention", "interventions")
        for i, visit in self.listed("schedule", "visits"):
            self._ref(("schedule", "visits", i, "epoch"), visit.get("epoch"), ids["epochs"],
                      "epoch", "schedule.epochs")
        footnotes = set((self.get("schedule", "footnotes") or {}).keys())
        for i, proc in self.listed("schedule", "procedures"):
            for j, ref in enumerate(proc.get("visits") or []):
                self._ref(("schedule", "procedures", i, "visits", j), ref, ids["visits"],
                          "visit", "schedule.visits")
            self._ref(("schedule", "procedures", i, "footnote"), proc.get("footnote"),
                      footnotes, "footnote", "schedule.footnotes")
        # Every arm but a no-intervention arm gives at least one intervention, and
        # every intervention belongs to an arm (registry.md §5.1 rule 11).
        used = set()
        for i, arm in self.listed("arms"):
            refs = arm.get("interventions") or []
            used.update(r for r in refs if isinstance(r, str))
            if not refs and arm.get("type") != "NO_INTERVENTION":
                self.error(("arms", i), f"arm '{arm.get('label', arm.get('id'))}' gives no "
                           "intervention", "list its intervention ids under 'interventions'")
        if self.listed("arms"):
            for i, item in self.listed("interventions"):
                if item.get("id") not in used:
                    self.error(("interventions", i, "id"),
                               f"intervention '{item.get('id')}' is not given in any arm",
                               "name it in the 'interventions' list of an arm")
        labels = {}
        for i, arm in self.listed("arms"):
            label = arm.get("label")
            if label in labels:
                self.error(("arms", i, "label"), f"arm label '{label}' is used twice")
            labels[label] = i

    def languages(self):
        declared = [lang for lang in self.get("protocol", "languages", default=[])
                    if isinstance(lang, str)]
        for block in ("site_manual", "protocol_document"):
            for j, lang in enumerate(self.get(block, "languages", default=[])):
                if isinstance(lang, str) and lang not in declared:
                    self.error((block, "languages", j),
                               f"'{lang}' is not one of protocol.languages ({', '.join(declared)})")

    # an honorific written as a degree ('David Klatzmann, Pr' before people[].honorific existed)
    HONORIFIC_SPELLINGS = {"pr": "Pr", "pr.": "Pr", "prof": "Pr", "prof.": "Pr",
                           "professor": "Pr", "dr": "Dr", "dr.": "Dr", "doctor": "Dr"}

    def names(self):
        """An honorific in people[].degrees would be printed after the name ('David
        Klatzmann, Pr'): it belongs in people[].honorific, which documents put first."""
        for i, person in self.listed("people"):
            degrees = person.get("degrees")
            if not isinstance(degrees, str):
                continue
            first = degrees.split(",")[0].strip()
            code = self.HONORIFIC_SPELLINGS.get(first.lower())
            if code:
                self.warning(("people", i, "degrees"),
                             f"'{first}' is an honorific, not a degree: documents would print it "
                             f"after the name",
                             f"write honorific: {code} (allowed: {', '.join(codes.HONORIFIC)}) and "
                             f"keep only degrees such as MD or PhD in degrees")

    @staticmethod
    def _age_days(text):
        number, unit = text.split(" ")
        return int(number) * AGE_UNIT_DAYS[unit if unit.endswith("s") else unit + "s"]

    def ages(self):
        low, high = self.get("eligibility", "minimum_age"), self.get("eligibility", "maximum_age")
        try:
            if low and high and self._age_days(low) > self._age_days(high):
                self.error(("eligibility", "maximum_age"),
                           f"must not be below minimum_age ({low})")
        except (ValueError, KeyError):
            pass  # the schema already reported the malformed age

    def _date(self, path, text):
        """A partial date as the first day it can mean, or None (and an error)."""
        if not isinstance(text, str):
            return None
        parts = text.split("-")
        try:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) > 2 else 1)
        except (ValueError, IndexError):
            if re.match(r"^\d{4}-\d{2}(-\d{2})?$", text):
                self.error(path, f"'{text}' is not a real calendar date")
            return None

    def dates(self):
        for path in (("protocol", "version_date"), ("consent", "version_date"),
                     ("site_manual", "version_date"), ("status", "verified_date")):
            self._date(path, self.get(*path))
        order = [("start_date", "start"), ("primary_completion_date", "primary completion"),
                 ("completion_date", "completion")]
        known = []
        for key, words in order:
            text = self.get("status", key, "date")
            day = self._date(("status", key, "date"), text)
            if day:
                for earlier_key, earlier_words, earlier in known:
                    if day < earlier:
                        self.error(("status", key, "date"),
                                   f"{words} date {text} is before the {earlier_words} date "
                                   f"{self.get('status', earlier_key, 'date')}")
                known.append((key, words, day))
        verified = self._date(("status", "verified_date"), self.get("status", "verified_date"))
        if verified and verified > self.today:
            self.warning(("status", "verified_date"), "is in the future")

    # The dated documents that follow the declared regimes: (document, its date, fallback).
    DATED = (("protocol", "protocol", ("protocol", "version_date"), None),
             ("consent", "consent form", ("consent", "version_date"), ("protocol", "version_date")),
             ("site_manual", "site manual", ("site_manual", "version_date"),
              ("protocol", "version_date")))

    def regime_periods(self):
        """Each declared regime applies at the date of the documents that follow it.

        Documents are written as of their version (planned.py): a consent form
        dated 2020 follows the EU Directive, not the Regulation that applied from
        2022, and cites ICH E6(R2), not (R3). One warning per regime, at its place
        in regulatory.regimes, naming each document dated outside its period."""
        requested = self.get("protocol", "documents", default=[]) or []
        dated = []
        for name, label, path, fallback in self.DATED:
            if name != "protocol" and name not in requested:
                continue
            text = self.get(*path) or (self.get(*fallback) if fallback else None)
            try:
                day = dt.date.fromisoformat(text) if isinstance(text, str) else None
            except ValueError:
                continue  # dates() reports it
            if day:
                dated.append((label, text, day))
        for i, code in enumerate(self.get("regulatory", "regimes", default=[]) or []):
            if code not in regimes.REGIMES:
                continue
            outside = [(label, text, day) for label, text, day in dated
                       if not regimes.applies(code, day)]
            if not outside:
                continue
            first, last = regimes.REGIMES[code].period
            period = (f"from {first} to {last}" if first and last
                      else f"from {first}" if first else f"until {last}")
            documents = ", ".join(f"the {label} ({text})" for label, text, _ in outside)
            instead = regimes.in_force_instead(code, outside[0][2])
            hint = (f"declare {' or '.join(instead)} "
                    f"({', '.join(codes.REGIMES[x] for x in instead)}), in force on that date"
                    if instead else "declare the rules in force at the documents' date, "
                    "or correct the version date")
            self.warning(("regulatory", "regimes", i),
                         f"{code} ({codes.REGIMES[code]}) applies {period}, not at the date of "
                         f"{documents}", hint)

    def eu_number(self):
        """The EU number has the form of the declared EU regime's register: an EU CT
        number from CTIS (YYYY-5NNNNN-NN-NN) under the Regulation, a EudraCT number
        (YYYY-NNNNNN-NN) under the Directive. A trial moved from the Directive to the
        Regulation got a new number from CTIS; its EudraCT number stays a secondary id."""
        number = self.get("regulatory", "eu_ct_number")
        declared = self.get("regulatory", "regimes", default=[]) or []
        if not isinstance(number, str) or strip_placeholders(number) != number:
            return
        kind = eu_number_label(number)
        if regimes.EU in declared and kind != "eu_ct_number":
            self.warning(("regulatory", "eu_ct_number"),
                         f"'{number}' is a EudraCT number; a trial under {regimes.EU} has an "
                         "EU CT number from CTIS (YYYY-5NNNNN-NN-NN)",
                         "give the EU CT number (a EudraCT number goes in "
                         f"identification.secondary_ids), or declare {regimes.EU_CTD} if the "
                         "trial runs under the Directive")
        elif regimes.EU_CTD in declared and regimes.EU not in declared \
                and kind == "eu_ct_number":
            self.warning(("regulatory", "eu_ct_number"),
                         f"'{number}' is an EU CT number from CTIS; a trial under "
                         f"{regimes.EU_CTD} has a EudraCT number (YYYY-NNNNNN-NN)",
                         f"declare {regimes.EU} if the trial was authorised under the Regulation")

    def status_rules(self):
        status = self.get("status", "overall_status")
        if not status:
            return
        why = self.get("status", "why_stopped")
        if status in STOPPED and not why:
            self.error(("status", "overall_status"),
                       f"status {status} needs status.why_stopped",
                       "say briefly why the study stopped")
        if why and status not in STOPPED:
            self.error(("status", "why_stopped"),
                       f"is only given when the status is one of {', '.join(sorted(STOPPED))} "
                       f"(status is {status})")
        start_type = self.get("status", "start_date", "type")
        if status == "NOT_YET_RECRUITING" and start_type == "ACTUAL":
            self.error(("status", "start_date", "type"),
                       "must be ESTIMATED while the status is NOT_YET_RECRUITING")
        if status in STARTED and start_type == "ESTIMATED":
            self.error(("status", "start_date", "type"),
                       f"must be ACTUAL once the status is {status}")
        if status == "COMPLETED":
            for key in ("primary_completion_date", "completion_date"):
                if self.get("status", key, "type") == "ESTIMATED":
                    self.error(("status", key, "type"), "must be ACTUAL when the status is COMPLETED")
        for key in ("start_date", "primary_completion_date", "completion_date"):
            day = self._date(("status", key, "date"), self.get("status", key, "date")) \
                if self.get("status", key, "date") else None
            kind = self.get("status", key, "type")
            if day and kind == "ACTUAL" and day > self.today:
                self.error(("status", key, "type"), f"an ACTUAL date cannot be in the future "
                           f"({self.get('status', key, 'date')})", "use ESTIMATED")
        count = self.get("design", "enrollment", "count")
        kind = self.get("design", "enrollment", "type")
        if status == "WITHDRAWN" and count not in (None, 0):
            self.error(("design", "enrollment", "count"),
                       f"must be 0 when the status is WITHDRAWN (is {count})")
        if status in ("WITHDRAWN", "COMPLETED", "TERMINATED") and kind == "ESTIMATED":
            self.error(("design", "enrollment", "type"), f"must be ACTUAL when the status is {status}")

    def design(self):
        if self.get("design", "study_type") != "INTERVENTIONAL":
            return
        design = self.source.data.get("design") or {}  # as written: a wrong type is not missing
        for key in ("phases", "primary_purpose", "allocation", "intervention_model", "masking",
                    "enrollment"):
            if design.get(key) is None:
                self.error(("design",), f"missing required field '{key}' for an interventional study",
                           key=True)
        phases = self.get("design", "phases", default=[])
        if len(phases) > 1 and tuple(phases) not in codes.PHASE_PAIRS:
            allowed = " or ".join(f"[{a}, {b}]" for a, b in codes.PHASE_PAIRS)
            self.error(("design", "phases"),
                       f"[{', '.join(map(str, phases))}] is not an allowed combination",
                       f"give one phase, or {allowed}")
        masking = self.get("design", "masking")
        roles = self.get("design", "who_masked", default=[])
        if masking in codes.MASKING_ROLES and len(roles) != codes.MASKING_ROLES[masking]:
            self.error(("design", "who_masked") if roles else ("design", "masking"),
                       f"masking {masking} needs {codes.MASKING_ROLES[masking]} masked role(s), "
                       f"{len(roles)} given", "list the roles under design.who_masked")
        if len(set(roles)) != len(roles):
            self.error(("design", "who_masked"), "a role is listed twice")
        arms = self.listed("arms")
        model = self.get("design", "intervention_model")
        if model == "SINGLE_GROUP" and len(arms) != 1:
            self.error(("design", "intervention_model"),
                       f"SINGLE_GROUP needs exactly one arm ({len(arms)} given)")
        if model == "SINGLE_GROUP" and self.get("design", "allocation") not in (None, "NA"):
            self.error(("design", "allocation"), "must be NA for a single-group study")
        if self.get("design", "allocation") == "RANDOMIZED" and len(arms) < 2:
            self.warning(("design", "allocation"), "a randomized study needs at least two arms")

    def illustrative_paths(self):
        if self.get("protocol", "illustrative") and not self.get("protocol", "illustrative_notice"):
            self.error(("protocol", "illustrative"),
                       "lists invented content, so protocol.illustrative_notice is required",
                       "documents built from it must say it is not the sponsor's")
        for i, path in enumerate(self.get("protocol", "illustrative", default=[])):
            if isinstance(path, str) and not _matches(self.data, path.split(".")):
                absent = _first_absent(self.data, path.split("."))
                self.error(("protocol", "illustrative", i),
                           f"'{path}' names no field of this protocol",
                           f"there is no '{absent}'" if absent else
                           "a dotted path such as consent.risks or sites.*.address")

    def amendments(self):
        previous = None
        for i, amendment in self.listed("protocol", "amendments"):
            day = self._date(("protocol", "amendments", i, "date"), amendment.get("date"))
            if day and previous and day < previous:
                self.error(("protocol", "amendments", i, "date"),
                           "amendments must be listed oldest first")
            previous = day or previous

    def placeholders(self):
        """What ``trialdocs init`` invented and the user has not yet replaced (warnings)."""
        self.out += find_placeholders(self.source)


def _matches(value, parts) -> bool:
    """Whether a dotted illustrative path names something present in the data."""
    if not parts:
        return value is not None
    head, rest = parts[0], parts[1:]
    if isinstance(value, dict):
        return head in value and _matches(value[head], rest)
    if isinstance(value, list):
        if head == "*":
            return any(_matches(item, rest) for item in value)
        return any(isinstance(item, dict) and item.get("id") == head and _matches(item, rest)
                   for item in value)
    return False


def _first_absent(value, parts) -> str:
    """The leading part of a dotted path that names no mapping key ('' past a list)."""
    for i, head in enumerate(parts):
        if not isinstance(value, dict):
            return ""
        if head not in value:
            return ".".join(parts[:i + 1])
        value = value[head]
    return ""


def is_illustrative(illustrative_paths, path) -> bool:
    """Whether a data path (tuple of keys and ids) lies under an illustrative path."""
    for spec in illustrative_paths or []:
        parts = spec.split(".")
        if len(parts) <= len(path) and all(p == "*" or p == str(q) for p, q in zip(parts, path)):
            return True
    return False
