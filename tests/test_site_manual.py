"""The site manual, read back from the built PDFs and HTML.

The worked example's manuals come from the run's one build of the examples
(conftest.py). Laid out in this process, once per module: each example's
manual in each language (what fits the page and how full each page is are
read from WeasyPrint's boxes), and a generated protocol whose schedule has 20
visits and 25 procedures, with the manual's optional parts left out, to prove
that a wide, long schedule spans several landscape pages with its header on
each and nothing cut off, and that leaving parts out leaves no gap.
"""

from __future__ import annotations

import functools
import html
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLE, run_cli
from pagefill import overflows
from pdftext import normalize, pages, reader as pdf_reader
from trialdocs import typography
from trialdocs.check import check_protocol
from trialdocs.documents import site_manual
from trialdocs.flowchart import flow_svg
from trialdocs.load import load_protocol
from trialdocs.model import build_model
from trialdocs.render import strings
from trialdocs.translations import variant

SLUG = "nct03970954"


def flat(text: str) -> str:
    """Text as extracted, without hyphens: compare flat(expected) with flat(extracted).

    Hyphenation draws an ASCII hyphen (the pinned font has no U+2010), so a
    word hyphenated at a line end and a hyphenated compound broken there read
    the same; leaving every hyphen out on both sides compares the words.
    """
    return re.sub(r"[-\u2010]\s*", "", normalize(text))


def is_contents(page_text: str, lang: str) -> bool:
    return strings(lang)["contents"] in page_text


def _model(folder: Path, slug: str = SLUG) -> dict:
    source, problems = load_protocol(folder)
    assert not problems, problems
    return build_model(source.data, slug)


def _languages(folder: Path) -> list[str]:
    data = yaml.safe_load((folder / "conduct.yaml").read_text(encoding="utf-8"))
    return data["site_manual"]["languages"]


LANGS = _languages(EXAMPLE)


@pytest.fixture(scope="module")
def built(example_built):
    """output/nct03970954 of the run's one build of the examples (conftest.py)."""
    return example_built


@pytest.fixture(scope="module")
def model():
    return _model(EXAMPLE)


# -- a generated protocol with a big schedule ------------------------------------------

N_VISITS, N_PROCEDURES = 20, 25


def big_schedule() -> dict:
    visits = [{"id": "V0", "name": "Screening visit", "epoch": "screening",
               "day_range": [-28, -1]}]
    for week in range(1, 15):
        visits.append({"id": f"T{week}", "name": f"Treatment week {week}", "epoch": "treatment",
                       "day": 1 + 7 * (week - 1), "window": [0, 0] if week == 1 else [-2, 2]})
    for month in range(1, N_VISITS - 14):
        visits.append({"id": f"F{month}", "name": f"Follow-up month {month}",
                       "epoch": "follow_up", "day": 98 + 30 * month, "window": [-7, 7]})
    ids = [v["id"] for v in visits]
    groups = ["enrolment", "intervention", "efficacy", "safety", "biomarker", "other"]
    procedures = []
    for j in range(N_PROCEDURES):
        procedures.append({
            "id": f"P{j + 1:02d}",
            "name": f"Procedure {j + 1:02d}: assessment with a fairly long descriptive name",
            "group": groups[j % len(groups)],
            "visits": [vid for k, vid in enumerate(ids) if (k + j) % 3 == 0 or k == j % N_VISITS],
            **({"footnote": "a"} if j == 0 else {}),
        })
    return {"reference_point": "Day 1 of treatment",
            "epochs": [{"id": "screening", "name": "Screening"},
                       {"id": "treatment", "name": "Treatment"},
                       {"id": "follow_up", "name": "Follow-up"}],
            "visits": visits, "procedures": procedures,
            "footnotes": {"a": "A footnote on the first procedure."}}


def _rewrite(folder: Path, name: str, change) -> None:
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def leave_out_optional_parts(folder: Path) -> None:
    """No manual texts, no product handling, no amendments, no pharmacy, no pregnancy
    follow-up: the optional parts of the site manual, all left out."""
    def conduct(data):
        data["site_manual"] = {"version": "1.0", "version_date": "2021-01-01"}
        del data["safety"]["pregnancy"]

    def trial(data):
        for key in site_manual.HANDLING:
            data["interventions"][0].pop(key)
        del data["protocol"]["amendments"]

    def people(data):
        for site in data["sites"]:
            site.pop("pharmacy")

    _rewrite(folder, "conduct.yaml", conduct)
    _rewrite(folder, "trial.yaml", trial)
    _rewrite(folder, "people.yaml", people)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """(protocol folder, output folder, layout problems) of the worked example with the
    20 x 25 schedule (checked clean) and its optional parts left out: its English site
    manual, laid out once in this process for both the PDF (written as a build writes it)
    and the overflow check. One protocol for both cases, as laying out a manual is most
    of these tests' time: the big schedule's tests and the optional parts' test each
    assert on it what they assert (neither property depends on the other change)."""
    from trialdocs.pdf import render_document, write_pdf

    root = tmp_path_factory.mktemp("big")
    folder = root / "big-schedule"
    shutil.copytree(EXAMPLE, folder)
    _rewrite(folder, "conduct.yaml", lambda data: data.update(schedule=big_schedule()))
    checked = check_protocol(folder)   # the big schedule is a valid one
    assert checked.ok, [str(d) for d in checked.diagnostics]
    leave_out_optional_parts(folder)
    payload = site_manual.payload(_model(folder, "big-schedule"), "en")
    document = render_document(payload)
    out = root / "out" / "big-schedule"
    out.mkdir(parents=True)
    (out / "site-manual.en.pdf").write_bytes(write_pdf(document, payload))
    return folder, out, overflows(document)


# -- the worked example ----------------------------------------------------------------------

def test_builds_in_each_declared_language(built):
    assert LANGS and set(LANGS) == {"en", "fr"}
    for lang in LANGS:
        pdf = built / f"site-manual.{lang}.pdf"
        page = built / f"site-manual.{lang}.html"
        assert pdf.read_bytes().startswith(b"%PDF-")
        assert f'<html lang="{lang}">' in page.read_text(encoding="utf-8")
        assert len(pdf_reader(pdf).pages) > 10


@functools.lru_cache(maxsize=256)
def page_lines(path: Path, index: int) -> list[str]:
    """The text lines of a PDF page as laid out, top to bottom, each read left to right.

    The contents' page numbers float at the right of each entry (and the
    dotted rule is a background, not text), so plain text extraction, which
    follows drawing order, cannot pair a title with its number; positions can.
    """
    fragments = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            fragments.append((round(y), x, text.strip()))

    pdf_reader(path).pages[index].extract_text(visitor_text=visit)
    lines = {}
    for y, x, text in fragments:
        lines.setdefault(y, []).append((x, text))
    return [normalize(" ".join(t for _, t in sorted(lines[y]))) for y in sorted(lines, reverse=True)]


ENTRY = re.compile(r"^\d+(\.\d+)? .+ \d+$")


def _toc_pages(path: Path, texts, s) -> list[int]:
    """Indices of the pages holding the contents list (it starts with its title)."""
    start = next(i for i, t in enumerate(texts) if s["contents"] in page_lines(path, i))
    found = [start]
    while start + len(found) < len(texts):
        lines = page_lines(path, start + len(found))
        if len(lines) < 2 or not ENTRY.match(lines[1]):
            break
        found.append(start + len(found))
    return found


def _toc_numbers(path: Path, toc_pages, outline) -> dict:
    lines = [line for i in toc_pages for line in page_lines(path, i)]
    numbers = {}
    for entry in outline:
        label = f"{entry['number']} {entry['title']}"
        match = next((m for line in lines
                      if (m := re.fullmatch(re.escape(label) + r" (\d+)", line))), None)
        assert match, f"contents entry {label!r} not found in {lines[:12]!r}"
        numbers[entry["id"]] = int(match.group(1))
    return numbers


@pytest.mark.parametrize("lang", LANGS)
def test_contents_page_numbers_are_the_pages_of_the_headings(built, model, lang):
    path = built / f"site-manual.{lang}.pdf"
    texts = pages(path)
    outline = site_manual.context(model, lang)["outline"]
    toc_pages = _toc_pages(path, texts, strings(lang))
    numbers = _toc_numbers(path, toc_pages, outline)
    for entry in outline:
        label = f"{entry['number']} {entry['title']}"
        page = numbers[entry["id"]]
        assert page > max(toc_pages) + 1, f"{label} points into the contents ({page})"
        assert label in texts[page - 1], f"{label!r} is not on page {page}"
        first = next(i for i, t in enumerate(texts) if i not in toc_pages and label in t)
        assert first == page - 1, f"{label!r} first appears on page {first + 1}, contents say {page}"
    assert list(numbers.values()) == sorted(numbers.values())


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_outline_has_one_bookmark_per_section(built, model, lang):
    path = built / f"site-manual.{lang}.pdf"
    reader = pdf_reader(path)
    outline = site_manual.context(model, lang)["outline"]
    numbers = _toc_numbers(path, _toc_pages(path, pages(path), strings(lang)), outline)

    def walk(items, level=1):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, level + 1)
            else:
                yield level, item.title, reader.get_destination_page_number(item) + 1

    found = list(walk(reader.outline))
    expected = [(e["level"], typography.text(f"{e['number']} {e['title']}", lang), numbers[e["id"]])
                for e in outline]
    assert found == expected
    sections = [e for e in outline if e["level"] == 1]
    assert len(sections) >= 12  # about, contacts, synopsis, flow, … sites


@pytest.mark.parametrize("lang", LANGS)
def test_html_has_a_linked_contents_list(built, model, lang):
    page = (built / f"site-manual.{lang}.html").read_text(encoding="utf-8")
    for entry in site_manual.context(model, lang)["outline"]:
        assert f'href="#{entry["id"]}"' in page
        assert re.search(rf'<h[23] id="{re.escape(entry["id"])}">', page), entry["id"]


def _yaml_criteria():
    data = yaml.safe_load((EXAMPLE / "trial.yaml").read_text(encoding="utf-8"))["eligibility"]
    return data["inclusion"], data["exclusion"]


@pytest.mark.parametrize("lang", LANGS)
def test_checklist_has_every_criterion_in_yaml_order(built, lang):
    inclusion, exclusion = _yaml_criteria()
    page = (built / f"site-manual.{lang}.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-criterion="([^"]+)"><td class="cid">[^<]*</td><td(?: lang="en")?>([^<]*)</td>'
                      r'<td class="tick"><span class="checkbox"[^>]*></span></td>'
                      r'<td class="tick"><span class="checkbox"[^>]*></span></td></tr>', page)
    questions = [c for c in inclusion + exclusion if not c.get("heading") and not c.get("same_as")]
    assert [(i, html.unescape(t)) for i, t in rows] == \
        [(c["id"], typography.text(variant(c, "text", lang), lang)) for c in questions]
    # a heading is a heading row, without boxes; a repeated criterion is left out
    assert re.findall(r'<tr class="criteria-heading" data-heading="([^"]+)">', page) == \
        [c["id"] for c in inclusion + exclusion if c.get("heading")] == ["E10"]
    assert 'data-criterion="E19"' not in page
    # in the PDF, every criterion in order, on the checklist pages, with Yes and No columns
    s = strings(lang)
    texts = pages(built / f"site-manual.{lang}.pdf")
    title = s["manual"]["sections"]["checklist"]
    start = next(i for i, t in enumerate(texts) if re.search(r"\d+\.\d+ " + re.escape(title), t)
                 and not is_contents(t, lang))
    body = " ".join(texts[start:start + 4])
    position = 0
    for criterion in [c for c in inclusion + exclusion if not c.get("same_as")]:
        found = body.find(normalize(variant(criterion, "text", lang)), position)
        assert found >= 0, f"{criterion['id']} missing or out of order"
        position = found
    assert s["manual"]["eligible"] in body and s["manual"]["signature"] in body


@pytest.mark.parametrize("lang", LANGS)
def test_schedule_is_landscape_with_every_procedure_and_visit(built, model, lang):
    path = built / f"site-manual.{lang}.pdf"
    reader = pdf_reader(path)
    ctx = site_manual.context(model, lang)
    texts = pages(path)
    names = [normalize(r["name"]) for g in ctx["schedule"]["tables"][0]["groups"]
             for r in g["rows"]]
    window = strings(lang)["manual"]["window"]
    schedule_pages = [i for i, t in enumerate(flat(t) for t in texts)
                      if "C1D1" in t and "CnD5" in t and window in t
                      and any(flat(n) in t for n in names if len(n) > 20)]
    assert schedule_pages
    for i in schedule_pages:
        box = reader.pages[i].mediabox
        assert box.width > box.height, f"page {i + 1} is not landscape"
    text = flat(" ".join(texts[i] for i in schedule_pages))
    for name in names:
        assert flat(name) in text
    for visit in ctx["schedule"]["visits"]:
        assert visit["id"] in text and flat(visit["day"]) in text


@pytest.mark.parametrize("lang", LANGS)
def test_flow_diagram_is_svg_in_html_and_drawn_in_pdf(built, model, lang):
    page = (built / f"site-manual.{lang}.html").read_text(encoding="utf-8")
    svg = re.search(r"<svg [^>]*class=\"flow-diagram\".*?</svg>", page, re.S)
    assert svg
    ET.fromstring(svg.group(0))  # well-formed
    ctx = site_manual.context(model, lang)
    for visit in ctx["schedule"]["visits"]:
        assert f">{visit['id']}</tspan>" in svg.group(0)
    texts = pages(built / f"site-manual.{lang}.pdf")
    flow_page = [t for t in texts if t.startswith(f"{ctx['sec']['flow']['number']} "
                                                  f"{ctx['sec']['flow']['title']}")
                 or f" {ctx['sec']['flow']['number']} {ctx['sec']['flow']['title']} " in t
                 and not is_contents(t, lang)]
    assert flow_page and all(v["id"] in flow_page[0] for v in ctx["schedule"]["visits"])


@pytest.mark.parametrize("lang", LANGS)
def test_safety_section_gives_the_timelines(built, model, lang):
    text = flat(" ".join(pages(built / f"site-manual.{lang}.pdf")))
    ctx = site_manual.context(model, lang)
    for row in ctx["safety"]["reporting"]:
        assert flat(row["deadline"]) in text
    assert ctx["clocks"], "the example declares eu_ctd and ich_e6r2"
    for clock in ctx["clocks"]:
        assert flat(clock["source"]) in text
    # the rules in force at the manual's date (2020): the EU Directive and ICH E6(R2)
    sources = " ".join(clock["source"] for clock in ctx["clocks"])
    assert "2001/20" in sources and "E6(R2)" in sources
    assert "536/2014" not in text and "E6(R3)" not in text
    assert flat(ctx["safety"]["pregnancy"]["follow_up_until"]) in text
    assert ctx["contacts"]["vigilance"]["phone"] in text


@pytest.mark.parametrize("lang", LANGS)
def test_contacts_directory_names_everyone(built, model, lang):
    text = " ".join(pages(built / f"site-manual.{lang}.pdf"))
    from trialdocs.locales import person_name

    for official in model["officials"]:
        assert person_name(official["person_data"], lang) in text
    for site in model["sites"]:
        assert person_name(site["investigator_person"], lang) in text
        assert site["phone"] in text and site["emergency_phone"] in text
        assert site["pharmacy"]["phone"] in text



def _laboratories(folder: Path = EXAMPLE) -> list[dict]:
    data = yaml.safe_load((folder / "conduct.yaml").read_text(encoding="utf-8"))
    return data["site_manual"]["laboratories"]


def _in(value, lang):
    return value.get(lang, "") if isinstance(value, dict) else value


@pytest.mark.parametrize("lang", LANGS)
def test_contact_directory_lists_the_laboratories_samples_go_to(built, model, lang):
    """Each laboratory of site_manual.laboratories, in the contact directory chapter (before
    the synopsis): its name, where it is, whom to call, what is sent there and how."""
    texts = pages(built / f"site-manual.{lang}.pdf")
    sec = site_manual.context(model, lang)["sec"]
    heading = f"{sec['laboratories']['number']} {sec['laboratories']['title']}"
    synopsis = f"{sec['synopsis']['number']} {sec['synopsis']['title']}"
    first = next(i for i, t in enumerate(texts) if heading in t and not is_contents(t, lang))
    last = next(i for i, t in enumerate(texts) if synopsis in t and not is_contents(t, lang))
    assert sec["laboratories"]["number"].startswith(sec["contacts"]["number"] + ".")
    directory = flat(" ".join(texts[first:last]))
    labs = _laboratories()
    assert len(labs) >= 2
    for lab in labs:
        for value in (_in(lab["name"], lang), _in(lab["role"], lang), _in(lab["contact"], lang),
                      lab["phone"],
                      lab["email"], lab["address"]["street"], _in(lab["hours"], lang)):
            assert flat(value) in directory, (lab["id"], value)
        for sample in lab["samples"]:
            for key in ("what", "shipping", "when"):
                assert flat(_in(sample[key], lang)) in directory, (lab["id"], key)
    m = strings(lang)["manual"]
    assert flat(m["lab_what"]) in directory and flat(m["lab_shipping"]) in directory


def test_us_example_directory_lists_its_laboratories():
    """The US example's laboratories, in its English manual (HTML, rendered in-process)."""
    folder = EXAMPLE.parent / "nct02210780"
    target = next(t for t in site_manual.targets(_model(folder, folder.name))
                  if t.path == "site-manual.en.html")
    text = normalize(html.unescape(re.sub(r"<[^>]+>", " ", target.render().decode())))
    for lab in _laboratories(folder):
        assert normalize(lab["name"]) in text and lab["phone"] in text
        for sample in lab["samples"]:
            assert normalize(sample["shipping"]) in text


def test_laboratory_without_phone_or_email_is_an_error(example_copy):
    line = _edit(example_copy, "conduct.yaml", '      phone: "+33 1 00 00 00 41"\n'
                 "      email: biobanque-il2@example.org\n", "")
    found = [d for d in _check(example_copy).diagnostics if "laboratory" in d.message]
    assert [(d.severity, d.path, d.message) for d in found] == [
        ("error", "site_manual.laboratories[1]", "laboratory 'biobank' has no phone or e-mail")]
    assert found[0].file.endswith("conduct.yaml") and found[0].line < line

def test_french_manual_is_in_french(built):
    text = " ".join(pages(built / "site-manual.fr.pdf"))
    m = strings("fr")["manual"]
    for key in ("contacts", "synopsis", "checklist", "schedule", "safety", "sites"):
        assert m["sections"][key] in text
    assert "Critères de non-inclusion" in text and "Sélection" in text


# -- the big schedule --------------------------------------------------------------------------

def test_big_schedule_spans_pages_with_its_header_on_each(big):
    folder, out, _ = big
    path = out / "site-manual.en.pdf"
    reader = pdf_reader(path)
    texts = pages(path)
    m = strings("en")["manual"]
    schedule = big_schedule()
    names = [p["name"] for p in schedule["procedures"]]
    # the grid's pages: those before the checklists per visit (which name procedures too)
    checklists = max(i for i, t in enumerate(texts)
                     if re.search(r"\d+\.\d+ " + m["sections"]["visit_checklists"], t) and "...." not in t)
    rows_on = [i for i, t in enumerate(texts[:checklists]) if any(n in t for n in names)]
    assert len(rows_on) >= 3, f"schedule on pages {[i + 1 for i in rows_on]}"
    model = _model(folder, "big-schedule")
    tables = site_manual.context(model, "en")["schedule"]["tables"]
    assert len(tables) >= 2  # 20 visits: split into parts that fit a landscape page
    for i in rows_on:
        box = reader.pages[i].mediabox
        assert box.width > box.height, f"page {i + 1} is not landscape"
        # the header rows are on every page: row titles and the visits of one part
        for word in (m["epoch"], m["visit"], m["day"], m["window"]):
            assert word in texts[i], f"page {i + 1} has no header ({word})"
        assert any(all(v["name"] in texts[i] for v in t["visits"]) for t in tables), \
            f"page {i + 1} lacks the visit names of its part"
    text = " ".join(texts[i] for i in rows_on)
    for name in names:
        assert name in text
    for visit in schedule["visits"]:
        assert visit["name"] in text and visit["id"] in text




def test_big_schedule_fits_the_page(big):
    _, _, sticking_out = big
    assert sticking_out == []


@pytest.fixture(scope="module")
def laid_out():
    """WeasyPrint's layout of a worked example's manual in one language, made once per
    module: (slug, lang) -> Document. Both examples, every language of each."""
    from trialdocs.pdf import render_document

    cache = {}

    def get(slug: str, lang: str):
        if (slug, lang) not in cache:
            folder = EXAMPLE.parent / slug
            cache[slug, lang] = render_document(site_manual.payload(_model(folder, slug), lang))
        return cache[slug, lang]

    return get


@pytest.mark.parametrize("lang", LANGS)
def test_example_fits_the_page(laid_out, lang):
    assert overflows(laid_out(SLUG, lang)) == []


FILLED = [(SLUG, lang) for lang in LANGS] + [("nct02210780", "en")]


@pytest.mark.parametrize("slug,lang", FILLED)
def test_no_page_is_less_than_a_third_full(laid_out, slug, lang):
    """Issue 11: no page less than a third full, except before a landscape section or a
    part that must start on a new page (a chapter, the contents, a form to copy); a form
    or the contents spilling over onto a page is never excused (tests/pagefill.py)."""
    from pagefill import fill, short_pages

    document = laid_out(slug, lang)
    assert short_pages(document) == []
    # the measure sees what is drawn: the title page and a full log page are well filled
    assert fill(document.pages[0]) > 0.4 and max(fill(p) for p in document.pages) > 0.9


# -- check ---------------------------------------------------------------------------------------

def _check(folder):
    return check_protocol(folder)


def _edit(folder: Path, name: str, old: str, new: str):
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1  # the line of the edit


def test_example_checks_clean():
    checked = _check(EXAMPLE)
    assert [str(d) for d in checked.diagnostics if d.code == site_manual.CODE] == []
    assert checked.ok


def test_unknown_visit_in_schedule_is_an_error_with_its_line(example_copy):
    line = _edit(example_copy, "conduct.yaml", "      visits: [V0, C1D1]\n",
                 "      visits: [V0, C1D9]\n")
    result = run_cli("check", example_copy)
    assert result.returncode == 1
    assert re.search(rf"conduct\.yaml:{line}:\d+: error: schedule\.procedures\[1\]\.visits\[1\]: "
                     r"'C1D9' is not a known visit", result.stdout), result.stdout


def test_visit_without_window_is_a_warning(example_copy):
    line = _edit(example_copy, "conduct.yaml", "      day: 365\n      window: [-14, 14]\n",
                 "      day: 365\n")
    found = [d for d in _check(example_copy).diagnostics if "has no window" in d.message]
    assert len(found) == 1 and found[0].severity == "warning"
    assert found[0].file.endswith("conduct.yaml") and found[0].line < line


def test_visit_without_any_day_is_an_error(example_copy):
    _edit(example_copy, "conduct.yaml", "      day: 365\n      window: [-14, 14]\n", "")
    found = [d for d in _check(example_copy).diagnostics if "has no day" in d.message]
    assert len(found) == 1 and found[0].severity == "error" and found[0].line > 0


def test_visits_out_of_time_order_are_an_error(example_copy):
    line = _edit(example_copy, "conduct.yaml", "      day: 365\n      window: [-14, 14]\n",
                 "      day: 3\n      window: [-1, 1]\n")
    found = [d for d in _check(example_copy).diagnostics if "comes before it" in d.message]
    assert len(found) == 1 and found[0].severity == "error"
    assert "M12" in found[0].message and found[0].line < line


def test_window_that_excludes_the_day_is_an_error(example_copy):
    line = _edit(example_copy, "conduct.yaml", "      day: 365\n      window: [-14, 14]\n",
                 "      day: 365\n      window: [2, 14]\n")
    found = [d for d in _check(example_copy).diagnostics if "must hold the day" in d.message]
    assert len(found) == 1 and found[0].line == line + 1


def test_missing_vigilance_contact_is_an_error(example_copy):
    path = example_copy / "conduct.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index("  vigilance_contact:")], encoding="utf-8")
    found = [d for d in _check(example_copy).diagnostics if "vigilance_contact" in d.message]
    assert len(found) == 1 and found[0].severity == "error"


def test_manual_language_must_be_a_protocol_language(example_copy):
    _edit(example_copy, "trial.yaml", "  languages: [fr, en]\n", "  languages: [fr]\n")
    messages = [d.message for d in _check(example_copy).diagnostics]
    assert any("'en' is not one of protocol.languages" in m for m in messages)


# -- the diagram on its own ------------------------------------------------------------------------

def test_flow_svg_escapes_every_text():
    hostile = '<script>alert("x")</script> & <b>'
    svg = flow_svg([{"name": hostile, "visits": [{"id": "<i>", "name": hostile, "day": hostile,
                                                  "repeat": True}]}], hostile, hostile, hostile)
    assert "<script" not in svg and "<b>" not in svg and "<i>" not in svg
    root = ET.fromstring(svg)
    texts = "".join(root.itertext())
    assert "alert" in texts


def test_flow_svg_wraps_long_names_inside_boxes():
    from trialdocs.flowchart import BOX_W, NAME_SIZE, text_width

    name = "End of treatment (30 days after the last injection, -3 to +7 days)"
    svg = flow_svg([{"name": "Follow-up", "visits": [{"id": "EOT", "name": name, "day": "Day 35",
                                                      "repeat": False}] * 6}], "t", "repeated")
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    spans = [t.text for t in root.iterfind(".//s:text[@font-size='%s']/s:tspan" % NAME_SIZE, ns)]
    assert len(spans) >= 6 * 3
    assert all(text_width(s, NAME_SIZE, 600) <= BOX_W - 12 for s in spans)


def test_manual_strings_exist_in_every_language():
    def keys(value, prefix=""):
        if isinstance(value, dict):
            return {k for key, item in value.items() for k in keys(item, f"{prefix}{key}.")} | \
                {prefix}
        return {prefix}

    assert keys(strings("en")["manual"]) == keys(strings("fr")["manual"])


# -- optional parts left out ------------------------------------------------------------------------

def test_optional_parts_left_out_leave_no_gap_and_no_bare_page(big):
    """No manual texts, no product handling, no amendments, no pharmacy: those sections go,
    numbering stays contiguous, and no page holds a chapter title alone."""
    folder, out, sticking_out = big
    model = _model(folder, "big-schedule")
    ctx = site_manual.context(model, "en")
    ids = [e["id"] for e in ctx["outline"]]
    assert "product" not in ids and "consent" not in ids and "pregnancy" not in ids
    assert "checklist" in ids and "grid" in ids and "sites" in ids
    tops = [e["number"] for e in ctx["outline"] if e["level"] == 1]
    assert tops == [str(n) for n in range(1, len(tops) + 1)]
    assert sticking_out == []
    assert _bare_pages(pages(out / "site-manual.en.pdf"), ctx, "en") == []


def _bare_pages(texts, ctx, lang) -> list[int]:
    """Pages (after the contents) that hold nothing but headings and running text."""
    s = strings(lang)
    m = s["manual"]
    study = ctx["study"]
    noise = [study["title"], ctx["manual"]["running"],
             f"{study['org_study_id']} · {m['protocol_version']} "
             + m["version_of"].format(version=study["protocol_version"], date=study["protocol_date"])]
    bare = []
    for number, page in enumerate(texts[2:], start=3):
        rest = re.sub(rf"{s['page']} \d+ {s['of']} \d+", "", page)
        for text in noise + [f"{e['number']} {e['title']}" for e in ctx["outline"]]:
            rest = rest.replace(text, "")
        if len(rest.strip()) < 40:
            bare.append(number)
    return bare


@pytest.mark.parametrize("lang", LANGS)
def test_no_page_holds_headings_only(built, model, lang):
    texts = pages(built / f"site-manual.{lang}.pdf")
    assert _bare_pages(texts, site_manual.context(model, lang), lang) == []


def test_heading_like_and_repeated_criteria_are_warned(example_copy):
    """Without 'heading: true' and 'same_as', the registered E10 (a heading) and E19 (E14 again)
    would be checklist questions: check says so, at their lines."""
    trial = example_copy / "trial.yaml"
    text = trial.read_text(encoding="utf-8")
    text = text.replace("      heading: true\n", "", 1)
    text = text.replace("      same_as: E14    # as registered: the record lists it twice\n", "", 1)
    trial.write_text(text, encoding="utf-8")
    warnings = {d.path: d for d in check_protocol(example_copy).diagnostics if d.severity == "warning"}
    heading = warnings["eligibility.exclusion[9].text"]
    assert "criterion 'E10' ends with ':'" in heading.message and "heading: true" in heading.hint
    repeated = warnings["eligibility.exclusion[18].text"]
    assert "criterion 'E19' repeats criterion 'E14'" in repeated.message
    assert repeated.line == _line(trial, '      text: "patients with autoimmune disease;"')


def _line(path, line):
    return path.read_text(encoding="utf-8").splitlines().index(line) + 1


@pytest.mark.parametrize("lang", LANGS)
def test_a_checklist_per_visit_lists_what_the_schedule_marks(built, lang):
    """Each visit's checklist has exactly the procedures whose 'visits' name it, in order."""
    conduct = yaml.safe_load((EXAMPLE / "conduct.yaml").read_text(encoding="utf-8"))["schedule"]
    page = (built / f"site-manual.{lang}.html").read_text(encoding="utf-8")
    part = page[page.index('id="visit-checklists"'):]
    part = part[:part.index("</section>")]
    blocks = part.split('<div class="visit-checklist">')[1:]
    visits = [v["id"] for v in conduct["visits"]
              if any(v["id"] in p.get("visits", []) for p in conduct["procedures"])]
    assert [re.search(r'<span class="vid">([^<]+)</span>', b)[1] for b in blocks] == visits
    for visit, block in zip(visits, blocks):
        names = [html.unescape(n).strip() for n in re.findall(r"<tr><td>([^<]+?)(?: <span)", block)]
        expected = [typography.text(p["name"][lang], lang) for p in conduct["procedures"]
                    if visit in p.get("visits", [])]
        assert sorted(names) == sorted(expected), visit


@pytest.mark.parametrize("lang", LANGS)
def test_working_logs_and_forms_are_printable_pages(built, model, lang):
    """Screening, delegation, deviation and temperature logs (landscape, empty rows) and the
    SAE and pregnancy report forms, each a section of the manual, in the PDF and its outline."""
    m = strings(lang)["manual"]
    texts = pages(built / f"site-manual.{lang}.pdf")
    outline = site_manual.context(model, lang)["outline"]
    keys = ["screening_log", "delegation_log", "deviation_log", "temperature_log", "sae_form",
            "pregnancy_form"]
    assert [e["id"] for e in outline if e["id"].startswith("form-")] == [f"form-{k}" for k in keys]
    for key in keys:
        title = normalize(m["forms"][key]["title"])
        starts = [i for i, t in enumerate(texts) if re.search(r"\d+\.\d+ " + re.escape(title), t)
                  and "...." not in t]
        assert starts, key
        body = texts[starts[-1]]          # the form's page (the contents may name it too)
        for label in m["forms"][key].get("columns") or m["forms"][key]["fields"]:
            assert normalize(label).split(" ")[0] in body, (key, label)
    reader = pdf_reader(built / f"site-manual.{lang}.pdf")
    landscape = [i for i, p in enumerate(reader.pages) if p.mediabox.width > p.mediabox.height]
    for key in keys[:4]:
        title = normalize(m["forms"][key]["title"])
        assert any(title in texts[i] for i in landscape), key


ENGLISH_WORDS = {"the", "with", "of", "and", "to", "for", "by", "after", "from", "who", "is", "are",
                 "at", "or", "an", "in", "each", "participants", "women", "day"}


def _english(text: str) -> bool:
    """Two or more distinct English function words: an English sentence, not a French one."""
    return len(ENGLISH_WORDS & set(re.findall(r"[a-z]+", text.lower()))) >= 2


@pytest.mark.skipif("fr" not in LANGS, reason="the example has no French site manual")
def test_french_site_manual_has_no_english_sentence(built, model):
    """Eligibility, endpoints, arms and the header read in French (the local.fr variants);
    none of the registry's English texts appears."""
    page = html.unescape((built / "site-manual.fr.html").read_text(encoding="utf-8"))
    ctx = site_manual.context(model, "fr")
    header = [ctx["doc"]["title"], ctx["study"]["title"], ctx["study"]["official_title"],
              re.search(r"<title>([^<]*)</title>", page)[1],
              re.search(r'<h1 class="running-title">([^<]*)</h1>', page)[1]]
    criteria = [c["text"] for kind in ("inclusion", "exclusion") for c in ctx["eligibility"][kind]]
    endpoints = [x for o in ctx["synopsis"]["objectives"] for e in o["outcomes"]
                 for x in (e["measure"], e["time_frame"])]
    arms = [x for a in ctx["synopsis"]["arms"] for x in (a["label"], a["description"], *a["interventions"])]
    assert len(criteria) == 28 and len(endpoints) == 14 and len(arms) == 3
    english = [t for t in header + criteria + endpoints + arms if _english(t)]
    assert english == []
    for text in criteria + endpoints + arms + header[:3]:
        assert typography.text(text, "fr") in page, text
    data = yaml.safe_load((EXAMPLE / "trial.yaml").read_text(encoding="utf-8"))
    registry = [c["text"] for kind in ("inclusion", "exclusion") for c in data["eligibility"][kind]] + \
        [o["measure"] for kind in ("primary", "secondary", "other") for o in data["outcomes"].get(kind) or []] + \
        [data["identification"]["brief_title"], data["arms"][0]["label"]]
    assert [t for t in registry if typography.text(t, "fr") in page or t in page] == []
    assert _english(data["eligibility"]["inclusion"][0]["text"])   # the detector can fire


def test_language_leak_is_warned_naming_the_field(example_copy):
    trial = example_copy / "trial.yaml"
    text = trial.read_text(encoding="utf-8")
    start = text.index("    - id: E3\n")
    cut = text.index("      local:\n", start)
    end = text.index("\n", text.index("text:", cut)) + 1
    trial.write_text(text[:cut] + text[end:], encoding="utf-8")
    warnings = [d for d in check_protocol(example_copy).diagnostics if d.severity == "warning"]
    assert [(d.path, d.message) for d in warnings] == [
        ("eligibility.exclusion[2].text", "language leak: the site manual (fr) would show "
         "eligibility.exclusion.*.text in English, the registry's language")]
    assert warnings[0].hint == "give the text in 'fr' as local.fr.text beside it"


@pytest.mark.parametrize("lang", LANGS)
def test_manual_shows_the_protocol_as_planned_not_the_registry_later(built, model, lang):
    """Dated 30 November 2020, the manual shows protocol.planned (18 participants planned,
    December 2020 to December 2022), not the registry's actual enrollment, dates or status."""
    m = strings(lang)["manual"]
    page = html.unescape((built / f"site-manual.{lang}.html").read_text(encoding="utf-8"))
    facts = {f["label"]: f["value"] for f in site_manual.context(model, lang)["synopsis"]["facts"]}
    assert facts[m["enrollment"]] == m["enrollment_value"].format(n=18, type=m["date_types"]["ESTIMATED"])
    assert facts[m["study_period"]] == m["period_value"].format(
        start=site_manual.format_date("2020-12", lang), end=site_manual.format_date("2022-12", lang))
    for later in (m["date_types"]["ACTUAL"], m["statuses"]["COMPLETED"], "2025"):
        assert later not in page.replace(typography.NBSP, " ").split("</header>")[1], later


@pytest.mark.parametrize("lang", LANGS)
def test_abbreviations_section_lists_the_glossary(built, model, lang):
    page = html.unescape((built / f"site-manual.{lang}.html").read_text(encoding="utf-8"))
    part = page[page.index('id="abbreviations"'):]
    part = part[:part.index("</table>")]
    terms = re.findall(r'<tr><th scope="row">([^<]+)</th>', part)
    glossary = model["site_manual"]["glossary"]
    assert terms == sorted((g["term"] for g in glossary), key=str.casefold)
    assert typography.text(next(g for g in glossary if g["term"] == "SAE")["meaning"][lang], lang) in part


def test_abbreviation_used_but_not_defined_is_warned(example_copy):
    conduct = example_copy / "conduct.yaml"
    text = conduct.read_text(encoding="utf-8")
    start = text.index('    - term: "SUSAR"\n')
    end = text.index("    - term:", start + 10)
    conduct.write_text(text[:start] + text[end:], encoding="utf-8")
    warnings = [d for d in check_protocol(example_copy).diagnostics if d.severity == "warning"]
    assert [(d.path, d.message) for d in warnings] == [
        ("site_manual.glossary", "the manual uses abbreviations the glossary does not define: SUSAR")]
