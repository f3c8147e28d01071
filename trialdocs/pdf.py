"""The paginate stage: HTML to PDF with WeasyPrint, safely and reproducibly.

- One restricted URL fetcher for every HTML and CSS object: only files inside
  the project's templates/ folder and the pinned font package, and ``data:``
  URLs. Anything else (another file, the network) stops the build with a
  message: a document must never read or fetch what it was not built from.
- Fonts come from the pinned ``font-source-sans-pro`` package through
  ``@font-face``, so a PDF does not depend on the machine's fonts; one
  FontConfiguration and one set of parsed stylesheets per process.
- PDF/A-3u with tags: an archival format (consent forms and manuals go into
  the trial master file for decades) that keeps a structure tree for screen
  readers. PDF/UA-1 alone would give accessibility without the archival
  guarantee; WeasyPrint cannot declare both at once.
- Dates in the PDF come from ``<meta name=dcterms.created>`` (the protocol's
  version date), never the clock; SOURCE_DATE_EPOCH pins fontTools if it is
  ever used instead of HarfBuzz.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import font_source_sans_pro

from .render import TEMPLATES, page_html
from .errors import TrialdocsError

FONT_DIR = Path(font_source_sans_pro.__file__).resolve().parent / "files"
ALLOWED_ROOTS = (TEMPLATES, FONT_DIR)
PDF_VARIANT = "pdf/a-3u"
FONT_FACES = [("Regular", "normal", 400), ("It", "italic", 400),
              ("Semibold", "normal", 600), ("Bold", "normal", 700), ("BoldIt", "italic", 700)]

os.environ.setdefault("SOURCE_DATE_EPOCH", "0")


class RefusedResource(TrialdocsError):
    pass


@functools.lru_cache(maxsize=1)
def _weasyprint():
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class ProjectFetcher(URLFetcher):
        """Serves project files and data: URLs; refuses everything else, fatally."""

        def __init__(self):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False,
                             fail_on_errors=True)

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlparse(url).path)).resolve()
                if any(path.is_relative_to(root) for root in ALLOWED_ROOTS):
                    if path.is_file():
                        return super().fetch(url, headers)
                    raise FatalURLFetchingError(f"missing resource {path}: the document needs it")
            raise FatalURLFetchingError(
                f"refused to fetch {url!r}: documents may only use the project's own "
                "templates, styles and fonts")

    return weasyprint, FontConfiguration, FatalURLFetchingError, ProjectFetcher


@functools.lru_cache(maxsize=1)
def _font_config():
    return _weasyprint()[1]()


@functools.lru_cache(maxsize=1)
def fetcher():
    return _weasyprint()[3]()


def font_face_css() -> str:
    rules = []
    for name, style, weight in FONT_FACES:
        url = (FONT_DIR / f"SourceSansPro-{name}.ttf").as_uri()
        rules.append(f'@font-face {{ font-family: "Source Sans Pro"; src: url("{url}"); '
                     f"font-style: {style}; font-weight: {weight}; }}")
    return "\n".join(rules)


@functools.lru_cache(maxsize=None)
def stylesheet(names: tuple):
    """Parsed print stylesheets, once per process, with the shared fetcher and fonts."""
    weasyprint = _weasyprint()[0]
    css = font_face_css() + "\n" + "\n".join(
        (TEMPLATES / name).read_text(encoding="utf-8") for name in names)
    return weasyprint.CSS(string=css, base_url=str(TEMPLATES) + "/", url_fetcher=fetcher(),
                          font_config=_font_config())


def render_document(payload: dict, html: str | None = None):
    """Lay out a payload's HTML; returns WeasyPrint's Document (pages, outline).

    ``html`` is that payload's HTML when already rendered (the build renders
    the HTML target and its PDF from one template run).
    """
    weasyprint, _, fatal, _ = _weasyprint()
    if html is None:
        html = page_html(payload)
    document = weasyprint.HTML(string=html, base_url=str(TEMPLATES) + "/",
                               url_fetcher=fetcher())
    try:
        return document.render(stylesheets=[stylesheet(tuple(payload.get("print_css", [])))],
                               font_config=_font_config(), pdf_variant=PDF_VARIANT,
                               pdf_tags=True, uncompressed_pdf=False)
    except fatal as exc:
        raise RefusedResource(str(exc)) from None


def render_pdf(payload: dict, html: str | None = None) -> bytes:
    """Renderer for ``.pdf`` targets."""
    document = render_document(payload, html)
    _, _, fatal, _ = _weasyprint()
    try:
        return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
    except fatal as exc:
        raise RefusedResource(str(exc)) from None
