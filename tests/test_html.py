"""The offline HTML explorer (kg.html): page content, and its behaviour in a real Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from browser import drawn, open_page, screen_point, synthetic_graph, wait_settled
from playwright.sync_api import Browser, Page
from rdflib import Dataset
from test_network import on_oxigraph, synthetic_dataset

import kg.network
from kg.export import write_view_graphml
from kg.html import REMOTE_URL, render_html, show, write_html, write_view_html
from kg.namespaces import KGR
from kg.network import RDFView, to_networkx
from kg.outputs import write_outputs
from kg.pipeline import BuildConfig
from kg.store import Store

HTS = str(KGR["entity/hts"])
HAMA = str(KGR["entity/hama"])
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


def page_data(page: str) -> dict[str, Any]:
    """The panel's JSON embedded in a page."""
    found = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert found, "the page has no kg-data JSON"
    return json.loads(found.group(1))


def edge_id(data: dict[str, Any], subject: str, relation: str, obj: str) -> int:
    iris = [n["iri"] for n in data["nodes"]]
    (found,) = [
        i
        for i, e in enumerate(data["edges"])
        if (iris[e["from"]], e["relation"], iris[e["to"]]) == (subject, relation, obj)
    ]
    return found


@pytest.fixture
def hostile_graph(views_graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The fixture graph with markup and script in every kind of text the page shows."""
    G = views_graph.copy()
    G.nodes[HTS].update(label=SCRIPT, aliases=[IMG, "HTS"])
    for u, _, d in G.edges(data=True):
        if u == HTS:
            d.update(evidence=f"{IMG} said {SCRIPT}", reported_by=SCRIPT)
        if d["article"] == "b2":
            d.update(article_title=IMG)
    return G


# ---- the page itself ----------------------------------------------------------------------


def test_page_is_self_contained_and_aggregates_parallel_statements(
    views_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    path = write_html(views_graph, tmp_path / "g.html", title="Fixture")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert REMOTE_URL.search(page) is None
    assert "bootstrap" not in page and "cdn.jsdelivr" not in page
    assert "new vis.Network" in page  # vis-network is inlined, not linked
    data = page_data(page)
    assert (len(data["nodes"]), len(data["edges"]), len(data["statements"])) == (10, 8, 9)
    captured = data["edges"][edge_id(data, HTS, "captured", HAMA)]
    evidence = [data["statements"][i]["evidence"] for i in captured["statements"]]
    assert evidence == ["HTS captured Hama on Thursday.", "SOHR said HTS had seized Hama."]
    assert data["articles"]["b2"] == {
        "title": "Observers report fall of Hama",
        "date": "2024-12-06",
    }
    assert data["hiddenModalities"] == ["hypothetical", "negated"]
    assert render_html(views_graph, title="Fixture") == page  # seeded: the same page each time


def test_hostile_text_is_escaped_in_the_source(hostile_graph: nx.MultiDiGraph) -> None:
    page = render_html(hostile_graph, title=f"{SCRIPT} graph")
    assert SCRIPT not in page
    assert "<img src=x" not in page
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; graph</title>" in page
    data = page_data(page)
    assert SCRIPT in [n["label"] for n in data["nodes"]]  # the text itself survives


def test_big_graph_keeps_the_most_central_entities_and_says_so() -> None:
    G = synthetic_graph(350, 700, seed=1)
    hub = max(G, key=G.degree)
    page = render_html(G)
    data = page_data(page)
    assert len(data["nodes"]) == 300
    assert hub in {n["iri"] for n in data["nodes"]}
    assert "Showing 300 of 350 entities, the most central" in page
    uncapped = render_html(G, max_nodes=None)
    assert len(page_data(uncapped)["nodes"]) == 350
    assert "Showing" not in uncapped


def test_focus_draws_the_neighbourhood_of_an_entity_named_by_alias(
    views_graph: nx.MultiDiGraph,
) -> None:
    page = render_html(views_graph, focus="hts", hops=1)
    labels = [n["label"] for n in page_data(page)["nodes"]]
    assert labels[0] == "Hayat Tahrir al-Sham"  # the focus comes first
    assert sorted(labels[1:]) == ["Damascus", "Hama", "Homs"]
    assert "Showing the 1-hop neighbourhood of Hayat Tahrir al-Sham: 4 of 10 entities." in page
    two_hops = page_data(render_html(views_graph, focus=HTS, hops=2))["nodes"]
    assert len(two_hops) == 7  # + Syrian Army, civilians (via Hama) and Syria (via Homs)
    with pytest.raises(ValueError, match="did you mean"):
        render_html(views_graph, focus="Hamma")


@pytest.mark.parametrize("max_nodes", [None, 12])
def test_page_from_a_view_is_the_page_of_the_whole_multigraph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_nodes: int | None
) -> None:
    ds = on_oxigraph(synthetic_dataset(40, 250, seed=3))
    whole = write_html(to_networkx(ds), tmp_path / "whole.html", max_nodes=max_nodes)
    monkeypatch.setattr(kg.network, "STATEMENTS_PER_QUERY", 7)  # many batches
    monkeypatch.setattr(kg.network, "MENTIONS_PER_QUERY", 5)
    view = write_view_html(RDFView(ds), tmp_path / "view.html", max_nodes=max_nodes)
    page = view.read_text(encoding="utf-8")
    assert page == whole.read_text(encoding="utf-8")
    assert len(page_data(page)["nodes"]) == (max_nodes or 41)
    assert "41 entities, 250 statements from 30 articles" in page


def test_page_from_a_view_of_the_fixture(views_dataset: Dataset, tmp_path: Path) -> None:
    view = write_view_html(RDFView(views_dataset), tmp_path / "view.html", title="Fixture")
    whole = write_html(to_networkx(views_dataset), tmp_path / "whole.html", title="Fixture")
    assert view.read_bytes() == whole.read_bytes()


def test_a_build_reads_each_statement_once_for_the_graphml_and_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page takes the statements it draws as the GraphML's pass reads them all, and
    both files are what each writer writes on its own."""
    ds = on_oxigraph(synthetic_dataset(40, 250, seed=3))
    monkeypatch.setattr(kg.network, "STATEMENTS_PER_QUERY", 7)  # many batches
    alone = tmp_path / "alone"
    alone.mkdir()
    write_view_graphml(RDFView(ds), alone / "graph.graphml")
    write_view_html(RDFView(ds), alone / "graph.html", title="Knowledge graph", max_nodes=12)
    read, rows = RDFView._rows, []

    def counted(self: RDFView, query: str, restrict: str = "", **options: bool) -> list:
        found = read(self, query, restrict, **options)
        if query == kg.network._STATEMENTS:
            rows.append(len(found))
        return found

    monkeypatch.setattr(RDFView, "_rows", counted)
    store = Store(Dataset(store=ds.store, default_union=True))
    write_outputs(store, tmp_path, BuildConfig(html_max_nodes=12))
    for name in ("graph.graphml", "graph.html"):
        assert (tmp_path / name).read_bytes() == (alone / name).read_bytes()
    assert len(page_data((tmp_path / "graph.html").read_text())["nodes"]) == 12
    assert len(rows) > 10 and sum(rows) == 250


def test_a_store_that_changes_while_the_page_is_written_is_an_error(
    views_dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = RDFView(views_dataset)
    assert view.nodes  # counted before the statements are read
    edges = view.edges
    monkeypatch.setattr(view, "edges", lambda *args, **kwargs: list(edges(*args, **kwargs))[1:])
    with pytest.raises(RuntimeError, match="changed while its page was written"):
        write_view_html(view, tmp_path / "view.html")


def test_show_wraps_the_page_in_an_iframe(views_graph: nx.MultiDiGraph) -> None:
    shown = show(views_graph, max_nodes=5)
    markup = shown._repr_html_()
    assert markup.startswith('<div><iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert "<script" not in markup  # all of the page is inside the escaped attribute
    assert "Showing 5 of 10 entities" in markup


# ---- in a real browser --------------------------------------------------------------------


@pytest.fixture
def fixture_page(views_graph: nx.MultiDiGraph, tmp_path: Path) -> Path:
    return write_html(views_graph, tmp_path / "views.html", title="Fixture")


def details(page: Page) -> str:
    return page.locator("#kg-details-body").inner_text()


@pytest.mark.browser
def test_page_draws_offline_without_errors(chromium_browser: Browser, fixture_page: Path) -> None:
    with open_page(chromium_browser, fixture_page) as (page, log):
        wait_settled(page)
        # 8 drawn edges aggregate the 9 statements; 2 are hypothetical or negated only.
        assert drawn(page) == {"nodes": 10, "edges": 6, "allNodes": 10, "allEdges": 8}
        assert page.evaluate("network.physics.options.enabled") is False
        assert page.locator("#kg-drawn").inner_text() == "Drawn: 10 entities, 6 relations"
        assert page.locator("#kg-notice").count() == 0
    assert log.remote_requests == []
    assert log.errors == []
    assert log.dialogs == []


@pytest.mark.browser
def test_filters_change_what_is_drawn(chromium_browser: Browser, fixture_page: Path) -> None:
    with open_page(chromium_browser, fixture_page) as (page, log):
        page.locator("#kg-relations label", has_text="captured").locator("input").uncheck()
        assert drawn(page)["edges"] == 5
        page.locator("#kg-modalities label", has_text="hypothetical").locator("input").check()
        assert drawn(page)["edges"] == 5
        page.locator("#kg-relations label", has_text="captured").locator("input").check()
        assert drawn(page)["edges"] == 7
        damascus = str(KGR["entity/damascus"])
        hypothetical = edge_id(page.evaluate("kg.data"), HTS, "captured", damascus)
        assert page.evaluate(f"edges.get({hypothetical}).dashes") == [8, 6]

        page.locator("#kg-article").select_option("b2")
        assert drawn(page)["nodes"] == 8  # those that b2 mentions
        # HTS captured Hama (reported), Russia supports, HTS captured Damascus (hypothetical)
        assert drawn(page)["edges"] == 3
        page.locator("#kg-article").select_option("")
        page.locator("#kg-modalities label", has_text="hypothetical").locator("input").uncheck()
        page.locator("#kg-degree").fill("2")
        assert drawn(page)["nodes"] == 3  # HTS, Hama and Homs
        assert drawn(page)["edges"] == 2

        page.locator("#kg-classes label", has_text="City").locator("input").uncheck()
        page.locator("#kg-degree").fill("0")
        assert drawn(page)["nodes"] == 7
    assert log.errors == []


@pytest.mark.browser
def test_clicking_an_edge_lists_every_supporting_sentence(
    chromium_browser: Browser, fixture_page: Path
) -> None:
    with open_page(chromium_browser, fixture_page) as (page, _):
        wait_settled(page)
        data = page.evaluate("kg.data")
        edge = data["edges"][edge_id(data, HTS, "captured", HAMA)]
        page.mouse.click(*screen_point(page, [edge["from"], edge["to"]]))
        text = details(page)
        assert "2 supporting sentences" in text
        assert "HTS captured Hama on Thursday." in text
        assert "SOHR said HTS had seized Hama." in text
        assert "Rebels take Hama (a1), 2024-12-05" in text
        assert "Observers report fall of Hama (b2), 2024-12-06 · reported by SOHR" in text
        assert "asserted" in text and "reported" in text


@pytest.mark.browser
def test_clicking_a_node_lists_its_names_class_and_relations(
    chromium_browser: Browser, fixture_page: Path
) -> None:
    with open_page(chromium_browser, fixture_page) as (page, _):
        wait_settled(page)
        hts = [n["iri"] for n in page.evaluate("kg.data.nodes")].index(HTS)
        page.mouse.click(*screen_point(page, [hts]))
        text = details(page)
        for expected in [
            "Hayat Tahrir al-Sham",
            "ArmedGroup",
            "Tahrir al-Sham",
            "captured → Hama (2)",
            "advancedOn → Homs (1)",
            "captured → Damascus (1)",
            "Observers report fall of Hama (b2), 2024-12-06",
        ]:
            assert expected in text
        page.get_by_role("button", name="captured → Hama").click()
        assert "SOHR said HTS had seized Hama." in details(page)


@pytest.mark.browser
def test_search_focuses_an_entity_by_alias(chromium_browser: Browser, fixture_page: Path) -> None:
    with open_page(chromium_browser, fixture_page) as (page, _):
        search = page.locator("#kg-search")
        search.fill("sohr")
        search.press("Enter")
        assert page.locator("#kg-details h2").inner_text() == "Syrian Observatory for Human Rights"
        sohr = [n["label"] for n in page.evaluate("kg.data.nodes")].index(
            "Syrian Observatory for Human Rights"
        )
        assert page.evaluate("network.getSelectedNodes()") == [sohr]
        search.fill("Atlantis")
        search.press("Enter")
        assert page.locator("#kg-search-status").inner_text() == "No entity matches “Atlantis”."


@pytest.mark.browser
def test_colour_by_community(chromium_browser: Browser, fixture_page: Path) -> None:
    with open_page(chromium_browser, fixture_page) as (page, _):
        data = page.evaluate("kg.data")

        def colours() -> list[str]:
            return page.evaluate("nodes.get().map((n) => n.color)")

        assert colours() == [data["classColours"][n["cls"]] for n in data["nodes"]]
        assert page.locator("#kg-communities").is_hidden()
        page.get_by_label("community").check()
        assert colours() == [data["communityColours"][n["community"]] for n in data["nodes"]]
        assert page.locator("#kg-communities li").count() == len(data["communityColours"])


@pytest.mark.browser
def test_hostile_text_shows_literally_and_never_runs(
    chromium_browser: Browser, hostile_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    path = write_html(hostile_graph, tmp_path / "hostile.html", title=f"{SCRIPT} graph")
    with open_page(chromium_browser, path) as (page, log):
        wait_settled(page)
        assert page.title() == f"{SCRIPT} graph"
        assert page.locator("#kg-panel h1").inner_text() == f"{SCRIPT} graph"
        hts = [n["iri"] for n in page.evaluate("kg.data.nodes")].index(HTS)
        x, y = screen_point(page, [hts])
        page.mouse.move(x, y)  # vis-network's tooltip
        page.locator(".vis-tooltip").wait_for(state="visible")
        assert page.locator(".vis-tooltip").inner_text() == f"{SCRIPT} (ArmedGroup)"
        page.mouse.click(x, y)
        text = details(page)
        assert SCRIPT in text and IMG in text
        page.get_by_role("button", name="captured → Hama").click()
        assert f"{IMG} said {SCRIPT}" in details(page)
        assert f"reported by {SCRIPT}" in details(page)
        assert IMG in page.locator("#kg-article").inner_text()
        assert page.locator("img").count() == 0
        assert page.evaluate("window.kg.drawn.nodes") == 10
    assert log.dialogs == []
    assert log.errors == []
    assert log.remote_requests == []


@pytest.mark.browser
def test_big_graph_page_shows_the_cap(chromium_browser: Browser, tmp_path: Path) -> None:
    path = write_html(synthetic_graph(350, 700, seed=1), tmp_path / "big.html")
    with open_page(chromium_browser, path) as (page, log):
        notice = page.locator("#kg-notice").inner_text()
        assert notice.startswith("Showing 300 of 350 entities, the most central; use the filters")
        assert drawn(page)["allNodes"] == 300
    assert log.errors == [] and log.remote_requests == []


@pytest.mark.browser
def test_empty_graph_page_settles(chromium_browser: Browser, tmp_path: Path) -> None:
    path = write_html(nx.MultiDiGraph(), tmp_path / "empty.html")
    with open_page(chromium_browser, path) as (page, log):
        wait_settled(page)
        assert drawn(page) == {"nodes": 0, "edges": 0, "allNodes": 0, "allEdges": 0}
    assert log.errors == []
