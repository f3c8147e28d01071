"""import-ctgov: a ClinicalTrials.gov API v2 study record -> a protocol folder.

The new protocol asks for registry output only (``documents: [registry]``)
and carries every protocol-section field the sponsor submits, so that
``ctgov.json`` built from it gives the record back (see tests/test_registry_roundtrip.py).
Real records are messy, and nothing in one may stop the import:

- text: Markdown escapes removed (``\\<`` -> ``<``, see markup.py), line ends
  unified, trailing spaces dropped, lone surrogates replaced (and said);
- people: one string per name in the API (``"Shannon MacDonald, MD"``) is split
  into first, middle and last names and degrees; contacts that share a name and
  the same phone and e-mail become one person;
- codes the schema does not know, keys the API does not define, malformed
  dates and ids: left out, and said;
- what the schema needs but the record lacks (a start date type, in records
  from before 2017) is inferred when the PRS rules decide it, and listed in
  ``protocol.imported.inferred``;
- what PRS requires today but the record, as registered, lacks goes into
  ``protocol.imported.known_gaps``: ``check`` reports those as warnings.

Everything is converted in memory and checked before a file is written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import codes
from ..errors import RecordError
from ..load import MAX_FILE_BYTES, resolve_plain
from ..schema import AGE_RE
from . import ctgov_json, mapping, markup

PARTIAL_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
AGE = re.compile(AGE_RE)
LOOSE_AGE = re.compile(r"^\s*(\d+)\s*([A-Za-z]+)\s*$")
NCT = re.compile(r"^NCT\d{8}$")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
RESULTS_MODULES = {
    "participantFlowModule": "participant flow", "baselineCharacteristicsModule": "baseline",
    "outcomeMeasuresModule": "outcome measures", "adverseEventsModule": "adverse events",
    "moreInfoModule": "more information",
}
STARTED = {"RECRUITING", "ACTIVE_NOT_RECRUITING", "ENROLLING_BY_INVITATION", "COMPLETED",
           "TERMINATED"}
FILES = {
    "trial.yaml": ["protocol", "identification", "status", "sponsors", "oversight", "description",
                   "conditions", "design", "arms", "interventions", "outcomes", "eligibility",
                   "references", "see_also_links", "avail_ipds", "ipd_sharing"],
    "people.yaml": ["people", "officials", "central_contacts"],
    "sites.yaml": ["sites"],
}


@dataclass
class Imported:
    data: dict
    nct_id: str | None
    lacked: list = field(default_factory=list)       # (path, what) the schema needs, filled in
    dropped: list = field(default_factory=list)      # (path, why) not carried
    derived: list = field(default_factory=list)      # (path, why) computed by ClinicalTrials.gov
    notes: list = field(default_factory=list)        # other changes worth saying
    left: list = field(default_factory=list)         # (what, why) of the record not imported


# -- reading ---------------------------------------------------------------------

def read_record(path: Path) -> dict:
    """The study object of a record file: ``{"protocolSection": …}`` or a one-study page."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise RecordError(f"cannot read {path}: {exc.strerror}") from None
    try:
        value = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise RecordError(f"{path} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise RecordError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise RecordError(f"{path}: the JSON is nested too deeply to be a study record") from None
    if isinstance(value, dict) and isinstance(value.get("studies"), list):
        if len(value["studies"]) != 1:
            raise RecordError(f"{path} holds {len(value['studies'])} studies; import one study "
                               "per file (the API's /studies/NCTxxxxxxxx)")
        value = value["studies"][0]
    if not isinstance(value, dict) or not isinstance(value.get("protocolSection"), dict):
        raise RecordError(f"{path} is not a ClinicalTrials.gov API v2 study record "
                           "(no protocolSection)")
    return value


# -- small helpers -----------------------------------------------------------------

def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


class _Converter:
    def __init__(self, study: dict, today: dt.date):
        self.study = study
        self.section = study["protocolSection"]
        self.today = today
        self.out = Imported({}, None)

    # text ------------------------------------------------------------------
    def text(self, value, path, markdown=False):
        """Clean text, or None. Numbers become text; anything else is dropped, and said."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.out.dropped.append((path, f"expected text, found {type(value).__name__}"))
            return None
        text = str(value)
        if re.search("[\ud800-\udfff]", text):
            text = re.sub("[\ud800-\udfff]", "\ufffd", text)
            self.out.notes.append(f"{path}: broken characters (lone surrogates) replaced by U+FFFD")
        if CONTROL.search(text):
            text = CONTROL.sub(lambda m: " " if m[0].isspace() else "", text)
            self.out.notes.append(f"{path}: control characters removed")
        if markdown:
            text = markup.from_api(text)
        # Whitespace only (a round trip compares text with whitespace normalised):
        # trailing spaces and tabs would make YAML quote a whole multi-line text.
        text = "\n".join(line.rstrip() for line in markup.lines(text).expandtabs(4).split("\n")).strip()
        return text or None

    def texts(self, values, path):
        out = []
        for i, value in enumerate(self.listed(values, path)):
            text = self.text(value, f"{path}[{i}]")
            if text:
                out.append(" ".join(text.split()))
        return out

    def listed(self, value, path) -> list:
        """A list from the record, or [] (and said) when something else is there."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.out.dropped.append((path, f"expected a list, found {type(value).__name__}"))
            return []
        return value

    def records(self, value, path):
        """(index, mapping) for the mappings of a list; anything else is dropped, and said."""
        out = []
        for i, item in enumerate(self.listed(value, path)):
            if isinstance(item, dict):
                out.append((i, item))
            else:
                self.out.dropped.append((f"{path}[{i}]", f"expected a mapping, found "
                                                         f"{type(item).__name__}"))
        return out

    def code(self, value, table, path, default=None):
        if value is None:
            return default
        if isinstance(value, str) and value in table:
            return value
        self.out.dropped.append((path, f"'{value}' is not a known code"))
        return default

    def flag(self, value, path):
        if value is None or isinstance(value, bool):
            return value
        self.out.dropped.append((path, f"expected true or false, found {value!r}"))
        return None

    def lack(self, path, what, value):
        self.out.lacked.append((path, what))
        return value

    # the table ------------------------------------------------------------------
    def field(self, f, index=None):
        """A simple field's value in the record, found and converted by the catalogue's table."""
        value, spelled = mapping.value_at(self.section, f, index)
        rules = f.rules
        if rules.get("type") == "list":
            allowed = (rules.get("schema") or {}).get("allowed")
            if allowed is None:
                return self.texts(value, spelled)
            found = [self.code(v, allowed, f"{spelled}[{i}]")
                     for i, v in enumerate(self.listed(value, spelled))]
            return [v for v in found if v]
        if rules.get("type") == "boolean":
            return self.flag(value, spelled)
        if rules.get("allowed") is not None:
            return self.code(value, rules["allowed"], spelled)
        return self.text(value, spelled, f.markdown)

    def simple(self, prefix, index=None, skip=()):
        """The simple fields of the protocol record at prefix, read by the table.

        ``skip`` names fields the module's own code converts (with a default or
        a check of its own); nested records (``bio_spec``) are filled as they come.
        """
        out, n = {}, len(prefix)
        for f in mapping.simple_fields():
            rest = f.path[n:]
            if f.path[:n] != prefix or not rest or "*" in rest or rest[0] in skip:
                continue
            value = self.field(f, index)
            if not mapping.absent(value):
                target = out
                for key in rest[:-1]:
                    target = target.setdefault(key, {})
                target[rest[-1]] = value
        return out

    # modules -------------------------------------------------------------------
    def convert(self) -> Imported:
        s = self.section
        for name, value in s.items():
            if not isinstance(value, dict):
                self.out.dropped.append((name, f"expected a module (a mapping), found {type(value).__name__}"))
        data = self.out.data
        ident = self.identification(_dict(s.get(mapping.module("identification"))))
        status = self.status(_dict(s.get(mapping.module("status"))))
        data["protocol"] = self.protocol(ident, _dict(s.get(mapping.module("status"))))
        data["identification"] = ident
        data["status"] = status
        data["sponsors"] = self.sponsors(_dict(s.get(mapping.module("sponsors"))))
        put(data, "oversight", self.oversight(_dict(s.get(mapping.module("oversight")))))
        data["description"] = self.description(_dict(s.get(mapping.module("description"))))
        data["conditions"] = self.conditions(_dict(s.get(mapping.module("conditions"))))
        data["design"] = self.design(_dict(s.get(mapping.module("design"))))
        arms, interventions = self.arms(_dict(s.get(mapping.module("arms"))))
        put(data, "arms", arms)
        put(data, "interventions", interventions)
        self.allocation_fill(data)
        put(data, "outcomes", self.outcomes(_dict(s.get(mapping.module("outcomes")))))
        data["eligibility"] = self.eligibility(_dict(s.get(mapping.module("eligibility"))))
        self.contacts(_dict(s.get(mapping.module("sites"))))
        self.references(_dict(s.get(mapping.module("references"))))
        put(data, "ipd_sharing", self.ipd(_dict(s.get(mapping.module("ipd_sharing")))))
        self.not_imported()
        _, removed = ctgov_json.submitted_part(s)
        for path, reason in removed:
            target = self.out.dropped if reason.startswith("not a field") else self.out.derived
            target.append((path, reason))
        return self.out

    def not_imported(self):
        """What the record holds besides its protocol section: said, never silently dropped."""
        results = _dict(self.study.get("resultsSection"))
        if results:
            self.out.left.append(("resultsSection", "the posted results (" + ", ".join(
                RESULTS_MODULES.get(k, k) for k in results) + "); trialdocs keeps only "
                "whether and when they were posted (status.has_results, "
                "status.results_first_post_date)"))
        docs = _dict(_dict(self.study.get("documentSection")).get("largeDocumentModule"))
        for i, doc in self.records(docs.get("largeDocs"), "documentSection.largeDocumentModule.largeDocs"):
            label = doc.get("label") or doc.get("typeAbbrev") or "document"
            self.out.left.append((f"documentSection.largeDocumentModule.largeDocs[{i}]",
                                  f"uploaded document '{label}' ({doc.get('filename', 'no file name')}"
                                  + (f", dated {doc['date']}" if doc.get("date") else "")
                                  + "): documents are uploaded in PRS, not described in the protocol"))
        for key, why in (("annotationSection", "annotations added by ClinicalTrials.gov"),
                         ("derivedSection", "computed by ClinicalTrials.gov (conditions browse, "
                                            "interventions browse, misc. information)")):
            if self.study.get(key):
                self.out.left.append((key, why))
        refs = _dict(self.section.get(mapping.module("references"))).get("references")
        for i, ref in enumerate(refs if isinstance(refs, list) else []):
            if isinstance(ref, dict) and ref.get("type") == "DERIVED":
                self.out.left.append((f"referencesModule.references[{i}]",
                                      f"PubMed {ref.get('pmid') or '(no id)'}: added by "
                                      "ClinicalTrials.gov from PubMed, not by the sponsor"))

    def protocol(self, ident, status_module):
        date = None
        for key in ("lastUpdateSubmitDate", "studyFirstSubmitDate"):
            value = status_module.get(key)
            if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value):
                date = value
                break
        if date is None:
            date = self.today.isoformat()
            self.out.notes.append("protocol.version_date: the record gives no submission date; "
                                  "today's date was used")
        record = self.out.nct_id or ident.get("org_study_id")
        imported = {"source": "ClinicalTrials.gov API v2", "record": record, "record_date": date}
        return {
            "title": ident.get("official_title") or ident.get("brief_title"),
            "version": "ClinicalTrials.gov record",
            "version_date": date,
            "status": "draft",
            "languages": ["en"],
            "documents": ["registry"],
            "imported": imported,
        }

    def identification(self, m):
        out = {}
        org = _dict(m.get("orgStudyIdInfo"))
        put(out, "org_study_id", self.text(org.get("id"), "identificationModule.orgStudyIdInfo.id")
            or self.lack("identification.org_study_id", "the Unique Protocol ID", "UNKNOWN"))
        put(out, "org_name", self.text(_dict(m.get("organization")).get("fullName"),
                                       "identificationModule.organization.fullName"))
        nct = m.get("nctId")
        if isinstance(nct, str) and NCT.match(nct):
            out["nct_id"] = self.out.nct_id = nct
        elif nct is not None:
            self.out.dropped.append(("identificationModule.nctId", f"'{nct}' is not an NCT number"))
        secondary = []
        for i, item in self.records(m.get("secondaryIdInfos"), "identificationModule.secondaryIdInfos"):
            path = f"identificationModule.secondaryIdInfos[{i}]"
            entry = {}
            put(entry, "id", self.text(item.get("id"), path + ".id"))
            if "id" not in entry:
                self.out.dropped.append((path, "a secondary id without an id"))
                continue
            put(entry, "type", self.code(item.get("type"), codes.SECONDARY_ID_TYPE, path + ".type"))
            put(entry, "domain", self.text(item.get("domain"), path + ".domain"))
            secondary.append(entry)
        put(out, "secondary_ids", secondary)
        put(out, "brief_title", self.text(m.get("briefTitle"), "identificationModule.briefTitle")
            or self.lack("identification.brief_title", "the brief title",
                         self.text(m.get("officialTitle"), "officialTitle") or "Untitled study"))
        for key in ("official_title", "acronym"):
            put(out, key, self.field(mapping.catalogue.by_path()[("identification", key)]))
        return out

    def date_struct(self, value, path, key, overall):
        value = _dict(value)
        date = value.get("date")
        if date is None:
            return None
        if not isinstance(date, str) or not PARTIAL_DATE.match(date):
            self.out.dropped.append((path + ".date", f"'{date}' is not a date YYYY-MM[-DD]"))
            return None
        out = {"date": date}
        kind = self.code(value.get("type"), codes.DATE_TYPE, path + ".type")
        if kind is None:
            kind = self.infer_date_type(key, date, overall)
            self.out.lacked.append((f"status.{key}.type",
                                    f"the date type; set to {kind} from the status {overall} "
                                    "and the date"))
        out["type"] = kind
        return out

    def infer_date_type(self, key, date, overall):
        parts = [int(p) for p in date.split("-")] + [1]
        past = dt.date(parts[0], parts[1], parts[2]) <= self.today
        if overall in ("WITHDRAWN", "NOT_YET_RECRUITING"):
            return "ESTIMATED"
        if key == "start_date":
            return "ACTUAL" if overall in STARTED and past else ("ACTUAL" if past else "ESTIMATED")
        if overall in ("COMPLETED", "TERMINATED"):
            return "ACTUAL"
        return "ESTIMATED"

    def status(self, m):
        out = {}
        verified = m.get("statusVerifiedDate")
        if isinstance(verified, str) and re.match(r"^\d{4}-\d{2}", verified):
            out["verified_date"] = verified[:7]
        else:
            out["verified_date"] = self.lack("status.verified_date", "the record verification date",
                                             self.today.strftime("%Y-%m"))
        overall = m.get("overallStatus")
        last = m.get("lastKnownStatus")
        if isinstance(overall, str) and overall in codes.DERIVED_STATUS \
                and isinstance(last, str) and last in codes.STATUS:
            self.out.notes.append(f"status.overall_status: {overall} is derived by "
                                  f"ClinicalTrials.gov; the last status the sponsor gave, "
                                  f"{m['lastKnownStatus']}, was imported")
            overall = m["lastKnownStatus"]
        overall = self.code(overall, dict(codes.STATUS, **codes.DERIVED_STATUS),
                            "statusModule.overallStatus")
        if overall is None:
            overall = self.lack("status.overall_status", "the overall status", "NOT_YET_RECRUITING")
        out["overall_status"] = overall
        for key in ("why_stopped", "delayed_posting", "has_expanded_access"):
            put(out, key, self.field(mapping.catalogue.by_path()[("status", key)]))
        access = _dict(m.get("expandedAccessInfo"))
        nct = access.get("nctId")
        if isinstance(nct, str) and NCT.match(nct):
            out["expanded_access_nct_id"] = nct
        for key, api in (("start_date", "startDateStruct"),
                         ("primary_completion_date", "primaryCompletionDateStruct"),
                         ("completion_date", "completionDateStruct")):
            put(out, key, self.date_struct(m.get(api), f"statusModule.{api}", key, overall))
        self.registration(m, out)
        if "start_date" not in out:
            guess = (out.get("primary_completion_date") or {}).get("date") or out["verified_date"]
            out["start_date"] = self.lack("status.start_date",
                                          f"the study start date; set to {guess} (ESTIMATED)",
                                          {"date": guess, "type": "ESTIMATED"})
        return out

    def registration(self, m, out):
        """The dates and flags ClinicalTrials.gov keeps (first posted, results): kept,
        because the WHO data set reports them (items 2 and 23), though never exported."""
        submitted = m.get("studyFirstSubmitDate")
        if isinstance(submitted, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", submitted):
            out["first_submit_date"] = submitted
        for key, api in (("first_post_date", "studyFirstPostDateStruct"),
                         ("results_first_post_date", "resultsFirstPostDateStruct")):
            value = _dict(m.get(api))
            date = value.get("date")
            if isinstance(date, str) and PARTIAL_DATE.match(date):
                kind = value.get("type")
                kind = kind if isinstance(kind, str) and kind in codes.DATE_TYPE else "ACTUAL"
                out[key] = {"date": date, "type": kind}
            elif date is not None:
                self.out.dropped.append((f"statusModule.{api}.date", f"'{date}' is not a date"))
        has_results = self.study.get("hasResults")
        if isinstance(has_results, bool):
            out["has_results"] = has_results

    def sponsors(self, m):
        out = {}
        party = _dict(m.get("responsibleParty"))
        if party:
            entry = {}
            kind = self.code(party.get("type"), codes.RESPONSIBLE_PARTY,
                             "sponsorCollaboratorsModule.responsibleParty.type")
            for key, api in (("investigator", "investigatorFullName"),
                             ("investigator_title", "investigatorTitle"),
                             ("investigator_affiliation", "investigatorAffiliation"),
                             ("old_name_title", "oldNameTitle"),
                             ("old_organization", "oldOrganization")):
                put(entry, key, self.text(party.get(api), f"sponsorCollaboratorsModule."
                                                           f"responsibleParty.{api}"))
            if kind:
                out["responsible_party"] = {"type": kind, **entry}
            elif entry:
                self.out.dropped.append(("sponsorCollaboratorsModule.responsibleParty",
                                         "a responsible party without a type (legacy): "
                                         + ", ".join(f"{k}={v}" for k, v in entry.items())))
        lead = _dict(m.get("leadSponsor"))
        name = self.text(lead.get("name"), "sponsorCollaboratorsModule.leadSponsor.name")
        if not name:
            name = self.lack("sponsors.lead.name", "the sponsor", "Unknown sponsor")
        out["lead"] = {"name": name}
        put(out["lead"], "class", self.code(lead.get("class"), codes.AGENCY_CLASS,
                                            "sponsorCollaboratorsModule.leadSponsor.class"))
        collaborators = []
        for i, item in self.records(m.get("collaborators"), "sponsorCollaboratorsModule.collaborators"):
            path = f"sponsorCollaboratorsModule.collaborators[{i}]"
            name = self.text(item.get("name"), path + ".name")
            if not name:
                self.out.dropped.append((path, "a collaborator without a name"))
                continue
            entry = {"name": name}
            put(entry, "class", self.code(item.get("class"), codes.AGENCY_CLASS, path + ".class"))
            collaborators.append(entry)
        put(out, "collaborators", collaborators)
        return dict(sorted(out.items(), key=lambda kv: ["lead", "collaborators",
                                                         "responsible_party"].index(kv[0])))

    def oversight(self, m):
        return self.simple(("oversight",))

    def description(self, m):
        out = self.simple(("description",))
        if "brief_summary" not in out:
            out = {"brief_summary": self.lack("description.brief_summary", "the brief summary",
                                              "(no summary in the record)"), **out}
        return out

    def conditions(self, m):
        out = self.simple(("conditions",))
        if not out.get("conditions"):
            out = {"conditions": self.lack("conditions.conditions", "a condition", ["(not given)"]),
                   **out}
        return out

    def design(self, m):
        out = self.simple(("design",), skip=("study_type", "enrollment"))
        study_type = self.field(mapping.catalogue.by_path()[("design", "study_type")]) \
            or self.lack("design.study_type", "the study type", "INTERVENTIONAL")
        out = {"study_type": study_type, **out}
        count_field = mapping.catalogue.by_path()[("design", "enrollment", "count")]
        count, spelled = mapping.value_at(self.section, count_field)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            if count is not None:
                self.out.dropped.append((spelled, f"{count!r} is not a count"))
        else:
            entry = {"count": count}
            put(entry, "type", self.field(mapping.catalogue.by_path()[("design", "enrollment", "type")]))
            out["enrollment"] = entry
        return out

    def arms(self, m):
        interventions, by_label, by_name, ids = [], {}, {}, set()
        for i, item in self.records(m.get("interventions"), "armsInterventionsModule.interventions"):
            path = f"armsInterventionsModule.interventions[{i}]"
            name = self.text(item.get("name"), path + ".name")
            if not name:
                self.out.dropped.append((path, "an intervention without a name"))
                continue
            kind = self.code(item.get("type"), codes.INTERVENTION_TYPE, path + ".type")
            if kind is None:
                kind = self.lack(f"interventions.{i}.type", "the intervention type; set to OTHER", "OTHER")
            entry = {"id": unique_id(markup.slug(name, "intervention"), ids), "type": kind, "name": name}
            put(entry, "description", self.text(item.get("description"), path + ".description", True))
            put(entry, "other_names", self.texts(item.get("otherNames"), path + ".otherNames"))
            interventions.append(entry)
            by_label.setdefault(f"{codes.INTERVENTION_TYPE[kind]}: {name}", entry["id"])
            by_name.setdefault(name, entry["id"])
            entry["_arms"] = self.texts(item.get("armGroupLabels"), path + ".armGroupLabels")
        arms, arm_ids = [], set()
        for i, item in self.records(m.get("armGroups"), "armsInterventionsModule.armGroups"):
            path = f"armsInterventionsModule.armGroups[{i}]"
            label = self.text(item.get("label"), path + ".label")
            if not label:
                label = self.lack(f"arms.{i}.label", "the arm label", f"Arm {i + 1}")
            entry = {"id": unique_id(markup.slug(label, "arm"), arm_ids), "label": label}
            put(entry, "type", self.code(item.get("type"), codes.ARM_TYPE, path + ".type"))
            put(entry, "description", self.text(item.get("description"), path + ".description", True))
            refs = []
            for j, name in enumerate(self.texts(item.get("interventionNames"), path + ".interventionNames")):
                ref = by_label.get(name) or by_name.get(name.split(": ", 1)[-1])
                if ref is None:
                    self.out.dropped.append((f"{path}.interventionNames[{j}]",
                                             f"'{name}' names no intervention of the record"))
                elif ref not in refs:
                    refs.append(ref)
            entry["interventions"] = refs
            arms.append(entry)
        labels = {a["label"]: a for a in arms}
        for intervention in interventions:
            for label in intervention.pop("_arms"):
                arm = labels.get(label)
                if arm is None:
                    self.out.dropped.append((f"interventions.{intervention['id']}.armGroupLabels",
                                             f"'{label}' is not an arm label of the record"))
                elif intervention["id"] not in arm["interventions"]:
                    arm["interventions"].append(intervention["id"])
                    self.out.notes.append(f"arms.{arm['id']}: intervention '{intervention['name']}' "
                                          "was linked on the intervention's side only")
        for arm in arms:
            if not arm["interventions"]:
                del arm["interventions"]
        return arms, interventions

    def allocation_fill(self, data):
        design = data["design"]
        if design.get("study_type") == "INTERVENTIONAL" and "allocation" not in design \
                and (design.get("intervention_model") == "SINGLE_GROUP" or len(data.get("arms") or []) == 1):
            design["allocation"] = self.lack("design.allocation", "the allocation; set to NA "
                                             "(single-group study)", "NA")

    def outcomes(self, m):
        out = {}
        for kind in ("primary", "secondary", "other"):
            api = mapping.key("outcomes", kind)
            items = []
            for i, item in self.records(mapping.get(self.section, api), ".".join(api)):
                entry = self.simple(("outcomes", kind, "*"), index={0: i})
                if "measure" not in entry:
                    entry["measure"] = self.lack(f"outcomes.{kind}.{len(items)}.measure",
                                                 "the outcome title", "(no title in the record)")
                items.append({"measure": entry.pop("measure"), **entry})
            put(out, kind, items)
        return out

    def age(self, value, path):
        if value is None or value == "N/A":
            return None
        text = self.text(value, path) or ""
        if AGE.match(text):
            return text
        loose = LOOSE_AGE.match(text)
        if loose:
            written = f"{loose.group(1)} {loose.group(2).capitalize()}"
            if AGE.match(written):
                self.out.notes.append(f"{path}: '{text}' written as '{written}'")
                return written
        self.out.dropped.append((path, f"'{text}' is not an age such as '18 Years'"))
        return None

    def eligibility(self, m):
        out = self.simple(("eligibility",), skip=("sex", "minimum_age", "maximum_age",
                                                  "healthy_volunteers"))
        sex = self.field(mapping.catalogue.by_path()[("eligibility", "sex")])
        first = {"sex": sex or self.lack("eligibility.sex", "the sex eligible; set to ALL", "ALL")}
        for key in ("minimum_age", "maximum_age"):
            value, spelled = mapping.value_at(self.section, mapping.catalogue.by_path()[("eligibility", key)])
            put(first, key, self.age(value, spelled))
        healthy = self.field(mapping.catalogue.by_path()[("eligibility", "healthy_volunteers")])
        first["healthy_volunteers"] = healthy if healthy is not None else self.lack(
            "eligibility.healthy_volunteers", "whether healthy volunteers are accepted; set to false",
            False)
        criteria = mapping.key("eligibility", "criteria_markdown")
        put(first, "criteria_markdown", self.text(mapping.get(self.section, criteria),
                                                  ".".join(criteria), True))
        return {**first, **out}

    # people -------------------------------------------------------------------------
    def person(self, entry, path, contact: bool):
        """The id of the person an API contact or official names, creating it if new."""
        name = self.text(entry.get("name"), path + ".name")
        phone = self.text(entry.get("phone"), path + ".phone") if contact else None
        ext = self.text(entry.get("phoneExt"), path + ".phoneExt") if contact else None
        email = self.text(entry.get("email"), path + ".email") if contact else None
        if email and not EMAIL.match(email):
            self.out.dropped.append((path + ".email", f"'{email}' is not an e-mail address"))
            email = None
        if not name:
            if not (phone or email):
                return None
            name = "Contact"
            self.out.notes.append(f"{path}: a contact without a name was given the name 'Contact'")
        key = (name, phone, ext, email)
        if key in self.person_keys:
            return self.person_keys[key]
        if not contact and name in self.person_names:
            return self.person_names[name]
        person = split_name(name)
        person["id"] = unique_id(markup.slug(person_name_only(person), "person"), self.people_ids)
        for k, v in (("phone", phone), ("phone_ext", ext), ("email", email)):
            put(person, k, v)
        person = {"id": person.pop("id"), **person}
        self.people.append(person)
        self.person_keys[key] = person["id"]
        self.person_names.setdefault(name, person["id"])
        return person["id"]

    def contacts(self, m):
        data = self.out.data
        self.people, self.person_keys, self.person_names, self.people_ids = [], {}, {}, set()
        central = []
        for i, item in self.records(m.get("centralContacts"), "contactsLocationsModule.centralContacts"):
            path = f"contactsLocationsModule.centralContacts[{i}]"
            ref = self.contact_ref(_dict(item), path)
            if ref:
                central.append(ref)
        officials = []
        for i, item in self.records(m.get("overallOfficials"), "contactsLocationsModule.overallOfficials"):
            path = f"contactsLocationsModule.overallOfficials[{i}]"
            person = self.person(item, path, contact=False)
            if person is None:
                self.out.dropped.append((path, "an official without a name"))
                continue
            entry = {"person": person}
            role = self.code(item.get("role"), codes.OFFICIAL_ROLE, path + ".role")
            entry["role"] = role or self.lack(f"officials.{len(officials)}.role",
                                              "the official's role; set to STUDY_DIRECTOR",
                                              "STUDY_DIRECTOR")
            put(entry, "affiliation", self.text(item.get("affiliation"), path + ".affiliation"))
            officials.append(entry)
        sites, site_ids = [], set()
        for i, item in self.records(m.get("locations"), "contactsLocationsModule.locations"):
            path = f"contactsLocationsModule.locations[{i}]"
            site = {}
            facility = self.text(item.get("facility"), path + ".facility")
            city = self.text(item.get("city"), path + ".city")
            site["id"] = unique_id(markup.slug(facility or city or "", "site", 32), site_ids)
            put(site, "facility", facility)
            put(site, "status", self.code(item.get("status"), codes.SITE_STATUS, path + ".status"))
            put(site, "city", city)
            for key in ("state", "zip", "country"):
                put(site, key, self.text(item.get(key), f"{path}.{key}"))
            refs = []
            for j, contact in self.records(item.get("contacts"), f"{path}.contacts"):
                ref = self.contact_ref(_dict(contact), f"{path}.contacts[{j}]")
                if ref:
                    refs.append(ref)
            put(site, "contacts", refs)
            sites.append(site)
        put(data, "people", self.people)
        put(data, "officials", officials)
        put(data, "central_contacts", central)
        put(data, "sites", sites)

    def contact_ref(self, item, path):
        person = self.person(item, path, contact=True)
        if person is None:
            self.out.dropped.append((path, "a contact without a name, phone or e-mail"))
            return None
        ref = {"person": person}
        put(ref, "role", self.code(item.get("role"), codes.CONTACT_ROLE, path + ".role"))
        return ref

    def references(self, m):
        data = self.out.data
        refs = []
        for i, item in self.records(m.get("references"), "referencesModule.references"):
            path = f"referencesModule.references[{i}]"
            if item.get("type") == "DERIVED":
                continue  # added from PubMed, not submitted: listed by not_imported()
            entry = {}
            pmid = self.text(item.get("pmid"), path + ".pmid")
            if pmid and not pmid.isdigit():
                self.out.dropped.append((path + ".pmid", f"'{pmid}' is not a PubMed id"))
                pmid = None
            put(entry, "pmid", pmid)
            put(entry, "type", self.code(item.get("type"), codes.REFERENCE_TYPE, path + ".type"))
            citation = self.text(item.get("citation"), path + ".citation")
            if not citation:
                if not pmid:
                    self.out.dropped.append((path, "a reference without citation or PubMed id"))
                    continue
                citation = self.lack(f"references.{len(refs)}.citation", "the citation",
                                     f"PubMed {pmid}")
            entry["citation"] = citation
            refs.append(entry)
        put(data, "references", refs)
        links = []
        api = mapping.key("see_also_links")
        for i, item in self.records(mapping.get(self.section, api), ".".join(api)):
            entry = self.simple(("see_also_links", "*"), index={0: i})
            if "url" not in entry:
                self.out.dropped.append((f"{'.'.join(api)}[{i}]", "a link without a URL"))
                continue
            links.append({"url": entry.pop("url"), **entry})
        put(data, "see_also_links", links)
        ipds = []
        api = mapping.key("avail_ipds")
        for i, item in self.records(mapping.get(self.section, api), ".".join(api)):
            entry = self.simple(("avail_ipds", "*"), index={0: i})
            if entry:
                ipds.append(entry)
        put(data, "avail_ipds", ipds)

    def ipd(self, m):
        if not m:
            return {}
        sharing = self.field(mapping.catalogue.by_path()[("ipd_sharing", "sharing")])
        if sharing is None:
            self.out.dropped.append((mapping.module("ipd_sharing"), "an IPD statement without a "
                                     "sharing answer"))
            return {}
        return {"sharing": sharing, **self.simple(("ipd_sharing",), skip=("sharing",))}


def put(target: dict, key, value):
    if value is None or value == "" or value == [] or value == {}:
        return
    target[key] = value


def unique_id(base: str, taken: set) -> str:
    """base, or base-2, base-3 … : unique ignoring case, and an id the schema accepts."""
    base = base[:56] or "item"
    if not base[0].isalnum():
        base = "x" + base
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate.lower())
    return candidate


def split_name(name: str) -> dict:
    """'Neil H White, M.D.' -> first Neil, middle H, last White, degrees M.D.;
    'David Klatzmann, Pr' -> honorific Pr (a code of codes.HONORIFIC, spelled so).

    ``model.person_name`` joins the parts back with single spaces and ', ',
    which gives the API's string again.
    """
    names, _, degrees = name.partition(", ")
    words = names.split()
    person = {}
    if len(words) >= 2:
        person["first_name"] = words[0]
        if len(words) > 2:
            person["middle_name"] = " ".join(words[1:-1])
        person["last_name"] = words[-1]
    else:
        person["last_name"] = names.strip() or name.strip()
    degrees = " ".join(degrees.split())
    first, _, rest = degrees.partition(", ")
    if first in codes.HONORIFIC:   # 'David Klatzmann, Pr': an honorific, not a degree
        put(person, "honorific", first)
        degrees = rest
    put(person, "degrees", degrees)
    return person


def person_name_only(person: dict) -> str:
    return " ".join(person.get(k, "") for k in ("first_name", "middle_name", "last_name")).strip()


def convert(study: dict, today: dt.date | None = None) -> Imported:
    """The protocol data of a study record, and what the conversion had to say."""
    return _Converter(study, today or dt.date.today()).convert()


# -- known gaps: what PRS requires today and the record lacks --------------------

def find_known_gaps(data: dict, slug: str, today=None) -> list[str]:
    """Where the cross-field or registry rules find an error in the data as imported:
    each the field and a digest of its item or value (``checker.gap_key``)."""
    from ..load import Source
    from ..rules import Rules
    from . import checker

    source = Source(folder=Path(slug), data=data)
    found = Rules(source, slug, today).run() + checker.registry_diagnostics(source, today=today)
    return sorted({checker.gap_key(d, data) for d in found if d.severity == "error" and d.path})


# -- writing ---------------------------------------------------------------------

class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Safe YAML that reads back as the same text under trialdocs' loader."""


def _represent_str(dumper, value):
    style = None
    if not isinstance(resolve_plain(value), str) or value != value.strip() or value == "":
        style = '"'
    elif "\n" in value:
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100000,
                     default_flow_style=False, indent=2)


def render_files(imported: Imported, source_name: str) -> dict[str, str]:
    record = imported.data["protocol"]["imported"]["record"]
    header = (f"# Imported from the ClinicalTrials.gov record {record} "
              f"({source_name}, last updated {imported.data['protocol']['version_date']})\n"
              "# by trialdocs import-ctgov. Field names follow the API's protocol section;\n"
              "# protocol.imported lists what the record lacks. Edit freely.\n\n")
    files = {}
    for name, keys in FILES.items():
        part = {k: imported.data[k] for k in keys if k in imported.data}
        if part:
            files[name] = header + dump_yaml(part)
    return files


def write_folder(folder: Path, files: dict[str, str], force: bool) -> None:
    """Write the files into a new folder at once (a temporary folder, then a rename)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise RecordError(f"{folder} exists and is not a folder")
    existing = folder.is_dir() and any(folder.iterdir())
    if existing and not force:
        raise RecordError(f"{folder} already exists; use --force to replace its YAML files")
    for name, text in files.items():
        if len(text.encode("utf-8")) > MAX_FILE_BYTES:
            raise RecordError(f"{name} would be {len(text.encode()):,} bytes, over the loader's "
                               f"limit of {MAX_FILE_BYTES:,}")
    folder.parent.mkdir(parents=True, exist_ok=True)
    if existing:
        for old in list(folder.glob("*.yaml")) + list(folder.glob("*.yml")):
            old.unlink()
        for name, text in files.items():
            _atomic_write(folder / name, text)
        return
    temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        temp.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the folder is the user's
        for name, text in files.items():
            (temp / name).write_text(text, encoding="utf-8")
        if folder.is_dir():
            folder.rmdir()  # empty, checked above
        os.replace(temp, folder)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, text: str):
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.chmod(temp, 0o666 & ~_umask())
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temp, path)


def import_record(record_path: Path, folder: Path | None = None, force=False, today=None):
    """Import one record file; returns (folder, Imported). Raises RecordError when it cannot."""
    study = read_record(record_path)
    imported = convert(study, today)
    if folder is None:
        name = (imported.nct_id or markup.slug(imported.data["identification"]["org_study_id"],
                                               "imported")).lower()
        from ..check import DEFAULT_ROOT
        folder = DEFAULT_ROOT / name
    folder = Path(folder)
    gaps = find_known_gaps(imported.data, folder.name, today)
    meta = imported.data["protocol"]["imported"]
    put(meta, "known_gaps", gaps)
    put(meta, "inferred", sorted({path for path, _ in imported.lacked}))
    write_folder(folder, render_files(imported, Path(record_path).name), force)
    return folder, imported
