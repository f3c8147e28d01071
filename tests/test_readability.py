"""Readability scores: syllables, sentences and the three formulas, on texts small enough to count by hand."""

from __future__ import annotations

import pytest

from trialdocs.readability import Score, empty, plain, score, syllables


@pytest.mark.parametrize("word, lang, expected", [
    ("cat", "en", 1), ("table", "en", 2), ("time", "en", 1), ("asked", "en", 1),
    ("takes", "en", 1), ("needed", "en", 2), ("study", "en", 2), ("agree", "en", 2),
    ("regulatory", "en", 5), ("personne", "fr", 2), ("personnes", "fr", 2),
    ("bébé", "fr", 2), ("étude", "fr", 2), ("x", "en", 1),
])
def test_syllables(word, lang, expected):
    assert syllables(word, lang) == expected


def test_sentences_words_and_list_items():
    got = score("You sign. You may stop at any time!\n\n- First item\n- Second item", "en")
    assert (got.words, got.sentences) == (12, 4)


def test_markdown_is_reduced_to_its_text():
    assert plain("**Bold** [a link](https://example.org) `code`").split() == \
        ["Bold", "a", "link", "code"]
    assert score("[see here](https://example.org/a-very-long-path).", "en").words == 2


def test_formulas_by_hand():
    # 10 words, 2 sentences, 15 syllables: 5 words per sentence, 1.5 syllables per word
    s = Score(words=10, sentences=2, syllables=15)
    assert s.flesch == pytest.approx(206.835 - 1.015 * 5 - 84.6 * 1.5)
    assert s.fk_grade == pytest.approx(0.39 * 5 + 11.8 * 1.5 - 15.59)
    assert s.kandel_moles == pytest.approx(207 - 1.015 * 5 - 73.6 * 1.5)


def test_plain_words_score_easier_than_long_ones():
    easy = score("You take the pill. You go home. We call you.", "en")
    hard = score("Participants administering investigational pharmaceutical preparations "
                 "necessitate comprehensive institutional authorization.", "en")
    assert easy.flesch > 90 > 0 > hard.flesch
    assert easy.fk_grade < 2 < 15 < hard.fk_grade


def test_scores_add_and_empty_text_counts_nothing():
    assert score("", "en") == empty() == Score(0, 0, 0)
    assert score("One. Two.", "en") + score("Three.", "en") == Score(3, 3, 3)
    assert empty().flesch == pytest.approx(206.835)  # no division by zero
