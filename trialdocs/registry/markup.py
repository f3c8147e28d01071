"""Text of registry fields in its three forms: protocol YAML, API Markdown, PRS plain text.

- The protocol YAML holds text as its author writes it: Markdown for the
  fields the API marks as markup (lists with ``*``, blank lines between
  paragraphs) with characters such as ``<`` written plainly (``AMH <1 ng/ml``).
- The ClinicalTrials.gov API v2 gives markup fields as CommonMark in which it
  backslash-escapes ``< > [ ] ^`` (seen in every real record: ``AMH \\<1 ng/ml``).
  ``to_api`` adds those escapes, ``from_api`` removes them; both leave any
  other backslash pair alone, so the pair of functions round-trips.
- PRS counts characters, and takes uploads, as plain text: ``plain`` removes
  every Markdown escape, makes line ends single ``\\n`` characters, drops
  trailing spaces and trims the whole. Limits are counted on this form.
"""

from __future__ import annotations

import re
import unicodedata

API_ESCAPED = "<>[]^"
_TO_API = re.compile(r"\\(.)|([<>\[\]^])", re.S)
_FROM_API = re.compile(r"\\(.)", re.S)
_ANY_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_TRAILING = re.compile(r"[ \t]+\n")
# Characters XML 1.0 cannot carry at all, not even as references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def lines(text: str) -> str:
    """Line ends as ``\\n`` (CRLF and lone CR are both seen in records)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def to_api(text: str | None) -> str | None:
    """Protocol text -> the API's Markdown (escapes ``< > [ ] ^``)."""
    if text is None:
        return None

    def sub(match):
        return match.group(0) if match.group(1) is not None else "\\" + match.group(2)

    return _TO_API.sub(sub, text)


def from_api(text: str | None) -> str | None:
    """The API's Markdown -> protocol text (removes the escapes ``to_api`` adds)."""
    if text is None:
        return None

    def sub(match):
        return match.group(1) if match.group(1) in API_ESCAPED else match.group(0)

    return _FROM_API.sub(sub, text)


def plain(text: str | None) -> str:
    """The PRS plain-text form: what PRS counts and what a textblock holds."""
    if not text:
        return ""
    text = _ANY_ESCAPE.sub(r"\1", lines(str(text)))
    return _TRAILING.sub("\n", text).strip()


def count(text: str | None) -> int:
    return len(plain(text))


def xml_safe(text: str) -> str:
    """Text XML 1.0 can carry: control characters and lone surrogates become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def normalise(text: str) -> str:
    """For comparisons: line ends unified and every run of whitespace made one space."""
    return " ".join(lines(unicodedata.normalize("NFC", text)).split())


# Letters NFKD does not take apart into an ASCII letter and accents.
_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss",
                        "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "ð": "d"})


def slug(text: str, fallback: str = "item", length: int = 40) -> str:
    """An id from a name: ASCII letters, digits and '-', lower case."""
    ascii_text = unicodedata.normalize("NFKD", (text or "").translate(_ASCII))
    ascii_text = ascii_text.encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", ascii_text.lower())
    out = "-".join(words)[:length].strip("-")
    return out or fallback
