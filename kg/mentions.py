"""Find the entities an article names: gazetteer names, named entities, collective actors.

The statistical NER alone is not enough for news about conflicts (it tags "HTS" as a person
and "Hama" as an organisation), so every mention collects *votes* for a class from several
cues: the gazetteer (final), the last word of a name ("... Forces", "... Observatory"), the
words around it ("the city of X", "X province"), prepositions of place, and the NER label.
Relations add votes later (the object of "captured" is a place); ``EntityTable.entities``
settles each class by majority.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from kg.lexicon import FAMILIES, Lexicon, lexicon_table
from kg.nlp import DASHES, dateline_names, ends_dateline, original_text
from kg.records import LocalEntity, Mention, normalize

NER_CLASS = {
    "PERSON": "Person",
    "ORG": "Organization",
    "GPE": "Location",
    "LOC": "Region",
    "FAC": "Facility",
    "NORP": "SocialGroup",
}
PLACE_PREPS = frozenset(
    [
        "in",
        "from",
        "to",
        "toward",
        "towards",
        "near",
        "around",
        "into",
        "at",
        "across",
        "outside",
        "inside",
    ]
)
LIST_PREPS = ("like", "including", "include", "as")  # "cities like Aleppo", "such as"
ARTICLES = frozenset({"the", "a", "an", "this", "that", "these", "those"})
MODIFIER_DEPS = frozenset({"amod", "compound", "poss", "npadvmod", "nmod"})
ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "appos", "conj"})
# the kind of entity each class names, for settling a class by majority
KIND_OF = {
    **{cls: "Location" for cls in FAMILIES["Location"]},
    **{cls: "Organization" for cls in FAMILIES["Organization"]},
}


@dataclass
class EntityTable:
    """The entities of one article while it is being read; classes are settled at the end."""

    names: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    votes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    token_key: dict[int, str] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    gazetteer: dict[str, str] = field(default_factory=dict)  # key -> gazetteer id
    generic: set[str] = field(default_factory=set)
    heading: set[str] = field(default_factory=set)  # generic keys that head a phrase somewhere
    cued: set[str] = field(default_factory=set)  # names whose words or neighbours say: no place

    def add(self, span: Span, key: str, name: str | None, cls: str, weight: float) -> None:
        """Record that ``span`` names entity ``key`` (as ``name``; None: it refers to the
        entity without naming it); its tokens now point to it."""
        if name is not None:
            self.names[key][name] += 1
        self.votes[key][cls] += weight
        self.mentions.append(Mention(span.start_char, span.end_char, original_text(span), cls, key))
        for token in span:
            self.token_key[token.i] = key

    def key_of(self, token: Token) -> str | None:
        return self.token_key.get(token.i)

    def cls_of(self, token: Token) -> str | None:
        """The class of the entity ``token`` names, if any."""
        key = self.token_key.get(token.i)
        return None if key is None else self.cls(key)

    def cls(self, key: str) -> str:
        """The class with most votes, after the kind of entity (place, person, organisation,
        social group) with most votes: "Region" and "City" votes both say "a place". Ties go
        to places, the model's weakest labels."""
        votes = self.votes[key]
        if len(votes) <= 1:  # most entities: one cue, or the gazetteer's class
            return next(iter(votes), "Location")
        kinds: Counter = Counter()
        for cls, weight in votes.items():
            kinds[KIND_OF.get(cls, cls)] += weight
        kind = max(kinds, key=lambda k: (kinds[k], k == "Location"))
        return max(
            (c for c in votes if KIND_OF.get(c, c) == kind),
            key=votes.__getitem__,
        )

    def protagonist(self, key: str) -> bool:
        """Named, or a generic actor the text makes a protagonist: "the jihadist group X"
        alone does not make "jihadists" an actor, "the rebels ... a rebel faction" does."""
        return key not in self.generic or key in self.heading

    def vote(self, key: str, cls: str, weight: float = 1.0) -> None:
        if key not in self.gazetteer:
            self.votes[key][cls] += weight

    def entities(self) -> list[LocalEntity]:
        out = []
        for key, names in self.names.items():
            ranked = sorted(names, key=lambda n: (-names[n], -len(n), n))
            out.append(
                LocalEntity(
                    key=key,
                    name=ranked[0],
                    cls=self.cls(key),
                    names=sorted(names),
                    gazetteer_id=self.gazetteer.get(key),
                    generic=key in self.generic,
                )
            )
        for mention in self.mentions:
            mention.cls = self.cls(mention.key)
        return out


@lru_cache(maxsize=4)
def _matchers(nlp: Language, lexicon: Lexicon) -> tuple[PhraseMatcher, PhraseMatcher]:
    """Gazetteer matchers: exact case for acronyms, case-insensitive for longer names."""
    exact = PhraseMatcher(nlp.vocab, attr="ORTH")
    folded = PhraseMatcher(nlp.vocab, attr="LOWER")
    for name, gid in lexicon.names.items():
        target = exact if (name.isupper() or len(name) <= 4) else folded
        target.add(gid, [nlp.make_doc(name)])
    return exact, folded


def _trim(span: Span) -> Span:
    """Drop leading articles and trailing possessives/punctuation from an entity span."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in ARTICLES or _blank(doc[start])):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or _blank(doc[end - 1])):
        end -= 1
    return doc[start:end]


def _blank(token: Token) -> bool:
    """Punctuation, or a line break the model took into a name ("Hodeidah\n\n")."""
    return token.is_punct or token.is_space


def _determined(token: Token) -> bool:
    return any(c.dep_ == "det" for c in token.children)


def _counted(people: Token, lexicon: Lexicon) -> bool:
    """A plural demonym that counts or places people, not the country's forces:
    "100,000 Armenians", "many Syrians", "thousands of Syrians", "the Armenians of Karabakh"."""
    if any(
        c.dep_ == "nummod" or (c.dep_ in ("amod", "det") and c.lower_ in lexicon.transparent)
        for c in people.children
    ):
        return True
    if people.dep_ == "pobj" and people.head.lower_ == "of":
        counter = people.head.head.lower_
        if counter in lexicon.transparent or lexicon.context_nouns.get(counter) == "SocialGroup":
            return True
    return any(c.dep_ == "prep" and c.lower_ in ("of", "in", "from") for c in people.children)


def _name_class(span: Span, lexicon: Lexicon) -> str | None:
    """The class a name's head word gives: its last word ("Syrian Democratic Forces"), or the
    word before its first "of"/"for" ("University of Virginia", "Center for Strategic Studies")."""
    if len(span) < 2:
        return None
    cut = next((t.i for t in span[1:] if t.lower_ in ("of", "for")), None)
    if cut is not None:
        cls = lexicon.name_heads.get(span.doc[cut - 1].lower_)
        if cls:
            return cls
    return lexicon.name_heads.get(span[-1].lower_)


def _context_class(span: Span, lexicon: Lexicon) -> str | None:
    """'the city of X', 'X province', 'President X': a neighbouring noun tells the class."""
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    # "Homs province" is a region, but "Wagner Group leader" is no person: titles go before
    if after is not None and lexicon.context_nouns.get(after.lower_, "Person") != "Person":
        return lexicon.context_nouns[after.lower_]
    head = span.root  # "the Viv Ansanm gang coalition", "the Fano militia": the noun it names
    while head.dep_ == "compound" and head.head.i >= span.end:
        head = head.head
    if head != span.root and lexicon.descriptions.get(head.lemma_.lower(), "Person") != "Person":
        return lexicon.descriptions[head.lemma_.lower()]
    if span.start >= 2 and doc[span.start - 1].lower_ == "of":
        return lexicon.context_nouns.get(doc[span.start - 2].lower_)
    if span.start >= 1:
        cls = lexicon.context_nouns.get(doc[span.start - 1].lower_.rstrip("."))
        return cls if cls == "Person" else None
    return None


def _is_place_object(span: Span) -> bool:
    root = span.root
    return root.dep_ == "pobj" and root.head.lower_ in PLACE_PREPS


def _split_joined(span: Span, lexicon: Lexicon) -> list[Span]:
    """ "Italy (AP" and "Tibu from National Liberation Army" are two names: no name holds a
    bracket or a lower-case "from" (the model sometimes joins them)."""
    parts, start = [], span.start
    for token in span:
        if token.text in "()[]" or token.text in lexicon.name_breaks:
            parts.append(span.doc[start : token.i])
            start = token.i + 1
    parts.append(span.doc[start : span.end])
    return [part for part in parts if len(part)]


def _split_possessive(span: Span, lexicon: Lexicon) -> list[Span]:
    """ "The UN's World Food Programme" names two entities; "Tigray People's Liberation
    Front" names one: a name splits at a possessive only after a gazetteer name."""
    parts, start = [], span.start
    for token in span:
        if token.tag_ == "POS" and _trim(span.doc[start : token.i]).text in lexicon.names:
            parts.append(span.doc[start : token.i])
            start = token.i + 1
    parts.append(span.doc[start : span.end])
    return [p for p in parts if len(p)]


def _inside_longer_name(start: int, end: int, named: list[Span]) -> bool:
    """'Sudan' in 'Port Sudan' or 'Sudan Liberation Movement' is part of another name."""
    for span in named:
        if span.start <= start and end <= span.end and (span.start, span.end) != (start, end):
            rest = [t for t in span if not start <= t.i < end]
            if all(t.pos_ == "PROPN" and t.is_title for t in rest):
                return True
    return False


def _country_of(tokens, table: EntityTable, lexicon: Lexicon) -> str | None:
    """The country a generic actor belongs to: 'Syrian army', "Assad's regime"."""
    for token in tokens:
        gid = table.gazetteer.get(table.key_of(token) or "")
        entry = lexicon.gazetteer.get(gid or "")
        if entry is None:
            continue
        if entry.cls == "Country":
            return entry.id
        if entry.leads in lexicon.gazetteer and lexicon.gazetteer[entry.leads].cls == "Country":
            return entry.leads
    return None


def _collective_span(head: Token) -> Span:
    left = head.i
    for child in head.lefts:
        if child.dep_ in MODIFIER_DEPS:
            left = min(left, child.left_edge.i)
    doc = head.doc
    for token in doc[left : head.i]:  # "(AP) - Police": a phrase does not cross punctuation
        joined = token.i > 0 and not doc[token.i - 1].whitespace_ and not token.whitespace_
        if token.is_punct and not joined:
            left = token.i + 1
    while left < head.i and doc[left].lower_ in ARTICLES:
        left += 1
    return doc[left : head.i + 1]


def _collectives(doc: Doc, table: EntityTable, lexicon: Lexicon, named: set[int]) -> None:
    last_qualified: dict[str, str] = {}
    for token in doc:
        lemma = token.lemma_.lower()
        singular = token.tag_ in ("NN", "NNP")
        named_plural = token.tag_ in ("NNP", "NNPS") and token.is_sent_start and lemma[-1:] == "s"
        if named_plural and lemma not in lexicon.collective_heads:
            # "Fighters" opening a sentence, taken for a name: its lemma is the name
            lemma, singular = lemma[:-1], False
        cls = lexicon.collective_heads.get(lemma)
        if cls is None or token.pos_ not in ("NOUN", "PROPN") or token.i in named:
            continue
        if cls == "ArmedGroup" and any(
            c.tag_ == "PRP$" and cls in lexicon.pronoun_targets.get(c.lower_, ())
            for c in token.children
        ):
            continue  # "its fighters", "their forces": the group's own, whom kg.coref finds
        span = _collective_span(token)
        modifiers = [t for t in span if t.i != token.i]
        if (
            singular
            and lemma in lexicon.descriptions
            and (token.dep_ == "appos" or not _led_by_name(modifiers, named))
        ):
            continue  # "the group": a reference back, resolved by kg.coref, as an apposition is
        compounds = [t for t in modifiers if t.dep_ == "compound"]
        named_after = [] if compounds else _groups_named_after(token)
        groups = _named_groups_in(compounds or named_after, table, named)
        if cls in ("ArmedGroup", "Government") and len(groups) == 1:
            # "Boko Haram fighters", "M23 rebels", "fighters of the Fano militia": the group
            # "Fighters" of "fighters of the Fano militia" refers to Fano without naming it;
            # "the Taliban government", "the Houthi administration": the group that governs
            name = None if named_after else original_text(span)
            table.add(span, groups.pop(), name, "ArmedGroup", 0.5)
            continue
        place = cls in FAMILIES["Location"]
        if place and not any(_describes(t) for t in modifiers):
            continue  # "the area", "other areas", "newly captured territories": no place named
        # the phrase without possessors and named modifiers: "Syrian government" -> government
        core = " ".join(
            lemma if t.i == token.i else t.lemma_.lower()
            for t in span
            if t.i == token.i
            or not (
                t.i in named
                or t.dep_ in ("poss", "case")
                or t.is_punct
                or t.lower_ in lexicon.titles
            )
        )
        canon = lexicon.collective_synonyms.get(core, "")
        if canon in lexicon_table("national")["actors"]:
            country = _country_of(modifiers, table, lexicon)
            if country:
                last_qualified[canon] = country
            country = country or last_qualified.get(canon)
            key = f"c:{canon}:{country}" if country else f"c:{canon}"
        elif canon:
            key = f"c:{canon}"
        else:
            key = "c:" + normalize(span.text)
        name = original_text(span)
        table.generic.add(key)
        if token.dep_ not in ("compound", "amod"):
            table.heading.add(key)
        table.names[key][name] += 1
        table.votes[key][cls] += 1
        table.mentions.append(Mention(span.start_char, span.end_char, name, cls, key))
        for t in span:  # "government-controlled areas": the government stays an actor
            if t.i not in named and not (place and t.i in table.token_key):
                table.token_key[t.i] = key


def _named_groups_in(tokens: list[Token], table: EntityTable, named: set[int]) -> set[str]:
    """The keys of the named armed groups among ``tokens``."""
    keys = {table.key_of(t) for t in tokens if t.i in named}
    return {key for key in keys if key and table.cls(key) == "ArmedGroup"}


def _groups_named_after(head: Token) -> list[Token]:
    """The names that an "of" or "from" phrase after ``head`` gives as its group: "fighters
    of Hezbollah", "fighters of the Fano militia", "fighters from the group JNIM"."""
    found = []
    for prep in (c for c in head.rights if c.dep_ == "prep" and c.lower_ in ("of", "from")):
        for obj in (c for c in prep.children if c.dep_ == "pobj"):
            found.append(obj)
            found += [c for c in obj.children if c.dep_ in ("compound", "appos")]
    return found


def _led_by_name(modifiers: list[Token], named: set[int]) -> bool:
    """"the Saudi-led coalition", "a Russian-backed militia": a participle of a name
    tells which group this is, so it refers back to none."""
    return any(t.tag_ == "VBN" and any(c.i in named for c in t.children) for t in modifiers)


def _describes(token: Token) -> bool:
    """A word that tells which places a generic place noun means: "coastal areas",
    "rebel-held territory" (not "other areas", "newly captured territories")."""
    hyphenated = token.i > 0 and token.doc[token.i - 1].text == "-"
    return (token.tag_ in ("JJ", "JJR", "JJS") and not token.is_stop) or hyphenated


def find_mentions(doc: Doc, lexicon: Lexicon, nlp: Language) -> EntityTable:
    """Collect every entity mention of ``doc`` into a new ``EntityTable``."""
    table = EntityTable()
    exact, folded = _matchers(nlp, lexicon)
    named = [
        _trim(part)
        for ent in doc.ents
        if ent.label_ in NER_CLASS
        for joined in _split_joined(ent, lexicon)
        for part in _split_possessive(joined, lexicon)
    ]
    named = [part for part in named if part.text and part.text.lower() not in lexicon.not_names]
    spans: list[tuple[Span, str | None]] = []
    matches = [(s, e, doc.vocab.strings[m]) for m, s, e in [*exact(doc), *folded(doc)]]
    taken: set[int] = set()
    for start, end, gid in sorted(matches, key=lambda m: (m[0] - m[1], m[0])):
        if taken.isdisjoint(range(start, end)) and not _inside_longer_name(start, end, named):
            spans.append((doc[start:end], gid))
            taken.update(range(start, end))
    for part in named:
        if taken.isdisjoint(range(part.start, part.end)):
            spans.append((part, None))
            taken.update(range(part.start, part.end))

    for span, gid in sorted(spans, key=lambda s: s[0].start):
        _add_named(span, gid, doc, table, lexicon)
    _link_acronyms(doc, table)
    _dateline_places(doc, table)
    _named_places(doc, table, lexicon)
    _named_groups(doc, table, lexicon)
    _headed_names(doc, table, lexicon)
    _listed_names(doc, table, lexicon)
    _coordinated_names(doc, table)
    _coordinated_places(doc, table)
    _link_short_names(table)
    _repeated_names(doc, table)
    _collectives(doc, table, lexicon, set(table.token_key))
    return table


def _add_named(span: Span, gid: str | None, doc: Doc, table: EntityTable, lex: Lexicon) -> None:
    label = span.label_ or (span.root.ent_type_ if span.root.ent_type_ else "")
    if gid is None:
        demonym = lex.demonyms.get(span.text.lower())
        if label == "NORP" or demonym:
            root = span.root
            noun = root.dep_ not in MODIFIER_DEPS
            if demonym:
                # "Syrian", "the Russians": the country; "thousands of Sudanese": a people
                if not (noun and root.tag_ in ("NNPS", "NNS", "NNP") and _counted(root, lex)):
                    gid = demonym
            elif root.tag_ == "NNP" and root.dep_ in ARGUMENT_DEPS and not _determined(root):
                label = "GPE"  # "shelled Omdurman" (not "a Democrat"): a place, not a people
            elif not (noun and root.tag_ in ("NNPS", "NNS")):
                return  # "Islamist", "Alawite": adjectives, kept only inside a collective phrase
    if gid is not None:
        entry = lex.gazetteer[gid]
        key = f"g:{gid}"
        table.gazetteer[key] = gid
        name = original_text(span) if lex.demonyms.get(span.text.lower()) != gid else entry.name
        table.add(span, key, name, entry.cls, 100.0)
        return
    key = "n:" + normalize(span.text)
    if key == "n:":
        return
    table.add(span, key, original_text(span), NER_CLASS.get(label, "Location"), 1.0)
    for cls, weight in ((_name_class(span, lex), 3.0), (_context_class(span, lex), 2.0)):
        if cls:
            table.vote(key, cls, weight)
            if cls not in FAMILIES["Location"]:
                table.cued.add(key)
    if _is_place_object(span):
        table.vote(key, "Location", 1.5)
    for appos in (c for c in span.root.children if c.dep_ == "appos"):
        # "Tawila, a town west of El Fasher", "El Obeid, the capital of North Kordofan"
        cls = lex.context_nouns.get(appos.lemma_.lower())
        if cls in FAMILIES["Location"]:
            table.vote(key, cls, 2.0)
    if label == "GPE" and table.cls(key) == "Location":
        table.vote(key, "Location", 0.5)


def _named_places(doc: Doc, table: EntityTable, lexicon: Lexicon) -> None:
    """'the Rustan bridge', 'the M5 highway': a proper noun naming a place by its kind, which
    the model did not take for a name. 'Shan state', 'Idlib province': a region's kind
    after its name belongs to the name, so that what is said of the phrase ("a city in
    northern Shan state") is said of the region."""
    for token in doc:
        cls = lexicon.name_heads.get(token.lower_)
        if token.pos_ != "NOUN" or cls not in FAMILIES["Location"] or token.i in table.token_key:
            continue
        left = token.i
        # a name before it, as the model tagged it or as the entity table knows it
        # ("Sagaing region" with Sagaing tagged a verb)
        while left > 0 and doc[left - 1].dep_ == "compound" and (
            doc[left - 1].pos_ == "PROPN" or left - 1 in table.token_key
        ):
            left -= 1
        span = doc[left : token.i + 1]
        if left == token.i:
            continue
        names = {table.key_of(t) for t in span[:-1]}
        if names == {None}:
            table.add(span, "n:" + normalize(span.text), original_text(span), cls, 2.0)
        elif cls == "Region" and len(names) == 1:
            table.token_key[token.i] = table.key_of(doc[token.i - 1])


def _listed_names(doc: Doc, table: EntityTable, lexicon: Lexicon) -> None:
    """'key cities like Rastan', 'thousands of Rohingya', 'the town of Mirebalais': a name
    listed under a class noun (counted, for a people; named by "of", for a place) is of its
    class; one the model missed becomes a mention."""
    for token in doc:
        if token.pos_ != "PROPN" or token.dep_ != "pobj":
            continue
        prep, noun = token.head, token.head.head
        cls = lexicon.context_nouns.get(noun.lemma_.lower())
        counted = prep.lower_ == "of" and cls == "SocialGroup"
        named = prep.lower_ == "of" and noun.lemma_.lower() in lexicon.of_names
        cls = cls or ("Location" if named else None)  # "residents of X": a place
        if not (prep.lower_ in LIST_PREPS or counted or named) or not cls or cls == "Person":
            continue
        if token.i in table.token_key:
            table.vote(table.token_key[token.i], cls, 2.0)
        else:
            left = min([c.i for c in token.lefts if c.dep_ == "compound"], default=token.i)
            span = doc[left : token.i + 1]
            table.add(span, "n:" + normalize(span.text), original_text(span), cls, 1.0)


def _named_groups(doc: Doc, table: EntityTable, lexicon: Lexicon) -> None:
    """'the Viv Ansanm gang coalition', 'the Fano militia': proper nouns compounded onto a
    group noun name a group of its kind, where the model took them for no name."""
    for token in doc:
        cls = lexicon.descriptions.get(token.lemma_.lower())
        if token.pos_ != "NOUN" or cls not in FAMILIES["Organization"]:
            continue
        left = token.i
        while left > 0 and doc[left - 1].dep_ == "compound" and doc[left - 1].head.i < token.i + 1:
            left -= 1
        end = left
        while end < token.i and _capitalized(doc[end]):
            end += 1  # not "the jihadist group", where the model took "jihadist" for a name
        name = doc[left:end]
        if len(name) and all(t.i not in table.token_key for t in name):
            table.add(name, "n:" + normalize(name.text), original_text(name), cls, 2.0)


def _headed_names(doc: Doc, table: EntityTable, lexicon: Lexicon) -> None:
    """'the Azawad Liberation Front', 'the Wa State Army': capitalized words ending in a
    group's head word name a group of its kind, where the model took them for no name."""
    for token in doc:
        cls = lexicon.name_heads.get(token.lower_)
        if cls not in FAMILIES["Organization"] or not _capitalized(token):
            continue
        left = token.i
        while left > 0 and _capitalized(doc[left - 1]) and not doc[left - 1].is_sent_start:
            left -= 1
        name = doc[left : token.i + 1]
        if len(name) > 1 and all(t.i not in table.token_key and not t.ent_type_ for t in name):
            table.add(name, "n:" + normalize(name.text), original_text(name), cls, 2.0)


def _capitalized(token: Token) -> bool:
    return token.pos_ == "PROPN" and token.text[:1].isupper()


def _dateline_places(doc: Doc, table: EntityTable) -> None:
    """'Sanaa, Yemen (March 4, 2025) -', 'Port-au-Prince, Haiti (AP) -': the names a
    dateline opens with are places; the model misses many of them at the start of a line."""
    for dash in doc:
        if dash.text not in DASHES or not ends_dateline(dash, dash.sent.start):
            continue
        names = dateline_names(dash, dash.sent.start)
        start = names.start
        for token in [*names, doc[names.end]]:  # each name ends at a comma or the bracket
            if token.text in (",", "("):
                name = _trim(doc[start : token.i])
                if len(name) and all(t.i not in table.token_key for t in name):
                    key = "n:" + normalize(name.text)
                    table.add(name, key, original_text(name), "Location", 1.0)
                start = token.i + 1


def _coordinated_names(doc: Doc, table: EntityTable) -> None:
    """'Aleppo and Hama': a name the model missed, coordinated with a mention, is of its kind."""
    for token in doc:
        if token.pos_ != "PROPN" or token.i in table.token_key or token.dep_ == "compound":
            continue
        partners = [c for c in token.children if c.dep_ == "conj"]
        if token.dep_ == "conj":
            partners.append(token.head)
        known = [table.key_of(p) for p in partners if p.pos_ == "PROPN" and table.key_of(p)]
        if known:
            left = min([c.i for c in token.lefts if c.dep_ == "compound"], default=token.i)
            span = doc[left : token.i + 1]
            table.add(
                span, "n:" + normalize(span.text), original_text(span), table.cls(known[0]), 1.0
            )


def _coordinated_places(doc: Doc, table: EntityTable) -> None:
    """'Kutum, Mellit and Tawila': a one-word name listed with places is likely a place too
    (the model labels such lists unevenly); each place of the list votes once for it.
    Longer names are left alone: "Omar Saleh of Aden and Rami Nasser" lists persons."""
    lists: dict[int, set[str]] = defaultdict(set)
    for i, key in table.token_key.items():  # the names' tokens, not the whole text
        token = doc[i]
        if token.dep_ == "conj":
            first = token.head
            while first.dep_ == "conj":
                first = first.head
            if table.key_of(first):
                lists[first.i].update((table.key_of(first), key))
    for keys in lists.values():
        places = {k for k in keys if KIND_OF.get(table.cls(k)) == "Location"}
        for key in keys:
            if " " not in key and places - {key}:
                table.vote(key, "Location", len(places - {key}))


def _link_acronyms(doc: Doc, table: EntityTable) -> None:
    """'Hayat Tahrir al-Sham (HTS)': the bracketed acronym names the same entity."""
    for token in doc[2:-1]:
        if not (token.is_upper and doc[token.i - 1].text == "(" and doc[token.i + 1].text == ")"):
            continue
        full_key = table.key_of(doc[token.i - 2])
        if full_key is None:
            continue
        own = table.key_of(token)
        if own is None:
            table.add(doc[token.i : token.i + 1], full_key, token.text, table.cls(full_key), 0.5)
        elif own.startswith("n:"):
            _merge(table, own, full_key)


def _merge(table: EntityTable, old: str, new: str) -> None:
    if old == new or old in table.gazetteer:
        return
    table.names[new].update(table.names.pop(old, Counter()))
    table.votes[new].update(table.votes.pop(old, Counter()))
    for i, key in list(table.token_key.items()):
        if key == old:
            table.token_key[i] = new
    for mention in table.mentions:
        if mention.key == old:
            mention.key = new


def _repeated_names(doc: Doc, table: EntityTable) -> None:
    """'... the National Liberation Army (ELN) ... The ELN denied': a name the article gave
    an entity names it wherever it recurs, where the model tagged it once only; so does a
    person's last name ('Abdulhamid Dbeibah ... Dbeibah, who heads')."""
    texts = [token.text for token in doc]  # the loops below read plain strings
    offsets = doc.to_array("IDX").tolist()
    starts = {offset: i for i, offset in enumerate(offsets)}
    pairs = enumerate(zip(offsets, texts, strict=True))
    ends = {offset + len(text): i + 1 for i, (offset, text) in pairs}
    known: dict[tuple[str, ...], set[str]] = defaultdict(set)
    sizes: dict[str, set[int]] = defaultdict(set)  # the lengths of the names a word opens
    for mention in table.mentions:
        start, end = starts.get(mention.start), ends.get(mention.end)
        if start is not None and end is not None and mention.text[:1].isupper():
            known[tuple(texts[start:end])].add(mention.key)
            sizes[texts[start]].add(end - start)
            last = texts[end - 1]
            if end - start > 1 and last.istitle() and table.cls(mention.key) == "Person":
                known[(last,)].add(mention.key)
                sizes[last].add(1)
    free = 0  # the first token that no name found here covers
    for i in [i for i, text in enumerate(texts) if text in sizes]:
        for size in sorted(sizes[texts[i]], reverse=True):
            keys = known.get(tuple(texts[i : i + size]))
            if i < free or not keys or len(keys) > 1:
                continue
            span = doc[i : i + size]
            if (
                all(t.i not in table.token_key for t in span)
                and span.root.pos_ == "PROPN"  # not "pro-Iranian"
                and not _inside_a_name(span)  # not "the Sao Paulo State Attorney's Office"
            ):
                [key] = keys
                table.add(span, key, original_text(span), table.cls(key), 0.5)
                free = i + size
                break


def _inside_a_name(span: Span) -> bool:
    doc = span.doc
    around = [doc[i] for i in (span.start - 1, span.end) if 0 <= i < len(doc)]
    return any(t.pos_ == "PROPN" and t.text[:1].isupper() for t in around)


def _link_short_names(table: EntityTable) -> None:
    """'Assad' after 'Bashar al-Assad': a person's last name alone names the same person."""
    persons = [k for k in table.names if table.cls(k) == "Person"]
    by_last: dict[str, set[str]] = defaultdict(set)
    for key in persons:
        for name in table.names[key]:
            words = normalize(name).split()
            if len(words) > 1:
                by_last[words[-1]].add(key)
                by_last[words[-1].removeprefix("al ")].add(key)
    for key in persons:
        words = [w for w in key[2:].split() if w != "al"]
        if key.startswith("n:") and len(words) == 1 and len(by_last.get(words[0], ())) == 1:
            _merge(table, key, next(iter(by_last[words[0]])))
