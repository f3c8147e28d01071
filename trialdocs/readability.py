"""Readability scores of patient-facing prose, offline and fast.

Flesch reading ease and Flesch-Kincaid grade for English, Kandel-Moles (the
French adaptation of Flesch: 207 - 1.015 x words/sentence - 73.6 x
syllables/word) for French; formulas from consent.md §1d. Syllables come from
Pyphen's hyphenation dictionaries, as textstat does when it has no CMU
dictionary. We do not use textstat itself: it imports NLTK (0.27 s, too slow
for a check that runs on every save) and downloads a dictionary from the
network on first English use, which CI cannot do.

Only prose is scored: Markdown is reduced to its text, each list item counts
as a sentence, and headings, tables, addresses and signature blocks never
reach this module (the caller passes section texts only).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pyphen

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n|\n\s*[-*+]\s|\n\s*\d+[.)]\s")
MARKDOWN_NOISE = re.compile(r"[*_`#>|\\]|\[([^\]]*)\]\([^)]*\)")
DICTIONARIES = {"en": "en_US", "fr": "fr_FR"}
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


@functools.lru_cache(maxsize=4)
def _dictionary(lang: str):
    return pyphen.Pyphen(lang=DICTIONARIES.get(lang, lang))


@functools.lru_cache(maxsize=65536)
def syllables(word: str, lang: str) -> int:
    """Syllables of one word: vowel groups, checked against hyphenation points."""
    lower = word.lower()
    groups = len(re.findall(f"[{VOWELS.get(lang, VOWELS['en'])}]+", lower)) or 1
    if lang == "en" and lower.endswith("e") and not lower.endswith(("le", "ee")) and groups > 1:
        groups -= 1  # silent final e: "time", "care"
    if lang == "fr" and lower.endswith(("e", "es", "ent")) and groups > 1:
        groups -= 1  # e muet: "personne", "donnent"
    hyphenated = len(_dictionary(lang).positions(lower)) + 1
    return max(1, min(groups, max(hyphenated, groups - 1)))


def plain(text: str) -> str:
    return MARKDOWN_NOISE.sub(lambda m: m.group(1) or " ", text)


def score(text: str, lang: str) -> Score:
    text = plain(text)
    words = WORD.findall(text)
    sentences = len([p for p in SENTENCE_END.split(text) if WORD.search(p)])
    return Score(len(words), max(sentences, 1 if words else 0),
                 sum(syllables(w, lang) for w in words))


def empty() -> Score:
    return Score(0, 0, 0)
