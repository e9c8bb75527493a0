"""Pure mapping from pipeline records to RDF quads, exactly as docs/rdf-model.md lays out.

Nothing here touches a store: the functions yield ``(subject, predicate, object, graph)``
quads so that the store can write an article's graph in one transaction and a rebuild
of the same input mints the same IRIs (they are derived from content only).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from rdflib import Literal, URIRef
from rdflib.namespace import OWL
from rdflib.term import Node
from slugify import slugify

from kg.lexicon import ONTOLOGY_DIR
from kg.namespaces import DCTERMS, KG, KGR, PROV, RDF, RDFS, SDO, SKOS, XSD
from kg.records import Assertion, Entity, Extraction, Figure

Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, URIRef]

ONTOLOGY_IRI = URIRef("https://w3id.org/newskg/ontology")
# The exported graph.ttl describes itself as this node, which owl:imports the ontology.
DATASET_IRI = KGR["dataset"]
# Named graphs that are not articles; an article with one of these ids would clash.
RESERVED_GRAPHS = ("entities", "direct", "ontology")
# Modalities whose relations are also stated directly in the graph `direct`.
FACTUAL = ("asserted", "reported")

PREFIXES = {
    "kg": str(KG),
    "entity": str(KGR["entity/"]),
    "article": str(KGR["article/"]),
    "statement": str(KGR["statement/"]),
    "figure": str(KGR["figure/"]),
    "kgr": str(KGR),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "schema": str(SDO),
}


def ontology_path(name: str) -> Path:
    """Path of a file in ``<repo>/ontology/``, found from this package (editable installs)."""
    return ONTOLOGY_DIR / name


def _digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def article_iri(article_id: str) -> URIRef:
    return KGR["article/" + quote(article_id, safe="")]


def graph_iri(name: str) -> URIRef:
    return KGR["graph/" + quote(name, safe="")]


def article_graph_iri(article_id: str) -> URIRef:
    """Named graph of one article; refuses ids that would overwrite a shared graph."""
    if article_id in RESERVED_GRAPHS:
        raise ValueError(f"article id {article_id!r} clashes with the graph of the same name")
    return graph_iri(article_id)


def entity_iri(key: str) -> URIRef:
    """IRI of an entity from its key (gazetteer id, or canonical name + class).

    The slug is lower-case ASCII (accents stripped, other scripts transliterated); a key
    with nothing to transliterate falls back to a hash so that it still gets its own IRI.
    """
    return KGR["entity/" + (slugify(key) or _digest(key))]


def statement_iri(
    article_id: str, subject: URIRef, relation: str, obj: URIRef, modality: str, start: int
) -> URIRef:
    return KGR["statement/" + _digest(article_id, subject, relation, obj, modality, start)]


def figure_iri(article_id: str, measure: str, value: float, start: int) -> URIRef:
    return KGR["figure/" + _digest(article_id, measure, _decimal(value), start)]


def _decimal(value: float) -> Literal:
    """An xsd:decimal in the canonical form Oxigraph keeps ("280000", "0.85"), so that the
    on-disk and in-memory stores export the same bytes."""
    text = format(Decimal(str(value)), "f")
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return Literal(text or "0", datatype=XSD.decimal)


def _date(value: str) -> Literal:
    """An ISO date as xsd:date; a malformed one raises rather than store an ill-typed literal."""
    return Literal(date.fromisoformat(value).isoformat(), datatype=XSD.date)


def _evidence_pairs(item: Assertion | Figure, article: URIRef) -> Iterator[tuple[URIRef, Node]]:
    """Predicate/object pairs that statements and figures share."""
    yield KG.evidence, Literal(item.evidence)
    yield KG.charStart, Literal(item.start)
    yield KG.charEnd, Literal(item.end)
    if item.date:
        yield KG.eventDate, _date(item.date)
    if item.source_name:
        yield KG.reportedBy, Literal(item.source_name)
    yield PROV.wasDerivedFrom, article


def article_quads(ex: Extraction, iri_of: Mapping[str, URIRef]) -> Iterator[Quad]:
    """Everything of one article in its named graph: the article, statements, figures.

    ``iri_of`` maps the article's LocalEntity keys to resolved entity IRIs. Statements
    that would get the same IRI are emitted once (the most confident one).
    """
    art = ex.article
    g = article_graph_iri(art.id)
    a = article_iri(art.id)

    def triples() -> Iterator[Triple]:
        yield a, RDF.type, SDO.NewsArticle
        yield a, DCTERMS.identifier, Literal(art.id)
        yield a, DCTERMS.source, Literal(art.source)
        if art.content_hash:
            yield a, KG.contentHash, Literal(art.content_hash)
        if art.title:
            yield a, DCTERMS.title, Literal(art.title)
        if art.date:
            yield a, SDO.datePublished, _date(art.date)
        if art.publisher:
            yield a, DCTERMS.publisher, Literal(art.publisher)
        if art.url:
            yield a, SDO.url, Literal(art.url, datatype=XSD.anyURI)
        for entity in sorted({iri_of[e.key] for e in ex.entities}):
            yield a, SDO.mentions, entity
        yield from _statement_triples(ex, iri_of, a)
        yield from _figure_triples(ex, iri_of, a)

    for s, p, o in triples():
        yield s, p, o, g


def _statement_triples(
    ex: Extraction, iri_of: Mapping[str, URIRef], article: URIRef
) -> Iterator[Triple]:
    seen: set[URIRef] = set()
    for asr in sorted(ex.assertions, key=lambda x: -x.confidence):
        s, o = iri_of[asr.subject], iri_of[asr.object]
        node = statement_iri(ex.article.id, s, asr.relation, o, asr.modality, asr.start)
        if node in seen:
            continue
        seen.add(node)
        yield node, RDF.type, RDF.Statement
        yield node, RDF.subject, s
        yield node, RDF.predicate, KG[asr.relation]
        yield node, RDF.object, o
        yield node, KG.modality, KG[asr.modality]
        yield node, KG.confidence, _decimal(round(asr.confidence, 3))
        yield node, KG.pattern, Literal(asr.pattern)
        if asr.source:
            yield node, PROV.wasAttributedTo, iri_of[asr.source]
        for p, value in _evidence_pairs(asr, article):
            yield node, p, value


def _figure_triples(
    ex: Extraction, iri_of: Mapping[str, URIRef], article: URIRef
) -> Iterator[Triple]:
    seen: set[URIRef] = set()
    for fig in ex.figures:
        node = figure_iri(ex.article.id, fig.measure, fig.value, fig.start)
        if node in seen:
            continue
        seen.add(node)
        yield node, RDF.type, KG.Figure
        yield node, KG.measure, Literal(fig.measure)
        yield node, RDF.value, _decimal(fig.value)
        yield node, SDO.unitText, Literal(fig.unit)
        if fig.qualifier:
            yield node, KG.qualifier, Literal(fig.qualifier)
        if fig.place:
            yield node, KG.place, iri_of[fig.place]
        if fig.source:
            yield node, PROV.wasAttributedTo, iri_of[fig.source]
        for p, value in _evidence_pairs(fig, article):
            yield node, p, value


def entity_quads(entities: Iterable[Entity]) -> Iterator[Quad]:
    """Type, labels, gazetteer id and article count of the resolved entities, in the graph
    ``entities``."""
    g = graph_iri("entities")
    for entity in entities:
        node = URIRef(entity.iri)
        yield node, RDF.type, KG[entity.cls], g
        yield node, RDFS.label, Literal(entity.label), g
        yield node, KG.articleCount, Literal(len(entity.articles)), g
        for alt in sorted(set(entity.alt_labels) - {entity.label}):
            yield node, SKOS.altLabel, Literal(alt), g
        if entity.gazetteer_id:
            yield node, KG.gazetteerId, Literal(entity.gazetteer_id), g


def direct_quads(ex: Extraction, iri_of: Mapping[str, URIRef]) -> Iterator[Quad]:
    """The article's asserted and reported relations as plain triples, in graph ``direct``.

    Hypothetical and negated relations are left out: they did not (yet) happen, so a
    consumer that ignores reification must not see them as facts.
    """
    g = graph_iri("direct")
    for asr in ex.assertions:
        if asr.modality in FACTUAL:
            yield iri_of[asr.subject], KG[asr.relation], iri_of[asr.object], g
