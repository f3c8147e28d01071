"""The protocol document (ICH M11), read back from the built PDFs and HTML.

Two builds per run of this module (module-scoped fixtures, ``--only
protocol``): the worked example (English and French) and a protocol imported
from the ClinicalTrials.gov record NCT02210780 with the least content the
protocol document needs added, to show the document works for any protocol
(randomised, triple blind, 194 participants) and not only for the example.
"""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from conftest import EXAMPLE, SHARED, needs_shared, run_cli
from pdftext import normalize, outline_titles, pages, reader as pdf_reader, text
from trialdocs import m11
from trialdocs.render import strings

SLUG = "nct03970954"


def _expected_outline(lang: str) -> list[str]:
    """Front matter, then every level-1 and level-2 heading with its number, in M11 order."""
    headings = strings(lang)["protocol"].get("headings", {})
    front = [headings.get(key, title) for key, title in m11.FRONT if key != "contents"]
    front.append(headings.get("contents", "Table of Contents"))
    return [normalize(t) for t in front + [f"{h.number} {headings.get(h.key, h.title)}"
                                           for h in m11.HEADINGS if h.level <= 2]]


def _outline_l12(path) -> list[str]:
    """Bookmarks of levels 1 and 2 (level 3, e.g. 3.1.1, is left out)."""
    titles = [normalize(t) for t in outline_titles(path)]
    return [t for t in titles if not re.match(r"^\d+\.\d+\.\d+", t)]


@pytest.fixture(scope="module")
def built(example_built):
    """output/nct03970954 of the run's one build of the examples (conftest.py)."""
    return example_built


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_outline_lists_front_matter_and_every_m11_heading_in_order(built, lang):
    titles = _outline_l12(built / f"protocol.{lang}.pdf")
    expected = _expected_outline(lang)
    # the contents page is listed among the front sections, before section 1
    assert sorted(titles[:5]) == sorted(expected[:5])
    assert titles[5:] == expected[5:]
    assert "1 Protocol Summary" in titles or lang == "fr"
    assert "12.3 Prior Protocol Amendment(s)" in titles or lang == "fr"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_html_has_the_same_headings_with_stable_anchors(built, lang):
    html = (built / f"protocol.{lang}.html").read_text(encoding="utf-8")
    for h in m11.HEADINGS:
        if h.level > 2:
            continue
        assert re.search(rf'<h{h.level + 1} id="{h.anchor}" data-number="{re.escape(h.number)}">'
                         rf'<span class="num">{re.escape(h.number)}</span>', html), h
    assert 'id="s4-3-stopping-rules"' in html
    assert 'href="#s10-11-sample-size"' in html  # the contents link to the anchors


def test_title_page_and_synopsis_show_the_registry_values(built):
    first, *_ = pages(built / "protocol.en.pdf")
    for value in ("NCT03970954", "Assistance Publique - Hôpitaux de Paris", "APHP180256",
                  "Phase 1 / Phase 2"):
        assert value in first, value
    all_text = text(built / "protocol.en.pdf")
    synopsis = all_text[all_text.rindex("1.1 Protocol Synopsis"):
                        all_text.rindex("1.2 Trial Schema")]
    for value in ("NCT03970954", "Assistance Publique - Hôpitaux de Paris", "Phase 1 / Phase 2",
                  "Single group", "Open label", "18 participants", "18 years to 40 years",
                  "Women", "Recurrent Miscarriage"):
        assert value in synopsis, value


def test_running_header_page_numbers_and_landscape_schedule(built):
    path = built / "protocol.en.pdf"
    texts = pages(path)
    total = len(texts)
    assert all(f"Page {n} of {total}" in t for n, t in enumerate(texts, 1))
    assert all("Version 2.0, 15 October 2020" in t for t in texts[1:])
    reader = pdf_reader(path)
    landscape = [i for i, page in enumerate(reader.pages)
                 if float(page.mediabox.width) > float(page.mediabox.height)]
    assert landscape and all("Schedule of Activities" in texts[landscape[0]] for _ in [0])
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
    # contents give page numbers (drawn after each entry's title, so extracted
    # first): one per front section and level-1/2 heading, in page order, the
    # schedule's being its landscape page
    entries = [key for key, _ in m11.FRONT if key != "contents"] + \
        [h.key for h in m11.HEADINGS if h.level <= 2]
    numbers = [int(n) for page in texts[2:4]
               for n in re.match(r"^(?:\d+ )*", page).group(0).split()]
    # (a page that opens with a numbered heading adds that heading's number)
    assert len(entries) <= len(numbers) <= len(entries) + 1
    numbers = numbers[:len(entries)]
    assert numbers == sorted(numbers) and numbers[-1] == total
    assert numbers[entries.index("schedule_of_activities")] == landscape[0] + 1


def test_estimand_table_and_not_applicable(built):
    all_text = text(built / "protocol.en.pdf")
    for value in ("Estimand: Treg response to low-dose IL-2", "Population-level summary",
                  "Intercurrent event", "Course stopped before day 5", "Treatment policy"):
        assert value in all_text, value
    contraception = all_text[all_text.rindex("5.4 Contraception"):]
    assert contraception.split("5.5 Lifestyle")[0].strip().endswith("Not applicable")
    french = (built / "protocol.fr.html").read_text(encoding="utf-8")  # HTML: cheaper to read
    assert "Sans objet" in french and "Objectif principal 1" in french


# -- check: every section has content or is declared not applicable ---------------------

def test_removed_section_is_warned_at_its_location(example_copy):
    document = example_copy / "document.yaml"
    lines = document.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("    stopping_rules:"))
    del lines[start:start + 3]
    document.write_text("".join(lines), encoding="utf-8")
    sections_line = next(i for i, line in enumerate(lines) if line.startswith("  sections:")) + 1
    result = run_cli("check", example_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (f"document.yaml:{sections_line}:3: warning: protocol_document.sections: protocol "
            "section 4.3 Trial Stopping Rules has no content") in result.stdout + result.stderr


def test_missing_required_content_is_an_error(example_copy):
    trial = example_copy / "trial.yaml"
    source = trial.read_text(encoding="utf-8")
    start = source.index("  address:\n    street:")
    end = source.index("  contact:\n", start)
    source = source[:start] + source[end:]
    trial.write_text(source.replace("    - sponsors.address\n", ""), encoding="utf-8")
    result = run_cli("check", example_copy)
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "error: sponsors: the protocol document needs sponsors.address for the title page's sponsor legal address" in out


# -- any protocol: one imported from the registry --------------------------------------

@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = tmp_path_factory.mktemp("imported")
    folder = root / "nct02210780"
    result = run_cli("import-ctgov", SHARED / "data" / "ctgov-json" / "NCT02210780.json",
                     "--into", folder)
    assert result.returncode == 0, result.stdout + result.stderr
    trial = folder / "trial.yaml"
    data = yaml.safe_load(trial.read_text(encoding="utf-8"))
    data["protocol"]["documents"] = ["protocol"]
    data["outcomes"]["primary"][0]["id"] = "tetanus"
    data["outcomes"]["primary"][0]["objective"] = "vaccine"
    trial.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (folder / "added.yaml").write_text("""\
objectives:
  - id: vaccine
    level: primary
    text: "Test content: the vaccine response under dupilumab."
schedule:
  epochs: [{id: treatment, name: Treatment}]
  visits: [{id: D1, name: Day 1, epoch: treatment, day: 1, window: [0, 0]}]
  procedures: [{id: vaccination, name: Vaccination, group: intervention, visits: [D1]}]
protocol_document:
  sponsor_approval: "Test content."
""", encoding="utf-8")
    data = yaml.safe_load(trial.read_text(encoding="utf-8"))
    data["sponsors"]["address"] = {"city": "Tarrytown", "country": "United States"}
    trial.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = root / "out"
    result = run_cli("build", folder, "--only", "protocol", "--output", out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "nct02210780", result.stdout + result.stderr


@needs_shared("data", "ctgov-json", "NCT02210780.json")
def test_imported_protocol_shows_its_own_registry_values(imported):
    out, log = imported
    assert "protocol section 4.3 Trial Stopping Rules has no content" in log
    assert "the protocol document's Sponsor Signatory section has no content" in log
    all_text = text(out / "protocol.en.pdf")
    first = pages(out / "protocol.en.pdf")[0]
    for value in ("NCT02210780", "Regeneron Pharmaceuticals", "R668-AD-1314", "Phase 2"):
        assert value in first, value
    synopsis = all_text[all_text.rindex("1.1 Protocol Synopsis"):
                        all_text.rindex("1.2 Trial Schema")]
    for value in ("NCT02210780", "Parallel groups", "Randomised", "Triple blind",
                  "194 participants", "18 years to 64 years", "Atopic Dermatitis"):
        assert value in synopsis, value
    assert _outline_l12(out / "protocol.en.pdf")[5:] == _expected_outline("en")[5:]


def test_english_headings_are_m11s_own_wording():
    headings = strings("en")["protocol"]["headings"]
    assert {h.key: h.title for h in m11.HEADINGS} == {k: v for k, v in headings.items()
                                                      if k in m11.BY_KEY}
    assert dict(m11.FRONT) == {k: v for k, v in headings.items() if k not in m11.BY_KEY}


def test_docs_record_every_heading_and_its_code():
    from conftest import ROOT

    doc = (ROOT / "docs" / "protocol-document.md").read_text(encoding="utf-8")
    for h in m11.HEADINGS:
        title = "{" + h.title + "}" if h.optional else h.title
        assert f"| {h.number} | {title} | `{h.key}` | {h.code} |" in doc, h


def test_estimand_references_are_checked(example_copy):
    document = example_copy / "document.yaml"
    source = document.read_text(encoding="utf-8")
    document.write_text(source.replace("variable_of_interest: treg-change",
                                       "variable_of_interest: treg-chnage"), encoding="utf-8")
    result = run_cli("check", example_copy)
    out = result.stdout + result.stderr
    assert result.returncode == 1
    assert re.search(r"document\.yaml:\d+:27: error: estimands\[0\]\.variable_of_interest: "
                     r"'treg-chnage' is not a known outcome \(did you mean 'treg-change'\?", out), out
