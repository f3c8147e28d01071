"""Reading built PDFs as a user sees them: text per page, outline, metadata."""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

import pikepdf
from pypdf import PdfReader


def normalize(text: str) -> str:
    """Collapse whitespace (PDF text breaks lines where the layout does) and fold the
    typography pass (trialdocs/typography.py) back to what an author types: curly
    apostrophes and quotes, « » with their spaces, no-break spaces."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"«\s*|\s*»", '"', text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=16)
def _reader(path: str, version: tuple) -> PdfReader:
    # pypdf parses a whole object stream, here nearly every object of the PDF (a tagged
    # manual's structure tree has thousands), at the first object it reads from it; qpdf
    # writes the same objects out of their streams in milliseconds, and pypdf then parses
    # only those a test reads (the same text, outline and boxes, 15-70 % faster).
    plain = io.BytesIO()
    with pikepdf.open(path) as pdf:
        pdf.save(plain, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return PdfReader(plain)


def reader(path: Path) -> PdfReader:
    """The file's PdfReader, one per file (and version of it) per process: a test file's
    tests read the same PDFs, and parsing them is most of what reading costs. Read it,
    never change it."""
    stat = Path(path).stat()
    return _reader(str(path), (stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=64)
def _pages(path: str, version: tuple) -> tuple:
    return tuple(normalize(page.extract_text() or "") for page in _reader(path, version).pages)


def pages(path: Path) -> list[str]:
    stat = Path(path).stat()
    return list(_pages(str(path), (stat.st_mtime_ns, stat.st_size)))


def text(path: Path) -> str:
    return " ".join(pages(path))


def outline_titles(path: Path) -> list[str]:
    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title

    return list(walk(reader(path).outline))
