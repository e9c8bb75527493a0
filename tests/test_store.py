"""The RDF store (kg.store): replacing graphs, persistence, queries and exports."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import OWL
from rdflib.plugins.sparql.processor import SPARQLUpdateProcessor
from test_rdf import iri_map, sample_entities, sample_extraction

import kg.store
from kg.namespaces import KG, RDF
from kg.rdf import (
    DATASET_IRI,
    ONTOLOGY_IRI,
    article_graph_iri,
    article_iri,
    article_nquads,
    article_quads,
    direct_quads,
    entity_quads,
    graph_iri,
    ontology_path,
)
from kg.records import Extraction
from kg.store import ONTOLOGY_GRAPH, Store, select, turtle_from_trig

HOSTILE = (
    '<script>alert("x")</script><b>bold</b> &amp; &lt; ]]> '
    '""" ; . \\ \\" \' @prefix x: <y> . _:b a <z> } GRAPH { '
    + "".join(map(chr, range(32)))
    + "\x7f\x85\u2028\u2029\u202e دمشق 🙂 "
    + "A" * 10_000
)
STORE_KINDS = ["memory", "oxigraph"]


def open_store(kind: str, tmp_path: Path) -> Store:
    return Store.open(None if kind == "memory" else tmp_path / "store")


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_store(request.param, tmp_path) as s:
        yield s


def build(store: Store, *extractions: Extraction) -> None:
    """What a build does: each article's graph, then the shared entities and direct graphs."""
    for ex in extractions:
        store.replace_article(ex.article.id, article_quads(ex, iri_map(ex)))
    store.replace_graph("entities", entity_quads(sample_entities(extractions[0])))
    store.replace_graph(
        "direct", (q for ex in extractions for q in direct_quads(ex, iri_map(ex)))
    )


def all_quads(store: Store) -> set[tuple[str, ...]]:
    rows = store.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {tuple(map(str, row)) for row in rows}


def statement_count(store: Store) -> int:
    [(n,)] = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a rdf:Statement } }")
    return int(n)


# -- replacing and removing -------------------------------------------------------------


def test_replace_article_twice_changes_nothing(store: Store) -> None:
    ex = sample_extraction()
    build(store, ex)
    before = all_quads(store)
    triples = store.stats()["triples"]
    build(store, ex)
    assert all_quads(store) == before
    assert store.stats()["triples"] == triples == len(before)
    assert statement_count(store) == 4
    duplicated = store.query(
        """SELECT ?s WHERE { GRAPH ?g { ?s kg:evidence ?e } }
           GROUP BY ?s HAVING (COUNT(?e) > 1)"""
    )
    assert not list(duplicated)


def test_replace_article_drops_what_the_new_version_lacks(store: Store) -> None:
    ex = sample_extraction()
    build(store, ex)
    ex.assertions = ex.assertions[4:]
    ex.figures = []
    store.replace_article(ex.article.id, article_quads(ex, iri_map(ex)))
    assert statement_count(store) == 1
    assert store.stats()["figures"] == 0


def test_remove_article_removes_all_of_it_and_nothing_else(store: Store) -> None:
    gone, kept = sample_extraction("000_gone"), sample_extraction("001_kept")
    build(store, gone, kept)
    before = all_quads(store)
    store.remove_article("000_gone")
    after = all_quads(store)
    gone_graph, gone_iri = str(graph_iri("000_gone")), str(article_iri("000_gone"))
    assert after == {q for q in before if q[3] != gone_graph}
    assert not any(gone_iri in q for q in after)
    assert graph_iri("000_gone") not in {g.identifier for g in store.dataset.graphs()}
    assert store.article_hashes() == {"001_kept": "sha256:abc"}
    assert statement_count(store) == 4


def test_a_failure_while_producing_quads_keeps_the_old_graph(store: Store) -> None:
    ex = sample_extraction()
    build(store, ex)
    before = all_quads(store)

    def failing() -> Iterator:
        quads = article_quads(replace(ex, assertions=[]), iri_map(ex))
        yield next(quads)
        raise RuntimeError("extraction crashed")

    with pytest.raises(RuntimeError):
        store.replace_article(ex.article.id, failing())
    assert all_quads(store) == before


def test_batched_writes_store_every_article_whole(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small batches: the writer threads add some while the next are made; a failure while
    making one stops the build with every article before it whole and none after it."""
    monkeypatch.setattr(kg.store, "BATCH_CHARS", 20_000)  # a batch every article or two
    extractions = [sample_extraction(f"{i:03}_batch") for i in range(6)]
    expected = Store.open(None)
    for ex in extractions:
        expected.replace_article(ex.article.id, article_quads(ex, iri_map(ex)))

    def articles(fail_at: int | None = None) -> Iterator:
        for i, ex in enumerate(extractions):
            if i == fail_at:
                raise RuntimeError("extraction crashed")
            yield ex.article.id, article_nquads(ex, iri_map(ex))

    with pytest.raises(RuntimeError):
        store.replace_articles(articles(fail_at=4))
    stored = set(store.article_hashes())
    assert extractions[0].article.id in stored
    assert stored <= {ex.article.id for ex in extractions[:4]}
    for ex in extractions:
        graph = f"<{article_graph_iri(ex.article.id)}>"
        query = f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
        got = {tuple(map(str, row)) for row in store.query(query)}
        assert got in (set(), {tuple(map(str, row)) for row in expected.query(query)})
        assert bool(got) == (ex.article.id in stored)
    store.replace_articles(articles())
    assert all_quads(store) == all_quads(expected)


def test_replace_graph_refuses_quads_of_another_graph(store: Store) -> None:
    ex = sample_extraction()
    with pytest.raises(ValueError):
        store.replace_graph("entities", article_quads(ex, iri_map(ex)))


def test_replace_articles_refuses_text_of_another_article(store: Store) -> None:
    ex, other = sample_extraction(), sample_extraction("001_other")
    with pytest.raises(ValueError, match="graph"):
        store.replace_articles([(ex.article.id, article_nquads(other, iri_map(other)))])
    assert store.article_hashes() == {}


def test_oxigraph_writes_never_go_through_rdflib_sparql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rdflib's own SPARQL engine is slow and not transactional: Oxigraph must do the writes."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("rdflib's SPARQL update engine was used")

    monkeypatch.setattr(SPARQLUpdateProcessor, "update", refuse)
    with Store.open(tmp_path / "store") as store:
        build(store, sample_extraction())
        store.load_ontology()
        store.remove_article("000_test")
        assert store.article_hashes() == {}


# A child process that dies by SIGKILL in the middle of replacing an article.
KILLED_CHILD = """
import os, signal, sys
from dataclasses import replace
sys.path.insert(0, sys.argv[2])
from test_rdf import iri_map, sample_extraction
from kg.rdf import article_quads
from kg.store import Store

store = Store.open(sys.argv[1])
ex = sample_extraction()
new = replace(ex, assertions=ex.assertions[:1], figures=[])

def dying():
    for i, quad in enumerate(article_quads(new, iri_map(new))):
        if i == 12:
            os.kill(os.getpid(), signal.SIGKILL)
        yield quad

store.replace_article(ex.article.id, dying())
"""


def test_kill_9_midway_leaves_the_article_whole(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with Store.open(path) as store:
        build(store, sample_extraction())
        before = all_quads(store)
    child = subprocess.run(
        [sys.executable, "-c", KILLED_CHILD, str(path), str(Path(__file__).parent)],
        capture_output=True,
        text=True,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    with Store.open(path) as store:
        assert all_quads(store) == before


BULK_KILLED_CHILD = """
import io, itertools, os, signal, sys, threading
sys.path.insert(0, sys.argv[2])
from test_rdf import iri_map, sample_extraction
import kg.store
from kg.rdf import article_nquads
from kg.store import Store

kg.store.BATCH_CHARS = int(sys.argv[3])
store = Store.open(sys.argv[1])
extractions = [sample_extraction(f"{i:05}_bulk") for i in range(int(sys.argv[4]))]


class KilledMidway(io.RawIOBase):
    \"\"\"N-Quads text up to the middle of an article halfway through, then SIGKILL as
    Oxigraph asks for more: no timing decides where the kill lands.\"\"\"

    def __init__(self, text):
        lines = text.encode().splitlines(keepends=True)
        middle = len(lines) // 2
        while lines[middle].rsplit(b" ", 2)[1] != lines[middle - 1].rsplit(b" ", 2)[1]:
            middle += 1
        self.left = b"".join(lines[:middle])

    def readable(self):
        return True

    def readinto(self, buffer):
        if not self.left:
            os.kill(os.getpid(), signal.SIGKILL)
        n = min(len(buffer), len(self.left))
        buffer[:n], self.left = self.left[:n], self.left[n:]
        return n


class Dying:
    \"\"\"Oxigraph, killed in the middle of its second bulk write once the first is written;
    the writes after it wait for the kill (the writer threads would run them together).\"\"\"

    def __init__(self, real):
        self.real, self.writes, self.first = real, itertools.count(1), threading.Event()

    def __getattr__(self, name):
        return getattr(self.real, name)

    def bulk_load(self, text, format):
        write = next(self.writes)
        if write == 1:
            self.real.bulk_load(text, format=format)
            print("written", flush=True)
            self.first.set()
        elif write == 2:
            self.first.wait()
            self.real.bulk_load(KilledMidway(text), format=format)
        else:
            threading.Event().wait()


store._oxigraph = Dying(store._oxigraph)
store.replace_articles((ex.article.id, article_nquads(ex, iri_map(ex))) for ex in extractions)
"""


def test_kill_9_during_a_bulk_write_leaves_whole_articles(tmp_path: Path) -> None:
    """New articles go in by Oxigraph's bulk loader, a batch at a time: a build killed
    while a batch is written keeps the batches before it and none of that one, and the
    re-run completes the store."""
    batch, articles = 4_000_000, 1_000  # about 14,000 characters an article: 3.4 batches
    extractions = [sample_extraction(f"{i:05}_bulk") for i in range(articles)]
    path = tmp_path / "store"
    child = subprocess.run(
        [sys.executable, "-c", BULK_KILLED_CHILD, str(path), str(Path(__file__).parent),
         str(batch), str(articles)],
        capture_output=True,
        text=True,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert child.stdout.split() == ["written"], "the kill did not land in the second batch"
    with Store.open(path) as store:
        stored = store.article_hashes()
        assert 0 < len(stored) < articles
        # the first batch, whole articles only: each holds all its quads or is absent
        per_article = len(list(article_quads(extractions[0], iri_map(extractions[0]))))
        [(quads,)] = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert int(quads) == per_article * len(stored)
        assert sorted(stored) == [ex.article.id for ex in extractions[: len(stored)]]
        store.replace_articles((e.article.id, article_nquads(e, iri_map(e))) for e in extractions)
        assert len(store.article_hashes()) == articles
        [(quads,)] = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert int(quads) == per_article * articles


def test_oxigraph_store_reopens_with_the_same_content(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with Store.open(path) as store:
        build(store, sample_extraction(), sample_extraction("001_other"))
        store.load_ontology()
        stats, quads = store.stats(), all_quads(store)
    store = Store.open(path)
    assert store.stats() == stats
    assert all_quads(store) == quads
    store.close()
    with Store.open(path) as again:  # close() released the lock
        assert again.article_hashes() == {"000_test": "sha256:abc", "001_other": "sha256:abc"}


# -- reading -----------------------------------------------------------------------------


def test_article_hashes_and_stats(store: Store) -> None:
    build(store, sample_extraction(), sample_extraction("001_other"))
    store.load_ontology()
    assert store.article_hashes() == {"000_test": "sha256:abc", "001_other": "sha256:abc"}
    stats = store.stats()
    assert stats["articles"] == 2
    assert stats["statements"] == 8
    assert stats["figures"] == 1 * 2
    assert stats["entities"] == 6
    assert stats["classes"] == {
        "ArmedGroup": 1, "City": 2, "Country": 1, "Organization": 1, "Person": 1
    }
    assert stats["relations"] == {"captured": 6, "supports": 2}
    assert stats["modalities"] == {"asserted": 2, "hypothetical": 2, "negated": 2, "reported": 2}
    assert stats["statements_per_article"] == {"000_test": 4, "001_other": 4}
    ontology = Graph().parse(ontology_path("kg.ttl"))
    assert stats["triples"] == len(all_quads(store)) - len(ontology)
    json.dumps(stats)  # stats.json is written from it


def test_stats_count_no_statements_for_an_article_that_states_none(store: Store) -> None:
    silent = replace(sample_extraction("002_silent"), assertions=[], figures=[])
    build(store, sample_extraction(), silent)
    stats = store.stats()
    assert stats["statements_per_article"] == {"000_test": 4, "002_silent": 0}
    assert stats["articles"] == 2


def test_query_df_columns_and_values(store: Store) -> None:
    build(store, sample_extraction())
    df = store.query_df(
        """SELECT ?statement ?confidence ?start ?date ?by WHERE { GRAPH ?g {
               ?statement a rdf:Statement ; kg:confidence ?confidence ; kg:charStart ?start .
               OPTIONAL { ?statement kg:eventDate ?date }
               OPTIONAL { ?statement kg:reportedBy ?by } } } ORDER BY ?start"""
    )
    assert list(df.columns) == ["statement", "confidence", "start", "date", "by"]
    assert len(df) == 4
    assert df["start"].tolist() == [0, 33, 63, 90]
    assert df["start"].dtype.kind == "i"
    assert df["confidence"].tolist() == [0.8] * 4
    assert df["date"].tolist() == ["2024-12-05", None, None, None]
    assert df["by"].tolist() == [None, "SOHR", None, None]
    assert all(isinstance(s, str) and s.startswith("https://") for s in df["statement"])
    empty = store.query_df("SELECT ?x WHERE { ?x a kg:Nothing }")
    assert list(empty.columns) == ["x"] and empty.empty


def test_select_gives_the_rows_that_rdflib_reads(store: Store) -> None:
    """``Store.select`` (on Oxigraph: SPARQL CSV results, parsed) gives the same strings as
    rdflib's own results term by term: unbound as None, hostile text intact."""
    ex = sample_extraction(evidence=HOSTILE)
    ex.article = replace(ex.article, title=HOSTILE)
    build(store, ex)
    query = """SELECT ?st ?evidence ?confidence ?date ?title WHERE { GRAPH ?g {
                   ?st a rdf:Statement ; kg:evidence ?evidence ; kg:confidence ?confidence ;
                       prov:wasDerivedFrom ?a .
                   ?a dcterms:title ?title . OPTIONAL { ?st kg:eventDate ?date } } }"""
    rows = store.select(query)
    assert len(rows) == 4 and {row[1] for row in rows} == {HOSTILE}
    assert None in {row[3] for row in rows} and "2024-12-05" in {row[3] for row in rows}
    assert sorted(rows, key=str) == sorted(select(store.dataset, query), key=str)


# -- export ------------------------------------------------------------------------------


def test_hostile_text_survives_store_export_and_parse(store: Store, tmp_path: Path) -> None:
    ex = sample_extraction(evidence=HOSTILE)
    ex.article = replace(ex.article, title=HOSTILE)
    build(store, ex)
    [(stored,)] = store.query(
        "SELECT DISTINCT ?e WHERE { GRAPH ?g { ?s a rdf:Statement ; kg:evidence ?e } }"
    )
    assert str(stored) == HOSTILE
    for fmt, parser in [("turtle", "turtle"), ("trig", "trig"), ("nquads", "nquads"),
                        ("jsonld", "json-ld")]:
        path = store.export(tmp_path / f"graph.{fmt}", fmt)
        parsed = Dataset().parse(path, format=parser)
        evidences = {str(o) for _, _, o, _ in parsed.quads((None, KG.evidence, None, None))}
        assert evidences == {HOSTILE}, fmt
        titles = {str(o) for _, _, o, _ in parsed.quads((article_iri("000_test"), None, None,
                                                          None)) if isinstance(o, Literal)}
        assert HOSTILE in titles, fmt


def test_export_is_byte_identical_whatever_the_store_and_order(tmp_path: Path) -> None:
    first, second = sample_extraction("000_a"), sample_extraction("001_b")
    outputs = []
    for kind, order in [("memory", (first, second)), ("oxigraph", (second, first))]:
        with open_store(kind, tmp_path) as store:
            build(store, *order)
            store.load_ontology()
            if kind == "oxigraph":
                build(store, *order)
            outputs.append({
                fmt: store.export(tmp_path / f"{kind}.{fmt}", fmt).read_bytes()
                for fmt in ("turtle", "trig", "nquads", "jsonld")
            })
            # what a build writes: graph.ttl made from graph.trig
            made = turtle_from_trig(tmp_path / f"{kind}.trig", tmp_path / f"{kind}-made.ttl")
            assert made.read_bytes() == outputs[-1]["turtle"]
    assert outputs[0] == outputs[1]
    turtle = outputs[0]["turtle"].decode()
    assert "owl:imports <https://w3id.org/newskg/ontology>" in turtle
    assert "rdfs:comment" not in turtle  # the ontology is imported, not copied
    # the dataset formats hold every graph, the ontology's too, each in one piece
    graphs = [line.rsplit(" ", 2)[1] for line in outputs[0]["nquads"].decode().splitlines()]
    runs = [g for i, g in enumerate(graphs) if i == 0 or graphs[i - 1] != g]
    assert len(runs) == len(set(runs)) and f"<{ONTOLOGY_GRAPH}>" in runs


def test_turtle_export_is_the_union_of_the_graphs(store: Store, tmp_path: Path) -> None:
    build(store, sample_extraction(), sample_extraction("001_other"))
    parsed = Graph().parse(store.export(tmp_path / "graph.ttl"), format="turtle")
    union = {(s, p, o) for s, p, o, _ in all_quads(store)}
    header = {(DATASET_IRI, RDF.type, OWL.Ontology), (DATASET_IRI, OWL.imports, ONTOLOGY_IRI)}
    assert {tuple(map(str, t)) for t in parsed} == union | {tuple(map(str, t)) for t in header}
