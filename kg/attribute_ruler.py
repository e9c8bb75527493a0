"""spaCy's attribute ruler, finding its matches through an index instead of trying them all.

The English pipelines map tags to parts of speech and morphology, and fix some lemmas, with
an attribute ruler of about 180 short patterns. spaCy's ``Matcher`` tries every pattern at
every token: on news text that is about a tenth of the whole pipeline's time, as much as all
of kg's extraction rules. Nearly all of those patterns ask for exact values (a tag, a lower-case
word), so an index from a first token's (attribute, value) to the patterns that can start
there finds the same matches for a small part of the cost. The patterns the index cannot
serve (operators, fuzzy matching, extension attributes) keep a ``Matcher`` of their own,
so any pipeline's ruler sets exactly the annotations spaCy's own would
(``tests/test_attribute_ruler.py`` compares them).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from spacy.attrs import IDS
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.strings import StringStore, get_string_id
from spacy.tokens import Doc
from spacy.vocab import Vocab

# Token attributes the Matcher compares by their value in ``Doc.to_array``, the most
# selective first: a pattern is indexed by the first of them its first token asks for.
# Patterns on any other attribute go to the Matcher.
ARRAY_ATTRS = (
    "ORTH", "LOWER", "NORM", "LEMMA", "SHAPE", "TAG", "POS", "DEP", "ENT_TYPE",
    "IS_ALPHA", "IS_DIGIT", "IS_LOWER", "IS_PUNCT", "IS_SPACE", "IS_STOP", "IS_TITLE",
    "IS_UPPER", "LIKE_NUM",
)  # fmt: skip
# The attributes whose values are strings' ids (a REGEX reads the string).
STRING_ATTRS = {"ORTH", "LOWER", "NORM", "LEMMA", "SHAPE", "TAG", "POS", "DEP", "ENT_TYPE"}


@dataclass(frozen=True)
class _Test:
    """One token attribute a pattern asks for: ``check`` takes the attribute's array value;
    ``values`` are the ones that pass, when they can be listed (the index keys)."""

    offset: int  # of the token in the match
    attr: str
    check: Callable[[int], bool]
    values: frozenset[int] | None = None


def _value_id(value: str | bool | int) -> int:
    return int(value) if isinstance(value, bool | int) else get_string_id(value)


def _test(offset: int, attr: str, wanted: object, strings: StringStore) -> _Test | None:
    """The test of ``{attr: wanted}`` in the Matcher's pattern language, or None if only the
    Matcher can do it."""
    if not isinstance(wanted, dict):
        values = frozenset([_value_id(wanted)])
        return _Test(offset, attr, values.__contains__, values)
    if len(wanted) != 1:
        return None
    (op, arg), *_ = wanted.items()
    if op == "IN":
        values = frozenset(_value_id(v) for v in arg)
        return _Test(offset, attr, values.__contains__, values)
    if op == "NOT_IN":
        excluded = frozenset(_value_id(v) for v in arg)
        return _Test(offset, attr, lambda value: value not in excluded)
    if op == "REGEX" and attr in STRING_ATTRS:
        regex = re.compile(arg)
        return _Test(offset, attr, lambda value: regex.search(strings[value]) is not None)
    return None  # FUZZY, comparisons, set relations ...


def _compile(pattern: list[dict], strings: StringStore) -> list[_Test] | None:
    """The tests of ``pattern``, or None if the index cannot serve it."""
    tests = []
    for offset, spec in enumerate(pattern):
        for name, wanted in spec.items():
            attr = "ORTH" if name == "TEXT" else name
            test = _test(offset, attr, wanted, strings) if attr in ARRAY_ATTRS else None
            if test is None:
                return None  # OP, extension attributes, MORPH, LENGTH ...
            tests.append(test)
    return tests


# A pattern in the index: its match key, length and (token offset, column, check) tests.
_Entry = tuple[int, int, list[tuple[int, int, Callable[[int], bool]]]]


class IndexedAttributeRuler(AttributeRuler):
    """An ``AttributeRuler`` whose ``match`` looks patterns up by their first token.

    Patterns are still added to (and saved from) the ruler's own ``Matcher``; only finding
    the matches changes.
    """

    def __init__(self, vocab: Vocab, name: str = "attribute_ruler", **kwargs) -> None:
        super().__init__(vocab, name, **kwargs)
        self._reset_index()

    def _reset_index(self) -> None:
        self._columns: list[str] = []  # the attributes the index reads, in array order
        self._ordinal: dict[int, int] = {}  # match key -> its rule's place in ``attrs``
        # (column, value) of a first token -> the patterns that may start there
        self._starts: dict[tuple[int, int], list[_Entry]] = defaultdict(list)
        self._anywhere: list[_Entry] = []  # patterns whose first token has no listed value
        self._rest = Matcher(self.vocab)

    def clear(self) -> None:
        super().clear()
        self._reset_index()

    def _column(self, attr: str) -> int:
        if attr not in self._columns:
            self._columns.append(attr)
        return self._columns.index(attr)

    def add(self, patterns: Iterable[list[dict]], attrs: dict, index: int = 0) -> None:
        patterns = list(patterns)
        key = self.vocab.strings.add(str(len(self.attrs)))  # the key AttributeRuler.add uses
        self._ordinal[key] = len(self.attrs)
        super().add(patterns, attrs, index)
        rest = []
        for pattern in patterns:
            tests = _compile(pattern, self.vocab.strings)
            if not pattern or tests is None:
                rest.append(pattern)
                continue
            checks = [(t.offset, self._column(t.attr), t.check) for t in tests]
            entry = (key, len(pattern), checks)
            firsts = [t for t in tests if t.offset == 0 and t.values is not None]
            if not firsts:
                self._anywhere.append(entry)
                continue
            first = min(firsts, key=lambda t: ARRAY_ATTRS.index(t.attr))
            for value in first.values or ():
                self._starts[(self._column(first.attr), value)].append(entry)
        if rest:
            self._rest.add(key, rest)

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """The same sorted matches as ``AttributeRuler.match``."""
        found = set(self._rest(doc, allow_missing=True, as_spans=False)) if self._rest else set()
        if self._columns:
            array = doc.to_array([IDS[attr] for attr in self._columns])
            rows = array.reshape(len(doc), len(self._columns)).tolist()
            starts, columns = self._starts, range(len(self._columns))
            for start, row in enumerate(rows):
                entries = [e for c in columns for e in starts.get((c, row[c]), ())]
                for key, length, checks in entries + self._anywhere:
                    if start + length <= len(rows) and all(
                        check(rows[start + offset][column]) for offset, column, check in checks
                    ):
                        found.add((key, start, start + length))
        matches = [(self._ordinal[key], key, start, end) for key, start, end in found]
        matches.sort()
        return matches


@Language.factory("indexed_attribute_ruler")
def make_indexed_attribute_ruler(nlp: Language, name: str) -> IndexedAttributeRuler:
    return IndexedAttributeRuler(nlp.vocab, name)


def index_attribute_rulers(nlp: Language) -> None:
    """Replace each of ``nlp``'s attribute rulers by an indexed one with the same patterns."""
    for name, pipe in list(nlp.pipeline):
        if type(pipe) is AttributeRuler:
            indexed = nlp.replace_pipe(name, "indexed_attribute_ruler")
            indexed.add_patterns(pipe.patterns)
