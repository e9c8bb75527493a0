"""Resolve pronouns and definite descriptions to the entity they refer back to.

No maintained coreference library runs offline with spaCy 3.8 (coreferee downloads its
model), so this is a small rule system: a pronoun ("he", "its", "they") or a definite
description ("the group", "the city") refers to the nearest preceding mention, within
``window`` sentences, whose class the word allows (``[coref]`` in ``ontology/lexicon.toml``).
"""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Doc, Token

from kg.lexicon import FAMILIES, Lexicon
from kg.mentions import EntityTable


class Resolver:
    """Answers "which entity does this token refer back to?" for one document."""

    def __init__(self, doc: Doc, table: EntityTable, lexicon: Lexicon) -> None:
        self.doc, self.table, self.lexicon = doc, table, lexicon
        heads: dict[str, int] = {}
        self.positions: list[int] = []
        self.keys: list[str] = []
        for i, key in sorted(table.token_key.items()):
            if heads.get(key) != i - 1:  # one position per mention, its first token
                self.positions.append(i)
                self.keys.append(key)
            heads[key] = i
        self.sentence_of = [0] * len(doc)
        for n, sent in enumerate(doc.sents):
            self.sentence_of[sent.start : sent.end] = [n] * len(sent)

    def allowed(self, token: Token) -> frozenset[str] | None:
        """Classes ``token`` may refer to, or None if it is not a referring word."""
        word = token.lower_
        if word in self.lexicon.pronoun_targets:
            return self.lexicon.pronoun_targets[word]
        cls = self.lexicon.descriptions.get(token.lemma_.lower())
        if (
            cls
            and token.tag_ in ("NN", "NNP")
            and any(c.lower_ in ("the", "this", "that") or c.dep_ == "poss" for c in token.children)
        ):
            if cls == "ArmedGroup":
                return FAMILIES["Organization"] | {cls}
            # "the capital": a place the votes left of no kind fits too (but "the country" is
            # a country: a town of no kind must not take its place)
            return frozenset({cls, "Location"}) if cls == "City" else frozenset({cls})
        return None

    def antecedent(self, token: Token) -> str | None:
        """The key of the entity ``token`` refers back to, if it is a referring word."""
        allowed = self.allowed(token)
        if allowed is None:
            return None
        if token.tag_ == "PRP$":  # "he urged his fighters": his is he, when he may be it
            bound = self._subject_before(token)
            key = None if bound is None else self.table.key_of(bound) or self.antecedent(bound)
            if key is not None and self.table.cls(key) in allowed:
                return key
        candidates = [key for key in self._preceding(token) if self.table.cls(key) in allowed]
        if token.lower_ not in self.lexicon.pronoun_targets:
            # "the coalition" is first the nearest "... coalition" named: a description
            # shares its head noun with the name it stands for (a generic actor, "the
            # jihadist group", is a description itself)
            named = [
                key
                for key in candidates
                if key not in self.table.generic and self._headed_by(key, token.lower_)
            ]
            if named:
                return named[0]
        # "The ELN ... has fought the government. Its commander ...", "Al-Shabaab militants
        # stormed a hotel, police said. The group ...": a reference that opens a sentence
        # continues the last sentence's subject
        subject = [key for key in self._last_subject(token) if key in candidates]
        candidates = subject[:1] or candidates
        return candidates[0] if candidates else None

    def _last_subject(self, token: Token) -> list[str]:
        """The entities of the previous sentence's subject, when ``token`` comes before its
        own sentence's verb."""
        sentence = self.sentence_of[token.i]
        own = self.doc[token.i].sent
        if sentence == 0 or token.i > own.root.i:
            return []
        root = self.doc[own.start - 1].sent.root
        # "X stormed a hotel, police said": what was said is about X
        told = root.lemma_.lower() in self.lexicon.modality["speech_verbs"]
        clauses = [c for c in root.children if c.dep_ == "ccomp"] if told else []
        subjects = [
            c for clause in (*clauses, root) for c in clause.children
            if c.dep_ in ("nsubj", "nsubjpass")
        ]  # fmt: skip
        return [self.table.key_of(t) for s in subjects for t in s.subtree if self.table.key_of(t)]

    def _subject_before(self, token: Token) -> Token | None:
        """The nearest clause's subject before ``token`` that does not hold it."""
        for verb in token.ancestors:
            if verb.pos_ not in ("VERB", "AUX"):
                continue
            for child in verb.children:
                if child.dep_ in ("nsubj", "nsubjpass") and child.right_edge.i < token.i:
                    return child
        return None

    def _preceding(self, token: Token) -> list[str]:
        """The entities mentioned before ``token`` within the window, nearest first, less
        its own clause's subject where that cannot be meant."""
        first_sentence = self.sentence_of[token.i] - self.lexicon.coref_window
        found = []
        n = bisect_left(self.positions, token.i) - 1
        while n >= 0 and self.sentence_of[self.positions[n]] >= first_sentence:
            if not self._same_clause_subject(token, self.positions[n]):
                found.append(self.keys[n])
            n -= 1
        return found

    def _headed_by(self, key: str, noun: str) -> bool:
        """Whether a name of ``key`` ends in ``noun``, or a mention of it names that noun
        ("the Viv Ansanm gang coalition")."""
        if any(name.lower().split()[-1:] == [noun] for name in self.table.names[key]):
            return True
        for position, other in zip(self.positions, self.keys, strict=True):
            head = self.doc[position]
            while other == key and head.dep_ == "compound":
                head = head.head
                if head.lower_ == noun:
                    return True
        return False

    def _same_clause_subject(self, token: Token, position: int) -> bool:
        """'Turkey supports it': a pronoun object never refers to its own clause's subject."""
        other = self.doc[position]
        if token.dep_ in ("poss",) or other.dep_ not in ("nsubj", "nsubjpass"):
            return False
        return other.head == token.head
