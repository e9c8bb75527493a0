"""Files a build writes next to the store: exports, the graph view and statistics."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.export import VIEW_KEYS, GraphMLWriter
from kg.html import write_view_html
from kg.network import RDFView
from kg.store import Store, turtle_from_trig

if TYPE_CHECKING:
    from kg.pipeline import BuildConfig


def write_outputs(store: Store, out: Path, config: BuildConfig) -> None:
    """graph.ttl, graph.trig, graph.graphml, graph.html and stats.json under ``out``.

    Oxigraph writes the exports and counts the statistics without holding Python's lock,
    so on a store that threads may share they run in a second thread while this one draws
    the views: on two cores they take no time from the build. A third counts the articles
    that the page needs after the GraphML's nodes.
    """
    view = RDFView(store)
    if store.threadsafe:
        with ThreadPoolExecutor(2) as pool:
            exported = pool.submit(_exports, store, out)
            pool.submit(view.article_count)  # any error is raised again when the page asks
            _views(view, out, config)
            stats = exported.result()
    else:
        stats = _exports(store, out)
        _views(view, out, config)
    (out / "stats.json").write_text(json.dumps(stats, indent=2, sort_keys=True), encoding="utf-8")


def _exports(store: Store, out: Path) -> dict[str, Any]:
    """Write graph.trig and graph.ttl; returns the store's statistics."""
    turtle_from_trig(store.export(out / "graph.trig", "trig"), out / "graph.ttl")
    return store.stats()


def _views(view: RDFView, out: Path, config: BuildConfig) -> None:
    """Write graph.graphml and graph.html, reading the statements a batch at a time: memory
    grows with the number of entities (the view's nodes and counts), not of statements.

    The statements are read once: the page takes those it draws as the GraphML's pass by.
    """
    with GraphMLWriter(out / "graph.graphml", VIEW_KEYS) as graphml:
        for n, data in view.node_data():
            graphml.node(n, data)
        edges = graphml.passing(view.edges())
        write_view_html(
            view,
            out / "graph.html",
            title="Knowledge graph",
            max_nodes=config.html_max_nodes,
            edges=edges,
        )
        for _ in edges:  # whatever the page left unread
            pass
