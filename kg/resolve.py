"""Resolve the entities of all articles into one set of corpus entities with stable IRIs.

Within an article, kg.mentions already joined acronyms, short names and gazetteer aliases.
Across articles, entities join when they share a gazetteer id or a normalised name, when a
person's single name is the last name of exactly one known person ("Assad"), or when two
names of the same class are transliteration variants ("Jolani" / "Golani"). Persons are
never joined with organisations, governments or places.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache

from kg.lexicon import lexicon_table, load_lexicon
from kg.rdf import entity_iri
from kg.records import Entity, Extraction, LocalEntity, normalize

ACTOR_CLASSES = frozenset({"Organization", "ArmedGroup", "Government", "Country", "SocialGroup"})
KIND = {  # classes that may be merged with each other
    "Person": "person",
    "Country": "place",
    "City": "place",
    "Region": "place",
    "Location": "place",
    "Facility": "place",
}


@lru_cache(maxsize=1)
def _transliteration() -> tuple[list[tuple[str, str]], int, float]:
    spec = lexicon_table("transliteration")
    pairs = [(v, group[0]) for group in spec["groups"] for v in group[1:]]
    return sorted(pairs, key=lambda p: -len(p[0])), spec["min_length"], spec["min_similarity"]


def _transliterated(name: str) -> str:
    """The name with each group of interchangeable letters written one way, no doubles."""
    pairs, *_ = _transliteration()
    text = normalize(name).removeprefix("al ")
    for variant, base in pairs:
        text = text.replace(variant, base)
    return re.sub(r"(.)\1+", r"\1", text)


def skeleton(name: str) -> str:
    """A spelling-independent form of a name: 'al-Jolani' and 'Al-Golani' agree."""
    text = _transliterated(name)
    return text[0] + re.sub(r"[aeiou ]", "", text[1:]) if text else ""


def alike(first: str, second: str) -> bool:
    """Two spellings of one name: one skeleton, and letters mostly the same ("Sidon" and
    "Sudan" share a skeleton, not their vowels)."""
    _, _, min_similarity = _transliteration()
    a, b = _transliterated(first), _transliterated(second)
    return skeleton(first) == skeleton(second) and SequenceMatcher(None, a, b).ratio() >= (
        min_similarity
    )


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the representative is the smaller key, so the result does not depend on order
            low, high = sorted((ra, rb))
            self.parent[high] = low


def _kind(cls: str) -> str:
    return KIND.get(cls, "group")


def resolve(extractions: Iterable[Extraction]) -> tuple[list[Entity], dict[str, dict[str, str]]]:
    """Corpus entities, and for each article id the IRI of each of its local keys.

    Keyed by article, then key: a 10,000-article corpus has about 750,000 local entities,
    and a (article id, key) tuple for each took 40 MB more.
    """
    members: dict[str, list[tuple[str, LocalEntity]]] = defaultdict(list)
    for ex in extractions:
        for ent in ex.entities:
            members[ent.key].append((ex.article.id, ent))
    _separate_persons(members)
    classes = {key: _majority(e.cls for _, e in ms) for key, ms in members.items()}
    union = _Union()
    for key in sorted(members):
        union.find(key)
    _join_short_names(members, classes, union)
    _join_spellings(members, classes, union)

    groups: dict[str, list[str]] = defaultdict(list)
    for key in sorted(members):
        groups[union.find(key)].append(key)
    entities: list[Entity] = []
    iri_of: defaultdict[str, dict[str, str]] = defaultdict(dict)
    for keys in (groups[root] for root in sorted(groups)):
        local = [(doc, ent) for key in keys for doc, ent in members[key]]
        gazetteer = next((e.gazetteer_id for _, e in local if e.gazetteer_id), None)
        best_key = min(keys, key=lambda k: (not k.startswith("g:"), -len(k), k))
        names = Counter(n for _, e in local for n in e.names)
        label = _label(local, names)
        entity = Entity(
            iri=str(entity_iri(best_key[2:] if best_key.startswith("g:") else best_key)),
            label=label,
            cls=_majority(e.cls for _, e in local) if not gazetteer else local[0][1].cls,
            alt_labels=sorted(set(names) - {label}),
            articles=sorted({doc for doc, _ in local}),
            gazetteer_id=gazetteer,
        )
        entities.append(entity)
        for doc, ent in local:
            iri_of[doc][ent.key] = entity.iri
    return entities, dict(iri_of)


def _separate_persons(members: dict[str, list[tuple[str, LocalEntity]]]) -> None:
    """A person never shares an entity with an organisation, government or country.

    Same-named local entities of those classes ("Assad" the man, "Assad" the regime) are
    split; a place the model once called a person ("Homs") stays with the place.
    """
    for key in [k for k in members if k.startswith("n:")]:
        classes = {e.cls for _, e in members[key]}
        if "Person" in classes and classes & ACTOR_CLASSES:
            people = [(doc, e) for doc, e in members[key] if e.cls == "Person"]
            members[key] = [(doc, e) for doc, e in members[key] if e.cls != "Person"]
            members[key + "#person"] = people


def _majority(classes: Iterable[str]) -> str:
    counts = Counter(classes)
    return sorted(counts, key=lambda c: (-counts[c], c))[0]


def _label(local: list[tuple[str, LocalEntity]], names: Counter) -> str:
    """The gazetteer's name, else the most frequent (then longest) name: order-independent."""
    gazetteer = load_lexicon().gazetteer
    ids = sorted({e.gazetteer_id for _, e in local if e.gazetteer_id in gazetteer})
    if ids:
        return gazetteer[ids[0]].name
    return sorted(names, key=lambda n: (-names[n], -len(n), n))[0]


def _words(name: str) -> list[str]:
    return [w for w in normalize(name).split() if w != "al"]


def _join_short_names(members, classes, union: _Union) -> None:
    """A one-word person name joins the one known person whose last name it is.

    Last names are compared by their transliteration skeleton: "Golani" joins
    "Abu Mohammed al-Jolani".
    """
    by_last: dict[str, set[str]] = defaultdict(set)
    for key, ms in members.items():
        if classes[key] != "Person":
            continue
        for _, ent in ms:
            for name in ent.names:
                words = _words(name)
                if len(words) > 1:
                    by_last[skeleton(words[-1])].add(key)
    for key, ms in members.items():
        words = _words(ms[0][1].name)
        if classes[key] == "Person" and key.startswith("n:") and len(words) == 1:
            owners = by_last.get(skeleton(words[0]), set()) - {key}
            if len({union.find(o) for o in owners}) == 1:
                union.union(key, owners.pop())


def _join_spellings(members, classes, union: _Union) -> None:
    """Transliteration variants of a person or place name are one entity."""
    _, min_length, _ = _transliteration()
    by_skeleton: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for key in sorted(members):
        kind = _kind(classes[key])
        if kind == "group" or key.startswith("c:"):
            continue
        name = normalize(key.split(":", 1)[1].removesuffix("#person"))
        if len(name) >= min_length:
            by_skeleton[(kind, skeleton(name))].append((key, name))
    for keys in by_skeleton.values():
        if sum(key.startswith("g:") for key, _ in keys) > 1:
            continue  # two gazetteer entries that look alike are two entities (Niger, Nigeria)
        (first, name), *others = keys
        for other, other_name in others:
            if alike(name, other_name):
                union.union(first, other)
