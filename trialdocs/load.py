"""Load a protocol folder: YAML files -> one mapping with source positions.

Why not ``yaml.safe_load``: it accepts duplicate keys (last one wins), expands
aliases (an alias bomb exhausts whatever walks the result), turns ``NO`` into
False, ``1.10`` into 1.1, ``010`` into 8 and ``12:30`` into 750, and forgets
where each value came from. Here libyaml's C parser only tokenises; the
composer below builds plain dicts, lists and scalars from its events and:

- refuses anchors, aliases, merge keys (``<<``) and explicit tags (``!!python/…``);
- refuses duplicate keys;
- resolves a plain scalar as YAML 1.2's core schema does, except that numbers
  with leading zeros stay text: only ``true``/``false`` are booleans, ``null``
  and ``~`` are null, dates and times stay text;
- records the file, line and column (1-based) of every key and value, and the
  spelling of every plain scalar, so a check can say ``1.10`` was read as 1.1.

Every problem becomes a Diagnostic; nothing here raises on bad input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml._yaml import CParser

from .errors import ERROR, Diagnostic
from .sources import scan

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 64            # a protocol nests about 8 levels; 1,000 exhausted Python's stack
MAX_NUMBER_DIGITS = 100   # Python refuses to read integers past 4,300 digits
YAML_SUFFIXES = (".yaml", ".yml")

_BOOL = {"true": True, "True": True, "TRUE": True,
         "false": False, "False": False, "FALSE": False}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z"
                    r"|[-+]?[0-9]+[eE][-+]?[0-9]+\Z")


@dataclass
class Source:
    """A protocol's merged data and where each part of it was written."""

    folder: Path
    data: dict = field(default_factory=dict)
    # path tuple -> (file, line, col) of the value, and of its key
    positions: dict = field(default_factory=dict)
    key_positions: dict = field(default_factory=dict)
    # path tuple -> the scalar exactly as written (plain scalars only)
    spelling: dict = field(default_factory=dict)
    files: list = field(default_factory=list)
    _texts: tuple | None = field(default=None, repr=False, compare=False)

    def where(self, path) -> tuple:
        """The best-known position for a path: itself, else its nearest parent."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (self.files[0], 1, 1) if self.files else (str(self.folder), 0, 0))

    def where_key(self, path) -> tuple:
        return self.key_positions.get(tuple(path)) or self.where(path)

    def texts(self) -> list:
        """``texts(self.data)``, walked once for the checks that share it (fit,
        placeholders, the registry's limits and encoding warnings): nothing changes
        the data while it is checked. Walked again if ``data`` is replaced."""
        if self._texts is None or self._texts[0] is not self.data:
            self._texts = (self.data, texts(self.data))
        return self._texts[1]


class _Refused(Exception):
    def __init__(self, mark, message, hint=""):
        super().__init__(message)
        self.mark, self.message, self.hint = mark, message, hint


def resolve_plain(text: str):
    """Type of a plain (unquoted) scalar; see the module docstring."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


class _Composer:
    """Builds Python values from parser events for one file."""

    def __init__(self, parser, display_name, source: Source):
        self.parser = parser
        self.file = display_name
        self.source = source
        self.diagnostics = []

    def pos(self, mark):
        return (self.file, mark.line + 1, mark.column + 1)

    def next(self):
        return self.parser.get_event()

    def compose_document(self):
        event = self.next()  # StreamStart
        event = self.next()
        if type(event).__name__ == "StreamEndEvent":
            return None, event
        start = event  # DocumentStart
        value = self.compose(self.next(), ())
        self.next()  # DocumentEnd
        end = self.next()
        if type(end).__name__ != "StreamEndEvent":
            raise _Refused(end.start_mark, "a protocol file holds one YAML document, found a second",
                           "remove the '---' line or split the file")
        return value, start

    def compose(self, event, path):
        kind = type(event).__name__
        if kind == "AliasEvent":
            raise _Refused(event.start_mark, "aliases (*name) are not allowed in a protocol",
                           "write the value out in full")
        if getattr(event, "anchor", None):
            raise _Refused(event.start_mark, "anchors (&name) are not allowed in a protocol",
                           "write the value out in full")
        tag = getattr(event, "tag", None)
        if tag and tag != "!" and not (kind != "ScalarEvent" and tag in (None, "!")):
            written = tag.replace("tag:yaml.org,2002:", "!!")  # as the user typed it
            raise _Refused(event.start_mark, f"YAML tags are not allowed in a protocol (found {written})",
                           "remove the tag; write plain text")
        if len(path) > MAX_DEPTH:
            raise _Refused(event.start_mark, f"nested more than {MAX_DEPTH} levels deep",
                           "a protocol needs a few levels; check the indentation and brackets")
        self.source.positions[path] = self.pos(event.start_mark)
        if kind == "ScalarEvent":
            if event.implicit[0] and not event.style:
                self.source.spelling[path] = event.value
                if len(event.value) > MAX_NUMBER_DIGITS and _INT.match(event.value):
                    raise _Refused(event.start_mark,
                                   f"a number of {len(event.value):,} digits is too long",
                                   "write it in quotes if it is text")
                return resolve_plain(event.value)
            return event.value
        if kind == "SequenceStartEvent":
            items = []
            while True:
                event = self.next()
                if type(event).__name__ == "SequenceEndEvent":
                    return items
                items.append(self.compose(event, path + (len(items),)))
        if kind == "MappingStartEvent":
            mapping = {}
            while True:
                event = self.next()
                if type(event).__name__ == "MappingEndEvent":
                    return mapping
                if type(event).__name__ != "ScalarEvent":
                    raise _Refused(event.start_mark, "a key must be plain text, not a list or mapping")
                key_mark = event.start_mark
                key = event.value
                if key == "<<" and event.implicit[0] and not event.style:
                    raise _Refused(key_mark, "merge keys (<<) are not allowed in a protocol",
                                   "write the keys out in full")
                value_event = self.next()
                if key in mapping:
                    first = self.source.key_positions[path + (key,)]
                    self.diagnostics.append(Diagnostic(
                        self.file, key_mark.line + 1, key_mark.column + 1, ERROR,
                        _dotted(path + (key,)),
                        f"duplicate key '{key}' (first given at line {first[1]})",
                        "YAML would silently keep only the last one; remove one of them"))
                    self.compose(value_event, ("<duplicate>",) + path + (key,))
                    continue
                self.source.key_positions[path + (key,)] = self.pos(key_mark)
                mapping[key] = self.compose(value_event, path + (key,))
        raise _Refused(event.start_mark, f"unexpected YAML event {kind}")


def _dotted(path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


dotted = _dotted


def texts(value, path=()) -> list:
    """(path, text) of every string under ``value``, in document order.

    The one walk the text checks share (fit, placeholders, the registry's
    limits and encoding warnings), so each says only what it looks for.
    A list, made by plain recursion: nested generators pass each text up
    through every level, which made this walk a tenth of a ``check``.
    """
    out = []
    _texts(value, path, out)
    return out


def _texts(value, path, out) -> None:
    if isinstance(value, str):
        out.append((path, value))
    elif isinstance(value, dict):
        for key, item in value.items():
            _texts(item, path + (key,), out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _texts(item, path + (index,), out)


def protocol_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.suffix in YAML_SUFFIXES and p.is_file() and not p.name.startswith("."))


def display(path: Path, base: Path | None = None) -> str:
    """A file name as the user would type it: relative to the working folder when possible."""
    base = base or Path.cwd()
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def load_protocol(folder: Path) -> tuple[Source, list[Diagnostic]]:
    """Read every YAML file of a protocol folder into one Source.

    Each top-level key may be written in one file only; a second one is an
    error naming the first. Returns the source and every problem found.
    """
    folder = Path(folder)
    source = Source(folder=folder)
    diagnostics: list[Diagnostic] = []
    if not folder.is_dir():
        diagnostics.append(Diagnostic(display(folder), 0, 0, ERROR, "",
                                      "the protocol folder is missing (moved or deleted?)"))
        return source, diagnostics
    accepted, odd = scan(folder, links_inside=True)
    for path, problem in odd:
        name = str(Path(display(path.parent)) / path.name)  # the link itself, not its target
        diagnostics.append(Diagnostic(name, 0, 0, ERROR, "", problem, code="file"))
    files = [p for p in accepted if p.parent == folder and p.suffix in YAML_SUFFIXES]
    if not files:
        diagnostics.append(Diagnostic(display(folder), 0, 0, ERROR, "",
                                      "no YAML files (*.yaml) in this protocol folder"))
        return source, diagnostics
    for path in files:
        name = display(path)
        source.files.append(name)
        data, problems = _load_file(path, name, source)
        diagnostics += problems
        if data is None:
            continue
        for key, value in data.items():
            if key in source.data:
                first = source.key_positions[(key,)]
                line, col = source.key_positions.get(("<file>", name, key), (0, 0))[1:]
                diagnostics.append(Diagnostic(
                    name, line, col, ERROR, key,
                    f"'{key}' is already given in {first[0]}:{first[1]}",
                    "each top-level key belongs in one file"))
                continue
            source.data[key] = value
            source.key_positions[(key,)] = source.key_positions.pop(("<file>", name, key))
            _rebase(source, name, key)
    return source, diagnostics


def _load_file(path: Path, name: str, merged: Source):
    """Compose one file into a temporary Source, then hand its positions over."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Diagnostic(name, 0, 0, ERROR, "", f"cannot read the file: {exc.strerror}")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [Diagnostic(name, 0, 0, ERROR, "",
                                 f"file is {len(raw):,} bytes; a protocol file may be at most "
                                 f"{MAX_FILE_BYTES:,} bytes")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start:exc.start].decode("utf-8", "replace")) + 1
        return None, [Diagnostic(name, line, col, ERROR, "",
                                 f"the file is not UTF-8 text: byte 0x{raw[exc.start]:02X} cannot be read",
                                 "save it as UTF-8; it was probably saved as Latin-1 or Windows-1252")]
    text = text.lstrip("\ufeff")
    local = Source(folder=path.parent)
    composer = _Composer(CParser(text), name, local)
    try:
        value, start = composer.compose_document()
    except _Refused as exc:
        return None, composer.diagnostics + [Diagnostic(
            name, exc.mark.line + 1, exc.mark.column + 1, ERROR, "", exc.message, exc.hint)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        hint = _syntax_hint(exc, text.splitlines())
        message = f"YAML syntax error: {exc.problem}"
        if exc.context and "tab" not in exc.problem:
            message += f" ({exc.context}"
            if exc.context_mark and mark and exc.context_mark.line != mark.line:
                message += f" at line {exc.context_mark.line + 1}"
            message += ")"
        return None, composer.diagnostics + [Diagnostic(
            name, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0, ERROR, "",
            message, hint)]
    except yaml.reader.ReaderError as exc:  # a character YAML refuses in a file
        before = text[:exc.position]
        line, col = before.count("\n") + 1, len(before) - before.rfind("\n")
        return None, composer.diagnostics + [Diagnostic(
            name, line, col, ERROR, "", f"the file holds the control character U+{exc.character:04X}",
            "remove it (often pasted from another program)", code="characters")]
    except yaml.YAMLError as exc:
        return None, composer.diagnostics + [Diagnostic(name, 0, 0, ERROR, "",
                                                        f"YAML error: {exc}")]
    if value is None:
        return None, composer.diagnostics + [Diagnostic(name, 1, 1, "warning", "",
                                                        "the file is empty")]
    if not isinstance(value, dict):
        return None, composer.diagnostics + [Diagnostic(
            name, 1, 1, ERROR, "", "a protocol file must be a mapping of keys (key: value) at the top")]
    for (path, pos) in local.positions.items():
        if path and path[0] != "<duplicate>":
            merged.positions[("<file>", name) + path] = pos
    for (path, pos) in local.key_positions.items():
        merged.key_positions[("<file>", name) + path] = pos
    for (path, spelled) in local.spelling.items():
        merged.spelling[("<file>", name) + path] = spelled
    return value, composer.diagnostics


def _syntax_hint(exc, lines) -> str:
    """What most likely went wrong, for the YAML mistakes people make by hand."""
    problem, mark, context = exc.problem or "", exc.problem_mark, exc.context_mark
    if not mark:
        return ""
    line = lines[mark.line] if mark.line < len(lines) else ""
    if "tab" in problem or line[:len(line) - len(line.lstrip())].count("\t"):
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        key, _, value = line.strip().removeprefix("- ").partition(": ")
        if ": " in value:
            return f"text that contains ': ' must be in quotes: {key}: \"{value.strip()}\""
        return "check the indentation of this line against the lines above"
    first = context.line if context and context.line <= mark.line else mark.line
    for number in range(first, min(mark.line + 1, len(lines))):
        body = lines[number].split(" #")[0]
        if body.count('"') % 2 or (body.count("'") % 2 and "'" in body.split(":", 1)[-1][:3]):
            return f"is a quote left open on line {number + 1}?"
    if line[:mark.column].rstrip().endswith(('"', "'")):
        return ("the text goes on after its closing quote: put the quotes around the whole "
                "text, and write a quote inside it as \\\" (or use the other kind of quote)")
    for closing, what in (("]", "list"), ("}", "mapping")):
        if f"'{closing}'" in problem and context:
            return f"is a '{closing}' missing? the {what} opens on line {context.line + 1}"
    if "'-' indicator" in problem:
        return "every item of a list starts with '- ', at the same indentation"
    if "cannot start any token" in problem:
        return f"text starting with '{line[mark.column:mark.column + 1]}' must be in quotes"
    return ""


def _rebase(source: Source, name: str, key: str) -> None:
    """Move the positions recorded under ('<file>', name, key, …) to (key, …)."""
    prefix = ("<file>", name, key)
    n = len(prefix)
    for table in (source.positions, source.key_positions, source.spelling):
        for path in [p for p in table if p[:n] == prefix]:
            table[(key,) + path[n:]] = table.pop(path)
    if () not in source.positions:
        source.positions[()] = (name, 1, 1)


def load_protocol_file_plain(path: Path) -> dict:
    """Load one YAML file of the project's own (template strings) with the same safe rules."""
    local = Source(folder=path.parent)
    name = display(path)
    data, problems = _load_file(path, name, local)
    errors = [p for p in problems if p.severity == ERROR]
    if errors or not isinstance(data, dict):
        from .errors import TrialdocsError
        raise TrialdocsError("; ".join(str(p) for p in errors) or f"{name}: not a mapping")
    return data
