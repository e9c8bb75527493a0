"""Find relations between entities by interpreting the lexicon's patterns over spaCy parses.

Each pattern family of ``ontology/lexicon.toml`` has one finder here: verbs (active, passive,
participles, relative clauses, control verbs), nominalisations, roles and titles, hyphenated
modifiers, typed prepositional pairs and appositions. All of them turn syntactic arguments
into entities through ``Arguments.entities``, which expands coordination ("Aleppo and Hama"),
lists ("cities like Aleppo"), appositions and back-references (kg.coref).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from kg.coref import Resolver
from kg.lexicon import FAMILIES, Lexicon, Pattern, RelationRule, object_control_verbs
from kg.mentions import LIST_PREPS, EntityTable

SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
OBJECT_DEPS = ("dobj", "obj", "attr", "oprd")
CIRCUMSTANCE_PREPS = ("despite", "with", "amid", "amidst", "thanks")
RELATIVE_PRONOUNS = ("which", "who", "that", "whom")
INHERITING_DEPS = ("xcomp", "advcl", "pcomp", "conj", "ccomp", "acl", "relcl", "prep", "pobj")
BASE_CONFIDENCE = {
    "verb": 0.8,
    "noun": 0.7,
    "role": 0.85,
    "mod": 0.75,
    "pair": 0.55,
    "appos": 0.6,
    "title": 0.5,
    "dateline": 0.7,
}
COREF_PENALTY = 0.15
NOUN_PHRASE_DEPS = ("det", "poss", "case", "amod", "advmod", "punct", "compound", "nummod")


@dataclass
class Candidate:
    """A relation found in one sentence, before modality is decided."""

    relation: str
    subject: str
    object: str
    trigger: Token
    sentence: Span  # kept because Token.sent scans the whole document
    pattern: Pattern
    confidence: float


class Arguments:
    """Turns argument tokens into entity keys for one document."""

    def __init__(self, doc: Doc, table: EntityTable, lexicon: Lexicon) -> None:
        self.table, self.lexicon = table, lexicon
        self.resolver = Resolver(doc, table, lexicon)
        self.via_coref: set[int] = set()

    def key(self, token: Token) -> str | None:
        key = self.table.key_of(token)
        if key is None and token.dep_ != "appos":  # an apposition names its head instead
            key = self.resolver.antecedent(token)
            if key is not None:
                self.via_coref.add(token.i)
        return key

    def entities(self, token: Token, depth: int = 0) -> list[tuple[str, Token]]:
        """Entities an argument token stands for, coordination and lists expanded."""
        found: list[tuple[str, Token]] = []
        for tok in (token, *_right_conjuncts(token)):
            if depth <= 2:
                through = self.transparent(tok)
                if through:
                    found.extend(self.entities(through, depth + 1))
                    continue
            key = self.key(tok)
            if key is not None:
                found.append((key, tok))
            elif depth <= 2:
                found.extend(self._inside(tok, depth))
        return found

    def transparent(self, tok: Token) -> Token | None:
        """'thousands of Alawite families', 'the Syrian branch of Al-Qaeda': the 'of' object."""
        if tok.lemma_.lower() not in self.lexicon.transparent:
            return None
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        target = _pobj(of) if of is not None else None
        if target is None or not (
            self.table.key_of(target) or target.pos_ == "PROPN" or self._compound_name(target)
        ):
            return None
        return target

    def _compound_name(self, noun: Token) -> bool:
        """'the Viv Ansanm gang coalition': a noun that a name is compounded onto."""
        return any(
            t.dep_ == "compound" and self.table.key_of(t) for t in noun.subtree if t.i < noun.i
        )

    def _inside(self, tok: Token, depth: int) -> list[tuple[str, Token]]:
        """Entities a non-entity noun points at: its list, apposition, antecedent, owner."""
        if tok.lower_ in RELATIVE_PRONOUNS:
            clause = next((a for a in tok.ancestors if a.dep_ == "relcl"), None)
            return self.entities(clause.head, depth + 1) if clause is not None else []
        if tok.dep_ == "appos" and tok.pos_ == "NOUN":
            # "Israel and Hezbollah, a group that ...": the name right before the comma;
            # "HTS, the most powerful rebel faction": the named head, not the modifier
            before = tok.doc[max(tok.left_edge.i - 2, 0)]
            key = self.table.key_of(before)
            return [(key, before)] if key else self.entities(tok.head, depth + 1)
        if self.lexicon.context_nouns.get(tok.lemma_.lower()) in FAMILIES["Location"]:
            # "Khost and Paktika provinces": the places it names, not its owner
            names = [
                (self.table.key_of(t), t)
                for c in tok.children
                if c.dep_ in ("compound", "nmod")
                for t in (c, *_right_conjuncts(c))
                if self.table.key_of(t)
            ]
            if names:
                return names
        found: list[tuple[str, Token]] = []
        for child in tok.children:
            if child.dep_ == "appos" or (child.dep_ == "prep" and child.lower_ in LIST_PREPS):
                target = child if child.dep_ == "appos" else _pobj(child)
                if target is not None:
                    found.extend(self.entities(target, depth + 1))
        if found:  # "Its commander, Antonio Garcia": the apposition, not the owner
            return found
        for child in tok.children:
            if child.dep_ in ("amod", "compound") and self.table.key_of(child):
                owner = self.table.key_of(child)
                if self.table.cls(owner) in FAMILIES["Actor"] - {"Person", "SocialGroup"}:
                    found.append((owner, child))  # "Russian airstrikes" -> Russia
        for child in tok.children if not found else ():  # "Afghanistan's Taliban rulers"
            if child.dep_ == "poss" and tok.pos_ == "NOUN":
                owner = self.key(child)  # "criticism of Assad's reluctance", "their advance"
                if owner is not None and self.table.cls(owner) in FAMILIES["Actor"]:
                    found.append((owner, child))
        if not found and tok.dep_ == "pobj" and tok.head.lower_ == "with":
            owner = tok.head.head  # "a faction with roots in al-Qaeda": the faction's roots
            if owner.pos_ in ("NOUN", "PROPN"):
                found = self.entities(owner, depth + 1)
        return found


def _place_of(args: Arguments, token: Token, rule: RelationRule) -> list[tuple[str, Token]]:
    """The places an object noun that names no entity stands for, where the relation's
    lexicon entry says so: "struck a hospital in Gaza" attacked Gaza, and so did "attacked
    targets in Gaza" parsed with the place on the verb."""
    if not rule.object_places or token.pos_ != "NOUN":
        return []
    places = _prep_objects([token], rule.object_places)
    if not places and token.dep_ in OBJECT_DEPS:
        places = _prep_objects([token.head], rule.object_places)
    found = [e for place in places for e in args.entities(place)]
    return [(key, tok) for key, tok in found if args.table.cls(key) in FAMILIES["Location"]]


def _title_owners(noun: Token, leads: bool, args: Arguments) -> list[Token]:
    """What a title's own modifiers name as its organisation or country ("Hamas commander",
    "Turkey's president"); a leader's title that names an organisation leads it rather than
    the country qualifying it ("Sudan's army chief" leads the army)."""
    table = args.table
    owners = [
        c
        for c in noun.children
        if c.dep_ in ("poss", "compound", "amod", "nmod")
        and args.key(c)
        and table.protagonist(args.key(c))
    ]
    organisations = [
        c
        for c in noun.children
        if c.dep_ == "compound"
        and args.key(c)
        and table.cls(args.key(c)) in FAMILIES["Organization"]
    ]
    by_country = any(table.cls(args.key(c)) in FAMILIES["Location"] for c in owners)
    return organisations if leads and organisations and by_country else owners


def _title_places(holders: list[Token], subject: Token, table: EntityTable) -> list[Token]:
    """The entities that modify a title's words ("Malian singer", "the Ukrainian town"),
    other than the one the title is of."""
    return [
        c
        for holder in holders
        for c in holder.children
        if c.dep_ in ("compound", "amod", "poss", "nmod")
        and table.key_of(c)
        and table.key_of(c) != table.key_of(subject)
    ]


def _through_counts(nouns: list[Token], lexicon: Lexicon) -> list[Token]:
    """'tens of thousands of residents': the noun that the counting words count."""
    found = []
    for noun in nouns:
        while noun.lemma_.lower() in lexicon.transparent:
            of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            target = _pobj(of) if of is not None else None
            if target is None:
                break
            noun = target
        found.append(noun)
    return found


def _pobj(prep: Token) -> Token | None:
    return next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)


def _right_conjuncts(token: Token) -> list[Token]:
    out, stack = [], [token]
    while stack:
        for child in stack.pop().children:
            if child.dep_ == "conj":
                out.append(child)
                stack.append(child)
    return out


def _subjects(verb: Token) -> list[Token]:
    """The grammatical subject of a verb, inherited through control, coordination, clauses."""
    seen = 0
    while seen < 6:
        # a clause has one subject (conjoined ones hang off it); several are a misparse
        # ("Kyiv's response: on Monday Ukraine struck Crimea"), where the nearest is its own
        subj = sorted(
            (c for c in verb.children if c.dep_ in SUBJECT_DEPS), key=lambda c: abs(c.i - verb.i)
        )[:1]
        if subj:
            if subj[0].lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                return [verb.head]
            return subj
        if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
            root = verb.sent.root
            if verb.dep_ == "acl" and root.pos_ in ("NOUN", "PROPN") and verb.nbor(-1).text == ",":
                return [root]  # "HTS, under the leadership of X, aimed to": a verbless parse
            return [verb.head]
        controller = [c for c in verb.head.children if c.dep_ == "dobj"]
        if verb.dep_ == "xcomp" and controller:
            return controller  # "he urged his fighters to prepare": the fighters prepare
        # "accused Rwanda of deploying troops", "blamed the RSF for shelling": Rwanda deploys
        # (but "serving life in prison for assassinating X": the subject serves and killed)
        governor = verb.head.head
        if verb.dep_ == "pcomp" and governor.lemma_.lower() in object_control_verbs():
            controller = [c for c in governor.children if c.dep_ == "dobj"]
            if controller:
                return controller
        if verb.dep_ not in INHERITING_DEPS or verb.head == verb:
            # "HTS, under ..., by preparing to advance": a verbless parse whose root is a name
            root_name = verb.head == verb and verb.pos_ == "PROPN" and seen
            return [verb] if root_name else []
        verb = verb.head
        seen += 1
    return []


def _agent(verb: Token) -> list[Token]:
    return [p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]


def _is_passive(verb: Token) -> bool:
    # "forces backed by Iran" (a participle modifying a noun), but not "the RSF captured
    # Nyala" or "air strikes killed 45 people" misparsed as a clause modifying a noun: those
    # have a subject or a direct object of their own
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
        verb.dep_ == "acl"
        and verb.tag_ == "VBN"
        and not any(c.dep_ in ("nsubj", "dobj") for c in verb.children)
    )


def _find_words(head: Token, words: tuple[str, ...]) -> list[Token] | None:
    """Tokens near ``head`` carrying the pattern's extra lemmas ("take *control* of")."""
    found = []
    pool = [t for c in head.children for t in (c, *c.children)]
    for word in words:
        match = next((t for t in pool if t.lemma_.lower() == word or t.lower_ == word), None)
        if match is None:
            return None
        found.append(match)
    return found


def _prep_objects(tokens: list[Token], preps: tuple[str, ...]) -> list[Token]:
    return [
        obj
        for t in tokens
        for c in t.children
        if c.dep_ in ("prep", "dative", "agent") and c.lower_ in preps
        for obj in [_pobj(c)]
        if obj is not None
    ]


def verb_candidates(
    sent, pats: dict[str, list[Pattern]]
) -> Iterator[tuple[Pattern, Token, list[Token], list[Token]]]:
    """(pattern, trigger, subject tokens, object tokens) for every verb trigger."""
    for token in sent:
        if token.pos_ not in ("VERB", "AUX"):
            continue
        for pat in pats.get(token.lemma_.lower(), ()):
            extra = _find_words(token, pat.words)
            if extra is None:
                continue
            passive = _is_passive(token)
            if pat.preps:
                objects = _prep_objects([token, *extra], pat.preps)
                subjects = (
                    _agent(token)
                    if passive and not pat.words and _agent(token)
                    else _subjects(token)
                )
                if passive and token.dep_ == "acl" and not _agent(token):
                    subjects = [token.head]
            elif passive:
                subjects = _agent(token)
                objects = [c for c in token.children if c.dep_ == "nsubjpass"]
                if token.dep_ == "acl":
                    objects = [token.head]
            else:
                subjects = _subjects(token)
                objects = [c for c in [token, *extra] for c in c.children if c.dep_ in OBJECT_DEPS]
                objects = [o for o in objects if o not in extra]
            if pat.inverse:
                subjects, objects = objects, subjects
            if subjects and objects:
                yield pat, token, subjects, objects


def noun_candidates(
    sent, pats: dict[str, list[Pattern]], table: EntityTable, lexicon: Lexicon
) -> Iterator[tuple[Pattern, Token, list[Token], list[Token]]]:
    """Nominalisations: "the capture of Aleppo by HTS", "Turkey's support for the rebels"."""
    for token in sent:
        if token.pos_ not in ("NOUN", "PROPN"):
            continue
        for pat in pats.get(token.lemma_.lower(), ()):
            objects = _prep_objects([token], pat.preps) if pat.preps else []
            if not objects and not pat.inverse:
                objects = _circumstance_holder(token)
            if not objects:
                continue
            # "the capture of Hama by HTS", "support from Iran", "the displacement of civilians"
            agent_preps = ("by", "from") if "of" in pat.preps else ("by", "from", "of")
            agents = _prep_objects([token], agent_preps)
            agents += _owners(token, table)
            if not agents and token.dep_ in ("appos", "attr") and token.head.pos_ == "NOUN":
                agents = [
                    c for c in token.head.children if c.dep_ == "poss"
                ]  # "X's goal: the removal of Y"
            governor = (
                token.head.head if token.dep_ == "pobj" and token.head.lower_ == "of" else None
            )
            if not agents and governor is not None and governor.pos_ == "NOUN":
                agents = _prep_objects([governor], ("by", "from"))  # "absence of support from X"
            # "launched an assault on", "declared support for" (not "the UN reported the
            # displacement of": who tells of an event is not who did it, but a stance told
            # is the teller's)
            told = token.head.lemma_.lower() in lexicon.modality["speech_verbs"]
            if (
                not agents
                and token.dep_ in OBJECT_DEPS
                and token.head.pos_ in ("VERB", "AUX")
                and (not told or pat.relation in lexicon.modality["stance_relations"])
            ):
                agents = _subjects(token.head)
            # "HTS, under the leadership of X", "a group with ties to Y" (but not "with the
            # backing of Y", whose "of" object is the agent)
            holder, prep = token.head.head, token.head.lower_
            if (
                not agents
                and token.dep_ == "pobj"
                and holder.pos_ in ("NOUN", "PROPN")
                and (prep == "under" or (prep == "with" and "of" not in pat.preps))
            ):
                agents = [holder]
            if (
                not agents
                and prep == "for"
                and holder.lemma_.lower() in lexicon.claims
                and holder.head.pos_ in ("VERB", "AUX")
            ):
                agents = _subjects(holder.head)  # "X claimed responsibility for an attack on"
            if not agents and token.dep_ == "pobj" and token.head.head.pos_ in ("VERB", "AUX"):
                agents = _subjects(token.head.head)  # "with HTS making advances on"
            if not agents:
                agents = _listed_event_agents(token, table, lexicon.achievements)
            if pat.inverse:
                agents, objects = objects, agents
            if agents:
                yield pat, token, agents, objects


def _listed_event_agents(noun: Token, table: EntityTable, achievements: frozenset[str]):
    """'gains by the RSF, including the capture of Wad Madani', 'victories for the rebels,
    including the capture of Aleppo': an event listed under another has the other's doer.
    A list hung on the last noun of a phrase ("for the rebels, including the capture") is
    the phrase's: a nominalisation is no example of an actor."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ not in LIST_PREPS:
        return []
    head = prep.head
    if table.key_of(head) and head.dep_ == "pobj":
        head = head.head.head
    preps = ("by", "for") if head.lemma_.lower() in achievements else ("by",)
    return _prep_objects([head], preps) + _owners(head, table)


def _owners(noun: Token, table: EntityTable) -> list[Token]:
    """Who a noun's event belongs to: "Turkey's support", "Russian airstrikes" (not when:
    "Saturday's attack")."""
    return [
        c
        for c in noun.children
        if (c.dep_ == "poss" and c.ent_type_ not in ("DATE", "TIME"))
        or (c.dep_ in ("compound", "amod") and table.key_of(c))
    ]


def _circumstance_holder(noun: Token) -> list[Token]:
    """'The junta held on despite support from Russia', 'a regime that survives with backing
    from Iran': a nominalisation without an object of its own, in a circumstance phrase, is
    about the clause's subject (a relative clause's antecedent) or the noun it qualifies."""
    prep = noun.head
    if prep.lower_ == "to" and prep.head.lower_ == "thanks":  # "thanks to support from Y"
        prep = prep.head
    if noun.dep_ != "pobj" or prep.lower_ not in CIRCUMSTANCE_PREPS:
        return []
    holder = prep.head
    for _ in range(4):  # up "described as finished despite ...", to the clause
        if holder.dep_ == "relcl" or holder.pos_ in ("NOUN", "PROPN"):
            return [holder.head if holder.dep_ == "relcl" else holder]
        if holder.dep_ not in ("pcomp", "prep", "acomp", "advcl") or holder.head == holder:
            break
        holder = holder.head
    return _subjects(holder) if holder.pos_ in ("VERB", "AUX", "ADJ") else []


class Extractor:
    """Applies every pattern family of the lexicon to one parsed document."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.by_kind: dict[str, dict[str, list[Pattern]]] = {}
        for kind in ("verb", "noun", "role", "mod"):
            index: dict[str, list[Pattern]] = {}
            for pat in lexicon.patterns(kind):
                index.setdefault(pat.head, []).append(pat)
            self.by_kind[kind] = index
        self.pairs = lexicon.patterns("pair")
        self.appositions = lexicon.patterns("appos")
        self.titles = lexicon.patterns("title")
        self.datelines = lexicon.patterns("dateline")
        self.role_words = {w for p in lexicon.patterns("role") for w in (p.head, *p.words)}
        # nouns that relate what they describe to an actor ("an ally of Y"): an apposition
        # headed by one says nothing of where its head is (unlike "Y's stronghold in Z")
        self.relational_nouns = {
            pat.head
            for kind in ("noun", "role")
            for pat in lexicon.patterns(kind)
            if "Location" not in lexicon.relations[pat.relation].object
        }

    def candidates(self, doc: Doc, table: EntityTable) -> Iterator[Candidate]:
        """Every relation the patterns find in ``doc``, sentence by sentence."""
        args = Arguments(doc, table, self.lexicon)
        for sent in doc.sents:
            verbs = list(verb_candidates(sent, self.by_kind["verb"]))
            verbs += self._subject_places(sent, verbs)
            light = {
                w.i for pat, trigger, _, _ in verbs for w in _find_words(trigger, pat.words) or ()
            }
            nouns = noun_candidates(sent, self.by_kind["noun"], table, self.lexicon)
            found = [
                *verbs,
                *(c for c in nouns if c[1].i not in light),
                *self._roles(sent, args),
                *self._modifiers(sent, args),
                *self._pairs(sent, args),
                *self._datelines(sent, args),
            ]
            for pat, trigger, subjects, objects in found:
                yield from self._link(args, sent, pat, trigger, subjects, objects)

    def _subject_places(self, sent, verbs: list) -> list:
        """'Residents of Pokrovsk fled to Dnipro': a verb pattern that found no object of its
        own takes the place its subject is of, where the relation's entry says so."""
        found = []
        has_object = {trigger.i for pat, trigger, _, _ in verbs if not pat.preps}
        for token in sent:
            if token.pos_ != "VERB" or token.i in has_object:
                continue
            for pat in self.by_kind["verb"].get(token.lemma_.lower(), ()):
                rule = self.lexicon.relations[pat.relation]
                if pat.preps or pat.words or pat.inverse or not rule.subject_places:
                    continue
                subjects = _subjects(token)
                places = _prep_objects(_through_counts(subjects, self.lexicon), rule.subject_places)
                if places and not _prep_objects([token], ("from",)):
                    found.append((pat, token, subjects, places))
        return found

    def _link(self, args, sent, pat, trigger, subjects, objects) -> Iterator[Candidate]:
        rule = self.lexicon.relations[pat.relation]
        subj = [e for t in subjects for e in args.entities(t)]
        obj = []
        for t in objects:
            found = args.entities(t)
            if not found or args.transparent(t) is not None:
                # "struck a hospital in Gaza"; "bombed hideouts of X in Y": X, and Y as well
                found += _place_of(args, t, rule)
            obj += found
        for s_key, s_tok in subj:
            for o_key, o_tok in obj:
                if s_key == o_key or not (
                    _fits(args.table, s_key, rule.subject, pat)
                    and _fits(args.table, o_key, rule.object, pat)
                ):
                    continue
                confidence = BASE_CONFIDENCE[pat.kind]
                confidence -= COREF_PENALTY * len({s_tok.i, o_tok.i} & args.via_coref)
                yield Candidate(
                    pat.relation, s_key, o_key, trigger, sent, pat, round(confidence, 3)
                )

    def _roles(self, sent, args: Arguments):
        """'X, the leader of Y', 'Y leader X', "Y's leader, X", 'Turkish President X'.

        A title with no organisation or country of its own ("President X") points to what
        the gazetteer says a well-known person leads, when the article names it.
        """
        table = args.table
        for token in sent:
            key = table.key_of(token)
            if key is None or table.key_of(token.head) == key:
                continue
            if token.dep_ == "compound" and (table.key_of(token.head) or token.head.pos_ != "NOUN"):
                continue
            nouns = [c for c in token.children if c.dep_ == "compound"] + _appositives(token)
            nouns += [
                c
                for c in token.head.children
                if c.dep_ == "compound" and table.key_of(token.head) == key
            ]
            if token.dep_ == "appos":
                nouns.append(token.head)
            if token.dep_ == "nsubj" and token.head.lemma_ == "be":
                nouns += [c for c in token.head.children if c.dep_ == "attr"]
            for noun in nouns:
                if any(t.lower_ in self.lexicon.bygone for t in noun.lefts):
                    continue  # "former police officer X": the role is over
                patterns = self._role_patterns(noun)
                # "Hamas commander X" is "commander of Hamas", not also "commander in Hamas"
                of_title = any("of" in pat.preps for pat in patterns)
                # "Vice President X", "First Vice-President X": a word of the title's own
                # noun phrase, which the parser may hang on the name rather than the title
                deputy = any(
                    t.lower_ in self.lexicon.deputies and t.dep_ == "compound"
                    for t in noun.doc[max(noun.i - 3, 0) : noun.i]
                )
                for pat in patterns:
                    rule = self.lexicon.relations[pat.relation]
                    if table.cls(key) not in (rule.object if pat.inverse else rule.subject):
                        continue
                    if deputy and pat.relation == "leaderOf":
                        continue  # "Vice President X", "deputy leader of Y"
                    objects = _prep_objects([noun], pat.preps) if pat.preps else []
                    if of_title and pat.preps and "of" not in pat.preps:
                        if objects:
                            yield pat, noun, [token], objects
                        continue
                    objects += _title_owners(noun, pat.relation == "leaderOf", args)
                    if not objects and noun.dep_ == "compound" and noun.head == token:
                        objects += [
                            c
                            for c in token.children
                            if c.dep_ in ("amod", "poss") and table.key_of(c)
                        ]
                    if not objects and noun.dep_ == "compound":
                        objects = self._led_by_gazetteer(sent.doc, table, key)
                    if objects and pat.inverse:  # "Idlib, HTS's stronghold": HTS controls Idlib
                        yield pat, noun, objects, [token]
                    elif objects:
                        yield pat, noun, [token], objects
            yield from self._origins(token, nouns, args)
            yield from self._place_titles(token, args)

    def _role_patterns(self, noun: Token) -> list[Pattern]:
        """The role patterns of a title noun: one word ("president"), or one word of several
        ("Prime Minister", either word: the pattern "prime minister of")."""
        if noun.lemma_.lower() not in self.role_words:
            return []  # most nouns: no title's word
        doc, found = noun.doc, []
        for head in doc[max(noun.i - 4, 0) : noun.i + 1]:
            # "Secretary-General" is three tokens for the pattern's "secretary general"
            after = [t for t in doc[head.i + 1 : noun.i + 4] if t.text != "-"]
            for pat in self.by_kind["role"].get(head.lemma_.lower(), ()):
                words = after[: len(pat.words)]
                last = words[-1].i if words else head.i
                if tuple(t.lemma_.lower() for t in words) == pat.words and noun.i <= last:
                    found.append(pat)
        return found

    def _origins(self, person: Token, nouns: list[Token], args: Arguments):
        """A place in a person's title tells where the person is from, unless they lead it."""
        table = args.table
        leaders = {
            noun.i
            for noun in nouns
            for pat in self._role_patterns(noun)
            if pat.relation == "leaderOf"
        }
        # "Turkish President X", "South Sudan's President X": the place modifies the title
        titled = any(
            person.doc[i].dep_ == "compound" and person.doc[i].head == person for i in leaders
        )
        holders = [
            h for h in (person, *nouns) if h.i not in leaders and not (titled and h == person)
        ]
        places = _title_places(holders, person, table)
        for pat in self.titles:
            if FAMILIES[pat.head] <= FAMILIES["Location"]:
                continue  # a place's title is another construction (_place_titles)
            if places and table.cls(table.key_of(person)) in FAMILIES[pat.head]:
                yield pat, person, [person], places

    def _place_titles(self, place: Token, args: Arguments):
        """'the Ukrainian town of Kupiansk', "Syria's city of Aleppo", "Afghanistan's Khost
        and Paktika provinces": a place modifying the kind noun whose "of" or whose own
        modifiers name a place contains it."""
        table, named = args.table, place
        while named.dep_ == "conj":  # "Khost and Paktika provinces": Paktika's first conjunct
            named = named.head
        if named.dep_ == "pobj" and named.head.lower_ == "of":
            kind = named.head.head
        elif named.dep_ in ("compound", "nmod") and named.head.pos_ == "NOUN":
            kind = named.head
        else:
            return
        if self.lexicon.context_nouns.get(kind.lemma_.lower()) not in FAMILIES["Location"]:
            return
        places = _title_places([kind], place, table)
        if kind == named.head:  # the names are the kind's modifiers; its owner contains them
            places = [t for t in places if t.dep_ in ("poss", "amod")]
        for pat in self.titles:
            if places and FAMILIES[pat.head] <= FAMILIES["Location"]:
                yield pat, place, [place], places

    def _datelines(self, sent, args: Arguments):
        """'KHARKIV, Ukraine (AP)', 'Goma, Congo (January 27, 2025)': the places of a
        dateline, then a news agency or a date in brackets.

        A pattern whose subject is a place relates the dateline's first place to the
        following ones (Perugia is in Italy); otherwise the agency is the subject.
        """
        table = args.table
        opening = next((t for t in sent if t.text == "("), None)
        closing = next((t for t in sent if opening and t.i > opening.i and t.text == ")"), None)
        if opening is None or closing is None:
            return
        inside = sent.doc[opening.i + 1 : closing.i]
        dated = len(inside) > 1 and all(t.ent_type_ == "DATE" or t.is_punct for t in inside)
        if len(inside) != 1 and not dated:
            return
        agency = None if dated else inside[0]
        before = sent.doc[sent.start : opening.i]
        places = [t for t in before if table.key_of(t)]
        if not places or any(not (table.key_of(t) or t.is_punct) for t in before):
            return
        heads = [
            t
            for i, t in enumerate(places)
            if i == 0 or table.key_of(places[i - 1]) != table.key_of(t)
        ]
        for token in heads:  # the model often takes an upper-case "KHARKIV" for an organisation
            table.vote(table.key_of(token), "Location", 3.0)
        for pat in self.datelines:
            if FAMILIES[pat.head] <= FAMILIES["Location"]:
                yield pat, heads[0], heads[:1], heads[1:]
            elif agency is not None:
                yield pat, agency, [agency], heads

    def _led_by_gazetteer(self, doc: Doc, table: EntityTable, key: str) -> list[Token]:
        entry = self.lexicon.gazetteer.get(table.gazetteer.get(key, ""))
        if entry is None or entry.leads is None:
            return []
        target = f"g:{entry.leads}"
        first = next((i for i, k in sorted(table.token_key.items()) if k == target), None)
        return [doc[first]] if first is not None else []

    def _modifiers(self, sent, args: Arguments):
        """'Iranian-backed units', 'government-controlled areas', 'anti-Assad protests'."""
        doc = sent.doc
        for token in sent:
            for pat in self.by_kind["mod"].get(token.lower_, ()):
                i = token.i
                if i + 2 < len(doc) and doc[i + 1].text == "-" and pat.head in ("anti", "pro"):
                    owner, modified = doc[i + 2], _modified_noun(doc[i + 2])
                elif i >= 2 and doc[i - 1].text == "-":
                    owner, modified = doc[i - 2], _modified_noun(token)
                else:
                    continue
                if modified is None or args.table.key_of(owner) is None:
                    continue
                subjects, objects = [owner], [modified]
                if pat.head in ("anti", "pro"):
                    subjects, objects = objects, subjects
                if pat.inverse:
                    subjects, objects = objects, subjects
                yield pat, token, subjects, objects

    def _pairs(self, sent, args: Arguments):
        """Typed entities joined by a preposition or an apposition: 'Kassala in Sudan'."""
        table = args.table
        for token in sent:
            key = table.key_of(token)
            if key is None or (
                token.i + 1 < len(sent.doc) and table.key_of(sent.doc[token.i + 1]) == key
            ):
                continue  # only the last token of a mention carries its attachments
            cls = table.cls(key)
            seat = self.lexicon.collective_heads.get(token.lemma_.lower()) == "Government"
            for pat in self.pairs:
                if cls in FAMILIES[pat.head]:
                    objects = _prep_objects([token], pat.preps)
                    if "'s" in pat.preps:  # "Odesa's Opera Theatre"
                        objects += [c for c in token.children if c.dep_ == "poss"]
                    if objects:
                        yield pat, token, [token], objects
                    if pat.head != "Person":  # "met Putin in Moscow" says nothing of Putin
                        yield from _attached_right(pat, token)
                elif seat and pat.head == "Institution":
                    # "the Taliban government in Kabul", "the government in Damascus": who
                    # governs is based where the government sits; "Assad's regime in Syria"
                    # says whose regime it is, not where it sits
                    objects = _prep_objects([token], pat.preps)
                    if objects := [o for o in objects if table.cls_of(o) != "Country"]:
                        yield pat, token, [token], objects
            for pat in self.appositions:
                if cls not in FAMILIES[pat.head]:
                    continue
                for child in _appositives(token):
                    if table.key_of(child):
                        yield pat, child, [token], [child]
                    elif child.lemma_.lower() not in self.relational_nouns:
                        # "Homs, Syria's third-largest city" (not "Turkey, an ally of Baku")
                        owners = [c for c in child.children if c.dep_ == "poss"]
                        owners += _prep_objects([child], ("of", "in"))
                        if owners:
                            yield pat, child, [token], owners


def _attached_right(pat: Pattern, token: Token):
    """'the destruction of the Antonivskyi bridge on the P47 highway', 'the towns of Derna and
    Sirte in Libya': a place phrase right after a name belongs to the name (and to the names
    coordinated with it), wherever the parser attached it."""
    after = token.i + 1
    if after >= len(token.doc):
        return
    prep = token.doc[after]
    obj = _pobj(prep) if prep.dep_ == "prep" and prep.lower_ in pat.preps else None
    if obj is None or prep.head == token:
        return  # none, or read already as the name's own
    first = token  # not "Kassala in Sudan and Tessenei in Eritrea": a place's container
    while first.dep_ == "conj" and not (
        first.head.dep_ == "pobj" and first.head.head.lower_ in pat.preps
    ):
        first = first.head
    yield pat, token, [first], [obj]


def _appositives(token: Token) -> list[Token]:
    """Appositions of a name, also where the parser missed them.

    "Homs, Syria's third-largest city" is often parsed with the second phrase hanging off the
    verb; a comma right after the name followed by a noun phrase that ends the clause (or
    the sentence) is read as an apposition too. A name inside "the Idlib enclave" is
    anchored at the phrase's head noun.
    """
    anchor = token.head if token.dep_ == "compound" and token.head.pos_ == "NOUN" else token
    found = [c for c in anchor.children if c.dep_ == "appos"]
    doc = token.doc
    after = anchor.i + 1
    if found or after >= len(doc) or doc[after].text != ",":
        return found
    for candidate in doc[after + 1 : after + 8]:
        if candidate.pos_ == "NOUN" and candidate.dep_ in ("npadvmod", "appos", "conj", "dep"):
            between = doc[after + 1 : candidate.i]
            if all(t.dep_ in NOUN_PHRASE_DEPS for t in between):
                found.append(candidate)
            break
        if candidate.pos_ in ("VERB", "AUX") or candidate.text == ",":
            break
    return found


def _modified_noun(token: Token) -> Token | None:
    """The noun a hyphenated modifier belongs to."""
    head = token
    for _ in range(3):
        if head.pos_ in ("NOUN", "PROPN") and head != token:
            return head
        if head.head == head:
            return None
        head = head.head
    return head if head.pos_ in ("NOUN", "PROPN") else None


def _fits(table: EntityTable, key: str, accepted: frozenset[str], pat: Pattern) -> bool:
    """Does the entity's class fit the slot? Uncertain classes bend toward places.

    Place names are the model's weakest labels ("Hama" as an organisation, "Homs" as a
    person, "Khan Younis" as a person). A name without gazetteer entry, class cue or
    capitals only that fills a slot only places can fill ("captured Hama") is taken as a
    place, and votes so.
    """
    cls = table.cls(key)
    if cls in accepted:
        return True
    place_only = accepted <= FAMILIES["Location"]
    acronym = any(n.isupper() for n in table.names[key])
    place_like = key.startswith("n:") and key not in table.cued and not acronym
    if place_only and place_like and pat.kind in ("verb", "noun"):
        table.vote(key, "Location", 2.0)
        return True
    return False
