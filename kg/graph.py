"""The Python face of a built graph: ``kg.load("outputs")`` or ``kg.build(paths)``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.network import to_networkx
from kg.store import Store

if TYPE_CHECKING:
    import pandas as pd


class KnowledgeGraph:
    """A built graph: SPARQL into DataFrames, NetworkX, and the interactive view."""

    def __init__(self, store: Store, folder: Path | None = None) -> None:
        self.store = store
        self.folder = folder

    def query(self, sparql: str) -> pd.DataFrame:
        """Run a SPARQL SELECT; one column per variable."""
        return self.store.query_df(sparql)

    def to_networkx(self, include: tuple[str, ...] | None = None) -> nx.MultiDiGraph:
        """Entities as nodes, one edge per statement (see ``kg.network.to_networkx``)."""
        return to_networkx(self.store, *(() if include is None else (include,)))

    def stats(self) -> dict[str, Any]:
        return self.store.stats()

    def show(self, **kwargs: Any):
        """The interactive HTML view, inline in Jupyter."""
        from kg.html import show

        return show(self.to_networkx(), **kwargs)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load(folder: str | Path = "outputs") -> KnowledgeGraph:
    """Open the graph that ``kg build`` wrote into ``folder``.

    The on-disk store is opened when present; otherwise ``graph.trig`` is read into memory.
    """
    folder = Path(folder)
    if (folder / "store").is_dir():
        return KnowledgeGraph(Store.open(folder / "store"), folder)
    store = Store.open(None)
    store.dataset.parse(folder / "graph.trig", format="trig")
    return KnowledgeGraph(store, folder)


def build(paths, out: str | Path | None = None, **settings: Any) -> KnowledgeGraph:
    """Build the graph of ``paths`` (files or folders) and return it.

    With ``out`` the build is written there as ``kg build`` would; without, it stays in memory.
    """
    from kg.pipeline import BuildConfig, build_into

    config = BuildConfig(**settings)
    if out is None:
        store = Store.open(None)
        build_into(store, [paths] if isinstance(paths, str | Path) else paths, None, config)
        return KnowledgeGraph(store)
    from kg.pipeline import build as build_folder

    build_folder([paths] if isinstance(paths, str | Path) else paths, out, config)
    return load(out)
