"""Diagnostics: every problem trialdocs reports, as data.

Checks never raise on the first problem; they append Diagnostic values to a
list, and the command line sorts and prints them all at the end. Exceptions
are kept for what stops a run outright (TrialdocsError), and even those carry
a message written for the user, never a traceback.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"
# A warning the protocol accepts on purpose (protocol.accepted_warnings, with a
# reason): kept as data for --format json and the manifest, not printed as text.
ACCEPTED = "accepted"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place: ``file:line:col: severity: path: message``."""

    file: str
    line: int
    col: int
    severity: str = ERROR
    path: str = ""
    message: str = ""
    hint: str = field(default="", compare=False)
    code: str = field(default="", compare=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        text = f"{where}: {self.severity}: "
        if self.path:
            text += f"{self.path}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text

    def as_json(self) -> dict:
        return asdict(self)


class TrialdocsError(Exception):
    """A run cannot go on; the message says why, in the user's terms."""


class ProblemsFound(TrialdocsError):
    """Checking found errors; the diagnostics were already reported."""

    def __init__(self, diagnostics):
        super().__init__(f"{sum(d.severity == ERROR for d in diagnostics)} error(s)")
        self.diagnostics = diagnostics


def sort_key(d: Diagnostic):
    return (d.file, d.line, d.col, d.severity != ERROR, d.path, d.message)


def format_text(diagnostics) -> str:
    return "\n".join(str(d) for d in sorted(diagnostics, key=sort_key) if d.severity != ACCEPTED)


def format_json(diagnostics) -> str:
    return json.dumps([d.as_json() for d in sorted(diagnostics, key=sort_key)],
                      indent=2, ensure_ascii=False)


def has_errors(diagnostics) -> bool:
    return any(d.severity == ERROR for d in diagnostics)
