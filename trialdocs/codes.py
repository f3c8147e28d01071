"""ClinicalTrials.gov code lists and their display strings.

One table serves the schema (which codes are allowed), the registry serialisers
(code -> PRS display string) and the documents (code -> words), so a code is
spelled in exactly one place. Codes and labels follow registry.md §3.
"""

STUDY_TYPE = {
    "INTERVENTIONAL": "Interventional",
    "OBSERVATIONAL": "Observational",
    "EXPANDED_ACCESS": "Expanded Access",
}
PHASE = {
    "NA": "N/A",
    "EARLY_PHASE1": "Early Phase 1",
    "PHASE1": "Phase 1",
    "PHASE2": "Phase 2",
    "PHASE3": "Phase 3",
    "PHASE4": "Phase 4",
}
# Two-phase studies: only these pairs exist (registry.md §1.7).
PHASE_PAIRS = [("PHASE1", "PHASE2"), ("PHASE2", "PHASE3")]

STATUS = {
    "NOT_YET_RECRUITING": "Not yet recruiting",
    "RECRUITING": "Recruiting",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation",
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "SUSPENDED": "Suspended",
    "TERMINATED": "Terminated",
    "COMPLETED": "Completed",
    "WITHDRAWN": "Withdrawn",
    "AVAILABLE": "Available",
    "NO_LONGER_AVAILABLE": "No longer available",
    "TEMPORARILY_NOT_AVAILABLE": "Temporarily not available",
    "APPROVED_FOR_MARKETING": "Approved for marketing",
}
# Derived by ClinicalTrials.gov, never submitted; an import may meet them.
DERIVED_STATUS = {"UNKNOWN": "Unknown status", "WITHHELD": "Withheld"}

SITE_STATUS = {k: STATUS[k] for k in (
    "NOT_YET_RECRUITING", "RECRUITING", "ENROLLING_BY_INVITATION",
    "ACTIVE_NOT_RECRUITING", "COMPLETED", "SUSPENDED", "TERMINATED",
    "WITHDRAWN", "AVAILABLE")}

DATE_TYPE = {"ACTUAL": "Actual", "ESTIMATED": "Anticipated"}

ALLOCATION = {"RANDOMIZED": "Randomized", "NON_RANDOMIZED": "Non-Randomized", "NA": "N/A"}

INTERVENTION_MODEL = {
    "SINGLE_GROUP": "Single Group Assignment",
    "PARALLEL": "Parallel Assignment",
    "CROSSOVER": "Crossover Assignment",
    "FACTORIAL": "Factorial Assignment",
    "SEQUENTIAL": "Sequential Assignment",
}
PRIMARY_PURPOSE = {
    "TREATMENT": "Treatment",
    "PREVENTION": "Prevention",
    "DIAGNOSTIC": "Diagnostic",
    "SUPPORTIVE_CARE": "Supportive Care",
    "SCREENING": "Screening",
    "HEALTH_SERVICES_RESEARCH": "Health Services Research",
    "BASIC_SCIENCE": "Basic Science",
    "DEVICE_FEASIBILITY": "Device Feasibility",
    "OTHER": "Other",
    "ECT": "Educational/Counseling/Training",
}
MASKING = {
    "NONE": "None (Open Label)",
    "SINGLE": "Single",
    "DOUBLE": "Double",
    "TRIPLE": "Triple",
    "QUADRUPLE": "Quadruple",
}
MASKING_ROLES = {"NONE": 0, "SINGLE": 1, "DOUBLE": 2, "TRIPLE": 3, "QUADRUPLE": 4}
WHO_MASKED = {
    "PARTICIPANT": "Participant",
    "CARE_PROVIDER": "Care Provider",
    "INVESTIGATOR": "Investigator",
    "OUTCOMES_ASSESSOR": "Outcomes Assessor",
}
ARM_TYPE = {
    "EXPERIMENTAL": "Experimental",
    "ACTIVE_COMPARATOR": "Active Comparator",
    "PLACEBO_COMPARATOR": "Placebo Comparator",
    "SHAM_COMPARATOR": "Sham Comparator",
    "NO_INTERVENTION": "No Intervention",
    "OTHER": "Other",
}
INTERVENTION_TYPE = {
    "DRUG": "Drug",
    "DEVICE": "Device",
    "BIOLOGICAL": "Biological",
    "PROCEDURE": "Procedure",
    "RADIATION": "Radiation",
    "BEHAVIORAL": "Behavioral",
    "GENETIC": "Genetic",
    "DIETARY_SUPPLEMENT": "Dietary Supplement",
    "COMBINATION_PRODUCT": "Combination Product",
    "DIAGNOSTIC_TEST": "Diagnostic Test",
    "OTHER": "Other",
}
OBSERVATIONAL_MODEL = {
    "COHORT": "Cohort",
    "CASE_CONTROL": "Case-Control",
    "CASE_ONLY": "Case-Only",
    "CASE_CROSSOVER": "Case-Crossover",
    "ECOLOGIC_OR_COMMUNITY": "Ecologic or Community",
    "FAMILY_BASED": "Family-Based",
    "DEFINED_POPULATION": "Defined Population",
    "NATURAL_HISTORY": "Natural History",
    "OTHER": "Other",
}
TIME_PERSPECTIVE = {
    "RETROSPECTIVE": "Retrospective",
    "PROSPECTIVE": "Prospective",
    "CROSS_SECTIONAL": "Cross-Sectional",
    "OTHER": "Other",
}
BIO_SPEC_RETENTION = {
    "NONE_RETAINED": "None Retained",
    "SAMPLES_WITH_DNA": "Samples With DNA",
    "SAMPLES_WITHOUT_DNA": "Samples Without DNA",
}
SAMPLING_METHOD = {
    "PROBABILITY_SAMPLE": "Probability Sample",
    "NON_PROBABILITY_SAMPLE": "Non-Probability Sample",
}
SEX = {"ALL": "All", "FEMALE": "Female", "MALE": "Male"}
# A person's honorific, written before the name in documents (trialdocs.locales.HONORIFICS
# gives each language's word); the registry writes the code after the name, as registered.
HONORIFIC = {"Pr": "Professor", "Dr": "Doctor"}
AGE_UNITS = ["Years", "Months", "Weeks", "Days", "Hours", "Minutes"]
OFFICIAL_ROLE = {
    "PRINCIPAL_INVESTIGATOR": "Principal Investigator",
    "STUDY_CHAIR": "Study Chair",
    "STUDY_DIRECTOR": "Study Director",
    "SUB_INVESTIGATOR": "Sub-Investigator",
}
CONTACT_ROLE = dict(OFFICIAL_ROLE, CONTACT="Contact")
RESPONSIBLE_PARTY = {
    "SPONSOR": "Sponsor",
    "PRINCIPAL_INVESTIGATOR": "Principal Investigator",
    "SPONSOR_INVESTIGATOR": "Sponsor-Investigator",
}
AGENCY_CLASS = {
    "NIH": "NIH", "FED": "U.S. Fed", "INDUSTRY": "Industry", "OTHER": "Other",
    "OTHER_GOV": "Other Government", "INDIV": "Individual", "NETWORK": "Network",
    "AMBIG": "Ambiguous", "UNKNOWN": "Unknown",
}
IPD_SHARING = {"YES": "Yes", "NO": "No", "UNDECIDED": "Undecided"}
IPD_INFO_TYPE = {
    "STUDY_PROTOCOL": "Study Protocol",
    "SAP": "Statistical Analysis Plan (SAP)",
    "ICF": "Informed Consent Form (ICF)",
    "CSR": "Clinical Study Report (CSR)",
    "ANALYTIC_CODE": "Analytic Code",
}
REFERENCE_TYPE = {"BACKGROUND": "Background", "RESULT": "Result", "DERIVED": "Derived"}
SECONDARY_ID_TYPE = {
    "NIH": "NIH Grant Number",
    "FDA": "FDA",
    "VA": "VA",
    "CDC": "CDC",
    "AHRQ": "AHRQ",
    "SAMHSA": "SAMHSA",
    "OTHER_GRANT": "Other Grant/Funding Number",
    "EUDRACT_NUMBER": "EudraCT Number",
    "CTIS": "EU Trial (CTIS) Number",
    "REGISTRY": "Registry Identifier",
    "OTHER": "Other Identifier",
}
AVAIL_IPD_TYPE = [
    "Individual Participant Data Set", "Study Protocol", "Statistical Analysis Plan",
    "Informed Consent Form", "Clinical Study Report", "Analytic Code", "Other",
]

# trialdocs' own code lists (not ClinicalTrials.gov's).
REGIMES = {
    "us_common_rule": "US Common Rule (45 CFR 46)",
    "us_fda": "US FDA (21 CFR 50 and 56)",
    "us_hipaa": "US HIPAA Privacy Rule (45 CFR 164.508)",
    "ich_e6r2": "ICH E6(R2) GCP",
    "ich_e6r3": "ICH E6(R3) GCP",
    "eu_ctd": "EU Clinical Trials Directive 2001/20/EC",
    "eu_ctr": "EU Clinical Trials Regulation 536/2014",
    "fr_csp": "France, Code de la santé publique (loi Jardé)",
    "gdpr": "GDPR (EU 2016/679)",
}
LANGUAGES = {"en": "English", "fr": "Français"}
PROTOCOL_STATUS = ["draft", "final"]
