"""Write the NetworkX view of the graph (``kg.network.to_networkx``) in the formats of other tools.

GraphML and GEXF (Gephi, Cytoscape desktop, yEd) hold scalar attributes only, so lists are
joined with ``" | "`` and missing values are left out; the JSON formats keep them as they are.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import networkx as nx

LIST_SEPARATOR = " | "

EDGE_COLUMNS = (
    "statement",
    "subject",
    "subject_label",
    "relation",
    "object",
    "object_label",
    "modality",
    "evidence",
    "article",
    "article_title",
    "date",
    "event_date",
    "confidence",
    "reported_by",
)


# XML 1.0 (GraphML, GEXF) cannot carry C0 control characters other than tab and newlines.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(value: Any) -> Any:
    return _XML_ILLEGAL.sub("\ufffd", value) if isinstance(value, str) else value


def _scalar(attrs: dict[str, Any]) -> dict[str, Any]:
    return {
        k: _xml_safe(LIST_SEPARATOR.join(map(str, v)) if isinstance(v, list | tuple | set) else v)
        for k, v in attrs.items()
        if v is not None
    }


def flatten(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Return a copy of `G` whose attributes are all scalars, as GraphML and GEXF need.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph as returned by ``kg.network.to_networkx``.

    Returns
    -------
    H : networkx.MultiDiGraph
        The same nodes and edges; list attributes joined with ``LIST_SEPARATOR`` and
        attributes whose value is ``None`` dropped.
    """
    H = nx.MultiDiGraph(**_scalar(G.graph))
    H.add_nodes_from((n, _scalar(d)) for n, d in G.nodes(data=True))
    H.add_edges_from((u, v, k, _scalar(d)) for u, v, k, d in G.edges(keys=True, data=True))
    return H


def write_graphml(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write `G` as GraphML (edge ids are the statement IRIs) and return the path."""
    nx.write_graphml(flatten(G), path)
    return Path(path)


def write_gexf(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write `G` as GEXF for Gephi and return the path."""
    nx.write_gexf(flatten(G), path)
    return Path(path)


def _write_json(data: Any, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_cytoscape_json(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write `G` in Cytoscape.js JSON (node ``name`` = label) and return the path."""
    return _write_json(nx.cytoscape_data(G, name="label"), path)


def write_node_link_json(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write `G` as node-link JSON (d3, ``nx.node_link_graph``) and return the path."""
    return _write_json(nx.node_link_data(G, edges="edges"), path)


def write_edges_csv(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write one CSV row per statement with its evidence and provenance; return the path.

    The columns are ``EDGE_COLUMNS``: the statement IRI, subject and object IRIs and
    labels, then the edge attributes of ``kg.network.to_networkx``.
    """
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=EDGE_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for u, v, key, data in G.edges(keys=True, data=True):
            writer.writerow(
                {
                    **data,
                    "statement": key,
                    "subject": u,
                    "subject_label": G.nodes[u].get("label"),
                    "object": v,
                    "object_label": G.nodes[v].get("label"),
                }
            )
    return path
