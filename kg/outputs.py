"""Files a build writes next to the store: exports, the graph view and statistics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from kg.export import write_view_graphml
from kg.html import write_view_html
from kg.network import RDFView

if TYPE_CHECKING:
    from kg.pipeline import BuildConfig
    from kg.store import Store


def write_outputs(store: Store, out: Path, config: BuildConfig) -> None:
    """graph.ttl, graph.trig, graph.graphml, graph.html and stats.json under ``out``."""
    trig = store.export(out / "graph.trig", "trig")
    store.export(out / "graph.ttl", "turtle", source=trig)  # a fifth of a second store read
    # Read from the store a batch at a time: memory does not grow with the corpus.
    view = RDFView(store.dataset)
    write_view_graphml(view, out / "graph.graphml")
    write_view_html(
        view, out / "graph.html", title="Knowledge graph", max_nodes=config.html_max_nodes
    )
    stats = store.stats()
    (out / "stats.json").write_text(json.dumps(stats, indent=2, sort_keys=True), encoding="utf-8")
