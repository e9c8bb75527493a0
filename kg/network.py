"""Read the knowledge graph out of RDF into NetworkX for analysis and views.

The RDF store keeps every extracted relation as a reified ``rdf:Statement`` with its
provenance (see ``docs/rdf-model.md``). Graph algorithms and the HTML explorer want the
opposite shape: entities as nodes and one edge per statement, with the provenance as edge
attributes. Everything is read with SPARQL so that the same code works on an in-memory
rdflib graph, the Oxigraph store and a SPARQL endpoint; a ``kg.store.Store`` on Oxigraph
is asked directly, without making rdflib terms of the results.

``RDFView`` reads that shape in a fixed order, a query's worth of statements at a time, and
holds only the nodes and the number of statements between them: a build writes GraphML
and ranks the entities of the HTML explorer from it without holding every statement and
its evidence sentence in memory. ``to_networkx`` collects it into one multigraph for
notebooks.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cached_property, partial
from itertools import groupby
from threading import Lock
from typing import Any, NamedTuple, TypeVar

import networkx as nx
from rdflib import Dataset, Graph
from rdflib.plugins.stores.memory import Memory

from kg.namespaces import KG, KGR
from kg.records import MODALITIES
from kg.store import Store, select

# The attributes of the nodes and edges, in the order the views write them.
NODE_ATTRIBUTES = ("label", "cls", "aliases", "articles")
EDGE_ATTRIBUTES = (
    "relation",
    "modality",
    "evidence",
    "article",
    "article_title",
    "date",
    "event_date",
    "confidence",
    "reported_by",
)
T = TypeVar("T")
R = TypeVar("R")
# An edge as the views read it: (subject, object, statement IRI, attributes).
ViewEdge = tuple[str, str, str, dict[str, Any]]
# Rows per query: rdflib holds the rows of a query until it is read, so these bound the
# memory (one row with more is read alone).
MENTIONS_PER_QUERY = 8192
STATEMENTS_PER_QUERY = 2048
# Entities are recognised by their IRI (docs/rdf-model.md), so that ontology classes or
# articles that also carry an rdfs:label never become nodes.
_ENTITY = f'?e a ?cls ; rdfs:label ?label . FILTER(STRSTARTS(STR(?e), "{KGR}entity/"))'
_STATEMENT = (
    "?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; "
    "kg:modality ?modality ."
)
_ENTITIES = (
    "SELECT ?e ?label ?cls (COUNT(?a) AS ?mentions) WHERE {{ "
    + _ENTITY
    + " OPTIONAL {{ ?a schema:mentions ?e }} }} GROUP BY ?e ?label ?cls"
)
_ALIASES = "SELECT ?e ?alias WHERE {{ {restrict} ?e skos:altLabel ?alias . }}"
_MENTIONS = "SELECT ?e ?a WHERE {{ {restrict} ?a schema:mentions ?e . }}"
# Articles are read once, not with each statement.
_ARTICLE_DATA = """
SELECT ?a ?id ?title (STR(?published) AS ?date) WHERE {{
    ?a dcterms:identifier ?id .
    OPTIONAL {{ ?a dcterms:title ?title }}
    OPTIONAL {{ ?a schema:datePublished ?published }}
}}
"""
_STATEMENTS = (
    """
SELECT ?st ?s ?p ?o ?modality ?evidence (STR(?c) AS ?confidence) (STR(?d) AS ?event_date)
       ?reported_by ?article
WHERE {{
    {restrict} """
    + _STATEMENT
    + """
    OPTIONAL {{ ?st kg:evidence ?evidence }}
    OPTIONAL {{ ?st kg:confidence ?c }}
    OPTIONAL {{ ?st kg:eventDate ?d }}
    OPTIONAL {{ ?st kg:reportedBy ?reported_by }}
    OPTIONAL {{ ?st prov:wasDerivedFrom ?article }}
}}
"""
)
_RELATIONS = (
    "SELECT ?s ?p ?o (COUNT(DISTINCT ?st) AS ?n) WHERE {{ {restrict} "
    + _STATEMENT
    + " }} GROUP BY ?s ?p ?o"
)
# A statement's modality and article are enough to count its article: joining its subject,
# predicate and object too made this five times slower on Oxigraph.
_ARTICLES = (
    "SELECT (COUNT(DISTINCT ?id) AS ?n) WHERE {{ {{ SELECT DISTINCT ?a WHERE {{ {{ {restrict} "
    "?st a rdf:Statement ; kg:modality ?modality ; prov:wasDerivedFrom ?a }} UNION {{ "
    + _ENTITY
    + " ?a schema:mentions ?e }} }} }} ?a dcterms:identifier ?id }}"
)


def _local(iri: str) -> str:
    """Local name of an IRI: the part after the last ``#`` or ``/``."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _values(var: str, iris: Iterable[str]) -> str:
    """A VALUES clause that binds ``?var`` to each of `iris` in turn."""
    return f"VALUES ?{var} {{ {' '.join(f'<{iri}>' for iri in iris)} }}"


def _batches(items: Iterable[T], size: Callable[[T], int], limit: float) -> Iterator[list[T]]:
    """`items` in order, cut before their sizes add up to more than `limit`."""
    batch: list[T] = []
    total = 0
    for item in items:
        if batch and total + size(item) > limit:
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += size(item)
    if batch:
        yield batch


def _read_ahead(
    function: Callable[[T], R], items: Iterable[T], ahead: bool
) -> Iterator[tuple[T, R]]:
    """``(item, function(item))`` for each of `items`, in order; if `ahead`, a second
    thread computes the next one while the caller works on this one."""
    if not ahead:
        for item in items:
            yield item, function(item)
        return
    with ThreadPoolExecutor(1) as thread:
        pending: deque[tuple[T, Future[R]]] = deque()
        for item in items:
            pending.append((item, thread.submit(function, item)))
            if len(pending) > 1:
                done, result = pending.popleft()
                yield done, result.result()
        for done, result in pending:
            yield done, result.result()


def _union(graph: Graph) -> Graph:
    """The graph that SPARQL should see: all named graphs of a Dataset at once."""
    if isinstance(graph, Dataset) and not graph.default_union:
        return Dataset(store=graph.store, default_union=True)
    return graph


class _Structure(NamedTuple):
    """What a view holds: the nodes and how many statements join them, no attributes."""

    nodes: list[str]
    relations: list[tuple[int, int, str, int]]  # (subject, object, relation, statements)


class RDFView:
    """The entities and statements of an RDF graph, read by SPARQL a batch at a time.

    Nodes are IRIs and come sorted (the entities and any other resource that a
    statement is about), and edges in the order of their subject, object, then statement
    IRI: the same graph gives the same sequence whatever store holds it. A view holds the
    nodes and the number of statements that join each two by each relation; attributes
    and evidence are read as they are asked for.

    Parameters
    ----------
    graph : rdflib.Graph, rdflib.Dataset or kg.store.Store
        A graph laid out as ``docs/rdf-model.md`` describes. A ``Dataset`` or a
        ``Store`` is read as the union of its named graphs.
    include : iterable of str, optional (default: all of ``kg.records.MODALITIES``)
        The modalities of the statements to keep as edges.

    Raises
    ------
    ValueError
        If `include` names an unknown modality.
    """

    def __init__(self, graph: Graph | Store, include: Iterable[str] = MODALITIES) -> None:
        keep = set(include)
        if unknown := keep - set(MODALITIES):
            raise ValueError(f"unknown modalities {sorted(unknown)}; expected some of {MODALITIES}")
        self._select: Callable[[str], Iterable[tuple[str | None, ...]]]
        if isinstance(graph, Store):
            self._select, store = graph.rows, graph.dataset.store
        else:
            union = _union(graph)
            self._select, store = partial(select, union), union.store
        # rdflib's own engine reads the whole graph for each query, and a graph in its
        # memory store is all in memory already: that one is read in one query.
        self._batched = not isinstance(store, Memory)
        # Oxigraph answers queries in any thread: a second one reads the next batch of
        # statements while this one hands out the last.
        self._ahead = isinstance(graph, Store) and graph.threadsafe
        # A filter, not VALUES: rdflib cannot evaluate an empty VALUES block.
        kept = ", ".join(KG[m].n3() for m in MODALITIES if m in keep)
        self._modalities = f"FILTER(?modality IN ({kept}))"
        self._counting = Lock()
        self._articles_counted: int | None = None

    def _rows(self, query: str, restrict: str = "", ordered: bool = False) -> Iterable[Any]:
        """The rows of ``query`` (its ``{restrict}`` filled in) as plain strings; sorted if
        ``ordered``, so that no store's own order changes what is made of them."""
        rows = self._select(query.format(restrict=restrict))
        return sorted(rows, key=lambda row: tuple(map(str, row))) if ordered else rows

    @cached_property
    def _entities(self) -> dict[str, tuple[str, str, int]]:
        """Each entity's label, class and number of mentions, by IRI; an entity typed twice
        gets its first class in sorted order, so that it gets the same one on every run."""
        found: dict[str, tuple[str, str, int]] = {}
        for e, label, cls, n in self._rows(_ENTITIES, ordered=True):
            found.setdefault(e, (label, _local(cls), int(n)))
        return found

    @cached_property
    def _articles(self) -> dict[str, tuple[str, str | None, str | None]]:
        """The identifier, title and publication date of every article."""
        rows = self._rows(_ARTICLE_DATA, ordered=True)
        return {a: (i, title, date) for a, i, title, date in rows}

    @cached_property
    def _structure(self) -> _Structure:
        counts: Counter[tuple[str, str, str]] = Counter()
        for s, p, o, n in self._rows(_RELATIONS, self._modalities):
            counts[s, o, _local(p)] += int(n)
        ends = {end for s, o, _ in counts for end in (s, o)}
        nodes = sorted(self._entities.keys() | ends)
        index = {n: i for i, n in enumerate(nodes)}
        relations = sorted((index[s], index[o], p, n) for (s, o, p), n in counts.items())
        return _Structure(nodes, relations)

    @property
    def nodes(self) -> list[str]:
        """Every node, sorted: the entities and the other resources of kept statements."""
        return self._structure.nodes

    def node_data(self, nodes: Sequence[str] | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each of `nodes` (default: ``nodes``) with the attributes of ``to_networkx``."""

        def rows(n: str) -> int:
            return 1 + (self._entities[n][2] if n in self._entities else 0)

        limit = MENTIONS_PER_QUERY if self._batched else math.inf
        for batch in _batches(self.nodes if nodes is None else nodes, rows, limit):
            entities = [n for n in batch if n in self._entities]
            values = _values("e", entities) if self._batched or nodes is not None else ""
            aliases: defaultdict[str, set[str]] = defaultdict(set)
            articles: defaultdict[str, set[str]] = defaultdict(set)
            if entities:  # rdflib cannot evaluate an empty VALUES block
                for e, alias in self._rows(_ALIASES, values):
                    aliases[e].add(alias)
                for e, a in self._rows(_MENTIONS, values):
                    if (article := self._articles.get(a)) is not None:
                        articles[e].add(article[0])
            for n in batch:
                if n not in self._entities:  # a statement about a resource that is no entity
                    yield n, {"label": _local(n), "cls": None, "aliases": [], "articles": []}
                    continue
                label, cls, _ = self._entities[n]
                attrs = {"label": label, "cls": cls, "aliases": sorted(aliases[n] - {label})}
                yield n, attrs | {"articles": sorted(articles[n])}

    def _groups(self, nodes: Sequence[str]) -> Iterator[tuple[tuple[str, str], int]]:
        """The (subject, object) of the statements between `nodes` with their number of
        statements, in the order of `nodes`."""
        position = {n: i for i, n in enumerate(nodes)}
        counts: Counter[tuple[int, int]] = Counter()
        for u, _, v, n in self.relations(nodes):
            counts[position[u], position[v]] += n
        for i, j in sorted(counts):
            yield (nodes[i], nodes[j]), counts[i, j]

    def edges(self, nodes: Sequence[str] | None = None) -> Iterator[ViewEdge]:
        """The statements between `nodes` (default: all) as ``(subject, object, statement
        IRI, attributes)`` with the attributes of ``to_networkx``, in the order of their
        subject in `nodes`, then object in `nodes`, then IRI."""
        groups = self._groups(self.nodes if nodes is None else nodes)
        # A query reads whole subjects, so that it reads each statement once: cut between
        # objects, a hub's statements to later objects would be read again with each batch.
        by_subject = [list(group) for _, group in groupby(groups, key=lambda g: g[0][0])]
        limit = STATEMENTS_PER_QUERY if self._batched else math.inf

        def queries() -> Iterator[tuple[dict[tuple[str, str], int], str]]:
            """Each batch's (subject, object) pairs, in order, and its query's restriction."""
            for subjects in _batches(by_subject, lambda group: sum(n for _, n in group), limit):
                batch = [key for group in subjects for key, _ in group]
                values = ""
                if self._batched or nodes is not None:
                    values = _values("s", (group[0][0][0] for group in subjects))
                if nodes is not None:  # the objects these subjects have among `nodes`
                    objects = ", ".join(f"<{o}>" for o in dict.fromkeys(k[-1] for k in batch))
                    values += f" FILTER(?o IN ({objects}))"
                yield {key: i for i, key in enumerate(batch)}, f"{values} {self._modalities}"

        def read(query: tuple[dict[tuple[str, str], int], str]) -> list[Any]:
            # Rows in full order, so that a statement with several rows (an optional value
            # stated twice) keeps the same one on every run and every store.
            return self._rows(_STATEMENTS, query[1], ordered=True)

        for (wanted, _), rows in _read_ahead(read, queries(), self._ahead):
            found = {}
            for row in rows:
                st, s, p, o = row[:4]
                group = wanted.get((s, o))
                if group is not None:
                    found[s, o, st] = group, row
            for (s, o, st), (_, row) in sorted(found.items(), key=lambda kv: (kv[1][0], kv[0][2])):
                _, _, p, _, modality, evidence, confidence, event_date, reported_by, article = row
                article_id, title, date = self._articles.get(article, (None, None, None))
                attrs = {
                    "relation": _local(p),
                    "modality": _local(modality),
                    "evidence": evidence,
                    "article": article_id,
                    "article_title": title,
                    "date": date,
                    "event_date": event_date,
                    "confidence": None if confidence is None else float(confidence),
                    "reported_by": reported_by,
                }
                yield s, o, st, attrs

    def relations(self, nodes: Sequence[str] | None = None) -> Iterator[tuple[str, str, str, int]]:
        """``(subject, relation, object, number of statements)`` for every relation stated
        between `nodes` (default: all), without reading the statements."""
        all_nodes = self.nodes
        among = None if nodes is None else set(nodes)
        for i, j, relation, n in self._structure.relations:
            u, v = all_nodes[i], all_nodes[j]
            if among is None or (u in among and v in among):
                yield u, relation, v, n

    def weighted(self) -> nx.Graph:
        """Every node, joined by an undirected edge whose ``weight`` is the number of
        statements between the two: enough to rank the entities, without their evidence."""
        H = nx.Graph()
        H.add_nodes_from(self.nodes)
        for u, _, v, n in self.relations():
            H.add_edge(u, v, weight=H.get_edge_data(u, v, {"weight": 0})["weight"] + n)
        return H

    def article_count(self) -> int:
        """How many articles state a statement of a kept modality or mention an entity;
        counted once, so that a thread may count them ahead of the caller."""
        with self._counting:
            if self._articles_counted is None:
                [(n,)] = self._rows(_ARTICLES, self._modalities)
                self._articles_counted = int(n)
            return self._articles_counted

    def to_networkx(self) -> nx.MultiDiGraph:
        """Every node and statement as one multigraph (see ``to_networkx``)."""
        G = nx.MultiDiGraph()
        G.add_nodes_from(self.node_data())
        G.add_edges_from(self.edges())
        return G


def to_networkx(graph: Graph | Store, include: Iterable[str] = MODALITIES) -> nx.MultiDiGraph:
    """Return the entities and reified statements of an RDF graph as a multigraph.

    Parameters
    ----------
    graph : rdflib.Graph, rdflib.Dataset or kg.store.Store
        A graph laid out as ``docs/rdf-model.md`` describes. A ``Dataset`` or a
        ``Store`` is read as the union of its named graphs.
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
    RDFView : the same nodes and edges, a batch at a time.
    kg.html.write_html : draw the multigraph as an offline HTML page.
    kg.export : write it as GraphML, GEXF, JSON or CSV.

    Examples
    --------
    >>> from rdflib import Dataset
    >>> G = to_networkx(Dataset(), include=["asserted", "reported"])
    >>> G.number_of_nodes(), G.number_of_edges()
    (0, 0)
    """
    return RDFView(graph, include).to_networkx()
