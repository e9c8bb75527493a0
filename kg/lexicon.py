"""Read the extraction rules that live as data in ``ontology/``.

``lexicon.toml`` holds the trigger patterns of every relation, the modality cues, the
collective nouns and the class cues; ``gazetteer.toml`` holds well-known actors. This module
only parses them into typed records; ``kg.relations`` and ``kg.mentions`` interpret them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"

# Grammar words, not domain rules: a pattern's last word is an object preposition if it is one.
PREPOSITIONS = frozenset(
    [
        "of",
        "to",
        "toward",
        "towards",
        "on",
        "into",
        "in",
        "from",
        "against",
        "with",
        "for",
        "over",
        "at",
        "near",
        "by",
        "about",
        "onto",
        "through",
        "across",
        "under",
        "inside",
        "around",
        "along",
        "within",
        "outside",
    ]
)

# Entity families the lexicon's subject/object constraints name, as sets of classes.
FAMILIES: dict[str, frozenset[str]] = {
    "Person": frozenset({"Person"}),
    "Group": frozenset({"Organization", "ArmedGroup", "Government", "SocialGroup"}),
    "Organization": frozenset({"Organization", "ArmedGroup", "Government"}),
    "Actor": frozenset(
        {"Person", "Organization", "ArmedGroup", "Government", "Country", "SocialGroup"}
    ),
    "Location": frozenset({"Location", "City", "Region", "Country", "Facility"}),
    "Facility": frozenset({"Facility"}),
    "Institution": frozenset({"Organization"}),
}


@dataclass(frozen=True)
class Pattern:
    """One way a relation is expressed, parsed from a lexicon pattern string."""

    relation: str
    kind: str  # verb | noun | role | mod | pair | appos | title | dateline
    head: str  # trigger lemma (for pair/appos/title/dateline: the subject family)
    words: tuple[str, ...] = ()  # further lemmas that must accompany the head
    preps: tuple[str, ...] = ()  # prepositions introducing the object; () = direct object
    inverse: bool = False  # grammatical subject is the relation's object
    target: str = ""  # pair/appos: the object family

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.relation}"


@dataclass(frozen=True)
class RelationRule:
    name: str
    subject: frozenset[str]  # accepted classes
    object: frozenset[str]
    patterns: tuple[Pattern, ...]
    # prepositions whose place an object that names no entity stands for ("a hospital in X")
    object_places: tuple[str, ...] = ()
    # prepositions through which a subject says where it was ("residents of X fled": fled X),
    # the object of a verb pattern that has none of its own
    subject_places: tuple[str, ...] = ()


@dataclass(frozen=True)
class GazetteerEntry:
    id: str
    name: str
    cls: str
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    leads: str | None = None  # gazetteer id of what a person leads


@dataclass(eq=False)  # hashed by identity: one loaded lexicon, cached matchers
class Lexicon:
    relations: dict[str, RelationRule]
    modality: dict[str, frozenset[str]]
    collective_heads: dict[str, str]  # noun lemma -> class
    collective_synonyms: dict[str, str]  # phrase lemma -> canonical generic name
    name_heads: dict[str, str]  # last word of a name -> class
    context_nouns: dict[str, str]  # neighbouring noun -> class
    titles: frozenset[str]
    transparent: frozenset[str]
    gazetteer: dict[str, GazetteerEntry]
    coref_window: int = 3
    pronoun_targets: dict[str, frozenset[str]] = field(default_factory=dict)  # word -> classes
    descriptions: dict[str, str] = field(default_factory=dict)  # noun lemma -> class
    achievements: frozenset[str] = frozenset()  # "victory for X": X is the doer
    bygone: frozenset[str] = frozenset()  # "former president X": a role that is over
    deputies: frozenset[str] = frozenset()  # "Vice President X": a deputy, not the leader
    of_names: frozenset[str] = frozenset()  # "the town of X": X is a town
    name_breaks: frozenset[str] = frozenset()  # lower-case words no name holds
    not_names: frozenset[str] = frozenset()  # words that are no name on their own
    claims: frozenset[str] = frozenset()  # "claimed responsibility for": the deed's doer
    names: dict[str, str] = field(default_factory=dict)  # surface name -> gazetteer id
    demonyms: dict[str, str] = field(default_factory=dict)  # lower-case demonym -> id

    def patterns(self, kind: str) -> list[Pattern]:
        return [p for rule in self.relations.values() for p in rule.patterns if p.kind == kind]


def parse_pattern(relation: str, text: str) -> Pattern:
    """Parse one pattern string of ``lexicon.toml`` (its syntax is documented there)."""
    kind, _, body = text.partition(":") if ":" in text else ("verb", "", text)
    kind = {"n": "noun"}.get(kind, kind)
    tokens = body.split()
    inverse = tokens[-1] == "<"
    if inverse:
        tokens = tokens[:-1]
    if kind in ("pair", "appos", "title", "dateline"):
        head, *middle, target = tokens
        preps = tuple(middle[0].split("|")) if middle else ()
        return Pattern(relation, kind, head, (), preps, inverse, target)
    preps: tuple[str, ...] = ()
    last = tokens[-1].split("|")
    if len(tokens) > 1 and all(w in PREPOSITIONS for w in last):
        preps, tokens = tuple(last), tokens[:-1]
    head, *words = tokens
    if any("|" in w for w in tokens):
        raise ValueError(f"{relation}: pattern {text!r} lists a word that is not a preposition")
    return Pattern(relation, kind, head, tuple(words), preps, inverse)


def _entries(data: dict) -> dict[str, GazetteerEntry]:
    entries: dict[str, GazetteerEntry] = {}
    for c in data.get("countries", []):
        cid = c["name"]
        entries[cid] = GazetteerEntry(
            cid, c["name"], "Country", tuple(c.get("aliases", ())), tuple(c.get("demonyms", ()))
        )
    for a in data.get("actors", []):
        entries[a["id"]] = GazetteerEntry(
            a["id"], a["name"], a["class"], tuple(a.get("aliases", ())), (), a.get("leads")
        )
    return entries


@lru_cache(maxsize=8)
def lexicon_table(name: str) -> dict:
    """One top-level table of ``ontology/lexicon.toml``, for the steps with rules of their own
    (dates, figures, transliteration)."""
    return tomllib.loads((ONTOLOGY_DIR / "lexicon.toml").read_text(encoding="utf-8"))[name]


@lru_cache(maxsize=1)
def object_control_verbs() -> frozenset[str]:
    """Verbs whose direct object does what their gerund phrase says ("accused X of V-ing")."""
    return frozenset(lexicon_table("classes")["object_control"])


@lru_cache(maxsize=4)
def load_lexicon(directory: str | None = None) -> Lexicon:
    """Load ``lexicon.toml`` and ``gazetteer.toml`` from ``directory`` (default: ontology/)."""
    root = Path(directory) if directory else ONTOLOGY_DIR
    lex = tomllib.loads((root / "lexicon.toml").read_text(encoding="utf-8"))
    gaz = tomllib.loads((root / "gazetteer.toml").read_text(encoding="utf-8"))

    def family(names: list[str]) -> frozenset[str]:
        return frozenset().union(*(FAMILIES[n] for n in names))

    relations = {
        name: RelationRule(
            name,
            family(spec["subject"]),
            family(spec["object"]),
            tuple(parse_pattern(name, p) for p in spec["patterns"]),
            tuple(spec.get("object_places", ())),
            tuple(spec.get("subject_places", ())),
        )
        for name, spec in lex["relation"].items()
    }
    collective = lex["collective"]
    heads = {w: cls for cls, words in collective.items() if cls != "synonyms" for w in words}
    synonyms = {p: canon for canon, ps in collective["synonyms"].items() for p in ps}
    classes = lex["classes"]
    entries = _entries(gaz)
    lexicon = Lexicon(
        relations=relations,
        modality={k: frozenset(v) for k, v in lex["modality"].items()},
        collective_heads=heads,
        collective_synonyms=synonyms,
        name_heads={w: cls for cls, ws in classes["name_heads"].items() for w in ws},
        context_nouns={w: cls for cls, ws in classes["context_nouns"].items() for w in ws},
        titles=frozenset(classes["titles"]),
        transparent=frozenset(classes["transparent"]),
        achievements=frozenset(classes["achievements"]),
        bygone=frozenset(classes["bygone"]),
        deputies=frozenset(classes["deputies"]),
        of_names=frozenset(classes["of_names"]),
        name_breaks=frozenset(classes["name_breaks"]),
        not_names=frozenset(classes["not_names"]),
        claims=frozenset(classes["claims"]),
        gazetteer=entries,
    )
    coref = lex["coref"]
    targets = {k: frozenset(v) for k, v in coref["targets"].items()}
    targets["Person"] = frozenset({"Person"})
    lexicon.coref_window = coref["window"]
    lexicon.pronoun_targets = {
        w: targets[group] for group, words in coref["pronouns"].items() for w in words
    }
    lexicon.descriptions = {w: cls for cls, ws in coref["descriptions"].items() for w in ws}
    for entry in entries.values():
        for name in (entry.name, *entry.aliases):
            lexicon.names.setdefault(name, entry.id)
        for dem in entry.demonyms:
            lexicon.demonyms.setdefault(dem.lower(), entry.id)
    return lexicon
