"""Reading the RDF model into NetworkX (kg.network)."""

from __future__ import annotations

import networkx as nx
import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from kg.namespaces import KG, KGR, RDF
from kg.network import to_networkx

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
    views_trig: str, views_dataset: Dataset, views_graph: nx.MultiDiGraph
) -> None:
    flat = Graph()
    for s, p, o, _ in views_dataset.quads():
        flat.add((s, p, o))
    assert _same(to_networkx(flat), views_graph)
    on_oxigraph = Dataset(store="Oxigraph").parse(data=views_trig, format="trig")
    assert _same(to_networkx(on_oxigraph), views_graph)


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
