"""The indexed attribute ruler sets exactly the annotations spaCy's own ruler sets."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from kg.attribute_ruler import IndexedAttributeRuler, index_attribute_rulers
from kg.pipeline import DEFAULT_MODEL

ARTICLES = Path(__file__).parent.parent / "data" / "other-conflicts" / "articles"
# The English ruler's rarer patterns: contractions, regular expressions, two-token rules.
COLLOQUIAL = [
    "Y'all ain't seen nothin' yet, he said, and we're gonna win.",
    "Let's go. They gotta leave; it's nothin'. I'm sure he'd've said so.",
]

RULES = [  # one of each kind of test the index serves, and some it leaves to the Matcher
    {"patterns": [[{"LOWER": "rebels"}]], "attrs": {"POS": "PROPN"}},
    {"patterns": [[{"TAG": "NNS", "LOWER": {"IN": ["rebels", "troops"]}}]],
     "attrs": {"LEMMA": "fighter"}},
    {"patterns": [[{"TAG": {"NOT_IN": ["NNS", "DT"]}}]], "attrs": {"MORPH": "Foo=Bar"}},
    {"patterns": [[{"LOWER": {"REGEX": "^cap"}}, {"IS_TITLE": True}]], "attrs": {"POS": "VERB"}},
    {"patterns": [[{"ORTH": "the"}, {}]], "attrs": {"LEMMA": "after-the"}, "index": -1},
    {"patterns": [[{"IS_PUNCT": True}]], "attrs": {"POS": "PUNCT"}},
    {"patterns": [[{"LOWER": "rebels"}, {"LOWER": "captured", "OP": "?"}, {"IS_TITLE": True}]],
     "attrs": {"TAG": "XX"}, "index": -1},
    {"patterns": [[{"LENGTH": {">": 6}}]], "attrs": {"LEMMA": "long"}},
    {"patterns": [[{"TEXT": {"FUZZY": "Hama"}}]], "attrs": {"POS": "PROPN"}},
    {"patterns": [[{"TAG": "DT"}]], "attrs": {"MORPH": "Definite=Def"}},
]  # fmt: skip


def _annotations(doc: Doc) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_) for t in doc]


def _ruled(ruler: AttributeRuler, words: list[str], tags: list[str]) -> list[tuple[str, ...]]:
    return _annotations(ruler(Doc(ruler.vocab, words=words, tags=tags)))


@pytest.mark.parametrize(
    "words, tags",
    [
        (["The", "rebels", "captured", "Hama", "and", "the", "town", "of", "Saraqib", "."],
         ["DT", "NNS", "VBD", "NNP", "CC", "DT", "NN", "IN", "NNP", "."]),
        (["rebels", "troops", "capital", "Damascus", "the"], ["NNS", "NNS", "NN", "NNP", "DT"]),
        ([], []),
    ],
)  # fmt: skip
def test_hand_written_rules_match_as_spacys_matcher_does(words, tags) -> None:
    vocab = spacy.blank("en").vocab
    plain, indexed = AttributeRuler(vocab), IndexedAttributeRuler(vocab)
    plain.add_patterns(RULES)
    indexed.add_patterns(RULES)
    assert indexed.patterns == plain.patterns
    assert _ruled(indexed, words, tags) == _ruled(plain, words, tags)


def test_cleared_and_reloaded_rules_leave_no_old_index_behind() -> None:
    vocab = spacy.blank("en").vocab
    indexed = IndexedAttributeRuler(vocab)
    indexed.add_patterns(RULES)
    data = indexed.to_bytes()
    indexed.clear()
    words, tags = ["The", "rebels"], ["DT", "NNS"]
    unruled = [("The", "DT", "", "", ""), ("rebels", "NNS", "", "", "")]
    assert _ruled(indexed, words, tags) == unruled
    indexed.from_bytes(data)
    plain = AttributeRuler(vocab)
    plain.add_patterns(RULES)
    assert _ruled(indexed, words, tags) == _ruled(plain, words, tags)


@pytest.fixture(scope="module")
def pipelines() -> tuple[Language, Language]:
    stock, indexed = spacy.load(DEFAULT_MODEL), spacy.load(DEFAULT_MODEL)
    index_attribute_rulers(indexed)
    return stock, indexed


def test_the_models_ruler_is_replaced_in_place(pipelines) -> None:
    stock, indexed = pipelines
    assert indexed.pipe_names == stock.pipe_names
    assert type(indexed.get_pipe("attribute_ruler")) is IndexedAttributeRuler
    patterns = indexed.get_pipe("attribute_ruler").patterns
    assert patterns == stock.get_pipe("attribute_ruler").patterns


def test_the_model_annotates_articles_as_with_spacys_ruler(pipelines) -> None:
    stock, indexed = pipelines
    texts = [p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))] + COLLOQUIAL
    assert len(texts) >= 6
    for a, b in zip(stock.pipe(texts), indexed.pipe(texts), strict=True):
        assert _annotations(b) == _annotations(a)
    lemmas = {t.text: t.lemma_ for t in indexed(COLLOQUIAL[0])}
    assert lemmas["ai"] == "be" and lemmas["nothin'"] == "nothing"  # the REGEX rules ran
