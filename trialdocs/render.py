"""The render stage: Jinja templates and Markdown to HTML and text.

Everything from the YAML is data. Autoescaping is on for every HTML template
whatever its file name (``select_autoescape`` misses ``.j2``); Markdown goes
through markdown-it-py with raw HTML off, images shown as their description,
and only http(s) and mailto links kept as links, so nothing a protocol author
writes can become markup, a fetch or a file read. Missing variables are
errors (StrictUndefined), reported with the template's file and line.

Renderer functions take a target payload ``{"template", "lang", "context"}``
and return bytes; they are pure, so the output is deterministic.
"""

from __future__ import annotations

import functools
import traceback
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from . import codes, typography
from .errors import TemplateError
from .i18n import TEMPLATES, strings  # noqa: F401 (strings: part of the render API)

SAFE_LINK_SCHEMES = ("http://", "https://", "mailto:")


# -- which YAML field a template read ------------------------------------------------

class Traced(dict):
    """A context mapping that knows the YAML path it was made from."""

    yaml_path = ""


def traced(value, path: str):
    """A copy of value whose mappings remember their YAML path (``consent.risks[0]``)."""
    if isinstance(value, dict):
        out = Traced((k, traced(v, f"{path}.{k}")) for k, v in value.items())
        out.yaml_path = path
        return out
    if isinstance(value, list):
        return [traced(v, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


class MissingField(jinja2.UndefinedError):
    """A template read a protocol field that is absent: check should have required it."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


class _Undefined(jinja2.StrictUndefined):
    """StrictUndefined that names the YAML field when the missing value came from one."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args, **kwargs):
        owner = self._undefined_obj
        if isinstance(owner, Traced) and isinstance(self._undefined_name, str):
            raise MissingField(f"{owner.yaml_path}.{self._undefined_name}")
        return super()._fail_with_undefined_error(*args, **kwargs)

    __str__ = __iter__ = __len__ = __bool__ = __eq__ = __ne__ = __hash__ = __contains__ = \
        _fail_with_undefined_error


# -- Markdown ----------------------------------------------------------------

def _render_link_open(self, tokens, idx, options, env):
    token = tokens[idx]
    href = token.attrGet("href") or ""
    token.meta["kept"] = href.lower().startswith(SAFE_LINK_SCHEMES)
    # find the matching close so it can be dropped too
    depth = 0
    for close in tokens[idx + 1:]:
        if close.type == "link_open":
            depth += 1
        elif close.type == "link_close":
            if depth == 0:
                close.meta["kept"] = token.meta["kept"]
                break
            depth -= 1
    if not token.meta["kept"]:
        return ""
    return f'<a href="{escape(href)}">'


def _render_link_close(self, tokens, idx, options, env):
    return "</a>" if tokens[idx].meta.get("kept") else ""


def _render_image(self, tokens, idx, options, env):
    token = tokens[idx]
    alt = "".join(child.content for child in token.children or [])
    return str(escape(alt))


@functools.lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable("table")
    parser.add_render_rule("link_open", _render_link_open)
    parser.add_render_rule("link_close", _render_link_close)
    parser.add_render_rule("image", _render_image)
    return parser


def markdown(text) -> Markup:
    """Markdown to safe HTML (see the module docstring for what is refused)."""
    if not text:
        return Markup("")
    return _markdown(str(text))


def markdown_inline(text) -> Markup:
    if not text:
        return Markup("")
    return _markdown_inline(str(text))


# The same texts are rendered again and again (every site's consent form, each
# language's pages, each build of ``watch``); the result depends on the text
# alone, so each one is parsed once per process.
@functools.lru_cache(maxsize=16384)
def _markdown(text: str) -> Markup:
    return Markup(markdown_parser().render(text))


@functools.lru_cache(maxsize=16384)
def _markdown_inline(text: str) -> Markup:
    return Markup(markdown_parser().renderInline(text))


# -- Jinja ---------------------------------------------------------------------

@jinja2.pass_context
def css_string(context, value) -> Markup:
    """Text made safe inside a CSS double-quoted string (page margins' generated text),
    with the page's typography: ``typography.html`` does not look inside ``<style>``."""
    text = typography.text(str(value), context.get("typography_lang") or "")
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    text = "".join(ch if ch.isprintable() else f"\\{ord(ch):x} " if ch in "\u00a0\u202f" else " "
                   for ch in text).replace("<", "\\3c ")
    return Markup(text)


@jinja2.pass_context
def lang_attr(context, text_lang) -> Markup:
    """`` lang="xx"`` for an element whose text is not in the document's language, else nothing.

    ``text_lang`` comes from the document's context (model.language_of).
    """
    if text_lang and text_lang != context["lang"]:
        return Markup(' lang="{}"').format(text_lang)
    return Markup("")


@jinja2.pass_context
def in_lang(context, text, text_lang) -> Markup:
    """Inline text, inside ``<span lang>`` when its language is not the document's."""
    if text_lang and text_lang != context["lang"]:
        return Markup('<span lang="{}">{}</span>').format(text_lang, text)
    return escape(text)


def _localize(value, lang):
    if isinstance(value, dict):
        return value.get(lang, "")
    return "" if value is None else value


@functools.lru_cache(maxsize=2)
def environment(autoescape: bool = True) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=autoescape,
        undefined=_Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown
    env.filters["md_inline"] = markdown_inline
    env.filters["tr"] = _localize
    env.filters["css_string"] = css_string
    env.globals["codes"] = codes
    env.globals["lang_attr"] = lang_attr
    env.filters["in_lang"] = in_lang
    return env


def render_template(name: str, context: dict, autoescape: bool = True) -> str:
    env = environment(autoescape)
    try:
        return env.get_template(name).render(**context)
    except MissingField as exc:
        raise TemplateError(
            f"internal error: the protocol field {exc.field} is absent, and check did not "
            f"require it ({_template_frame(exc)} reads it); please report this, and add "
            f"{exc.field} to the protocol meanwhile") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or exc.name}:{exc.lineno}: template error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        where = _template_frame(exc)
        raise TemplateError(f"{where}: template error: {exc}") from None


def _template_frame(exc) -> str:
    """The template file and line a runtime error happened at (Jinja keeps it in the traceback)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith(str(TEMPLATES)):
            return f"{Path(frame.filename).relative_to(TEMPLATES.parent)}:{frame.lineno}"
    return "template"


def html_context(payload: dict) -> dict:
    from .assets import font_face_css

    lang = payload["lang"]
    context = dict(payload["context"])
    for key, path in (payload.get("fields") or {}).items():
        context[key] = traced(context.get(key), path)
    assets = payload.get("assets")  # where the page finds the fonts (assets.py), if anywhere
    return {**context, "lang": lang, "s": strings(lang),
            "css": stylesheet_text(payload.get("css", [])),
            "typography_lang": lang if payload.get("typography", True) else "",
            "narrow_css": stylesheet_text(payload.get("narrow_css", [])),
            "screen_fonts": Markup(font_face_css(lambda name: assets + name) if assets else "")}


def stylesheet_text(names) -> Markup:
    return Markup("\n".join((TEMPLATES / name).read_text(encoding="utf-8") for name in names))


def page_html(payload: dict) -> str:
    """A document page's HTML, with its language's typography (typography.py) unless the
    payload keeps text exactly as given (``"typography": false``: registry forms)."""
    page = render_template(payload["template"], html_context(payload))
    if payload.get("typography", True):
        page = typography.html(page, payload["lang"])
    return page


def render_html(payload: dict) -> bytes:
    """Renderer for ``.html`` targets."""
    return page_html(payload).encode("utf-8")


def render_text(payload: dict) -> bytes:
    """Renderer for plain-text targets: no HTML escaping, text as written."""
    context = {**payload["context"], "lang": payload.get("lang", "en")}
    if "lang" in payload:
        context["s"] = strings(payload["lang"])
    return render_template(payload["template"], context, autoescape=False).encode("utf-8")
