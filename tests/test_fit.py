"""A site name too long for the running header: warned at its place, and never cut.

The running header (study title left, site name right, 8 pt) is a page-margin box
of fixed height. `check` warns when a field is longer than it holds; the PDF still
wraps the text onto more lines rather than dropping words past the page edge.
A word longer than a table column wraps inside its cell, on the page.
"""

from __future__ import annotations

import re

from conftest import run_cli
from pdftext import pages, text

LONG_NAME = " ".join(f"Name{n:02d}" for n in range(30))  # 209 characters, each word numbered


def test_long_site_name_is_warned_and_whole_on_every_page_header(example_copy, tmp_path):
    people = example_copy / "people.yaml"
    body = people.read_text(encoding="utf-8")
    assert 'name: "Hôpital Tenon, AP-HP"' in body
    people.write_text(body.replace('name: "Hôpital Tenon, AP-HP"', f'name: "{LONG_NAME}"', 1),
                      encoding="utf-8")
    line = next(n for n, text in enumerate(people.read_text().splitlines(), 1) if LONG_NAME in text)

    check = run_cli("check", example_copy)
    assert check.returncode == 0, check.stdout + check.stderr
    assert re.search(rf"people\.yaml:{line}:\d+: warning: sites\[1\]\.name: {len(LONG_NAME)} characters: "
                     r"longer than the running header of each page holds \(150\)", check.stdout), check.stdout

    out = tmp_path / "out"
    build = run_cli("build", example_copy, "--only", "consent", "--site", "tenon", "--lang", "en",
                    "--output", out)
    assert build.returncode == 0, build.stdout + build.stderr
    pdf_pages = pages(out / "nct03970954" / "consent" / "tenon.en.pdf")
    assert len(pdf_pages) > 2
    for number, page in enumerate(pdf_pages[1:], 2):   # the first page has a title block instead
        assert LONG_NAME in page, f"page {number}: the header lost part of the site name"


# Paper tables are laid out from declared column widths (document.css); a word
# longer than its column wraps inside the cell rather than widening the table.
LONG_CELL_WORD = "".join(f"{n:03d}v" for n in range(50))  # 200 characters, each place numbered


def test_long_word_in_a_table_cell_wraps_inside_its_cell_on_the_page(tmp_path):
    from weasyprint.formatting_structure import boxes

    from conftest import EXAMPLE
    from pagefill import overflows
    from trialdocs.documents import consent
    from trialdocs.load import load_protocol
    from trialdocs.model import build_model
    from trialdocs.pdf import render_document, write_pdf

    source, problems = load_protocol(EXAMPLE)
    assert not problems
    visit = source.data["schedule"]["visits"][0]
    visit["lay_name"] = {**visit["lay_name"], "en": f"Screening {LONG_CELL_WORD}"}
    target = next(t for t in consent.targets(build_model(source.data, EXAMPLE.name))
                  if t.path == "consent/tenon.en.pdf")
    document = render_document(target.payload)

    cells = ["".join(getattr(b, "text", "") for b in box.descendants())
             for page in document.pages for box in page._page_box.descendants()
             if isinstance(box, boxes.TableCellBox)]
    cells = [text for text in cells if "000v" in text]
    assert cells and LONG_CELL_WORD in "".join(cells[0].split()), "the word is not in a table cell"
    assert overflows(document) == []
    pdf = tmp_path / "tenon.en.pdf"
    pdf.write_bytes(write_pdf(document, target.payload))
    assert LONG_CELL_WORD in "".join(text(pdf).split())
