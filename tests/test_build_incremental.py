"""The build cache: what a rebuild renders after a change, and what it never trusts.

One full build of the worked example (the run's, conftest.py) is copied
before a test changes anything; the other tests use a one-site, consent-only
copy, or a one-site, registry-only one where any document will do, so that
the file stays fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

from buildhelp import (CONSENT_EDIT, CONSENT_TEXT, N_ASSETS, ROOT, build, built_paths,
                       copy_example, edit, leftovers, outputs, summary)

SLUG = "nct03970954"


@pytest.fixture(scope="module")
def example_build(examples_built, tmp_path_factory):
    """The worked example built once: (protocol folder, output root), a copy of the
    run's build of the examples (its outputs and build cache, conftest.py)."""
    base = tmp_path_factory.mktemp("example")
    protocol = copy_example(base / "protocol")
    output = base / "output"
    shutil.copytree(examples_built / SLUG, output / SLUG)
    (output / ".trialdocs").mkdir()
    shutil.copy2(examples_built / ".trialdocs" / f"{SLUG}.json", output / ".trialdocs")
    return protocol, output


@pytest.fixture
def example(example_build, tmp_path):
    """A private copy of the built example (protocol and output), to change."""
    return _fresh_copy(*example_build, tmp_path)


def _fresh_copy(protocol, output, tmp_path):
    shutil.copytree(protocol, tmp_path / "protocol" / SLUG)
    shutil.copytree(output, tmp_path / "output")
    protocol, output = tmp_path / "protocol" / SLUG, tmp_path / "output"
    # Normally a no-op; rebuilds if trialdocs' code changed since the module's build
    # (someone editing it while the tests run), so that tests start from a current build.
    result = build(protocol, output)
    assert result.returncode == 0, result.stdout + result.stderr
    return protocol, output


@pytest.fixture(scope="module")
def small_build(small_built):
    """One site, consent forms only (2 HTML + 2 PDF), built once per run (conftest.py)."""
    return small_built


@pytest.fixture
def small(small_build, tmp_path):
    return _fresh_copy(*small_build, tmp_path)


@pytest.fixture
def registry(registry_built, tmp_path):
    """One site, registry files only (8 files, 2 of them short PDFs; conftest.py): for
    tests where any document will do, the cheapest to lay out again."""
    return _fresh_copy(registry_built / "protocol" / SLUG, registry_built / "output", tmp_path)


def manifest(output):
    return json.loads((output / SLUG / "manifest.json").read_text(encoding="utf-8"))


def keys(output):
    return {e["path"]: e["key"] for e in manifest(output)["outputs"]}


# -- what a change rebuilds ------------------------------------------------------------

def test_change_to_one_site_rebuilds_that_site_and_documents_listing_sites(example):
    """Every document's HTML (--no-pdf), then that site's English PDF: laying out the
    site manuals, the slow part, would say nothing the HTML does not."""
    protocol, output = example
    before = keys(output)
    sites = sorted({p.split("/")[1].split(".")[0] for p in before if p.startswith("consent/")})
    assert len(sites) == 3
    edit(protocol / "people.yaml", 'emergency_phone: "+33 1 00 00 00 91"',
         'emergency_phone: "+33 1 00 00 00 99"')  # Saint-Antoine's emergency line
    result = build(protocol, output, "-v", "--no-pdf")
    assert result.returncode == 0, result.stderr
    rebuilt = built_paths(result)
    after = keys(output)
    # exactly the targets whose key changed were rendered (the PDFs, not built, keep
    # their keys), and the summary says how many
    assert rebuilt == {p for p in after if after[p] != before.get(p)}
    asked = [p for p in after if not p.endswith(".pdf")]
    assert summary(result) == {"built": len(rebuilt), "up_to_date": len(asked) - len(rebuilt),
                               "failed": 0}
    consent = {p for p in rebuilt if p.startswith("consent/")}
    assert consent == {f"consent/saint-antoine.{lang}.html" for lang in ("fr", "en")}
    # besides that site's forms, only documents that list every site
    assert {p.split("/")[0].split(".")[0] for p in rebuilt - consent} <= {"site-manual", "registry"}
    assert any(p.startswith("site-manual.") for p in rebuilt)
    assert not any(p.startswith(("consent/tenon", "consent/trousseau")) for p in rebuilt)
    # the PDFs follow their HTML: that site's form, not the other sites'
    result = build(protocol, output, "-v", "--only", "consent", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert built_paths(result) == {"consent/saint-antoine.en.pdf"}
    assert summary(result) == {"built": 1, "up_to_date": 5 + N_ASSETS, "failed": 0}


def test_noop_rebuild_renders_nothing_and_imports_no_renderer(example):
    protocol, output = example
    files = {p: os.stat(p).st_ino for p in (output / SLUG).rglob("*") if p.is_file()}
    manifest_bytes = (output / SLUG / "manifest.json").read_bytes()
    code = ("import sys; from trialdocs.cli import main; "
            f"rc = main(['build', {str(protocol)!r}, '--output', {str(output)!r}]); "
            "print('loaded:', sorted(m for m in ('weasyprint', 'cerberus', 'jinja2', "
            "'trialdocs.validate', 'multiprocessing') if m in sys.modules)); sys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    counts = summary(result)
    assert counts["built"] == 0 and counts["up_to_date"] == len(files) - 1  # all but the manifest
    assert "loaded: []" in result.stdout
    assert {p: os.stat(p).st_ino for p in files} == files  # no file replaced
    assert (output / SLUG / "manifest.json").read_bytes() == manifest_bytes


def test_filters_build_only_what_is_asked(small, tmp_path):
    """--lang, --only, --site and --no-pdf, one after the other on one change."""
    protocol, output = small
    pdfs = {p: p.read_bytes() for p in (output / SLUG).rglob("*.pdf")}
    assert len(pdfs) == 2
    edit(protocol / "patient.yaml", CONSENT_TEXT, CONSENT_EDIT)  # English forms change
    result = build(protocol, output, "-v", "--lang", "fr")
    assert built_paths(result) == set() and summary(result)["up_to_date"] == 2 + N_ASSETS
    # --no-pdf: everything but the PDFs, which are neither rebuilt nor removed and
    # stay in the manifest
    result = build(protocol, output, "-v", "--no-pdf")
    assert result.returncode == 0, result.stderr
    assert built_paths(result) == {"consent/saint-antoine.en.html"}
    assert CONSENT_EDIT in (output / SLUG / "consent/saint-antoine.en.html").read_text("utf-8")
    assert {p: p.read_bytes() for p in (output / SLUG).rglob("*.pdf")} == pdfs
    assert {p for p in keys(output) if p.endswith(".pdf")} == \
        {p.relative_to(output / SLUG).as_posix() for p in pdfs}
    # the next build without --no-pdf brings the stale PDF up to date, and only that
    result = build(protocol, output, "-v", "--only", "consent", "--lang", "en")
    assert built_paths(result) == {"consent/saint-antoine.en.pdf"}
    result = build(protocol, output, "--site", "nowhere")
    assert result.returncode == 2 and "--site nowhere" in result.stderr
    # --no-pdf into an empty folder: every HTML page and its fonts, no PDF
    fresh = build(protocol, tmp_path / "fresh", "--no-pdf")
    assert fresh.returncode == 0, fresh.stderr
    written = set(outputs(tmp_path / "fresh" / SLUG)) - {"manifest.json"}
    assert {p for p in written if not p.startswith("assets/")} == \
        {f"consent/saint-antoine.{lang}.html" for lang in ("fr", "en")}
    assert len(written) == 2 + N_ASSETS


# -- what the cache never trusts -----------------------------------------------------

def test_edited_and_deleted_outputs_are_rebuilt(registry):
    protocol, output = registry
    original = outputs(output / SLUG)
    pdf = output / SLUG / "registry/who-trds.pdf"
    html = output / SLUG / "registry/clinicaltrials-gov.html"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 1  # same size, one bit flipped
    pdf.write_bytes(bytes(data))
    html.unlink()
    result = build(protocol, output, "-v")
    assert result.returncode == 0, result.stderr
    assert built_paths(result) == {"registry/who-trds.pdf", "registry/clinicaltrials-gov.html"}
    assert outputs(output / SLUG) == original


def test_corrupt_manifest_means_full_rebuild(registry):
    protocol, output = registry
    original = outputs(output / SLUG)
    (output / SLUG / "manifest.json").write_text('{"outputs": [{"path": ', encoding="utf-8")
    result = build(protocol, output)
    assert result.returncode == 0, result.stderr
    assert summary(result) == {"built": 8 + N_ASSETS, "up_to_date": 0, "failed": 0}
    assert outputs(output / SLUG) == original


def test_unreadable_build_cache_is_rebuilt_not_trusted(small):
    protocol, output = small
    cache = output / ".trialdocs" / f"{SLUG}.json"
    cache.write_text("not json", encoding="utf-8")
    result = build(protocol, output)
    assert result.returncode == 0, result.stderr
    assert summary(result)["built"] == 0  # the manifest still proves the outputs current
    assert json.loads(cache.read_text(encoding="utf-8"))["targets"]


def test_cached_warnings_are_reported_again(small):
    protocol, output = small
    (output / ".trialdocs" / f"{SLUG}.json").unlink()
    first = build(protocol, output)  # checks the protocol
    second = build(protocol, output)  # trusts the cache: same notes and diagnostics
    assert first.stdout.count("readability") == 2
    assert first.stdout.splitlines()[:-2] == second.stdout.splitlines()[:-2]  # notes, diagnostics


# -- manifest ---------------------------------------------------------------------------

def test_manifest_records_every_output(small_build):
    _, output = small_build
    data = manifest(output)
    assert data["protocol"] == SLUG and data["protocol_version"]
    assert data["tools"]["weasyprint"].startswith("70.") and data["tools"]["trialdocs"]
    assert {s["path"] for s in data["sources"]} >= {f"{SLUG}/trial.yaml", f"{SLUG}/people.yaml"}
    paths = [e["path"] for e in data["outputs"]]
    assert paths == sorted(paths) and len(paths) == 4 + N_ASSETS
    for entry in data["outputs"]:
        content = (output / SLUG / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["size"] == len(content)
        assert len(entry["key"]) == 64 and entry["protocol_version"] == data["protocol_version"]


def test_removed_site_outputs_are_removed(example):
    protocol, output = example
    edit(protocol / "people.yaml", "  - id: trousseau", "  - id: trousseau-new")
    # one language asked (one PDF to lay out): the old site's forms go in both
    result = build(protocol, output, "-v", "--only", "consent", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "removed 4" in result.stdout
    names = {e["path"] for e in manifest(output)["outputs"]}
    assert not any(p.startswith("consent/trousseau.") for p in names)
    assert not list((output / SLUG / "consent").glob("trousseau.*"))
    assert built_paths(result) == {f"consent/trousseau-new.en.{ext}" for ext in ("html", "pdf")}
    assert {f"consent/trousseau-new.en.{ext}" for ext in ("html", "pdf")} <= names


# -- failures ----------------------------------------------------------------------------

def test_failed_build_leaves_previous_output_untouched(small):
    protocol, output = small
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in output.rglob("*") if p.is_file()}
    edit(protocol / "patient.yaml", CONSENT_TEXT, CONSENT_EDIT)
    edit(protocol / "trial.yaml", 'version: "2.0"', "version: [2.0")  # a YAML syntax error
    result = build(protocol, output)
    assert result.returncode == 1
    assert "nothing was written" in result.stderr
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in output.rglob("*") if p.is_file()}
    assert after == before
    assert leftovers(output) == []


def test_clean_removes_what_builds_wrote_and_keeps_the_rest(small):
    _, output = small
    (output / "notes.txt").write_text("mine", encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "clean", "--output",
                             str(output)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"removed {4 + N_ASSETS} built file(s)" in result.stdout
    assert sorted(p.name for p in output.rglob("*")) == ["notes.txt"]
