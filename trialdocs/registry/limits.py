"""Character limits of ClinicalTrials.gov fields, as one table easy to correct.

Each limit is counted on the PRS plain-text form of a value (``text.plain``:
Markdown escapes removed, line ends as one character, outer whitespace
trimmed), which is what PRS counts. ``confirmed`` says whether the limit was
seen in a source (registry.md marks it **V**: a breach is an error) or is the
DED value as we know it, not re-seen (**U**: a breach is only a warning until
someone confirms it). The v2 API does not publish limits, hence this table.

Keys are protocol paths with ``*`` for "every item of a list".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    chars: int
    confirmed: bool
    label: str          # the PRS form label, for messages


def _v(chars, label):
    return Limit(chars, True, label)


def _u(chars, label):
    return Limit(chars, False, label)


LIMITS: dict[tuple, Limit] = {
    ("identification", "org_study_id"): _v(30, "Unique Protocol Identification Number"),
    ("identification", "secondary_ids", "*", "id"): _v(30, "Secondary ID"),
    ("identification", "brief_title"): _v(300, "Brief Title"),
    ("identification", "official_title"): _v(600, "Official Title"),
    ("identification", "acronym"): _v(14, "Acronym"),
    ("status", "why_stopped"): _v(250, "Why Study Stopped"),
    ("sponsors", "lead", "name"): _u(160, "Sponsor"),
    ("sponsors", "collaborators", "*", "name"): _u(160, "Collaborator"),
    ("sponsors", "responsible_party", "investigator_title"): _u(254, "Investigator Official Title"),
    ("sponsors", "responsible_party", "investigator_affiliation"): _v(160, "Investigator Affiliation"),
    ("description", "brief_summary"): _v(5000, "Brief Summary"),
    ("description", "detailed_description"): _v(32000, "Detailed Description"),
    ("conditions", "keywords", "*"): _u(160, "Keyword"),
    ("design", "intervention_model_description"): _v(1000, "Model Description"),
    ("design", "masking_description"): _u(1000, "Masking Description"),
    ("arms", "*", "label"): _u(100, "Arm Title"),
    ("arms", "*", "description"): _u(999, "Arm Description"),
    ("interventions", "*", "name"): _v(200, "Intervention Name"),
    ("interventions", "*", "description"): _v(1000, "Intervention Description"),
    ("interventions", "*", "other_names", "*"): _u(200, "Intervention Other Name"),
    ("eligibility", "criteria"): _u(20000, "Eligibility Criteria"),
    ("eligibility", "gender_description"): _u(1000, "Sex/Gender Eligibility Description"),
    ("eligibility", "study_population"): _v(1000, "Study Population Description"),
    ("officials", "*", "affiliation"): _u(160, "Official's Organizational Affiliation"),
    ("sites", "*", "facility"): _v(254, "Facility Name"),
    ("see_also_links", "*", "url"): _v(3999, "Link URL"),
    ("see_also_links", "*", "label"): _u(254, "Link Description"),
    ("ipd_sharing", "description"): _u(1000, "IPD Sharing Plan Description"),
    ("ipd_sharing", "time_frame"): _u(1000, "IPD Sharing Time Frame"),
    ("ipd_sharing", "access_criteria"): _u(1000, "IPD Sharing Access Criteria"),
    ("ipd_sharing", "url"): _u(3999, "IPD Sharing URL"),
}
for _kind, _word in (("primary", "Primary"), ("secondary", "Secondary"), ("other", "Other")):
    LIMITS[("outcomes", _kind, "*", "measure")] = _u(255, f"{_word} Outcome Measure Title")
    LIMITS[("outcomes", _kind, "*", "description")] = _v(999, f"{_word} Outcome Measure Description")
    LIMITS[("outcomes", _kind, "*", "time_frame")] = _u(255, f"{_word} Outcome Measure Time Frame")


def limit_for(path) -> Limit | None:
    """The limit of a concrete path such as ('arms', 2, 'label'), if it has one."""
    generic = tuple("*" if isinstance(part, int) else part for part in path)
    return LIMITS.get(generic)
