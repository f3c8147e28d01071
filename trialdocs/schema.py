"""The field catalogue: every field a protocol may hold, declared once.

A protocol folder's YAML files are merged into one mapping (each top-level key
lives in exactly one file) and checked against SCHEMA. The field names follow
ClinicalTrials.gov's protocol section, module by module, in snake_case, so the
registry serialisers are a mechanical mapping; the consent, site-manual and
regulatory blocks add what those documents need.

Each field is one call below that says everything about it: its Cerberus
rules (type, required, codes, pattern) and, in Cerberus's ``meta`` rule, which
Cerberus ignores while checking,

- ``doc``   a one-line description (docs tables, editor hover text);
- ``ex``    an example value, from the worked example where it has one;
- ``ct``    its ClinicalTrials.gov API v2 key, relative to the key of the
            enclosing record (absolute when the record has none), so that
            shared records (addresses, outcomes, dates) carry their own keys;
- ``prs``   its PRS form label and character limit, ``V`` when the limit was
            confirmed (a breach is an error), ``U`` when not (a warning);
- ``when``  a condition under which an optional field is required, in words
            (the rule itself lives in rules.py or the consent regimes);
- ``element`` the consent element a field serves, where documents/consent.py's
            table of elements does not name the field itself;
- ``show``  the documents that show the field as it is (``("consent", "site_manual")``):
            their templates find it, localized, under ``fields`` (``fields.sponsors.funding``),
            with no code of the document's own;
- ``label`` its heading in those documents, one per language (``{"en": …, "fr": …}``);
- ``kind``  the name of a shared record (Address, Contact) where one is used;
- ``markdown`` whether the text is Markdown (``md``, ``loc_md``, ``staff(markdown=True)``).

Keeping the catalogue inside the Cerberus schema, rather than in a layer that
builds it, costs ``check`` nothing: SCHEMA is the dict validate.py hands to
Cerberus, as before. ``trialdocs.catalogue`` reads it as a list of fields for
what is generated from it (``python -m trialdocs.generate``): the docs' field
tables, the editor's JSON Schema, the ClinicalTrials.gov key mapping and the
PRS limits.

Conventions used below (docs/protocol-format.md describes every field):
- ``text()``      plain text on one or more lines (a string).
- ``md()``        Markdown (CommonMark, raw HTML shown as text).
- ``loc()``       patient-facing: one value per declared language (``{en: …, fr: …}``).
- ``loc_md()``    the same, each value Markdown.
- ``staff()``     staff-facing text: one string for every language, or one per language.
- ``ident()``     an id: letters, digits, ``-`` and ``_``; safe as a file name.
- ``code(TABLE)`` one code from a table of ``trialdocs.codes``.
"""

from . import codes, documents, m11

ID_RE = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
PARTIAL_DATE_RE = r"^\d{4}-\d{2}(-\d{2})?$"
MONTH_RE = r"^\d{4}-\d{2}$"
AGE_RE = r"^\d+ (%s)s?$" % "|".join(u[:-1] for u in codes.AGE_UNITS)
EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


ABOUT = ("doc", "ex", "ct", "prs", "when", "kind", "element", "show", "label")


def _about(rule, kw, markdown=False):
    """The rule with the catalogue's facts (``doc``, ``ex`` … in kw) in its ``meta``."""
    meta = {"markdown": markdown}
    for key in ABOUT:
        if kw.get(key) is not None:
            meta[key] = kw[key]
    rule.update({k: v for k, v in kw.items() if k not in ABOUT})
    rule["meta"] = meta
    return rule


def V(chars, label):
    """A PRS label and a limit seen in a source (registry.md **V**): over it is an error."""
    return {"label": label, "limit": chars, "confirmed": True}


def U(chars, label):
    """A PRS label and the DED limit as we know it, not re-seen: over it is a warning."""
    return {"label": label, "limit": chars, "confirmed": False}


def text(required=False, **kw):
    return _about(dict(type="string", required=required, empty=False), kw)


def md(required=False, **kw):
    return _about(dict(type="string", required=required, empty=False), kw, markdown=True)


def loc(required=False, markdown=False, **kw):
    return _about(dict(type="dict", required=required, localized="patient"), kw, markdown)


def loc_md(required=False, **kw):
    return loc(required, markdown=True, **kw)


def staff(required=False, markdown=False, **kw):
    return _about(dict(type=["string", "dict"], required=required, empty=False,
                       localized="staff"), kw, markdown)


def ident(required=True, **kw):
    return _about(dict(type="string", required=required, regex=ID_RE, safe_name=True), kw)


def code(table, required=False, **kw):
    return _about(dict(type="string", required=required, allowed=list(table)), kw)


def flag(required=False, **kw):
    return _about(dict(type="boolean", required=required), kw)


def integer(required=False, min=None, max=None, **kw):
    rule = dict(type="integer", required=required)
    if min is not None:
        rule["min"] = min
    if max is not None:
        rule["max"] = max
    return _about(rule, kw)


def number(required=False, **kw):
    return _about(dict(type="number", required=required), kw)


def items(schema, required=False, minlength=None, maxlength=None, **kw):
    rule = dict(type="list", required=required, schema=schema)
    if minlength is not None:
        rule["minlength"] = minlength
    if maxlength is not None:
        rule["maxlength"] = maxlength
    return _about(rule, kw)


def record(fields, required=False, **kw):
    return _about(dict(type="dict", required=required, schema=fields), kw)


def texts(required=False, minlength=None, **kw):
    return items(text(), required, minlength, **kw)


def like(shared, **kw):
    """A shared record (ADDRESS, CONTACT) where it is used, with what it is there."""
    rule = {k: v for k, v in shared.items() if k != "meta"}
    return _about(rule, kw)


def date_struct(required=False, **kw):
    return record({
        "date": text(True, regex=PARTIAL_DATE_RE, doc="The date: YYYY-MM or YYYY-MM-DD", ct="date",
                     ex="2021-01-05"),
        "type": code(codes.DATE_TYPE, True, doc="ACTUAL once the date has passed, ESTIMATED before",
                     ct="type", ex="ACTUAL"),
    }, required, kind="Date with type", **kw)



def local(fields: dict, what: str):
    """Per-language variants of registry texts (``local: {fr: {text: …}}``): documents in that
    language show them; the registry keeps the field itself (see trialdocs/translations.py)."""
    return record({lang: record(fields, doc=f"{what} in {name}")
                   for lang, name in codes.LANGUAGES.items() if lang != "en"},
                  doc=f"{what} in the documents' other languages (the registry keeps the English)")


def kept_date(**kw):
    """A date ClinicalTrials.gov sets and keeps (first posted …): read on import, never sent."""
    return record({
        "date": text(True, regex=PARTIAL_DATE_RE, doc="The date: YYYY-MM or YYYY-MM-DD", ex="2008-10-01"),
        "type": code(codes.DATE_TYPE, True, doc="`ACTUAL`, or `ESTIMATED` as old records give it",
                     ex="ACTUAL"),
    }, kind="Date kept by ClinicalTrials.gov", **kw)


PERSON = {
    "id": ident(doc='The person\'s id, unique among people; other blocks name the person by it', ex='bornes'),
    "honorific": code(codes.HONORIFIC, doc='`Pr` (professor) or `Dr`: written before the name in the reader\'s language ("Pr David Klatzmann", "Professor David Klatzmann"); the registry writes it after the name, as registered', ex='Pr'),
    "first_name": text(doc='Given name', ex='Arsene'),
    "middle_name": text(doc='Middle name or initial', ex='H'),
    "last_name": text(True, doc='Family name', ex='Mékinian'),
    "degrees": text(doc='Degrees written after the name, e.g. `"MD, PhD"` (an honorific such as Pr or Dr goes in `honorific`)', ex='MD, PhD'),
    "title": staff(doc='Job title', ex={'en': 'Coordinating investigator', 'fr': 'Investigateur coordonnateur'}),
    "affiliation": text(doc='Used for an official when `officials[].affiliation` is not given', ex='Trousseau APHP Paris'),
    "role": staff(doc="The person's role in the study, in words"),
    "phone": text(doc='Phone number; quote it', ex='+33 1 00 00 00 10'),
    "phone_ext": text(doc='Phone extension'),
    "email": text(regex=EMAIL_RE, doc='E-mail address', ex='investigateur-tenon@example.org'),
}

ADDRESS = record({
    "street": text(doc='Street and number', ex='1 avenue Claude Vellefaux'),
    "postcode": text(doc='Postal code; quote it', ex='75010'),
    "city": text(True, doc='City', ex='Paris'),
    "state": text(doc='State, region or province'),
    "country": text(True, doc='Country', ex='France'),
})

CONTACT = record({
    "name": staff(True, doc="The office's name: one text for every language, or one per language", ex={'en': 'AP-HP, Clinical Research and Innovation Department (DRCI)', 'fr': "AP-HP, Direction de la Recherche Clinique et de l'Innovation (DRCI)"}),
    "phone": text(doc='Phone number; quote it', ex='+33 1 00 00 00 00'),
    "email": text(regex=EMAIL_RE, doc='E-mail address', ex='drci-promotion@example.org'),
    "hours": loc(doc='Opening hours, one text per language'),
    "address": like(ADDRESS, kind="Address", doc="The office's postal address"),
})

def outcome(word):
    """An outcome measure; ``word`` (Primary, Secondary, Other) starts its PRS labels."""
    return record({
        "id": ident(False, doc='Unique across all three lists', ex='treg-change'),
        "measure": text(True, doc="The outcome measure's title", ct='measure', prs=U(255, f'{word} Outcome Measure Title'), ex='Change in the percentage of regulatory T cells (Tregs) among CD4+ T cells in …'),
        "description": md(doc='What is measured and how', ct='description', prs=V(999, f'{word} Outcome Measure Description'), ex='Tregs (CD4+ CD25+ FOXP3+ CD127 low) counted by flow cytometry in a central laboratory. …'),
        "time_frame": text(doc='When it is measured', ct='timeFrame', prs=U(255, f'{word} Outcome Measure Time Frame'), ex='Day 1 (before injection) and Day 5 of each course (up to 5 courses)'),
        "objective": ident(False, doc='The `objectives` id this outcome measures', ex='treg'),
        "local": local({"measure": text(doc="The measure's title"), "time_frame": text(doc="When it is measured"),
                        "description": md(doc="What is measured and how")}, "The outcome measure"),
    })

CRITERION = record({
    "id": ident(doc='Unique across inclusion **and** exclusion criteria together', ex='I1'),
    "text": text(True, doc='The criterion as the protocol states it', ex='Volunteer to participate in the trial and having given written consent after …'),
    "lay": loc(doc='The criterion in lay words', ex={'fr': 'Vous voulez participer et vous avez signé le formulaire de …', 'en': 'You want to take part and you have signed the consent form after …'}),
    "heading": flag(doc="The item introduces the criteria after it (\"Main known contraindications to IL-2:\"): the site manual's checklist shows it as a heading, without Yes/No boxes; the registry text keeps it as a line", ex=True),
    "local": local({"text": text(doc="The criterion")}, "The criterion"),
    "same_as": text(doc="The id of an earlier criterion this one repeats, as registered: the registry text keeps it, the site manual's checklist leaves it out, and `check` does not warn about the duplicate", ex='E14'),
})

SCHEMA = {
    # ---- the protocol itself ---------------------------------------------
    "protocol": record({
        "title": text(True, doc="The protocol's title", ex='Low-dose Interleukin-2 in Women With Unexplained Miscarriages'),
        "version": text(True, doc='The protocol\'s version; quote it: "2.0"', ex='2.0'),
        "version_date": text(True, regex=DATE_RE, doc='The date of this version: YYYY-MM-DD', ex='2020-10-15'),
        "status": code(codes.PROTOCOL_STATUS, True, doc='`draft`, `final`. The documents of a `draft` protocol carry a "DRAFT" mark', ex='final'),
        "languages": items(code(codes.LANGUAGES), True, 1, doc='The languages of the documents, each a code: `en`, `fr`; the first is the main one', ex=['fr', 'en']),
        "documents": items(code({d: d for d in documents.NAMES}), True, 1, doc='The documents to build: ' + ', '.join(f'`{d}`' for d in documents.NAMES), ex=['consent', 'site_manual', 'registry']),
        # One item per protocol version, oldest first. Beyond version, date and
        # summary (the version history every document shows), an amendment
        # holds its ICH M11 "Amendment Details" for the summary of changes
        # (``trialdocs diff``) and says whether enrolled participants must be
        # re-consented; docs/amendments.md describes how they are used.
        "amendments": items(record({
            "version": text(True, doc='The version this amendment made; quote it', ex='1.0'),
            "date": text(True, regex=DATE_RE, doc="`YYYY-MM-DD`; not earlier than the previous item's date", ex='2019-05-20'),
            "summary": staff(True, doc='What changed; the version history of the consent form and the site manual shows it', ex={'en': 'Initial protocol.', 'fr': 'Protocole initial.'}),
            "number": text(doc="The amendment's number (ICH M11 Amendment Details)", ex='1'),
            "primary_reason": staff(doc='ICH M11 primary reason for the amendment', ex='Participant safety: a pregnancy test before every course'),
            "secondary_reasons": items(staff(), doc='ICH M11 secondary reasons', ex=['Feasibility: screening tests take longer than planned']),
            "substantial_impact": record({
                "safety_rights": record({
                    "answer": flag(True, doc='Yes (true) or no (false)', ex=True),
                    "comment": staff(doc='Why', ex='A pregnancy starting during a course is now detected before the first injection.'),
                }, doc='Substantial impact on the safety or rights of participants?'),
                "data_reliability": record({
                    "answer": flag(True, doc='Yes (true) or no (false)', ex=False),
                    "comment": staff(doc='Why', ex='Endpoints, visits that measure them and analyses are unchanged.'),
                }, doc='Substantial impact on the reliability and robustness of the data?'),
            }, doc='The two ICH M11 substantial-impact answers, each with a comment'),
            "reconsent": record({
                "needed": flag(True, doc='Whether participants already enrolled must be re-consented', ex=True),
                "reason": staff(doc='Why; give it when re-consent is not needed', ex='The information sheet describes a new test before each course.'),
            }, doc='Re-consent of participants already enrolled (ICH E6(R3) 2.8.2); needed: false means no new-information sheet'),
            "changes": items(record({
                "paths": texts(True, 1, doc='Dotted paths of the fields changed (a path covers what lies below it)', ex=['schedule.visits.V0.day_range']),
                "rationale": staff(True, doc='Brief rationale, shown in the summary of changes', ex='Results from usual care were rarely available within 14 days.'),
                "description": staff(doc='Description of the change (default: generated from the fields)', ex='Screening window extended from 14 to 28 days'),
                "cosmetic": flag(doc='A typo or typography fix: needs no new consent version', ex=False),
                "new_information": loc(doc='What the new-information sheet tells participants already enrolled'),
            }), doc='One item per changed field or group of fields, with its rationale (trialdocs diff)'),
        }), doc='The protocol\'s versions, oldest first'),
        # Dotted paths of content invented for an example, not the sponsor's
        # (``consent``, ``sites.*.address``, ``identification.official_title``;
        # a list item is named by its id or ``*``). Documents built from such
        # content carry the notice below.
        "planned": record({
            "enrollment": integer(min=0, doc="The number of participants this version plans", ex=18),
            "start": text(regex=PARTIAL_DATE_RE, doc="When this version plans the first enrolment: YYYY-MM[-DD]", ex="2020-12"),
            "completion": text(regex=PARTIAL_DATE_RE, doc="When this version plans the last participant's last visit: YYYY-MM[-DD]", ex="2022-12"),
        }, doc="What this version of the protocol plans: the consent documents and the site manual show these, not the registry's actual enrollment, dates or status (without them, a registry value is shown only while it is ESTIMATED)"),
        "illustrative": texts(doc='Dotted paths of content invented for an example, not the sponsor\'s (`*` = every item of a list)', ex=['protocol.version', 'protocol.version_date', 'protocol.amendments']),
        # Warnings accepted on purpose, each with its reason (shown in the manifest).
        "accepted_warnings": items(record({
            "path": text(True, doc="The field path of the warning, or a parent of it", ex="sites"),
            "message": text(doc="Words of the warning's message, to accept only that warning",
                            ex="Facility ZIP/Postal Code is missing"),
            "reason": text(True, doc="Why the warning is accepted; the manifest records it",
                           ex="The registered record gives no ZIP codes."),
        }), doc="Warnings accepted on purpose, each with its reason: not printed, listed in "
                "--format json and the build manifest"),
        "illustrative_notice": loc(doc='The notice printed on documents when `illustrative` is given', ex={'fr': 'Ce document est un exemple : il contient des contenus inventés …', 'en': 'This is an example document: it contains content invented for …'}),
        # Set by ``trialdocs import-ctgov``: where the protocol came from and what
        # the registry record, as registered, lacks of what PRS requires today.
        # ``known_gaps`` holds dotted paths (``*`` = every item, as in
        # ``illustrative``) with a digest of the item or value concerned; the
        # registry checker reports that same problem as a warning, naming the
        # record (checker.gap_key). ``inferred`` lists what
        # the import had to fill in because the schema needs it.
        "imported": record({
            "source": text(True, doc='Where the protocol came from', ex='ClinicalTrials.gov API v2'),
            "record": text(True, doc='The record imported (its NCT number)', ex='NCT00763412'),
            "record_date": text(regex=DATE_RE, doc='When the record was last updated: YYYY-MM-DD', ex='2017-05-03'),
            "known_gaps": texts(doc='What the record, as registered, lacks of what ClinicalTrials.gov requires today: each a dotted path (`*` = every item) and `@` a digest of the item or value concerned (`sites.*.zip@1a2b3c4d5e6f`). An error the registry checks find there, on that same item or value, is reported as a warning naming the imported record; a new item or an edited value with the same mistake stays an error'),
            "inferred": texts(doc='Paths of values the import had to fill in because the format needs them'),
        }, doc='Written by `trialdocs import-ctgov` (see below)'),
    }, True, doc='The protocol itself: title, version, languages, documents to build, amendments, illustrative content'),

    # ---- ClinicalTrials.gov protocol section, module by module ----------
    "identification": record({
        "org_study_id": text(True, doc="The sponsor's protocol number. Printed on consent documents", ct='orgStudyIdInfo.id', prs=V(30, 'Unique Protocol Identification Number'), ex='APHP180256'),
        "org_name": text(doc="The organisation of the PRS account that registers the study (ClinicalTrials.gov shows it as the organisation); sent as `organization.fullName` and PRS `org_name`", ct='organization.fullName', ex='Assistance Publique - Hôpitaux de Paris'),
        "nct_id": text(regex=r"^NCT\d{8}$", doc='`NCT` + 8 digits. Printed on consent documents', ct='nctId', ex='NCT03970954'),
        "secondary_ids": items(record({
            "id": text(True, doc='The secondary id itself, as its issuer writes it', ct='id', prs=V(30, 'Secondary ID'), ex='P60DK020579'),
            "type": code(codes.SECONDARY_ID_TYPE, doc='`NIH`, `FDA`, `VA`, `CDC`, `AHRQ`, `SAMHSA`, `OTHER_GRANT`, `EUDRACT_NUMBER`, `CTIS`, `REGISTRY`, `OTHER`', ct='type', ex='EUDRACT_NUMBER'),
            "domain": text(doc='Who issued the id', ct='domain'),
            "link": text(doc='A web address for the id; not sent (ClinicalTrials.gov computes it)'),
        }), doc='Other ids of the study: grant numbers, other registries (EudraCT, CTIS …)', ct='secondaryIdInfos'),
        "brief_title": text(True, doc='Title in lay words. The consent title when `consent.title` is not given', ct='briefTitle', prs=V(300, 'Brief Title'), ex='Low-dose Interleukin-2 in Women With Unexplained Miscarriages'),
        "official_title": text(doc='Full scientific title', ct='officialTitle', prs=V(600, 'Official Title'), ex='Stimulation of Regulatory T Cells by Low-dose Interleukin-2 in Women With Unexplained …'),
        "acronym": text(doc="The study's acronym, if it has one; it should appear in the official title", ct='acronym', prs=V(14, 'Acronym'), ex='CARAVAN'),
        "local": local({"brief_title": text(doc="The brief title"), "official_title": text(doc="The official title")}, "The titles"),
    }, True, doc='Study ids and titles (ClinicalTrials.gov identificationModule)', ct='identificationModule'),
    "status": record({
        "verified_date": text(True, regex=MONTH_RE, doc='`YYYY-MM`: when the record was last checked', ct='statusVerifiedDate', ex='2025-09'),
        "overall_status": code(dict(codes.STATUS, **codes.DERIVED_STATUS), True, doc='`NOT_YET_RECRUITING`, `RECRUITING`, `ENROLLING_BY_INVITATION`, `ACTIVE_NOT_RECRUITING`, `SUSPENDED`, `TERMINATED`, `COMPLETED`, `WITHDRAWN`, `AVAILABLE`, `NO_LONGER_AVAILABLE`, `TEMPORARILY_NOT_AVAILABLE`, `APPROVED_FOR_MARKETING`; also `UNKNOWN`, `WITHHELD` (set by ClinicalTrials.gov itself; an imported record may carry them)', ct='overallStatus', ex='COMPLETED'),
        "why_stopped": md(doc='Required when the status is `SUSPENDED`, `TERMINATED` or `WITHDRAWN`; not allowed otherwise', when='only when stopped', ct='whyStopped', prs=V(250, 'Why Study Stopped'), ex='recruiting or enrolling participants has halted prematurely and will not resume'),
        "delayed_posting": flag(doc='Whether the sponsor allows posting before FDA clearance of an unapproved device', ct='delayedPosting'),
        "has_expanded_access": flag(doc='Whether the investigational product is available through expanded access', ct='expandedAccessInfo.hasExpandedAccess', ex=True),
        "expanded_access_nct_id": text(regex=r"^NCT\d{8}$", doc="The expanded-access record's number", ct='expandedAccessInfo.nctId', ex='NCT04323761'),
        "start_date": date_struct(True, doc='When the first participant was (or will be) enrolled', ct='startDateStruct'),
        "primary_completion_date": date_struct(doc='When the last participant is examined for the primary outcome', ct='primaryCompletionDateStruct'),
        "completion_date": date_struct(doc="When the last participant's last visit takes place", ct='completionDateStruct'),
        # Kept by ClinicalTrials.gov, not submitted: no API key here, so ctgov.json
        # leaves them out; import-ctgov keeps them and the WHO items use them.
        "first_submit_date": text(regex=DATE_RE, doc='When the record was first submitted to ClinicalTrials.gov: YYYY-MM-DD (set by ClinicalTrials.gov; kept by import-ctgov)', ex='2008-09-29'),
        "first_post_date": kept_date(doc='When ClinicalTrials.gov first posted the record: the date of registration (WHO item 2); set by ClinicalTrials.gov, kept by import-ctgov'),
        "has_results": flag(doc='Whether results are posted on ClinicalTrials.gov (WHO item 23); set by ClinicalTrials.gov, kept by import-ctgov', ex=True),
        "results_first_post_date": kept_date(doc='When ClinicalTrials.gov first posted the results; set by ClinicalTrials.gov, kept by import-ctgov'),
    }, True, doc='Recruitment status and key dates (ClinicalTrials.gov statusModule)', ct='statusModule'),
    "sponsors": record({
        "lead": record({"name": text(True, doc="The sponsor's name, printed on consent documents", ct='name', prs=U(160, 'Sponsor'), ex='Assistance Publique - Hôpitaux de Paris'), "class": code(codes.AGENCY_CLASS, doc="The sponsor's agency class; ClinicalTrials.gov assigns it, so it is not sent", ex='OTHER')}, True, doc='The lead sponsor; its name is printed on consent documents as the sponsor', ct='leadSponsor'),
        "collaborators": items(record({
            "name": text(True, doc="The collaborator's name", ct='name', prs=U(160, 'Collaborator'), ex='Iltoo Pharma'),
            "class": code(codes.AGENCY_CLASS, doc="The collaborator's agency class; ClinicalTrials.gov assigns it, so it is not sent", ex='INDUSTRY'),
            "provides": loc(doc="What it gives the study (money, the product, equipment, services), in lay words; "
                                "printed after its name", ex={"en": "provides the study drug free of charge"}),
        }), doc="Other organisations that support the study: funders, companies that provide the product or money, "
                "partners in its design or conduct. ClinicalTrials.gov lists them as collaborators",
            ct='collaborators', show=("consent", "site_manual"),
            label={"en": "Who supports the study", "fr": "Qui soutient l'étude"}),
        "funding": loc_md(doc="Who organises and funds the research, in lay words", show=("consent", "site_manual"),
                          ex={"en": "The study is organised and paid for by its sponsor."},
                          label={"en": "Who organises and funds this research",
                                 "fr": "Qui organise et finance cette recherche"}),
        "interests": items(record({
            "name": staff(True, doc="Who declares: an investigator, or a group (\"the investigators\")",
                          ex={"en": "The investigators", "fr": "Les investigateurs"}),
            "declared": loc(True, doc="The interests declared (fees, grants, shares, links with a company of the study), or that there are none",
                            ex={"en": "No interest declared in connection with this study."}),
        }), doc="The investigators' declared interests (conflicts of interest)", show=("consent", "site_manual"),
            label={"en": "Declared interests", "fr": "Liens d'intérêts déclarés"}),
        "responsible_party": record({
            "type": code(codes.RESPONSIBLE_PARTY, True, doc='`SPONSOR`, `PRINCIPAL_INVESTIGATOR`, `SPONSOR_INVESTIGATOR`', ct='type', ex='SPONSOR'),
            "investigator": text(doc='Full name, when the type is an investigator', ct='investigatorFullName', ex='Moti Moskovitz'),
            "investigator_username": text(doc="The investigator's PRS user name (PRS `investigator_username`); ClinicalTrials.gov shows the full name instead", ex='djayne'),
            "investigator_title": text(doc="The investigator's official title, e.g. Professor", ct='investigatorTitle', prs=U(254, 'Investigator Official Title'), ex='Principal Investigator'),
            "investigator_affiliation": text(doc="The investigator's organisation", ct='investigatorAffiliation', prs=V(160, 'Investigator Affiliation'), ex='Arbelaez, Ana Maria'),
            "old_name_title": text(doc='Older records only', ct='oldNameTitle'),
            "old_organization": text(doc='Older records only', ct='oldOrganization'),
        }, doc='Who is responsible for the registry record: the sponsor or an investigator', ct='responsibleParty'),
        "address": like(ADDRESS, kind="Address", doc="The sponsor's address, printed on consent documents"),
        "contact": like(CONTACT, kind="Contact", doc="The sponsor's contact office"),
    }, True, doc='Lead sponsor, collaborators and responsible party (ClinicalTrials.gov sponsorCollaboratorsModule)', ct='sponsorCollaboratorsModule'),
    "oversight": record({
        "has_dmc": flag(doc='A data monitoring committee oversees the study', ct='oversightHasDmc', ex=False),
        "is_fda_regulated_drug": flag(doc='Studies a US FDA-regulated drug', ct='isFdaRegulatedDrug', ex=False),
        "is_fda_regulated_device": flag(doc='Studies a US FDA-regulated device', ct='isFdaRegulatedDevice', ex=False),
        "is_unapproved_device": flag(doc='A device not yet approved or cleared', ct='isUnapprovedDevice'),
        "is_ppsd": flag(doc='Post-approval study required by the FDA (pediatric postmarket surveillance of a device)', ct='isPpsd'),
        "is_us_export": flag(doc='Product manufactured in and exported from the US', ct='isUsExport', ex=False),
    }, doc='FDA and data monitoring committee answers (ClinicalTrials.gov oversightModule)', ct='oversightModule'),
    "description": record({
        "brief_summary": md(True, doc='A short description in lay words', ct='briefSummary', prs=V(5000, 'Brief Summary'), ex='The purpose of this study is to demonstrate the ability of low dose IL-2 to stimulate …'),
        "local": local({"brief_summary": md(doc="The brief summary")}, "The brief summary"),
        "detailed_description": md(doc='The longer description', ct='detailedDescription', prs=V(32000, 'Detailed Description'), ex='About 1 to 3% of women of childbearing age have repeated early spontaneous …'),
    }, True, doc='Brief summary and detailed description (ClinicalTrials.gov descriptionModule)', ct='descriptionModule'),
    "conditions": record({
        "conditions": texts(True, 1, doc='The diseases or conditions studied', ct='conditions', ex=['Recurrent Miscarriage']),
        "keywords": texts(doc='Words or phrases that help find the study; one item per keyword', ct='keywords', prs=U(160, 'Keyword'), ex=['Brain Tumor']),
        "local": local({"conditions": texts(doc="The conditions")}, "The conditions"),
    }, True, doc='Conditions studied and keywords (ClinicalTrials.gov conditionsModule)', ct='conditionsModule'),
    "design": record({
        "study_type": code(codes.STUDY_TYPE, True, doc='`INTERVENTIONAL`, `OBSERVATIONAL`, `EXPANDED_ACCESS`', ct='studyType', ex='INTERVENTIONAL'),
        "phases": items(code(codes.PHASE), doc='`NA`, `EARLY_PHASE1`, `PHASE1`, `PHASE2`, `PHASE3`, `PHASE4`. One phase, or the pairs `[PHASE1, PHASE2]` or `[PHASE2, PHASE3]`', when='interventional', ct='phases', ex=['PHASE1', 'PHASE2']),
        "primary_purpose": code(codes.PRIMARY_PURPOSE, doc='`TREATMENT`, `PREVENTION`, `DIAGNOSTIC`, `SUPPORTIVE_CARE`, `SCREENING`, `HEALTH_SERVICES_RESEARCH`, `BASIC_SCIENCE`, `DEVICE_FEASIBILITY`, `OTHER`, `ECT`', when='interventional', ct='designInfo.primaryPurpose', ex='TREATMENT'),
        "allocation": code(codes.ALLOCATION, doc='`RANDOMIZED`, `NON_RANDOMIZED`, `NA`. Consent documents say whether treatment is assigned at random from this', when='interventional', ct='designInfo.allocation', ex='NA'),
        "intervention_model": code(codes.INTERVENTION_MODEL, doc='`SINGLE_GROUP`, `PARALLEL`, `CROSSOVER`, `FACTORIAL`, `SEQUENTIAL`', when='interventional', ct='designInfo.interventionModel', ex='SINGLE_GROUP'),
        "intervention_model_description": md(doc='More about the intervention model', ct='designInfo.interventionModelDescription', prs=V(1000, 'Model Description'), ex='This is a phase Ib/II study of capecitabine 7/7 with neratinib in patients with …'),
        "masking": code(codes.MASKING, doc='`NONE`, `SINGLE`, `DOUBLE`, `TRIPLE`, `QUADRUPLE`', when='interventional', ct='designInfo.maskingInfo.masking', ex='NONE'),
        "who_masked": items(code(codes.WHO_MASKED), doc='`PARTICIPANT`, `CARE_PROVIDER`, `INVESTIGATOR`, `OUTCOMES_ASSESSOR`; as many roles as the masking level (SINGLE 1 … QUADRUPLE 4, NONE 0), each once', when='with masking', ct='designInfo.maskingInfo.whoMasked', ex=['INVESTIGATOR']),
        "masking_description": md(doc='More about the masking (who is masked and how)', ct='designInfo.maskingInfo.maskingDescription', prs=U(1000, 'Masking Description')),
        "enrollment": record({
            "count": integer(True, 0, doc='0 or more. Printed on consent documents as the number of participants', ct='count', ex=18),
            "type": code(codes.DATE_TYPE, doc='`ACTUAL`, `ESTIMATED`', ct='type', ex='ACTUAL'),
        }, doc='How many participants, and whether the count is actual or estimated', when='interventional', ct='enrollmentInfo'),
        # observational and expanded-access designs (v2 designModule)
        "observational_model": code(codes.OBSERVATIONAL_MODEL, doc='`COHORT`, `CASE_CONTROL`, `CASE_ONLY`, `CASE_CROSSOVER`, `ECOLOGIC_OR_COMMUNITY`, `FAMILY_BASED`, `DEFINED_POPULATION`, `NATURAL_HISTORY`, `OTHER` (observational studies)', ct='designInfo.observationalModel'),
        "time_perspective": code(codes.TIME_PERSPECTIVE, doc='`RETROSPECTIVE`, `PROSPECTIVE`, `CROSS_SECTIONAL`, `OTHER` (observational studies)', ct='designInfo.timePerspective'),
        "bio_spec": record({
            "retention": code(codes.BIO_SPEC_RETENTION, doc='`NONE_RETAINED`, `SAMPLES_WITH_DNA`, `SAMPLES_WITHOUT_DNA`', ct='retention'),
            "description": md(doc='What samples are kept', ct='description'),
        }, doc='Biospecimens kept (observational studies)', ct='bioSpec'),
        "patient_registry": flag(doc='The observational study is a patient registry', ct='patientRegistry'),
        "target_duration": text(doc='Follow-up of each participant in a patient registry, e.g. `"5 Years"`', ct='targetDuration'),
        "expanded_access_types": record({
            "individual": flag(doc='Individual patients', ct='individual'), "intermediate": flag(doc='Intermediate-size population', ct='intermediate'), "treatment": flag(doc='Treatment IND/protocol', ct='treatment'),
        }, doc='Which kinds of expanded access are offered (expanded-access records)', ct='expandedAccessTypes'),
    }, True, doc='Study type, phases, allocation, masking and enrolment (ClinicalTrials.gov designModule)', ct='designModule'),
    "arms": items(record({
        "id": ident(doc='The arm\'s id, unique among arms', ex='low-dose-il2'),
        "label": text(True, doc='The arm\'s title, unique among arms', ct='label', prs=U(100, 'Arm Title'), ex='Low-dose IL-2'),
        "type": code(codes.ARM_TYPE, doc='`EXPERIMENTAL`, `ACTIVE_COMPARATOR`, `PLACEBO_COMPARATOR`, `SHAM_COMPARATOR`, `NO_INTERVENTION`, `OTHER`', ct='type', ex='EXPERIMENTAL'),
        "description": md(doc="What the arm receives, in the registry's words", ct='description', prs=U(999, 'Arm Description'), ex='Subcutaneous injection of low dose of IL-2 for induction course of 5 days, the 10th …'),
        "interventions": items(ident(), doc='Ids from `interventions`. Every arm except a `NO_INTERVENTION` arm lists at least one', when='see rule', ct='interventionNames', ex=['il2']),
        "lay": loc_md(doc='The arm in lay words. In a randomized study the consent documents list the arms with it, so check requires it for every arm', when='randomized', ex={'fr': 'Toutes les participantes reçoivent le même traitement : de …', 'en': 'Every woman in the study gets the same treatment: a low dose of …'}),
        "allocation_ratio": integer(min=1, doc="The arm's planned allocation weight (2 and 1 for a 2:1 ratio; 1 when absent). The consent form turns it into \"1 chance in 2\"", ex=1),
        "local": local({"label": text(doc="The arm's title"), "description": md(doc="What the arm receives")}, "The arm"),
    }), doc='The arms (groups) of the study', ct='armsInterventionsModule.armGroups'),
    "interventions": items(record({
        "id": ident(doc='The intervention\'s id, unique among interventions', ex='il2'),
        "type": code(codes.INTERVENTION_TYPE, True, doc='`DRUG`, `DEVICE`, `BIOLOGICAL`, `PROCEDURE`, `RADIATION`, `BEHAVIORAL`, `GENETIC`, `DIETARY_SUPPLEMENT`, `COMBINATION_PRODUCT`, `DIAGNOSTIC_TEST`, `OTHER`', ct='type', ex='DRUG'),
        "name": text(True, doc="The intervention's name; the non-proprietary name if there is one", ct='name', prs=V(200, 'Intervention Name'), ex='low-dose IL-2'),
        "local": local({"name": text(doc="The intervention's name")}, "The intervention's name"),
        "description": md(doc='Enough to tell it from similar interventions: dose form, dose, frequency, duration', ct='description', prs=V(1000, 'Intervention Description'), ex='Subcutaneous injection of low dose of IL-2 for induction course of 5 days, the 10th …'),
        "other_names": texts(doc='Synonyms, brand names, codes', ct='otherNames', prs=U(200, 'Intervention Other Name'), ex=['interleukin-2']),
        "investigational": flag(doc='The product is investigational in this study', ex=True),
        "lay": loc_md(doc='The intervention in lay words', ex={'fr': "L'interleukine-2 (IL-2) est une protéine que le corps fabrique …", 'en': 'Interleukin-2 (IL-2) is a protein that your body makes itself. At …'}),
        # site manual: handling of the product (site-manual.md §4)
        "product": staff(doc='What the product is and how it is supplied', ex={'en': 'Recombinant human interleukin-2 (aldesleukin) supplied by Iltoo …', 'fr': 'Interleukine-2 humaine recombinante (aldesleukine) fournie par …'}),
        "preparation": staff(markdown=True, doc='How to prepare it', ex={'en': '- No reconstitution or dilution: the syringe is ready to use.\n- …', 'fr': '- Ni reconstitution ni dilution : la seringue est prête à …'}),
        "dose": staff(doc='The dose, for the site manual', ex={'en': '1 MIU once a day (one syringe), the same dose for every course', 'fr': '1 MUI une fois par jour (une seringue), la même dose à chaque cure'}),
        "route": staff(doc='The route of administration, for the site manual', ex={'en': 'Subcutaneous (abdomen or thigh; change the injection site every day)', 'fr': "Sous-cutanée (abdomen ou cuisse ; changer de point d'injection …"}),
        "course": staff(markdown=True, doc='Schedule of administration', ex={'en': 'One injection a day for **5 consecutive days** (days 1 to 5), …', 'fr': 'Une injection par jour pendant **5 jours de suite** (jours 1 à 5), …'}),
        "storage": staff(markdown=True, doc='How the product is stored at the site', ex={'en': "- Store at **+2 °C to +8 °C** in the pharmacy's monitored …", 'fr': '- Conserver entre **+2 °C et +8 °C** dans le réfrigérateur …'}),
        "accountability": staff(markdown=True, doc='Receipt, dispensing, returns, destruction', ex={'en': '- The hospital pharmacy receives, stores and dispenses the …', 'fr': '- La pharmacie hospitalière reçoit, conserve et dispense le …'}),
    }), doc='Drugs, devices, procedures … given in the study, and how the product is handled', when='see rule', ct='armsInterventionsModule.interventions'),
    "objectives": items(record({
        "id": ident(doc='The objective\'s id, unique among objectives', ex='safety'),
        "level": code({"primary": 1, "secondary": 2, "exploratory": 3}, True, doc='`primary`, `secondary`, `exploratory`', ex='primary'),
        "text": staff(True, doc='The objective as the protocol states it', ex={'en': 'To assess the safety and tolerability of up to 5 courses of …', 'fr': "Évaluer la sécurité et la tolérance de 5 cures au plus d'IL-2 à …"}),
        "lay": loc(doc='The objective in lay words', ex={'fr': 'Savoir si le traitement est sûr et bien supporté.', 'en': 'To find out if the treatment is safe and easy to bear.'}),
    }), doc='Primary, secondary and exploratory objectives'),
    "outcomes": record({
        "primary": items(outcome('Primary'), doc='Primary outcome measures', ct='primaryOutcomes'),
        "secondary": items(outcome('Secondary'), doc='Secondary outcome measures', ct='secondaryOutcomes'),
        "other": items(outcome('Other'), doc='Other pre-specified outcome measures', ct='otherOutcomes'),
    }, doc='Outcome measures, primary, secondary and other (ClinicalTrials.gov outcomesModule)', ct='outcomesModule'),
    "eligibility": record({
        "sex": code(codes.SEX, True, doc='`ALL`, `FEMALE`, `MALE`', ct='sex', ex='FEMALE'),
        "gender_based": flag(doc='Eligibility is based on gender identity', ct='genderBased', ex=True),
        "gender_description": md(doc='How gender bears on eligibility, when gender_based is true', ct='genderDescription', prs=U(1000, 'Sex/Gender Eligibility Description'), ex='Breast Cancer'),
        "minimum_age": text(regex=AGE_RE, doc='e.g. `"18 Years"`', ct='minimumAge', ex='18 Years'),
        "maximum_age": text(regex=AGE_RE, doc='Not below `minimum_age`', ct='maximumAge', ex='40 Years'),
        "healthy_volunteers": flag(True, doc='Healthy volunteers are accepted', ct='healthyVolunteers', ex=False),
        "inclusion": items(CRITERION, doc='Inclusion criteria, one item per criterion', ct='eligibilityCriteria'),
        "exclusion": items(CRITERION, doc='Exclusion criteria, one item per criterion', ct='eligibilityCriteria'),
        "criteria_markdown": md(doc='All criteria as one text; the registry limit counts the criteria as sent, from this text or from the inclusion and exclusion lists', ct='eligibilityCriteria', prs=U(20000, 'Eligibility Criteria'), ex="Inclusion Criteria:\n\n* Healthy children\n* Patient's age is 5-8 years old at the time …"),
        "study_population": md(doc='Observational studies', ct='studyPopulation', prs=V(1000, 'Study Population Description')),
        "sampling_method": text(doc="Observational studies. Any text is accepted; ClinicalTrials.gov's codes are `PROBABILITY_SAMPLE` and `NON_PROBABILITY_SAMPLE`", ct='samplingMethod'),
    }, True, doc='Who may take part: sex, ages, inclusion and exclusion criteria (ClinicalTrials.gov eligibilityModule)', ct='eligibilityModule'),
    "people": items(record(PERSON), doc='Everyone named in the protocol, once; other blocks refer to a person by id'),
    "officials": items(record({
        "person": ident(doc='The person: a `people` id', ct='name', ex='mekinian'),
        "role": code(codes.OFFICIAL_ROLE, True, doc='`PRINCIPAL_INVESTIGATOR`, `STUDY_CHAIR`, `STUDY_DIRECTOR`, `SUB_INVESTIGATOR`', ct='role', ex='STUDY_DIRECTOR'),
        "affiliation": text(doc="Defaults to the person's `affiliation`", ct='affiliation', prs=U(160, "Official's Organizational Affiliation"), ex='Trousseau APHP Paris'),
    }), doc='Overall study officials (ClinicalTrials.gov overallOfficials)', ct='contactsLocationsModule.overallOfficials'),
    "central_contacts": items(record({
        "person": ident(doc='The person: a `people` id', ct='name', ex='shannon-macdonald'),
        "role": code(codes.CONTACT_ROLE, doc='`PRINCIPAL_INVESTIGATOR`, `STUDY_CHAIR`, `STUDY_DIRECTOR`, `SUB_INVESTIGATOR`, `CONTACT`', ct='role', ex='CONTACT'),
    }), doc='Central contacts for enrolment (ClinicalTrials.gov centralContacts)', ct='contactsLocationsModule.centralContacts'),
    "sites": items(record({
        "id": ident(doc="Unique among sites; names the site's output files", ex='trousseau'),
        "facility": text(doc='Facility name as registered', ct='facility', prs=V(254, 'Facility Name'), ex='Bornes'),
        "city": text(doc="The site's city, as registered", ct='city', ex='Paris'),
        "state": text(doc="The site's state, region or province; required by PRS for US sites", ct='state', ex='Hopital Tenon'),
        "zip": text(doc='The site\'s postal code; quote it', ct='zip', ex='L12 2AP'),
        "country": text(doc="The site's country, in English", ct='country', ex='France'),
        "status": code(codes.SITE_STATUS, doc='`NOT_YET_RECRUITING`, `RECRUITING`, `ENROLLING_BY_INVITATION`, `ACTIVE_NOT_RECRUITING`, `COMPLETED`, `SUSPENDED`, `TERMINATED`, `WITHDRAWN`, `AVAILABLE`', ct='status', ex='RECRUITING'),
        "name": staff(doc="The site's name on documents (defaults to `facility`, then `id`)", ex='Hôpital Tenon, AP-HP'),
        "department": staff(doc='The department or unit running the study at the site', ex={'en': 'Department of Internal Medicine', 'fr': 'Service de médecine interne'}),
        "address": like(ADDRESS, kind="Address", doc="The site's postal address, printed in the documents"),
        "investigator": ident(False, doc="A `people` id: the site's investigator", when='for consent', ex='bornes'),
        "contacts": items(record({
            "person": ident(doc='The person: a `people` id', ct='name', ex='susan-mcgovern'),
            "role": code(codes.CONTACT_ROLE, doc='`PRINCIPAL_INVESTIGATOR`, `STUDY_CHAIR`, `STUDY_DIRECTOR`, `SUB_INVESTIGATOR`, `CONTACT`', ct='role', ex='CONTACT'),
        }), doc='The site\'s contacts and investigators', ct='contacts'),
        "phone": text(doc="The study team's phone. Consent needs `phone` or `email`; the document shows the investigator's phone when this is not given", when='for consent', ex='+33 1 00 00 00 01'),
        "emergency_phone": text(doc='24/7 number. Needed for consent unless `consent.emergency_phone` is given', when='for consent', ex='+33 1 00 00 00 91'),
        "email": text(regex=EMAIL_RE, doc="The study team's e-mail. Consent needs `phone` or `email`; the document shows the investigator's e-mail when this is not given", when='for consent', ex='essai-il2-tenon@example.org'),
        "pharmacy": like(CONTACT, kind="Contact", doc="The pharmacy that handles the product at the site"),
    }), doc='The sites (ClinicalTrials.gov locations)', ct='contactsLocationsModule.locations'),
    "references": items(record({
        "pmid": text(regex=r"^\d+$", doc='PubMed id, digits only; quote it', ct='pmid', ex='18519994'),
        "type": code(codes.REFERENCE_TYPE, doc='`BACKGROUND`, `RESULT`, `DERIVED`. `DERIVED` references are added by ClinicalTrials.gov and never sent', ct='type', ex='BACKGROUND'),
        "citation": text(True, doc='The citation, in any usual style', ct='citation', ex='Munoz F, Muller W, Ahmed A, Kimberlin D, Mendez-Echevarria A, Chen JS, et al. Safety …'),
    }), doc='Publications about the study', ct='referencesModule.references'),
    "see_also_links": items(record({"url": text(True, doc='Full web address', ct='url', prs=V(3999, 'Link URL'), ex='http://www.mskcc.org/mskcc/html/44.cfm'), "label": md(doc='What the page is', ct='label', prs=U(254, 'Link Description'), ex='Gilead Clinical Trials Website')}), doc='Web links about the study', ct='referencesModule.seeAlsoLinks'),
    "avail_ipds": items(record({
        "id": text(doc="The data set's or document's id", ct='id'), "type": text(doc='Any text is accepted. ClinicalTrials.gov uses: Individual Participant Data Set, Study Protocol, Statistical Analysis Plan, Informed Consent Form, Clinical Study Report, Analytic Code, Other', ct='type'), "url": text(doc='Where to find it', ct='url'), "comment": md(doc='A comment on the document or data set', ct='comment'),
    }), doc='Study data and documents available to others', ct='referencesModule.availIpds'),
    "ipd_sharing": record({
        "sharing": code(codes.IPD_SHARING, True, doc='`YES`, `NO`, `UNDECIDED`', ct='ipdSharing', ex='NO'),
        "description": md(doc='What will be shared', ct='description', prs=U(1000, 'IPD Sharing Plan Description'), ex='Individual participant data will not be shared outside the study team, the sponsor and …'),
        "info_types": items(code(codes.IPD_INFO_TYPE), doc='`STUDY_PROTOCOL`, `SAP`, `ICF`, `CSR`, `ANALYTIC_CODE`', ct='infoTypes', ex=['STUDY_PROTOCOL', 'SAP']),
        "time_frame": md(doc='When, and for how long, it will be shared', ct='timeFrame', prs=U(1000, 'IPD Sharing Time Frame'), ex='18 months after study completion'),
        "access_criteria": md(doc='Who may have access, and how', ct='accessCriteria', prs=U(1000, 'IPD Sharing Access Criteria'), ex='A secured external environment with username, password, and RSA code.'),
        "url": text(doc='Where to ask for the data', ct='url', prs=U(3999, 'IPD Sharing URL'), ex='https://www.gileadclinicaltrials.com/transparency-policy#Commitment'),
    }, doc='The plan to share individual participant data (ClinicalTrials.gov ipdSharingStatementModule)', ct='ipdSharingStatementModule'),

    # ---- regulatory frame (decides which consent rules apply) -----------
    "regulatory": record({
        "regimes": items(code(codes.REGIMES), True, 1, doc='`us_common_rule`, `us_fda`, `us_hipaa`, `ich_e6r2`, `ich_e6r3`, `eu_ctd`, `eu_ctr`, `fr_csp`, `gdpr`: each applies in its period, at the documents\' date (7.1)', ex=['ich_e6r2', 'eu_ctd', 'fr_csp', 'gdpr']),
        "us_fda_applicable_clinical_trial": flag(doc='An "applicable clinical trial" under US FDAAA 801: consent documents then carry the required ClinicalTrials.gov sentence', ex=False),
        "riph_category": integer(min=1, max=3, doc='The research\'s category under the French Code de la santé publique, art. L1121-1 (loi Jardé): `1` interventional, `2` interventional with minimal risks and constraints, `3` non-interventional; the consent form names it', when='under `fr_csp`', ex=1),
        "eu_ct_number": text(doc='EU trial number (EU CT number under `eu_ctr`, EudraCT number under `eu_ctd`); printed on consent documents. Quote it', when='under `eu_ctr` or `eu_ctd`', ex='2019-000000-00'),
        "id_rcb": text(doc='French ID-RCB number; printed on consent documents. Quote it', ex='2019-A00000-00'),
        "approvals": record({
            "ethics": record({"committee": text(True, doc='The ethics committee', when='yes, when `ethics` is given', ex='CPP Île-de-France (example)'), "date": text(True, regex=DATE_RE, doc='Date of the favourable opinion', when='yes, when `ethics` is given', ex='2019-09-12'),
                              "reference": text(doc="The committee's reference for the opinion", ex='CPP-EX-2019-000'),}, doc="The ethics committee's favourable opinion"),
            "competent_authority": record({"name": text(True, doc='e.g. `ANSM`', when='yes, when given', ex='ANSM'),
                                           "date": text(True, regex=DATE_RE, doc='Date of the authorisation', when='yes, when given', ex='2019-10-24'),
                                           "reference": text(doc="The authority's reference for the authorisation", ex='ANSM-EX-2019-000'),}, doc="The competent authority's authorisation"),
        }, doc='The ethics committee\'s opinion and the competent authority\'s authorisation, printed on consent documents', when='under `fr_csp`'),
        "insurance": record({
            "insurer": text(True, doc="The insurer's name", ex='Example Assurance Recherche'),
            "policy_number": text(True, doc='The insurance policy number; quote it', ex='EX-000000'),
            "address": like(ADDRESS, kind="Address", doc="The insurer's postal address"),
        }, doc='The sponsor\'s insurance, printed on consent documents', when='under `fr_csp`'),
    }, doc='The regulatory frame: regimes, approvals and insurance; it decides which consent elements are required'),

    # ---- consent documents (patient-facing, one text per language) ------
    "consent": record({
        "version": text(True, doc="The consent documents' version; quote it", ex='2.0'),
        "version_date": text(True, regex=DATE_RE, doc="The consent documents' date: YYYY-MM-DD", ex='2020-10-15'),
        "initials_every_page": flag(doc="Print a box for the participant's initials on every page (French practice)", ex=True, element='STR-INITIALS'),
        "allow_witness": flag(doc='Add an impartial witness signature block', ex=True, element='SIG-WITNESS'),
        "includes_incapacitated": flag(doc='Add a legally authorised representative signature block', ex=False, element='SIG-LAR'),
        "interviewer_role": loc(doc='Who holds the consent interview. Completes the sentence "You will talk about this study with …": write a phrase, no final full stop', ex={'fr': "le médecin de l'étude (l'investigateur) ou un autre médecin de …", 'en': 'the study doctor (the investigator) or another doctor of the study …'}),
        "reflection_time": loc(doc='Added after the fixed sentence "Take the time you need to decide."', ex={'fr': "Vous pouvez signer le jour même ou lors d'une prochaine visite, …", 'en': 'You can sign on the same day or at a later visit, after talking …'}, element='STR-TIME'),
        "title": loc(doc='Title of the consent documents (defaults to `identification.brief_title`)', ex={'fr': "L'interleukine-2 à faible dose chez les femmes ayant des fausses …", 'en': 'Low-dose interleukin-2 for women with repeated miscarriages that …'}),
        "key_information": loc_md(doc='The key facts, shown first', when='regime', ex={'fr': "Madame, voici l'essentiel de cette recherche.\n\n- **Pourquoi ?** …", 'en': 'Here is what matters most about this study.\n\n- **Why?** Some women …'}),
        "why": loc_md(doc='Why this research: say it is research', when='regime', ex={'fr': 'Environ 1 à 3 femmes sur 100 font plusieurs fausses couches de …', 'en': 'About 1 to 3 women in 100 have several miscarriages in a row, …'}),
        "why_you": loc_md(doc='Why this person is invited: what makes them a candidate (their condition, their care at the site); printed as its own section after "why"', when='regime', ex={'fr': 'Vous avez fait au moins trois fausses couches précoces de suite, sans cause …', 'en': 'You have had at least three early miscarriages in a row, and the usual …'}, element='EL-WHY-YOU'),
        "purpose": loc_md(when="regime", doc='What the study wants to find out', ex={'fr': "Cette recherche veut savoir si une faible dose d'IL-2 augmente le …", 'en': 'This study wants to find out if a low dose of IL-2 raises the …'}),
        "method": loc_md(doc='How the study is designed', when='regime', ex={'fr': "La recherche a lieu à Paris, dans des hôpitaux de l'AP-HP. Elle …", 'en': 'The study takes place in Paris, in public hospitals of AP-HP. It …'}),
        "procedures": loc_md(when="regime", doc='What happens, visit by visit', ex={'fr': '**Avant le traitement (visite de sélection, dans les 4 semaines …', 'en': '**Before the treatment (screening visit, in the 4 weeks before the …'}),
        "invasive_procedures": loc_md(doc='Procedures the research adds that go through the skin or into the body', ex={'fr': 'La recherche ajoute des gestes qui passent par la peau :\n\n- **Les …', 'en': 'The study adds some procedures that go through the skin:\n\n- **IL-2 …'}),
        "duration": loc(doc='How long participation lasts', when='regime', ex={'fr': "Vous participez à l'étude pendant environ 12 mois après la …", 'en': 'You will be in the study for about 12 months after your first …'}),
        "obligations": items(loc(), doc='What the participant must do; one item per obligation', when='regime'),
        "risks": items(record({"text": loc_md(True, doc='The risk', ex={'fr': 'Une fatigue.', 'en': 'Tiredness.'}), "frequency": loc(doc='How often it happens, in lay words', ex={'fr': 'inconnue', 'en': 'not known'}),}), doc='One item per risk (see below)', when='regime'),
        "pregnancy_risks": loc_md(doc='Risks to an embryo, foetus or nursing infant', when='regime, if women may take part', ex={'fr': 'Cette recherche est faite pour des femmes qui veulent être …', 'en': 'This study is for women who want to get pregnant. The shots are …'}),
        "benefits": loc_md(doc='Expected benefits, or none', when='regime', ex={'fr': "Nous ne savons pas si l'IL-2 vous aidera. Elle peut augmenter vos …", 'en': 'We do not know if IL-2 will help you. It may raise your regulatory …'}),
        "alternatives": loc_md(doc='Other choices', when='regime', ex={'fr': "Vous n'êtes pas obligée de participer. Si vous refusez :\n\n- votre …", 'en': 'You do not have to take part. If you say no:\n\n- your doctor goes …'}),
        "after_trial": loc_md(doc='Care after the trial or after an early stop', when='regime', ex={'fr': "À la fin de l'étude, les piqûres d'IL-2 s'arrêtent. L'IL-2 à …", 'en': 'At the end of the study, the IL-2 shots stop. Low-dose IL-2 will …'}),
        "termination": loc_md(doc='When the investigator or sponsor may end participation', when='regime', ex={'fr': "Le médecin de l'étude peut arrêter votre traitement ou votre …", 'en': 'The study doctor may stop your treatment or your part in the study …'}),
        "withdrawal": loc_md(doc='How to leave the study and what happens then', when='regime', ex={'fr': "Pour quitter l'étude, il suffit de le dire au médecin de l'étude. …", 'en': 'To leave the study, just tell the study doctor. You do not have to …'}),
        "confidentiality": loc_md(doc='How records are kept confidential', when='regime', ex={'fr': "Votre nom n'apparaît pas dans les dossiers de l'étude : nous …", 'en': 'Your name is not in the study files: we use a code instead. Only …'}),
        "data_protection": record({
            "controller": loc(doc='Who is in charge of the data', ex={'fr': "L'AP-HP (Assistance Publique - Hôpitaux de Paris), promoteur de …", 'en': 'AP-HP (Assistance Publique - Hôpitaux de Paris), the sponsor of …'}),
            "dpo_contact": text(doc='How to reach the data protection officer', when='gdpr', ex='dpo-recherche@example.org'),
            "legal_basis": loc(doc='The legal basis of the processing', when='gdpr', ex={'fr': "La recherche est une mission d'intérêt public. La loi permet …", 'en': 'The study is a task in the public interest. The law allows your …'}),
            "recipients": loc(doc='Who receives the data', ex={'fr': "L'équipe de l'étude, le service de la recherche de l'AP-HP et les …", 'en': 'The study team, the AP-HP research office and the people who work …'}),
            "retention": loc(doc='How long the data are kept', ex={'fr': "Vos données restent dans la base de l'étude jusqu'à 2 ans après la …", 'en': 'Your data stay in the study database until 2 years after the last …'}),
            "transfers_outside_eu": loc(doc='Transfers outside the European Union, if any', ex={'fr': "Vos données ne sont pas envoyées en dehors de l'Union européenne.", 'en': 'Your data are not sent outside the European Union.'}),
            "reference_methodology": text(doc='French CNIL reference methodology, e.g. `"MR-001"`', ex='MR-001'),
            "supervisory_authority": text(doc='The data protection authority, e.g. `"CNIL"`', when='gdpr', ex='CNIL'),
            "on_withdrawal": loc(doc='What happens to the data on withdrawal', ex={'fr': "Si vous quittez l'étude, nous ne recueillons plus de nouvelles …", 'en': 'If you leave the study, we stop collecting new data about you. The …'}),
        }, doc='How the data are handled; EL-DATA requires controller, recipients, retention and on_withdrawal under ICH, EU CTR, French law and GDPR, and the GDPR fields under GDPR', when='regime'),
        # HIPAA authorization (45 CFR 164.508(c)); checked only under us_hipaa. The
        # fixed wording (revocation in writing and its effect, redisclosure, no
        # conditioning, access suspended while blinded) is the tool's.
        "hipaa": record({
            "combined": flag(doc="The authorization is part of the consent form, with its own signature block (otherwise the form says a separate form is signed)", ex=True),
            "information": loc_md(doc="What health information is used or disclosed", when="us_hipaa", ex={"en": "Your medical records and the results of the study tests."}),
            "disclosers": loc(doc="Who may disclose it", when="us_hipaa", ex={"en": "The study doctor and the hospital."}),
            "recipients": loc(doc="Who may receive it", when="us_hipaa", ex={"en": "The sponsor, the IRB and the FDA."}),
            "purpose": loc(doc="What it is used for", when="us_hipaa", ex={"en": "To run the study and report its results."}),
            "expiry": loc(doc='When the authorization ends: a date or event, or "none"', when="us_hipaa", ex={"en": "None: this authorization has no end date."}),
            "revoke_to": loc(doc='Where to send a written revocation; completes "by writing to …"', when="us_hipaa", ex={"en": "the study doctor at the address on this form"}),
        }, doc="HIPAA authorization to use and disclose health information (45 CFR 164.508)", when="us_hipaa", element="EL-HIPAA"),
        # Payment for taking part, printed as a table.
        "payment": record({
            "currency": text(True, regex=r"^[A-Z]{3}$", doc="ISO 4217 currency code", ex="USD"),
            "per_visit": items(record({
                "visit": ident(doc="A schedule.visits id; shown by its lay name", ex="screening"),
                "amount": number(True, doc="The amount paid for that visit", ex=50),
            }), True, 1, doc="Amounts per visit"),
            "total": number(doc="The total; defaults to the sum of per_visit", ex=400),
            "prorated": loc(doc="What is paid when someone stops early", ex={"en": "If you stop early, you are paid for the visits you came to."}),
            "when": loc(doc="When and how payment is made", ex={"en": "By check within 4 weeks after each visit."}),
        }, doc="Payment for taking part, as a table (amounts per visit, total, prorating, when paid); satisfies EL-PAYMENT like compensation", element="EL-PAYMENT"),
        # What happens to the samples (consent element EL-SAMPLES): printed as a table.
        "samples": record({
            "kept": loc_md(doc='Which samples are kept, beyond what the study tests at once', when='yes, with samples', ex={'fr': 'Des restes de vos prises de sang (sérum et cellules), si vous …', 'en': 'What is left of your blood samples (serum and cells), if you …'}),
            "research_tubes": loc_md(doc="The main study's research tubes: what they are for and what becomes of them once tested", ex={'fr': "À chaque cure, 2 tubes de sang servent à compter vos lymphocytes …", 'en': 'At each course, 2 tubes of blood are used to count your regulatory …'}),
            "retention": loc(doc='How long the samples are kept', when='yes, with samples', ex={'fr': "15 ans après la fin de l'étude, puis ils sont détruits.", 'en': 'For 15 years after the end of the study; then they are destroyed.'}),
            "location": loc(doc='Where the samples are kept', when='yes, with samples', ex={'fr': "Au centre de ressources biologiques de l'hôpital …", 'en': 'At the biobank of … hospital, under a code number'}),
            "users": loc(doc='Who may use them, and for what', when='yes, with samples', ex={'fr': "Les chercheurs de l'étude, pour des recherches sur …", 'en': 'The study researchers, for research on …'}),
            "commercial_use": loc(doc='Whether the samples or what is learnt from them may be sold or lead to a profit, and whether the participant shares in it', when='yes, with samples', ex={'fr': "Vos échantillons ne seront pas vendus. …", 'en': 'Your samples will not be sold. …'}),
            "on_withdrawal": loc(doc='What happens to the samples if the participant leaves the study', ex={'fr': 'Vous pouvez demander la destruction de vos échantillons …', 'en': 'You can ask for your samples to be destroyed …'}),
        }, doc='What happens to the samples: what is kept, for how long, where, who may use them, commercial use, and the research tubes of the study; required (EL-SAMPLES) under ICH, EU CTR and French law when the study keeps samples (`samples` given, or `biospecimens: true`)', element='EL-SAMPLES'),
        "genetic_testing": flag(doc="The study does genetic testing: under the Common Rule the form prints the GINA statement", element="EL-GINA", ex=False),
        "costs": loc(doc='Extra costs to the participant', when='regime', ex={'fr': 'Participer ne vous coûte rien. Le promoteur paie le médicament, …', 'en': 'Taking part costs you nothing. The sponsor pays for the study …'}),
        "compensation": loc(doc='Payment or indemnity for taking part', when='regime', ex={'fr': "Vous ne recevez pas d'argent pour votre participation.", 'en': 'You will not be paid for taking part.'}),
        "injury": loc_md(doc='Compensation and treatment for research injury', when='regime', ex={'fr': "L'AP-HP a pris une assurance pour cette étude, comme la loi …", 'en': 'AP-HP has taken out insurance for this study, as French law …'}),
        "results": loc_md(doc='Access to the overall results', when='regime', ex={'fr': "À la fin de l'étude, vous avez le droit de connaître les résultats …", 'en': 'At the end of the study, you have the right to know the overall …'}),
        "exclusion_period": loc(doc='No other research during, or for a time after, the study', ex={'fr': "Pendant l'étude, vous ne pouvez pas participer à une autre …", 'en': 'While you are in the study, you cannot take part in another study …'}, element='EL-EXCLUSION'),
        "national_file_registration": flag(doc='The participant is registered in the French national file of research volunteers', ex=True, element='EL-EXCLUSION'),
        "emergency_phone": text(doc='A 24/7 number for every site that has no `sites[].emergency_phone`', ex='+33 1 00 00 00 99', element='EL-CONTACTS'),
        "rights_office": like(CONTACT, kind="Contact", doc="Where participants can ask about their rights; printed with the contacts"),
        "optional": items(record({
            "id": ident(doc='The optional part\'s id, unique among optional parts', ex='biobank'),
            "question": loc(True, doc='The question the participant answers yes or no', ex={'fr': "Acceptez-vous que l'équipe de l'étude vous recontacte plus tard …", 'en': 'Do you agree that the study team contacts you later about another …'}),
            "explanation": loc_md(doc='What agreeing means', ex={'fr': 'Vous serez libre de refuser cette autre recherche. Votre réponse …', 'en': 'You will be free to say no to the other study. Your answer does …'}),
        }), doc='Optional parts, each with its own yes/no box (see below)', element='SIG-OPTIONAL'),
        "copies": loc(doc="Who keeps which copy (replaces the document's default sentence)", ex={'fr': 'Vous recevez un exemplaire de ce document et du formulaire de …', 'en': 'You will get a copy of this paper and of the signed consent form. …'}, element='SIG-COPY'),
        # US Common Rule elements (46.116(b)(9), (c)(7)-(9)); checked only under us_common_rule
        "biospecimens": flag(doc='The study collects biospecimens: then `samples` (EL-SAMPLES) and, under the Common Rule, `commercial_use` (or `samples.commercial_use`) and `wgs` are required'),
        "future_use": loc_md(doc='Future use of de-identified data or samples', when='us_common_rule'),
        "commercial_use": loc_md(doc='Commercial profit from biospecimens', when='us_common_rule, with biospecimens'),
        "results_return": loc_md(doc='Return of clinically relevant individual results', when='us_common_rule'),
        "wgs": loc_md(doc='Whole-genome sequencing', when='us_common_rule, with biospecimens'),
        "readability": record({
            "en": record({"fkgl_max": number(doc="Highest Flesch-Kincaid grade level allowed (default 8)", ex=8),
                         "fre_min": number(doc="Lowest Flesch reading ease allowed (default 60)", ex=60)}, doc='Targets for English texts'),
            "fr": record({"km_min": number(doc="Lowest Kandel-Moles reading ease allowed (default 60)", ex=60)}, doc='Targets for French texts'),
        }, doc='Readability targets (see below)'),
    }, doc='The texts of the participant information sheet and consent form (patient-facing: one text per language)'),

    # ---- site manual (staff-facing) --------------------------------------
    "site_manual": record({
        "version": text(True, doc="The manual's version; quote it", ex='2.0'),
        "version_date": text(True, regex=DATE_RE, doc="The manual's date: YYYY-MM-DD", ex='2020-11-30'),
        "languages": items(code(codes.LANGUAGES), minlength=1, doc='The manual\'s languages, when not all of `protocol.languages`; at least 1 when given', ex=['en', 'fr']),
        "purpose": staff(markdown=True, doc='What the manual is for and who must read it', ex={'en': 'This manual tells site teams **how** to run the protocol "Low-dose …', 'fr': 'Ce manuel explique aux équipes des centres **comment** appliquer …'}),
        "consent_procedure": staff(markdown=True, doc='How consent is obtained', ex={'en': '1. Consent is obtained by the investigator or a physician of the …', 'fr': "1. Le consentement est recueilli par l'investigateur ou un médecin …"}),
        "enrolment": staff(markdown=True, doc='Screening and enrolment', ex={'en': '- Record every woman screened on the **screening log** (screening …', 'fr': '- Noter chaque femme vue en sélection sur le **registre de …'}),
        "concomitant": staff(markdown=True, doc='Prohibited and allowed concomitant treatments', ex={'en': '**Prohibited from screening to the end of the last course** …', 'fr': '**Interdits de la sélection à la fin de la dernière cure** …'}),
        "discontinuation": staff(markdown=True, doc='Stopping treatment, withdrawal, loss to follow-up', ex={'en': '**Stop IL-2 for good** (the participant stays in follow-up) if:\n\n- …', 'fr': "**Arrêter définitivement l'IL-2** (la participante reste suivie) …"}),
        "data_management": staff(markdown=True, doc='Source documents, eCRF, samples', ex={'en': '- **Source documents:** the hospital medical record, the injection …', 'fr': '- **Documents source :** le dossier médical hospitalier, le carnet …'}),
        "monitoring": staff(markdown=True, doc='Monitoring visits, deviations', ex={'en': '- A sponsor CRA visits each site after the first inclusion, then …', 'fr': '- Un ARC du promoteur se rend dans chaque centre après la première …'}),
        "glossary": items(record({
            "term": text(True, doc="The abbreviation or term as the texts write it", ex="CRA"),
            "meaning": staff(True, doc="What it stands for, one text or one per language",
                             ex={"en": "Clinical research associate (monitor)", "fr": "Attaché de recherche clinique"}),
        }), doc="The abbreviations the manual uses, listed in its 'Abbreviations' section; `check` warns about an abbreviation the manual's texts use and the glossary lacks"),
        "laboratories": items(record({
            "id": ident(doc="The laboratory's id, unique among laboratories", ex="central-immunology"),
            "name": staff(True, doc="The laboratory's name", ex={"en": "Central immunology laboratory, Hôpital Pitié-Salpêtrière", "fr": "Laboratoire central d'immunologie, Hôpital Pitié-Salpêtrière"}),
            "role": staff(doc="What it does for the study (central laboratory, biobank, reading centre …)", ex={"en": "Central laboratory: Treg immunophenotyping", "fr": "Laboratoire central : immunophénotypage des Treg"}),
            "address": like(ADDRESS, kind="Address", doc="Where samples are sent"),
            "contact": staff(doc="The person or desk to ask for, one text or one per language", ex={"en": "Sample reception, IL-2 miscarriage study", "fr": "Réception des échantillons, étude IL-2 fausses couches"}),
            "phone": text(doc="Phone number; quote it", ex="+33 1 00 00 00 40"),
            "email": text(regex=EMAIL_RE, doc="E-mail address", ex="labo-central-il2@example.org"),
            "hours": staff(doc="When it receives samples", ex={"en": "Monday to Thursday, 8:00 to 16:00", "fr": "Du lundi au jeudi, de 8 h à 16 h"}),
            "samples": items(record({
                "what": staff(True, doc="What is sent: the sample, its tube and volume", ex={"en": "Blood for Treg immunophenotyping: 2 × 7 mL lithium heparin tubes", "fr": "Sang pour l'immunophénotypage des Treg : 2 tubes héparinés de 7 mL"}),
                "shipping": staff(True, doc="How it is sent: temperature, time limit, packaging, carrier and the form that goes with it", ex={"en": "Room temperature (+15 °C to +25 °C), by hospital courier, within 4 hours of the draw, with the shipment form", "fr": "À température ambiante (+15 °C à +25 °C), par coursier, dans les 4 heures suivant le prélèvement, avec le bordereau d'envoi"}),
                "when": staff(doc="At which visits, or how often", ex={"en": "Day 1 (before the injection) and day 5 of each course", "fr": "Jour 1 (avant l'injection) et jour 5 de chaque cure"}),
            }), True, 1, doc="What is sent there and how; at least 1"),
        }), doc="The laboratories and biobanks samples are sent to, listed in the manual's contact directory with what each receives and how it is shipped; each needs a phone or e-mail"),
        "closeout": staff(markdown=True, doc='End of study and archiving', ex={'en': '- The study ends at the last visit of the last participant (end of …', 'fr': "- L'étude se termine à la dernière visite de la dernière …"}),
        # randomized or masked designs (trialdocs.designs): check requires them then
        "randomization": staff(markdown=True, doc="How sites randomize a participant (IRT, kit numbers)", when="randomized", ex={"en": "1. Log in to the IRT and enter the participant number …"}),
        "unblinding": staff(markdown=True, doc="How to unblind one participant in an emergency", when="masked", ex={"en": "1. Unblind only when it changes the emergency care …"}),
    }, doc="The site manual's staff-facing texts, one section each"),
    # ---- the protocol document (ICH M11) ---------------------------------
    # Estimands, named as USDM v4's Estimand and IntercurrentEvent so a USDM
    # export maps them one to one: variable_of_interest is the endpoint
    # (an outcome id), interventions the treatment (intervention ids).
    "estimands": items(record({
        "id": ident(doc="The estimand's id, unique among estimands", ex="treg-estimand"),
        "objective": ident(doc="The `objectives` id this estimand belongs to", ex="treg"),
        "name": text(doc="A short name (USDM `name`)", ex="Primary estimand"),
        "label": staff(doc="The estimand's title in the protocol (USDM `label`)", ex={"en": "Treg response to low-dose IL-2", "fr": "Réponse des Treg à l'IL-2 à faible dose"}),
        "description": staff(markdown=True, doc="More about the estimand, printed under its table (USDM `description`)"),
        "analysis_population": staff(True, doc="The population (USDM `analysisPopulationId`, its text)", ex={"en": "Women with at least 5 unexplained consecutive early miscarriages who …"}),
        "interventions": items(ident(), doc="The treatment: `interventions` ids (USDM `interventionIds`)", ex=["il2"]),
        "treatment": staff(doc="The treatment condition in words, when the intervention names do not say it", ex={"en": "Low-dose IL-2, 1 MIU a day for 5 days per course, up to 5 courses"}),
        "variable_of_interest": ident(doc="The endpoint: an outcome id (USDM `variableOfInterestId`)", ex="treg-change"),
        "population_summary": staff(True, doc="The population-level summary (USDM `populationSummary`)", ex={"en": "Mean change in the percentage of Tregs among CD4+ T cells …"}),
        "intercurrent_events": items(record({
            "name": staff(True, doc="The intercurrent event (USDM `IntercurrentEvent.name`)", ex={"en": "Course stopped before day 5"}),
            "description": staff(doc="More about the event (USDM `description`)"),
            "strategy": staff(True, doc="How it is handled: treatment policy, hypothetical, composite, while on treatment, principal stratum (USDM `strategy`)", ex={"en": "Treatment policy: the day 5 sample is analysed whatever …"}),
        }), doc="Intercurrent events and their strategies"),
    }), doc="Estimands of the objectives (ICH E9(R1)), shown in the protocol document's sections 1.1.1 and 3"),
    "protocol_document": record({
        "languages": items(code(codes.LANGUAGES), minlength=1, doc="The protocol document's languages, when not all of `protocol.languages`", ex=["en", "fr"]),
        "short_title": staff(doc="M11 short title (default: `identification.brief_title`)"),
        "confidentiality": staff(doc="Sponsor confidentiality statement for the title page"),
        "sponsor_approval": staff(True, doc="Sponsor approval: the date, or where the approval is recorded", ex={"en": "Approved by the sponsor (AP-HP, DRCI) on 15 October 2020; …"}),
        "signatory": staff(markdown=True, doc="Sponsor signatory block, or how the protocol was approved", ex={"en": "This protocol was approved via the sponsor's electronic approval …"}),
        "medical_expert": staff(markdown=True, doc="Medical expert contact", ex={"en": "Coordinating investigator (see the site manual for contact …"}),
        "product_codes": texts(doc="Sponsor's investigational product code(s)"),
        "overall_design": record({
            "population_type": staff(doc="Population type (default: patients, or healthy participants)", ex={"en": "Patients", "fr": "Patientes"}),
            "control_type": staff(doc="Control type (default: from the arm types)"),
            "control_description": staff(doc="Control description: nonproprietary name, or Not applicable"),
            "site_distribution": staff(doc="Site distribution (default: the number of sites)", ex={"en": "Multi-site (3 sites)"}),
            "geographic_scope": staff(doc="Site geographic scope", ex={"en": "France"}),
            "master_protocol": flag(doc="The protocol is a master protocol", ex=False),
            "combination_product": flag(doc="The intervention is a drug/device combination product", ex=False),
            "adaptive_design": flag(doc="The design is adaptive", ex=False),
            "stratification": flag(doc="Assignment is stratified", ex=False),
            "intervention_duration": staff(doc="Planned duration of the intervention", ex={"en": "Up to 5 courses of 5 days, one per menstrual cycle"}),
            "participation_duration": staff(doc="Planned duration of participation (default: from the schedule's first and last days)"),
            "duration_description": staff(markdown=True, doc="More about the durations"),
            "committees": staff(doc="Committees (default: from `oversight.has_dmc`)"),
        }, doc="Synopsis 1.1.2 values the rest of the protocol does not hold"),
        "sections": record({h.key: staff(markdown=True, doc=f"Text of M11 section {h.number} {h.title}") for h in m11.HEADINGS},
                           doc="One Markdown text per M11 section (keys in docs/protocol-document.md)"),
        "not_applicable": items(code({k: k for k in m11.FRONT_TEXT + [h.key for h in m11.HEADINGS]}),
                                doc='Sections that print "Not applicable" (section keys, `sponsor_signatory`, `medical_expert`)', ex=["contraception", "pharmacokinetics"]),
    }, doc="The protocol document (ICH M11): title page and synopsis values, section texts"),
    "schedule": record({
        "reference_point": staff(doc='What day 1 is', ex={'en': 'Day 1 of course 1 (first IL-2 injection), which is cycle day 10, …', 'fr': "Jour 1 de la cure 1 (première injection d'IL-2), soit le 10e jour …"}),
        "epochs": items(record({"id": ident(doc='The epoch\'s id, unique among epochs', ex='screening'), "name": staff(True, doc="The epoch's name", ex={'en': 'Follow-up', 'fr': 'Suivi'})}), minlength=1, doc='The study periods (screening, treatment, follow-up …); at least 1 when given'),
        "visits": items(record({
            "id": ident(doc='The visit\'s id, unique among visits', ex='V0'),
            "name": staff(True, doc="The visit's name", ex={'en': 'Screening', 'fr': 'Sélection'}),
            "lay_name": loc(doc='The visit in lay words', ex={'fr': 'Visite de sélection', 'en': 'Screening visit'}),
            "epoch": ident(doc='An `epochs` id', ex='screening'),
            "day": integer(doc='Study day, counted from the reference point; may be negative', ex=1),
            "day_range": items(dict(type="integer"), minlength=2, maxlength=2, doc='`[first, last]` day, for a visit with no fixed day', ex=[-28, -1]),
            "window": items(dict(type="integer"), minlength=2, maxlength=2, doc='Allowed days `[before, after]` the planned day, e.g. `[-7, 7]`', ex=[-14, 14]),
            "repeat": staff(doc='When and how often the visit repeats', ex={'en': "Fifth day of each course 2 to 5 (4 days after that course's day 1)", 'fr': '5e jour de chaque cure 2 à 5 (4 jours après le jour 1 de cette cure)'}),
        }), minlength=1, doc='The visits, in order; at least 1 when given'),
        "procedures": items(record({
            "id": ident(doc='The procedure\'s id, unique among procedures', ex='conmed'),
            "name": staff(True, doc="The procedure's name", ex={'en': '12-lead ECG', 'fr': 'ECG 12 dérivations'}),
            "lay_name": loc(doc='The procedure in lay words', ex={'fr': "Piqûre d'IL-2", 'en': 'IL-2 shot'}),
            "group": code({g: g for g in ("enrolment", "intervention", "efficacy", "safety",
                                          "biomarker", "other")}, True, doc='`enrolment`, `intervention`, `efficacy`, `safety`, `biomarker`, `other`', ex='safety'),
            "visits": items(ident(), True, 1, doc='`visits` ids at which it is done', ex=['P1', 'P2']),
            "research_only": flag(doc='Done for the research only, not in usual care', ex=True),
            "invasive": flag(doc='Goes through the skin or into the body', ex=True),
            "footnote": ident(False, doc='A key of `footnotes`', ex='a'),
        }), minlength=1, doc='The procedures and the visits at which each is done; at least 1 when given'),
        "footnotes": _about(dict(type="dict", keysrules=dict(type="string", regex=ID_RE),
                                 valuesrules=staff(True, doc="The footnote's text")),
                            dict(doc="Footnote id → staff text; each key is an id that procedures name",
                                 ex={"a": "Only for participants who become pregnant"})),
    }, doc='The schedule of activities: epochs, visits and the procedures done at each visit'),
    "safety": record({
        "ae_definition": staff(True, markdown=True, doc='What counts as an adverse event', ex={'en': 'An **adverse event (AE)** is any untoward medical occurrence in a …', 'fr': 'Un **événement indésirable (EI)** est toute manifestation nocive …'}),
        "sae_criteria": items(staff(), minlength=1, doc='What makes an adverse event serious; one criterion per item, at least 1 when given'),
        "grading": staff(doc='Grading scale', ex={'en': 'NCI Common Terminology Criteria for Adverse Events (CTCAE) version …', 'fr': 'Critères de terminologie commune pour les événements indésirables …'}),
        "collection_period": staff(doc='From when to when adverse events are collected', ex={'en': 'All AEs from the first IL-2 injection to 30 days after the last …', 'fr': "Tous les EI de la première injection d'IL-2 à 30 jours après la …"}),
        "reporting": items(record({
            "event": staff(True, doc='What to report', ex={'en': 'Other SUSAR', 'fr': 'Autre SUSAR (EIGI)'}),
            "to": staff(True, doc='To whom', ex={'en': 'ANSM and the CPP (by the sponsor)', 'fr': 'ANSM et CPP (par le promoteur)'}),
            "deadline": staff(True, doc='How soon it must be reported', ex={'en': 'Within 24 hours after the pregnancy is confirmed', 'fr': 'Dans les 24 heures après la confirmation de la grossesse'}),
            "form": staff(doc='The form to use', ex={'en': 'CIOMS I form / E2B report', 'fr': 'Formulaire CIOMS I / déclaration E2B'}),
        }), minlength=1, doc='Who reports what to whom, and how soon; at least 1 when given'),
        "pregnancy": record({
            "reporting": staff(True, doc='How a pregnancy is reported', ex={'en': 'Every pregnancy of a participant, from the first injection to the …', 'fr': "Toute grossesse d'une participante, de la première injection à la …"}),
            "follow_up_until": staff(True, doc='Until when a pregnancy is followed', ex={'en': "End of pregnancy, and the newborn's status up to 1 month after birth", 'fr': "Fin de la grossesse, et état du nouveau-né jusqu'à 1 mois après la …"}),
            "form": staff(doc='The form to use', ex={'en': 'Pregnancy notification form, then pregnancy outcome form', 'fr': "Formulaire de déclaration de grossesse, puis formulaire d'issue de grossesse"}),
        }, doc='How a pregnancy during the study is reported and followed'),
        "vigilance_contact": like(CONTACT, kind="Contact", doc="The sponsor's vigilance (safety) office"),
    }, doc='Adverse event definitions and reporting'),
}
