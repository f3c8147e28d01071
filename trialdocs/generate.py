"""Write what is generated from the field catalogue; ``--check`` says what is stale.

    python -m trialdocs.generate           rewrite the generated files
    python -m trialdocs.generate --check   exit 1, naming each file that is out of date

Generated from schema.py (read through catalogue.py):

- ``schema/trialdocs.schema.json``: the JSON Schema editors use;
- the field tables of ``docs/protocol-format.md``, between
  ``<!-- generated: … -->`` and ``<!-- end generated -->`` markers: the prose
  around them is written by hand and kept as it is;
- ``docs/registry-mapping.md``: each field's ClinicalTrials.gov key, PRS label
  and character limit.

tests/test_catalogue.py fails when any of them differs from what this writes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import catalogue, json_schema
from .catalogue import Field

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = Path("schema/trialdocs.schema.json")
FORMAT_DOC = Path("docs/protocol-format.md")
MAPPING_DOC = Path("docs/registry-mapping.md")

MARKED = re.compile(r"(<!-- generated: (?P<spec>[^>]*?) -->\n)(?P<body>.*?)(<!-- end generated -->)", re.S)


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _path(dotted: str) -> tuple:
    return tuple(dotted.split(".")) if dotted else ()


def _api(f: Field) -> str:
    return "`" + ".".join(f.ctgov).replace(".*", "[]") + "`" if f.ctgov else "—"


def _short_api(f: Field, parent: tuple) -> str:
    """The API key below the enclosing record's key, as the tables show it."""
    if not f.ctgov:
        return "—"
    above = catalogue.by_path().get(parent)
    keys = f.ctgov
    if above is not None and above.ctgov and keys[:len(above.ctgov)] == above.ctgov:
        keys = keys[len(above.ctgov):] or keys
        keys = keys[1:] if keys[0] == "*" else keys
    return "`" + _display(keys) + "`"


def _req(f: Field) -> str:
    if f.required:
        n = f.rules.get("minlength")
        return f"yes, at least {n}" if n else "yes"
    if f.when:
        return f.when
    return "—"


def _consent_elements() -> dict:
    from .documents.consent import ELEMENTS

    out: dict = {}
    for element in ELEMENTS:
        fields = list(element.fields) + [f for extra in element.extra.values() for f in extra]
        for alternatives in fields:   # "a|b": either field satisfies the element
            for dotted in alternatives.split("|"):
                out.setdefault(dotted, element.id)
    return out


# Lists whose items are documented by a sibling's table ("the same fields as …").
SAME_AS = {("outcomes", "secondary"): ("outcomes", "primary"),
           ("outcomes", "other"): ("outcomes", "primary"),
           ("eligibility", "exclusion"): ("eligibility", "inclusion")}
# Records used in several places, documented once (docs section 5.1).
SHARED_KINDS = {"Address", "Contact", "Date with type"}


def _inline(f: Field, tabled: set) -> list[Field]:
    """A record's fields, when the docs give it no table of its own: ``interests[].name``."""
    shared = (f.rules.get("meta") or {}).get("kind") in SHARED_KINDS
    if not (f.is_record or f.is_record_list) or f.path in tabled or f.path in SAME_AS or shared:
        return []
    out = []
    for child in catalogue.children(f.path):
        out.append(child)
        out.extend(_inline(child, tabled))
    return out


def _rows(parent: tuple, names: list[str] | None, flat: bool, taken: set, tabled: set) -> list[Field]:
    rows = []
    for f in catalogue.children(parent):
        if names is not None and f.name not in names:
            continue
        if names is None and f.name in taken:
            continue
        if flat and f.is_record:
            rows.extend(catalogue.children(f.path))
        else:
            rows.append(f)
            rows.extend(_inline(f, tabled))
    return rows


def fields_table(spec: list[str], taken: set, tabled: set = frozenset(), seen: set | None = None) -> str:
    """A Markdown table of the fields of one record: ``PATH [flat | name …]``.

    A record or list of records among them with no table of its own has its
    fields listed after it, dotted, so a new field needs no hand edit here.
    """
    parent = _path(spec[0])
    flat = spec[1:] == ["flat"]
    names = spec[1:] if spec[1:] and not flat else None
    rows = _rows(parent, names, flat, taken, tabled)
    if seen is not None:
        seen.update(f.path for f in rows)
        if flat:
            seen.update(f.path for f in catalogue.children(parent) if f.is_record)
    if not rows:
        raise ValueError(f"docs table 'fields {' '.join(spec)}' names no field of the catalogue")
    registry = any(f.ctgov for f in rows) or any(
        catalogue.by_path().get(parent[:n]) and catalogue.by_path()[parent[:n]].ctgov
        for n in range(1, len(parent) + 1))
    elements = _consent_elements() if parent[:1] == ("consent",) else None
    head = ["Field", "Kind", "Req.", "Description"]
    if registry:
        head.append("ClinicalTrials.gov")
    if elements is not None:
        head.append("Element")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for f in rows:
        relative = f.path[len(parent):]
        name = _display(relative[1:] if relative[0] == "*" else relative)
        cells = [f"`{name}`", catalogue.kind(f), _req(f), _cell(f.doc)]
        if registry:
            cells.append(_short_api(f, parent))
        if elements is not None:
            cells.append(elements.get(f.dotted) or (f.rules.get("meta") or {}).get("element") or "—")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def blocks_table(document: str) -> str:
    """The table of top-level blocks, each linked to its section of the field reference."""
    anchors = {}
    for match in re.finditer(r"^### (5\.\d+) `([a-z_]+)`$", document, re.M):
        number, name = match.groups()
        anchors[name] = f"[{number}](#{number.replace('.', '')}-{name})"
    lines = ["| Block | Required | What it holds | Section |", "|---|---|---|---|"]
    for f in catalogue.children(()):
        lines.append(f"| `{f.name}` | {'yes' if f.required else 'no'} | {_cell(f.doc)} | "
                     f"{anchors.get(f.name, '—')} |")
    return "\n".join(lines) + "\n"


def limits_table() -> str:
    lines = ["| Field | PRS label | Limit | Over it |", "|---|---|---|---|"]
    for path, prs in catalogue.limits().items():
        lines.append(f"| `{_display(path)}` | {prs['label']} | {prs['limit']:,} | "
                     f"{'error' if prs['confirmed'] else 'warning'} |")
    return "\n".join(lines) + "\n"


def _display(path: tuple) -> str:
    return ".".join(path).replace(".*", "[]")


def format_doc(document: str, seen: set | None = None) -> str:
    """docs/protocol-format.md with every generated table rewritten; ``seen`` collects the rows."""
    specs = [m.group("spec").split() for m in MARKED.finditer(document)]
    named: dict = {}
    tabled = set()
    for spec in specs:
        if spec[0] == "fields":
            tabled.add(_path(spec[1]))
            if len(spec) > 2 and spec[2] != "flat":
                named.setdefault(spec[1], set()).update(spec[2:])
            if spec[2:] == ["flat"]:
                tabled.update(f.path for f in catalogue.children(_path(spec[1])) if f.is_record)

    def table(match):
        spec = match.group("spec").split()
        if spec[0] == "fields":
            body = fields_table(spec[1:], named.get(spec[1], set()), tabled, seen)
        elif spec[0] == "blocks":
            body = blocks_table(document)
        elif spec[0] == "limits":
            body = limits_table()
        else:
            raise ValueError(f"unknown generated table: {spec}")
        return match.group(1) + body + match.group(4)

    return MARKED.sub(table, document)


def mapping_doc() -> str:
    lines = [
        "# ClinicalTrials.gov mapping",
        "",
        "<!-- Generated by `python -m trialdocs.generate` from trialdocs/schema.py; do not edit. -->",
        "",
        "Each protocol field that has a place in a ClinicalTrials.gov record: its key in the",
        "API version 2 study record (under `protocolSection`), its label on the PRS",
        "registration form and its character limit. `trialdocs build` writes `ctgov.json`",
        "with these keys and `trialdocs import-ctgov` reads them back; `check` counts each",
        "limit on the plain text PRS receives: over a confirmed limit is an error, over a",
        "limit not yet confirmed a warning.",
        "",
        "Fields marked *Markdown* are Markdown in the API record and plain text blocks in",
        "PRS. `[]` stands for every item of a list.",
        "",
        "| Protocol field | ClinicalTrials.gov key | Markdown | PRS label | Limit |",
        "|---|---|---|---|---|",
    ]
    for f in catalogue.fields():
        if not f.ctgov or not f.leaf:
            continue
        limit = f"{f.limit:,}" + ("" if f.confirmed else " (not confirmed)") if f.limit else "—"
        lines.append(f"| `{_display(f.path)}` | {_api(f)} | {'yes' if f.markdown else '—'} | "
                     f"{f.prs_label or '—'} | {limit} |")
    return "\n".join(lines) + "\n"


def outputs(root: Path = ROOT) -> dict[Path, str]:
    """Every generated file and the text it must hold."""
    document = (root / FORMAT_DOC).read_text(encoding="utf-8")
    return {SCHEMA_FILE: json_schema.text(), FORMAT_DOC: format_doc(document),
            MAPPING_DOC: mapping_doc()}


def stale(root: Path = ROOT) -> list[Path]:
    out = []
    for path, text in outputs(root).items():
        target = root / path
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            out.append(path)
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--check"]:
        old = stale()
        for path in old:
            print(f"{path} is out of date: run `python -m trialdocs.generate`", file=sys.stderr)
        return 1 if old else 0
    if argv:
        print("usage: python -m trialdocs.generate [--check]", file=sys.stderr)
        return 2
    for path, text in outputs().items():
        target = ROOT / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
