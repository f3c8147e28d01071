"""What the USDM JSON Schema cannot check: unique ids, resolving references, one anchor.

Product code, not a test helper: the build runs it on every usdm.json before
writing it (trialdocs.documents.usdm), and the tests run it on every export.
CDISC's own v4.0.0 example passes it.
"""

from __future__ import annotations

from . import cdisc

ANCHOR_CODE = cdisc.TIMING_TYPE["fixed"][0]


def _walk(value, path="$", out=None) -> list:
    """(path, object) of every object of the document, in document order (a list made
    by plain recursion: nested generators passed each object up through every level)."""
    if out is None:
        out = []
    if isinstance(value, dict):
        out.append((path, value))
        for key, item in value.items():
            _walk(item, f"{path}.{key}", out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, f"{path}[{i}]", out)
    return out


def integrity_problems(document: dict) -> list[str]:
    """Duplicate ids, references by id that resolve to nothing, timelines without one anchor.

    A reference is any attribute named ``...Id`` (a string) or ``...Ids`` (a list
    of strings), which is how the USDM API names every cross-reference.
    """
    problems, ids = [], {}
    objects = _walk(document)
    for path, obj in objects:
        if isinstance(obj.get("id"), str) and "instanceType" in obj:
            if obj["id"] in ids:
                problems.append(f"{path}: id {obj['id']} is also used at {ids[obj['id']]}")
            else:
                ids[obj["id"]] = path
    for path, obj in objects:
        for key, value in obj.items():
            if key.endswith("Id") and value is not None:
                refs = [value]
            elif key.endswith("Ids") and isinstance(value, list):
                refs = value
            else:
                continue
            for ref in refs:
                if ref not in ids:
                    problems.append(f"{path}.{key}: {ref} names no object in the file")
    for path, obj in objects:
        if obj.get("instanceType") == "ScheduleTimeline":
            anchors = [t for t in obj.get("timings") or []
                       if (t.get("type") or {}).get("code") == ANCHOR_CODE]
            if len(anchors) != 1:
                problems.append(f"{path}: {len(anchors)} anchors (Fixed Reference timings), "
                                "not 1")
    return problems
