"""What a build is asked (BuildOptions) and what it answers (BuildResult).

The command line turns its arguments into a BuildOptions and prints the
BuildResult; a program can do the same without argparse:

    from trialdocs.options import BuildOptions
    from trialdocs.pipeline import build
    result = build([Path("protocol/nct03970954")], BuildOptions(only=["consent"]))

Nothing here prints: the caller decides how a result is shown (text, JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class BuildOptions:
    """Everything ``build`` and ``watch`` can be asked; the defaults are ``trialdocs build``'s."""

    output: Path = Path("output")
    only: list[str] | None = None      # document types (consent, site_manual, registry)
    sites: list[str] | None = None
    langs: list[str] | None = None
    formats: list[str] | None = None   # output formats ("html", "pdf"); None: every one
    pdf: bool = True                   # False (build --no-pdf): every format but PDF
    jobs: int = 0                      # rendering workers; 0: one per core (see pipeline.jobs_for)
    force: bool = False                # rebuild even what is up to date
    quiet: bool = False
    verbose: bool = False
    format: str = "text"               # how the caller will print: "text" or "json"
    interval: float = 0.2              # watch: seconds between two looks at the files


@dataclass
class BuildResult:
    """What one build did; ``status`` is the exit status the command line returns."""

    status: int = 0
    diagnostics: list = field(default_factory=list)   # from checking, fresh or cached
    notes: list[str] = field(default_factory=list)     # readability scores and such
    built: list[str] = field(default_factory=list)     # "slug/path" of each file written
    removed: list[str] = field(default_factory=list)   # outputs of targets that no longer exist
    failures: list[str] = field(default_factory=list)  # "slug/path: why" of each failed render
    warnings: list[str] = field(default_factory=list)  # about the build itself (--jobs ...)
    error: str = ""                                    # why the build stopped, for the user
    selected: int = 0                                  # targets asked for
    stale: int = 0                                     # of those, targets to render
    protocols: list[tuple[str, int, int, str]] = field(default_factory=list)
    # (slug, rebuilt, selected, output folder) per protocol
    seconds: float = 0.0
    jobs: int = 0                                      # workers used for rendering

    @property
    def up_to_date(self) -> int:
        return self.selected - self.stale
