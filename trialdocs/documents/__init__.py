"""Document types: one module each, saying what it checks, reads and writes.

Each document module offers ``check(checked)`` (extra rules, run by
``trialdocs check``) and ``targets(model)`` (what ``trialdocs build`` renders).
Importing this package must stay cheap: rendering libraries are imported by
the render stage only.
"""

from __future__ import annotations

import importlib

MODULES = {
    "consent": "trialdocs.documents.consent",
    "site_manual": "trialdocs.documents.site_manual",
    "registry": "trialdocs.documents.registry",
    "protocol": "trialdocs.documents.protocol",
}


def _module(document):
    try:
        return importlib.import_module(MODULES[document])
    except ModuleNotFoundError as exc:
        if exc.name == MODULES[document]:
            return None  # this document type is not built yet
        raise


def document_checks(documents, any_data_only=False):
    """The check functions of the requested documents that exist.

    With ``any_data_only`` (the data already has errors), only the checks of
    modules that declare ``CHECKS_ANY_DATA = True``: they never assume a type
    the schema promised, so they can run on data the schema rejected.
    """
    found = []
    for document in documents:
        module = _module(document) if document in MODULES else None
        if module is not None and hasattr(module, "check") \
                and (not any_data_only or getattr(module, "CHECKS_ANY_DATA", False)):
            found.append(module.check)
    return found


def document_modules(documents):
    return [(d, m) for d in documents if d in MODULES and (m := _module(d)) is not None]
