"""Funding and declared interests: declared once in the catalogue, shown in three documents.

sponsors.funding, sponsors.collaborators[].provides and sponsors.interests are
declared in schema.py with show= and label=, and reach the consent form and
the site manual with no code of their own; collaborators (the funders and
companies that provide the product) go to ctgov.json by the registry mapping.
Rendered to HTML only: the PDFs add nothing to what is asserted here.
"""

from __future__ import annotations

import html
import re

import pytest

from conftest import EXAMPLE
from pdftext import normalize
from trialdocs.check import check_protocol
from trialdocs.documents import consent, site_manual
from trialdocs.model import build_model
from trialdocs.registry import ctgov_json
from trialdocs.render import render_html


@pytest.fixture(scope="module")
def model():
    checked = check_protocol(EXAMPLE)
    assert not [d for d in checked.diagnostics if d.severity == "error"]
    return build_model(checked.source.data, EXAMPLE.name)


def _flat(text: str) -> str:
    """Words as a reader sees them: one space between, none before a colon, the
    typography pass (no-break spaces, curly apostrophes) folded back."""
    return re.sub(r"\s+:", ":", normalize(text))


def _text(payload) -> str:
    page = render_html(payload).decode("utf-8")
    return _flat(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _html_target(targets, lang):
    return next(t for t in targets if t.path.endswith(f".{lang}.html") and t.lang == lang)


@pytest.mark.parametrize("lang, heading, funding, provides, interests", [
    ("en", "Who organises and funds this research", "paid for by AP-HP with a grant",
     "Iltoo Pharma: provides the interleukin-2 used in the study, free of charge",
     "The investigators: No interest declared in connection with this study."),
    ("fr", "Qui organise et finance cette recherche", "financée par l'AP-HP grâce à une subvention",
     "Iltoo Pharma : fournit gratuitement l'interleukine-2",
     "Les investigateurs : Aucun lien d'intérêt déclaré"),
])
def test_the_consent_form_says_who_organises_and_funds_the_research(model, lang, heading, funding,
                                                                   provides, interests):
    target = _html_target([t for t in consent.targets(model) if t.site == "tenon"], lang)
    text = _text(target.payload)
    assert heading in text
    for expected in (funding, provides, interests):
        assert _flat(expected) in text


@pytest.mark.parametrize("lang, heading, provides", [
    ("en", "Who organises and funds this research", "Iltoo Pharma: provides the interleukin-2"),
    ("fr", "Qui organise et finance cette recherche", "Iltoo Pharma : fournit gratuitement"),
])
def test_the_site_manual_shows_funding_and_interests(model, lang, heading, provides):
    text = _text(_html_target(site_manual.targets(model), lang).payload)
    assert heading in text and _flat(provides) in text
    assert "Declared interests" in text if lang == "en" else "Liens d'intérêts déclarés" in text


def test_funders_are_exported_as_clinicaltrials_gov_collaborators(model):
    module = ctgov_json.protocol_section(model)["sponsorCollaboratorsModule"]
    assert module["collaborators"] == [{"name": "Iltoo Pharma"}]


def test_a_protocol_without_funding_fields_builds_without_the_section(model):
    bare = dict(model, sponsors={k: v for k, v in model["sponsors"].items()
                                 if k not in ("funding", "interests", "collaborators")})
    target = _html_target([t for t in consent.targets(bare) if t.site == "tenon"], "en")
    assert "Who organises and funds this research" not in _text(target.payload)
