"""The RDF store: an rdflib ``Dataset`` over Oxigraph on disk, or in memory for tests.

Each article lives in its own named graph, so an incremental build replaces one article
by swapping one graph. The rdflib API stays the interface (``Store.dataset``); Oxigraph
gives persistence, fast SPARQL and transactions. Bulk writes and exports go to pyoxigraph
directly: rdflib's per-triple layer costs more than Oxigraph itself.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from functools import cache
from itertools import chain
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL
from rdflib.query import Result
from rdflib.term import Node

from kg.namespaces import KG, KGR, RDF
from kg.rdf import (
    DATASET_IRI,
    ONTOLOGY_IRI,
    PREFIXES,
    article_graph_iri,
    graph_iri,
    ontology_path,
    to_oxigraph,
    to_rdflib,
)

if TYPE_CHECKING:
    import pandas as pd

ONTOLOGY_GRAPH = graph_iri("ontology")
EXPORT_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
# Characters of N-Quads per batch when new article graphs are added in bulk (about 25,000
# quads): bigger batches are no faster, and a batch is held in memory until it is written.
BATCH_CHARS = 5_000_000
WRITERS = 2  # threads that write batches
# Every graph but the ontology, which the Turtle export imports rather than copies.
_DATA = f"GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{ONTOLOGY_GRAPH}>)"
_DATA_TRIPLES = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {_DATA} }}"
# What graph.ttl says of itself before its triples: it imports the ontology.
_TURTLE_HEADER = [
    ox.Triple(ox.NamedNode(DATASET_IRI), ox.NamedNode(RDF.type), ox.NamedNode(OWL.Ontology)),
    ox.Triple(ox.NamedNode(DATASET_IRI), ox.NamedNode(OWL.imports), ox.NamedNode(ONTOLOGY_IRI)),
]


def gather(graph: URIRef, quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """``quads``, all of graph ``graph``, gathered before anything is written: a failure
    while producing them leaves the stored graph as it was."""
    name = ox.NamedNode(graph)
    gathered = list(quads)
    for quad in gathered:
        if quad.graph_name != name:
            raise ValueError(f"quad for graph {quad.graph_name} given to replace graph {name}")
    return gathered


def ontology_quads() -> tuple[ox.Quad, ...]:
    """ontology/kg.ttl as the quads of its graph in the store, made once for each content of
    the file (a build makes them while the workers parse)."""
    return _ontology_quads(ontology_path("kg.ttl").read_bytes())


@cache
def _ontology_quads(turtle: bytes) -> tuple[ox.Quad, ...]:
    # The store holds no blank nodes (SPARQL's DELETE DATA refuses them), so the
    # ontology's owl:unionOf lists get stable skolem IRIs from their canonical labels.
    ontology = Graph()
    ontology += to_canonical_graph(Graph().parse(data=turtle, format="turtle"))
    skolem = ontology.skolemize(authority=str(KGR), basepath="genid/")
    name, terms = ox.NamedNode(ONTOLOGY_GRAPH), _OxTerms()
    return tuple(ox.Quad(terms[s], terms[p], terms[o], name) for s, p, o in skolem)


def _parse(text: str) -> list[ox.Quad]:
    return list(ox.parse(text, format=ox.RdfFormat.N_QUADS))


def _check_graph(graph: URIRef, text: str) -> None:
    """Refuse N-Quads ``text`` with a line outside graph ``graph``: a line ends with its
    graph, and no term holds a line break (N-Quads escapes them)."""
    if text.count("\n") != text.count(f" <{graph}> .\n"):
        raise ValueError(f"N-Quads given to replace graph <{graph}> hold quads of other graphs")


class _OxTerms(dict):
    """``to_oxigraph`` of each term, converted once: the IRIs of a graph recur in many of
    its triples, and a lookup costs a fifth of a conversion."""

    def __missing__(self, term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        value = self[term] = to_oxigraph(term)
        return value


def _python(term: Node | None) -> Any:
    """A SPARQL result term as a plain Python value: number, string or None."""
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, int | float):
            return value
    return None if term is None else str(term)


def _lines(quads: Iterable[ox.Quad]) -> set[str]:
    """The triples of ``quads`` as canonical N-Triples lines (valid SPARQL data too)."""
    return {f"{quad.triple} ." for quad in quads}


def _local(iri: str) -> str:
    return iri.removeprefix(str(KG))


def select(graph: Graph, sparql: str) -> list[tuple[str | None, ...]]:
    """The rows of a SELECT on ``graph``, each term as a plain string (an IRI, a literal's
    lexical form, a blank node's id) and None where unbound; kg's prefixes are predeclared.
    """
    rows = graph.query(sparql, initNs=PREFIXES)
    return [tuple(None if term is None else str(term) for term in row) for row in rows]


class Store:
    """Named graphs of articles, entities and direct relations, with SPARQL and export."""

    def __init__(self, dataset: Dataset, oxigraph: ox.Store | None = None) -> None:
        self.dataset = dataset
        self._oxigraph = oxigraph  # the store under ``dataset`` when it is Oxigraph
        for prefix, namespace in PREFIXES.items():
            dataset.bind(prefix, namespace, replace=True)

    @classmethod
    def open(cls, path: str | Path | None = None) -> Store:
        """Oxigraph on disk in folder ``path`` (created if missing), or memory for None/"memory"."""
        if path is None or path == "memory":
            return cls(Dataset(default_union=True))
        oxigraph = ox.Store(str(path))
        return cls(Dataset(store=OxigraphStore(store=oxigraph), default_union=True), oxigraph)

    def close(self) -> None:
        """Release the store; on disk this frees Oxigraph's lock so the folder can reopen.

        Oxigraph's write-ahead log is flushed first: replaying it at the next open would
        cost several times longer.
        """
        if self._oxigraph is not None:
            self._oxigraph.flush()
            self._oxigraph = None  # any reference left keeps the lock
        self.dataset.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------

    def replace_article(self, article_id: str, quads: Iterable[ox.Quad]) -> None:
        """Swap the named graph of one article for ``quads``, all or nothing."""
        self._replace(article_graph_iri(article_id), quads)

    def replace_articles(self, articles: Iterable[tuple[str, str]]) -> None:
        """``replace_article`` for many articles, each given as (article id, N-Quads text of
        its graph, as ``kg.rdf.article_nquads`` writes it): each article all or nothing.

        In Oxigraph, articles not stored yet are added in batches of whole articles by
        Oxigraph's bulk loader, which writes a batch as sorted index files and adds them to
        the store at once (a ``kill -9`` midway leaves none of the batch): half the cost of
        a transaction. It reads text without Python's lock, so two threads write batches
        while this one reads the next articles; two batches wait at most.
        """
        if self._oxigraph is None:
            for article_id, text in articles:
                self.replace_article(article_id, _parse(text))
            return
        batch: list[str] = []
        size = 0
        with ThreadPoolExecutor(WRITERS) as writer:
            writing: deque[Future[None]] = deque()
            for article_id, text in articles:
                graph = article_graph_iri(article_id)
                if self._oxigraph.contains_named_graph(ox.NamedNode(graph)):
                    self._replace(graph, _parse(text))
                    continue
                _check_graph(graph, text)
                batch.append(text)
                size += len(text)
                if size >= BATCH_CHARS:
                    if len(writing) == WRITERS:
                        writing.popleft().result()  # raises what the writer raised
                    writing.append(writer.submit(self._bulk_add, "".join(batch)))
                    batch, size = [], 0
            if batch:
                writing.append(writer.submit(self._bulk_add, "".join(batch)))
            for written in writing:
                written.result()

    def _bulk_add(self, text: str) -> None:
        """Add N-Quads ``text`` to Oxigraph with its bulk loader."""
        assert self._oxigraph is not None
        self._oxigraph.bulk_load(text, format=ox.RdfFormat.N_QUADS)

    def remove_article(self, article_id: str) -> None:
        self._replace(article_graph_iri(article_id), ())

    def replace_graph(self, name: str, quads: Iterable[ox.Quad]) -> None:
        """Swap a shared graph (``entities``, ``direct``) for ``quads``, all or nothing."""
        self._replace(graph_iri(name), quads)

    def load_ontology(self) -> None:
        """Put ontology/kg.ttl into its own graph so that queries can use its labels."""
        self._replace(ONTOLOGY_GRAPH, ontology_quads())

    def _replace(self, graph: URIRef, quads: Iterable[ox.Quad]) -> None:
        if self._oxigraph is None:
            gathered = gather(graph, quads)
            self.dataset.remove_graph(graph)
            self.dataset.addN((*map(to_rdflib, quad.triple), graph) for quad in gathered)
        elif not self._oxigraph.contains_named_graph(ox.NamedNode(graph)):
            # the bulk loader is atomic too, and holds no write buffers: a transaction
            # holds about 1.3 KB a quad until it is flushed
            self._bulk_add(ox.serialize(gather(graph, quads), format=ox.RdfFormat.N_QUADS))
        else:
            # One SPARQL update is one Oxigraph transaction: a crash midway leaves the old
            # graph or the new one. It goes to the store itself, as rdflib's Dataset.update
            # would quietly fall back to its own, non-transactional engine on a default union.
            self._oxigraph.update(self._changes(graph, gather(graph, quads)))

    def _changes(self, graph: URIRef, quads: list[ox.Quad]) -> str:
        """SPARQL update that turns the stored ``graph`` into ``quads``.

        Oxigraph writes cost tens of microseconds a quad inside a transaction, so only the
        difference is written: rewriting an unchanged graph costs one read. Both sides are
        compared as canonical N-Triples, which is valid SPARQL data.
        """
        if not quads:
            return f"DROP SILENT GRAPH <{graph}>"
        new_lines = _lines(quads)
        old_lines = _lines(self._oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        deleted = "\n".join(old_lines - new_lines)
        inserted = "\n".join(new_lines - old_lines)
        return (
            f"DELETE DATA {{ GRAPH <{graph}> {{\n{deleted}\n}} }} ;\n"
            f"INSERT DATA {{ GRAPH <{graph}> {{\n{inserted}\n}} }}"
        )

    # -- reading ---------------------------------------------------------------------

    def query(self, sparql: str, **kwargs: Any) -> Result:
        """Run SPARQL through rdflib; the project's prefixes are predeclared.

        SELECT rows are read at once: a pending Oxigraph result holds the store's lock.
        """
        result = self.dataset.query(sparql, **kwargs)
        if result.type == "SELECT":
            result.bindings = list(result.bindings)
        return result

    def query_df(self, sparql: str) -> pd.DataFrame:
        """A SELECT as a DataFrame: one column per variable, plain values, None if unbound."""
        import pandas as pd  # half a second to import, and a build never needs it

        result = self.query(sparql)
        columns = [str(var) for var in result.vars or ()]
        rows = [[_python(v) for v in row] for row in result]
        frame = pd.DataFrame(rows, columns=columns, dtype=object)
        # Complete columns get a real dtype (numbers sum and plot); gaps stay None, not NaN.
        return frame.apply(lambda col: col if col.isna().any() else col.infer_objects())

    def select(self, sparql: str) -> list[tuple[str | None, ...]]:
        """A SELECT's rows as plain strings (see ``select``; on Oxigraph see ``rows``)."""
        return list(self.rows(sparql))

    def rows(self, sparql: str) -> Iterator[tuple[str | None, ...]]:
        """The rows of ``select``, one at a time.

        On Oxigraph the whole query is answered without Python's lock, so that a thread
        that runs Python meanwhile is not held up (read row by row, Oxigraph takes the lock
        for each row), and its results come over as SPARQL CSV: half the size of JSON, and
        parsed in C. CSV cannot tell an empty string from an unbound variable: both read as
        None (kg stores no empty strings). The rows are parsed as they are asked for, so
        that their text is all that is held at once.
        """
        if self._oxigraph is None:
            yield from select(self.dataset, sparql)
            return
        results = self._oxigraph.query(sparql, use_default_graph_as_union=True, prefixes=PREFIXES)
        text = results.serialize(format=ox.QueryResultsFormat.CSV)
        reader = csv.reader(io.TextIOWrapper(io.BytesIO(text), encoding="utf-8", newline=""))
        next(reader)  # the variables' names
        for row in reader:
            yield tuple(value or None for value in row)

    def article_hashes(self) -> dict[str, str]:
        """Content hash of every stored article, so an incremental build skips unchanged ones."""
        rows = self.select(
            """SELECT ?id ?hash WHERE { GRAPH ?g {
                ?a a schema:NewsArticle ; dcterms:identifier ?id ; kg:contentHash ?hash } }"""
        )
        return dict(rows)

    def stats(self) -> dict[str, Any]:
        """Counts per class, relation, modality and article, by SPARQL (len() walks the store)."""

        def counts(pattern: str) -> dict[str, int]:
            rows = self.select(f"SELECT ?key (COUNT(*) AS ?n) WHERE {{ {pattern} }} GROUP BY ?key")
            return dict(sorted((_local(key), int(n)) for key, n in rows))

        [(triples,)] = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {_DATA} }}")
        classes = counts(f"GRAPH <{graph_iri('entities')}> {{ ?e a ?key }}")
        relations = counts("GRAPH ?g { ?st a rdf:Statement ; rdf:predicate ?key }")
        modalities = counts("GRAPH ?g { ?st a rdf:Statement ; kg:modality ?key }")
        figures = counts("GRAPH ?g { ?f a kg:Figure ; kg:measure ?key }")
        # An article's statements are those of its graph. Counted per graph and joined
        # here: joined in SPARQL, Oxigraph held every statement in a hash table (140 MB
        # for 10,000 articles).
        statements = dict(self.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?st a rdf:Statement } } GROUP BY ?g"
        ))
        ids = self.select("SELECT ?key ?g WHERE { GRAPH ?g { ?a a schema:NewsArticle ; "
                          "dcterms:identifier ?key } }")
        per_article = dict(sorted((key, int(statements.get(g, 0))) for key, g in ids))
        return {
            "triples": int(triples),
            "articles": len(per_article),
            "entities": sum(classes.values()),
            "statements": sum(relations.values()),
            "figures": sum(figures.values()),
            "classes": classes,
            "relations": relations,
            "modalities": modalities,
            "figure_measures": figures,
            "statements_per_article": per_article,
        }

    def validate(self) -> tuple[bool, Graph, str]:
        """Check the data graphs against ontology/shapes.ttl; warnings keep it conforming."""
        # pySHACL is only needed here and is slow to import.
        from pyshacl import validate

        conforms, report, text = validate(
            self.query(_DATA_TRIPLES).graph,
            shacl_graph=Graph().parse(ontology_path("shapes.ttl")),
            ont_graph=Graph().parse(ontology_path("kg.ttl")),
            allow_warnings=True,
        )
        return conforms, report, text

    # -- export ----------------------------------------------------------------------

    @property
    def threadsafe(self) -> bool:
        """Whether threads may read this store at once: Oxigraph's yes, rdflib's not known."""
        return self._oxigraph is not None

    def export(self, path: str | Path, fmt: str = "turtle") -> Path:
        """Write the store to ``path`` in ``fmt``, byte-identical for identical content.

        ``turtle`` is the union of the data graphs after an ``owl:imports`` of the
        ontology; ``trig``, ``nquads`` and ``jsonld`` hold every named graph, the
        ontology's too, so that loading one gives the store back. Oxigraph writes them in
        the order of its on-disk indexes, which the content alone decides, streaming; the
        dataset formats without holding Python's lock, so a build exports in a thread
        while it draws the views.
        A store in memory or on a server is copied into a temporary Oxigraph folder
        first: every kind of store writes the same bytes.
        """
        if self._oxigraph is not None:
            return _export(self._oxigraph, path, fmt)
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        terms = _OxTerms()
        with tempfile.TemporaryDirectory() as folder:
            copy = ox.Store(folder)
            copy.extend(ox.Quad(terms[s], terms[p], terms[o], terms[g]) for s, p, o, g in rows)
            _export(copy, path, fmt)
            del copy  # closes it before its folder goes
        return Path(path)


def turtle_from_trig(trig: str | Path, path: str | Path) -> Path:
    """Write to ``path`` what ``Store.export(path, "turtle")`` writes, from the TriG that
    ``Store.export(trig, "trig")`` wrote of the same store: the file holds the same quads in
    the same order, and parsing it takes a quarter of the time of reading them again from
    Oxigraph, which looks up the text of every term on disk."""
    _turtle(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG), path)
    return Path(path)


def _turtle(quads: Iterable[ox.Quad], path: str | Path) -> None:
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    triples = (quad.triple for quad in quads if quad.graph_name != ontology)
    turtle = ox.RdfFormat.TURTLE
    ox.serialize(chain(_TURTLE_HEADER, triples), str(path), turtle, prefixes=PREFIXES)


def _export(store: ox.Store, path: str | Path, fmt: str) -> Path:
    if fmt == "turtle":
        # Quad by quad, not a CONSTRUCT: Oxigraph's CONSTRUCT remembers up to a million
        # triples to drop repeats, hundreds of megabytes on a large store.
        _turtle(store.quads_for_pattern(None, None, None, None), path)
    else:
        store.dump(str(path), EXPORT_FORMATS[fmt], prefixes=PREFIXES)
    return Path(path)
