"""Check a loaded protocol against the schema; every problem, never the first only.

Cerberus does the structural work (types, required fields, codes, patterns);
this module turns each of its errors into a Diagnostic at the exact file, line
and column, in words a medical writer can act on, with the allowed values or a
"did you mean". Cross-field rules live in ``rules.py``. Cerberus is wrapped
here and nowhere else, so it can be swapped without touching the rest.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import pickle
import re

import cerberus
import cerberus.schema
from cerberus import errors as cerr

from . import codes, schema as S
from .errors import ERROR, Diagnostic
from .load import Source, dotted

WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                    *(f"lpt{i}" for i in range(1, 10))}

REGEX_WORDS = {
    S.ID_RE: "must be an id of letters, digits, '-' and '_' (at most 64, starting with a "
             "letter or digit), so it is safe as a file name",
    S.DATE_RE: "must be a date written YYYY-MM-DD",
    S.PARTIAL_DATE_RE: "must be a date written YYYY-MM or YYYY-MM-DD",
    S.MONTH_RE: "must be a month written YYYY-MM",
    S.AGE_RE: "must be an age such as '18 Years' (a whole number, a space, then one of "
              + ", ".join(codes.AGE_UNITS) + ")",
    S.EMAIL_RE: "must be an e-mail address",
    r"^NCT\d{8}$": "must be an NCT number: 'NCT' and 8 digits",
    r"^\d+$": "must be digits only",
}

TYPE_WORDS = {"string": "text", "dict": "a mapping (key: value lines)", "list": "a list",
              "integer": "a whole number", "boolean": "true or false", "number": "a number"}


class _TrustedSchema(cerberus.schema.DefinitionSchema):
    """SCHEMA without Cerberus re-checking the schema itself on every run.

    Cerberus validates a schema definition whenever a validator is made from
    it: about 0.5 s for ours, most of a ``check``. The schema is code, not
    input; tests/test_schema.py validates it with Cerberus's own checker.
    It is expanded once per process (``_expanded_schema``) rather than walked
    again for every validator.
    """

    def __init__(self, validator, schema):  # noqa: D107 (no schema checker made)
        self.validator = validator
        self.schema = schema

    def validate(self, schema=None):
        pass


@functools.lru_cache(maxsize=1)
def _expanded_schema() -> dict:
    """SCHEMA with Cerberus's shortcuts expanded (Cerberus expands it in place)."""
    return cerberus.schema.DefinitionSchema.expand(S.SCHEMA)


class _BlockErrors:
    """What Cerberus found inside each top-level block, by the block's exact value.

    No rule of the schema reads one block from another, so a block's errors
    depend on its value and the protocol's languages alone. A process that
    checks again and again (``watch``, the deletion sweep of the tests) checks
    only the blocks that changed: the rest get the errors found last time (the
    same error objects, never changed after they are made). The key is the
    block's pickle, hashed: it tells apart every value YAML loads (1, 1.0, True
    and '1'; a dict's key order) and is three times quicker to make than its
    repr. A value that cannot be pickled is not remembered.
    """

    SIZE = 512

    def __init__(self):
        self.found = {}

    @staticmethod
    def key(field, languages, value) -> tuple | None:
        try:
            written = pickle.dumps(value, 5)
        except Exception:  # noqa: BLE001 - any value YAML cannot give: validated every time
            return None
        return field, tuple(languages or ()), hashlib.blake2b(written, digest_size=20).digest()

    def get(self, key):
        return self.found.get(key)

    def put(self, key, errors) -> None:
        if len(self.found) >= self.SIZE:
            del self.found[next(iter(self.found))]   # the oldest
        self.found[key] = errors


_BLOCK_ERRORS = _BlockErrors()


class _Validator(cerberus.Validator):
    """Cerberus with trialdocs' own rules: localized texts and file-safe ids."""

    def _validate_regex(self, pattern, field, value):
        """{'type': 'string'}"""
        # Over the whole text: Cerberus' own rule ends the pattern with '$', which
        # also matches before a final newline ("tenon\n" passed as a site id).
        if isinstance(value, str) and re.fullmatch(pattern, value) is None:
            self._error(field, cerr.REGEX_MISMATCH)

    def _validate_localized(self, constraint, field, value):
        """{'type': 'string'}"""
        languages = self._config.get("languages") or []
        if not isinstance(value, dict):  # text for every language; the type rule decides
            return
        for lang in languages:
            if lang not in value:
                self._error(field, f"missing translation for '{lang}'")
        for lang, text in value.items():
            if lang not in languages:
                self._error(field, f"'{lang}' is not a language of this protocol "
                            f"(protocol.languages: {', '.join(languages) or 'none'})")
            elif not isinstance(text, str) or not text.strip():
                self._error(field, f"the '{lang}' text is empty")

    def _validate_schema(self, schema, field, value):
        """
        {'type': ['dict', 'string'],
         'anyof': [{'check_with': 'schema'},
                   {'check_with': 'bulk_schema'}]}
        """
        # Cerberus' own rule (the docstring above is its definition, as Cerberus
        # reads it), with a memory per top-level block: see _BlockErrors.
        if self.is_child or not isinstance(value, (dict, list)):
            super()._validate_schema(schema, field, value)
            return
        key = _BLOCK_ERRORS.key(field, self._config.get("languages"), value)
        found = _BLOCK_ERRORS.get(key) if key else None
        if found is None:
            before = {id(error) for error in self._errors}
            super()._validate_schema(schema, field, value)
            found = [error for error in self._errors if id(error) not in before]
            if key:
                _BLOCK_ERRORS.put(key, found)
        elif found:
            self._error(found)

    def _validate_safe_name(self, constraint, field, value):
        """{'type': 'boolean'}"""
        if constraint and isinstance(value, str) and value.lower() in WINDOWS_RESERVED:
            self._error(field, f"'{value}' is a reserved device name on Windows; choose another id")


def _leaves(error_list):
    for error in error_list:
        if error.is_group_error:
            yield from _leaves(error.child_errors)
        else:
            yield error


def schema_at(path):
    """The rules of the field at a document path (list indices skipped), or None."""
    rules = {"type": "dict", "schema": S.SCHEMA}
    for part in path:
        if isinstance(part, int):
            rules = rules.get("schema") if rules.get("type") == "list" else None
        else:
            if rules.get("type") == "list":
                rules = rules.get("schema")
            if not rules or "schema" not in rules:
                return None
            rules = rules["schema"].get(part)
        if rules is None:
            return None
    return rules


def closest(word, choices):
    """The choice a mistyped word most likely meant, or None."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    if not match:
        match = [c for c in map(str, choices) if c.lower() == str(word).lower()]
    return match[0] if match else None


def suggest(word, choices) -> str:
    match = closest(word, choices)
    return f"did you mean '{match}'?" if match else ""


def _allowed_list(values, limit=12) -> str:
    values = [str(v) for v in values]
    shown = ", ".join(values[:limit])
    return shown + (f" … ({len(values)} in all)" if len(values) > limit else "")


YES_NO = {"yes": "true", "y": "true", "on": "true", "no": "false", "n": "false", "off": "false"}


def _given(value, spelled) -> str:
    """What was written instead, in the user's words."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {spelled or value}"
    text = str(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _wrong_type(error, spelled, rules, languages) -> tuple[str, str]:
    """Message and hint for a value of the wrong type."""
    value = error.value
    wanted = error.constraint if isinstance(error.constraint, list) else [error.constraint]
    words = " or ".join(TYPE_WORDS.get(w, w) for w in wanted)
    if value is None:
        return f"has no value; it must be {words}", ""
    if rules.get("localized") == "patient" and isinstance(value, str) and languages:
        return (f"patient-facing text needs one text per language ({', '.join(languages)})",
                f"write it as {{{languages[0]}: {spelled or value}}}" if len(languages) == 1
                else "one line per language under it: " + ", ".join(f"{lang}: …" for lang in languages))
    message = f"must be {words}, not {_given(value, spelled)}"
    regex = rules.get("regex")
    if "string" in wanted and spelled is not None:
        if regex and not re.fullmatch(regex, spelled):
            return f"'{spelled}' " + REGEX_WORDS.get(regex, f"must match {regex}"), ""
        return message, (f"it would be read as {_given(value, None)}; "
                         f"write it in quotes: \"{spelled}\"")
    if "list" in wanted and not isinstance(value, (list, dict)):
        return message, f"write it as a list: [{spelled or value}]"
    if isinstance(value, str) and "integer" in wanted and value.isdigit():
        return message, f"a number has no leading zero: write {int(value)}"
    if isinstance(value, str) and "boolean" in wanted:
        if value.lower() in ("true", "false"):
            return message, f"remove the quotes: {value.lower()}"
        if value.lower() in YES_NO:
            return message, f"write {YES_NO[value.lower()]}"
    return message, ""


def check_schema(source: Source) -> list[Diagnostic]:
    return validate(source)[0]


def validate(source: Source) -> tuple[list[Diagnostic], dict]:
    """The schema's diagnostics, and the data with every wrongly typed value removed.

    Cross-field rules read the second, so they never meet a list where the
    schema wants text (a removed list item becomes None: indices, and so
    positions, stay as written).
    """
    languages = []
    proto = source.data.get("protocol")
    if isinstance(proto, dict) and isinstance(proto.get("languages"), list):
        languages = [lang for lang in proto["languages"] if isinstance(lang, str)]
    validator = _Validator(languages=languages)
    validator.schema = _TrustedSchema(validator, _expanded_schema())
    validator.validate(source.data, normalize=False)  # the schema has no normalization rules
    errors = list(_leaves(validator._errors))
    # A misspelt required key is one mistake: report the unknown key with its
    # "did you mean", not also the required field it was meant to be.
    meant = set()
    for error in errors:
        if error.code == cerr.UNKNOWN_FIELD.code:
            path = tuple(error.document_path)
            match = closest(path[-1], _known_fields(schema_at(path[:-1]) or {}))
            if match:
                meant.add(path[:-1] + (match,))
    diagnostics = [_diagnostic(source, e, languages) for e in errors
                   if not (e.code == cerr.REQUIRED_FIELD.code
                           and tuple(e.document_path) in meant)]
    trusted = _without(source.data, [tuple(e.document_path) for e in errors
                                     if e.code == cerr.BAD_TYPE.code])
    return diagnostics, trusted


def _without(data, paths):
    """A copy of data with the values at paths removed (list items become None)."""
    if not paths:
        return data
    if () in paths:
        return None
    if isinstance(data, dict):
        return {k: _without(v, [p[1:] for p in paths if p[0] == k]) for k, v in data.items()
                if (k,) not in paths}
    if isinstance(data, list):
        return [_without(v, [p[1:] for p in paths if p[0] == i]) for i, v in enumerate(data)]
    return data


def _known_fields(parent) -> list:
    if parent.get("type") == "list":
        parent = parent.get("schema") or {}
    return list(parent["schema"]) if "schema" in parent else list(S.SCHEMA)


def _diagnostic(source: Source, error, languages=()) -> Diagnostic:
    path = tuple(error.document_path)
    code = error.code
    file, line, col = source.where(path)
    message, hint = "", ""
    spelled = source.spelling.get(path)
    if code == cerr.REQUIRED_FIELD.code:
        file, line, col = source.where_key(path[:-1]) if path[:-1] else source.where(())
        message = f"missing required field '{path[-1]}'"
        if len(path) == 1:
            message = f"missing required top-level block '{path[0]}'"
            hint = "add it to one of the protocol's files; see docs/protocol-format.md"
    elif code == cerr.UNKNOWN_FIELD.code:
        file, line, col = source.where_key(path)
        known = _known_fields(schema_at(path[:-1]) or {})
        message = f"unknown field '{path[-1]}'"
        hint = suggest(path[-1], known) or f"allowed here: {_allowed_list(known, 20)}"
    elif code == cerr.BAD_TYPE.code:
        message, hint = _wrong_type(error, spelled, schema_at(path) or {}, languages)
    elif code == cerr.NOT_NULLABLE.code:
        rules = schema_at(path) or {}
        wanted = rules.get("type", "")
        wanted = wanted if isinstance(wanted, list) else [wanted]
        message = "has no value; it must be " + " or ".join(TYPE_WORDS.get(w, w) for w in wanted)
    elif code in (cerr.UNALLOWED_VALUE.code, cerr.UNALLOWED_VALUES.code):
        allowed = error.constraint
        message = f"'{error.value}' is not allowed"
        hint = suggest(error.value, allowed)
        hint = (hint + " " if hint else "") + f"allowed: {_allowed_list(allowed)}"
    elif code == cerr.REGEX_MISMATCH.code:
        message = f"'{error.value}' " + REGEX_WORDS.get(error.constraint, f"must match {error.constraint}")
    elif code == cerr.EMPTY_NOT_ALLOWED.code:
        message = "must not be empty"
    elif code == cerr.MIN_LENGTH.code:
        message = f"must have at least {error.constraint} item(s)"
    elif code == cerr.MAX_LENGTH.code:
        message = f"must have at most {error.constraint} item(s)"
    elif code == cerr.MIN_VALUE.code:
        message = f"must be at least {error.constraint}"
    elif code == cerr.MAX_VALUE.code:
        message = f"must be at most {error.constraint}"
    elif code == cerr.CUSTOM.code:
        message = error.info[0] if error.info else "is not valid"
    else:
        message = f"is not valid ({error.rule})"
    return Diagnostic(file, line, col, ERROR, dotted(path), message, hint, code="schema")
