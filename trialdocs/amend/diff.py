"""A structural diff of two protocols: field by field, list items matched by id.

Positions in a list are not identities: inserting a visit must not report
every later visit as changed. Items that carry an ``id`` are matched by it
(and a change of their relative order is reported as ``moved``); other lists
are compared as a whole. A localized text (``{fr: ..., en: ...}``) is one
field, so a translated sentence changed in both languages is one change.

Paths use the notation of ``protocol.illustrative``: dotted keys, a list item
named by its id (``schedule.visits.v2.window``), by its position otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import codes

ADDED, REMOVED, CHANGED, MOVED = "added", "removed", "changed", "moved"

# Fields that record the change rather than make it: a new version number or
# date, and the amendment history itself, are never "changes" to describe;
# nor are the tool warnings the team accepts (nothing a document shows).
BOOKKEEPING = ("protocol.amendments", "protocol.accepted_warnings", "*.version",
               "*.version_date")


@dataclass(frozen=True)
class Change:
    path: str
    kind: str
    old: Any = None
    new: Any = None


def _localized(value) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= set(codes.LANGUAGES)


def _ids(items) -> list | None:
    """The ids of a list of records, or None when the list is not one of identified items."""
    if not items or not all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items):
        return None
    ids = [i["id"] for i in items]
    return ids if len(set(ids)) == len(ids) else None


def matches(path: str, pattern: str) -> bool:
    """A dotted path under a pattern (``*`` one segment; a prefix covers what is below)."""
    parts, want = path.split("."), pattern.split(".")
    return len(parts) >= len(want) and all(w in ("*", p) for w, p in zip(want, parts))


def bookkeeping(path: str) -> bool:
    parts = path.split(".")
    return any(matches(path, p) and (len(parts) == len(p.split(".")) or not p.startswith("*"))
               for p in BOOKKEEPING)


def diff(old: dict, new: dict) -> list[Change]:
    """Every change from old to new, in the order of the new protocol's fields."""
    changes: list[Change] = []
    _walk(old, new, "", changes)
    return [c for c in changes if not bookkeeping(c.path)]


def _join(prefix: str, key) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _walk(old, new, path, out) -> None:
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict) and not (_localized(old) or _localized(new)):
        for key in list(new) + [k for k in old if k not in new]:
            sub = _join(path, key)
            if key not in old:
                out.append(Change(sub, ADDED, None, new[key]))
            elif key not in new:
                out.append(Change(sub, REMOVED, old[key], None))
            else:
                _walk(old[key], new[key], sub, out)
        return
    if isinstance(old, list) and isinstance(new, list):
        old_ids, new_ids = _ids(old), _ids(new)
        if old_ids is not None and new_ids is not None:
            _walk_items(dict(zip(old_ids, old)), dict(zip(new_ids, new)), old_ids, new_ids,
                        path, out)
            return
    out.append(Change(path, CHANGED, old, new))


def _walk_items(old, new, old_ids, new_ids, path, out) -> None:
    common_old = [i for i in old_ids if i in new]
    common_new = [i for i in new_ids if i in old]
    moved = set()
    if common_old != common_new:
        # the fewest items to move: those off the longest run kept in order
        import difflib
        kept = set()
        for block in difflib.SequenceMatcher(None, common_old, common_new,
                                             autojunk=False).get_matching_blocks():
            kept.update(common_new[block.b:block.b + block.size])
        moved = set(common_new) - kept
    for item_id in new_ids:
        sub = _join(path, item_id)
        if item_id not in old:
            out.append(Change(sub, ADDED, None, new[item_id]))
            continue
        if item_id in moved:
            out.append(Change(sub, MOVED, old_ids.index(item_id), new_ids.index(item_id)))
        _walk(old[item_id], new[item_id], sub, out)
    for item_id in old_ids:
        if item_id not in new:
            out.append(Change(_join(path, item_id), REMOVED, old[item_id], None))
