"""What ``trialdocs init`` writes: a starter protocol as data tables.

A starter is the same for every trial except where the user's choices
differ, and each choice is a table here, not a branch in code:

- ``DESIGNS``: one entry per design (its ``design`` block, arms,
  interventions and the design-specific notes of the consent and the site
  manual);
- ``REGIME_SETS``: named sets of regimes (``--regimes us``), and
  ``REGIME_BLOCKS``: what a declared regime adds (approvals, insurance, the
  GDPR data-protection block, the US Common Rule consent elements);
- the languages come from ``placeholders.WORDS``: every patient or staff text
  is a ``Say`` with one note per language.

Text the user must write is a ``Say`` (one placeholder per language) or a
``Text`` (one English placeholder, for registry fields); an invented value
that cannot hold words is an ``Invented`` value, written with a
``# PLACEHOLDER:`` comment. Contacts are fictional (example.org). The blocks
below are grouped by the file they go to, as in the worked example.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import m11


@dataclass(frozen=True)
class Say:
    """A text to write in each protocol language: what it should say, per language."""

    en: str
    fr: str


@dataclass(frozen=True)
class Text:
    """A one-language (English) text to write: registry and identification fields."""

    what: str


@dataclass(frozen=True)
class Local:
    """Variants of registry texts for the protocol's other languages (``local.<lang>``),
    written only for the languages chosen: a placebo is 'Placebo' in French too."""

    texts: tuple  # ((lang, {field: text}), ...)


@dataclass(frozen=True)
class Invented:
    """A valid but invented value (date, number, code, e-mail), marked by a comment."""

    value: object
    what: str


@dataclass(frozen=True)
class Today:
    """Today's date (``day``) or month (``month``): true, not invented."""

    unit: str = "day"


# -- choices -------------------------------------------------------------------------

REGIME_SETS = {
    "ich": ["ich_e6r3"],
    "us": ["us_common_rule", "us_fda", "us_hipaa"],
    "eu": ["ich_e6r3", "eu_ctr", "gdpr"],
    "fr": ["ich_e6r3", "eu_ctr", "fr_csp", "gdpr"],
}
DEFAULT_REGIME_SET = "ich"

PLACEBO_INTERVENTION = {
    "id": "placebo",
    "type": "DRUG",
    "name": "Placebo",
    "local": Local((("fr", {"name": "Placebo"}),)),
    "description": Text("the placebo: what it looks like and how it matches the study drug"),
    "investigational": True,
    "lay": Say("what a placebo is, in plain words (it looks like the study drug but has no medicine in it)",
               "ce qu'est un placebo, en mots simples (il ressemble au médicament de l'étude "
               "mais ne contient pas de médicament)"),
    # handled like the study drug, so that the blind holds at the pharmacy too
    "product": Say("placebo as supplied (identical in look and packaging to the study drug)",
                   "placebo tel que fourni (identique d'aspect et de conditionnement au "
                   "médicament de l'étude)"),
    "preparation": Say("how to prepare it (as the study drug)", "comment le préparer (comme le médicament)"),
    "dose": Say("dose and frequency (as the study drug)", "dose et fréquence (comme le médicament)"),
    "route": Say("route of administration", "voie d'administration"),
    "course": Say("how long and how often it is given", "durée et rythme d'administration"),
    "storage": Say("storage conditions", "conditions de conservation"),
    "accountability": Say("how kits are received, dispensed, returned and counted without "
                          "breaking the blind", "comment les kits sont reçus, dispensés, retournés "
                          "et comptés sans lever l'aveugle"),
}

DESIGNS = {
    "single-arm-open": {
        "help": "single-arm, open-label",
        "design": {
            "allocation": "NA",
            "intervention_model": "SINGLE_GROUP",
            "masking": "NONE",
        },
        "arms": [{
            "id": "treatment",
            "label": Text("name of the study arm"),
            "type": "EXPERIMENTAL",
            "description": Text("what participants of this arm receive, how and for how long"),
            "interventions": ["study-drug"],
            "lay": Say("the treatment every participant gets, in plain words",
                       "le traitement que reçoit chaque participant, en mots simples"),
        }],
        "extra_interventions": [],
        "method": Say("how the study works: every participant gets the same treatment, and "
                      "both the participant and the doctor know which one (open-label)",
                      "comment se déroule l'étude : chaque participant reçoit le même "
                      "traitement, et le participant comme le médecin savent lequel (ouvert)"),
        "enrolment": Say("how to enrol a participant (single arm: no randomisation)",
                         "comment inclure un participant (un seul bras : pas de tirage au sort)"),
    },
    "randomized-placebo-blinded": {
        "help": "randomized, placebo-controlled, double-blind (participant and investigator)",
        "design": {
            "allocation": "RANDOMIZED",
            "intervention_model": "PARALLEL",
            "masking": "DOUBLE",
            "who_masked": ["PARTICIPANT", "INVESTIGATOR"],
        },
        "arms": [{
            "id": "treatment",
            "label": Text("name of the study drug arm"),
            "type": "EXPERIMENTAL",
            "description": Text("what participants of this arm receive, how and for how long"),
            "interventions": ["study-drug"],
            "lay": Say("the study drug group, in plain words",
                       "le groupe qui reçoit le médicament de l'étude, en mots simples"),
            "allocation_ratio": Invented(1, "this arm's share of the allocation (1 and 1: "
                                            "1 chance in 2)"),
        }, {
            "id": "placebo",
            "label": Text("name of the placebo arm"),
            "type": "PLACEBO_COMPARATOR",
            "description": Text("what participants of the placebo arm receive"),
            "interventions": ["placebo"],
            "lay": Say("the placebo group, in plain words",
                       "le groupe qui reçoit le placebo, en mots simples"),
            "allocation_ratio": Invented(1, "this arm's share of the allocation"),
        }],
        "extra_interventions": [PLACEBO_INTERVENTION],
        # the form itself adds the chance of each group (from allocation_ratio), what a
        # placebo is, who is blinded and emergency unblinding (trialdocs.designs)
        "method": Say("how the study works, in plain words (the form adds the chance of each "
                      "group, what a placebo is and who does not know the group)",
                      "comment se déroule l'étude, en mots simples (le document ajoute la chance "
                      "d'être dans chaque groupe, ce qu'est un placebo et qui ne connaît pas le "
                      "groupe)"),
        "enrolment": Say("how to screen and enrol a participant",
                         "comment sélectionner et inclure un participant"),
        "randomization": Say("how to randomise a participant (randomisation system, kit numbers)",
                             "comment randomiser un participant (système de randomisation, "
                             "numéros de kit)"),
        "unblinding": Say("how to break the blind for one participant in an emergency",
                          "comment lever l'aveugle pour un participant en urgence"),
    },
}
DEFAULT_DESIGN = "single-arm-open"


# -- trial.yaml ----------------------------------------------------------------------

TRIAL = {
    "protocol": {
        "title": Text("full title of the protocol"),
        "version": "0.1",
        "version_date": Today(),
        "status": "draft",
        # languages and documents are filled in from the choices
    },
    "identification": {
        "org_study_id": Text("protocol number"),
        "brief_title": Text("brief title, in plain English"),
        "official_title": Text("official title, as in the protocol"),
    },
    "status": {
        "verified_date": Today("month"),
        "overall_status": "NOT_YET_RECRUITING",
        "start_date": {"date": Invented("2027-01", "planned start month"), "type": "ESTIMATED"},
        "primary_completion_date": {"date": Invented("2029-01", "planned primary completion month"),
                                    "type": "ESTIMATED"},
        "completion_date": {"date": Invented("2029-06", "planned completion month"),
                            "type": "ESTIMATED"},
    },
    "sponsors": {
        "lead": {"name": Text("name of the sponsor"),
                 "class": Invented("OTHER", "sponsor class: INDUSTRY, NIH, FED, OTHER_GOV or OTHER")},
        "responsible_party": {"type": "SPONSOR"},
        "address": {"street": Text("sponsor's street address"),
                    "city": Text("sponsor's city"), "country": Text("sponsor's country")},
        "contact": {
            "name": Say("sponsor's department in charge of the study",
                        "service du promoteur chargé de l'étude"),
            "phone": Text("sponsor's phone number"),
            "email": Invented("sponsor@example.org", "sponsor's e-mail address"),
        },
    },
    "oversight": {
        "has_dmc": Invented(False, "whether a data monitoring committee oversees the study"),
        "is_fda_regulated_drug": Invented(False, "whether the study drug is regulated by the US FDA"),
        "is_fda_regulated_device": False,
    },
    "description": {
        "brief_summary": Text("short summary of the study, for the public"),
    },
    "conditions": {"conditions": [Text("condition or disease studied")]},
    "design": {
        "study_type": "INTERVENTIONAL",
        "phases": Invented(["PHASE2"], "phase(s): EARLY_PHASE1, PHASE1, PHASE2, PHASE3, PHASE4 or NA"),
        "primary_purpose": "TREATMENT",
        # allocation, model and masking come from the design
        "enrollment": {"count": Invented(100, "planned number of participants"),
                       "type": "ESTIMATED"},
    },
    # arms come from the design
    "interventions": [{
        "id": "study-drug",
        "type": "DRUG",
        "name": Text("name of the study drug"),
        "description": Text("the study drug, its dose and schedule"),
        "investigational": True,
        "lay": Say("the study drug in plain words, and whether it is approved",
                   "le médicament de l'étude en mots simples, et s'il est autorisé"),
        "product": Say("product as supplied (form, strength, packaging, label)",
                       "produit tel que fourni (forme, dosage, conditionnement, étiquette)"),
        "preparation": Say("how to prepare the product", "comment préparer le produit"),
        "dose": Say("dose and frequency", "dose et fréquence"),
        "route": Say("route of administration", "voie d'administration"),
        "course": Say("how long and how often the product is given",
                      "durée et rythme d'administration"),
        "storage": Say("storage conditions", "conditions de conservation"),
        "accountability": Say("how the product is received, dispensed, returned and counted",
                              "comment le produit est reçu, dispensé, retourné et compté"),
    }],
    "objectives": [{
        "id": "primary",
        "level": "primary",
        "text": Say("the primary objective", "l'objectif principal"),
        "lay": Say("the primary objective in plain words", "l'objectif principal en mots simples"),
    }],
    "outcomes": {"primary": [{
        "id": "primary-outcome",
        "measure": Text("primary outcome measure"),
        "time_frame": Text("when the primary outcome is measured"),
        "objective": "primary",
    }]},
    "eligibility": {
        "sex": Invented("ALL", "sex of participants: ALL, FEMALE or MALE"),
        "minimum_age": Invented("18 Years", "minimum age"),
        "healthy_volunteers": False,
        "inclusion": [{"id": "I1", "text": Text("first inclusion criterion"),
                       "lay": Say("first inclusion criterion, in plain words",
                                  "premier critère d'inclusion, en mots simples")}],
        "exclusion": [{"id": "E1", "text": Text("first exclusion criterion"),
                       "lay": Say("first exclusion criterion, in plain words",
                                  "premier critère de non-inclusion, en mots simples")}],
    },
    "ipd_sharing": {"sharing": Invented("UNDECIDED", "plan to share individual data: YES, NO or UNDECIDED")},
    "regulatory": {
        # regimes come from the choices; REGIME_BLOCKS adds what each one needs
        "us_fda_applicable_clinical_trial": Invented(False, "whether the study is an FDA applicable clinical trial"),
    },
}

# -- people.yaml ---------------------------------------------------------------------

PEOPLE = {
    "people": [{
        "id": "coordinator",
        "honorific": Invented("Dr", "honorific written before the name: Pr, Dr, or remove the line"),
        "first_name": Text("given name of the coordinating investigator"),
        "last_name": Text("family name of the coordinating investigator"),
        "degrees": Text("degrees written after the name, e.g. MD, PhD"),
        "affiliation": Text("institution of the coordinating investigator"),
        "title": Say("role in the study", "rôle dans l'étude"),
        "phone": Text("phone number"),
        "email": Invented("coordinator@example.org", "e-mail address"),
    }],
    "officials": [{"person": "coordinator", "role": "PRINCIPAL_INVESTIGATOR",
                   "affiliation": Text("institution of the coordinating investigator")}],
    "central_contacts": [{"person": "coordinator", "role": "CONTACT"}],
    "sites": [{
        "id": "site-1",
        "facility": Text("name of the first site, as registered"),
        "city": Text("city of the site"),
        "country": Text("country of the site"),
        "name": Say("name of the first site", "nom du premier centre"),
        "department": Say("department running the study", "service qui conduit l'étude"),
        "address": {"street": Text("street address of the site"), "postcode": Text("postcode"),
                    "city": Text("city"), "country": Text("country")},
        "investigator": "coordinator",
        "phone": Text("phone number of the study team"),
        "emergency_phone": Text("phone number to call at any time, day and night"),
        "email": Invented("site-1@example.org", "e-mail address of the study team"),
        "pharmacy": {
            "name": Say("pharmacy that handles the study drug",
                        "pharmacie qui gère le médicament de l'étude"),
            "phone": Text("pharmacy phone number"),
            "email": Invented("pharmacy-1@example.org", "pharmacy e-mail address"),
        },
    }],
}

# -- patient.yaml --------------------------------------------------------------------

CONSENT = {
    "consent": {
        "version": "0.1",
        "version_date": Today(),
        "initials_every_page": False,
        "allow_witness": Invented(True, "whether an impartial witness may sign for a participant who cannot read"),
        "includes_incapacitated": Invented(False, "whether adults unable to consent may take part"),
        "interviewer_role": Say("who explains the study to the participant",
                                "qui explique l'étude au participant"),
        "reflection_time": Say("how much time the participant has to decide",
                               "de combien de temps le participant dispose pour décider"),
        "title": Say("title of the study in plain words", "titre de l'étude en mots simples"),
        "key_information": Say("the key facts a person needs to decide, in a short list",
                               "l'essentiel pour décider, en une courte liste"),
        "why": Say("why this research is done, and that it is research",
                   "pourquoi cette recherche est faite, et qu'il s'agit d'une recherche"),
        "why_you": Say("why this person is invited: what makes them a candidate",
                       "pourquoi on propose cette recherche à cette personne"),
        "purpose": Say("what the study wants to find out", "ce que l'étude veut savoir"),
        # method comes from the design
        "procedures": Say("what happens at each visit", "ce qui se passe à chaque visite"),
        "invasive_procedures": Say("procedures that go through the skin (shots, blood tests)",
                                   "les gestes qui passent par la peau (piqûres, prises de sang)"),
        "duration": Say("how long the participant is in the study",
                        "combien de temps dure la participation"),
        "obligations": [Say("what the participant must do", "ce que le participant doit faire")],
        "risks": [{"text": Say("a risk or side effect", "un risque ou effet indésirable"),
                   "frequency": Say("how often it happens", "à quelle fréquence")}],
        "pregnancy_risks": Say("risks for a pregnancy or an unborn baby, and unknown risks",
                               "les risques pour une grossesse ou un enfant à naître, et les "
                               "risques inconnus"),
        "benefits": Say("expected benefits, or that there may be none",
                        "les bénéfices attendus, ou qu'il peut n'y en avoir aucun"),
        "alternatives": Say("other choices the participant has", "les autres choix possibles"),
        "after_trial": Say("care after the study, or if it stops early",
                           "les soins après l'étude, ou si elle s'arrête plus tôt"),
        "termination": Say("when the study doctor or sponsor may end participation",
                           "quand le médecin ou le promoteur peut arrêter la participation"),
        "withdrawal": Say("how to leave the study and what happens then",
                          "comment quitter l'étude et ce qui se passe alors"),
        "confidentiality": Say("who may see the participant's records, and how they are protected",
                               "qui peut voir le dossier du participant, et comment il est protégé"),
        "costs": Say("costs to the participant, or that there are none",
                     "les frais pour le participant, ou qu'il n'y en a pas"),
        "compensation": Say("payment for taking part, or that there is none",
                            "l'indemnisation pour la participation, ou qu'il n'y en a pas"),
        "injury": Say("what happens if the study causes harm",
                      "ce qui se passe si l'étude cause un dommage"),
        "results": Say("how the participant can learn the results",
                       "comment le participant peut connaître les résultats"),
        "emergency_phone": Text("phone number for emergencies, day and night"),
        "rights_office": {
            "name": Say("office to contact about participants' rights",
                        "service à contacter pour les droits des participants"),
            "phone": Text("phone number of that office"),
            "email": Invented("rights@example.org", "e-mail address of that office"),
        },
        "optional": [],  # optional parts (sample storage, future contact): none yet
        "copies": Say("that the participant gets a copy of the signed form",
                      "que le participant reçoit une copie du formulaire signé"),
    },
}

# What a declared regime adds, merged into the blocks above (path -> value).
# Nothing is given to every regime: the consent template reads a regime's
# fields only when it is declared (trialdocs.regimes).
DATA_PROTECTION = {
    "controller": Say("who is in charge of the participant's data",
                      "qui est responsable des données du participant"),
    "dpo_contact": Invented("dpo@example.org", "data protection officer's e-mail address"),
    "legal_basis": Say("the legal basis for using the data", "la base légale du traitement"),
    "recipients": Say("who receives the data", "qui reçoit les données"),
    "retention": Say("how long the data are kept", "combien de temps les données sont gardées"),
    "transfers_outside_eu": Say("whether data leave the European Union",
                                "si les données quittent l'Union européenne"),
    "reference_methodology": Text("reference methodology, if any (France: e.g. MR-001)"),
    "supervisory_authority": Text("data protection authority"),
    "on_withdrawal": Say("what happens to the data if the participant leaves",
                         "ce que deviennent les données si le participant quitte l'étude"),
}
HIPAA = {
    "combined": Invented(True, "whether the authorization is signed on the consent form "
                               "(its own signature block) rather than on a separate form"),
    "information": Say("what health information is used or shared",
                       "quelles informations de santé sont utilisées ou partagées"),
    "disclosers": Say("who may share it", "qui peut les partager"),
    "recipients": Say("who may receive it", "qui peut les recevoir"),
    "purpose": Say("what it is used for", "à quoi elles servent"),
    "expiry": Say("when the authorization ends, or 'none'",
                  "quand l'autorisation prend fin, ou « aucune date »"),
    "revoke_to": Say("to whom the participant writes to take the authorization back",
                     "à qui écrire pour retirer l'autorisation"),
}
REGIME_BLOCKS = {
    "any": {},
    "ich_e6r2": {
        ("consent", "data_protection"): DATA_PROTECTION,
    },
    "ich_e6r3": {
        ("consent", "data_protection"): DATA_PROTECTION,
    },
    "eu_ctd": {
        ("regulatory", "eu_ct_number"): Text("EudraCT number"),
        ("consent", "data_protection"): DATA_PROTECTION,
    },
    "eu_ctr": {
        ("regulatory", "eu_ct_number"): Text("EU CT number"),
        ("consent", "data_protection"): DATA_PROTECTION,
    },
    "gdpr": {
        ("consent", "data_protection"): DATA_PROTECTION,
    },
    "fr_csp": {
        ("consent", "data_protection"): DATA_PROTECTION,
        ("consent", "exclusion_period"): Say("whether the participant may take part in other "
                                             "research during or after the study",
                                             "si le participant peut participer à d'autres "
                                             "recherches pendant ou après l'étude"),
        ("regulatory", "riph_category"): Invented(1, "category of research (RIPH 1, 2 or 3)"),
        ("regulatory", "id_rcb"): Text("ID-RCB number"),
        ("regulatory", "approvals"): {
            "ethics": {"committee": Text("ethics committee (CPP)"),
                       "date": Invented("2027-01-01", "date of its favourable opinion")},
            "competent_authority": {"name": Text("competent authority (ANSM)"),
                                    "date": Invented("2027-01-01", "date of its authorisation")},
        },
        ("regulatory", "insurance"): {"insurer": Text("insurer"),
                                      "policy_number": Text("insurance policy number")},
        ("consent", "national_file_registration"): Invented(True, "whether participants are "
                                                            "entered in the national volunteers file"),
        ("consent", "initials_every_page"): True,
    },
    "us_common_rule": {
        ("regulatory", "approvals"): {
            "ethics": {"committee": Text("IRB"),
                       "date": Invented("2027-01-01", "date of IRB approval")},
        },
        ("consent", "future_use"): Say("whether the participant's data or samples may be used "
                                       "for future research once identifiers are removed",
                                       "si les données ou échantillons pourront servir à de "
                                       "futures recherches une fois anonymisés"),
        ("consent", "results_return"): Say("whether clinically relevant results will be given "
                                           "back to the participant",
                                           "si les résultats utiles pour la santé seront "
                                           "communiqués au participant"),
        ("consent", "genetic_testing"): Invented(False, "whether the study does genetic testing "
                                                 "(true adds the GINA statement)"),
    },
    "us_hipaa": {
        ("consent", "hipaa"): HIPAA,
    },
    "us_fda": {
        ("oversight", "is_fda_regulated_drug"): Invented(True, "whether the study drug is regulated by the US FDA"),
        ("oversight", "is_us_export"): Invented(False, "whether the product is made in and "
                                                "exported from the US"),
    },
}

# -- conduct.yaml --------------------------------------------------------------------

CONDUCT = {
    "site_manual": {
        "version": "0.1",
        "version_date": Today(),
        "purpose": Say("who this manual is for and how to use it",
                       "à qui s'adresse ce manuel et comment l'utiliser"),
        "consent_procedure": Say("how consent is obtained and recorded",
                                 "comment le consentement est recueilli et noté"),
        # enrolment comes from the design
        "concomitant": Say("medicines allowed and forbidden during the study",
                           "médicaments autorisés et interdits pendant l'étude"),
        "discontinuation": Say("when to stop the study drug, withdrawal, lost to follow-up",
                               "quand arrêter le traitement, retrait, perdu de vue"),
        "data_management": Say("source documents, data entry, samples",
                               "documents source, saisie des données, prélèvements"),
        "monitoring": Say("monitoring visits and protocol deviations",
                          "visites de monitorage et écarts au protocole"),
        "closeout": Say("end of study and archiving", "fin d'étude et archivage"),
        # the contact directory's laboratories: where samples go and how
        "laboratories": [{
            "id": "central-lab",
            "name": Say("the laboratory samples are sent to", "le laboratoire qui reçoit les prélèvements"),
            "role": Say("what it does for the study (central laboratory, biobank)",
                        "son rôle dans l'étude (laboratoire central, biobanque)"),
            "phone": Text("phone number of the laboratory"),
            "email": Invented("central-lab@example.org", "e-mail address of the laboratory"),
            "samples": [{
                "what": Say("what is sent: sample, tube and volume", "ce qui est envoyé : prélèvement, tube et volume"),
                "shipping": Say("how to ship it: temperature, time limit, carrier, form",
                                "comment l'envoyer : température, délai, transporteur, bordereau"),
            }],
        }],
    },
    "schedule": {
        "reference_point": Say("what day 1 is (e.g. the first dose)",
                               "ce qu'est le jour 1 (par exemple la première dose)"),
        "epochs": [{"id": "screening", "name": {"en": "Screening", "fr": "Sélection"}},
                   {"id": "treatment", "name": {"en": "Treatment", "fr": "Traitement"}},
                   {"id": "follow-up", "name": {"en": "Follow-up", "fr": "Suivi"}}],
        "visits": [
            {"id": "V0", "name": {"en": "Screening", "fr": "Sélection"},
             "lay_name": {"en": "Screening visit", "fr": "Visite de sélection"},
             "epoch": "screening", "day_range": Invented([-28, -1], "screening window (days)")},
            {"id": "V1", "name": {"en": "Day 1", "fr": "Jour 1"},
             "lay_name": {"en": "First treatment day", "fr": "Premier jour de traitement"},
             "epoch": "treatment", "day": 1, "window": [0, 0]},
            {"id": "V2", "name": {"en": "End of study", "fr": "Fin d'étude"},
             "lay_name": {"en": "Last visit", "fr": "Dernière visite"},
             "epoch": "follow-up", "day": Invented(90, "day of the last visit"),
             "window": Invented([-7, 7], "visit window (days before, after)")},
        ],
        "procedures": [
            {"id": "consent", "name": {"en": "Informed consent", "fr": "Consentement éclairé"},
             "lay_name": {"en": "You sign the consent form",
                          "fr": "Vous signez le formulaire de consentement"},
             "group": "enrolment", "visits": ["V0"]},
            {"id": "exam", "name": {"en": "Physical examination", "fr": "Examen clinique"},
             "lay_name": {"en": "Exam by the doctor", "fr": "Examen par le médecin"},
             "group": "safety", "visits": ["V0", "V1", "V2"]},
            {"id": "dosing", "name": Say("study drug administration", "administration du traitement"),
             "lay_name": Say("the study treatment, in plain words", "le traitement, en mots simples"),
             "group": "intervention", "visits": ["V1"], "research_only": True},
            {"id": "ae", "name": {"en": "Adverse event review",
                                  "fr": "Recueil des événements indésirables"},
             "lay_name": {"en": "Questions about side effects",
                          "fr": "Questions sur les effets indésirables"},
             "group": "safety", "visits": ["V1", "V2"], "research_only": True},
        ],
    },
    "safety": {
        "ae_definition": Say("definitions of adverse events and reactions used in this study",
                             "définitions des événements et effets indésirables de l'étude"),
        "sae_criteria": [
            {"en": "Results in death", "fr": "Entraîne la mort"},
            {"en": "Is life-threatening", "fr": "Met en jeu le pronostic vital"},
            {"en": "Requires inpatient hospitalisation or prolongation of an existing "
                   "hospitalisation", "fr": "Nécessite une hospitalisation ou prolonge une "
                                            "hospitalisation"},
            {"en": "Results in persistent or significant disability or incapacity",
             "fr": "Entraîne une invalidité ou une incapacité importante ou durable"},
            {"en": "Is a congenital anomaly or birth defect",
             "fr": "Se traduit par une anomalie ou une malformation congénitale"},
            {"en": "Is another medically important event, in the investigator's judgement",
             "fr": "Est un autre événement médicalement important, selon l'investigateur"},
        ],
        "grading": Say("grading scale (e.g. CTCAE version 5.0)",
                       "échelle de gravité (par exemple CTCAE version 5.0)"),
        "collection_period": Say("when adverse events are collected",
                                 "période de recueil des événements indésirables"),
        "reporting": [{
            "event": {"en": "Serious adverse event (SAE)", "fr": "Événement indésirable grave (EIG)"},
            "to": Say("who receives SAE reports", "qui reçoit les déclarations d'EIG"),
            "deadline": Say("deadline for reporting an SAE", "délai de déclaration d'un EIG"),
            "form": Say("form to use", "formulaire à utiliser"),
        }],
        "vigilance_contact": {
            "name": Say("sponsor's safety (vigilance) unit", "unité de vigilance du promoteur"),
            "phone": Text("phone number of the safety unit"),
            "email": Invented("safety@example.org", "e-mail address of the safety unit"),
        },
    },
}

# The protocol document (ICH M11): sections the starter's other blocks fill are
# left out; every other section gets a text to write.
FILLED_BY_DATA = ("synopsis", "trial_schema", "schedule_of_activities", "primary_objectives",
                  "design_description", "population_description", "inclusion", "exclusion",
                  "intervention_description", "administration", "handling", "assignment",
                  "concomitant", "intervention_discontinuation", "safety_definitions",
                  "safety_reporting", "informed_consent", "data_governance")
CONDUCT["estimands"] = [{
    "id": "primary-estimand",
    "objective": "primary",
    "analysis_population": Say("the population of the primary estimand",
                               "la population de l'estimand principal"),
    "variable_of_interest": "primary-outcome",
    "population_summary": Say("the population-level summary (e.g. difference in means)",
                              "le résumé au niveau de la population (ex. différence de moyennes)"),
}]
CONDUCT["protocol_document"] = {
    "sponsor_approval": Say("the date the sponsor approved this version, or where that is recorded",
                            "la date d'approbation de cette version par le promoteur, ou où elle "
                            "est consignée"),
    "signatory": Say("the sponsor signatory, or how the protocol was approved",
                     "le signataire du promoteur, ou comment le protocole a été approuvé"),
    "medical_expert": Say("the sponsor's medical expert and how to reach them",
                          "l'expert médical du promoteur et comment le joindre"),
    "sections": {h.key: Say(f"section {h.number} {h.title} (ICH M11)",
                            f"la section {h.number} du protocole (ICH M11)")
                 for h in m11.leaf_sections() if h.key not in FILLED_BY_DATA},
}

# File name -> (what it holds, the blocks it gets), in the order they are written.
FILES = {
    "trial.yaml": "the protocol and its registry content",
    "people.yaml": "people, study officials and sites",
    "patient.yaml": "the consent documents (information sheet and consent form)",
    "conduct.yaml": "site manual, schedule of activities, safety reporting and the protocol "
                    "document's texts",
}
