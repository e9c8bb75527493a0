"""Counted quantities (kg.figures) on small sentences: values, qualifiers, units, measures,
places, reporting sources, dates, and the numbers that are not figures.

The sentences are about conflicts the example articles do not cover (Sudan, Ukraine, Yemen,
Myanmar), so that no rule tuned on those articles passes by chance. Publication date:
Thursday 5 December 2024.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

import pytest

from kg.figures import find_figures
from kg.lexicon import load_lexicon
from kg.mentions import find_mentions
from kg.records import Figure

if TYPE_CHECKING:
    from spacy.language import Language

PUBLISHED = "2024-12-05"
FiguresOf = Callable[[str], list[Figure]]


@pytest.fixture(scope="session")
def figures_of(spacy_nlp: Language) -> FiguresOf:
    """The figures of a text; each one's evidence checked against the text's offsets."""

    @cache
    def run(text: str) -> list[Figure]:
        doc = spacy_nlp(text)
        found = find_figures(
            doc, find_mentions(doc, load_lexicon(), spacy_nlp), load_lexicon(), PUBLISHED
        )
        for fig in found:
            assert fig.evidence == text[fig.start : fig.end]
        return found

    return run


def only(figures_of: FiguresOf, text: str) -> Figure:
    found = figures_of(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("Over 800 people were killed in the fighting.", "over"),
        ("More than 800 people were killed in the fighting.", "over"),
        ("At least 800 people were killed in the fighting.", "at least"),
        ("Nearly 800 people were killed in the fighting.", "nearly"),
        ("Almost 800 people were killed in the fighting.", "nearly"),
        ("Up to 800 people were killed in the fighting.", "up to"),
        ("About 800 people were killed in the fighting.", "about"),
        ("Around 800 people were killed in the fighting.", "about"),
        ("Some 800 people were killed in the fighting.", "about"),
        ("Fewer than 800 people were killed in the fighting.", "under"),
        ("800 people were killed in the fighting.", None),
    ],
)
def test_qualifiers_are_normalised(figures_of: FiguresOf, text: str, qualifier: str) -> None:
    fig = only(figures_of, text)
    assert (fig.measure, fig.value, fig.unit, fig.qualifier) == (
        "killed",
        800.0,
        "people",
        qualifier,
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("More than 1.5 million people have fled Sudan.", 1_500_000.0),
        ("More than 280,000 people have fled Sudan.", 280_000.0),
        ("Two hundred thousand people have fled Sudan.", 200_000.0),
        ("Twenty-five people have fled Sudan.", 25.0),
        ("A dozen people have fled Sudan.", 12.0),
    ],
)
def test_values(figures_of: FiguresOf, text: str, value: float) -> None:
    fig = only(figures_of, text)
    assert (fig.measure, fig.value) == ("displaced", value)


@pytest.mark.parametrize(
    ("text", "measure", "unit"),
    [
        ("At least 20 soldiers died in clashes.", "killed", "soldiers"),
        ("The shelling left 40 civilians dead.", "killed", "civilians"),
        ("The strike killed 12 children.", "killed", "children"),
        ("The toll rose to 300.", "killed", "people"),
        ("There were 300 deaths in the camp.", "killed", "people"),
        ("Nearly 400,000 fled to Chad.", "displaced", "people"),
        ("The war has produced 600,000 refugees.", "displaced", "people"),
        ("Some 3,000 families were evacuated.", "evacuated", "families"),
        ("Police arrested 150 protesters.", "detained", "protesters"),
        ("Police captured 150 rifles.", None, None),  # rifles: not people
        ("Police arrested 150 people.", "detained", "people"),
        ("About 1,200 people are missing.", "missing", "people"),
        ("The militia released 2,000 prisoners.", "released", "prisoners"),
        ("More than 1,000 refugees returned.", "returned", "people"),
    ],
)
def test_measures_and_units(
    figures_of: FiguresOf, text: str, measure: str | None, unit: str | None
) -> None:
    found = [(f.measure, f.unit) for f in figures_of(text)]
    assert found == ([(measure, unit)] if measure else [])


def test_each_count_takes_its_own_measure(figures_of: FiguresOf) -> None:
    found = figures_of("Eleven people died and twenty-five were wounded.")
    assert [(f.measure, f.value) for f in found] == [("killed", 11.0), ("wounded", 25.0)]


def test_doers_are_not_counted_as_victims(figures_of: FiguresOf) -> None:
    found = figures_of("300 fighters killed 20 soldiers.")
    assert [(f.measure, f.value, f.unit) for f in found] == [("killed", 20.0, "soldiers")]


def test_place_source_and_date(figures_of: FiguresOf) -> None:
    fig = only(
        figures_of,
        "Almost 70 people died in Kharkiv on Sunday, the United Nations said.",
    )
    assert (fig.measure, fig.value, fig.qualifier) == ("killed", 70.0, "nearly")
    assert fig.place == "n:kharkiv"
    assert (fig.source, fig.source_name) == ("g:un", "United Nations")
    assert fig.date == "2024-12-01"


def test_according_to_gives_the_source(figures_of: FiguresOf) -> None:
    fig = only(
        figures_of,
        "Over 800 people were killed in Sanaa yesterday, according to the Syrian Observatory "
        "for Human Rights.",
    )
    assert fig.source == "g:sohr"
    assert fig.source_name is not None and "Observatory" in fig.source_name
    assert fig.date == "2024-12-04"


def test_unreported_undated_figure_has_no_source_or_date(figures_of: FiguresOf) -> None:
    fig = only(figures_of, "More than 280,000 people have been displaced since the offensive.")
    assert (fig.source, fig.source_name, fig.date, fig.place) == (None, None, None, None)


def test_place_prefers_where_it_happened_to_the_destination(figures_of: FiguresOf) -> None:
    fig = only(figures_of, "Nearly 400,000 people fled to Poland from Kherson.")
    assert fig.place == "n:kherson"


def test_nationality_is_not_the_place(figures_of: FiguresOf) -> None:
    assert only(figures_of, "Around 90 Ukrainian soldiers were killed.").place is None


def test_evidence_is_the_stripped_sentence_with_its_offsets(figures_of: FiguresOf) -> None:
    text = "Rebels advanced.\n  At least 20 soldiers died in clashes.  \nTalks resumed."
    fig = only(figures_of, text)
    assert fig.evidence == "At least 20 soldiers died in clashes."
    assert text[fig.start : fig.end] == fig.evidence


@pytest.mark.parametrize(
    "text",
    [
        "The war began in 2011 and the offensive killed civilians.",  # year
        "A 13-year-old boy was killed.",  # age
        "He was 45 years old when he died.",  # age
        "The strike left 5% of the town's people dead.",  # percentage
        "The attack caused $3 million in damage.",  # money
        "The second convoy was attacked.",  # ordinal
        "About 50 vehicles were destroyed 10 km from Mariupol.",  # things, distance
        "Dozens of people were killed.",  # not a number
        "Up to 1.5 million people could flee the city.",  # forecast, not a count
        "The army deployed 5,000 troops.",  # no measure
    ],
)
def test_non_figures_are_ignored(figures_of: FiguresOf, text: str) -> None:
    assert figures_of(text) == []
