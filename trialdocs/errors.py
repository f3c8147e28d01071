"""Diagnostics: every problem trialdocs reports, as data.

Checks never raise on the first problem; they append Diagnostic values to a
list, and the command line sorts and prints them all at the end. Exceptions
are kept for what stops a run outright (TrialdocsError), and even those carry
a message written for the user, never a traceback.
"""

from __future__ import annotations

import json
import re
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
    """A run cannot go on; the message says why, in the user's terms (exit status 1)."""


class UsageError(TrialdocsError):
    """The command line asks for something impossible (exit status 2)."""


class TemplateError(TrialdocsError):
    """A template failed; the message names the template file and line."""


class RefusedResource(TrialdocsError):
    """A document asked for a file or URL outside the project's templates and fonts."""


class RecordError(TrialdocsError):
    """A ClinicalTrials.gov record cannot be imported (unreadable, not JSON, not a study)."""


class OutputError(TrialdocsError):
    """The output folder cannot be written as asked (a symbolic link inside it, ...)."""


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; the handler the CLI installs raises this.

    A KeyboardInterrupt, so that every ``finally`` and ``except
    KeyboardInterrupt`` (discard staged files, stop workers) runs as for
    Ctrl-C. The exit status is 128 + the signal number, as shells report it.
    """

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class ProblemsFound(TrialdocsError):
    """Checking found errors; the diagnostics were already reported."""

    def __init__(self, diagnostics):
        super().__init__(f"{sum(d.severity == ERROR for d in diagnostics)} error(s)")
        self.diagnostics = diagnostics


def sort_key(d: Diagnostic):
    return (d.file, d.line, d.col, d.severity != ERROR, d.path, d.message)


# C0 and C1 controls, DEL, and the bidirectional embedding, override and isolate
# controls: printed raw they clear a terminal, set its title or reverse what follows.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_ONE_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str, one_line: bool = False) -> str:
    """Text with every control character written as an escape (``\\x1b``, ``\\u202e``).

    ``one_line`` escapes newlines too: a diagnostic is one line, whatever a
    folder name or a key holds.
    """
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE
    return pattern.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def format_text(diagnostics) -> str:
    return "\n".join(terminal_safe(d, one_line=True) for d in sorted(diagnostics, key=sort_key)
                     if d.severity != ACCEPTED)


def to_json(value) -> str:
    """JSON with every control character escaped (valid JSON, safe on a terminal)."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def format_json(diagnostics) -> str:
    return to_json([d.as_json() for d in sorted(diagnostics, key=sort_key)])


def has_errors(diagnostics) -> bool:
    return any(d.severity == ERROR for d in diagnostics)
