"""The worked example broken as a new user would break it: each mistake named at its place.

A copy of protocol/nct03970954 gets five mistakes at once (a misspelt key, a
deleted required field, a wrong code, a broken reference, a missing
translation); one ``check`` run must name each at its file, line and column,
with a "did you mean" where one helps. Lines are found in the files at test
time, so the example may grow without breaking these tests.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import EXAMPLE, run_cli
from trialdocs import codes
from trialdocs.errors import Diagnostic
from trialdocs.load import dotted, load_protocol


@pytest.fixture(scope="module")
def example_is_clean():
    from trialdocs.check import check_protocol

    if not EXAMPLE.is_dir():
        pytest.skip(f"{EXAMPLE} is not there yet")
    checked = check_protocol(EXAMPLE)
    if not checked.ok:
        first = next(d for d in checked.diagnostics if d.severity == "error")
        pytest.skip(f"protocol/nct03970954 does not pass check yet ({first}); a broken copy "
                    "would mix its errors with the ones these tests make")


class Copy:
    """The example's files as lines, to find and edit one line at a time."""

    def __init__(self, folder):
        self.folder = folder
        self.lines = {p.name: p.read_text(encoding="utf-8").split("\n")
                      for p in folder.glob("*.yaml")}

    def find(self, file, pattern, after=None):
        """1-based number of the first line matching pattern (after a line matching `after`)."""
        lines = self.lines[file]
        start = self.find(file, after) if after else 0
        for number, line in enumerate(lines[start:], start + 1):
            if re.search(pattern, line):
                return number
        raise AssertionError(f"no line matching {pattern!r} in the example's {file}")

    def items_before(self, file, block, number):
        """Index of the list item of a top-level block that line `number` lies in."""
        start = self.find(file, rf"^{block}:")
        return sum(1 for line in self.lines[file][start:number] if line.startswith("  - ")) - 1

    def save(self):
        for name, lines in self.lines.items():
            (self.folder / name).write_text("\n".join(lines), encoding="utf-8")


def test_five_mistakes_in_a_copy_of_the_example(example_is_clean, example_copy):
    source = load_protocol(EXAMPLE)[0]
    copy = Copy(example_copy)
    slug = example_copy.name
    expected = []

    # 1. A misspelt key.
    n = copy.find("trial.yaml", r"^  brief_title:")
    copy.lines["trial.yaml"][n - 1] = copy.lines["trial.yaml"][n - 1].replace("brief_title",
                                                                              "brief_tilte")
    expected.append(f"{slug}/trial.yaml:{n}:3: error: identification.brief_tilte: unknown field "
                    "'brief_tilte' (did you mean 'brief_title'?)")

    # 2. A required field deleted.
    n = copy.find("trial.yaml", r"^  sex: ")
    del copy.lines["trial.yaml"][n - 1]
    at = copy.find("trial.yaml", r"^eligibility:")
    expected.append(f"{slug}/trial.yaml:{at}:1: error: eligibility.sex: missing required field "
                    "'sex'")

    # 3. A code that does not exist.
    n = copy.find("trial.yaml", r"^    type: DRUG$", after=r"^interventions:")
    copy.lines["trial.yaml"][n - 1] = "    type: DRUGS"
    index = copy.items_before("trial.yaml", "interventions", n)
    expected.append(f"{slug}/trial.yaml:{n}:11: error: interventions[{index}].type: 'DRUGS' is "
                    "not allowed (did you mean 'DRUG'? allowed: "
                    + ", ".join(codes.INTERVENTION_TYPE) + ")")

    # 4. A broken reference: an arm names an intervention that does not exist.
    n = copy.find("trial.yaml", r"^    interventions: \[", after=r"^arms:")
    line = copy.lines["trial.yaml"][n - 1]
    ref = re.search(r"\[\s*([^],\s]+)", line)[1]
    typo = ref[:-1] + "-" + ref[-1]
    copy.lines["trial.yaml"][n - 1] = line.replace(ref, typo, 1)
    arm = copy.items_before("trial.yaml", "arms", n)
    known = sorted(i["id"] for i in source.data["interventions"])
    expected.append(f"{slug}/trial.yaml:{n}:{line.index(ref) + 1}: error: "
                    f"arms[{arm}].interventions[0]: '{typo}' is not a known intervention "
                    f"(did you mean '{ref}'? interventions: {', '.join(known)})")
    other_uses = [a for i, a in enumerate(source.data["arms"])
                  if i != arm and ref in (a.get("interventions") or [])]
    if not other_uses:  # the intervention is then used by no arm: said too, at its id
        k = [i["id"] for i in source.data["interventions"]].index(ref)
        _, line_id, col_id = source.positions[("interventions", k, "id")]
        expected.append(f"{slug}/trial.yaml:{line_id}:{col_id}: error: interventions[{k}].id: "
                        f"intervention '{ref}' is not given in any arm (name it in the "
                        "'interventions' list of an arm)")

    # 5. A translation removed: the 'fr' line of a one-line fr/en pair in patient.yaml.
    lines = copy.lines["patient.yaml"]
    pair = next(i for i in range(len(lines) - 1)
                if re.match(r"^( +)fr: \"[^\"]*\"$", lines[i])
                and re.match(rf"^{re.match(r'^( +)', lines[i])[1]}en: \"[^\"]*\"$", lines[i + 1]))
    indent = len(lines[pair]) - len(lines[pair].lstrip())
    localized = next(path[:-1] for path, pos in source.key_positions.items()
                     if pos[0].endswith("patient.yaml") and pos[1:] == (pair + 1, indent + 1))
    del lines[pair]
    expected.append(f"{slug}/patient.yaml:{pair + 1}:{indent + 1}: error: {dotted(localized)}: "
                    "missing translation for 'fr'")

    copy.save()
    text = run_cli("check", slug, cwd=example_copy.parent)
    as_json = run_cli("check", "--format", "json", slug, cwd=example_copy.parent)
    for result in (text, as_json):
        assert result.returncode == 1
        assert "Traceback" not in result.stdout + result.stderr
    printed = text.stdout.splitlines()
    for line in expected:
        assert line in printed
    ours = [str(Diagnostic(**d)) for d in json.loads(as_json.stdout) if d["code"] != "registry"]
    assert sorted(ours) == sorted(expected)
