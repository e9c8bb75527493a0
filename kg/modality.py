"""Decide how factual a relation is: asserted, reported (and by whom), hypothetical, negated.

The cues are words in ``[modality]`` of ``ontology/lexicon.toml``; this module walks from
the relation's trigger up the dependency tree and reads the cues on the way: a negation on
the trigger's clause, a modal or an "if" clause, an intention verb or noun governing it
("aims to take"), a speech verb whose complement holds it ("HTS claimed it took X").
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from kg.lexicon import Lexicon, object_control_verbs

# links through which a governing word's intention or speech covers the trigger
COMPLEMENTS = ("xcomp", "ccomp", "pcomp", "prep", "pobj", "dobj", "acl", "attr")
SPEECH_LINKS = ("ccomp", "xcomp", "conj", "advcl", "dobj")


@dataclass(frozen=True)
class Modality:
    value: str  # asserted | reported | hypothetical | negated
    source: Token | None = None  # who said it, for reported statements
    source_text: str | None = None


def _has_child(token: Token, deps: tuple[str, ...], words: frozenset[str]) -> bool:
    return any(c.dep_ in deps and c.lower_ in words for c in token.children)


def modality_of(trigger: Token, relation: str, lexicon: Lexicon) -> Modality:
    """The modality of a relation whose trigger word is ``trigger``."""
    cues = lexicon.modality
    stance = relation in cues["stance_relations"]
    # a state named inside a noun phrase: "Assad's control", "rebel-held Lashio"
    presupposed = relation in cues["state_relations"] and (
        trigger.pos_ in ("NOUN", "PROPN") or trigger.dep_ in ("amod", "compound")
    )
    negated = hypothetical = False
    source: Token | None = None
    source_text: str | None = None
    token, link = trigger, ""
    for depth in range(8):
        if presupposed and depth > 0 and token.pos_ in ("VERB", "AUX"):
            break  # the clause around a noun phrase does not qualify what the phrase presupposes
        # "Rwanda denies backing M23": the trigger is the denial's complement (not a clause
        # beside it: "denies X, although a report said Y")
        if depth < 2 and (
            _has_child(token, ("neg",), cues["negations"])
            or (token.lemma_ in cues["denial_verbs"] and link in ("xcomp", "ccomp"))
        ):
            negated = True
        if _has_child(token, ("aux",), cues["modal_verbs"]) and not (stance and depth > 0):
            hypothetical = True
        if _has_child(token, ("mark",), cues["conditional_marks"]) and token.dep_ == "advcl":
            hypothetical = True
        if _has_child(token, ("advmod",), cues["hedges"]):
            hypothetical = True
        lemma = token.lemma_.lower()
        intention = (token.pos_ in ("VERB", "ADJ", "AUX") and lemma in cues["intention_verbs"]) or (
            token.pos_ == "NOUN" and lemma in cues["intention_nouns"]
        )
        if depth > 0 and not stance and link in COMPLEMENTS and intention:
            hypothetical = True
        if source is None and _has_child(token, ("advmod",), cues["hearsay_adverbs"]):
            source_text = "reports"
            source = token
        # "HRW accused the group of killing civilians": the accusation reports the killing
        accused = link == "prep" and lemma in object_control_verbs()
        speech = lemma in cues["speech_verbs"] and (link in SPEECH_LINKS or accused)
        if depth > 0 and source is None and speech:
            source, source_text = _speaker(token)
        according = _according_to(token)
        if source is None and according is not None:
            source, source_text = according, _phrase(according)
        if token.head == token:
            break
        link, token = token.dep_, token.head
    if negated:
        return Modality("negated")
    if hypothetical:
        return Modality("hypothetical")
    if source is not None:
        return Modality("reported", source, source_text)
    return Modality("asserted")


def _speaker(verb: Token) -> tuple[Token | None, str | None]:
    """Who a speech verb says spoke: its subject, the agent of a passive ("was reported by
    SOHR"), or unnamed reports ("the UAE has been accused of arming the RSF")."""
    speaker = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    if speaker is None and agent is not None:
        speaker = next((c for c in agent.children if c.dep_ == "pobj"), None)
    if speaker is not None:
        return speaker, _phrase(speaker)
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        return verb, "reports"
    return None, None


def _according_to(token: Token) -> Token | None:
    for child in token.children:
        if child.lower_ == "according":
            to = next((c for c in child.children if c.lower_ == "to"), None)
            obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
            if obj is not None:
                return obj
    return None


def _phrase(token: Token) -> str:
    """The noun phrase a source token heads, without its relative clauses."""
    left = min((c.left_edge.i for c in token.lefts if c.dep_ != "det"), default=token.i)
    return token.doc[left : token.i + 1].text
