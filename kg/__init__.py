"""kg: news articles -> a knowledge graph with provenance, queryable and explorable.

import kg
g = kg.load("outputs")          # what `kg build` wrote
g = kg.build("data/articles")   # or build in memory
g.query("SELECT ...")           # pandas DataFrame
g.to_networkx(); g.show()
"""

from kg.graph import KnowledgeGraph, build, load

__all__ = ["KnowledgeGraph", "build", "load"]
__version__ = "0.1.0"
