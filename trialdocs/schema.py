"""The protocol schema: every field a protocol may hold, as cerberus rules.

A protocol folder's YAML files are merged into one mapping (each top-level key
lives in exactly one file) and checked against SCHEMA. The field names follow
ClinicalTrials.gov's protocol section, module by module, in snake_case, so the
registry serialisers are a mechanical mapping; the consent, site-manual and
regulatory blocks add what those documents need.

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


def text(required=False, **kw):
    return dict(type="string", required=required, empty=False, **kw)


def md(required=False, **kw):
    return dict(type="string", required=required, empty=False, meta={"markdown": True}, **kw)


def loc(required=False, markdown=False):
    return dict(type="dict", required=required, localized="patient",
                meta={"markdown": markdown})


def loc_md(required=False):
    return loc(required, markdown=True)


def staff(required=False, markdown=False):
    return dict(type=["string", "dict"], required=required, empty=False,
                localized="staff", meta={"markdown": markdown})


def ident(required=True):
    return dict(type="string", required=required, regex=ID_RE, safe_name=True)


def code(table, required=False):
    return dict(type="string", required=required, allowed=list(table))


def flag(required=False):
    return dict(type="boolean", required=required)


def integer(required=False, min=None):
    rule = dict(type="integer", required=required)
    if min is not None:
        rule["min"] = min
    return rule


def items(schema, required=False, minlength=None, maxlength=None):
    rule = dict(type="list", required=required, schema=schema)
    if minlength is not None:
        rule["minlength"] = minlength
    if maxlength is not None:
        rule["maxlength"] = maxlength
    return rule


def record(fields, required=False):
    return dict(type="dict", required=required, schema=fields)


def texts(required=False, minlength=None):
    return items(text(), required, minlength)


def date_struct(required=False):
    return record({
        "date": text(True, regex=PARTIAL_DATE_RE),
        "type": code(codes.DATE_TYPE, True),
    }, required)



PERSON = {
    "id": ident(),
    "first_name": text(),
    "middle_name": text(),
    "last_name": text(True),
    "degrees": text(),
    "title": staff(),
    "affiliation": text(),
    "role": staff(),
    "phone": text(),
    "phone_ext": text(),
    "email": text(regex=EMAIL_RE),
}

ADDRESS = record({
    "street": text(),
    "postcode": text(),
    "city": text(True),
    "state": text(),
    "country": text(True),
})

CONTACT = record({
    "name": staff(True),
    "phone": text(),
    "email": text(regex=EMAIL_RE),
    "hours": loc(),
    "address": ADDRESS,
})

OUTCOME = record({
    "id": ident(False),
    "measure": text(True),
    "description": md(),
    "time_frame": text(),
    "objective": ident(False),
})

CRITERION = record({
    "id": ident(),
    "text": text(True),
    "lay": loc(),
})

SCHEMA = {
    # ---- the protocol itself ---------------------------------------------
    "protocol": record({
        "title": text(True),
        "version": text(True),
        "version_date": text(True, regex=DATE_RE),
        "status": code(codes.PROTOCOL_STATUS, True),
        "languages": items(code(codes.LANGUAGES), True, 1),
        "documents": items(code({d: d for d in documents.NAMES}), True, 1),
        "amendments": items(record({
            "version": text(True),
            "date": text(True, regex=DATE_RE),
            "summary": staff(True),
        })),
        # Dotted paths of content invented for an example, not the sponsor's
        # (``consent``, ``sites.*.address``, ``identification.official_title``;
        # a list item is named by its id or ``*``). Documents built from such
        # content carry the notice below.
        "illustrative": texts(),
        "illustrative_notice": loc(),
        # Set by ``trialdocs import-ctgov``: where the protocol came from and what
        # the registry record, as registered, lacks of what PRS requires today.
        # ``known_gaps`` holds dotted paths (``*`` = every item, as in
        # ``illustrative``); the registry checker reports a problem at such a path
        # as a warning, not an error, naming the record. ``inferred`` lists what
        # the import had to fill in because the schema needs it.
        "imported": record({
            "source": text(True),
            "record": text(True),
            "record_date": text(regex=DATE_RE),
            "known_gaps": texts(),
            "inferred": texts(),
        }),
    }, True),

    # ---- ClinicalTrials.gov protocol section, module by module ----------
    "identification": record({
        "org_study_id": text(True),
        "org_name": text(),
        "nct_id": text(regex=r"^NCT\d{8}$"),
        "secondary_ids": items(record({
            "id": text(True),
            "type": code(codes.SECONDARY_ID_TYPE),
            "domain": text(),
            "link": text(),
        })),
        "brief_title": text(True),
        "official_title": text(),
        "acronym": text(),
    }, True),
    "status": record({
        "verified_date": text(True, regex=MONTH_RE),
        "overall_status": code(dict(codes.STATUS, **codes.DERIVED_STATUS), True),
        "why_stopped": md(),
        "delayed_posting": flag(),
        "has_expanded_access": flag(),
        "expanded_access_nct_id": text(regex=r"^NCT\d{8}$"),
        "start_date": date_struct(True),
        "primary_completion_date": date_struct(),
        "completion_date": date_struct(),
    }, True),
    "sponsors": record({
        "lead": record({"name": text(True), "class": code(codes.AGENCY_CLASS)}, True),
        "collaborators": items(record({"name": text(True),
                                       "class": code(codes.AGENCY_CLASS)})),
        "responsible_party": record({
            "type": code(codes.RESPONSIBLE_PARTY, True),
            "investigator": text(),
            "investigator_title": text(),
            "investigator_affiliation": text(),
            "old_name_title": text(),
            "old_organization": text(),
        }),
        "address": ADDRESS,
        "contact": CONTACT,
    }, True),
    "oversight": record({
        "has_dmc": flag(),
        "is_fda_regulated_drug": flag(),
        "is_fda_regulated_device": flag(),
        "is_unapproved_device": flag(),
        "is_ppsd": flag(),
        "is_us_export": flag(),
    }),
    "description": record({
        "brief_summary": md(True),
        "detailed_description": md(),
    }, True),
    "conditions": record({
        "conditions": texts(True, 1),
        "keywords": texts(),
    }, True),
    "design": record({
        "study_type": code(codes.STUDY_TYPE, True),
        "phases": items(code(codes.PHASE)),
        "primary_purpose": code(codes.PRIMARY_PURPOSE),
        "allocation": code(codes.ALLOCATION),
        "intervention_model": code(codes.INTERVENTION_MODEL),
        "intervention_model_description": md(),
        "masking": code(codes.MASKING),
        "who_masked": items(code(codes.WHO_MASKED)),
        "masking_description": md(),
        "enrollment": record({
            "count": integer(True, 0),
            "type": code(codes.DATE_TYPE),
        }),
        # observational and expanded-access designs (v2 designModule)
        "observational_model": code(codes.OBSERVATIONAL_MODEL),
        "time_perspective": code(codes.TIME_PERSPECTIVE),
        "bio_spec": record({
            "retention": code(codes.BIO_SPEC_RETENTION),
            "description": md(),
        }),
        "patient_registry": flag(),
        "target_duration": text(),
        "expanded_access_types": record({
            "individual": flag(), "intermediate": flag(), "treatment": flag(),
        }),
    }, True),
    "arms": items(record({
        "id": ident(),
        "label": text(True),
        "type": code(codes.ARM_TYPE),
        "description": md(),
        "interventions": items(ident()),
        "lay": loc_md(),
    })),
    "interventions": items(record({
        "id": ident(),
        "type": code(codes.INTERVENTION_TYPE, True),
        "name": text(True),
        "description": md(),
        "other_names": texts(),
        "investigational": flag(),
        "lay": loc_md(),
        # site manual: handling of the product (site-manual.md §4)
        "product": staff(),
        "preparation": staff(markdown=True),
        "dose": staff(),
        "route": staff(),
        "course": staff(markdown=True),
        "storage": staff(markdown=True),
        "accountability": staff(markdown=True),
    })),
    "objectives": items(record({
        "id": ident(),
        "level": code({"primary": 1, "secondary": 2, "exploratory": 3}, True),
        "text": staff(True),
        "lay": loc(),
    })),
    "outcomes": record({
        "primary": items(OUTCOME),
        "secondary": items(OUTCOME),
        "other": items(OUTCOME),
    }),
    "eligibility": record({
        "sex": code(codes.SEX, True),
        "gender_based": flag(),
        "gender_description": md(),
        "minimum_age": text(regex=AGE_RE),
        "maximum_age": text(regex=AGE_RE),
        "healthy_volunteers": flag(True),
        "inclusion": items(CRITERION),
        "exclusion": items(CRITERION),
        "criteria_markdown": md(),
        "study_population": md(),
        "sampling_method": text(),
    }, True),
    "people": items(record(PERSON)),
    "officials": items(record({
        "person": ident(),
        "role": code(codes.OFFICIAL_ROLE, True),
        "affiliation": text(),
    })),
    "central_contacts": items(record({
        "person": ident(),
        "role": code(codes.CONTACT_ROLE),
    })),
    "sites": items(record({
        "id": ident(),
        "facility": text(),
        "city": text(),
        "state": text(),
        "zip": text(),
        "country": text(),
        "status": code(codes.SITE_STATUS),
        "name": staff(),
        "department": staff(),
        "address": ADDRESS,
        "investigator": ident(False),
        "contacts": items(record({
            "person": ident(),
            "role": code(codes.CONTACT_ROLE),
        })),
        "phone": text(),
        "emergency_phone": text(),
        "email": text(regex=EMAIL_RE),
        "pharmacy": CONTACT,
    })),
    "references": items(record({
        "pmid": text(regex=r"^\d+$"),
        "type": code(codes.REFERENCE_TYPE),
        "citation": text(True),
    })),
    "see_also_links": items(record({"url": text(True), "label": text()})),
    "avail_ipds": items(record({
        "id": text(), "type": text(), "url": text(), "comment": text(),
    })),
    "ipd_sharing": record({
        "sharing": code(codes.IPD_SHARING, True),
        "description": md(),
        "info_types": items(code(codes.IPD_INFO_TYPE)),
        "time_frame": md(),
        "access_criteria": md(),
        "url": text(),
    }),

    # ---- regulatory frame (decides which consent rules apply) -----------
    "regulatory": record({
        "regimes": items(code(codes.REGIMES), True, 1),
        "us_fda_applicable_clinical_trial": flag(),
        "riph_category": integer(min=1),
        "eu_ct_number": text(),
        "id_rcb": text(),
        "approvals": record({
            "ethics": record({"committee": text(True), "date": text(True, regex=DATE_RE),
                              "reference": text(),}),
            "competent_authority": record({"name": text(True),
                                           "date": text(True, regex=DATE_RE),
                                           "reference": text(),}),
        }),
        "insurance": record({
            "insurer": text(True),
            "policy_number": text(True),
            "address": ADDRESS,
        }),
    }),

    # ---- consent documents (patient-facing, one text per language) ------
    "consent": record({
        "version": text(True),
        "version_date": text(True, regex=DATE_RE),
        "initials_every_page": flag(),
        "allow_witness": flag(),
        "includes_incapacitated": flag(),
        "interviewer_role": loc(),
        "reflection_time": loc(),
        "title": loc(),
        "key_information": loc_md(),
        "why": loc_md(),
        "purpose": loc_md(),
        "method": loc_md(),
        "procedures": loc_md(),
        "invasive_procedures": loc_md(),
        "duration": loc(),
        "obligations": items(loc()),
        "risks": items(record({"text": loc_md(True), "frequency": loc(),})),
        "pregnancy_risks": loc_md(),
        "benefits": loc_md(),
        "alternatives": loc_md(),
        "after_trial": loc_md(),
        "termination": loc_md(),
        "withdrawal": loc_md(),
        "confidentiality": loc_md(),
        "data_protection": record({
            "controller": loc(True),
            "dpo_contact": text(True),
            "legal_basis": loc(True),
            "recipients": loc(True),
            "retention": loc(True),
            "transfers_outside_eu": loc(),
            "reference_methodology": text(),
            "supervisory_authority": text(True),
            "on_withdrawal": loc(True),
        }),
        "costs": loc(),
        "compensation": loc(),
        "injury": loc_md(),
        "results": loc_md(),
        "exclusion_period": loc(),
        "national_file_registration": flag(),
        "emergency_phone": text(),
        "rights_office": CONTACT,
        "optional": items(record({
            "id": ident(),
            "question": loc(True),
            "explanation": loc_md(),
        })),
        "copies": loc(),
        # US Common Rule elements (46.116(b)(9), (c)(7)-(9)); checked only under us_common_rule
        "biospecimens": flag(),
        "future_use": loc_md(),
        "commercial_use": loc_md(),
        "results_return": loc_md(),
        "wgs": loc_md(),
        "readability": record({
            "en": record({"fkgl_max": dict(type="number"), "fre_min": dict(type="number")}),
            "fr": record({"km_min": dict(type="number")}),
        }),
    }),

    # ---- site manual (staff-facing) --------------------------------------
    "site_manual": record({
        "version": text(True),
        "version_date": text(True, regex=DATE_RE),
        "languages": items(code(codes.LANGUAGES), minlength=1),
        "purpose": staff(markdown=True),
        "consent_procedure": staff(markdown=True),
        "enrolment": staff(markdown=True),
        "concomitant": staff(markdown=True),
        "discontinuation": staff(markdown=True),
        "data_management": staff(markdown=True),
        "monitoring": staff(markdown=True),
        "closeout": staff(markdown=True),
    }),
    # ---- the protocol document (ICH M11) ---------------------------------
    # Estimands, named as USDM v4's Estimand and IntercurrentEvent so a USDM
    # export maps them one to one: variable_of_interest is the endpoint
    # (an outcome id), interventions the treatment (intervention ids).
    "estimands": items(record({
        "id": ident(),
        "objective": ident(),
        "name": text(),
        "label": staff(),
        "description": staff(markdown=True),
        "analysis_population": staff(True),
        "interventions": items(ident()),
        "treatment": staff(),
        "variable_of_interest": ident(),
        "population_summary": staff(True),
        "intercurrent_events": items(record({
            "name": staff(True),
            "description": staff(),
            "strategy": staff(True),
        })),
    })),
    "protocol_document": record({
        "languages": items(code(codes.LANGUAGES), minlength=1),
        "short_title": staff(),
        "confidentiality": staff(),
        "sponsor_approval": staff(True),
        "signatory": staff(markdown=True),
        "medical_expert": staff(markdown=True),
        "product_codes": texts(),
        "overall_design": record({
            "population_type": staff(),
            "control_type": staff(),
            "control_description": staff(),
            "site_distribution": staff(),
            "geographic_scope": staff(),
            "master_protocol": flag(),
            "combination_product": flag(),
            "adaptive_design": flag(),
            "stratification": flag(),
            "intervention_duration": staff(),
            "participation_duration": staff(),
            "duration_description": staff(markdown=True),
            "committees": staff(),
        }),
        # One Markdown field per M11 section (trialdocs.m11: every numbered
        # heading has a key); a section that does not apply is named in
        # not_applicable and prints "Not applicable".
        "sections": record({h.key: staff(markdown=True) for h in m11.HEADINGS}),
        "not_applicable": items(code({k: k for k in m11.FRONT_TEXT + [h.key for h in m11.HEADINGS]})),
    }),
    "schedule": record({
        "reference_point": staff(),
        "epochs": items(record({"id": ident(), "name": staff(True)}), minlength=1),
        "visits": items(record({
            "id": ident(),
            "name": staff(True),
            "lay_name": loc(),
            "epoch": ident(),
            "day": integer(),
            "day_range": items(dict(type="integer"), minlength=2, maxlength=2),
            "window": items(dict(type="integer"), minlength=2, maxlength=2),
            "repeat": staff(),
        }), minlength=1),
        "procedures": items(record({
            "id": ident(),
            "name": staff(True),
            "lay_name": loc(),
            "group": code({g: g for g in ("enrolment", "intervention", "efficacy", "safety",
                                          "biomarker", "other")}, True),
            "visits": items(ident(), True, 1),
            "research_only": flag(),
            "invasive": flag(),
            "footnote": ident(False),
        }), minlength=1),
        "footnotes": dict(type="dict", keysrules=dict(type="string", regex=ID_RE),
                          valuesrules=staff(True)),
    }),
    "safety": record({
        "ae_definition": staff(True, markdown=True),
        "sae_criteria": items(staff(), minlength=1),
        "grading": staff(),
        "collection_period": staff(),
        "reporting": items(record({
            "event": staff(True),
            "to": staff(True),
            "deadline": staff(True),
            "form": staff(),
        }), minlength=1),
        "pregnancy": record({
            "reporting": staff(True),
            "follow_up_until": staff(True),
            "form": staff(),
        }),
        "vigilance_contact": CONTACT,
    }),
}
