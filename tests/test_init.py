"""``trialdocs init``: every design x language x regime choice checks (placeholder warnings only) and builds.

One starter is built in full (HTML and PDF, through the command line); the
others render every target except the PDFs in-process, which is where a
missing field would fail (a template reading what check did not require).
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from pdftext import normalize
from conftest import run_cli
from pdftext import text as pdf_text
from trialdocs import placeholders
from trialdocs.check import check_protocol
from trialdocs.documents import NAMES, document_modules
from trialdocs.init import SCHEMA_FILE
from trialdocs.model import build_model
from trialdocs.starter import DESIGNS, REGIME_SETS

def _options(design, languages, regime_set):
    return ["--design", design, *[a for lang in languages for a in ("--lang", lang)],
            "--regimes", regime_set]


# Every design x language choice, each with a regime set (every set appears).
CROSS = {
    "single-en-ich": ("single-arm-open", ["en"], "ich"),
    "single-fr-eu": ("single-arm-open", ["fr"], "eu"),
    "single-enfr-fr": ("single-arm-open", ["en", "fr"], "fr"),
    "randomized-en-us": ("randomized-placebo-blinded", ["en"], "us"),
    "randomized-fr-fr": ("randomized-placebo-blinded", ["fr"], "fr"),
    "randomized-enfr-eu": ("randomized-placebo-blinded", ["en", "fr"], "eu"),
}
CHOICES = {name: _options(*row) for name, row in CROSS.items()}
CHOICES["default"] = []
CHOICES["one-by-one"] = ["--regime", "us_common_rule", "--regime", "gdpr"]
MARK = re.compile(r"\[(PLACEHOLDER|À COMPLÉTER)\s?:|\s# PLACEHOLDER:")


def test_every_design_and_language_choice_is_tried():
    languages = [["en"], ["fr"], ["en", "fr"]]
    assert sorted((d, l) for d, l, _ in CROSS.values()) == \
        sorted((d, l) for d in DESIGNS for l in languages)
    assert {r for _, _, r in CROSS.values()} == set(REGIME_SETS)


@pytest.fixture(scope="module")
def starters(tmp_path_factory):
    root = tmp_path_factory.mktemp("init") / "protocol"
    for name, options in CHOICES.items():
        result = run_cli("init", root / name, *options)
        assert result.returncode == 0, result.stdout + result.stderr
    return root


def _marks(folder):
    """(file, line, col) of every placeholder written in the files (header comments aside)."""
    found = []
    for path in sorted(folder.glob("*.yaml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.startswith("#"):
                found += [(path.name, number, m.start() + 1 + (m.group(0)[0].isspace()))
                          for m in MARK.finditer(line)]
    return found


@pytest.mark.parametrize("name", CHOICES)
def test_starter_checks_with_one_warning_per_placeholder(starters, name):
    folder = starters / name
    checked = check_protocol(folder)
    problems = [str(d) for d in checked.diagnostics if d.code != "placeholder"]
    assert checked.ok and not problems, "\n".join(problems)
    located = sorted((d.file.rsplit("/", 1)[-1], d.line, d.col) for d in checked.diagnostics)
    assert located == _marks(folder)
    assert len(located) > 50
    paths = {d.path for d in checked.diagnostics}  # each names its field
    assert "" not in paths and {"design.enrollment.count", "identification.brief_title"} <= paths


@pytest.mark.parametrize("name", CHOICES)
def test_starter_renders_every_document(starters, name):
    """Every target but the PDFs, in-process (one starter is built in full below)."""
    checked = check_protocol(starters / name)
    assert checked.documents == NAMES
    model = build_model(checked.source.data, checked.slug)
    targets = [t for _, module in document_modules(checked.documents)
               for t in module.targets(model)]
    assert {t.document for t in targets} == set(NAMES)
    for target in targets:
        if not target.path.endswith(".pdf"):
            assert target.render(), target.path


def test_files_start_with_the_schema_modeline_and_use_fictional_contacts(starters):
    folder = starters / "default"
    assert [p.name for p in sorted(folder.iterdir())] == \
        ["conduct.yaml", "patient.yaml", "people.yaml", "trial.yaml"]
    for path in folder.iterdir():
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        assert (folder / first.split("=", 1)[1]).resolve() == SCHEMA_FILE
        emails = re.findall(r"[\w.-]+@[\w.-]+", path.read_text(encoding="utf-8"))
        assert all(e.endswith("@example.org") for e in emails), emails


def test_design_and_regimes_are_declared(starters):
    trial = (starters / "randomized-en-us" / "trial.yaml").read_text(encoding="utf-8")
    assert "allocation: RANDOMIZED" in trial and "masking: DOUBLE" in trial
    assert "type: PLACEBO_COMPARATOR" in trial
    assert "regimes: [us_common_rule, us_fda, us_hipaa]" in trial
    assert "allocation_ratio: 1" in trial
    patient = (starters / "randomized-en-us" / "patient.yaml").read_text(encoding="utf-8")
    assert "future_use:" in patient and "results_return:" in patient
    # the US elements of issue 10: HIPAA authorization, GINA switch; no GDPR or French fields
    assert "hipaa:" in patient and "revoke_to:" in patient and "genetic_testing:" in patient
    assert "data_protection:" not in patient and "national_file_registration" not in patient
    conduct = (starters / "randomized-en-us" / "conduct.yaml").read_text(encoding="utf-8")
    assert "randomization:" in conduct and "unblinding:" in conduct
    trial = (starters / "one-by-one" / "trial.yaml").read_text(encoding="utf-8")
    assert "regimes: [us_common_rule, gdpr]" in trial
    fr = (starters / "single-fr-eu" / "patient.yaml").read_text(encoding="utf-8")
    assert "[À COMPLÉTER : " in fr and "en:" not in fr


def test_full_build_of_a_us_randomized_starter(starters, tmp_path):
    result = run_cli("build", starters / "randomized-en-us", "--output", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "randomized-en-us"
    consent = pdf_text(out / "consent" / "site-1.en.pdf")
    assert placeholders.text("en", "title of the study in plain words") in consent
    assert placeholders.text("en", "the placebo group, in plain words") in consent
    assert "You have 1 chance in 2 of being in each group" in consent
    assert "Authorization to use and share your health information" in consent
    assert "data protection officer" not in consent.lower()
    manual = pdf_text(out / "site-manual.en.pdf")
    assert placeholders.text("en", "who this manual is for and how to use it") in manual
    assert (out / "registry" / "ctgov.json").is_file()
    assert (out / "registry" / "clinicaltrials-gov.pdf").is_file()


def test_french_placeholders_reach_the_french_form(starters):
    checked = check_protocol(starters / "single-enfr-fr")
    model = build_model(checked.source.data, checked.slug)
    html = next(t for _, m in document_modules(["consent"]) for t in m.targets(model)
                if t.path == "consent/site-1.fr.html").render().decode()
    html = normalize(unescape(html))
    assert normalize(placeholders.text("fr", "titre de l'étude en mots simples")) in html


def test_init_refuses_an_existing_folder(starters):
    before = (starters / "default" / "trial.yaml").read_bytes()
    result = run_cli("init", starters / "default", "--design", "randomized-placebo-blinded")
    assert result.returncode == 2
    assert "already exists" in result.stderr and "Traceback" not in result.stderr
    assert (starters / "default" / "trial.yaml").read_bytes() == before


def test_init_refuses_an_unsafe_name_and_unknown_choices(tmp_path):
    result = run_cli("init", tmp_path / "My Trial")
    assert result.returncode == 2 and "not a safe protocol name" in result.stderr
    assert not (tmp_path / "My Trial").exists()
    result = run_cli("init", tmp_path / "x", "--design", "crossover")
    assert result.returncode == 2 and "invalid choice" in result.stderr
    assert list(tmp_path.iterdir()) == []
