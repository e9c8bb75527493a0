"""Exports of the NetworkX view (kg.export): each file reads back into the same graph."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
from test_network import on_oxigraph, synthetic_dataset

import kg.network
from kg.export import (
    EDGE_COLUMNS,
    flatten,
    write_cytoscape_json,
    write_edges_csv,
    write_gexf,
    write_graphml,
    write_node_link_json,
    write_view_graphml,
)
from kg.namespaces import KGR
from kg.network import RDFView, to_networkx

HTS = str(KGR["entity/hts"])
HAMA = str(KGR["entity/hama"])
REPORTED = str(KGR["statement/b2-1"])


def test_flatten_joins_lists_and_drops_missing_values(views_graph: nx.MultiDiGraph) -> None:
    flat = flatten(views_graph)
    assert flat.nodes[HTS]["aliases"] == "HTS | Tahrir al-Sham"
    assert flat.nodes[HAMA]["aliases"] == ""
    assert "event_date" not in flat.edges[HTS, HAMA, REPORTED]
    assert views_graph.nodes[HTS]["aliases"] == ["HTS", "Tahrir al-Sham"]  # input untouched


def test_graphml_reads_back_with_statement_ids(
    views_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    back = nx.read_graphml(write_graphml(views_graph, tmp_path / "g.graphml"))
    assert isinstance(back, nx.MultiDiGraph)
    assert (back.number_of_nodes(), back.number_of_edges()) == (10, 9)
    assert back.nodes[HTS]["label"] == "Hayat Tahrir al-Sham"
    assert back.edges[HTS, HAMA, REPORTED]["reported_by"] == "SOHR"
    assert back.edges[HTS, HAMA, REPORTED]["confidence"] == 0.8


def test_graphml_keeps_graph_attributes_and_their_types(tmp_path: Path) -> None:
    G = nx.MultiDiGraph(name="g", version=2)
    G.add_node("a", size=3, share=0.5, hub=True, note="line\r\nbreak", gone=None)
    G.add_edge("a", "a", key="k", weight=2)
    back = nx.read_graphml(write_graphml(G, tmp_path / "g.graphml"), force_multigraph=True)
    assert (back.graph["name"], back.graph["version"]) == ("g", 2)
    assert back.nodes["a"] == {"size": 3, "share": 0.5, "hub": True, "note": "line\r\nbreak"}
    assert back.edges["a", "a", "k"] == {"weight": 2}


def test_view_graphml_holds_what_the_multigraph_graphml_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds = on_oxigraph(synthetic_dataset(40, 250, seed=3))
    whole = write_graphml(to_networkx(ds), tmp_path / "whole.graphml")
    monkeypatch.setattr(kg.network, "STATEMENTS_PER_QUERY", 7)  # many batches
    monkeypatch.setattr(kg.network, "MENTIONS_PER_QUERY", 5)
    streamed = write_view_graphml(RDFView(ds), tmp_path / "view.graphml")
    a, b = (nx.read_graphml(path, force_multigraph=True) for path in (streamed, whole))
    assert (a.number_of_nodes(), a.number_of_edges()) == (41, 250)
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))  # same content, same order
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))


def test_gexf_reads_back(views_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    back = nx.read_gexf(write_gexf(views_graph, tmp_path / "g.gexf"))
    assert (back.number_of_nodes(), back.number_of_edges()) == (10, 9)
    assert back.nodes[HTS]["aliases"] == "HTS | Tahrir al-Sham"
    relations = sorted(d["relation"] for *_, d in back.edges(data=True))
    assert relations == sorted(d["relation"] for *_, d in views_graph.edges(data=True))


def test_json_formats_round_trip(views_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = write_node_link_json(views_graph, tmp_path / "g.json")
    back = nx.node_link_graph(json.loads(path.read_text()), edges="edges")
    assert dict(back.nodes(data=True)) == dict(views_graph.nodes(data=True))
    assert sorted(back.edges(keys=True, data=True)) == sorted(
        views_graph.edges(keys=True, data=True)
    )

    path = write_cytoscape_json(views_graph, tmp_path / "cy.json")
    data = json.loads(path.read_text())
    assert len(data["elements"]["nodes"]) == 10
    assert len(data["elements"]["edges"]) == 9
    hts = next(n["data"] for n in data["elements"]["nodes"] if n["data"]["id"] == HTS)
    assert hts["name"] == "Hayat Tahrir al-Sham"
    assert hts["aliases"] == ["HTS", "Tahrir al-Sham"]


def test_edges_csv_has_one_row_per_statement(views_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    with write_edges_csv(views_graph, tmp_path / "edges.csv").open(newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames or ()) == EDGE_COLUMNS
        rows = {row["statement"]: row for row in reader}
    assert len(rows) == 9
    assert rows[REPORTED] == {
        "statement": REPORTED,
        "subject": HTS,
        "subject_label": "Hayat Tahrir al-Sham",
        "relation": "captured",
        "object": HAMA,
        "object_label": "Hama",
        "modality": "reported",
        "evidence": "SOHR said HTS had seized Hama.",
        "article": "b2",
        "article_title": "Observers report fall of Hama",
        "date": "2024-12-06",
        "event_date": "",
        "confidence": "0.8",
        "reported_by": "SOHR",
    }
