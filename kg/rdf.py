"""Pure mapping from pipeline records to RDF quads, exactly as docs/rdf-model.md lays out.

Nothing here touches a store: an article's graph comes as N-Quads text (what Oxigraph's
bulk loader reads), the shared graphs as pyoxigraph quads; the store writes them as they
are (each article's graph whole or not at all), and a rebuild of the same
input mints the same IRIs (they are derived from content only). ``to_rdflib`` and
``to_oxigraph`` turn a term of one library into the other's. The IRI helpers return
rdflib terms, as the rest of the package and notebooks use them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
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

# The namespaces that the shared graphs' quads are made of, as pyoxigraph terms.
_KG, _RDF, _RDFS, _SKOS, _XSD = map(Terms, (KG, RDF, RDFS, SKOS, XSD))

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
    return KGR["figure/" + _digest(article_id, measure, _decimal(value), start)]


def _decimal(value: float) -> str:
    """The lexical form of an xsd:decimal in the canonical form Oxigraph keeps ("280000",
    "0.85"), so that the on-disk and in-memory stores export the same bytes."""
    text = format(Decimal(str(value)), "f")
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return text or "0"


def _date(value: str) -> str:
    """The lexical form of an ISO date; a malformed one raises rather than store an
    ill-typed literal."""
    return date.fromisoformat(value).isoformat()


# --- article graphs, written as N-Quads text ---------------------------------------------
# Oxigraph's bulk loader reads text: writing the text directly costs a third of making
# pyoxigraph quads (about 3 µs each with a literal) and serializing them.


def _ref(iri: str) -> str:
    """An IRI as N-Quads writes it."""
    return f"<{iri}>"


_kg, _rdf, _prov, _sdo, _dcterms, _xsd = (
    Terms(namespace, _ref) for namespace in (KG, RDF, PROV, SDO, DCTERMS, XSD)
)
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _literal(value: str, datatype: str | None = None) -> str:
    """A literal as N-Quads writes it: a string, or the lexical form of ``datatype``."""
    quoted = f'"{value.translate(_ESCAPES)}"'
    return quoted if datatype is None else f"{quoted}^^{datatype}"


def _evidence_pairs(item: Assertion | Figure, article: str) -> Iterator[tuple[str, str]]:
    """Predicate/object pairs that statements and figures share."""
    yield _kg.evidence, _literal(item.evidence)
    yield _kg.charStart, _literal(str(item.start), _xsd.integer)
    yield _kg.charEnd, _literal(str(item.end), _xsd.integer)
    if item.date:
        yield _kg.eventDate, _literal(_date(item.date), _xsd.date)
    if item.source_name:
        yield _kg.reportedBy, _literal(item.source_name)
    yield _prov.wasDerivedFrom, article


def article_nquads(ex: Extraction, iri_of: Mapping[str, ox.NamedNode]) -> str:
    """Everything of one article in its named graph, as N-Quads text: the article, its
    statements and figures.

    ``iri_of`` maps the article's LocalEntity keys to resolved entity IRIs. Statements
    that would get the same IRI are written once (the most confident one).
    """
    g = _ref(article_graph_iri(ex.article.id))
    refs = {key: str(node) for key, node in iri_of.items()}
    return "".join(f"{s} {p} {o} {g} .\n" for s, p, o in _article_triples(ex, iri_of, refs))


def article_quads(ex: Extraction, iri_of: Mapping[str, ox.NamedNode]) -> Iterator[ox.Quad]:
    """``article_nquads`` as pyoxigraph quads."""
    return iter(ox.parse(article_nquads(ex, iri_of), format=ox.RdfFormat.N_QUADS))


def _article_triples(
    ex: Extraction, iri_of: Mapping[str, ox.NamedNode], refs: Mapping[str, str]
) -> Iterator[tuple[str, str, str]]:
    art = ex.article
    a = _ref(article_iri(art.id))
    yield a, _rdf.type, _sdo.NewsArticle
    yield a, _dcterms.identifier, _literal(art.id)
    yield a, _dcterms.source, _literal(art.source)
    if art.content_hash:
        yield a, _kg.contentHash, _literal(art.content_hash)
    if art.title:
        yield a, _dcterms.title, _literal(art.title)
    if art.date:
        yield a, _sdo.datePublished, _literal(_date(art.date), _xsd.date)
    if art.publisher:
        yield a, _dcterms.publisher, _literal(art.publisher)
    if art.url:
        yield a, _sdo.url, _literal(art.url, _xsd.anyURI)
    for entity in sorted({iri_of[e.key].value for e in ex.entities}):
        yield a, _sdo.mentions, _ref(entity)
    yield from _statement_triples(ex, iri_of, refs, a)
    yield from _figure_triples(ex, refs, a)


def _statement_triples(
    ex: Extraction, iri_of: Mapping[str, ox.NamedNode], refs: Mapping[str, str], article: str
) -> Iterator[tuple[str, str, str]]:
    seen: set[URIRef] = set()
    for asr in sorted(ex.assertions, key=lambda x: -x.confidence):
        s, o = iri_of[asr.subject].value, iri_of[asr.object].value
        iri = statement_iri(ex.article.id, s, asr.relation, o, asr.modality, asr.start)
        if iri in seen:
            continue
        seen.add(iri)
        node = _ref(iri)
        yield node, _rdf.type, _rdf.Statement
        yield node, _rdf.subject, refs[asr.subject]
        yield node, _rdf.predicate, _kg[asr.relation]
        yield node, _rdf.object, refs[asr.object]
        yield node, _kg.modality, _kg[asr.modality]
        yield node, _kg.confidence, _literal(_decimal(round(asr.confidence, 3)), _xsd.decimal)
        yield node, _kg.pattern, _literal(asr.pattern)
        if asr.source:
            yield node, _prov.wasAttributedTo, refs[asr.source]
        for p, value in _evidence_pairs(asr, article):
            yield node, p, value


def _figure_triples(
    ex: Extraction, refs: Mapping[str, str], article: str
) -> Iterator[tuple[str, str, str]]:
    seen: set[URIRef] = set()
    for fig in ex.figures:
        iri = figure_iri(ex.article.id, fig.measure, fig.value, fig.start)
        if iri in seen:
            continue
        seen.add(iri)
        node = _ref(iri)
        yield node, _rdf.type, _kg.Figure
        yield node, _kg.measure, _literal(fig.measure)
        yield node, _rdf.value, _literal(_decimal(fig.value), _xsd.decimal)
        yield node, _sdo.unitText, _literal(fig.unit)
        if fig.qualifier:
            yield node, _kg.qualifier, _literal(fig.qualifier)
        if fig.place:
            yield node, _kg.place, refs[fig.place]
        if fig.source:
            yield node, _prov.wasAttributedTo, refs[fig.source]
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
        articles = ox.Literal(str(len(entity.articles)), datatype=_XSD.integer)
        yield ox.Quad(node, _KG.articleCount, articles, g)
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
