"""Pure mapping from pipeline records to RDF quads, exactly as docs/rdf-model.md lays out.

Nothing here touches a store: the functions yield pyoxigraph quads, which the store
writes as they are (each article's graph whole or not at all), and a rebuild of the same
input mints the same IRIs (they are derived from content only). ``to_rdflib`` and
``to_oxigraph`` turn a term of one library into the other's. The IRI helpers return
rdflib terms, as the rest of the package and notebooks use them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL
from rdflib.term import Node
from slugify import slugify

from kg.lexicon import ONTOLOGY_DIR
from kg.namespaces import DCTERMS, KG, KGR, PROV, RDF, RDFS, SDO, SKOS, XSD, Terms
from kg.records import Assertion, Entity, Extraction, Figure

# The namespaces that quads are made of, as pyoxigraph terms.
_DCTERMS, _KG, _PROV, _RDF, _RDFS, _SDO, _SKOS, _XSD = map(
    Terms, (DCTERMS, KG, PROV, RDF, RDFS, SDO, SKOS, XSD)
)

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
    article_id: str, subject: str, relation: str, obj: str, modality: str, start: int
) -> URIRef:
    return KGR["statement/" + _digest(article_id, subject, relation, obj, modality, start)]


def figure_iri(article_id: str, measure: str, value: float, start: int) -> URIRef:
    return KGR["figure/" + _digest(article_id, measure, _decimal(value).value, start)]


def _decimal(value: float) -> ox.Literal:
    """An xsd:decimal in the canonical form Oxigraph keeps ("280000", "0.85"), so that the
    on-disk and in-memory stores export the same bytes."""
    text = format(Decimal(str(value)), "f")
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return ox.Literal(text or "0", datatype=_XSD.decimal)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_XSD.integer)


def _date(value: str) -> ox.Literal:
    """An ISO date as xsd:date; a malformed one raises rather than store an ill-typed literal."""
    return ox.Literal(date.fromisoformat(value).isoformat(), datatype=_XSD.date)


def _evidence_pairs(
    item: Assertion | Figure, article: ox.NamedNode
) -> Iterator[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]]:
    """Predicate/object pairs that statements and figures share."""
    yield _KG.evidence, ox.Literal(item.evidence)
    yield _KG.charStart, _integer(item.start)
    yield _KG.charEnd, _integer(item.end)
    if item.date:
        yield _KG.eventDate, _date(item.date)
    if item.source_name:
        yield _KG.reportedBy, ox.Literal(item.source_name)
    yield _PROV.wasDerivedFrom, article


def article_quads(ex: Extraction, iri_of: Mapping[str, ox.NamedNode]) -> Iterator[ox.Quad]:
    """Everything of one article in its named graph: the article, statements, figures.

    ``iri_of`` maps the article's LocalEntity keys to resolved entity IRIs. Statements
    that would get the same IRI are emitted once (the most confident one).
    """
    art = ex.article
    g = ox.NamedNode(article_graph_iri(art.id))
    a = ox.NamedNode(article_iri(art.id))

    def triples() -> Iterator[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]:
        yield a, _RDF.type, _SDO.NewsArticle
        yield a, _DCTERMS.identifier, ox.Literal(art.id)
        yield a, _DCTERMS.source, ox.Literal(art.source)
        if art.content_hash:
            yield a, _KG.contentHash, ox.Literal(art.content_hash)
        if art.title:
            yield a, _DCTERMS.title, ox.Literal(art.title)
        if art.date:
            yield a, _SDO.datePublished, _date(art.date)
        if art.publisher:
            yield a, _DCTERMS.publisher, ox.Literal(art.publisher)
        if art.url:
            yield a, _SDO.url, ox.Literal(art.url, datatype=_XSD.anyURI)
        for entity in sorted({iri_of[e.key] for e in ex.entities}, key=attrgetter("value")):
            yield a, _SDO.mentions, entity
        yield from _statement_triples(ex, iri_of, a)
        yield from _figure_triples(ex, iri_of, a)

    for s, p, o in triples():
        yield ox.Quad(s, p, o, g)


def _statement_triples(
    ex: Extraction, iri_of: Mapping[str, ox.NamedNode], article: ox.NamedNode
) -> Iterator[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]:
    seen: set[URIRef] = set()
    for asr in sorted(ex.assertions, key=lambda x: -x.confidence):
        s, o = iri_of[asr.subject], iri_of[asr.object]
        iri = statement_iri(ex.article.id, s.value, asr.relation, o.value, asr.modality, asr.start)
        if iri in seen:
            continue
        seen.add(iri)
        node = ox.NamedNode(iri)
        yield node, _RDF.type, _RDF.Statement
        yield node, _RDF.subject, s
        yield node, _RDF.predicate, _KG[asr.relation]
        yield node, _RDF.object, o
        yield node, _KG.modality, _KG[asr.modality]
        yield node, _KG.confidence, _decimal(round(asr.confidence, 3))
        yield node, _KG.pattern, ox.Literal(asr.pattern)
        if asr.source:
            yield node, _PROV.wasAttributedTo, iri_of[asr.source]
        for p, value in _evidence_pairs(asr, article):
            yield node, p, value


def _figure_triples(
    ex: Extraction, iri_of: Mapping[str, ox.NamedNode], article: ox.NamedNode
) -> Iterator[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]:
    seen: set[URIRef] = set()
    for fig in ex.figures:
        iri = figure_iri(ex.article.id, fig.measure, fig.value, fig.start)
        if iri in seen:
            continue
        seen.add(iri)
        node = ox.NamedNode(iri)
        yield node, _RDF.type, _KG.Figure
        yield node, _KG.measure, ox.Literal(fig.measure)
        yield node, _RDF.value, _decimal(fig.value)
        yield node, _SDO.unitText, ox.Literal(fig.unit)
        if fig.qualifier:
            yield node, _KG.qualifier, ox.Literal(fig.qualifier)
        if fig.place:
            yield node, _KG.place, iri_of[fig.place]
        if fig.source:
            yield node, _PROV.wasAttributedTo, iri_of[fig.source]
        for p, value in _evidence_pairs(fig, article):
            yield node, p, value


def entity_quads(entities: Iterable[Entity]) -> Iterator[ox.Quad]:
    """Type, labels, gazetteer id and article count of the resolved entities, in the graph
    ``entities``."""
    g = ox.NamedNode(graph_iri("entities"))
    for entity in entities:
        node = ox.NamedNode(entity.iri)
        yield ox.Quad(node, _RDF.type, _KG[entity.cls], g)
        yield ox.Quad(node, _RDFS.label, ox.Literal(entity.label), g)
        yield ox.Quad(node, _KG.articleCount, _integer(len(entity.articles)), g)
        for alt in sorted(set(entity.alt_labels) - {entity.label}):
            yield ox.Quad(node, _SKOS.altLabel, ox.Literal(alt), g)
        if entity.gazetteer_id:
            yield ox.Quad(node, _KG.gazetteerId, ox.Literal(entity.gazetteer_id), g)


def direct_quads(ex: Extraction, iri_of: Mapping[str, ox.NamedNode]) -> Iterator[ox.Quad]:
    """The article's asserted and reported relations as plain triples, in graph ``direct``.

    Hypothetical and negated relations are left out: they did not (yet) happen, so a
    consumer that ignores reification must not see them as facts.
    """
    g = ox.NamedNode(graph_iri("direct"))
    for asr in ex.assertions:
        if asr.modality in FACTUAL:
            yield ox.Quad(iri_of[asr.subject], _KG[asr.relation], iri_of[asr.object], g)


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term of the same RDF value as rdflib's ``term``."""
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, Literal):
        datatype = ox.NamedNode(term.datatype) if term.datatype else None
        return ox.Literal(term, language=term.language, datatype=datatype)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    raise TypeError(f"not an RDF term: {term!r}")


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """The rdflib term of the same RDF value as pyoxigraph's ``term``; a plain string
    literal (xsd:string) becomes rdflib's literal without datatype, as rdflib makes it."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype
    return Literal(term.value, datatype=None if datatype == _XSD.string else URIRef(datatype.value))
