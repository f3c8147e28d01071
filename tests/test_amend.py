"""Amendments: the package `trialdocs diff` writes from git history, and the re-consent rule.

A module fixture builds a git repository in a temporary folder with two
commits of the worked example: version 1.0 (made from 2.0 by undoing its
amendment: screening window, urine pregnancy test, consent texts) and 2.0
(the example as committed).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess

import pytest

from conftest import EXAMPLE, run_cli
from pdftext import normalize
from pdftext import text as pdf_text

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="needs git")

ENV = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
       "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
       "GIT_AUTHOR_DATE": "2020-10-15T12:00:00Z", "GIT_COMMITTER_DATE": "2020-10-15T12:00:00Z"}

# version 2.0 text -> version 1.0 text, per file
TO_1_0 = {
    "trial.yaml": [('  version: "2.0"\n  version_date: "2020-10-15"',
                    '  version: "1.0"\n  version_date: "2019-05-20"')],
    "patient.yaml": [('  version: "2.0"\n  version_date: "2020-10-15"',
                      '  version: "1.0"\n  version_date: "2019-05-20"'),
                     ("Day 1, at the hospital: urine pregnancy test, blood test,",
                      "Day 1, at the hospital: blood test,"),
                     ("Jour 1, à l'hôpital : test de grossesse dans les urines, prise de sang,",
                      "Jour 1, à l'hôpital : prise de sang,"),
                     ("      - Before each course, you have a pregnancy test. If it is positive, "
                      "you do not get IL-2.\n", ""),
                     ("      - Avant chaque cure, vous faites un test de grossesse. S'il est positif, "
                      "vous ne recevez pas d'IL-2.\n", "")],
    "conduct.yaml": [("      day_range: [-28, -1]", "      day_range: [-14, -1]"),
                     ("      visits: [V0, C1D1, CnD1]\n      footnote: c",
                      "      visits: [V0]\n      footnote: c")],
}


def git(cwd, *args):
    return subprocess.run([GIT, *args], cwd=cwd, env=ENV, check=True, capture_output=True,
                          text=True).stdout


def make_repo(root, sites=None):
    """The repository; ``sites``: the ids of the sites to keep (default: every site)."""
    folder = root / "protocol" / EXAMPLE.name
    _copy_example(folder, sites)
    for name, edits in TO_1_0.items():
        path = folder / name
        text = path.read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text, f"{name}: {old[:40]!r} no longer in the example"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "protocol 1.0")
    shutil.rmtree(folder)
    _copy_example(folder, sites)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "protocol 2.0")
    return folder


def _copy_example(folder, sites):
    shutil.copytree(EXAMPLE, folder)
    if sites is not None:
        import yaml

        from trialdocs.load import load_protocol_file_plain

        people = load_protocol_file_plain(folder / "people.yaml")
        people["sites"] = [site for site in people["sites"] if site["id"] in sites]
        assert [site["id"] for site in people["sites"]] == sites
        (folder / "people.yaml").write_text(
            yaml.safe_dump(people, allow_unicode=True, sort_keys=False, width=10**6),
            encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("repo")
    return make_repo(root)


@pytest.fixture(scope="module")
def full(repo, tmp_path_factory):
    """Every document, HTML only: 1.0 (found by its version number) to the working tree."""
    from trialdocs.amend.package import amendment_package

    return amendment_package(repo, "1.0", None, tmp_path_factory.mktemp("out"), pdf=False)


@pytest.fixture(scope="module")
def with_pdf(repo, examples_built, tmp_path_factory):
    """One consent form with PDFs, twice into the same output folder: (the package,
    its files after the first run, its files after the second). The folder starts as a
    copy of the run's build of the example (conftest.py), which the working tree is:
    its forms are up to date there, as in a user's output/."""
    from trialdocs.amend.package import amendment_package

    out = tmp_path_factory.mktemp("pdf")
    shutil.copytree(examples_built / EXAMPLE.name, out / EXAMPLE.name)
    (out / ".trialdocs").mkdir()
    shutil.copy2(examples_built / ".trialdocs" / f"{EXAMPLE.name}.json", out / ".trialdocs")
    runs = []
    for _ in range(2):
        package = amendment_package(repo, "1.0", None, out, only=["consent"], sites=["tenon"],
                                    langs=["en"])
        runs.append(_files(package.folder))
    return package, *runs


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_summary_lists_every_changed_field_once_with_section_and_rationale(full):
    html = (full.folder / "summary-of-changes.html").read_text(encoding="utf-8")
    assert full.folder.name == "1.0-to-2.0"
    paths = [c.path for c in full.changes]
    assert sorted(paths) == sorted(set(paths))
    assert set(paths) == {"schedule.visits.V0.day_range", "schedule.procedures.pregnancy-test.visits",
                          "consent.procedures", "consent.pregnancy_risks"}
    for path in paths:
        assert html.count(f'data-path="{path}"') == 1
    assert full.warnings == []
    row = html.split('data-path="schedule.visits.V0.day_range"')[1].split("</tr>")[0]
    assert "Screening window extended from 14 to 28 days" in row
    assert "Karyotypes and thrombophilia results" in row
    assert "Information sheet and consent form: What will happen during the study?<br>" \
           "Protocol: 1.3 Schedule of Activities<br>" \
           "Site manual: 7 Schedule of activities" in row
    row = html.split('data-path="consent.pregnancy_risks"')[1].split("</tr>")[0]
    assert "Information sheet and consent form: " in row
    assert "Participants must know about the new test" in row
    for words in ("Description of change", "Brief rationale", "Section number and name",
                  "Participant safety: a pregnancy test before every course",
                  "Substantial impact on the safety or rights of participants?</th><td>Yes",
                  "reliability and robustness of the data?</th><td>No"):
        assert words in html


def test_documents_list_new_modified_unchanged_with_sha(full):
    text = (full.folder / "documents.txt").read_text(encoding="utf-8")
    statuses = {d.path: d.status for d in full.documents}
    assert statuses["consent/tenon.en.html"] == "modified"
    assert "consent/tenon.en.html: modified" in text
    assert "tracked changes: consent/tenon.en.redline.html" in text
    for path, status in statuses.items():
        assert f"{path}: {status}" in text
    # the SHA-256 of the files the build of the working tree wrote, from its manifest
    built = full.folder.parents[1]
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    sha = {e["path"]: e["sha256"] for e in manifest["outputs"]}
    assert sha["consent/tenon.en.html"] == \
        hashlib.sha256((built / "consent/tenon.en.html").read_bytes()).hexdigest()
    assert f"  consent/tenon.en.html\n    previous sha256 " in text
    assert f"    new      sha256 {sha['consent/tenon.en.html']}\n" in text
    assert "consent/tenon.en.pdf" not in text  # HTML only (--no-pdf)
    assert "1.0 (2019-05-20)" in text and "2.0 (2020-10-15)" in text


def test_registry_changes_name_ctgov_fields(full):
    text = (full.folder / "registry-changes.txt").read_text(encoding="utf-8")
    assert text.startswith("ClinicalTrials.gov fields to update: protocol 1.0 -> 2.0")


def test_new_information_sheet_in_each_language(full):
    en = normalize((full.folder / "new-information.en.html").read_text(encoding="utf-8"))
    fr = normalize((full.folder / "new-information.fr.html").read_text(encoding="utf-8"))
    assert "version 2.0 of 15 October 2020 replaces version 1.0 of 20 May 2019" in en
    assert "you now have a urine pregnancy test" in en
    assert "test de grossesse dans les urines" in fr


def test_consent_redline_pdf_shows_deleted_and_inserted_text(with_pdf):
    folder = with_pdf[0].folder
    html = (folder / "consent" / "tenon.en.redline.html").read_text(encoding="utf-8")
    assert '<ins class="td-ins">urine pregnancy test,</ins>' in html
    assert '<del class="td-del">1.0</del>' in html and '<ins class="td-ins">2.0</ins>' in html
    assert "Previous version: 1.0 (2019-05-20) &#8594; This version: 2.0 (2020-10-15)" in html
    text = pdf_text(folder / "consent" / "tenon.en.redline.pdf")
    assert "Tracked changes" in text and "inserted text" in text and "deleted text" in text
    assert "urine pregnancy test" in " ".join(text.split())
    summary = pdf_text(folder / "summary-of-changes.pdf")
    assert "Description of change" in summary


def test_documents_list_html_and_pdf_from_the_manifests(with_pdf):
    package = with_pdf[0].folder
    built = package.parents[1]
    sha = {e["path"]: e["sha256"] for e in json.loads(
        (built / "manifest.json").read_text(encoding="utf-8"))["outputs"]}
    text = (package / "documents.txt").read_text(encoding="utf-8")
    for path in ("consent/tenon.en.html", "consent/tenon.en.pdf"):
        assert f"  {path}\n    previous sha256 " in text
        assert f"    new      sha256 {sha[path]}\n" in text
    listing = (package / "documents.html").read_text(encoding="utf-8")
    assert f'<td class="sha">{sha["consent/tenon.en.pdf"]}; ' in listing


def test_package_is_byte_identical_on_a_second_run(with_pdf):
    _, first, second = with_pdf
    assert "consent/tenon.en.redline.pdf" in first and "summary-of-changes.pdf" in first
    assert first == second


def test_changing_a_consent_risk_without_new_version_is_an_error(tmp_path):
    folder = make_repo(tmp_path, sites=["tenon"])  # one consent form to lay out, not three
    path = folder / "patient.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("where you get the shot.", "where you get the shot, or a bruise."),
                    encoding="utf-8")
    done = run_cli("check", folder)
    assert done.returncode == 1, done.stdout + done.stderr
    line = text.splitlines().index('  version: "2.0"') + 1
    assert f"patient.yaml:{line}:12: error: consent.version: the consent form changed since the " \
           "last commit (consent.risks) but consent.version is still 2.0" in done.stdout
    text = path.read_text(encoding="utf-8").replace('  version: "2.0"\n  version_date: "2020-10-15"',
                                                    '  version: "2.1"\n  version_date: "2020-12-01"')
    path.write_text(text, encoding="utf-8")
    done = run_cli("check", folder)
    assert done.returncode == 0, done.stdout + done.stderr
    # the build writes the new-information sheet, lists it in its summary and manifest
    done = run_cli("build", folder, "--only", "consent", "--lang", "en",
                   "--output", tmp_path / "built", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    built = tmp_path / "built" / folder.name
    assert f"{folder.name}: consent 2.0 -> 2.1: new-information sheet for participants already " \
           "enrolled: consent/new-information.fr.{html,pdf}, consent/new-information.en.{html,pdf}" \
           in done.stdout
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    listed = {e["path"]: e["sha256"] for e in manifest["outputs"]}
    for ext in ("html", "pdf"):
        path = f"consent/new-information.en.{ext}"
        assert listed[path] == hashlib.sha256((built / path).read_bytes()).hexdigest()
    assert "consent/new-information.fr.html" not in listed  # --lang en
    sheet = normalize((built / "consent" / "new-information.en.html").read_text(encoding="utf-8"))
    assert "version 2.1 of 1 December 2020 replaces version 2.0 of 15 October 2020" in sheet
    assert "or a bruise. (how often: very common (more than 1 woman in 10))" in sheet
    assert "urine pregnancy test" not in sheet  # only what is new
    text = " ".join(pdf_text(built / "consent" / "new-information.en.pdf").split())
    assert "New information about the study" in text and "or a bruise." in text
    # the same output: the working tree's consent forms are up to date, not built again
    done = run_cli("diff", folder, "--from", "HEAD", "--no-pdf", "--lang", "en",
                   *("--only", "consent", "--only", "site_manual", "--only", "registry"),
                   "--output", tmp_path / "built", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    package = built / "amendments" / "2.0-to-2.0-working"
    sheet = normalize((package / "new-information.en.html").read_text(encoding="utf-8"))
    assert "version 2.1 of 1 December 2020 replaces version 2.0 of 15 October 2020" in sheet
    assert "or a bruise." in sheet
    listing = (package / "documents.txt").read_text(encoding="utf-8")
    assert "consent/tenon.en.html: modified" in listing
    for unchanged in ("site-manual.en.html", "registry/clinicaltrials-gov.html"):
        assert f"{unchanged}: unchanged" in listing
        assert f"{unchanged[:-5]}.redline.html" not in listing
    assert not (package / "site-manual.en.redline.html").exists()


def test_diff_with_unknown_revision(repo):
    done = run_cli("diff", repo, "--from", "no-such-rev", "--no-pdf")
    assert done.returncode == 2
    assert "'no-such-rev' is neither a git revision nor a protocol.version" in done.stderr
    assert "Traceback" not in done.stderr


def test_diff_outside_a_repository(example_copy):
    done = run_cli("diff", example_copy, "--from", "HEAD", "--no-pdf", cwd=example_copy.parent)
    assert done.returncode == 2
    assert "is not inside a git repository" in done.stderr
    assert "Traceback" not in done.stderr


def test_diff_with_a_folder_that_does_not_check(example_copy, tmp_path):
    broken = tmp_path / "old" / example_copy.name
    shutil.copytree(example_copy, broken)
    (broken / "trial.yaml").write_text("protocol: [\n", encoding="utf-8")
    done = run_cli("diff", example_copy, "--from", broken, "--no-pdf", cwd=tmp_path)
    assert done.returncode == 1
    assert "trial.yaml" in done.stderr and "does not check" in done.stderr
    assert "Traceback" not in done.stderr


# -- the structural diff and the registry changes, without git ---------------------------

def test_diff_matches_list_items_by_id_not_position():
    from trialdocs.amend.diff import diff

    old = {"schedule": {"visits": [{"id": "a", "day": 1}, {"id": "b", "day": 2},
                                   {"id": "c", "day": 3}]},
           "consent": {"risks": {"en": "Pain.", "fr": "Douleur."}, "version": "1.0"}}
    new = {"schedule": {"visits": [{"id": "x", "day": 0}, {"id": "b", "day": 5},
                                   {"id": "c", "day": 3}, {"id": "a", "day": 1}]},
           "consent": {"risks": {"en": "Pain or a bruise.", "fr": "Douleur."}, "version": "2.0"}}
    found = {(c.path, c.kind) for c in diff(old, new)}
    assert found == {("schedule.visits.x", "added"), ("schedule.visits.a", "moved"),
                     ("schedule.visits.b.day", "changed"), ("consent.risks", "changed")}


def test_registry_changes_list_old_and_new_values(example_copy):
    from trialdocs.amend.package import _open, registry_changes

    old = _open(example_copy, "old", "old")
    path = example_copy / "trial.yaml"
    text = path.read_text(encoding="utf-8")
    brief = old.model["identification"]["brief_title"]
    line = f'  brief_title: "{brief}"'
    assert line in text
    path.write_text(text.replace(line, f'  brief_title: "{brief} (IL-2)"'), encoding="utf-8")
    new = _open(example_copy, "new", "new")
    report = registry_changes(old, new)
    assert "protocolSection.identificationModule.briefTitle\n" \
           f"  old: {brief}\n  new: {brief} (IL-2)\n" in report


def test_cosmetic_change_needs_no_new_consent_version_and_undocumented_change_warns(tmp_path):
    from trialdocs.check import check_protocol

    folder = make_repo(tmp_path)
    patient = folder / "patient.yaml"
    patient.write_text(patient.read_text(encoding="utf-8").replace(
        "where you get the shot.", "where you get the  shot."), encoding="utf-8")
    trial = folder / "trial.yaml"
    trial.write_text(trial.read_text(encoding="utf-8").replace(
        "      changes:\n",
        "      changes:\n        - paths: [consent.risks]\n"
        "          rationale: \"Typography: double space\"\n          cosmetic: true\n", 1),
        encoding="utf-8")
    conduct = folder / "conduct.yaml"
    conduct.write_text(conduct.read_text(encoding="utf-8").replace(
        "make at least 3 phone calls", "make at least 4 phone calls", 1), encoding="utf-8")
    messages = [str(d) for d in check_protocol(folder).diagnostics]
    assert not [m for m in messages if "error" in m], messages
    warnings = [m for m in messages if "rationale" in m]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{trial}:")
    assert warnings[0].endswith(
        "warning: protocol.amendments: site_manual.discontinuation changed since version 1.0 "
        "without a rationale (add it to the changes of amendment 2.0)")

    # accepted like any other warning, with its reason
    trial.write_text(trial.read_text(encoding="utf-8").replace(
        "  accepted_warnings:\n", "  accepted_warnings:\n    - path: protocol.amendments\n"
        "      message: site_manual.discontinuation changed\n"
        "      reason: \"Call count is a site instruction, not an amendment\"\n", 1),
        encoding="utf-8")
    diagnostics = check_protocol(folder).diagnostics
    assert not [d for d in diagnostics if d.severity == "warning"
                and d.path.startswith("protocol.")], [str(d) for d in diagnostics]
    accepted = [d for d in diagnostics if d.severity == "accepted"]
    assert [(d.path, d.hint) for d in accepted if d.path.startswith("protocol.")] == [
        ("protocol.amendments", "accepted: Call count is a site instruction, not an amendment")]


def test_diff_without_git_installed(repo, tmp_path):
    import sys

    from conftest import ROOT

    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "diff", str(repo),
                           "--from", "HEAD", "--no-pdf"], cwd=tmp_path, capture_output=True,
                          text=True, env={"PATH": str(tmp_path), "HOME": str(tmp_path)})
    assert done.returncode == 2
    assert "git is not installed" in done.stderr and "--from OLD_FOLDER" in done.stderr
    assert "Traceback" not in done.stderr


def test_redline_marks_words_inside_the_new_structure():
    from trialdocs.amend.redline import mark

    old = "<table><tr><td>Day 1</td><td>blood test</td></tr></table><p>Gone paragraph.</p>"
    new = ("<table><tr><td>Day 1</td><td>urine test, blood test</td></tr>"
           "<tr><td>Day 2</td><td>visit</td></tr></table>")
    html, inserted, deleted = mark(old, new)
    assert html == ('<table><tr><td>Day 1</td><td><ins class="td-ins">urine test,</ins> blood test'
                    '</td></tr><tr><td><ins class="td-ins">Day 2</ins></td><td>'
                    '<ins class="td-ins">visit</ins></td></tr></table>'
                    '<del class="td-del">Gone paragraph.</del>')
    assert (inserted, deleted) == (5, 2)
