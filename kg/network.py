"""Read the knowledge graph out of RDF into a NetworkX multigraph for analysis and views.

The RDF store keeps every extracted relation as a reified ``rdf:Statement`` with its
provenance (see ``docs/rdf-model.md``). Graph algorithms and the HTML explorer want the
opposite shape: entities as nodes and one edge per statement, with the provenance as edge
attributes. Everything is read with SPARQL so that the same code works on an in-memory
rdflib graph and on the Oxigraph store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx
from rdflib import Dataset, Graph
from rdflib.term import Node

from kg.namespaces import DCTERMS, KG, KGR, PROV, RDF, RDFS, SDO, SKOS
from kg.records import MODALITIES

_PREFIXES = {  # plain strings: the Oxigraph store refuses Namespace objects
    prefix: str(namespace)
    for prefix, namespace in [
        ("kg", KG),
        ("rdf", RDF),
        ("rdfs", RDFS),
        ("skos", SKOS),
        ("prov", PROV),
        ("dcterms", DCTERMS),
        ("schema", SDO),
    ]
}

# Entities are recognised by their IRI (docs/rdf-model.md), so that ontology classes or
# articles that also carry an rdfs:label never become nodes.
_ENTITIES = f"""
SELECT ?e ?label ?cls WHERE {{
    ?e a ?cls ; rdfs:label ?label .
    FILTER(STRSTARTS(STR(?e), "{KGR}entity/"))
}}
"""
_ALIASES = f"""
SELECT ?e ?alias WHERE {{
    ?e skos:altLabel ?alias .
    FILTER(STRSTARTS(STR(?e), "{KGR}entity/"))
}}
"""
_MENTIONS = """
SELECT ?e ?id WHERE { ?a schema:mentions ?e ; dcterms:identifier ?id . }
"""
_STATEMENTS = """
SELECT ?st ?s ?p ?o ?modality ?evidence ?confidence ?event_date ?reported_by
       ?article_id ?title ?date
WHERE {
    ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
        kg:modality ?modality .
    OPTIONAL { ?st kg:evidence ?evidence }
    OPTIONAL { ?st kg:confidence ?confidence }
    OPTIONAL { ?st kg:eventDate ?event_date }
    OPTIONAL { ?st kg:reportedBy ?reported_by }
    OPTIONAL {
        ?st prov:wasDerivedFrom ?article .
        OPTIONAL { ?article dcterms:identifier ?article_id }
        OPTIONAL { ?article dcterms:title ?title }
        OPTIONAL { ?article schema:datePublished ?date }
    }
}
"""


def _local(term: Node) -> str:
    """Local name of an IRI: the part after the last ``#`` or ``/``."""
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _text(term: Node | None) -> str | None:
    return None if term is None else str(term)


def _union(graph: Graph) -> Graph:
    """The graph that SPARQL should see: all named graphs of a Dataset at once."""
    if isinstance(graph, Dataset) and not graph.default_union:
        return Dataset(store=graph.store, default_union=True)
    return graph


def to_networkx(graph: Graph, include: Iterable[str] = MODALITIES) -> nx.MultiDiGraph:
    """Return the entities and reified statements of an RDF graph as a multigraph.

    Parameters
    ----------
    graph : rdflib.Graph or rdflib.Dataset
        A graph laid out as ``docs/rdf-model.md`` describes. A ``Dataset`` is read as
        the union of its named graphs.
    include : iterable of str, optional (default: all of ``kg.records.MODALITIES``)
        The modalities of the statements to keep as edges, among ``"asserted"``,
        ``"reported"``, ``"hypothetical"`` and ``"negated"``.

    Returns
    -------
    G : networkx.MultiDiGraph
        One node per entity, keyed by its IRI (a string), with attributes ``label``
        (canonical name), ``cls`` (local name of its class), ``aliases`` (sorted list
        of its other names) and ``articles`` (sorted list of the ids of the articles
        that mention it). Every entity is a node, even one in no kept statement.

        One edge per statement, from subject to object, keyed by the statement IRI,
        with attributes ``relation`` (local name of the predicate), ``modality``,
        ``evidence`` (the sentence), ``article`` (id), ``article_title``, ``date``
        (publication date of the article, ISO 8601), ``event_date``, ``confidence``
        (float) and ``reported_by`` (the name of who reported it; not ``source``,
        which node-link and Cytoscape JSON use for the edge's tail). Attributes that
        the graph does not state are ``None``.

    Raises
    ------
    ValueError
        If `include` names an unknown modality.

    See Also
    --------
    kg.html.write_html : draw the multigraph as an offline HTML page.
    kg.export : write it as GraphML, GEXF, JSON or CSV.

    Examples
    --------
    >>> from rdflib import Dataset
    >>> G = to_networkx(Dataset(), include=["asserted", "reported"])
    >>> G.number_of_nodes(), G.number_of_edges()
    (0, 0)
    """
    keep = set(include)
    if unknown := keep - set(MODALITIES):
        raise ValueError(f"unknown modalities {sorted(unknown)}; expected some of {MODALITIES}")
    union = _union(graph)

    def rows(query: str):
        return union.query(query, initNs=_PREFIXES)

    G = nx.MultiDiGraph()
    aliases: defaultdict[str, set[str]] = defaultdict(set)
    articles: defaultdict[str, set[str]] = defaultdict(set)
    for e, alias in rows(_ALIASES):
        aliases[str(e)].add(str(alias))
    for e, article_id in rows(_MENTIONS):
        articles[str(e)].add(str(article_id))
    # Sorted, first row wins: an entity typed twice deterministically gets the same class.
    for e, label, cls in sorted(rows(_ENTITIES)):
        if str(e) in G:
            continue
        G.add_node(
            str(e),
            label=str(label),
            cls=_local(cls),
            aliases=sorted(aliases[str(e)] - {str(label)}),
            articles=sorted(articles[str(e)]),
        )

    for row in rows(_STATEMENTS):
        modality = _local(row.modality)
        if modality not in keep:
            continue
        G.add_edge(
            str(row.s),
            str(row.o),
            key=str(row.st),
            relation=_local(row.p),
            modality=modality,
            evidence=_text(row.evidence),
            article=_text(row.article_id),
            article_title=_text(row.title),
            date=_text(row.date),
            event_date=_text(row.event_date),
            confidence=None if row.confidence is None else float(row.confidence.toPython()),
            reported_by=_text(row.reported_by),
        )

    # A statement about a resource missing from the entities graph still gets a usable node.
    for node, data in G.nodes(data=True):
        if "label" not in data:
            data.update(label=_local(node), cls=None, aliases=[], articles=[])
    return G
