"""kg: news articles -> a knowledge graph with provenance, queryable and explorable.

import kg
g = kg.load("outputs")          # what `kg build` wrote
g = kg.build("data/articles")   # or build in memory
g.query("SELECT ...")           # pandas DataFrame
g.to_networkx(); g.show()
"""

from __future__ import annotations

from typing import Any

__all__ = ["KnowledgeGraph", "build", "load"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """The API from kg.graph on first use: ``kg build`` and the workers, which import
    ``kg.pipeline``, never pay for pandas and NetworkX."""
    if name in __all__:
        from kg import graph

        return getattr(graph, name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
