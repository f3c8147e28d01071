"""Targets: one output file each, described as plain data.

A target names its output path, the function that renders it (an import path
such as ``trialdocs.render:render_html``) and the payload that function gets:
JSON-like data holding exactly what that document reads. Three things follow:

- the cache key of a target is a hash of its renderer, payload, templates and
  tool versions, so a change to one site's details changes only the targets
  whose payload holds that site;
- targets can be sent to worker processes (spawn) as they are;
- a renderer is a pure function of its payload, which keeps output deterministic.

A document page (HTML and PDF) is drawn from a ``Layout``: its template, the
partials it extends and its screen and print stylesheets, listed once. The
payload names the stylesheets the renderers read and ``Target.files`` adds
every file the payload names to the key's files, so a stylesheet cannot be
read without being part of the key.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from dataclasses import dataclass, field

ASSETS_FOLDER = "assets"  # output/<slug>/assets/: the fonts the HTML pages load (assets.py)


def assets_prefix(html_path: str) -> str:
    """The relative URL of the assets folder from an HTML output (``consent/x.html`` -> ``../assets/``)."""
    return "../" * html_path.count("/") + ASSETS_FOLDER + "/"


@dataclass
class Target:
    path: str                 # relative to output/<slug>/, e.g. "consent/tenon.fr.pdf"
    document: str             # a name of documents.REGISTRY
    renderer: str             # "module:function"; function(payload) -> bytes
    payload: dict
    templates: list = field(default_factory=list)   # template files read (for the cache key)
    site: str | None = None
    lang: str | None = None

    def files(self) -> list[str]:
        """Every template, partial, stylesheet and strings file the key must hash:
        those listed in ``templates`` and those the payload names (template, css)."""
        named = [self.payload.get("template"), *self.payload.get("css", ()),
                 *self.payload.get("print_css", ()), *self.payload.get("narrow_css", ())] \
            if isinstance(self.payload, dict) else []
        return sorted({*self.templates, *(n for n in named if isinstance(n, str))})

    def render(self) -> bytes:
        module, _, name = self.renderer.partition(":")
        return getattr(importlib.import_module(module), name)(self.payload)


@dataclass(frozen=True)
class Layout:
    """The files one HTML/PDF document is drawn from, declared once per document type.

    ``css`` is inlined in the HTML; ``narrow_css`` too, for phone-width screens
    only (WeasyPrint skips it); ``print_css`` lays out the PDF (with the
    fonts); ``partials`` are the templates ``template`` extends or includes;
    ``pdf`` are PDF settings of the document type (pdf.py), such as
    ``("page_mode", "UseOutlines")`` to open the bookmarks panel.
    """

    template: str
    css: tuple
    print_css: tuple
    partials: tuple = ("base.html",)
    pdf: tuple = ()
    narrow_css: tuple = ("style/narrow.css",)
    typography: bool = True   # False: text exactly as given (registry forms), see typography.py
    # (context key, YAML path) pairs: a template reading an absent field of
    # such a value names that YAML field in its error (trialdocs.render.traced)
    fields: tuple = ()

    def payload(self, lang: str, context: dict) -> dict:
        data = {"template": self.template, "lang": lang, "css": list(self.css),
                "print_css": list(self.print_css), "narrow_css": list(self.narrow_css),
                "pdf": dict(self.pdf), "context": context,
                "typography": self.typography}
        if self.fields:
            data["fields"] = dict(self.fields)
        return data

    def files(self, lang: str) -> list[str]:
        """What the key hashes beyond the payload's own names: partials and strings."""
        return [*self.partials, f"i18n/{lang}.yaml"]

    def targets(self, stem: str, document: str, lang: str, context: dict,
                site: str | None = None) -> list[Target]:
        """The HTML and the PDF of one document, sharing one payload.

        The payload says where the HTML finds the fonts it loads (assets.py),
        relative to the HTML file.
        """
        data = {**self.payload(lang, context), "assets": assets_prefix(f"{stem}.html")}
        return [Target(f"{stem}.{ext}", document, renderer, data, self.files(lang), site, lang)
                for ext, renderer in (("html", "trialdocs.render:render_html"),
                                      ("pdf", "trialdocs.pdf:render_pdf"))]


def canonical_json(value) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def payload_digest(target: Target) -> str:
    digest = hashlib.sha256()
    digest.update(target.renderer.encode())
    digest.update(canonical_json(target.payload))
    return digest.hexdigest()
