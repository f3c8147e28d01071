"""Files the HTML documents load: the pinned typeface, copied once per protocol.

The PDFs embed Source Sans Pro from the pinned ``font-source-sans-pro``
package; the HTML must look the same on any machine, so the same files (and
their licence, which asks to travel with them) are written to
``output/<slug>/assets/`` and each HTML page loads them by a relative URL:
the output folder can be moved, zipped or served as it is, and a page asks
for nothing outside it.

The copies are ordinary targets (document ``assets``): their key holds this
module's code and the font package's version, and the manifest records
their SHA-256, like every other output. ``select`` keeps them whatever
``--only``, ``--site`` or ``--lang`` asks for, since every HTML page uses them.
"""

from __future__ import annotations

from pathlib import Path

import font_source_sans_pro

from .targets import ASSETS_FOLDER as FOLDER, Target

DOCUMENT = "assets"
FONT_DIR = Path(font_source_sans_pro.__file__).resolve().parent / "files"
LICENSE = "LICENSE.txt"
# (file stem, font-style, font-weight): the faces the stylesheets use.
FONT_FACES = [("Regular", "normal", 400), ("It", "italic", 400),
              ("Semibold", "normal", 600), ("Bold", "normal", 700), ("BoldIt", "italic", 700)]


def font_file(stem: str) -> str:
    return f"SourceSansPro-{stem}.ttf"


def font_face_css(url) -> str:
    """@font-face rules for the faces; ``url(file name)`` says where each file is."""
    return "\n".join(
        f'@font-face {{ font-family: "Source Sans Pro"; src: url("{url(font_file(stem))}"); '
        f"font-style: {style}; font-weight: {weight}; }}"
        for stem, style, weight in FONT_FACES)


def targets() -> list:
    names = [font_file(stem) for stem, _, _ in FONT_FACES] + [LICENSE]
    return [Target(f"{FOLDER}/{name}", DOCUMENT, "trialdocs.assets:copy", {"file": name})
            for name in names]


def copy(payload: dict) -> bytes:
    """Renderer of an asset target: the packaged file's bytes."""
    return (FONT_DIR / payload["file"]).read_bytes()
