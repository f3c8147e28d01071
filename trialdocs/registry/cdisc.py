"""CDISC controlled terminology for the USDM export: one table per code list.

USDM codes its attributes with CDISC Controlled Terminology (NCI Thesaurus
C-codes). Every CDISC code below is copied from CDISC's own example study for
USDM v4.0.0, the LZZT pilot (``CDISC_Pilot_Study.json`` in CDISC's DDF-RA
repository, "Final v4.0 for Publication"), which uses the CT package of
``CT_VERSION``. No code here was written from memory or taken from a third
party: a code list holds only the values that example shows. A protocol value
with no entry has no verified CDISC code, and the export then

- leaves an optional attribute out (study phase, blinding, intent, study type
  of a non-interventional study), or
- for an attribute USDM requires, writes the protocol's own code in a Code
  whose ``codeSystem`` names where that code comes from: ``CTGOV_SYSTEM``
  for ClinicalTrials.gov code lists (arm type, intervention model, ...), or
  ``TRIALDOCS_SYSTEM`` for trialdocs' own (objective level "exploratory").
  Such a Code is valid USDM; a reader sees it is not CDISC's.

docs/usdm.md lists, per attribute, which values are coded and which are not.
Countries are ISO 3166-1 alpha-3 codes, from the ``pycountry`` package.
"""

from __future__ import annotations

CDISC_SYSTEM = "http://www.cdisc.org"
CT_VERSION = "2024-09-27"
CTGOV_SYSTEM = "ClinicalTrials.gov"
CTGOV_VERSION = "API v2"
TRIALDOCS_SYSTEM = "trialdocs"
TRIALDOCS_VERSION = "protocol format"
ISO_3166_SYSTEM = "ISO 3166 1 alpha3"   # spelled as in CDISC's example

# design.phases (as a tuple, in protocol order) -> Trial Phase (C66737).
PHASE = {
    ("PHASE2",): ("C15601", "Phase II Trial"),
}
# arms[].type -> Study Arm Type (C174222). Required: a miss writes the ClinicalTrials.gov code.
ARM_TYPE = {
    "ACTIVE_COMPARATOR": ("C174267", "Active Comparator Arm"),
    "PLACEBO_COMPARATOR": ("C174268", "Placebo Control Arm"),
}
# Every arm's data are collected in the study (Study Arm Data Origin Type, C188727).
DATA_ORIGIN_IN_STUDY = ("C188866", "Data Generated Within Study")
# objectives[].level -> Objective Level (C188725). Required.
OBJECTIVE_LEVEL = {
    "primary": ("C85826", "Primary Objective"),
    "secondary": ("C85827", "Secondary Objective"),
}
# outcomes.<kind> -> Endpoint Level (C188726). Required.
ENDPOINT_LEVEL = {
    "primary": ("C94496", "Primary Endpoint"),
    "secondary": ("C139173", "Secondary Endpoint"),
}
# eligibility.inclusion / exclusion -> Category of Inclusion/Exclusion (C66797).
CRITERION_CATEGORY = {
    "inclusion": ("C25532", "Inclusion Criteria"),
    "exclusion": ("C25370", "Exclusion Criteria"),
}
# design.study_type -> Study Type (C99077). Optional.
STUDY_TYPE = {
    "INTERVENTIONAL": ("C98388", "Interventional Study"),
}
# design.intervention_model -> Intervention Model (C99076). Required.
INTERVENTION_MODEL = {
    "PARALLEL": ("C82639", "Parallel Study"),
}
# design.masking -> Trial Blinding Schema (C66735). Optional.
BLINDING = {
    "DOUBLE": ("C15228", "Double Blind Study"),
}
# design.primary_purpose -> Trial Intent Type (C66736). Optional.
INTENT = {
    "TREATMENT": ("C49656", "Treatment Study"),
}
# eligibility.sex -> Sex of Participants (C66732).
SEX = {
    "ALL": ("C49636", "Both"),
    "FEMALE": ("C16576", "Female"),
    "MALE": ("C20197", "Male"),
}
# interventions[].investigational -> Study Intervention Role (C207417). Required.
INTERVENTION_ROLE = {
    True: ("C41161", "Experimental Intervention"),
}
# interventions[].type -> Study Intervention Type (C99078). Required.
INTERVENTION_TYPE = {
    "DRUG": ("C1909", "Pharmacologic Substance"),
}
# Study Title Type (C207419).
TITLE_TYPE = {
    "brief": ("C99905x1", "Brief Study Title"),
    "official": ("C99905x2", "Official Study Title"),
    "acronym": ("C94108", "Study Acronym"),
}
# Organization Type (C188724).
ORGANIZATION_TYPE = {
    "sponsor": ("C70793", "Clinical Study Sponsor"),
    "registry": ("C93453", "Study Registry"),
}
# Study Role (C215480).
ROLE = {
    "sponsor": ("C70793", "Sponsor"),
}
# Encounter Type (C188728): every schedule visit is a visit.
ENCOUNTER_VISIT = ("C25716", "Visit")
# Timing Type (C201264) and Timing Relative To From (C201265).
TIMING_TYPE = {
    "fixed": ("C201358", "Fixed Reference"),
    "after": ("C201356", "After"),
    "before": ("C201357", "Before"),
}
START_TO_START = ("C201355", "Start to Start")
# Governance Date Type (C207413).
DATE_TYPE = {
    "approval": ("C132352", "Sponsor Approval Date"),
}
# Geographic Scope Type (C207412).
GLOBAL_SCOPE = ("C68846", "Global")
# Study Amendment Reason (C207415).
AMENDMENT_REASON_OTHER = ("C17649", "Other")
# Unit of age (C71620): schema age units -> unit code.
AGE_UNIT = {
    "Years": ("C29848", "Year"),
    "Weeks": ("C29844", "Week"),
    "Days": ("C25301", "Day"),
}
# Epoch types the example shows (Epoch Type, C99079). The protocol format has no
# epoch type today, so these are not used yet; see docs/usdm.md.
EPOCH_TYPE = {
    "screening": ("C202487", "Screening Epoch"),
    "treatment": ("C101526", "Treatment Epoch"),
    "follow_up": ("C202578", "Follow-Up Epoch"),
}


def country_code(name: str | None) -> tuple[str, str] | None:
    """(alpha-3, ISO name) of a country written in the protocol, or None if ISO 3166 has no such name."""
    if not name:
        return None
    import pycountry
    try:
        country = pycountry.countries.lookup(name)
    except LookupError:
        return None
    return country.alpha_3, country.name
