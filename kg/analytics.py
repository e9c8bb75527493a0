"""Analytics over the knowledge graph: who is central, which entities cluster, how two
entities connect, when things happened, and where the sources agree or contradict.

The functions read the NetworkX view of ``kg.network.to_networkx`` (entities as nodes,
one edge per statement with its provenance) and return pandas DataFrames or plain
Python values, so that a notebook can show them and ``kg analyze`` can write them as
CSV and JSON. Figures (``kg:Figure``) are not edges of that view: ``figures`` reads
them from the store.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Hashable
from itertools import islice, pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.export import EDGE_COLUMNS, LIST_SEPARATOR
from kg.graph import KnowledgeGraph
from kg.rdf import FACTUAL

# pandas is imported by the functions that make frames: a build draws its communities with
# this module and never needs pandas, which takes half a second to import.
if TYPE_CHECKING:
    import pandas as pd

RANKING_COLUMNS = ("entity", "label", "cls", "degree", "pagerank", "betweenness", "articles")
TIMELINE_COLUMNS = (
    "date",
    "dated_by",
    "subject_label",
    "relation",
    "object_label",
    "modality",
    "reported_by",
    "article",
    "article_title",
    "evidence",
    "statement",
)
SUPPORT_COLUMNS = (
    "subject_label",
    "relation",
    "object_label",
    "articles",
    "article_ids",
    "modalities",
    "reported_by",
    "evidence",
    "subject",
    "object",
)
CONTRADICTION_COLUMNS = (
    "subject_label",
    "relation",
    "object_label",
    "stated_in",
    "negated_in",
    "stated_evidence",
    "negated_evidence",
    "subject",
    "object",
)
FIGURE_COLUMNS = (
    "measure",
    "value",
    "qualifier",
    "unit",
    "place_label",
    "reported_by",
    "attributed_to",
    "event_date",
    "article",
    "publisher",
    "date",
    "evidence",
    "place",
    "figure",
)
_FIGURES = """
SELECT ?figure ?measure ?value ?qualifier ?unit ?place ?place_label ?reported_by
       ?attributed_to ?event_date ?article ?publisher ?date ?evidence
WHERE {
    ?figure a kg:Figure ; kg:measure ?measure ; rdf:value ?value .
    OPTIONAL { ?figure kg:qualifier ?qualifier }
    OPTIONAL { ?figure schema:unitText ?unit }
    OPTIONAL { ?figure kg:place ?place . OPTIONAL { ?place rdfs:label ?place_label } }
    OPTIONAL { ?figure kg:reportedBy ?reported_by }
    OPTIONAL { ?figure prov:wasAttributedTo/rdfs:label ?attributed_to }
    OPTIONAL { ?figure kg:eventDate ?event_date }
    OPTIONAL { ?figure kg:evidence ?evidence }
    OPTIONAL {
        ?figure prov:wasDerivedFrom ?a .
        OPTIONAL { ?a dcterms:identifier ?article }
        OPTIONAL { ?a dcterms:publisher ?publisher }
        OPTIONAL { ?a schema:datePublished ?date }
    }
}
"""


def _collapsed(G: nx.MultiDiGraph | nx.DiGraph) -> nx.Graph:
    """Undirected simple graph whose edge ``weight`` is the number of statements between
    two entities: one per edge of a multigraph, or the ``weight`` of a DiGraph's edge.
    Nodes and edges are added in sorted order so that ties break the same way on every
    run, whatever order the store returned the statements in."""
    H = nx.Graph()
    H.add_nodes_from(sorted(G, key=str))
    edges = ((u, v, n) for u, v, n in G.edges(data="weight", default=1) if u != v)
    for u, v, n in sorted(edges, key=lambda edge: str(edge[:2])):
        H.add_edge(u, v, weight=H.get_edge_data(u, v, {"weight": 0})["weight"] + n)
    return H


def rankings(G: nx.MultiDiGraph, top: int | None = 20) -> pd.DataFrame:
    """Rank the entities of `G` by centrality.

    Statements are counted over the undirected graph (an actor that attacks many places
    is as central as a place attacked by many actors); parallel statements between two
    entities weigh PageRank but not degree or betweenness.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph as returned by ``kg.network.to_networkx``.
    top : int or None, optional (default: 20)
        How many rows to keep; None keeps every entity.

    Returns
    -------
    frame : pandas.DataFrame
        One row per entity, highest PageRank first (ties by label), with the columns
        ``RANKING_COLUMNS``: ``entity`` (the node), ``label``, ``cls``, ``degree``
        (degree centrality), ``pagerank``, ``betweenness`` (centralities rounded to 6
        decimals) and ``articles`` (how many articles mention the entity).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", label="A", cls="City", articles=["x"])
    >>> G.add_node("b", label="B", cls="City", articles=["x", "y"])
    >>> G.add_edge("a", "b", relation="locatedIn")
    0
    >>> rankings(G)["articles"].tolist()
    [1, 2]
    """
    import pandas as pd

    H = _collapsed(G)
    degree = nx.degree_centrality(H)
    pagerank = nx.pagerank(H, weight="weight")
    betweenness = nx.betweenness_centrality(H)
    frame = pd.DataFrame(
        [
            (
                n,
                data["label"],
                data["cls"],
                round(degree[n], 6),
                round(pagerank[n], 6),
                round(betweenness[n], 6),
                len(data["articles"]),
            )
            for n, data in G.nodes(data=True)
        ],
        columns=list(RANKING_COLUMNS),
    )
    frame = frame.sort_values(
        ["pagerank", "label", "entity"], ascending=[False, True, True], key=_sortable
    )
    return frame.head(top if top is not None else len(frame)).reset_index(drop=True)


def _sortable(column: pd.Series) -> pd.Series:
    """Sort key that compares nodes of any hashable type by their text."""
    return column if column.dtype.kind in "fiu" else column.map(str)


def communities(G: nx.MultiDiGraph, seed: int = 0) -> dict[Hashable, int]:
    """Partition the entities of `G` into communities with the Louvain method.

    Parameters
    ----------
    G : networkx.MultiDiGraph or networkx.DiGraph
        A graph as returned by ``kg.network.to_networkx``; edge direction is ignored and
        parallel statements weigh the link between two entities. A DiGraph gives that
        number of statements as its edges' ``weight``.
    seed : int, optional (default: 0)
        Seed of Louvain's random node order: the same graph and seed give the same
        partition.

    Returns
    -------
    membership : dict
        Community number of every node: 0 is the largest community, ties ordered by
        their smallest node; an entity in no statement is a community of its own.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y")])
    >>> communities(G)
    {'a': 0, 'b': 0, 'c': 0, 'x': 1, 'y': 1}
    """
    parts = nx.community.louvain_communities(_collapsed(G), weight="weight", seed=seed)
    parts.sort(key=lambda part: (-len(part), min(map(str, part))))
    membership = {n: i for i, part in enumerate(parts) for n in part}
    return dict(sorted(membership.items(), key=lambda item: (item[1], str(item[0]))))


def resolve(G: nx.MultiDiGraph, name: str) -> Hashable:
    """Return the node of `G` that `name` means.

    `name` is a node (an entity IRI), else a label, else an alias, compared without
    case. When several entities match, the one in most statements wins.

    Raises
    ------
    ValueError
        If no entity has that name; the message suggests close labels.
    """
    if name in G:
        return name
    wanted = name.casefold()
    by_label = [n for n, d in G.nodes(data=True) if d["label"].casefold() == wanted]
    by_alias = [n for n, d in G.nodes(data=True) if wanted in {a.casefold() for a in d["aliases"]}]
    if found := by_label or by_alias:
        return max(found, key=lambda n: (G.degree(n), str(n)))
    labels = sorted({d["label"] for _, d in G.nodes(data=True)})
    hint = difflib.get_close_matches(name, labels, n=3)
    raise ValueError(f"no entity named {name!r}" + (f"; did you mean {hint}?" if hint else ""))


def _hop(G: nx.MultiDiGraph, u: Hashable, v: Hashable) -> dict[str, Any]:
    """The best supported relation between two adjacent entities, in either direction.

    Relations stated as fact (asserted or reported) come first, then those stated by
    more statements; the evidence lists are aligned, one entry per statement.
    """
    by_triple: dict[tuple[Hashable, str, Hashable], list[dict[str, Any]]] = {}
    for s, o in ((u, v), (v, u)):
        for data in G.get_edge_data(s, o, default={}).values():
            by_triple.setdefault((s, data["relation"], o), []).append(data)

    def support(item: tuple[tuple[Hashable, str, Hashable], list[dict[str, Any]]]):
        (s, relation, o), found = item
        factual = sum(d["modality"] in FACTUAL for d in found)
        return -factual, -len(found), str(s), relation, str(o)

    (s, relation, o), found = min(by_triple.items(), key=support)
    found = sorted(found, key=lambda d: (d["article"] or "", d["evidence"] or ""))
    return {
        "subject": G.nodes[s]["label"],
        "relation": relation,
        "object": G.nodes[o]["label"],
        "evidence": [d["evidence"] for d in found],
        "articles": [d["article"] for d in found],
        "modalities": [d["modality"] for d in found],
    }


def shortest_paths(
    G: nx.MultiDiGraph, source: str, target: str, limit: int = 3
) -> list[list[dict[str, Any]]]:
    """Find the shortest chains of statements that connect two entities.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph as returned by ``kg.network.to_networkx``; paths ignore edge direction,
        so "HTS captured Hama" and "the army withdrew from Hama" connect HTS and the army.
    source, target : str
        Entities, each named by IRI, label or alias (see ``resolve``).
    limit : int, optional (default: 3)
        How many paths to return, shortest first (ties in a fixed order).

    Returns
    -------
    paths : list of list of dict
        One list of hops per path; an empty list when the entities are not connected.
        Each hop is ``{"subject", "relation", "object"}`` (labels, in the direction the
        relation was stated) with the aligned lists ``"evidence"`` (sentences),
        ``"articles"`` (ids) and ``"modalities"`` of the statements supporting it.

    Raises
    ------
    ValueError
        If a name matches no entity, or both name the same entity.

    See Also
    --------
    format_paths : the paths as text, as ``kg path`` prints them.
    """
    start, end = resolve(G, source), resolve(G, target)
    if start == end:
        raise ValueError(f"{source!r} and {target!r} are the same entity")
    H = _collapsed(G)
    try:
        found = list(islice(nx.shortest_simple_paths(H, start, end), limit))
    except nx.NetworkXNoPath:
        return []
    return [[_hop(G, u, v) for u, v in pairwise(path)] for path in found]


def format_paths(paths: list[list[dict[str, Any]]]) -> str:
    """Paths from ``shortest_paths`` as numbered text, each hop with its evidence."""
    lines = []
    for number, hops in enumerate(paths, 1):
        lines.append(f"{number}. {len(hops)} hop{'s' if len(hops) != 1 else ''}")
        for hop in hops:
            lines.append(f"   {hop['subject']} --{hop['relation']}--> {hop['object']}")
            for sentence, article, modality in zip(
                hop["evidence"], hop["articles"], hop["modalities"], strict=True
            ):
                lines.append(f"      [{article or '?'}, {modality}] {sentence or ''}")
    return "\n".join(lines)


def statements(G: nx.MultiDiGraph) -> pd.DataFrame:
    """One row per statement (edge) of `G`, with the columns ``kg.export.EDGE_COLUMNS``:
    statement IRI, subject and object with their labels, then the edge attributes."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                **data,
                "statement": key,
                "subject": u,
                "subject_label": G.nodes[u]["label"],
                "object": v,
                "object_label": G.nodes[v]["label"],
            }
            for u, v, key, data in G.edges(keys=True, data=True)
        ],
        columns=list(EDGE_COLUMNS),
    )


def timeline(graph: nx.MultiDiGraph | KnowledgeGraph) -> pd.DataFrame:
    """Put the dated statements in chronological order.

    Parameters
    ----------
    graph : networkx.MultiDiGraph or kg.graph.KnowledgeGraph
        A graph as returned by ``kg.network.to_networkx``, or a built graph.

    Returns
    -------
    frame : pandas.DataFrame
        One row per statement that has a date, with the columns ``TIMELINE_COLUMNS``:
        ``date`` is the event date the sentence gives, else the article's publication
        date (ISO 8601 text), and ``dated_by`` says which (``"event"`` or
        ``"published"``). Sorted by date, then article, subject, relation and object.
    """
    G = graph.to_networkx() if isinstance(graph, KnowledgeGraph) else graph
    frame = statements(G)
    frame["dated_by"] = frame["event_date"].notna().map({True: "event", False: "published"})
    frame["date"] = frame["event_date"].fillna(frame["date"])
    frame = frame.dropna(subset=["date"]).sort_values(
        ["date", "article", "subject_label", "relation", "object_label", "statement"],
        key=_sortable,
    )
    return frame[list(TIMELINE_COLUMNS)].reset_index(drop=True)


def _joined(values: pd.Series) -> str:
    return LIST_SEPARATOR.join(sorted({str(v) for v in values.dropna()}))


def _support(frame: pd.DataFrame) -> pd.DataFrame:
    """Statements grouped by (subject, relation, object): how many articles state each."""
    import pandas as pd

    keys = ["subject", "relation", "object"]
    if frame.empty:
        return pd.DataFrame(columns=list(SUPPORT_COLUMNS))
    grouped = frame.groupby(keys, sort=False).agg(
        subject_label=("subject_label", "first"),
        object_label=("object_label", "first"),
        articles=("article", "nunique"),
        article_ids=("article", _joined),
        modalities=("modality", _joined),
        reported_by=("reported_by", _joined),
        evidence=("evidence", _joined),
    )
    grouped = grouped.reset_index().sort_values(
        ["articles", "subject_label", "relation", "object_label", "subject", "object"],
        ascending=[False, True, True, True, True, True],
        key=_sortable,
    )
    return grouped[list(SUPPORT_COLUMNS)].reset_index(drop=True)


def _contradictions(frame: pd.DataFrame) -> pd.DataFrame:
    """Relations stated (asserted or reported) by one article and negated by another."""
    import pandas as pd

    stated = _support(frame[frame["modality"].isin(FACTUAL)])
    negated = _support(frame[frame["modality"] == "negated"])
    both = stated.merge(negated, on=["subject", "relation", "object"], suffixes=("", "_neg"))
    between_articles = pd.Series(
        [
            len(set(a.split(LIST_SEPARATOR)) | set(b.split(LIST_SEPARATOR))) > 1
            for a, b in zip(both["article_ids"], both["article_ids_neg"], strict=True)
        ],
        index=both.index,
        dtype=bool,
    )
    both = both[between_articles].rename(
        columns={
            "article_ids": "stated_in",
            "article_ids_neg": "negated_in",
            "evidence": "stated_evidence",
            "evidence_neg": "negated_evidence",
        }
    )
    return both[list(CONTRADICTION_COLUMNS)].reset_index(drop=True)


def figures(graph: KnowledgeGraph) -> pd.DataFrame:
    """Every ``kg:Figure`` of a built graph, one row each, with the columns ``FIGURE_COLUMNS``.

    ``place_label`` and ``attributed_to`` are the labels of the entities the figure is
    about and is attributed to; ``publisher`` and ``date`` are those of its article.
    Sorted by measure, place, value and article; no rows when the build has no figures.
    """
    frame = graph.query(_FIGURES).reindex(columns=list(FIGURE_COLUMNS))
    frame = frame.sort_values(
        ["measure", "place_label", "value", "article", "figure"], key=_sortable
    )
    return frame.reset_index(drop=True)


def _disagreeing(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures of the same measure, unit and place whose values differ across articles."""
    by = figures.groupby(["measure", "unit", "place"], dropna=False)
    keep = (by["value"].transform("nunique") > 1) & (by["article"].transform("nunique") > 1)
    return figures[keep].reset_index(drop=True)


def agreement(G: nx.MultiDiGraph, figures: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Compare what the articles say: corroborated, single-source and contradicted facts,
    and figures that disagree.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph as returned by ``kg.network.to_networkx`` with every modality (negated
        statements are needed to find contradictions).
    figures : pandas.DataFrame or None, optional (default: None)
        Figures as ``figures`` returns them; None compares no figures.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        ``"corroborated"``: facts (asserted or reported relations) stated by two or more
        articles; ``"single_source"``: facts stated by one article only (both with the
        columns ``SUPPORT_COLUMNS``, most articles first; list values joined with
        ``kg.export.LIST_SEPARATOR``). ``"contradictions"``: relations stated by one
        article and negated by another (``CONTRADICTION_COLUMNS``).
        ``"disagreeing_figures"``: every figure whose measure, unit and place other
        articles give with a different value (``FIGURE_COLUMNS``); compare their dates,
        since a toll that rises over time is not a contradiction.
    """
    import pandas as pd

    frame = statements(G)
    support = _support(frame[frame["modality"].isin(FACTUAL)])
    figures = pd.DataFrame(columns=list(FIGURE_COLUMNS)) if figures is None else figures
    return {
        "corroborated": support[support["articles"] > 1].reset_index(drop=True),
        "single_source": support[support["articles"] <= 1].reset_index(drop=True),
        "contradictions": _contradictions(frame),
        "disagreeing_figures": _disagreeing(figures),
    }


def write_analysis(graph: KnowledgeGraph, folder: str | Path, top: int = 20) -> list[Path]:
    """Write the analyses of a built graph into `folder` as CSV and JSON; return the paths.

    Rankings and communities count facts only (asserted and reported statements), so
    that "X did not capture Y" or "X may attack Y" does not make X central; the
    timeline and the agreement tables read every statement.

    Files, each as ``.csv`` and ``.json`` (a list of records): ``rankings`` (the `top`
    entities), ``communities``, ``timeline``, ``corroborated``, ``single_source``,
    ``contradictions`` and ``disagreeing_figures``.
    """
    import pandas as pd

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    G = graph.to_networkx()
    facts = nx.subgraph_view(G, filter_edge=lambda u, v, k: G.edges[u, v, k]["modality"] in FACTUAL)
    membership = communities(facts)
    tables = {
        "rankings": rankings(facts, top),
        "communities": pd.DataFrame(
            [(n, G.nodes[n]["label"], G.nodes[n]["cls"], c) for n, c in membership.items()],
            columns=["entity", "label", "cls", "community"],
        ),
        "timeline": timeline(G),
        **agreement(G, figures(graph)),
    }
    paths = []
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
        # Through pandas for null in place of NaN, through json for unescaped "/" in IRIs.
        records = json.loads(frame.to_json(orient="records"))
        (folder / f"{name}.json").write_text(
            json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        paths += [folder / f"{name}.csv", folder / f"{name}.json"]
    return paths
