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
- Tags that read aloud right: WeasyPrint 70 gives the structure tree only
  the document's language (catalog /Lang) and an SVG figure only its
  <title> as alternative text. ``_tag_languages`` adds /Lang to the
  structure element of every HTML element with its own ``lang`` (English
  registry text in a French manual, WCAG 3.1.2) and gives the flow figure
  its <desc> too, the visit sequence the HTML has. It wraps WeasyPrint's
  tag builder, an internal function: weasyprint is pinned to 70.x and
  tests/test_accessibility.py fails if the wrapper stops taking effect.
- A payload may ask for PDF settings per document (``"pdf": {"page_mode":
  "UseOutlines"}`` opens the bookmarks panel, for the site manual).
- Dates in the PDF come from ``<meta name=dcterms.created>`` (the protocol's
  version date), never the clock; SOURCE_DATE_EPOCH pins fontTools if it is
  ever used instead of HarfBuzz.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

from .assets import FONT_DIR, font_face_css as _font_faces
from .render import TEMPLATES, page_html
from .errors import RefusedResource, TemplateError

ALLOWED_ROOTS = (TEMPLATES, FONT_DIR)
PDF_VARIANT = "pdf/a-3u"

os.environ.setdefault("SOURCE_DATE_EPOCH", "0")


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

    _tag_languages()
    return weasyprint, FontConfiguration, FatalURLFetchingError, ProjectFetcher


SVG = "{http://www.w3.org/2000/svg}"


def _tag_languages():
    """Wrap WeasyPrint's structure-tree builder: /Lang on elements with ``lang``, SVG <desc> in /Alt."""
    import pydyf
    from weasyprint.pdf import tags

    original = tags._build_box_tree
    if getattr(original, "trialdocs", False):
        return

    def build_box_tree(box, *args):
        element = box.element if box.element_tag not in (None, "html") else None
        lang = element.get("lang") if element is not None else None
        for struct in original(box, *args):
            if lang:
                struct["Lang"] = pydyf.String(lang)
            if struct["S"] == "/Figure" and element is not None and element.tag == f"{SVG}svg":
                alt = ": ".join(node.text.strip() for name in ("title", "desc")
                                for node in element.findall(f"{SVG}{name}") if node.text)
                if alt:
                    struct["Alt"] = pydyf.String(alt)
            yield struct

    build_box_tree.trialdocs = True
    tags._build_box_tree = build_box_tree


def _finisher(settings: dict):
    """PDF settings a document asks for, applied to the PDF before it is written."""
    page_mode = settings.get("page_mode")

    def finish(document, pdf):
        if page_mode:
            pdf.catalog["PageMode"] = "/" + page_mode

    return finish


@functools.lru_cache(maxsize=1)
def _font_config():
    return _weasyprint()[1]()


@functools.lru_cache(maxsize=1)
def fetcher():
    return _weasyprint()[3]()


def font_face_css() -> str:
    """The pinned faces, from the font package itself (the HTML loads copies, assets.py)."""
    return _font_faces(lambda name: (FONT_DIR / name).as_uri())


@functools.lru_cache(maxsize=None)
def stylesheet(names: tuple):
    """Parsed print stylesheets, once per process, with the shared fetcher and fonts."""
    weasyprint = _weasyprint()[0]
    css = font_face_css() + "\n" + "\n".join(
        (TEMPLATES / name).read_text(encoding="utf-8") for name in names)
    return weasyprint.CSS(string=css, base_url=str(TEMPLATES) + "/", url_fetcher=fetcher(),
                          font_config=_font_config())


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def weasyprint_warnings(what: str):
    """WeasyPrint's warnings while rendering ``what``: shown, never lost.

    WeasyPrint reports an ignored CSS rule or a missing glyph on its logger,
    which has no handler of ours: such warnings vanished. They are printed
    on stderr; with ``TRIALDOCS_STRICT_RENDER`` set (the test suite sets it)
    the first one fails the render, so a template or style change that
    WeasyPrint does not understand fails a test.
    """
    logger = logging.getLogger("weasyprint")
    handler = _Records()
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    messages = [r.getMessage() for r in handler.records]
    if messages and os.environ.get("TRIALDOCS_STRICT_RENDER"):
        raise TemplateError(f"{what}: WeasyPrint warned: {messages[0]}"
                            + (f" (and {len(messages) - 1} more)" if len(messages) > 1 else ""))
    for message in messages:
        print(f"trialdocs: warning: {what}: WeasyPrint: {message}", file=sys.stderr)


def render_document(payload: dict, html: str | None = None):
    """Lay out a payload's HTML; returns WeasyPrint's Document (pages, outline).

    ``html`` is that payload's HTML when already rendered (the build renders
    the HTML target and its PDF from one template run).
    """
    weasyprint, _, fatal, _ = _weasyprint()
    if html is None:
        html = page_html(payload)
    with weasyprint_warnings(payload["template"]):
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
    return write_pdf(render_document(payload, html), payload)


def write_pdf(document, payload: dict) -> bytes:
    """The PDF of a document laid out by render_document, as a build writes it (a test
    can inspect the layout and read the PDF without laying the pages out twice)."""
    _, _, fatal, _ = _weasyprint()
    with weasyprint_warnings(payload["template"]):
        try:
            return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True,
                                      finisher=_finisher(payload.get("pdf", {})))
        except fatal as exc:
            raise RefusedResource(str(exc)) from None
