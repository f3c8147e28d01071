"""Readability scores of patient-facing prose, offline and fast.

Flesch reading ease and Flesch-Kincaid grade for English, Kandel-Moles (the
French adaptation of Flesch: 207 - 1.015 x words/sentence - 73.6 x
syllables/word) for French; formulas from consent.md §1d. Syllables are
counted as vowel groups less a silent final e, the usual approximation. We
use neither textstat (it imports NLTK, 0.27 s, and downloads a dictionary
from the network on first English use, which CI cannot do) nor Pyphen's
dictionaries (0.17 s to load two, for a count that moved scores by about a
point on our texts): ``check`` runs on every save and must stay quick.

Only prose is scored: Markdown is reduced to its text, each list item counts
as a sentence, and headings, tables, addresses and signature blocks never
reach this module (the caller passes section texts only).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass


WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n|\n\s*[-*+]\s|\n\s*\d+[.)]\s")
MARKDOWN_NOISE = re.compile(r"[*_`#>|\\]|\[([^\]]*)\]\([^)]*\)")
VOWELS = {"en": "aeiouy", "fr": "aeiouyàâäéèêëîïôöùûüÿœæ"}


@dataclass(frozen=True)
class Score:
    words: int
    sentences: int
    syllables: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / max(self.sentences, 1)

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / max(self.words, 1)

    @property
    def flesch(self) -> float:
        return 206.835 - 1.015 * self.words_per_sentence - 84.6 * self.syllables_per_word

    @property
    def fk_grade(self) -> float:
        return 0.39 * self.words_per_sentence + 11.8 * self.syllables_per_word - 15.59

    @property
    def kandel_moles(self) -> float:
        return 207 - 1.015 * self.words_per_sentence - 73.6 * self.syllables_per_word

    def __add__(self, other: "Score") -> "Score":
        return Score(self.words + other.words, self.sentences + other.sentences,
                     self.syllables + other.syllables)


@functools.lru_cache(maxsize=65536)
def syllables(word: str, lang: str) -> int:
    """Syllables of one word: groups of vowels, less the silent final e."""
    lower = word.lower()
    groups = len(re.findall(f"[{VOWELS.get(lang, VOWELS['en'])}]+", lower)) or 1
    if lang == "en" and groups > 1:
        if lower.endswith("e") and not lower.endswith(("le", "ee")):
            groups -= 1  # silent final e: "time", "care"
        elif re.search(r"[^aeiouytd]ed$", lower) or re.search(r"[^aeiouysxzcgh]es$", lower):
            groups -= 1  # silent e of -ed and -es: "asked", "takes"
    if lang == "fr" and groups > 1 and lower.endswith(("e", "es")):
        groups -= 1  # e muet: "personne", "personnes"
    return groups


def plain(text: str) -> str:
    return MARKDOWN_NOISE.sub(lambda m: m.group(1) or " ", text)


@functools.lru_cache(maxsize=16384)
def score(text: str, lang: str) -> Score:
    """The counts of one text (remembered: the same texts are scored on every check of
    ``watch``; a Score cannot change)."""
    text = plain(text)
    words = WORD.findall(text)
    sentences = len([p for p in SENTENCE_END.split(text) if WORD.search(p)])
    return Score(len(words), max(sentences, 1 if words else 0),
                 sum(syllables(w, lang) for w in words))


def empty() -> Score:
    return Score(0, 0, 0)
