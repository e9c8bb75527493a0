"""Reading the RDF model into NetworkX (kg.network), whole or a batch at a time."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Dataset, Graph, Literal, URIRef

import kg.network
from kg.namespaces import DCTERMS, KG, KGR, PROV, RDF, RDFS, SDO, SKOS, XSD
from kg.network import RDFView, to_networkx
from kg.store import Store

HTS = str(KGR["entity/hts"])
HAMA = str(KGR["entity/hama"])


def test_nodes_carry_label_class_aliases_and_articles(views_graph: nx.MultiDiGraph) -> None:
    assert views_graph.number_of_nodes() == 10
    assert views_graph.nodes[HTS] == {
        "label": "Hayat Tahrir al-Sham",
        "cls": "ArmedGroup",
        "aliases": ["HTS", "Tahrir al-Sham"],
        "articles": ["a1", "b2"],
    }
    # SOHR is in no statement but is still an entity of the graph.
    assert views_graph.degree(str(KGR["entity/sohr"])) == 0


def test_one_edge_per_statement_with_its_provenance(views_graph: nx.MultiDiGraph) -> None:
    assert views_graph.number_of_edges() == 9
    parallel = views_graph.get_edge_data(HTS, HAMA)
    assert sorted(parallel) == [str(KGR["statement/a1-1"]), str(KGR["statement/b2-1"])]
    assert parallel[str(KGR["statement/b2-1"])] == {
        "relation": "captured",
        "modality": "reported",
        "evidence": "SOHR said HTS had seized Hama.",
        "article": "b2",
        "article_title": "Observers report fall of Hama",
        "date": "2024-12-06",
        "event_date": None,
        "confidence": 0.8,
        "reported_by": "SOHR",
    }
    assert parallel[str(KGR["statement/a1-1"])]["event_date"] == "2024-12-05"
    modalities = sorted(d["modality"] for *_, d in views_graph.edges(data=True))
    assert modalities == ["asserted"] * 6 + ["hypothetical", "negated", "reported"]


def test_include_keeps_only_the_chosen_modalities(views_dataset: Dataset) -> None:
    factual = to_networkx(views_dataset, include=["asserted", "reported"])
    assert factual.number_of_edges() == 7
    assert factual.number_of_nodes() == 10
    assert {d["modality"] for *_, d in factual.edges(data=True)} == {"asserted", "reported"}
    assert to_networkx(views_dataset, include=[]).number_of_edges() == 0


def test_unknown_modality_is_refused(views_dataset: Dataset) -> None:
    with pytest.raises(ValueError, match="certain"):
        to_networkx(views_dataset, include=["asserted", "certain"])


def _same(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> bool:
    return dict(a.nodes(data=True)) == dict(b.nodes(data=True)) and sorted(
        a.edges(keys=True, data=True)
    ) == sorted(b.edges(keys=True, data=True))


def test_plain_graph_and_oxigraph_store_read_the_same(
    views_trig: str, views_dataset: Dataset, views_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    flat = Graph()
    for s, p, o, _ in views_dataset.quads():
        flat.add((s, p, o))
    assert _same(to_networkx(flat), views_graph)
    on_oxigraph = Dataset(store="Oxigraph").parse(data=views_trig, format="trig")
    assert _same(to_networkx(on_oxigraph), views_graph)
    # kg's store on disk is asked through pyoxigraph, not rdflib: the same nodes and edges
    with Store.open(tmp_path / "store") as store:
        store.dataset.parse(data=views_trig, format="trig")
        assert _same(to_networkx(store), views_graph)


def test_statement_about_an_unlabelled_resource_gets_a_usable_node(
    views_dataset: Dataset,
) -> None:
    st, ghost = KGR["statement/x"], KGR["entity/ghost-town"]
    graph = views_dataset.graph(KGR["graph/x"])
    for p, o in [
        (RDF.type, RDF.Statement),
        (RDF.subject, URIRef(HTS)),
        (RDF.predicate, KG.captured),
        (RDF.object, ghost),
        (KG.modality, KG.asserted),
        (KG.evidence, Literal("HTS took the ghost town.")),
    ]:
        graph.add((st, p, o))
    G = to_networkx(views_dataset)
    assert G.nodes[str(ghost)] == {
        "label": "ghost-town",
        "cls": None,
        "aliases": [],
        "articles": [],
    }
    assert G.edges[HTS, str(ghost), str(st)]["article"] is None


# --- RDFView: the same graph, read a batch at a time -------------------------------------


def synthetic_dataset(n_entities: int, n_statements: int, seed: int = 0) -> Dataset:
    """A seeded graph laid out as docs/rdf-model.md says, with hubs as news has: a few
    entities in most statements, some self-loops, statements of every modality spread
    over 30 articles, some without their optional values, and one about a resource that
    is no entity."""
    rng = random.Random(seed)
    ds = Dataset()
    entities = ds.graph(KGR["graph/entities"])
    nodes = [KGR[f"entity/e{i:03d}"] for i in range(n_entities)]
    for i, e in enumerate(nodes):
        entities.add((e, RDF.type, KG[rng.choice(["ArmedGroup", "City", "Person"])]))
        entities.add((e, RDFS.label, Literal(f"Entity {i}")))
        if i % 3 == 0:
            entities.add((e, SKOS.altLabel, Literal(f"E{i}")))
    articles = [KGR[f"article/a{a:02d}"] for a in range(30)]
    for a, article in enumerate(articles):
        g = ds.graph(KGR[f"graph/a{a:02d}"])
        g.add((article, DCTERMS.identifier, Literal(f"a{a:02d}")))
        g.add((article, DCTERMS.title, Literal(f"Article {a}")))
        g.add((article, SDO.datePublished, Literal(f"2024-12-{1 + a % 28:02d}", datatype=XSD.date)))
    weights = [1 / (i + 1) for i in range(n_entities)]  # Zipf: a few hubs
    modalities = ["asserted", "reported", "hypothetical", "negated"]
    for k in range(n_statements):
        s, o = rng.choices(nodes, weights, k=2)
        if k == 0:
            o = KGR["entity-like/ghost"]  # not an entity IRI: a node all the same
        a = rng.randrange(30)
        g, st = ds.graph(KGR[f"graph/a{a:02d}"]), KGR[f"statement/s{k:04d}"]
        for p, value in [
            (RDF.type, RDF.Statement),
            (RDF.subject, s),
            (RDF.predicate, KG[rng.choice(["attacked", "captured", "supports"])]),
            (RDF.object, o),
            (KG.modality, KG[rng.choices(modalities, weights=(70, 20, 6, 4))[0]]),
            (KG.evidence, Literal(f"Sentence {k}.")),
            (KG.confidence, Literal(Decimal(rng.randrange(100)) / 100)),
            (PROV.wasDerivedFrom, articles[a]),
        ]:
            g.add((st, p, value))
        if k % 4 == 0:
            g.add((st, KG.eventDate, Literal(f"2024-11-{1 + k % 28:02d}", datatype=XSD.date)))
        if k % 5 == 0:
            g.add((st, KG.reportedBy, Literal("SOHR")))
        g.add((articles[a], SDO.mentions, s))
    return ds


def on_oxigraph(ds: Dataset) -> Dataset:
    """The same quads in an Oxigraph store, whose views read a batch at a time."""
    copy = Dataset(store="Oxigraph")
    copy.addN(ds.quads())
    return copy


@pytest.fixture(scope="module", params=["memory", "Oxigraph"])
def synthetic(request: pytest.FixtureRequest) -> Dataset:
    """A synthetic graph of 40 entities and 250 statements, in rdflib's store or Oxigraph."""
    ds = synthetic_dataset(40, 250, seed=3)
    return ds if request.param == "memory" else on_oxigraph(ds)


def statement_rows(view: RDFView, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that gets the number of rows of each statements query `view` runs."""
    read, rows = view._rows, []

    def counted(query: str, values: str = "", **options: bool) -> list[Any]:
        found = read(query, values, **options)
        if query == kg.network._STATEMENTS:
            rows.append(len(found))
        return found

    monkeypatch.setattr(view, "_rows", counted)
    return rows


def test_view_reads_nodes_then_edges_in_a_fixed_order(synthetic: Dataset) -> None:
    view = RDFView(synthetic)
    nodes = view.nodes
    ghost = str(KGR["entity-like/ghost"])
    assert ghost in nodes and nodes == sorted(nodes)  # entities and other resources
    assert len(nodes) == 41
    data = dict(view.node_data())
    assert data[ghost] == {"label": "ghost", "cls": None, "aliases": [], "articles": []}
    assert data[str(KGR["entity/e000"])]["aliases"] == ["E0"]
    edges = list(view.edges())
    assert len(edges) == 250
    position = {n: i for i, n in enumerate(nodes)}
    order = [(position[s], position[o], st) for s, o, st, _ in edges]
    assert order == sorted(order)
    assert sum(1 for s, o, *_ in edges if s == o) > 0  # self-loops are read too


@pytest.mark.parametrize("kind", ["rdflib on Oxigraph", "kg store"])
def test_small_batches_read_what_one_query_reads(
    kind: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Many small queries give what one query for everything gives, in the same order; on
    kg's store a second thread reads each batch of statements ahead."""
    ds = synthetic_dataset(40, 250, seed=3)
    whole = RDFView(ds)  # rdflib's memory store: one query for everything
    hubs = whole.nodes[:5]
    expected = list(whole.node_data()), list(whole.edges()), list(whole.edges(hubs))

    monkeypatch.setattr(kg.network, "STATEMENTS_PER_QUERY", 7)
    monkeypatch.setattr(kg.network, "MENTIONS_PER_QUERY", 5)
    with Store.open(tmp_path / "store") as store:
        store.dataset.addN(ds.quads())
        batched = RDFView(on_oxigraph(ds) if kind == "rdflib on Oxigraph" else store)
        assert batched._ahead == (kind == "kg store")
        rows = statement_rows(batched, monkeypatch)
        got = list(batched.node_data()), list(batched.edges()), list(batched.edges(hubs))
    assert got == expected
    assert len(rows) > 20 and max(rows) < 250  # many small queries, none for everything


def test_batches_read_each_statement_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a statement again with each batch made a big store's views quadratic."""
    monkeypatch.setattr(kg.network, "STATEMENTS_PER_QUERY", 7)
    view = RDFView(on_oxigraph(synthetic_dataset(40, 250, seed=3)))
    rows = statement_rows(view, monkeypatch)
    assert len(list(view.edges())) == 250
    assert len(rows) > 10 and sum(rows) == 250


def test_edges_among_nodes_come_in_their_order(synthetic: Dataset) -> None:
    view = RDFView(synthetic)
    hubs = sorted(view.nodes[:6], reverse=True)
    edges = list(view.edges(hubs))
    everything = to_networkx(synthetic)
    assert sorted(st for *_, st, _ in edges) == sorted(
        key for u, v, key in everything.edges(keys=True) if u in hubs and v in hubs
    )
    position = {n: i for i, n in enumerate(hubs)}
    order = [(position[s], position[o], st) for s, o, st, _ in edges]
    assert order == sorted(order) and len(set(order)) > 1


def test_relations_count_the_statements_without_reading_them(synthetic: Dataset) -> None:
    view = RDFView(synthetic)
    counted = {(u, r, v): n for u, r, v, n in view.relations()}
    G = to_networkx(synthetic)
    expected: dict[tuple[str, str, str], int] = {}
    for u, v, d in G.edges(data=True):
        expected[u, d["relation"], v] = expected.get((u, d["relation"], v), 0) + 1
    assert counted == expected
    weighted = view.weighted()
    assert list(weighted) == list(G)
    assert weighted.size(weight="weight") == G.number_of_edges() == 250
    assert view.article_count() == len({d["article"] for *_, d in G.edges(data=True)})


def test_view_keeps_only_the_chosen_modalities(views_dataset: Dataset) -> None:
    view = RDFView(views_dataset, include=["negated"])
    assert [d["modality"] for *_, d in view.edges()] == ["negated"]
    assert view.weighted().size(weight="weight") == 1
    assert list(RDFView(views_dataset, include=[]).edges()) == []
