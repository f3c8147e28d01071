"""Consent forms of the worked example, read back from the built PDFs and HTML."""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import pytest
from pypdf import PdfReader

from conftest import EXAMPLE, run_cli
from pdftext import normalize, outline_titles, pages, text
from trialdocs.documents import consent
from trialdocs.load import load_protocol
from trialdocs.model import build_model
from trialdocs.render import strings

SITES = ["saint-antoine", "tenon", "trousseau"]
LANGS = ["fr", "en"]
FORMS = [(site, lang) for site in SITES for lang in LANGS]


@pytest.fixture(scope="module")
def built(example_built):
    """output/nct03970954 of the run's one build of the examples (conftest.py)."""
    return example_built


@pytest.fixture(scope="module")
def model():
    source, problems = load_protocol(EXAMPLE)
    assert not problems
    return build_model(source.data, "nct03970954")


def test_one_pdf_and_one_html_per_site_and_language(built):
    files = sorted(p.name for p in (built / "consent").iterdir())
    assert files == sorted(f"{site}.{lang}.{ext}" for site, lang in FORMS for ext in ("html", "pdf"))


@pytest.mark.parametrize("site,lang", FORMS)
def test_pdf_names_site_investigator_version_and_numbers_pages(built, model, site, lang):
    path = built / "consent" / f"{site}.{lang}.pdf"
    texts = pages(path)
    s = strings(lang)
    ctx = consent.context(model, next(x for x in model["sites"] if x["id"] == site), lang)
    investigator = ctx["site"]["investigator"]
    assert investigator and investigator in text(path)
    version_line = f"{s['version']} {ctx['version']} {s['dated']} {ctx['version_date']}"
    form = [i for i, t in enumerate(texts) if f"{s['consent_form_title']} · " in t]
    note_total, form_total = len(texts) - len(form), len(form)
    for number, page in enumerate(texts, start=1):
        assert version_line in page, f"page {number} lacks the version line"
        expected = (f"{s['page']} {number} {s['of']} {note_total}" if number <= note_total else
                    f"{s['page'].lower()} {number - note_total} {s['of']} {form_total}")
        assert expected in page, f"page {number} numbering"   # each part numbered on its own
        assert s["initials"] in page, f"page {number} has no initials box"
    # the signature page: the consent form with every signature block
    last = " ".join(texts[-2:])
    for label in ("consent_form_title", "participant", "person_obtaining", "witness", "signature"):
        assert s[label] in " ".join(texts), label
    assert s["signature"] in last and s["date"] in last


@pytest.mark.parametrize("site,lang", FORMS)
def test_every_required_checklist_element_is_in_the_pdf(built, model, site, lang):
    found = normalize(text(built / "consent" / f"{site}.{lang}.pdf"))
    evidence = consent.element_evidence(model, site, lang)
    required = {e.id for e in consent.required_elements(model)}
    assert required == set(evidence)
    # the example's regimes (ICH, EU CTR, French law, GDPR) make these apply
    assert {"EL-RISKS", "EL-ETHICS-AUTH", "EL-DATA", "STR-INTERVIEW", "EL-HEALTH-INFO",
            "SIG-WITNESS", "SIG-OPTIONAL"} <= required
    missing = {}
    for element, snippets in evidence.items():
        assert snippets, f"{element} has nothing to look for"
        for snippet in snippets:
            plain = normalize(re.sub(r"[*_`]", "", snippet))[:60]
            if plain not in found:
                missing.setdefault(element, []).append(plain)
    assert not missing


def test_pdf_metadata_language_outline_and_archival_markers(built):
    path = built / "consent" / "tenon.fr.pdf"
    reader = PdfReader(str(path))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert "/OutputIntents" in root
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "pdfaid:part" in xmp and "3" in xmp
    assert reader.metadata["/CreationDate"] == "D:20201015"  # the version date, not the clock
    titles = outline_titles(path)
    assert "Vos droits" in titles and "Formulaire de consentement" in titles
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(font.get_object()["/BaseFont"].split("+")[-1])
    assert fonts and all(f.startswith("Source-Sans-Pro") for f in fonts), fonts


def test_html_is_escaped_document_with_lang_title_and_ordered_headings(built):
    html = (built / "consent" / "saint-antoine.en.html").read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in html and "<title>" in html
    levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), "a heading level is skipped"


def test_two_clean_builds_are_byte_identical(built, tmp_path):
    """A clean build of one site's form in one language writes the bytes that the run's
    clean build of the whole example (conftest.py, another selection in another folder)
    wrote for it, and the same manifest entries. French: the language with the most
    typography (non-breaking spaces before colons, guillemets)."""
    out = tmp_path / "out"
    result = run_cli("build", EXAMPLE, "--only", "consent", "--site", "tenon", "--lang", "fr",
                     "--output", out)
    assert result.returncode == 0, result.stderr
    # documents and manifest; the build's private cache (a dot folder) is no output
    digests = {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in sorted(out.rglob("*")) if p.is_file()
               and not any(part.startswith(".") for part in p.relative_to(out).parts)}
    assert len(digests) == 9  # the HTML, the PDF, the manifest, 5 fonts and their licence
    assert {"nct03970954/consent/tenon.fr.html", "nct03970954/consent/tenon.fr.pdf"} < set(digests)
    manifest = "nct03970954/manifest.json"
    assert {path: digest for path, digest in digests.items() if path != manifest} == \
        {path: hashlib.sha256((built.parent / path).read_bytes()).hexdigest()
         for path in digests if path != manifest}
    mine = json.loads((out / manifest).read_text(encoding="utf-8"))
    full = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    paths = {e["path"] for e in mine["outputs"]}
    assert len(paths) == 8
    assert mine["outputs"] == [e for e in full["outputs"] if e["path"] in paths]
    assert {k: v for k, v in mine.items() if k != "outputs"} == \
        {k: v for k, v in full.items() if k != "outputs"}


def test_missing_risks_fails_check_and_keeps_previous_output(built, example_copy, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built, out / "nct03970954")  # the run's build (conftest.py), made the
    result = run_cli("build", example_copy, "--only", "consent", "--output", out)  # last good one
    assert result.returncode == 0 and "built 0," in result.stdout, result.stdout + result.stderr
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    patient = example_copy / "patient.yaml"
    lines = patient.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  risks:"))
    end = next(i for i in range(start + 1, len(lines))
               if lines[i].startswith("  ") and not lines[i].startswith("   "))
    patient.write_text("".join(lines[:start] + lines[end:]))
    result = run_cli("check", example_copy)
    assert result.returncode == 1
    assert re.search(r"patient\.yaml:\d+:\d+: error: consent\.risks: consent element EL-RISKS "
                     r"\(Foreseeable risks, discomforts, inconveniences\) is missing "
                     r"\(required by .*EU Clinical Trials Directive.*; add consent\.risks\)",
                     result.stdout), result.stdout
    result = run_cli("build", example_copy, "--only", "consent", "--output", out)
    assert result.returncode == 1
    assert "nothing was written" in result.stderr
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


HOSTILE = {
    "script": "<script>alert(1)</script>",
    "img": '<img src="file:///etc/passwd">',
    "md_image": "![secret](/etc/passwd)",
    "md_link": "[see this](file:///etc/passwd) and [that](../../../etc/hostname)",
}


# A word longer than any line: wrapped in the PDF, never cut (it once showed 95 of 6,000).
LONG_WORD = "".join(f"{n:03d}x" for n in range(75))  # 300 characters, each place numbered


@pytest.fixture(scope="module")
def draft_hostile(tmp_path_factory):
    """One form (Tenon, French) of a copy of the example in draft status, with hostile text
    in its benefits (a Markdown field, both languages): (build result, output folder).
    One build serves the two tests below, which change independent fields."""
    base = tmp_path_factory.mktemp("draft-hostile")
    folder = base / EXAMPLE.name
    shutil.copytree(EXAMPLE, folder)
    trial = folder / "trial.yaml"
    trial.write_text(re.sub(r"(?m)^  status: final$", "  status: draft", trial.read_text(), count=1))
    patient = folder / "patient.yaml"
    hostile = " ".join(HOSTILE.values()).replace('"', '\\"') + " " + LONG_WORD
    # put the hostile text into the English and French benefits (Markdown fields)
    body = re.sub(r"(?ms)^  benefits:\n.*?(?=^  [a-z_]+:)",
                  f'  benefits:\n    fr: "{hostile}"\n    en: "{hostile}"\n', patient.read_text(),
                  count=1)
    assert body.count(LONG_WORD) == 2
    patient.write_text(body)
    out = base / "out"
    result = run_cli("build", folder, "--only", "consent", "--site", "tenon", "--lang", "fr",
                     "--output", out)
    assert result.returncode == 0, result.stdout + result.stderr
    return result, out / "nct03970954" / "consent"


def test_draft_status_marks_every_page(draft_hostile):
    _, consent = draft_hostile
    for page in pages(consent / "tenon.fr.pdf"):
        assert "PROJET" in page


def test_hostile_text_stays_text(draft_hostile):
    result, consent = draft_hostile
    html = (consent / "tenon.fr.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;img src=" in html
    assert "/etc/passwd" not in re.findall(r'(?:src|href)="([^"]*)"', html)
    assert 'href="file:' not in html and 'href="../' not in html
    pdf_text = text(consent / "tenon.fr.pdf")
    assert "<script>alert(1)</script>" in pdf_text
    assert "root:" not in pdf_text  # no content of /etc/passwd
    assert "secret" in pdf_text and "see this" in pdf_text
    assert LONG_WORD in re.sub(r"\s+", "", pdf_text)  # all 300 characters, over several lines
    assert f"a word of {len(LONG_WORD)} characters" in result.stdout  # and check warned
    raw = (consent / "tenon.fr.pdf").read_bytes()
    assert b"/EmbeddedFile" not in raw and b"/JavaScript" not in raw


def test_check_prints_readability_once_per_language():
    """The prose is the same for every site: one score line per language, not per form."""
    result = run_cli("check", EXAMPLE)
    assert result.returncode == 0, result.stdout
    lines = [l for l in result.stdout.splitlines() if l.startswith("readability ")]
    assert len(lines) == 2, lines
    for lang in ("fr", "en"):
        line = next(l for l in lines if f"consent, {lang} (3 site(s))" in l)
        assert ("Kandel-Moles" if lang == "fr" else "Flesch-Kincaid grade") in line


def test_html_matches_golden_file(built, golden):
    """The whole English form for one site, as committed; a diff shows any change."""
    golden("consent/tenon.en.html", (built / "consent" / "tenon.en.html").read_text())


@pytest.mark.parametrize("lang", LANGS)
def test_consent_form_is_numbered_on_its_own_with_signatures_by_the_statements(built, lang):
    """The information note is 'Page i of N' (N its own pages); the consent form restarts at
    'Consent form · page 1 of M'; the participant's signature is on the statements' page."""
    s = strings(lang)
    texts = pages(built / "consent" / f"tenon.{lang}.pdf")
    note = [t for t in texts if s["consent_form_title"] + " · " not in t]
    form = [t for t in texts if s["consent_form_title"] + " · " in t]
    assert note and form and len(note) + len(form) == len(texts)
    assert texts[:len(note)] == note                       # the note first, then the form
    for i, t in enumerate(note, 1):
        assert f"{s['page']} {i} {s['of']} {len(note)}" in t, i
    for i, t in enumerate(form, 1):
        assert f"{s['consent_form_title']} · {s['page'].lower()} {i} {s['of']} {len(form)}" in t, i
    first = form[0]
    assert s["consent_statements"]["questions"][:30] in first and s["participant"] in first
    assert s["signature"] in first


@pytest.mark.parametrize("lang", LANGS)
def test_forms_follow_the_rules_in_force_at_their_date(built, lang):
    """Authorised in 2019 under the EU Directive, dated 2020: the form names the loi Jardé
    category and the Directive, cites ICH E6(R2) and the EU Clinical Trials Register
    (EudraCT), and promises nothing of the Regulation (CTIS) or of ICH E6(R3)."""
    found = text(built / "consent" / f"tenon.{lang}.pdf")
    expected = {
        "fr": ["recherche impliquant la personne humaine (RIPH) de catégorie 1 : une recherche "
               "interventionnelle", "(article L1121-1 1° du Code de la santé publique, loi Jardé)",
               "directive européenne relative aux essais cliniques (directive 2001/20/CE)",
               "bonnes pratiques cliniques, ICH E6(R2)",
               "registre européen des essais cliniques (EudraCT)", "Numéro EudraCT 2019-000000-00"],
        "en": ["research involving the human person (RIPH), category 1: interventional research",
               "(French Public Health Code, article L1121-1 1°, loi Jardé)",
               "European Clinical Trials Directive (Directive 2001/20/EC)",
               "good clinical practice, ICH E6(R2)",
               "EU Clinical Trials Register (EudraCT)", "EudraCT number 2019-000000-00"],
    }[lang]
    for phrase in expected:
        assert normalize(phrase) in found, phrase
    for phrase in ("CTIS", "536/2014", "E6(R3)"):
        assert phrase not in found, phrase

# -- people, official title, why you, samples (issue 11, items 1 and 4) -------------------

def test_names_are_written_honorific_first_in_each_language(built):
    """'Pr David Klatzmann' in French, 'Professor David Klatzmann' in English; never the
    registry's 'Klatzmann, Pr'. The Tenon investigator is labelled by role."""
    fr = normalize(text(built / "consent" / "tenon.fr.pdf"))
    en = normalize(text(built / "consent" / "tenon.en.pdf"))
    assert "Investigateur coordonnateur Pr David Klatzmann" in fr
    assert "Coordinating investigator Professor David Klatzmann" in en
    for form in (fr, en):
        assert "Klatzmann, Pr" not in form and "Mékinian, Dr" not in form
    assert "Investigateur de votre centre : Bornes" in fr      # contact card, by role
    assert "Investigator at your site: Bornes" in en
    assert "Dr Arsene Mékinian" in normalize(text(built / "consent" / "saint-antoine.fr.pdf"))


@pytest.mark.parametrize("lang", LANGS)
def test_official_title_why_you_and_samples_are_in_the_form(built, model, lang):
    """The form names the trial by its scientific title (in the form's language where the
    protocol gives it), says why the reader is invited and what becomes of the samples."""
    s = strings(lang)
    path = built / "consent" / f"tenon.{lang}.pdf"
    found = normalize(text(path))
    ident = model["identification"]
    official = ident["local"]["fr"]["official_title"] if lang == "fr" else ident["official_title"]
    assert found.count(normalize(official)[:80]) >= 2          # note header and consent form
    assert normalize(s["why_you"]) in found and normalize(s["samples"]["title"]) in found
    samples = model["consent"]["samples"]
    for key in ("research_tubes", "kept", "retention", "location", "users", "commercial_use"):
        assert normalize(s["samples"][key]) in found, key
        assert normalize(samples[key][lang])[:50] in found, key
    assert normalize(model["consent"]["why_you"][lang])[:60] in found
    html = (built / "consent" / f"tenon.{lang}.html").read_text(encoding="utf-8")
    assert 'id="why_you" data-elements="EL-WHY-YOU"' in html
    assert 'id="samples" data-elements="EL-SAMPLES' in html


def test_us_example_shows_why_you_and_samples():
    """The second example (English, US regimes) prints the same sections (HTML, in-process)."""
    from conftest import ROOT

    source, _ = load_protocol(ROOT / "protocol" / "nct02210780")
    model = build_model(source.data, "nct02210780")
    site = model["sites"][0]["id"]
    html = normalize(next(t.render().decode() for t in consent.targets(model)
                          if t.site == site and t.path.endswith(".html")))
    s = strings("en")
    for phrase in (s["why_you"], s["samples"]["title"], s["samples"]["research_tubes"],
                   "aged 18 to 64", "Your samples will not be sold"):
        assert normalize(phrase) in html, phrase
    person = model["people_by_id"][model["sites"][0]["investigator"]]
    assert f"{person['first_name']} {person['last_name']}, MD" in html   # degrees after the name


def test_a_named_person_without_given_name_or_honorific_is_warned_where_written(example_copy):
    """The check names file, line, column and path; the example accepts it with a reason."""
    people = example_copy / "people.yaml"
    line = next(i for i, l in enumerate(people.read_text(encoding="utf-8").splitlines(), 1)
                if l.strip() == "- id: bornes")
    accepted = run_cli("check", example_copy)
    assert accepted.returncode == 0 and "people[2]" not in accepted.stdout
    trial = example_copy / "trial.yaml"
    content = trial.read_text(encoding="utf-8")
    start = content.index("  accepted_warnings:\n")
    trial.write_text(content[:start] + content[content.index("  illustrative_notice:"):],
                     encoding="utf-8")
    result = run_cli("check", example_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (f"people.yaml:{line}:5: warning: people[2]: person 'bornes' is named on the consent "
            f"forms (the investigator of site 'tenon') by the family name only: 'Bornes'"
            in result.stdout), result.stdout


def test_an_honorific_written_as_a_degree_is_warned(example_copy):
    people = example_copy / "people.yaml"
    content = people.read_text(encoding="utf-8")
    people.write_text(content.replace("    honorific: Pr\n    first_name: David\n    last_name: Klatzmann\n",
                                      "    first_name: David\n    last_name: Klatzmann\n    degrees: \"Prof.\"\n"),
                      encoding="utf-8")
    result = run_cli("check", example_copy)
    assert "warning: people[0].degrees: 'Prof.' is an honorific, not a degree" in result.stdout
    assert "write honorific: Pr (allowed: Pr, Dr)" in result.stdout


def test_official_title_without_the_forms_language_is_a_language_leak(example_copy):
    from trialdocs.check import check_protocol

    trial = example_copy / "trial.yaml"
    content = trial.read_text(encoding="utf-8")
    line = next(l for l in content.splitlines() if l.strip().startswith("official_title: \"Stimulation"))
    trial.write_text(content.replace(line + "\n", ""), encoding="utf-8")
    found = [(d.path, d.message) for d in check_protocol(example_copy).diagnostics
             if d.severity == "warning" and "consent form" in d.message]
    assert found == [("identification.official_title",
                      "language leak: the consent form (fr) would show "
                      "identification.official_title in English, the registry's language")]
