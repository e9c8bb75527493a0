"""Counted quantities stated in an article: "over 800 people killed", "1.5 million displaced".

Analysts compare such counts across sources and over time, so each becomes a record of its
own (``Figure``) with what was counted, how many, how the count was hedged ("over", "nearly"),
where, who reported it and when. A number is a figure only when the words around it say what
happened to whom: a trigger of a measure in ``[figures]`` of ``ontology/lexicon.toml`` reached
through the parse, and a counted noun that names people (or none: "nearly 400,000 fled").
Years, ages, percentages, money, distances and counts of things are never figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Span, Token

from kg.dates import sentence_date
from kg.lexicon import FAMILIES, Lexicon, lexicon_table
from kg.mentions import PLACE_PREPS, EntityTable
from kg.modality import modality_of
from kg.nlp import original_text
from kg.records import Figure

DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
NUMBER_ENTS = frozenset({"", "CARDINAL"})  # a number inside any other entity is no count
# children of a word on the path from the number that may hold the trigger:
# "people killed", "displaced people", "left 40 civilians dead", "the toll rose to 800"
TRIGGER_DEPS = frozenset({"acl", "relcl", "amod", "oprd", "acomp", "nsubj", "nsubjpass"})
WHERE_PREPS = PLACE_PREPS - {"to", "toward", "towards", "into"}  # not where it happened
ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj"})
MAX_STEPS = 3  # number -> counted noun -> preposition -> verb
UNFACTUAL = frozenset({"hypothetical", "negated"})  # "up to 1.5 million could flee": no count


@dataclass(frozen=True)
class _Rules:
    measures: dict[str, str]  # trigger word -> measure
    agentive: frozenset[str]
    units: dict[str, str]  # counted noun lemma -> unit
    qualifiers: dict[tuple[str, ...], str]  # words before the number -> qualifier
    numbers: dict[str, float]
    scales: dict[str, float]


@cache
def _rules() -> _Rules:
    table = lexicon_table("figures")
    return _Rules(
        measures={w: m for m, words in table["measures"].items() for w in words},
        agentive=frozenset(table["agentive"]),
        units={w: u for u, words in table["units"].items() for w in words},
        qualifiers={tuple(p.split()): q for q, ps in table["qualifiers"].items() for p in ps},
        numbers={w: float(n) for w, n in table["numbers"].items()},
        scales={w: float(n) for w, n in table["scales"].items()},
    )


def sentence_evidence(sent: Span) -> tuple[str, int, int]:
    """The sentence text without surrounding whitespace, and its offsets in the article."""
    text = original_text(sent)  # not Doc.text, which rebuilds the whole text
    start = sent.start_char + (len(text) - len(text.lstrip()))
    end = sent.start_char + len(text.rstrip())
    return text.strip(), start, end


def _is_number(token: Token, rules: _Rules) -> bool:
    word = token.lower_
    spelled = word in rules.numbers or word in rules.scales
    return token.ent_type_ in NUMBER_ENTS and (spelled or DIGITS.fullmatch(word) is not None)


def _continues(sent: Span, j: int, rules: _Rules) -> bool:
    """Token ``j`` extends the number before it.

    Spelled numbers and scales do ("1.5 million", "two hundred"), and so does the hyphen of
    "twenty-five"; a second number in digits starts a figure of its own.
    """
    doc = sent.doc
    if doc[j].text == "-":
        return j + 1 < sent.end and doc[j - 1].is_alpha and _continues(sent, j + 1, rules)
    return doc[j].is_alpha and _is_number(doc[j], rules)


def _number_spans(sent: Span, rules: _Rules) -> Iterator[Span]:
    """Runs of number words: "280,000", "1.5 million", "twenty-five", "two hundred thousand"."""
    i = sent.start
    while i < sent.end:
        if not _is_number(sent.doc[i], rules):
            i += 1
            continue
        j = i + 1
        while j < sent.end and _continues(sent, j, rules):
            j += 1
        yield sent.doc[i:j]
        i = j


def _value(span: Span, rules: _Rules) -> float:
    """The value of a run of number words; a scale multiplies what precedes it."""
    total = current = 0.0
    for token in span:
        word = token.lower_
        if word in rules.scales:
            current = (current or 1.0) * rules.scales[word]
            if rules.scales[word] >= 1000:
                total, current = total + current, 0.0
        elif word in rules.numbers:
            current += rules.numbers[word]
        elif word != "-":
            current += float(word.replace(",", ""))
    return total + current


def _qualifier(span: Span, sent: Span, rules: _Rules) -> str | None:
    """The longest qualifying phrase right before the number: "more than", "at least"."""
    longest = max(len(words) for words in rules.qualifiers)
    for n in range(longest, 0, -1):
        if span.start - n >= sent.start:
            words = tuple(t.lower_ for t in span.doc[span.start - n : span.start])
            if words in rules.qualifiers:
                return rules.qualifiers[words]
    return None


def _measure(token: Token, rules: _Rules) -> str | None:
    return rules.measures.get(token.lemma_.lower()) or rules.measures.get(token.lower_)


def _fits(token: Token, link: str, rules: _Rules) -> bool:
    """``token`` is a trigger for a count reached through ``link``.

    A trigger verb whose active subject is the count and that has an object counts its
    object instead: "300 fighters killed 20 soldiers".
    """
    doer = (
        link == "nsubj"
        and token.lemma_.lower() in rules.agentive
        and any(c.dep_ == "dobj" for c in token.children)
    )
    return _measure(token, rules) is not None and not doer


def _trigger(start: Token, rules: _Rules) -> Token | None:
    """The nearest measure trigger up the parse from the counted noun (or the number itself).

    A counted noun that is a trigger ("1,000 refugees") gives way to a trigger verb it is the
    subject or object of ("1,000 refugees returned"). Otherwise the climb stops at the first
    verb or coordination: a count belongs to its own clause.
    """
    if _measure(start, rules):
        direct = start.dep_ in ARGUMENT_DEPS and _fits(start.head, start.dep_, rules)
        return start.head if direct else start
    token, link = start, ""
    for _ in range(MAX_STEPS + 1):
        if _fits(token, link, rules):
            return token
        for child in token.children:
            if child.dep_ in TRIGGER_DEPS and _measure(child, rules):
                return child
        if token.pos_ in ("VERB", "AUX") or token.dep_ == "conj" or token.head is token:
            return None
        link, token = token.dep_, token.head
    return None


def _counted(number: Token) -> Token | None:
    """The noun a number counts: "800 people", "800 dead", "1,000 of the fighters"."""
    if number.dep_ in ("nummod", "quantmod") and number.head.pos_ in ("NOUN", "PROPN", "ADJ"):
        return number.head
    of = next((c for c in number.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    return next((c for c in of.children if c.dep_ == "pobj"), None) if of else None


def _unit(counted: Token | None, rules: _Rules) -> str | None:
    """What was counted; a noun that is a trigger itself ("800 deaths", "refugees") is people."""
    if counted is None or _measure(counted, rules):
        return "people"
    return rules.units.get(counted.lemma_.lower()) or rules.units.get(counted.lower_)


def _place(sent: Span, table: EntityTable, trigger: Token, skip: set[int]) -> str | None:
    """The place named in the sentence: an object of "in", "from"... first, then the nearest."""
    places: dict[str, tuple[int, int]] = {}
    for token in sent:
        key = table.key_of(token)
        if key is None or token.i in skip or token.dep_ == "amod":  # "Syrian soldiers"
            continue
        if table.cls(key) not in FAMILIES["Location"]:
            continue
        rank = (token.head.lower_ not in WHERE_PREPS, abs(token.i - trigger.i))
        places[key] = min(places.get(key, rank), rank)
    return min(places, key=places.__getitem__) if places else None


def _figure(
    span: Span,
    sent: Span,
    table: EntityTable,
    lexicon: Lexicon,
    published: str | None,
    rules: _Rules,
) -> Figure | None:
    """The figure a run of number words states, if the words around it say what was counted.

    ``sent`` is the span's sentence, passed in because ``Span.sent`` scans the document.
    """
    number = span[-1]
    counted = _counted(number)
    trigger = _trigger(counted if counted is not None else number, rules)
    measure = _measure(trigger, rules) if trigger is not None else None
    unit = _unit(counted, rules)
    if trigger is None or measure is None or unit is None:
        return None
    modality = modality_of(trigger, measure, lexicon)  # a measure is never a stance relation
    if modality.value in UNFACTUAL:
        return None
    source = modality.source
    skip = {t.i for t in source.subtree} if source is not None else set()
    text, start, end = sentence_evidence(sent)
    return Figure(
        measure=measure,
        value=_value(span, rules),
        qualifier=_qualifier(span, sent, rules),
        unit=unit,
        evidence=text,
        start=start,
        end=end,
        place=_place(sent, table, trigger, skip),
        source=table.key_of(source) if source is not None else None,
        source_name=modality.source_text,
        date=sentence_date(sent, published),
    )


def find_figures(
    doc: Doc, table: EntityTable, lexicon: Lexicon, published: str | None
) -> list[Figure]:
    """Every counted quantity of ``doc``, in text order.

    ``table`` gives the places and reporting sources as entity keys, ``lexicon`` the cues of
    reported speech (shared with kg.modality), ``published`` the article's ISO date that
    relative dates are resolved against. Figures in hypothetical or negated clauses are left
    out: "up to 1.5 million could flee" is a forecast, not a count.
    """
    rules = _rules()
    found = (
        _figure(span, sent, table, lexicon, published, rules)
        for sent in doc.sents
        for span in _number_spans(sent, rules)
    )
    return [fig for fig in found if fig is not None]
