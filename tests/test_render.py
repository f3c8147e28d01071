"""The rendering pipeline's guarantees: escaping, Markdown limits, fetch limits, errors."""

from __future__ import annotations

import pytest

from trialdocs import pdf, render
from trialdocs.render import TemplateError, markdown


@pytest.fixture
def templates(tmp_path, monkeypatch):
    """A private templates folder for the render and PDF stages."""
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "en.yaml").write_text("page: Page\nof: of\n")
    monkeypatch.setattr(render, "TEMPLATES", tmp_path)
    monkeypatch.setattr(pdf, "TEMPLATES", tmp_path)
    monkeypatch.setattr(pdf, "ALLOWED_ROOTS", (tmp_path, pdf.FONT_DIR))
    for cached in (render.environment, render.strings, pdf.stylesheet):
        cached.cache_clear()
    yield tmp_path
    for cached in (render.environment, render.strings, pdf.stylesheet):
        cached.cache_clear()


def payload(name, **context):
    return {"template": name, "lang": "en", "context": context}


def test_markdown_keeps_raw_html_and_local_references_as_text():
    html = str(markdown('<b>x</b> ![alt text](/etc/passwd) [local](../secret) [web](https://example.org)'))
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert "<img" not in html and "alt text" in html
    assert 'href="../secret"' not in html and "local" in html
    assert '<a href="https://example.org">web</a>' in html


def test_markdown_tables_are_enabled():
    assert "<table>" in str(markdown("| a | b |\n|---|---|\n| 1 | 2 |"))


def test_every_template_is_autoescaped_whatever_its_name(templates):
    (templates / "page.html.j2").write_text("{{ text }}")
    out = render.render_html({**payload("page.html.j2", text="<script>x</script>")}).decode()
    assert out == "&lt;script&gt;x&lt;/script&gt;"


def test_undefined_variable_names_template_file_and_line(templates):
    (templates / "bad.html").write_text("line one\n{{ study.nme }}\n")
    with pytest.raises(TemplateError, match=r"bad\.html:2: template error: .*'nme'"):
        render.render_html(payload("bad.html", study={"name": "x"}))


def test_template_syntax_error_names_file_and_line(templates):
    (templates / "syntax.html").write_text("ok\nok\n{% if %}\n")
    with pytest.raises(TemplateError, match=r"syntax\.html:3: template error"):
        render.render_html(payload("syntax.html"))


@pytest.mark.parametrize("src", ["file:///etc/passwd", "http://127.0.0.1:9/x.png",
                                 "../../etc/hostname"])
def test_pdf_refuses_files_outside_the_project_and_the_network(templates, src):
    (templates / "doc.html").write_text(f'<p>x</p><img src="{src}">')
    with pytest.raises(pdf.RefusedResource):
        pdf.render_pdf(payload("doc.html"))


def test_pdf_fails_on_a_missing_project_resource(templates):
    (templates / "doc.html").write_text('<p>x</p><img src="logo.png">')
    with pytest.raises(pdf.RefusedResource, match="missing resource"):
        pdf.render_pdf(payload("doc.html"))


def test_pdf_may_use_project_files_and_data_urls(templates):
    pixel = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
             "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    (templates / "doc.html").write_text(f'<html lang="en"><title>t</title><p>x</p><img src="{pixel}" alt="a pixel">')
    assert pdf.render_pdf(payload("doc.html")).startswith(b"%PDF-")


def test_template_strings_have_the_same_keys_in_every_language():
    from trialdocs.load import load_protocol_file_plain

    tables = {lang: load_protocol_file_plain(render.TEMPLATES / "i18n" / f"{lang}.yaml")
              for lang in ("en", "fr")}

    def keys(table, prefix=""):
        out = set()
        for key, value in table.items():
            out.add(prefix + key)
            if isinstance(value, dict):
                out |= keys(value, prefix + key + ".")
        return out

    assert keys(tables["en"]) == keys(tables["fr"])


def test_weasyprint_warnings_fail_a_render_under_the_tests_and_are_shown_otherwise(monkeypatch,
                                                                                    capsys):
    """WeasyPrint logs what it ignores; those records no longer vanish."""
    import logging

    from trialdocs.errors import TemplateError as Error

    with pytest.raises(Error, match=r"consent/consent\.html: WeasyPrint warned: Ignored `colr: red`"):
        with pdf.weasyprint_warnings("consent/consent.html"):
            logging.getLogger("weasyprint").warning("Ignored `colr: red` at 1:1, unknown property")
    monkeypatch.delenv("TRIALDOCS_STRICT_RENDER")
    with pdf.weasyprint_warnings("consent/consent.html"):
        logging.getLogger("weasyprint").warning("Ignored `colr: red` at 1:1, unknown property")
    assert "trialdocs: warning: consent/consent.html: WeasyPrint: Ignored `colr: red`" in \
        capsys.readouterr().err
