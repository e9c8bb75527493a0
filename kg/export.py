"""Write the NetworkX view of the graph (``kg.network.to_networkx``) in the formats of other tools.

GraphML and GEXF (Gephi, Cytoscape desktop, yEd) hold scalar attributes only, so lists are
joined with ``" | "`` and missing values are left out; the JSON formats keep them as they are.
GraphML is written one element at a time, so that a build can write it straight from the
store (``write_view_graphml``) without the whole graph in memory.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx

from kg.network import EDGE_ATTRIBUTES, NODE_ATTRIBUTES, RDFView

LIST_SEPARATOR = " | "
Edge = TypeVar("Edge", bound=tuple)  # (source, target, key, attributes)
GRAPHML_NAMESPACES = {
    "xmlns": "http://graphml.graphdrawing.org/xmlns",
    "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "xsi:schemaLocation": "http://graphml.graphdrawing.org/xmlns "
    "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
}
# GraphML declares every attribute before the first node: those of kg.network.to_networkx.
VIEW_KEYS = {
    **{("node", name): "string" for name in NODE_ATTRIBUTES},
    **{("edge", name): "double" if name == "confidence" else "string" for name in EDGE_ATTRIBUTES},
}

EDGE_COLUMNS = (
    "statement",
    "subject",
    "subject_label",
    "relation",
    "object",
    "object_label",
    *EDGE_ATTRIBUTES[1:],  # modality, evidence, article, ... in the views' order
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


def _graphml_type(value: Any) -> str:
    """The GraphML type that NetworkX reads back as the value's Python type."""
    types = {bool: "boolean", int: "long", float: "double"}
    return types.get(type(value), "string")


# What XML escapes in text, and in attribute values besides (lxml's choices, byte for byte).
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;",
     "\t": "&#9;"}
)  # fmt: skip


def _attributes(attrs: Mapping[str, str]) -> str:
    return "".join(f' {k}="{v.translate(_ATTRIBUTE_ESCAPES)}"' for k, v in attrs.items())


class GraphMLWriter:
    """GraphML written one element at a time, as a context manager: every ``node``, then
    every ``edge``. `keys` maps (scope, name) to a type: GraphML declares every attribute
    before the first node.

    The elements are written as text: building them as lxml elements took twice as long
    as everything else of a build's GraphML.
    """

    def __init__(
        self,
        path: str | Path,
        keys: Mapping[tuple[str, str], str],
        graph_data: Mapping[str, Any] | None = None,
    ) -> None:
        self.path = Path(path)
        self._keys = keys
        self._ids = {key: f"d{i}" for i, key in enumerate(keys)}
        self._graph_data = graph_data or {}

    def __enter__(self) -> GraphMLWriter:
        self._file = self.path.open("w", encoding="utf-8")
        self._write = self._file.write
        namespaces = _attributes(GRAPHML_NAMESPACES)
        self._write(f"<?xml version='1.0' encoding='utf-8'?>\n<graphml{namespaces}>")
        for (scope, name), kind in self._keys.items():
            key = {"id": self._ids[scope, name], "for": scope, "attr.name": name}
            self._write(f"<key{_attributes(key | {'attr.type': kind})}/>\n")
        self._write('<graph edgedefault="directed">')
        self._write(self._data("graph", self._graph_data, ""))
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            if exc[0] is None:
                self._write("</graph></graphml>")
        finally:
            self._file.close()

    def _data(self, scope: str, data: Mapping[str, Any], indent: str = "  ") -> str:
        """The ``<data>`` elements of one graph, node or edge, a line each."""
        ids = self._ids
        return "".join(
            f'{indent}<data key="{ids[scope, name]}">{str(v).translate(_TEXT_ESCAPES)}</data>\n'
            for name, v in _scalar(data).items()
        )

    def _element(self, tag: str, attrs: Mapping[str, str], data: Mapping[str, Any]) -> None:
        inner = self._data(tag, data)
        start = f"<{tag}{_attributes(attrs)}"
        self._write(f"{start}>\n{inner}</{tag}>\n" if inner else f"{start}/>\n")

    def node(self, n: Any, data: Mapping[str, Any]) -> None:
        self._element("node", {"id": str(n)}, data)

    def edge(self, u: Any, v: Any, key: Any, data: Mapping[str, Any]) -> None:
        self._element("edge", {"source": str(u), "target": str(v), "id": str(key)}, data)

    def passing(self, edges: Iterable[Edge]) -> Iterator[Edge]:
        """Each of `edges`, once it is written: for a caller that has another use for them."""
        for edge in edges:
            self.edge(*edge)
            yield edge


def _write_graphml(
    path: str | Path,
    keys: Mapping[tuple[str, str], str],
    nodes: Iterable[tuple[Any, Mapping[str, Any]]],
    edges: Iterable[tuple[Any, Any, Any, Mapping[str, Any]]],
    graph_data: Mapping[str, Any],
) -> Path:
    """Write GraphML as the nodes and edges come."""
    with GraphMLWriter(path, keys, graph_data) as graphml:
        for n, data in nodes:
            graphml.node(n, data)
        for edge in edges:
            graphml.edge(*edge)
    return Path(path)


def write_graphml(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write `G` as GraphML (edge ids are the statement IRIs) and return the path."""
    keys: dict[tuple[str, str], str] = {}
    for scope, items in [
        ("graph", [G.graph]),
        ("node", (d for _, d in G.nodes(data=True))),
        ("edge", (d for *_, d in G.edges(data=True))),
    ]:
        for data in items:
            for name, value in _scalar(data).items():
                keys.setdefault((scope, name), _graphml_type(value))
    return _write_graphml(path, keys, G.nodes(data=True), G.edges(keys=True, data=True), G.graph)


def write_view_graphml(view: RDFView, path: str | Path) -> Path:
    """Write the graph that `view` reads as GraphML, a batch of statements at a time.

    The file holds the nodes, edges and attributes that ``write_graphml(view.to_networkx(),
    path)`` writes, in the same order, without the whole graph in memory.
    """
    return _write_graphml(path, VIEW_KEYS, view.node_data(), view.edges(), {})


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
