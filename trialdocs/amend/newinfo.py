"""The "new information" sheet for participants already enrolled (ICH E6(R3) 2.8.2).

When the consent form changes under a new ``consent.version``, participants
who signed the previous version must learn what changed for them. The sheet
says, in each consent language, which version replaces which and, per
section of the consent form, the new text (or the amendment's own
``new_information`` for a group of paths): only the lines they have not
read. It is due when the consent version changed and the form shows a
change that is not marked cosmetic, unless the amendment says re-consent is
not needed (``reconsent: {needed: false, reason: ...}``).

Two commands write it from the same contexts:

- ``trialdocs build``: against the previous consent version found in git
  (``history.before_change``), as ``consent/new-information.<lang>.{html,pdf}``,
  targets like any other (keyed, in the manifest, listed in the summary);
- ``trialdocs diff``: against the version compared with, into the package.

Outside git, or when no earlier consent version is in the history, the build
writes none.
"""

from __future__ import annotations

from ..model import localized
from ..targets import Layout, Target
from .diff import REMOVED, diff
from .rationale import explanation, new_amendments
from .sections import places

LAYOUT = Layout("amend/new-information.html", css=("style/document.css", "style/amend.css"),
                print_css=("style/print.css",))
STEM = "consent/new-information"


# -- when it is due ----------------------------------------------------------------------

def consent_changes(changes, amendments) -> list:
    """The changes the consent form shows that are not marked cosmetic."""
    return [c for c in changes if "consent" in places(c.path)
            and not ((explanation(c, amendments) or {}).get("cosmetic"))]


def reconsent_waived(amendments) -> dict | None:
    for amendment in reversed(amendments):
        reconsent = amendment.get("reconsent")
        if reconsent is not None and not reconsent.get("needed"):
            return reconsent
    return None


def _consent(data: dict) -> tuple[str, str]:
    """(version, date) of a protocol's consent form, the protocol's where it has none."""
    consent, protocol = data.get("consent") or {}, data.get("protocol") or {}
    return (str(consent.get("version") or protocol.get("version") or ""),
            str(consent.get("version_date") or protocol.get("version_date") or ""))


def due(old: dict, new: dict, changes, amendments) -> list:
    """The consent changes the sheet tells, or [] when no sheet is due."""
    if "consent" not in ((new.get("protocol") or {}).get("documents") or []):
        return []
    if _consent(old)[0] == _consent(new)[0] or reconsent_waived(amendments) is not None:
        return []
    return consent_changes(changes, amendments)


# -- what it says -----------------------------------------------------------------------

def contexts(old: dict, model: dict, relevant, amendments, langs=None) -> dict:
    """{lang: the template's context} in every consent language (or those of ``langs``)."""
    from ..documents.consent import _format_date

    (old_version, old_date), (new_version, new_date) = _consent(old), _consent(model)
    protocol = model["protocol"]
    out = {}
    for lang in protocol["languages"]:
        if langs and lang not in langs:
            continue
        consent_headings = _consent_headings(model, lang)
        sections, told = {}, set()
        for change in relevant:
            entry = explanation(change, amendments) or {}
            text = localized(entry.get("new_information"), lang)
            if text:
                if id(entry) in told:
                    continue  # one text for a group of paths: told once
                told.add(id(entry))
            elif change.kind == REMOVED:
                text = _strings(lang)["newinfo_removed"]
            else:
                text = new_lines(change.old, change.new, lang)
            if not text:
                continue  # nothing a participant reads changed (a number in a table)
            section = consent_headings.get(places(change.path).get("consent", ""), ("", ""))[1]
            sections.setdefault(section, []).append(text)
        title = _strings(lang)["newinfo_title"]
        illustrative = protocol.get("illustrative") and protocol.get("illustrative_notice")
        out[lang] = {
            "doc": {"title": title, "author": model["sponsors"]["lead"]["name"],
                    "description": title, "date": new_date, "kind": "consent", "draft": False,
                    "illustrative_notice": localized(protocol["illustrative_notice"], lang)
                    if illustrative else ""},
            "study_title": localized((model.get("consent") or {}).get("title"), lang)
            or protocol["title"],
            "old_version": old_version, "old_date": _format_date(old_date, lang),
            "new_version": new_version, "new_date": _format_date(new_date, lang),
            "items": [{"section": name, "texts": texts} for name, texts in sections.items()]}
    return out


def _strings(lang: str) -> dict:
    from ..render import strings

    return strings(lang)["amend"]


def new_lines(old, new, lang: str) -> str:
    """The lines of a text (or a list's items) that the old version did not have.

    Participants already read the rest: the sheet tells them what is new.
    """
    before = {" ".join(line.split()) for line in lay_text(old, lang).splitlines()}
    fresh = [line for line in lay_text(new, lang).splitlines()
             if line.strip() and " ".join(line.split()) not in before]
    out = []
    for line in fresh:  # paragraphs apart, list items together
        item = line.lstrip().startswith(("- ", "* ")) or line.lstrip()[:3].rstrip(".").isdigit()
        out.append(line if item and out else f"\n{line}" if out else line)
    return "\n".join(out)


def lay_text(value, lang: str) -> str:
    """A field's new content as Markdown in one language (a list as bullets).

    Used when the amendment gives no ``new_information`` text for a change.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if value and all(isinstance(v, str) for v in value.values()):
            return localized(value, lang)
        if "text" in value:  # a record (a risk): its text, its other facts in brackets
            from ..render import strings

            s = strings(lang)
            facts = [(key, lay_text(v, lang)) for key, v in value.items() if key != "text"]
            extra = "; ".join(f"{s[key].lower()}{s['colon']} {text}"
                              if isinstance(s.get(key), str) else text
                              for key, text in facts if text)
            main = lay_text(value["text"], lang)
            return f"{main} ({extra})" if extra else main
        return "; ".join(t for t in (lay_text(v, lang) for v in value.values()) if t)
    if isinstance(value, list):
        return "\n".join(f"- {lay_text(v, lang)}" for v in value)
    return ""


def _consent_headings(model: dict, lang: str) -> dict:
    """Section id -> (number, name) of the consent form in one language (its first site)."""
    from ..documents import consent
    from ..render import render_html
    from .sections import headings

    sites = model.get("sites") or []
    if not sites:
        return {}
    payload = consent.LAYOUT.payload(lang, consent.context(model, sites[0], lang))
    return headings(render_html(payload).decode("utf-8"))


# -- the build's targets ---------------------------------------------------------------

def build_targets(checked, model: dict) -> tuple[list[Target], str]:
    """The sheet's targets for ``trialdocs build`` and a line for its summary, or ([], "").

    The previous consent version is the last commit where ``consent.version``
    differed (history.before_change); no git, no repository or no earlier
    version: no sheet.
    """
    from . import history
    from .reconsent import _old_data

    data = checked.source.data
    current = _consent(data)[0]
    try:
        place = history.locate(checked.folder)
        commit = history.before_change(place, "consent", "version", current)
        old = _old_data(place, commit) if commit else None
    except history.HistoryError:
        return [], ""
    if old is None:
        return [], ""
    try:
        amendments = new_amendments(old, data)
        relevant = due(old, data, diff(old, data), amendments)
    except (AttributeError, TypeError, ValueError):
        # the earlier version was loaded, not checked: one that cannot be compared
        # must not stop a build that checks clean; the summary says so
        return [], (f"{checked.slug}: no new-information sheet: consent {_consent(old)[0]} "
                    f"(git {commit[:12]}) cannot be compared with {current}")
    if not relevant:
        return [], ""
    out = []
    for lang, context in contexts(old, model, relevant, amendments).items():
        out += LAYOUT.targets(f"{STEM}.{lang}", "consent", lang, context)
    paths = ", ".join(f"{STEM}.{lang}.{{html,pdf}}" for lang in model["protocol"]["languages"])
    note = (f"{checked.slug}: consent {_consent(old)[0]} -> {current}: new-information sheet "
            f"for participants already enrolled: {paths}")
    return out, note
