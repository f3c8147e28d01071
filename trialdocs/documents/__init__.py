"""Document types: the one list of them, and where each one's code lives.

``REGISTRY`` is the only place a document type is named. Each row gives the
code users write in ``protocol.documents`` and ``--only``, the top-level
blocks the document is built from (``rules.required_blocks`` requires them
when the document is requested) and the module that holds its ``check``
(extra rules, run by ``trialdocs check``) and ``targets`` (what ``trialdocs
build`` renders, with their layouts and stylesheets). The schema's allowed
values, the CLI's ``--only`` choices and the rules all read this table.

The table is plain data so that importing it stays cheap: the schema and the
command line need the names, not the modules. A document module is imported
when its checks or targets are wanted, and none imports a renderer (Jinja,
Markdown, WeasyPrint) at module level, so ``check`` never loads one.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    name: str                 # code in protocol.documents and --only
    module: str               # import path of the module with check() and targets()
    requires: tuple = ()      # top-level blocks it is built from

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


REGISTRY = (
    Document("consent", "trialdocs.documents.consent",
             ("consent", "regulatory", "sites", "people")),
    Document("site_manual", "trialdocs.documents.site_manual",
             ("site_manual", "schedule", "safety", "sites", "people", "objectives")),
    Document("registry", "trialdocs.documents.registry"),
    Document("usdm", "trialdocs.documents.usdm"),
    Document("protocol", "trialdocs.documents.protocol",
             ("protocol_document", "schedule", "objectives", "outcomes")),
)
BY_NAME = {document.name: document for document in REGISTRY}
NAMES = [document.name for document in REGISTRY]


def _module(name):
    return importlib.import_module(BY_NAME[name].module)


def document_checks(documents, any_data_only=False):
    """The check functions of the requested documents.

    With ``any_data_only`` (the data already has errors), only the checks of
    modules that declare ``CHECKS_ANY_DATA = True``: they never assume a type
    the schema promised, so they can run on data the schema rejected.
    """
    found = []
    for name in documents:
        module = _module(name) if name in BY_NAME else None
        if module is not None and hasattr(module, "check") \
                and (not any_data_only or getattr(module, "CHECKS_ANY_DATA", False)):
            found.append(module.check)
    return found


def document_modules(documents):
    return [(name, _module(name)) for name in documents if name in BY_NAME]
