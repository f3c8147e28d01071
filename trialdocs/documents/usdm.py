"""USDM output: the protocol as a CDISC/TransCelerate USDM v4.0.0 study definition.

A document of its own (``usdm`` in ``protocol.documents``), not part of
``registry``: it is no registration, needs none of the registry checks, and a
sponsor who exports to a study builder or EDC set-up may register elsewhere.
``targets`` lists one file, ``output/<slug>/usdm.json``
(trialdocs.registry.usdm). The Wrapper is built here, once, as the payload, so
the cache key changes exactly when the file would.
"""

from __future__ import annotations

from ..errors import WARNING, Diagnostic
from ..model import lookup
from ..targets import Target
from ..registry import usdm, usdm_check

# Reads data through lookup(), which never assumes a type: safe on data the
# schema rejected, so one run shows this warning beside the schema's errors.
CHECKS_ANY_DATA = True


def check(checked) -> None:
    """Warn where the protocol gives something USDM cannot carry as structure.

    Eligibility written as one Markdown text (what a registry import gives)
    has no criteria to list: usdm.json would hold none, silently.
    """
    data = checked.source.data if checked.source else {}
    eligibility = lookup(data, "eligibility", default={})
    if not isinstance(eligibility, dict):
        return
    if eligibility.get("criteria_markdown") and not (eligibility.get("inclusion")
                                                     or eligibility.get("exclusion")):
        checked.diagnostics.append(Diagnostic(
            *checked.source.where(("eligibility", "criteria_markdown")), WARNING,
            "eligibility.criteria_markdown",
            "usdm.json will list no eligibility criteria: they are one Markdown text",
            "give them as eligibility.inclusion and eligibility.exclusion lists", code="usdm"))


def targets(model: dict) -> list[Target]:
    document = usdm.wrapper(model)
    problems = usdm_check.integrity_problems(document)
    if problems:  # a defect of the exporter, not of the protocol
        raise RuntimeError("usdm.json would be inconsistent: " + "; ".join(problems[:5]))
    return [Target("usdm.json", "usdm", "trialdocs.registry.usdm:render", document)]
