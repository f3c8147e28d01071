"""The check stage: load, schema, cross-field rules, then each document's own checks.

``check_protocol`` is what ``trialdocs check`` and the first half of
``trialdocs build`` run. It never imports WeasyPrint: checking a protocol
must stay fast enough to run on every save.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ACCEPTED, ERROR, WARNING, Diagnostic, has_errors

if TYPE_CHECKING:
    from .load import Source

# load, validate and rules (PyYAML, Cerberus) are imported by check_protocol:
# find_protocols, and a no-op build that never checks, stay cheap.


@dataclass
class Checked:
    """A protocol after checking: its source, its slug and every problem found."""

    folder: Path
    slug: str
    source: Source | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # per-document figures the command line reports (readability scores …)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    @property
    def documents(self) -> list[str]:
        """The requested documents, as far as protocol.documents is a list of names."""
        protocol = self.source.data.get("protocol") if self.source else None
        documents = protocol.get("documents") if isinstance(protocol, dict) else None
        return [d for d in documents if isinstance(d, str)] if isinstance(documents, list) else []


def check_protocol(folder: Path, today=None) -> Checked:
    from .load import load_protocol

    folder = Path(folder)
    source, diagnostics = load_protocol(folder)
    checked = Checked(folder, folder.name, source, diagnostics)
    if has_errors(diagnostics) and not source.data:
        return checked
    check_source(checked, today, accept=False)
    if checked.ok:  # rules against the git history (amend/reconsent.py): needs valid data
        from .amend.reconsent import check as check_history
        check_history(checked)
    accept_warnings(checked)  # last: history warnings can be accepted like any other
    return checked


def check_source(checked: Checked, today=None, accept=True) -> Checked:
    """Characters, fit, schema, rules and document checks over loaded data (also used
    by the deletion sweep, which checks edited data without writing files).

    ``accept=False`` leaves protocol.accepted_warnings to the caller, which has
    more warnings to add first (check_protocol: the history rules)."""
    from .characters import check_characters
    from .fit import check_fit
    from .rules import Rules
    from .validate import validate

    source = checked.source
    checked.diagnostics += check_characters(source) + check_fit(source)
    problems, trusted = validate(source)
    checked.diagnostics += problems
    checked.diagnostics += Rules(checked.source, checked.slug, today, trusted).run()
    from .documents import document_checks  # noqa: PLC0415 (kept light: no rendering)
    # With errors already found, only the document checks that read data through
    # type-checking accessors run (CHECKS_ANY_DATA), so one run shows every problem.
    for run_check in document_checks(checked.documents, any_data_only=not checked.ok):
        run_check(checked)
    if accept:
        accept_warnings(checked)
    return checked


DEFAULT_ROOT = Path("protocol")  # where protocols live when none is named


def find_protocols(root: Path) -> list[Path]:
    """Every protocol folder under root: sub-folders holding YAML files, sorted."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir()
                  if p.is_dir() and not p.name.startswith(".")
                  and any(f.suffix in (".yaml", ".yml") for f in p.iterdir()))


def counts(diagnostics) -> tuple[int, int]:
    errors = sum(d.severity == ERROR for d in diagnostics)
    return errors, sum(d.severity == WARNING for d in diagnostics)


def accept_warnings(checked: Checked) -> None:
    """Mark the warnings protocol.accepted_warnings accepts, each with its reason.

    An entry names a field path (the warning's own, or a parent of it) and,
    optionally, words of the message; a warning it matches becomes ACCEPTED
    (not printed, listed in --format json and in the manifest with the reason).
    An entry that matches no warning is itself a warning, so the list stays true;
    not while the data has errors, since the document checks that would give the
    warning do not run then.
    """
    from dataclasses import replace

    from .model import lookup

    entries = lookup(checked.source.data, "protocol", "accepted_warnings") or []
    if not isinstance(entries, list):
        return
    used = set()
    out = []
    for d in checked.diagnostics:
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or d.severity != WARNING:
                continue
            path, words = str(entry.get("path", "")), entry.get("message")
            if (d.path == path or d.path.startswith((path + ".", path + "["))) \
                    and (not words or str(words) in d.message):
                d = replace(d, severity=ACCEPTED,
                            hint=f"accepted: {entry.get('reason', '')}")
                used.add(index)
                break
        out.append(d)
    complete = not has_errors(out)   # with errors, document checks did not all run
    for index, entry in enumerate(entries):
        if complete and index not in used and isinstance(entry, dict):
            out.append(Diagnostic(*checked.source.where(("protocol", "accepted_warnings", index)),
                                  WARNING, f"protocol.accepted_warnings[{index}]",
                                  f"accepts no warning (path '{entry.get('path')}')",
                                  "remove the entry, or correct its path or message words",
                                  code="rule"))
    checked.diagnostics = out
