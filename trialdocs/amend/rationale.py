"""Which amendment explains a change: the amendments a version adds, the entry naming a path.

Read by the summary of changes, the new-information sheet and the check
rules alike (package.py, render.py, reconsent.py).
"""

from __future__ import annotations

from .diff import Change, matches


def new_amendments(old: dict, new: dict) -> list[dict]:
    """The amendments the new version lists and the old does not (else the last one)."""
    def listed(data):
        return ((data.get("protocol") or {}).get("amendments")) or []
    seen = {str(a.get("version")) for a in listed(old)}
    fresh = [a for a in listed(new) if str(a.get("version")) not in seen]
    return fresh or listed(new)[-1:]


def explanation(change: Change, amendments: list[dict]) -> dict | None:
    """The amendment ``changes`` entry naming this path (the most specific pattern)."""
    best, weight = None, -1
    for amendment in amendments:
        for entry in amendment.get("changes") or []:
            for pattern in entry.get("paths") or []:
                if (matches(change.path, pattern) or matches(pattern, change.path)) \
                        and len(pattern.split(".")) > weight:
                    best, weight = entry, len(pattern.split("."))
    return best
