"""The check stage: load, schema, cross-field rules, then each document's own checks.

``check_protocol`` is what ``trialdocs check`` and the first half of
``trialdocs build`` run. It never imports WeasyPrint: checking a protocol
must stay fast enough to run on every save.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ERROR, Diagnostic, has_errors

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
    from .rules import Rules
    from .validate import validate

    folder = Path(folder)
    source, diagnostics = load_protocol(folder)
    checked = Checked(folder, folder.name, source, diagnostics)
    if has_errors(diagnostics) and not source.data:
        return checked
    from .characters import check_characters
    from .fit import check_fit

    checked.diagnostics += check_characters(source) + check_fit(source)
    problems, trusted = validate(source)
    checked.diagnostics += problems
    checked.diagnostics += Rules(source, folder.name, today, trusted).run()
    from .documents import document_checks  # noqa: PLC0415 (kept light: no rendering)
    # With errors already found, only the document checks that read data through
    # type-checking accessors run (CHECKS_ANY_DATA), so one run shows every problem.
    for run_check in document_checks(checked.documents, any_data_only=not checked.ok):
        run_check(checked)
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
    return errors, len(diagnostics) - errors
