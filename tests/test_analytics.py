"""Analytics (kg.analytics) on a small hand-written graph whose answers are known."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import networkx as nx
import pytest

import kg.analytics
from kg.analytics import (
    agreement,
    communities,
    figures,
    format_paths,
    rankings,
    resolve,
    shortest_paths,
    timeline,
    write_analysis,
)
from kg.graph import KnowledgeGraph
from kg.namespaces import KGR
from kg.store import Store

# Three articles; the comment at the top of the file says what each one states.
TRIG = (Path(__file__).parent / "fixtures" / "analytics.trig").read_text("utf-8")


def entity(slug: str) -> str:
    return str(KGR["entity/" + slug])


@pytest.fixture
def graph() -> KnowledgeGraph:
    store = Store.open(None)
    store.dataset.parse(data=TRIG, format="trig")
    return KnowledgeGraph(store)


@pytest.fixture
def G(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    return graph.to_networkx()


def test_docstring_examples_hold() -> None:
    assert doctest.testmod(kg.analytics).failed == 0


def test_communities_read_statement_counts_as_a_digraph_weight(G: nx.MultiDiGraph) -> None:
    counted = nx.DiGraph()
    counted.add_nodes_from(G)
    for u, v in G.edges():
        counted.add_edge(u, v, weight=counted.get_edge_data(u, v, {"weight": 0})["weight"] + 1)
    assert max(w for *_, w in counted.edges(data="weight")) > 1  # parallel statements
    assert communities(counted) == communities(G)


def test_rankings_put_the_hub_first_and_isolated_entities_last(G: nx.MultiDiGraph) -> None:
    frame = rankings(G, top=None)
    assert list(frame.columns) == list(kg.analytics.RANKING_COLUMNS)
    assert frame["label"].iloc[0] == "Xville"
    xville = frame.set_index("label").loc["Xville"]
    assert xville["degree"] == pytest.approx(3 / 7)
    # Of the 21 pairs of the other entities, Xville is on every shortest path of 6 (Beta
    # or Pat to Alpha, Yton or Zland) and on one of the two from Alpha to Zland.
    assert xville["betweenness"] == pytest.approx(6.5 / 21, abs=1e-6)
    assert xville["betweenness"] == frame["betweenness"].max()
    # Isolated entities rank last, by label.
    assert frame["label"].tolist()[-2:] == ["Lone Figure", "Q Monitor"]
    assert frame.set_index("label").loc["Alpha Brigade", "articles"] == 3
    assert frame["pagerank"].is_monotonic_decreasing
    assert rankings(G, top=3)["label"].tolist() == frame["label"].tolist()[:3]


def test_communities_are_deterministic_and_numbered_by_size(G: nx.MultiDiGraph) -> None:
    membership = communities(G)
    assert membership == communities(G)
    assert set(membership) == set(G)
    sizes = [list(membership.values()).count(c) for c in range(max(membership.values()) + 1)]
    assert sizes == sorted(sizes, reverse=True)
    # An entity in no statement is a community of its own.
    lone = membership[entity("lone")]
    assert [n for n, c in membership.items() if c == lone] == [entity("lone")]


def test_resolve_by_iri_label_or_alias_and_suggests_close_names(G: nx.MultiDiGraph) -> None:
    assert resolve(G, entity("beta")) == entity("beta")
    assert resolve(G, "alpha brigade") == entity("alpha")
    assert resolve(G, "ab") == entity("alpha")
    with pytest.raises(ValueError, match=r"did you mean \['Alpha Brigade'\]"):
        resolve(G, "Alpha Brigad")


def test_shortest_path_with_its_evidence(G: nx.MultiDiGraph) -> None:
    [path] = shortest_paths(G, "Pat Leader", "Zland", limit=1)
    assert [(h["subject"], h["relation"], h["object"]) for h in path] == [
        ("Pat Leader", "leaderOf", "Beta Front"),
        ("Beta Front", "captured", "Xville"),
        ("Xville", "locatedIn", "Zland"),
    ]
    # Every statement of the hop, aligned: the negation stays visible.
    assert path[1]["articles"] == ["a2", "a3"]
    assert path[1]["modalities"] == ["negated", "asserted"]
    assert path[1]["evidence"] == ["Beta did not take Xville.", "Beta captured Xville."]
    text = format_paths([path])
    assert "Pat Leader --leaderOf--> Beta Front" in text
    assert "[a2, negated] Beta did not take Xville." in text


def test_paths_ignore_direction_and_come_shortest_first(G: nx.MultiDiGraph) -> None:
    paths = shortest_paths(G, "Alpha Brigade", "Zland", limit=5)
    assert [len(p) for p in paths] == [2, 2]
    # Against its direction: Zland <-locatedIn- Yton <-attacked- Alpha.
    assert {(p[0]["relation"], p[1]["relation"]) for p in paths[:2]} == {
        ("captured", "locatedIn"),
        ("attacked", "locatedIn"),
    }
    assert paths == shortest_paths(G, "AB", "zland", limit=5)


def test_no_path_and_same_entity(G: nx.MultiDiGraph) -> None:
    assert shortest_paths(G, "Lone Figure", "Zland") == []
    with pytest.raises(ValueError, match="same entity"):
        shortest_paths(G, "AB", "Alpha Brigade")


def test_timeline_orders_dated_statements(graph: KnowledgeGraph) -> None:
    frame = timeline(graph)
    assert frame["date"].tolist() == ["2023-12-30"] + ["2024-01-01"] * 2 + ["2024-01-03"] * 3
    assert frame.iloc[0][["dated_by", "subject_label", "relation"]].tolist() == [
        "event",
        "Alpha Brigade",
        "captured",
    ]
    assert set(frame["dated_by"].iloc[1:]) == {"published"}
    # a3 has no date and its sentences give none: its statements are left out.
    assert "a3" not in set(frame["article"])


def test_agreement_finds_corroboration_and_contradiction(G: nx.MultiDiGraph) -> None:
    tables = agreement(G)
    corroborated = tables["corroborated"]
    assert corroborated[["subject_label", "relation", "object_label"]].values.tolist() == [
        ["Alpha Brigade", "captured", "Xville"]
    ]
    assert corroborated["article_ids"].tolist() == ["a1 | a2"]
    assert corroborated["modalities"].tolist() == ["asserted | reported"]
    assert corroborated["reported_by"].tolist() == ["Q Monitor"]
    single = tables["single_source"]
    assert set(single["articles"]) == {1}
    # Hypothetical and negated relations are not facts.
    assert "attacked" not in set(single["relation"])
    assert len(single) == 4
    [contradiction] = tables["contradictions"].to_dict("records")
    assert contradiction["subject_label"] == "Beta Front"
    assert (contradiction["stated_in"], contradiction["negated_in"]) == ("a3", "a2")
    assert contradiction["negated_evidence"] == "Beta did not take Xville."
    assert tables["disagreeing_figures"].empty


def test_one_article_stating_and_negating_is_no_contradiction(G: nx.MultiDiGraph) -> None:
    G.remove_edge(entity("beta"), entity("xville"), key=str(KGR["statement/a3-1"]))
    G.add_edge(
        entity("beta"),
        entity("xville"),
        **{
            **G.edges[entity("alpha"), entity("xville"), str(KGR["statement/a1-1"])],
            "article": "a2",
        },
    )
    assert agreement(G)["contradictions"].empty


def test_figures_that_disagree_across_articles(graph: KnowledgeGraph, G: nx.MultiDiGraph) -> None:
    table = figures(graph)
    assert len(table) == 4
    assert table.set_index("value").loc[12.0, "attributed_to"] == "Q Monitor"
    assert table.set_index("value").loc[10.0, "publisher"] == "Daily"
    disputed = agreement(G, table)["disagreeing_figures"]
    assert disputed[["measure", "place_label", "value", "article"]].values.tolist() == [
        ["killed", "Xville", 10.0, "a1"],
        ["killed", "Xville", 12.0, "a2"],
    ]


def test_no_figures_in_the_graph() -> None:
    empty = KnowledgeGraph(Store.open(None))
    table = figures(empty)
    assert table.empty
    assert list(table.columns) == list(kg.analytics.FIGURE_COLUMNS)
    assert agreement(empty.to_networkx(), table)["disagreeing_figures"].empty


def test_write_analysis(graph: KnowledgeGraph, tmp_path: Path) -> None:
    folder = tmp_path / "analysis"
    paths = write_analysis(graph, folder)
    names = ("rankings", "communities", "timeline", "corroborated", "single_source",
             "contradictions", "disagreeing_figures")  # fmt: skip
    assert sorted(paths) == sorted(folder / f"{n}.{x}" for n in names for x in ("csv", "json"))
    assert all(p.is_file() for p in paths)

    def records(name: str) -> list[dict]:
        return json.loads((folder / f"{name}.json").read_text("utf-8"))

    ranks = {r["label"]: r for r in records("rankings")}
    assert len(ranks) == 8
    # Rankings count facts only: the hypothetical attack on Yton is no link.
    assert ranks["Yton"]["degree"] == pytest.approx(1 / 7)
    [row] = records("contradictions")
    assert row["subject"] == entity("beta")
    assert '"https://w3id.org/' in (folder / "contradictions.json").read_text("utf-8")
    assert (folder / "disagreeing_figures.csv").read_text("utf-8").count("\n") == 3
    assert len(records("timeline")) == 6
    assert write_analysis(graph, folder, top=2) == paths
    assert len(records("rankings")) == 2
