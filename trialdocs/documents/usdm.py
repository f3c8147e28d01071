"""USDM output: the protocol as a CDISC/TransCelerate USDM v4.0.0 study definition.

A document of its own (``usdm`` in ``protocol.documents``), not part of
``registry``: it is no registration, needs none of the registry checks, and a
sponsor who exports to a study builder or EDC set-up may register elsewhere.
``targets`` lists one file, ``output/<slug>/usdm.json``
(trialdocs.registry.usdm). The Wrapper is built here, once, as the payload, so
the cache key changes exactly when the file would.
"""

from __future__ import annotations

from ..targets import Target
from ..registry import usdm, usdm_check


def targets(model: dict) -> list[Target]:
    document = usdm.wrapper(model)
    problems = usdm_check.integrity_problems(document)
    if problems:  # a defect of the exporter, not of the protocol
        raise RuntimeError("usdm.json would be inconsistent: " + "; ".join(problems[:5]))
    return [Target("usdm.json", "usdm", "trialdocs.registry.usdm:render", document)]
