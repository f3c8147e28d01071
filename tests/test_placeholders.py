"""Placeholders left in any protocol are reported where they are written."""

from __future__ import annotations

from buildhelp import edit
from trialdocs.check import check_protocol
from trialdocs.errors import ACCEPTED


def test_placeholders_in_a_folded_text_and_after_a_value_are_located(example_copy):
    edit(example_copy / "patient.yaml", "The study tests start only after you sign.",
         "[PLACEHOLDER: when the tests start]")
    edit(example_copy / "trial.yaml", "    count: 18\n",
         "    count: 18  # PLACEHOLDER: planned number\n")
    edit(example_copy / "trial.yaml", "oversight:\n",
         "# PLACEHOLDER: a whole-line comment is prose, not a mark\noversight:\n")
    checked = check_protocol(example_copy)
    found = sorted((d.file.rsplit("/", 1)[-1], d.line, d.col, d.path, d.message)
                   for d in checked.diagnostics if d.severity != ACCEPTED)
    text = (example_copy / "trial.yaml").read_text(encoding="utf-8").splitlines()
    patient = (example_copy / "patient.yaml").read_text(encoding="utf-8").splitlines()
    count_line = next(i for i, line in enumerate(text, 1) if "count: 18" in line)
    mark_line = next(i for i, line in enumerate(patient, 1) if "[PLACEHOLDER" in line)
    assert found == [
        ("patient.yaml", mark_line, patient[mark_line - 1].index("[PLACEHOLDER") + 1, "consent.reflection_time.en",
         "placeholder to replace: when the tests start"),
        ("trial.yaml", count_line, text[count_line - 1].index("#") + 1, "design.enrollment.count",
         "invented value to replace: planned number"),
    ]
    assert checked.ok
