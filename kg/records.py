"""Small typed records passed between the steps of the pipeline.

articles (``Article``) -> spaCy docs -> mentions (``Mention``) -> per-article entities
(``LocalEntity``) -> assertions (``Assertion``, ``Figure``) -> resolved entities (``Entity``)
-> RDF store -> views.

Every record is a plain dataclass so that it can be cached as JSON between runs and
shipped to worker processes. ``normalize`` makes the name keys that extraction and
resolution share; it lives here so that resolving needs no spaCy.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any

MODALITIES = ("asserted", "reported", "hypothetical", "negated")


@dataclass(frozen=True)
class Article:
    """One news article as read from disk, before any language processing."""

    id: str
    text: str
    source: str  # file path (or path#line for JSON Lines) it was read from
    title: str | None = None
    date: str | None = None  # ISO 8601 date (YYYY-MM-DD) of publication
    publisher: str | None = None
    url: str | None = None
    content_hash: str = ""


@dataclass
class Mention:
    """A span of an article that names (or refers back to) an entity."""

    start: int  # character offsets in the article text
    end: int
    text: str
    cls: str  # ontology class local name, e.g. "ArmedGroup"
    key: str  # per-article entity key this mention belongs to


def normalize(name: str) -> str:
    """Lower-case ASCII form of a name used as a key: accents, 'the', 's and punctuation go."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"['\u2019]s\b", "", text)
    text = re.sub(r"[^\w\s]|_", " ", text)
    text = re.sub(r"^\s*the\s+", "", text)
    return " ".join(text.split())


@dataclass(slots=True)
class LocalEntity:
    """An entity as known inside one article: its names and its class.

    Slotted: the main process holds every article's entity list until resolution.
    """

    key: str
    name: str  # best name in this article
    cls: str
    names: list[str] = field(default_factory=list)
    gazetteer_id: str | None = None
    generic: bool = False  # "the rebels", "the army": only merged across articles by name


def shared_strings(entities: list[LocalEntity]) -> list[LocalEntity]:
    """``entities`` with their strings interned, so that a name recurring in many articles
    is held once. Each list arrives unpickled or parsed from JSON with fresh copies of every
    string, and a build keeps every article's list until resolution: interned, they take
    half the memory."""
    intern = sys.intern
    for ent in entities:
        ent.key, ent.name, ent.cls = intern(ent.key), intern(ent.name), intern(ent.cls)
        ent.names = [intern(name) for name in ent.names]
        if ent.gazetteer_id is not None:
            ent.gazetteer_id = intern(ent.gazetteer_id)
    return entities


@dataclass
class Assertion:
    """One relation between two entities, with its evidence and how factual it is."""

    subject: str  # LocalEntity key
    relation: str  # local name from the ontology, e.g. "captured"
    object: str  # LocalEntity key
    modality: str  # one of MODALITIES
    evidence: str  # the sentence, verbatim from the article
    start: int  # character offsets of the evidence sentence in the article text
    end: int
    confidence: float
    pattern: str  # which pattern family produced it (for error analysis)
    source: str | None = None  # LocalEntity key of who said it, for reported statements
    source_name: str | None = None
    date: str | None = None  # ISO date of the event, when the sentence dates it


@dataclass
class Figure:
    """A counted quantity stated in an article: "over 800 people killed"."""

    measure: str  # e.g. "killed", "displaced"
    value: float
    qualifier: str | None  # "over", "nearly", "up to" ...
    unit: str  # e.g. "people"
    evidence: str
    start: int
    end: int
    place: str | None = None  # LocalEntity key
    source: str | None = None  # LocalEntity key of who reported it
    source_name: str | None = None
    date: str | None = None


@dataclass
class Extraction:
    """Everything extracted from one article: the unit that is cached and stored."""

    article: Article
    entities: list[LocalEntity]
    mentions: list[Mention]
    assertions: list[Assertion]
    figures: list[Figure] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """What ``dataclasses.asdict`` gives, in a third of its time: the workers cache
        every extraction, and asdict's deep copy of each value cost them two thirds of
        a second per 300 articles."""
        return {
            "article": _flat(self.article),
            **{name: [_flat(record) for record in getattr(self, name)] for name in _LISTS},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        return cls(
            article=Article(**data["article"]),
            entities=[LocalEntity(**e) for e in data["entities"]],
            mentions=[Mention(**m) for m in data["mentions"]],
            assertions=[Assertion(**a) for a in data["assertions"]],
            figures=[Figure(**f) for f in data.get("figures", [])],
        )


_LISTS = ("entities", "mentions", "assertions", "figures")


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _flat(record: Any) -> dict[str, Any]:
    """A record whose values are scalars or lists of scalars, as a dict of copies."""
    values = ((name, getattr(record, name)) for name in _field_names(type(record)))
    return {name: list(value) if isinstance(value, list) else value for name, value in values}


@dataclass(slots=True)
class Entity:
    """A resolved entity across the whole corpus, with its stable IRI."""

    iri: str
    label: str
    cls: str
    alt_labels: list[str]
    articles: list[str]  # ids of the articles that mention it
    gazetteer_id: str | None = None
