"""Event dates (kg.dates): date expressions read exactly, relative ones against publication.

The publication date of most cases is Thursday 5 December 2024, so that weekdays before,
on and after it, and month-days before and after it, are all covered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import pytest

from kg.dates import normalize_date, sentence_date

if TYPE_CHECKING:
    from spacy.language import Language

THURSDAY = date(2024, 12, 5)
DateOf = Callable[..., "str | None"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # absolute dates in the usual news spellings
        ("December 4, 2024", "2024-12-04"),
        ("4 December 2024", "2024-12-04"),
        ("Jan. 5, 2025", "2025-01-05"),
        ("the 4th of December", "2024-12-04"),
        ("March 2011", "2011-03"),
        ("2011", "2011"),
        # a month-day without a year is the latest one not after publication
        ("Dec. 4", "2024-12-04"),
        ("November 27", "2024-11-27"),
        ("Dec 30", "2023-12-30"),
        ("mid-November", "2024-11"),
        ("May", "2024-05"),
        # weekdays: the last one on or before publication ("on Thursday" in a Thursday paper)
        ("Wednesday", "2024-12-04"),
        ("Thursday", "2024-12-05"),
        ("Friday", "2024-11-29"),
        ("last Thursday", "2024-11-28"),
        ("Tuesday night", "2024-12-03"),
        ("Wednesday, December 4", "2024-12-04"),
        # counted back from publication
        ("yesterday", "2024-12-04"),
        ("today", "2024-12-05"),
        ("13 years ago", "2011"),
        ("a year ago", "2023"),
        ("two days ago", "2024-12-03"),
        ("last month", "2024-11"),
        ("earlier this month", "2024-12"),
        ("last year", "2023"),
    ],
)
def test_date_expressions_are_normalised(text: str, expected: str) -> None:
    assert normalize_date(text, THURSDAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "recent years",
        "last week",
        "this week",
        "the weekend",
        "two days",
        "years ago",
        "the 1990s",
        "13-year-old",
        "the past 24 hours",
        "between December 4 and 6",
        "2011 and 2012",
        "February 30",
        "10 a.m.",
    ],
)
def test_vague_or_impossible_expressions_give_no_date(text: str) -> None:
    assert normalize_date(text, THURSDAY) is None


def test_month_day_across_new_year_takes_the_previous_year() -> None:
    assert normalize_date("December 30", date(2025, 1, 3)) == "2024-12-30"
    assert normalize_date("Monday", date(2025, 1, 3)) == "2024-12-30"


def test_without_publication_date_only_dates_with_a_year_are_read() -> None:
    assert normalize_date("December 4, 2024", None) == "2024-12-04"
    assert normalize_date("March 2011", None) == "2011-03"
    for relative in ("Dec. 4", "Wednesday", "yesterday", "13 years ago", "December"):
        assert normalize_date(relative, None) is None


@pytest.fixture(scope="session")
def date_of(spacy_nlp: Language) -> DateOf:
    """The date ``sentence_date`` gives the first sentence of a text."""

    def run(text: str, published: str | None = "2024-12-05") -> str | None:
        return sentence_date(next(spacy_nlp(text).sents), published)

    return run


def test_sentence_takes_the_most_precise_date(date_of: DateOf) -> None:
    assert date_of("The war that began in 2011 reached Kharkiv on Sunday.") == "2024-12-01"


def test_since_gives_the_start_date_and_ties_go_to_the_first(date_of: DateOf) -> None:
    text = "Since November 27, more than 9,000 people have fled Sennar, the UN said on Wednesday."
    assert date_of(text) == "2024-11-27"


def test_sentence_date_resolves_against_the_given_publication_date(date_of: DateOf) -> None:
    text = "Troops entered Pokrovsk on Monday."
    assert date_of(text) == "2024-12-02"
    assert date_of(text, "2024-12-12") == "2024-12-09"
    assert date_of(text, None) is None


def test_sentence_without_exact_date_is_undated(date_of: DateOf) -> None:
    assert date_of("Fighting in Darfur has intensified in recent years.") is None
    assert date_of("The army retook Wad Madani.") is None
