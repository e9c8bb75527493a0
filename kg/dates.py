"""Normalise the date a sentence gives an event: "On December 4, 2024", "on Wednesday".

News dates events relative to the day of publication ("yesterday", "on Wednesday", "since
November 27" without a year), so relative dates are resolved against the article's date.
Only expressions whose every word is known (``[dates]`` of ``ontology/lexicon.toml``) are
read: a vague one ("recent years", "last week", "two days") leaves the event undated, since
a wrong date misleads a timeline more than a missing one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from spacy.tokens import Span

from kg.lexicon import lexicon_table

DATE_LABELS = ("DATE", "TIME")
WORD = re.compile(r"[a-z]+|\d+(?:st|nd|rd|th)?")


@cache
@cache
def _words() -> dict[str, tuple[str, Any]]:
    """Every known word of a date expression -> (the slot it fills, its value)."""
    rules = lexicon_table("dates")
    words: dict[str, tuple[str, Any]] = {w: ("filler", None) for w in rules["fillers"]}
    words |= {w: ("ago", True) for w in rules["ago"]}
    words |= {w: ("count", 1) for w in rules["articles"]}
    words |= {w: ("count", n) for w, n in lexicon_table("figures")["numbers"].items()}
    words |= {w: ("unit", u) for w, u in rules["units"].items()}
    words |= {w: ("shift", n) for w, n in rules["shifts"].items()}
    words |= {w: ("back", n) for w, n in rules["days_back"].items()}
    words |= {w: ("weekday", i) for i, names in enumerate(rules["weekdays"]) for w in names}
    words |= {w: ("month", i + 1) for i, names in enumerate(rules["months"]) for w in names}
    return words


@dataclass
class _Parts:
    """The slots of one date expression; ``count`` is a day of the month or a count of units."""

    year: int | None = None
    month: int | None = None
    count: int | None = None
    weekday: int | None = None
    back: int | None = None
    shift: int | None = None
    unit: str | None = None
    ago: bool | None = None


def _parts(text: str) -> _Parts | None:
    """Fill the slots word by word; an unknown word or a slot filled twice makes it unreadable."""
    parts, known = _Parts(), _words()
    for word in WORD.findall(text.lower()):
        if word[0].isdigit():
            value: Any = int(word.rstrip("stndrh"))
            slot = "year" if 1000 <= value <= 2999 else "count"
        elif word in known:
            slot, value = known[word]
        else:
            return None
        if slot == "filler":
            continue
        if getattr(parts, slot) is not None:
            return None
        setattr(parts, slot, value)
    return parts


def _calendar(parts: _Parts, published: date | None) -> str | None:
    """A calendar date; a month without a year is the latest one not after publication."""
    if parts.month is None:
        return f"{parts.year:04d}" if parts.count is None else None
    year = parts.year
    if year is None:
        if published is None:
            return None
        later = (parts.month, parts.count or 1) > (published.month, published.day)
        year = published.year - later
    if parts.count is None:
        return f"{year:04d}-{parts.month:02d}"
    try:
        return date(year, parts.month, parts.count).isoformat()
    except ValueError:
        return None


def _units_back(parts: _Parts, published: date) -> str | None:
    """ "13 years ago", "a month ago", "last year", "this month"."""
    if parts.ago and parts.shift is None:
        count = parts.count
    elif parts.shift is not None and not parts.ago and parts.count is None:
        count = parts.shift
    else:
        return None
    if count is None:
        return None  # "years ago"
    if parts.unit == "year":
        return f"{published.year - count:04d}"
    if parts.unit == "month":
        index = published.year * 12 + published.month - 1 - count
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    return (published - timedelta(days=count)).isoformat()


def _relative(parts: _Parts, published: date) -> str | None:
    """Expressions counted back from publication: units ago, "yesterday", weekdays."""
    if parts.unit is not None:
        return _units_back(parts, published)
    if parts.ago or parts.count is not None:
        return None
    if parts.back is not None:
        return (published - timedelta(days=parts.back)).isoformat()
    if parts.weekday is not None:
        days = (published.weekday() - parts.weekday) % 7
        if days == 0 and parts.shift:
            days = 7  # "last Wednesday" in a Wednesday paper
        return (published - timedelta(days=days)).isoformat()
    return None


def normalize_date(text: str, published: date | None) -> str | None:
    """ISO date (YYYY-MM-DD, YYYY-MM or YYYY) one date expression names, if it is exact enough."""
    parts = _parts(text)
    if parts is None:
        return None
    if parts.month is not None or parts.year is not None:
        relative = parts.ago or parts.unit or parts.shift is not None or parts.back is not None
        return None if relative else _calendar(parts, published)
    return _relative(parts, published) if published is not None else None


def _date_entities(sent: Span) -> list[str]:
    """Texts of the sentence's date entities, read from its own tokens.

    ``Span.ents`` walks every entity of the document, which made long articles quadratic.
    """
    found: list[list[str]] = []
    for token in sent:
        if token.ent_type_ not in DATE_LABELS:
            continue
        if token.ent_iob_ == "B" or not found or token.i == sent.start:
            found.append([])
        found[-1].append(token.text_with_ws)
    return ["".join(parts).strip() for parts in found]


def sentence_date(sent: Span, published: str | None) -> str | None:
    """The date a sentence gives its event: its most precise date expression, first if tied.

    ``published`` is the article's ISO date; without it only dates that name their year are
    read.
    """
    base = date.fromisoformat(published) if published else None
    found = [normalize_date(text, base) for text in _date_entities(sent)]
    dated = [d for d in found if d]
    return max(dated, key=len) if dated else None
