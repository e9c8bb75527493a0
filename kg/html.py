"""An offline HTML explorer of the knowledge graph, drawn by vis-network through pyvis.

pyvis writes the vis-network page; this module chooses what to draw (the most central
entities, or one entity's neighbourhood), aggregates parallel statements into one drawn
edge per (subject, relation, object), and adds a side panel (``static/explorer.js`` and
``explorer.css``) with filters, search, a legend and the evidence sentences of a clicked
edge. The page needs no network: vis-network is inlined and pyvis's CDN links are removed.

All text from the graph reaches the page as JSON (``<`` escaped) or through pyvis's
HTML-safe JSON and is put into the DOM with ``textContent`` only, so hostile labels or
evidence are shown as text and never run.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
from pyvis.network import Network

from kg.analytics import communities as community_of
from kg.analytics import resolve
from kg.network import RDFView, ViewEdge

if TYPE_CHECKING:
    from IPython.display import HTML
    from jinja2 import Template

STATIC = Path(__file__).resolve().parent / "static"
HIDDEN_BY_DEFAULT = ("hypothetical", "negated")
# Tableau 20: distinct, readable on white, and colour-blind tolerant in its first ten.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d", "#f1ce63",
    "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e",
)  # fmt: skip
OTHER_COLOUR = "#c9ced6"  # classes and communities beyond the palette
REMOTE_URL = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
_REMOTE_TAG = re.compile(
    r"""<link\b[^>]*\bhref\s*=\s*["']https?://[^>]*>"""
    r"""|<script\b[^>]*\bsrc\s*=\s*["']https?://[^>]*>\s*</script>""",
    re.IGNORECASE,
)
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>")


def _ranks(G: nx.MultiDiGraph | nx.Graph) -> dict[Any, float]:
    """PageRank over the undirected graph: an actor that attacks many places is central too.

    Parallel statements weigh their link: `G` is one edge per statement, or one edge per
    pair of entities whose ``weight`` counts them (``RDFView.weighted``).
    """
    return nx.pagerank(G.to_undirected(as_view=True))


def _select(
    G: nx.MultiDiGraph | nx.Graph,
    ranks: dict[Any, float],
    max_nodes: int | None,
    focus: str | None,
    hops: int,
) -> tuple[list[Any], str | None]:
    """The nodes to draw, most central first, and a notice saying what was left out."""
    pool: list[Any] = list(G)
    centre = None
    if focus is not None:
        centre = resolve(G, focus)
        pool = list(nx.ego_graph(G.to_undirected(as_view=True), centre, radius=hops))
    pool.sort(key=lambda n: (n != centre, -ranks[n], str(n)))
    kept = pool if not max_nodes or len(pool) <= max_nodes else pool[:max_nodes]
    total = f"{G.number_of_nodes():,}"
    if centre is not None:
        scope = f"the {hops}-hop neighbourhood of {G.nodes[centre]['label']}"
        if len(kept) < len(pool):
            return kept, (
                f"Showing {len(kept):,} of the {len(pool):,} entities in {scope} "
                f"(the most central) out of {total}."
            )
        return kept, f"Showing {scope}: {len(kept):,} of {total} entities."
    if len(kept) < len(pool):
        return kept, (
            f"Showing {len(kept):,} of {total} entities, the most central; use the filters, "
            "or `kg viz --focus NAME` for one entity's neighbourhood."
        )
    return kept, None


def _palette(keys: list[Any]) -> dict[Any, str]:
    return {k: PALETTE[i] if i < len(PALETTE) else OTHER_COLOUR for i, k in enumerate(keys)}


@dataclass
class _Drawing:
    """What the page draws: the chosen nodes with their attributes and communities, one
    drawn edge per (subject, relation, object) with its number of statements, and those
    statements, edge by edge, as ``(subject, object, attributes and "iri")``; they may be
    read from the store while the page is written."""

    nodes: list[Any]
    data: dict[Any, dict[str, Any]]
    communities: dict[Any, int]
    groups: list[tuple[Any, str, Any, int]]
    statements: Iterable[tuple[Any, Any, dict[str, Any]]]


def _order(statement: tuple[Any, Any, dict[str, Any]]) -> tuple[str, ...]:
    """Drawn edges by subject, relation and object; each edge's statements by date,
    article and IRI."""
    u, v, s = statement
    return str(u), s["relation"], str(v), s["date"] or "", s["article"] or "", s["iri"]


def _groups(
    statements: Iterable[tuple[Any, Any, dict[str, Any]]],
) -> list[tuple[Any, str, Any, int]]:
    """(subject, relation, object, number of statements) of statements in `_order`."""
    by_edge = groupby(statements, key=lambda st: (st[0], st[2]["relation"], st[1]))
    return [(u, relation, v, sum(1 for _ in group)) for (u, relation, v), group in by_edge]


def _drawing(G: nx.MultiDiGraph, nodes: list[Any]) -> _Drawing:
    """The drawing of `nodes` of a multigraph that holds every statement."""
    H = G.subgraph(nodes)
    statements = sorted(
        ((u, v, {**d, "iri": key}) for u, v, key, d in H.edges(keys=True, data=True)), key=_order
    )
    data = {n: H.nodes[n] for n in nodes}
    return _Drawing(nodes, data, community_of(H), _groups(statements), statements)


def _view_drawing(view: RDFView, nodes: list[Any], edges: Iterable[ViewEdge]) -> _Drawing:
    """The drawing of `nodes` of a view whose statements come from `edges`, in the order
    of ``view.edges``, a subject at a time; those between other nodes are passed over."""
    relations = list(view.relations(nodes))
    groups = sorted(relations, key=lambda g: (str(g[0]), g[1], str(g[2])))
    counted = nx.DiGraph()  # statements between two entities, for the communities
    counted.add_nodes_from(nodes)
    for u, _, v, n in relations:
        counted.add_edge(u, v, weight=counted.get_edge_data(u, v, {"weight": 0})["weight"] + n)
    drawn = set(nodes)
    between = (edge for edge in edges if edge[0] in drawn and edge[1] in drawn)
    # view.edges comes by subject in sorted order, as the page wants them
    statements = (
        statement
        for _, group in groupby(between, key=lambda edge: edge[0])
        for statement in sorted(((u, v, {**d, "iri": key}) for u, v, key, d in group), key=_order)
    )
    data = dict(view.node_data(nodes))
    return _Drawing(nodes, data, community_of(counted), groups, statements)


def _edges(
    groups: list[tuple[Any, str, Any, int]], index: dict[Any, int]
) -> tuple[list[tuple[int, int, dict[str, Any]]], list[dict[str, Any]]]:
    """One drawn edge per (subject, relation, object): pyvis edges and panel edges, whose
    statements are numbered in the order of the groups."""
    vis_edges, panel_edges = [], []
    parallel: Counter[frozenset[Any]] = Counter()  # drawn edges so far between two nodes
    first = 0
    for u, relation, v, count in groups:
        bend = parallel[frozenset((u, v))]
        parallel[frozenset((u, v))] += 1
        attrs = {
            "id": len(vis_edges),
            "label": relation,
            "title": f"{relation}: {count} sentence{'s' * (count > 1)}",
            "width": 1 + math.log2(count),
            # Straight, unless another relation joins the same two nodes: then curve apart.
            "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.25 * bend}
            if bend
            else False,
        }
        vis_edges.append((index[u], index[v], attrs))
        panel_edges.append(
            {
                "from": index[u],
                "to": index[v],
                "relation": relation,
                "statements": list(range(first, first + count)),
            }
        )
        first += count
    return vis_edges, panel_edges


def _page_data(
    drawing: _Drawing, ranks: dict[Any, float]
) -> tuple[Iterator[str], list[dict[str, Any]], list[tuple[int, int, dict[str, Any]]]]:
    """The panel's JSON in pieces, and the vis-network nodes and edges for pyvis."""
    nodes, data = drawing.nodes, drawing.data
    index = {n: i for i, n in enumerate(nodes)}
    class_colours = _palette(sorted({str(data[n]["cls"]) for n in nodes}))
    top = max((ranks[n] for n in nodes), default=1.0) or 1.0
    vis_edges, panel_edges = _edges(drawing.groups, index)

    vis_nodes, panel_nodes = [], []
    for n in nodes:
        d = data[n]
        vis_nodes.append(
            {
                "label": d["label"],
                "title": f"{d['label']} ({d['cls']})",
                "color": class_colours[str(d["cls"])],
                "size": 7 + 22 * math.sqrt(ranks[n] / top),
            }
        )
        panel_nodes.append(
            {
                "iri": str(n),
                "label": d["label"],
                "cls": str(d["cls"]),
                "aliases": d["aliases"],
                "articles": d["articles"],
                "community": drawing.communities[n],
            }
        )
    rest = {
        "classColours": class_colours,
        "communityColours": list(_palette(sorted(set(drawing.communities.values()))).values()),
        "otherColour": OTHER_COLOUR,
        "hiddenModalities": list(HIDDEN_BY_DEFAULT),
    }
    panel = _panel_json({"nodes": panel_nodes, "edges": panel_edges}, drawing, rest)
    return panel, vis_nodes, vis_edges


def _panel_json(head: dict[str, Any], drawing: _Drawing, rest: dict[str, Any]) -> Iterator[str]:
    """``{**head, "statements": [...], "articles": {...}, **rest}`` as JSON, the statements
    written as they are read; ``articles`` are those of the drawn nodes and statements."""
    articles = {
        a: {"title": None, "date": None} for n in drawing.nodes for a in drawing.data[n]["articles"]
    }
    expected = ((u, relation, v) for u, relation, v, n in drawing.groups for _ in range(n))
    yield _json(head)[:-1] + ',"statements":['
    for number, (u, v, s) in enumerate(drawing.statements):
        if next(expected, None) != (u, s["relation"], v):
            raise RuntimeError("the graph changed while its page was written")
        if s["article"] is not None:
            articles[s["article"]] = {"title": s["article_title"], "date": s["date"]}
        statement = {k: s[k] for k in ("iri", "evidence", "article", "modality", "confidence")}
        statement |= {"eventDate": s["event_date"], "reportedBy": s["reported_by"]}
        yield ("," if number else "") + _json(statement)
    if next(expected, None) is not None:
        raise RuntimeError("the graph changed while its page was written")
    yield "]," + _json({"articles": dict(sorted(articles.items())), **rest})[1:]


def _options(n_nodes: int) -> dict[str, Any]:
    """vis-network options: a seeded layout that stabilises, then physics is switched off."""
    font = {"face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}
    return {
        "layout": {"randomSeed": 7, "improvedLayout": n_nodes <= 150},
        "nodes": {"shape": "dot", "borderWidth": 1, "font": {**font, "size": 14}},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#a3abb5", "highlight": "#30343a", "hover": "#30343a"},
            "font": {**font, "size": 11, "color": "#4a4f57"},
            "smooth": False,
            "selectionWidth": 2,
        },
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -80, "springLength": 140},
            # Cost grows with nodes x iterations: about 2 s at 300 nodes on a 2-core machine.
            "stabilization": {
                "enabled": True,
                "iterations": min(400, max(100, 60_000 // max(n_nodes, 1))),
                "updateInterval": 20,
            },
            "minVelocity": 1.5,
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n_nodes > 500},
    }


def _json(data: Any) -> str:
    """Data for the page's scripts, inert to the HTML parser: no ``<``, ``>`` or ``&``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _totals(G: nx.MultiDiGraph) -> tuple[int, int, int]:
    """How many entities, statements and articles the whole graph holds."""
    articles = {d["article"] for *_, d in G.edges(data=True)} | {
        a for _, d in G.nodes(data=True) for a in d["articles"]
    }
    return G.number_of_nodes(), G.number_of_edges(), len(articles - {None})


def _panel(title: str, totals: tuple[int, int, int], notice: str | None) -> str:
    """The side panel's fixed HTML; explorer.js fills the lists from the page's JSON."""
    entities, statements, articles = totals
    stats = f"{entities:,} entities, {statements:,} statements from {articles:,} articles"
    notice_html = f'<p id="kg-notice" class="kg-notice">{html.escape(notice)}</p>' if notice else ""
    return (
        (STATIC / "panel.html")
        .read_text(encoding="utf-8")
        .format(title=html.escape(title), stats=html.escape(stats), notice=notice_html)
    )


def render_html(
    G: nx.MultiDiGraph,
    *,
    title: str = "kg",
    max_nodes: int | None = 300,
    focus: str | None = None,
    hops: int = 2,
) -> str:
    """Return the explorer page of `G` as a string; see `write_html`."""
    return "".join(_html_chunks(G, title, max_nodes, focus, hops))


def _html_chunks(
    G: nx.MultiDiGraph, title: str, max_nodes: int | None, focus: str | None, hops: int
) -> Iterator[str]:
    ranks = _ranks(G)
    nodes, notice = _select(G, ranks, max_nodes, focus, hops)
    return _page(_drawing(G, nodes), ranks, title, notice, _totals(G))


def _view_chunks(
    view: RDFView,
    title: str,
    max_nodes: int | None,
    edges: Iterable[ViewEdge] | None,
) -> Iterator[str]:
    """The page of ``view.to_networkx()``, from less: the entities are ranked on the
    number of statements between each two, and the statements of the drawn entities
    are read (from the view, unless `edges` brings them) as the page is written."""
    weighted = view.weighted()
    ranks = _ranks(weighted)
    nodes, notice = _select(weighted, ranks, max_nodes, None, 0)
    statements = int(weighted.size(weight="weight"))
    totals = (weighted.number_of_nodes(), statements, view.article_count())
    if edges is None:
        edges = view.edges(sorted(nodes, key=str))
    return _page(_view_drawing(view, nodes, edges), ranks, title, notice, totals)


@cache
def page_template() -> Template:
    """pyvis's page template, compiled once: each new ``Network`` compiles it again (a tenth
    of a second), and a build compiles it while the workers parse."""
    net = Network()
    return net.templateEnv.get_template(net.path)


def _page(
    drawing: _Drawing,
    ranks: dict[Any, float],
    title: str,
    notice: str | None,
    totals: tuple[int, int, int],
) -> Iterator[str]:
    """The page in pieces; `totals` count the entities, statements and articles of the
    whole graph."""
    panel, vis_nodes, vis_edges = _page_data(drawing, ranks)
    net = Network(height="100vh", width="100%", directed=True, cdn_resources="in_line")
    for i, attrs in enumerate(vis_nodes):
        net.add_node(i, **attrs)
    for u, v, attrs in vis_edges:
        net.add_edge(u, v, **attrs)
    net.options = _options(len(vis_nodes))  # a dict: pyvis writes it as JSON
    net.template = page_template()
    page = net.generate_html()
    del net, vis_nodes, vis_edges  # pyvis keeps a copy of the page

    page = _EMPTY_HEADING.sub("", _REMOTE_TAG.sub("", page))
    if REMOTE_URL.search(page):
        raise RuntimeError("pyvis wrote a page that loads a remote resource")
    css = (STATIC / "explorer.css").read_text(encoding="utf-8")
    js = (STATIC / "explorer.js").read_text(encoding="utf-8")
    head = f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n</head>"
    for marker in ("<html>", "</head>", "<body>", "</body>"):
        if page.count(marker) != 1:
            raise RuntimeError(f"unexpected pyvis page: {marker!r} is not there once")
    page = page.replace("<html>", '<!DOCTYPE html>\n<html lang="en">').replace("</head>", head)
    page = page.replace("<body>", "<body>\n" + _panel(title, totals, notice))
    body, end = page.split("</body>")
    del page  # the statements are read with no copy of the page held
    yield body
    del body
    yield '<script type="application/json" id="kg-data">'
    yield from panel
    yield f"</script>\n<script>{js}</script>\n</body>"
    yield end


def _write(chunks: Iterable[str], path: str | Path) -> Path:
    path = Path(path)
    with path.open("w", encoding="utf-8") as f:
        f.writelines(chunks)
    return path


def write_html(
    G: nx.MultiDiGraph,
    path: str | Path,
    *,
    title: str = "kg",
    max_nodes: int | None = 300,
    focus: str | None = None,
    hops: int = 2,
) -> Path:
    """Write an offline, interactive HTML explorer of the graph.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph as returned by ``kg.network.to_networkx``: one edge per statement.
    path : str or pathlib.Path
        Where to write the page (one self-contained file of about 1 MB).
    title : str, optional (default: "kg")
        Title of the page.
    max_nodes : int or None, optional (default: 300)
        Draw at most this many entities, the most central by PageRank, and say so on
        the page. ``None`` or 0 draws them all.
    focus : str or None, optional (default: None)
        Draw only the neighbourhood of this entity, given by IRI, name or alias.
    hops : int, optional (default: 2)
        Radius of the neighbourhood drawn around `focus`, ignoring edge direction.

    Returns
    -------
    path : pathlib.Path
        The path of the page written.

    Raises
    ------
    ValueError
        If `focus` names no entity of `G`.

    Notes
    -----
    Nodes are coloured by class (or by Louvain community, from the panel) and sized by
    PageRank. Parallel statements with the same subject, relation and object are drawn
    as one edge; clicking it lists each statement's evidence sentence, article, date and
    modality. Hypothetical and negated statements are hidden until chosen in the panel,
    and drawn dashed.

    Examples
    --------
    >>> from kg.network import to_networkx
    >>> G = to_networkx(graph)  # doctest: +SKIP
    >>> write_html(G, "graph.html", focus="HTS", hops=1)  # doctest: +SKIP
    PosixPath('graph.html')
    """
    return _write(_html_chunks(G, title, max_nodes, focus, hops), path)


def write_view_html(
    view: RDFView,
    path: str | Path,
    *,
    title: str = "kg",
    max_nodes: int | None = 300,
    edges: Iterable[ViewEdge] | None = None,
) -> Path:
    """Write the page that `write_html` writes of ``view.to_networkx()``; return the path.

    The page is written as the drawn statements are read from the store, and the
    entities are ranked on the number of statements between each two, so memory grows
    with the drawn statements' relations, not with the graph.

    `edges`, if given, are all of ``view.edges()``: the page takes the drawn statements
    from them instead of reading them again. A caller that reads every statement anyway
    (``kg.outputs``, for the GraphML) passes them on, and reads on past the page's last.
    """
    return _write(_view_chunks(view, title, max_nodes, edges), path)


def show(G: nx.MultiDiGraph, *, height: int = 700, **kwargs: Any) -> HTML:
    """Return the explorer of `G` for display in a notebook cell (an ``iframe`` with ``srcdoc``).

    `kwargs` are those of `write_html` (``title``, ``max_nodes``, ``focus``, ``hops``).
    """
    from IPython.display import HTML

    srcdoc = html.escape(render_html(G, **kwargs), quote=True)
    # In a <div>: IPython warns about a bare <iframe>, though IFrame cannot take a srcdoc.
    return HTML(
        f'<div><iframe srcdoc="{srcdoc}" style="width:100%;height:{height}px;border:0" '
        'title="knowledge graph explorer"></iframe></div>'
    )
