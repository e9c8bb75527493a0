"""Text normalisation before parsing and sentence bounds (kg.nlp): one character for one, so
offsets hold; datelines and line breaks end sentences."""

from __future__ import annotations

import pytest

from kg.nlp import PLAIN_QUOTES, truecase_headlines

BODY = (
    "Rebels of the Arakan Army entered Paletwa on Monday, residents said. The army "
    "withdrew from the town after weeks of fighting, and thousands of people fled toward "
    "the border with Bangladesh, where aid groups in Cox's Bazar reported new arrivals "
    "every day. The junta did not comment on the fighting in Paletwa or in Sittwe."
)


def test_headline_words_keep_capitals_only_where_the_article_capitalizes_them() -> None:
    text = "Arakan Army Rebels Advance Towards Sittwe Amid Junta Weakness\n" + BODY
    headline = truecase_headlines(text).split("\n")[0]
    assert headline == "Arakan Army rebels advance towards Sittwe amid junta weakness"


def test_truecasing_changes_only_letter_case() -> None:
    text = "Rebels Advance Towards Sittwe\n" + BODY
    cased = truecase_headlines(text)
    assert len(cased) == len(text)
    assert cased.lower() == text.lower()
    assert cased.split("\n", 1)[1] == BODY


def test_sentences_and_short_articles_are_left_alone() -> None:
    assert truecase_headlines(BODY) == BODY
    single = "Moscow Radio Rebelde Network Reports"  # no body to tell names from words
    assert truecase_headlines(single) == single


def test_plain_quotes_replace_one_character_with_one() -> None:
    text = "The UN\u2019s \u201cWorld Food Programme\u201d"
    plain = text.translate(PLAIN_QUOTES)
    assert plain == "The UN's \"World Food Programme\""
    assert len(plain) == len(text)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("KHARKIV, Ukraine (AP) - Police arrested a man.",
         ["KHARKIV, Ukraine (AP) -", "Police arrested a man."]),
        ("Goma, Democratic Republic of Congo (January 27, 2025) - Rebels seized the airport.",
         ["Goma, Democratic Republic of Congo (January 27, 2025) -", "Rebels seized the airport."]),
        ("The talks (held in Doha) - and the truce - failed.",
         ["The talks (held in Doha) - and the truce - failed."]),
    ],
)  # fmt: skip
def test_a_dateline_is_a_sentence_of_its_own(spacy_nlp, text: str, sentences: list[str]) -> None:
    assert [s.text for s in spacy_nlp(text).sents] == sentences
