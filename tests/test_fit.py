"""A site name too long for the running header: warned at its place, and never cut.

The running header (study title left, site name right, 8 pt) is a page-margin box
of fixed height. `check` warns when a field is longer than it holds; the PDF still
wraps the text onto more lines rather than dropping words past the page edge.
"""

from __future__ import annotations

import re

from conftest import run_cli
from pdftext import pages

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
