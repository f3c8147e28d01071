"""The ICH M11 protocol structure (final, Step 4, 19 November 2025), as data.

One row per heading: its number, a stable key (the HTML anchor and the name of
its free-text field in ``protocol_document.sections``), its code in the NCI
value set C217272 ("ICH M11 Terminology") and its English heading. Headings
were taken from that value set (release 2025-12-19) and cross-checked with
HL7's FHIR M11 profiles and the ICH M11 Template; docs/protocol-document.md
says so for readers. A heading in {braces} in the template is optional
(``optional`` below): it is printed only when the protocol has content for it.

Why a table: M11 says the numbering and the level-1 and level-2 headings are
fixed ("do not delete or modify"; a section that does not apply keeps its
heading and says "Not applicable"). So the protocol document, its contents,
its PDF bookmarks, ``check``'s warnings and the schema's list of free-text
fields all come from these rows, and cannot disagree. Other languages
translate the headings in templates/i18n/<lang>.yaml (protocol.headings).
"""

from __future__ import annotations

from dataclasses import dataclass

# The unnumbered front matter, in M11's order.
FRONT = [
    ("title_page", "Title Page"),
    ("sponsor_signatory", "Sponsor Signatory"),
    ("medical_expert", "Medical Expert Contact"),
    ("amendment_details", "Amendment Details"),
    ("contents", "Table of Contents"),
]

# number | key | C-code | heading ({braces} = optional level-3 heading)
_TABLE = """
1|protocol_summary|C218514|Protocol Summary
1.1|synopsis|C218515|Protocol Synopsis
1.1.1|synopsis_objectives|C218516|Primary and Secondary Objectives and Estimands
1.1.2|overall_design|C218517|Overall Design
1.2|trial_schema|C218518|Trial Schema
1.3|schedule_of_activities|C218519|Schedule of Activities
2|introduction|C218520|Introduction
2.1|purpose|C218521|Purpose of Trial
2.2|risks_benefits|C218522|Assessment of Risks and Benefits
2.2.1|risk_summary|C218523|Risk Summary and Mitigation Strategy
2.2.2|benefit_summary|C218524|Benefit Summary
2.2.3|risk_benefit_assessment|C218525|Overall Risk-Benefit Assessment
3|objectives_estimands|C218526|Trial Objectives and Associated Estimands
3.1|primary_objectives|C218527|Primary Objective(s) and Associated Estimand(s)
3.2|secondary_objectives|C218529|Secondary Objective(s) and Associated Estimand(s)
3.3|exploratory_objectives|C218531|Exploratory Objective(s)
4|trial_design|C218533|Trial Design
4.1|design_description|C218534|Description of Trial Design
4.1.1|stakeholder_input|C218535|Stakeholder Input into Design
4.2|design_rationale|C218536|Rationale for Trial Design
4.2.1|rationale_estimands|C218537|Rationale for Estimand(s)
4.2.2|rationale_intervention_model|C218538|Rationale for Intervention Model
4.2.3|rationale_control_type|C218539|Rationale for Control Type
4.2.4|rationale_duration|C218540|Rationale for Trial Duration
4.2.5|rationale_adaptive|C218541|Rationale for Adaptive or Novel Trial Design
4.2.6|rationale_interim|C218542|Rationale for Interim Analysis
4.2.7|rationale_other|C218543|Rationale for Other Trial Design Aspects
4.3|stopping_rules|C218544|Trial Stopping Rules
4.4|start_end|C218545|Start of Trial and End of Trial
4.5|post_trial_access|C218546|Access to Trial Intervention After End of Trial
5|population|C218547|Trial Population
5.1|population_description|C218548|Description of Trial Population and Rationale
5.2|inclusion|C218549|Inclusion Criteria
5.3|exclusion|C218550|Exclusion Criteria
5.4|contraception|C218551|Contraception
5.4.1|childbearing_potential|C218552|Definitions Related to Childbearing Potential
5.4.2|contraception_requirements|C218553|Contraception Requirements
5.5|lifestyle|C218554|Lifestyle Restrictions
5.5.1|meals_diet|C218555|Meals and Dietary Restrictions
5.5.2|caffeine_alcohol_tobacco|C218556|Caffeine, Alcohol, Tobacco, and Other Restrictions
5.5.3|physical_activity|C218557|Physical Activity Restrictions
5.5.4|other_activity|C218558|Other Activity Restrictions
5.6|screen_failure|C218559|Screen Failure and Rescreening
6|intervention|C218560|Trial Intervention and Concomitant Therapy
6.1|intervention_description|C218561|Description of Investigational Trial Intervention
6.2|dose_rationale|C218562|Rationale for Investigational Trial Intervention Dose and Regimen
6.3|administration|C218563|Investigational Trial Intervention Administration
6.4|dose_modification|C218564|Investigational Trial Intervention Dose Modification
6.5|overdose|C218565|Management of Investigational Trial Intervention Overdose
6.6|handling|C218566|Preparation, Storage, Handling and Accountability of Investigational Trial Intervention
6.6.1|preparation|C218567|{Preparation of Investigational Trial Intervention}
6.6.2|storage|C218568|Storage and Handling of Investigational Trial Intervention
6.6.3|accountability|C218569|Accountability of Investigational Trial Intervention
6.7|assignment|C218570|Investigational Trial Intervention Assignment, Randomisation and Blinding
6.7.1|participant_assignment|C218571|Participant Assignment to Investigational Trial Intervention
6.7.2|randomisation|C218572|{Randomisation}
6.7.3|blinding|C218573|{Measures to Maintain Blinding}
6.7.4|unblinding|C218574|{Emergency Unblinding at the Site}
6.8|adherence|C218575|Investigational Trial Intervention Adherence
6.9|noninvestigational|C218576|Description of Noninvestigational Trial Intervention
6.9.1|background_intervention|C218577|{Background Trial Intervention}
6.9.2|rescue_therapy|C218578|{Rescue Therapy}
6.9.3|other_noninvestigational|C218579|{Other Noninvestigational Trial Intervention}
6.10|concomitant|C218580|Concomitant Therapy
6.10.1|prohibited_concomitant|C218581|{Prohibited Concomitant Therapy}
6.10.2|permitted_concomitant|C218582|{Permitted Concomitant Therapy}
7|discontinuation|C218583|Participant Discontinuation of Trial Intervention and Discontinuation or Withdrawal from Trial
7.1|intervention_discontinuation|C218584|Discontinuation of Trial Intervention for Individual Participants
7.1.1|permanent_discontinuation|C218585|Permanent Discontinuation of Trial Intervention
7.1.2|temporary_discontinuation|C218586|Temporary Discontinuation of Trial Intervention
7.1.3|rechallenge|C218587|Rechallenge
7.2|withdrawal|C218588|Participant Discontinuation or Withdrawal from the Trial
7.3|lost_to_follow_up|C218589|Management of Loss to Follow-Up
8|assessments|C218590|Trial Assessments and Procedures
8.1|assessment_considerations|C218591|Trial Assessments and Procedures Considerations
8.2|screening_assessments|C218592|Screening/Baseline Assessments and Procedures
8.3|efficacy_assessments|C218593|Efficacy Assessments and Procedures
8.4|safety_assessments|C218594|Safety Assessments and Procedures
8.4.1|physical_examination|C218595|{Physical Examination}
8.4.2|vital_signs|C218596|{Vital Signs}
8.4.3|electrocardiograms|C218597|{Electrocardiograms}
8.4.4|laboratory_assessments|C218598|{Clinical Laboratory Assessments}
8.4.5|pregnancy_testing|C218599|{Pregnancy Testing}
8.4.6|suicidal_ideation|C218600|{Suicidal Ideation and Behaviour Risk Monitoring}
8.5|pharmacokinetics|C218601|Pharmacokinetics
8.6|biomarkers|C218602|Biomarkers
8.6.1|genetics|C218603|Genetics, Genomics, Pharmacogenetics and Pharmacogenomics
8.6.2|pharmacodynamic_biomarkers|C218604|Pharmacodynamic Biomarkers
8.6.3|other_biomarkers|C218605|{Other Biomarkers}
8.7|immunogenicity|C218606|Immunogenicity Assessments
8.8|health_economics|C218607|Medical Resource Utilisation and Health Economics
9|safety|C218608|Adverse Events, Serious Adverse Events, Product Complaints, Pregnancy and Postpartum Information, and Special Safety Situations
9.1|safety_definitions|C218609|Definitions
9.1.1|ae_definition|C218610|Definitions of Adverse Events
9.1.2|sae_definition|C218611|Definitions of Serious Adverse Events
9.1.3|product_complaints|C218612|Definitions of Product Complaints
9.2|safety_reporting|C218614|Timing and Procedures for Collection and Reporting
9.2.1|reporting_timing|C218615|Timing
9.2.2|collection_procedures|C218616|Collection Procedures
9.2.3|reporting|C218617|Reporting
9.2.4|special_interest|C218619|Adverse Events of Special Interest
9.2.5|disease_related_events|C218620|Disease-related Events or Outcomes Not Qualifying as AEs or SAEs
9.3|pregnancy|C218621|Pregnancy and Postpartum Information
9.3.1|participant_pregnancy|C218622|{Participants Who Become Pregnant During the Trial}
9.3.2|partner_pregnancy|C218623|{Participants Whose Partners Become Pregnant During the Trial}
9.4|special_safety|C218624|Special Safety Situations
10|statistics|C218625|Statistical Considerations
10.1|statistics_general|C218626|General Considerations
10.2|analysis_sets|C218627|Analysis Sets
10.3|baseline_analyses|C218628|Analyses of Demographics and Other Baseline Variables
10.4|primary_analyses|C218629|Analyses Associated with the Primary Objective(s)
10.5|secondary_analyses|C218636|Analyses Associated with the Secondary Objective(s)
10.6|exploratory_analyses|C218643|Analyses Associated with the Exploratory Objective(s)
10.7|safety_analyses|C218644|Safety Analyses
10.8|other_analyses|C218645|Other Analyses
10.9|interim_analyses|C218646|Interim Analyses
10.10|multiplicity|C218647|Multiplicity Adjustments
10.11|sample_size|C218648|Sample Size Determination
11|oversight|C218649|Trial Oversight and Other General Considerations
11.1|regulatory_ethical|C218650|Regulatory and Ethical Considerations
11.2|trial_oversight|C218651|Trial Oversight
11.2.1|investigator_responsibilities|C218652|Investigator Responsibilities
11.2.2|sponsor_responsibilities|C218653|Sponsor Responsibilities
11.3|informed_consent|C218654|Informed Consent Process
11.3.1|consent_rescreening|C218655|{Informed Consent for Rescreening}
11.3.2|consent_remaining_samples|C218656|{Informed Consent for Use of Remaining Samples in Exploratory Research}
11.4|committees|C218657|Committees
11.5|insurance|C218658|Insurance and Indemnity
11.6|quality_management|C218659|Risk-Based Quality Management
11.7|data_governance|C218660|Data Governance
11.8|data_protection|C218661|Data Protection
11.9|source_records|C218662|Source Records
11.10|protocol_deviations|C218663|Protocol Deviations
11.11|site_closure|C218664|Early Site Closure
11.12|data_dissemination|C218665|Data Dissemination
12|appendix_supporting|C218666|Appendix: Supporting Details
12.1|laboratory_tests|C218667|Clinical Laboratory Tests
12.2|country_differences|C218668|Country/Region-Specific Differences
12.3|prior_amendments|C218669|Prior Protocol Amendment(s)
13|glossary|C218670|Appendix: Glossary of Terms and Abbreviations
14|references|C218671|Appendix: References
"""


@dataclass(frozen=True)
class Heading:
    number: str        # "4.3"
    key: str           # "stopping_rules": field name and (with '-') HTML anchor
    code: str          # NCI C-code in value set C217272
    title: str         # M11's English heading, without braces
    optional: bool     # a {braces} level-3 heading of the template

    @property
    def level(self) -> int:
        return self.number.count(".") + 1

    @property
    def parent(self) -> str:
        return self.number.rpartition(".")[0]

    @property
    def anchor(self) -> str:
        return "s" + self.number.replace(".", "-") + "-" + self.key.replace("_", "-")


def _parse(table: str) -> list[Heading]:
    rows = []
    for line in table.strip().splitlines():
        number, key, code, title = line.split("|")
        optional = title.startswith("{")
        rows.append(Heading(number, key, code, title.strip("{}"), optional))
    return rows


HEADINGS: list[Heading] = _parse(_TABLE)
BY_KEY = {h.key: h for h in HEADINGS}
BY_NUMBER = {h.number: h for h in HEADINGS}


# Front sections with free text of their own (protocol_document.signatory,
# .medical_expert); like a numbered section, each may be declared not applicable.
FRONT_TEXT = ["sponsor_signatory", "medical_expert"]


_CHILDREN: dict[str, list[Heading]] = {}
for _heading in HEADINGS:
    _CHILDREN.setdefault(_heading.parent, []).append(_heading)


def children(number: str) -> list[Heading]:
    """The headings one level below ``number``, in the template's order (a table
    made once: documents ask for them for every section of every build)."""
    return list(_CHILDREN.get(number, ()))


def leaf_sections() -> list[Heading]:
    """The sections M11 requires a content or "Not applicable" for: every
    level-2 heading and every level-1 heading without level-2 headings."""
    return [h for h in HEADINGS if h.level == 2 or (h.level == 1 and not children(h.number))]
