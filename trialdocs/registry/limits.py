"""Character limits of ClinicalTrials.gov fields, read from the field catalogue.

Each field's PRS label and limit are declared with the field in schema.py
(``prs=V(…)`` or ``prs=U(…)``); this module gives the registry checker and the
PRS text form the table they look limits up in. docs/registry-mapping.md and
section 6.8 of docs/protocol-format.md are generated from the same
declarations.

Each limit is counted on the PRS plain-text form of a value (``text.plain``:
Markdown escapes removed, line ends as one character, outer whitespace
trimmed), which is what PRS counts. ``confirmed`` says whether the limit was
seen in a source (a breach is an error) or is the DED value as we know it, not
re-seen (a breach is only a warning until someone confirms it). The v2 API
does not publish limits, hence the table.

Keys are protocol paths with ``*`` for "every item of a list".
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import catalogue


@dataclass(frozen=True)
class Limit:
    chars: int
    confirmed: bool
    label: str          # the PRS form label, for messages


LIMITS: dict[tuple, Limit] = {path: Limit(prs["limit"], prs["confirmed"], prs["label"])
                              for path, prs in catalogue.limits().items()}
# The criteria limit applies to the criteria text as sent, which
# criteria_markdown or the inclusion and exclusion lists make (checker.py
# counts it once, on that text).
LIMITS[("eligibility", "criteria")] = LIMITS.pop(("eligibility", "criteria_markdown"))


def limit_for(path) -> Limit | None:
    """The limit of a concrete path such as ('arms', 2, 'label'), if it has one."""
    generic = tuple("*" if isinstance(part, int) else part for part in path)
    return LIMITS.get(generic)
