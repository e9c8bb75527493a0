"""Cross-article entity resolution (kg.resolve) on hand-made extractions: who joins whom.

Local keys follow kg.mentions: ``g:<gazetteer id>`` for gazetteer matches, ``n:<normalised
name>`` for other names. The cases that are marked xfail are real resolution bugs.
"""

from __future__ import annotations

import json
from itertools import permutations

import pytest

from kg.rdf import entity_iri
from kg.records import Article, Entity, Extraction, LocalEntity, shared_strings
from kg.resolve import alike, resolve, skeleton

NAMES = {  # key -> (name in the article, class, gazetteer id)
    "g:rsf": ("RSF", "ArmedGroup", "rsf"),
    "g:rsf/long": ("Rapid Support Forces", "ArmedGroup", "rsf"),
    "g:wagner": ("Wagner", "ArmedGroup", "wagner"),
    "g:Jordan": ("Jordan", "Country", "Jordan"),
    "g:Niger": ("Niger", "Country", "Niger"),
    "g:Nigeria": ("Nigeria", "Country", "Nigeria"),
    "g:Sudan": ("Sudan", "Country", "Sudan"),
    "n:sidon": ("Sidon", "City", None),
    "n:abu mohammed al jolani": ("Abu Mohammed al-Jolani", "Person", None),
    "n:abu mohammed al golani": ("Abu Mohammed al-Golani", "Person", None),
    "n:jolani": ("Jolani", "Person", None),
    "n:golani": ("Golani", "Person", None),
    "n:al golani": ("al-Golani", "Person", None),
    "n:bashar al assad": ("Bashar al-Assad", "Person", None),
    "n:assad": ("Assad", "Person", None),
    "n:hafez al assad": ("Hafez al-Assad", "Person", None),
    "n:assad/government": ("Assad", "Government", None),
    "n:jordan": ("Jordan", "Person", None),
    "n:wagner": ("Wagner", "Person", None),
}


def article(article_id: str, *keys: str) -> Extraction:
    """An extraction of the entities ``keys`` (a '/...' suffix picks another name or class)."""
    entities = []
    for key in keys:
        name, cls, gazetteer_id = NAMES[key]
        entities.append(LocalEntity(key.split("/")[0], name, cls, [name], gazetteer_id))
    return Extraction(Article(id=article_id, text="", source=article_id), entities, [], [])


def iris(*extractions: Extraction) -> dict[tuple[str, str], str]:
    """The IRI of each (article id, local key)."""
    iri_of = resolve(extractions)[1]
    return {(a, key): iri for a, keys in iri_of.items() for key, iri in keys.items()}


def joined(extractions: list[Extraction], first: tuple[str, str], second: tuple[str, str]) -> bool:
    found = iris(*extractions)
    return found[first] == found[second]


def test_gazetteer_ids_join_whatever_the_name() -> None:
    entities, iri_of = resolve([article("a", "g:rsf"), article("b", "g:rsf/long")])
    [rsf] = entities
    assert rsf.iri == str(entity_iri("rsf")) == iri_of["a"]["g:rsf"] == iri_of["b"]["g:rsf"]
    assert (rsf.gazetteer_id, rsf.cls, rsf.articles) == ("rsf", "ArmedGroup", ["a", "b"])
    assert {rsf.label, *rsf.alt_labels} == {"RSF", "Rapid Support Forces"}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("n:abu mohammed al jolani", "n:abu mohammed al golani", id="full-names"),
        pytest.param("n:jolani", "n:golani", id="single-names"),
        pytest.param("n:jolani", "n:abu mohammed al jolani", id="last-name-alone"),
        pytest.param(
            "n:golani",
            "n:abu mohammed al jolani",
            id="last-name-alone-other-spelling",
        ),
        pytest.param(
            "n:al golani",
            "n:abu mohammed al golani",
            id="last-name-with-article",
        ),
    ],
)
def test_spellings_and_short_names_join_persons(first: str, second: str) -> None:
    assert joined([article("a", first), article("b", second)], ("a", first), ("b", second))


def test_transliteration_skeleton() -> None:
    assert skeleton("al-Jolani") == skeleton("Al-Golani") == skeleton("Jolani")
    assert skeleton("Al-Qaeda") == skeleton("al-Kaida")
    assert skeleton("Jolani") != skeleton("Jordan")


def test_gazetteer_entries_that_look_alike_stay_apart() -> None:
    """"Niger" and "Nigeria" have one skeleton; the gazetteer knows them as two countries."""
    assert skeleton("Niger") == skeleton("Nigeria")
    extractions = [article("a", "g:Niger"), article("b", "g:Nigeria")]
    assert not joined(extractions, ("a", "g:Niger"), ("b", "g:Nigeria"))


def test_names_with_one_skeleton_but_other_vowels_stay_apart() -> None:
    """"Sidon" and "Sudan" share the skeleton "sdn"; a Lebanese city is no country."""
    assert skeleton("Sidon") == skeleton("Sudan")
    assert not alike("Sidon", "Sudan")
    assert alike("Kharkiv", "Kharkov") and alike("al-Jolani", "Al-Golani")
    extractions = [article("a", "n:sidon"), article("b", "g:Sudan")]
    assert not joined(extractions, ("a", "n:sidon"), ("b", "g:Sudan"))


def test_short_name_joins_the_full_name() -> None:
    extractions = [article("a", "n:bashar al assad"), article("b", "n:assad")]
    assert joined(extractions, ("a", "n:bashar al assad"), ("b", "n:assad"))


def test_short_name_of_two_persons_stays_apart() -> None:
    """'Assad' could be Bashar or Hafez: an ambiguous last name joins nobody."""
    found = iris(
        article("a", "n:bashar al assad"), article("b", "n:assad"), article("c", "n:hafez al assad")
    )
    assert len(set(found.values())) == 3


@pytest.mark.parametrize(
    ("person", "other"),
    [
        pytest.param("n:jordan", "g:Jordan", id="country"),
        pytest.param("n:wagner", "g:wagner", id="armed-group"),
        pytest.param(
            "n:assad",
            "n:assad/government",
            id="government-same-key",
        ),
    ],
)
def test_person_never_joins_a_non_person(person: str, other: str) -> None:
    person_key, other_key = person.split("/")[0], other.split("/")[0]
    entities, iri_of = resolve([article("a", person), article("b", other)])
    assert iri_of["a"][person_key] != iri_of["b"][other_key]
    assert {e.cls for e in entities if e.iri == iri_of["a"][person_key]} == {"Person"}


CORPUS = [
    article("a", "g:rsf", "n:abu mohammed al jolani", "n:bashar al assad", "g:Jordan"),
    article("b", "g:rsf/long", "n:jolani", "n:assad", "n:wagner"),
    article("c", "n:golani", "g:wagner", "n:jordan"),
]


def test_iris_do_not_depend_on_input_order_or_run() -> None:
    expected = iris(*CORPUS)
    assert iris(*CORPUS) == expected
    for order in permutations(CORPUS):
        assert iris(*order) == expected


def test_entities_do_not_depend_on_input_order() -> None:
    def entities(order) -> list[Entity]:
        return resolve(order)[0]

    expected = entities(CORPUS)
    for order in permutations(CORPUS):
        assert entities(order) == expected


def test_shared_strings_hold_a_recurring_name_once():
    """Entity lists arrive from workers or the cache with fresh copies of every string; the
    build keeps one copy of each, and the entities are otherwise unchanged."""
    raw = {"key": "n:bashar al assad", "name": "Bashar al-Assad", "cls": "Person",
           "names": ["Bashar al-Assad", "Assad"], "gazetteer_id": "assad"}
    first, second = (
        Extraction.from_dict({"article": {"id": i, "text": "", "source": ""},
                              "entities": [json.loads(json.dumps(raw))],
                              "mentions": [], "assertions": []}).entities
        for i in ("a1", "a2")
    )
    assert first[0].name is not second[0].name  # parsed separately: two copies
    shared = [shared_strings(first)[0], shared_strings(second)[0]]
    assert shared[0] == shared[1] == LocalEntity(**raw)
    for field in ("key", "name", "cls", "gazetteer_id"):
        assert getattr(shared[0], field) is getattr(shared[1], field)
    assert all(a is b for a, b in zip(shared[0].names, shared[1].names, strict=True))
