"""Files a build writes next to the store: exports, the graph view and statistics."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from kg.export import write_view_graphml
from kg.html import write_view_html
from kg.network import RDFView
from kg.pipeline import BuildConfig, process_context
from kg.store import Store, write_exports


def write_outputs(store: Store, out: Path, config: BuildConfig) -> None:
    """graph.ttl, graph.trig, graph.graphml, graph.html and stats.json under ``out``.

    With more than one worker and a store on disk, a second process exports the store,
    reading it read-only, while this one draws the views: both are single-threaded, and
    the export is a third of the work.
    """
    parallel = store.folder is not None and config.workers > 1
    with ExitStack() as stack:
        if parallel:
            store.flush()  # the other process reads what is on disk
            pool = stack.enter_context(ProcessPoolExecutor(1, mp_context=process_context()))
            exported = pool.submit(write_exports, store.folder, out)
        else:
            write_exports(store, out)
        # Read from the store a batch at a time: memory does not grow with the corpus.
        view = RDFView(store.dataset)
        write_view_graphml(view, out / "graph.graphml")
        write_view_html(
            view, out / "graph.html", title="Knowledge graph", max_nodes=config.html_max_nodes
        )
        stats = store.stats()
        (out / "stats.json").write_text(
            json.dumps(stats, indent=2, sort_keys=True), encoding="utf-8"
        )
        if parallel:
            exported.result()  # its error, if it failed, is this build's

