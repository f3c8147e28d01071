"""``trialdocs init``: write a starter protocol that checks (warnings only) and builds.

The content is the data of ``starter.py``; this module only picks the rows
the user chose (design, regimes, languages), turns each placeholder into its
marked text or commented value (``placeholders.py``) and writes the four
files of a protocol folder, each starting with the editor's schema modeline.
The folder is written whole or not at all: into a temporary sibling, renamed
at the end; an existing folder is never touched.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from . import codes, placeholders, starter
from .documents import NAMES
from .errors import TrialdocsError
from .load import resolve_plain
from .starter import Invented, Local, Say, Text, Today

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "schema" / "trialdocs.schema.json"


_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


class InitError(TrialdocsError):
    """A starter cannot be written there (the folder exists, a bad name, …)."""


class _Marked:
    """A value written with a ``# PLACEHOLDER:`` comment."""

    def __init__(self, value, what):
        self.value, self.what = value, what


def regimes_for(regime_set: str | None, regimes: list[str] | None) -> list[str]:
    """The regimes declared: those named one by one, else the named set's."""
    return list(dict.fromkeys(regimes)) if regimes else \
        list(starter.REGIME_SETS[regime_set or starter.DEFAULT_REGIME_SET])


def compose(languages: list[str], regimes: list[str], design: str,
            today: dt.date | None = None) -> dict:
    """{file name: {top-level key: value}} for the choices, placeholders still as data."""
    row = starter.DESIGNS[design]
    trial, people = copy.deepcopy(starter.TRIAL), copy.deepcopy(starter.PEOPLE)
    consent, conduct = copy.deepcopy(starter.CONSENT), copy.deepcopy(starter.CONDUCT)
    trial["protocol"]["languages"] = list(languages)
    trial["protocol"]["documents"] = list(NAMES)
    trial["design"].update(copy.deepcopy(row["design"]))
    trial = _insert_after(trial, "design", "arms", copy.deepcopy(row["arms"]))
    trial["interventions"] += copy.deepcopy(row["extra_interventions"])
    trial["regulatory"] = {"regimes": list(regimes), **trial["regulatory"]}
    consent["consent"] = _insert_after(consent["consent"], "purpose", "method", row["method"])
    conduct["site_manual"] = _insert_after(conduct["site_manual"], "consent_procedure",
                                           "enrolment", row["enrolment"])
    for key in ("unblinding", "randomization"):  # designs that randomize or mask (designs.py)
        if key in row:
            conduct["site_manual"] = _insert_after(conduct["site_manual"], "enrolment",
                                                   key, row[key])
    blocks = {**trial, **people, **consent, **conduct}
    for regime in ["any", *regimes]:
        for (block, key), value in starter.REGIME_BLOCKS.get(regime, {}).items():
            blocks[block][key] = copy.deepcopy(value)
    files = {}
    for name, source in zip(starter.FILES, (trial, people, consent, conduct)):
        files[name] = {key: _resolve(blocks[key], languages, today or dt.date.today())
                       for key in source}
    return files


def _insert_after(mapping: dict, after: str, key: str, value) -> dict:
    out = {}
    for k, v in mapping.items():
        out[k] = v
        if k == after:
            out[key] = value
    return out


def _resolve(value, languages, today):
    """Placeholders to their written form, localized texts to the chosen languages."""
    if isinstance(value, Say):
        return {lang: placeholders.text(lang, getattr(value, lang)) for lang in languages}
    if isinstance(value, Text):
        return placeholders.text("en", value.what)
    if isinstance(value, Local):
        return {lang: texts for lang, texts in value.texts if lang in languages and lang != "en"}
    if isinstance(value, Invented):
        return _Marked(value.value, value.what)
    if isinstance(value, Today):
        return today.isoformat() if value.unit == "day" else today.isoformat()[:7]
    if isinstance(value, dict):
        if value and set(value) <= set(codes.LANGUAGES):
            return {lang: value[lang] for lang in languages}
        resolved = {k: _resolve(v, languages, today) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if not (isinstance(value[k], Local) and not v)}
    if isinstance(value, list):
        return [_resolve(v, languages, today) for v in value]
    return value


# -- YAML text -----------------------------------------------------------------------

def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if _PLAIN.match(value) and resolve_plain(value) == value:
        return value  # a code or an id, written as the worked example writes them
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _simple(value) -> bool:
    return not isinstance(value, (dict, list)) or \
        (isinstance(value, list) and all(not isinstance(v, (dict, list, _Marked)) for v in value))


def _emit(value, indent: int) -> list[str]:
    """Block-style YAML lines for a mapping (a list is emitted by its parent)."""
    pad, lines = " " * indent, []
    for key, item in value.items():
        lines += _entry(f"{pad}{key}:", item, indent)
    return lines


def _entry(head: str, item, indent: int) -> list[str]:
    if isinstance(item, _Marked):
        return [f"{head} {_scalar(item.value)}  {placeholders.comment(item.what)}"]
    if _simple(item):
        return [f"{head} {_scalar(item)}"]
    if isinstance(item, dict):
        return [head] + _emit(item, indent + 2)
    lines = [head]
    for element in item:
        if isinstance(element, dict):
            inner = _emit(element, indent + 4)
            lines.append(" " * (indent + 2) + "- " + inner[0].lstrip())
            lines += inner[1:]
        else:
            lines += [line.replace(" " * (indent + 2) + "_:", " " * (indent + 2) + "-", 1)
                      for line in _entry(" " * (indent + 2) + "_:", element, indent + 2)]
    return lines


def render_file(name: str, blocks: dict, folder: Path) -> str:
    schema = Path(os.path.relpath(SCHEMA_FILE, folder.resolve())).as_posix()
    header = [
        f"# yaml-language-server: $schema={schema}",
        f"# {name}: {starter.FILES[name]}.",
        "#",
        "# Written by `trialdocs init` as a starting point. Every text in brackets,",
        f"# such as \"{placeholders.text('en', 'what to write')}\", and every value marked",
        f"# \"{placeholders.comment('...')}\" was invented: replace it with the trial's own",
        "# content. `trialdocs check` lists each one that is left.",
        "",
    ]
    body = []
    for key, value in blocks.items():
        body += _entry(f"{key}:", value, 0) + [""]
    return "\n".join(header + body).rstrip("\n") + "\n"


# -- the command -----------------------------------------------------------------------

def init(folder: Path, languages: list[str], regimes: list[str], design: str) -> list[Path]:
    """Write the starter protocol into a new folder; returns the files written."""
    from .rules import SLUG_RE

    folder = Path(folder)
    if folder.exists() or folder.is_symlink():
        raise InitError(f"{folder} already exists; init writes a new folder only "
                        "(choose another name, or remove that folder yourself)")
    if not SLUG_RE.match(folder.name):
        raise InitError(f"'{folder.name}' is not a safe protocol name: use lower-case letters, "
                        "digits, '-' and '_' (it names the output folder)")
    parent = folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InitError(f"cannot create {parent}: {exc.strerror}") from None
    files = compose(languages, regimes, design)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)
        for name, blocks in files.items():
            (staging / name).write_text(render_file(name, blocks, folder), encoding="utf-8")
        if folder.exists():
            raise InitError(f"{folder} appeared while init was writing; nothing was replaced")
        os.rename(staging, folder)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise InitError(f"cannot write {folder}: {exc.strerror}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [folder / name for name in files]
