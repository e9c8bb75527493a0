"""Command line: ``kg build | query | stats | export | remove | viz | analyze | path | serve``.

Exit status of ``kg build``: 0 all inputs built; 1 the build failed; 2 bad usage;
3 built, but some inputs were skipped (listed on stderr and in ``errors.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SKIPPED = 0, 1, 2, 3
EXPORTS = ("turtle", "trig", "nquads", "jsonld", "graphml", "gexf", "cytoscape", "nodelink", "csv")


def _cmd_build(args: argparse.Namespace) -> int:
    from kg.pipeline import BuildConfig, build

    config = BuildConfig(
        model=args.model,
        workers=args.workers or os.cpu_count() or 1,
        min_confidence=args.min_confidence,
        store=args.store,
        max_bytes=args.max_bytes,
        max_chars=args.max_chars,
        max_sentence_tokens=args.max_sentence_tokens,
        executor=args.executor,
        scheduler=args.scheduler,
        quiet=args.quiet,
    )
    report = build(args.paths, args.out, config)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if not args.quiet:
        state = (
            "up to date"
            if report.up_to_date
            else (f"{len(report.extracted)} extracted, {len(report.unchanged)} unchanged")
        )
        print(
            f"{report.articles} articles ({state}), {report.entities} entities, "
            f"{report.statements} statements, {len(report.skipped)} skipped -> {args.out}"
        )
        print("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in report.seconds.items()))
    return EXIT_SKIPPED if report.skipped else EXIT_OK


def _cmd_query(args: argparse.Namespace) -> int:
    from kg.graph import load

    sparql = Path(args.sparql[1:]).read_text() if args.sparql.startswith("@") else args.sparql
    with load(args.folder) as graph:
        try:
            frame = graph.query(sparql)
        except Exception as err:  # the parser's message, with its position
            print(f"query error: {err}", file=sys.stderr)
            return EXIT_USAGE
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(frame.to_json(orient="records", force_ascii=False, indent=2))
    else:
        print(frame.to_string(index=False) if len(frame) else "(no rows)")
    return EXIT_OK


def _cmd_stats(args: argparse.Namespace) -> int:
    from kg.graph import load

    with load(args.folder) as graph:
        print(json.dumps(graph.stats(), indent=2, sort_keys=True))
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from kg import export
    from kg.graph import load

    suffix = {"turtle": "ttl", "nodelink": "json", "cytoscape": "cyjs"}.get(
        args.format, args.format
    )
    out = Path(args.output or Path(args.folder) / f"graph.{suffix}")
    with load(args.folder) as graph:
        if args.format in ("turtle", "trig", "nquads", "jsonld"):
            graph.store.export(out, args.format)
        else:
            writer = {
                "graphml": export.write_graphml,
                "gexf": export.write_gexf,
                "cytoscape": export.write_cytoscape_json,
                "nodelink": export.write_node_link_json,
                "csv": export.write_edges_csv,
            }[args.format]
            writer(graph.to_networkx(), out)
    print(out)
    return EXIT_OK


def _cmd_remove(args: argparse.Namespace) -> int:
    from kg.pipeline import BuildConfig, remove

    missing = remove(args.folder, args.ids, BuildConfig(store=args.store))
    for article_id in missing:
        print(f"{article_id}: not in the graph", file=sys.stderr)
    return EXIT_SKIPPED if missing else EXIT_OK


def _cmd_viz(args: argparse.Namespace) -> int:
    from kg.graph import load
    from kg.html import write_html

    out = Path(args.output or Path(args.folder) / "graph.html")
    with load(args.folder) as graph:
        write_html(
            graph.to_networkx(),
            out,
            title="Knowledge graph",
            max_nodes=args.max_nodes,
            focus=args.focus,
            hops=args.hops,
        )
    print(out)
    return EXIT_OK


def _cmd_analyze(args: argparse.Namespace) -> int:
    from kg.analytics import write_analysis
    from kg.graph import load

    with load(args.folder) as graph:
        for path in write_analysis(
            graph, Path(args.output or Path(args.folder) / "analysis"), top=args.top
        ):
            print(path)
    return EXIT_OK


def _cmd_path(args: argparse.Namespace) -> int:
    from kg.analytics import format_paths, shortest_paths
    from kg.graph import load

    with load(args.folder) as graph:
        paths = shortest_paths(graph.to_networkx(), args.source, args.target, limit=args.limit)
    print(format_paths(paths) if paths else f"no path between {args.source!r} and {args.target!r}")
    return EXIT_OK if paths else EXIT_SKIPPED


def _cmd_serve(args: argparse.Namespace) -> int:
    from kg.server import serve

    serve(args.folder, host=args.host, port=args.port, timeout=args.timeout, max_rows=args.max_rows)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    from kg.ingest import Limits
    from kg.pipeline import DEFAULT_MODEL

    ap = argparse.ArgumentParser(prog="kg", description="News articles -> knowledge graph.")
    sub = ap.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build or update the graph of a folder of articles")
    b.add_argument("paths", nargs="+", help="article files or folders (.txt, .html, .jsonl)")
    b.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    b.add_argument(
        "--store", help="store folder (default: OUT/store), 'memory', or a SPARQL endpoint URL"
    )
    b.add_argument("--executor", choices=("local", "dask"), default="local")
    b.add_argument("--scheduler", help="Dask scheduler address, tcp://HOST:PORT")
    b.add_argument("--model", default=DEFAULT_MODEL, help="installed spaCy pipeline")
    b.add_argument("--workers", type=int, default=0, help="processes (default: all cores)")
    b.add_argument("--min-confidence", type=float, default=0.0, help="drop weaker statements")
    b.add_argument("--max-bytes", type=int, default=Limits.max_bytes, help="largest input file")
    b.add_argument("--max-chars", type=int, default=Limits.max_chars, help="longest article")
    b.add_argument(
        "--max-sentence-tokens", type=int, default=500, help="longer sentences are split"
    )
    b.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    b.set_defaults(func=_cmd_build)

    q = sub.add_parser("query", help="run a SPARQL query (or @file.rq)")
    q.add_argument("folder")
    q.add_argument("sparql")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    q.set_defaults(func=_cmd_query)

    s = sub.add_parser("stats", help="counts per class, relation, article and modality")
    s.add_argument("folder")
    s.set_defaults(func=_cmd_stats)

    e = sub.add_parser("export", help="write the graph in another format")
    e.add_argument("folder")
    e.add_argument("--format", choices=EXPORTS, required=True)
    e.add_argument("--output", help="file to write (default: FOLDER/graph.<ext>)")
    e.set_defaults(func=_cmd_export)

    r = sub.add_parser("remove", help="remove articles by id")
    r.add_argument("folder")
    r.add_argument("ids", nargs="+")
    r.add_argument("--store", help="store folder (default: FOLDER/store)")
    r.set_defaults(func=_cmd_remove)

    v = sub.add_parser("viz", help="write the HTML explorer, optionally around one entity")
    v.add_argument("folder")
    v.add_argument("--focus", help="entity name or IRI at the centre")
    v.add_argument("--hops", type=int, default=2)
    v.add_argument("--max-nodes", type=int, default=300)
    v.add_argument("--output")
    v.set_defaults(func=_cmd_viz)

    a = sub.add_parser("analyze", help="centrality, communities, timeline, source agreement")
    a.add_argument("folder")
    a.add_argument("--top", type=int, default=20)
    a.add_argument("--output", help="folder for the CSV/JSON files (default: FOLDER/analysis)")
    a.set_defaults(func=_cmd_analyze)

    p = sub.add_parser("path", help="shortest connecting paths between two entities")
    p.add_argument("folder")
    p.add_argument("source")
    p.add_argument("target")
    p.add_argument("--limit", type=int, default=3)
    p.set_defaults(func=_cmd_path)

    sv = sub.add_parser("serve", help="SPARQL 1.1 endpoint and the HTML view")
    sv.add_argument("folder")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=7878)
    sv.add_argument("--timeout", type=float, default=10.0, help="query time limit, seconds")
    sv.add_argument("--max-rows", type=int, default=10_000)
    sv.set_defaults(func=_cmd_serve)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (FileNotFoundError, RuntimeError, ValueError) as err:
        print(f"kg {args.command}: {err}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
