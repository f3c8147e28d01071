"""What a target's key is made of, and the fast ways the build reads it."""

from __future__ import annotations

import io
from importlib import metadata

from trialdocs import keys, pipeline, render
from trialdocs.targets import Target


def test_templates_folder_is_the_renderers():
    assert keys.TEMPLATES == render.TEMPLATES


def test_tool_versions_match_importlib_metadata():
    versions = keys.tool_versions()
    for name in keys.TOOLS:
        try:
            expected = metadata.version(name)
        except metadata.PackageNotFoundError:
            expected = "absent"
        assert versions[name] == expected, name


def test_renderer_code_is_the_module_and_what_it_imports():
    modules = keys.code_modules("trialdocs.pdf")
    assert {"trialdocs.pdf", "trialdocs.render", "trialdocs.errors", "trialdocs"} <= modules
    # checking code and other documents' code are not part of a PDF's key
    assert not modules & {"trialdocs.check", "trialdocs.validate", "trialdocs.rules",
                          "trialdocs.pipeline", "trialdocs.documents.consent"}


def _key(inputs, **changes):
    fields = {"path": "consent/a.en.pdf", "document": "consent",
              "renderer": "trialdocs.pdf:render_pdf", "payload": {"context": {"x": 1}},
              "templates": ["base.html"]}
    fields.update(changes)
    return keys.target_key(Target(**fields), inputs)


def test_key_changes_with_payload_templates_renderer_and_versions():
    versions = keys.tool_versions()
    inputs = keys.Inputs(versions)
    key = _key(inputs)
    assert key == _key(keys.Inputs(dict(versions)))  # deterministic
    assert _key(inputs, path="elsewhere.pdf", site="x") == key  # only what it reads counts
    assert _key(inputs, payload={"context": {"x": 2}}) != key
    assert _key(inputs, templates=["base.html", "style/print.css"]) != key
    assert _key(inputs, renderer="trialdocs.render:render_html") != key
    assert _key(keys.Inputs({**versions, "weasyprint": "71.0"})) != key


def test_selection_filters():
    targets = [Target("consent/a.en.pdf", "consent", "r:r", {}, site="a", lang="en"),
               Target("consent/b.fr.pdf", "consent", "r:r", {}, site="b", lang="fr"),
               Target("site-manual.en.pdf", "site_manual", "r:r", {}, lang="en"),
               Target("registry/prs.xml", "registry", "r:r", {})]
    paths = lambda **kw: [t.path for t in pipeline.select(targets, **kw)]  # noqa: E731
    assert paths() == [t.path for t in targets]
    assert paths(only=["consent"]) == ["consent/a.en.pdf", "consent/b.fr.pdf"]
    assert paths(sites=["b"]) == ["consent/b.fr.pdf"]
    assert paths(langs=["en"]) == ["consent/a.en.pdf", "site-manual.en.pdf"]


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal_and_only_after_a_moment():
    clock = iter([0.0, 0.1, 2.0, 2.5]).__next__
    terminal = _Terminal()
    progress = pipeline.Progress(3, quiet=False, stream=terminal, clock=clock)
    progress.step()                      # at 0.1 s: nothing yet
    assert terminal.getvalue() == ""
    progress.step()                      # at 2.0 s: the bar
    assert "2/3 files" in terminal.getvalue()
    progress.done()
    assert terminal.getvalue().endswith("\r")
    piped = io.StringIO()
    progress = pipeline.Progress(3, quiet=False, stream=piped)
    assert not progress.enabled
    assert not pipeline.Progress(3, quiet=True, stream=_Terminal()).enabled
