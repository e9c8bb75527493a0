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
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
from pyvis.network import Network

from kg.analytics import communities as community_of
from kg.analytics import resolve

if TYPE_CHECKING:
    from IPython.display import HTML

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


def _ranks(G: nx.MultiDiGraph) -> dict[Any, float]:
    """PageRank over the undirected graph: an actor that attacks many places is central too."""
    return nx.pagerank(G.to_undirected(as_view=True))


def _select(
    G: nx.MultiDiGraph, ranks: dict[Any, float], max_nodes: int | None, focus: str | None, hops: int
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


def _edges(
    H: nx.MultiDiGraph, index: dict[Any, int]
) -> tuple[list[tuple[int, int, dict[str, Any]]], list[dict[str, Any]], list[dict[str, Any]]]:
    """One drawn edge per (subject, relation, object): pyvis edges, panel edges, statements."""
    grouped: defaultdict[tuple[Any, str, Any], list[dict[str, Any]]] = defaultdict(list)
    for u, v, key, d in H.edges(keys=True, data=True):
        grouped[u, d["relation"], v].append({**d, "iri": key})
    vis_edges, panel_edges, statements = [], [], []
    parallel: Counter[frozenset[Any]] = Counter()  # drawn edges so far between two nodes
    for (u, relation, v), group in sorted(grouped.items(), key=lambda kv: str(kv[0])):
        group.sort(key=lambda s: (s["date"] or "", s["article"] or "", s["iri"]))
        first = len(statements)
        statements += [
            {k: s[k] for k in ("iri", "evidence", "article", "modality", "confidence")}
            | {"eventDate": s["event_date"], "reportedBy": s["reported_by"]}
            for s in group
        ]
        bend = parallel[frozenset((u, v))]
        parallel[frozenset((u, v))] += 1
        attrs = {
            "id": len(vis_edges),
            "label": relation,
            "title": f"{relation}: {len(group)} sentence{'s' * (len(group) > 1)}",
            "width": 1 + math.log2(len(group)),
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
                "statements": list(range(first, len(statements))),
            }
        )
    return vis_edges, panel_edges, statements


def _page_data(
    G: nx.MultiDiGraph, nodes: list[Any], ranks: dict[Any, float]
) -> tuple[dict[str, Any], list[dict[str, Any]], list[tuple[int, int, dict[str, Any]]]]:
    """The panel's JSON, and the vis-network nodes and edges for pyvis."""
    H = G.subgraph(nodes)
    index = {n: i for i, n in enumerate(nodes)}
    communities = community_of(H)
    class_colours = _palette(sorted({str(H.nodes[n]["cls"]) for n in nodes}))
    top = max((ranks[n] for n in nodes), default=1.0) or 1.0
    vis_edges, panel_edges, statements = _edges(H, index)

    vis_nodes, panel_nodes = [], []
    for n in nodes:
        d = H.nodes[n]
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
                "community": communities[n],
            }
        )
    articles = {a: {"title": None, "date": None} for n in nodes for a in H.nodes[n]["articles"]}
    articles |= {
        d["article"]: {"title": d["article_title"], "date": d["date"]}
        for *_, d in H.edges(data=True)
        if d["article"] is not None
    }
    panel = {
        "nodes": panel_nodes,
        "edges": panel_edges,
        "statements": statements,
        "articles": articles,
        "classColours": class_colours,
        "communityColours": list(_palette(sorted(set(communities.values()))).values()),
        "otherColour": OTHER_COLOUR,
        "hiddenModalities": list(HIDDEN_BY_DEFAULT),
    }
    return panel, vis_nodes, vis_edges


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


def _json_script(element_id: str, data: Any) -> str:
    """Data for the page's scripts, inert to the HTML parser: no ``<``, ``>`` or ``&``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def _panel(title: str, G: nx.MultiDiGraph, notice: str | None) -> str:
    """The side panel's fixed HTML; explorer.js fills the lists from the page's JSON."""
    articles = {d["article"] for *_, d in G.edges(data=True)} | {
        a for _, d in G.nodes(data=True) for a in d["articles"]
    }
    stats = (
        f"{G.number_of_nodes():,} entities, {G.number_of_edges():,} statements "
        f"from {len(articles - {None}):,} articles"
    )
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
    ranks = _ranks(G)
    nodes, notice = _select(G, ranks, max_nodes, focus, hops)
    panel, vis_nodes, vis_edges = _page_data(G, nodes, ranks)
    net = Network(height="100vh", width="100%", directed=True, cdn_resources="in_line")
    for i, attrs in enumerate(vis_nodes):
        net.add_node(i, **attrs)
    for u, v, attrs in vis_edges:
        net.add_edge(u, v, **attrs)
    net.options = _options(len(vis_nodes))  # a dict: pyvis writes it as JSON
    page = net.generate_html()

    page = _EMPTY_HEADING.sub("", _REMOTE_TAG.sub("", page))
    if REMOTE_URL.search(page):
        raise RuntimeError("pyvis wrote a page that loads a remote resource")
    css = (STATIC / "explorer.css").read_text(encoding="utf-8")
    js = (STATIC / "explorer.js").read_text(encoding="utf-8")
    head = f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n</head>"
    tail = f"{_json_script('kg-data', panel)}\n<script>{js}</script>\n</body>"
    for marker, new in [
        ("<html>", '<!DOCTYPE html>\n<html lang="en">'),
        ("</head>", head),
        ("<body>", "<body>\n" + _panel(title, G, notice)),
        ("</body>", tail),
    ]:
        if page.count(marker) != 1:
            raise RuntimeError(f"unexpected pyvis page: {marker!r} is not there once")
        page = page.replace(marker, new)
    return page


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
    path = Path(path)
    page = render_html(G, title=title, max_nodes=max_nodes, focus=focus, hops=hops)
    path.write_text(page, encoding="utf-8")
    return path


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
