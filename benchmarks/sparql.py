"""SPARQL: the notebooks' questions on a store of over a million statements.

The questions are read from ``notebooks/*.ipynb`` (every ``g.query(\"\"\"...\"\"\")``), so the
benchmark follows the notebooks as they change. The store is filled by the pipeline's own
``resolve`` and ``write_store`` from seeded synthetic extraction records
(``corpus.extractions``), laid out exactly as a build lays out real articles.

Each question runs ``--repeat`` times through ``Store.query_df`` (what ``g.query`` in a
notebook calls: SPARQL through rdflib, rows into a DataFrame) on the Oxigraph store on
disk (closed once filled and opened again, as a notebook opens a finished build's store)
and on rdflib's memory store, in the same run; the per-question medians are compared.
A third column runs the same text in pyoxigraph alone, to show how much of a question's
time is the engine and how much is turning rows into Python objects.

A query cannot be interrupted in either engine, so each store lives in a worker process
that is killed when one run passes ``--limit`` seconds; that run counts as the limit (a
lower bound, marked ``>``), and the worker is started again for the next question.

Run: ``.venv/bin/python benchmarks/sparql.py`` (``--articles`` sets the size; ``--store DIR``
keeps the Oxigraph store for the next run, which then skips the load; ``--engines`` picks
the stores to measure)
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from harness import ROOT, report, verdict

TARGET_MS = 50.0
BUDGET_S = 30.0  # stop repeating a question once its runs add up to this
QUERY = re.compile(r'(?:(\w+)\s*=\s*)?g\.query\(\s*"""(.*?)"""\s*\)', re.DOTALL)
DATA_TRIPLES = """SELECT (COUNT(*) AS ?n) WHERE {
    GRAPH ?g { ?s ?p ?o } FILTER (?g != <https://w3id.org/newskg/id/graph/ontology>) }"""
ENGINES = {"oxigraph": "Oxigraph", "memory": "rdflib memory", "pyoxigraph": "pyoxigraph alone"}


def notebook_queries() -> dict[str, str]:
    """Every ``g.query`` of the notebooks, named by the variable it is assigned to."""
    queries = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        for number, match in enumerate(QUERY.finditer(code), 1):
            queries[f"{path.stem}.{match.group(1) or f'query{number}'}"] = match.group(2)
    return queries


def _serve(engine: str, articles: int, folder: str, conn: Connection) -> None:
    """A worker: fill (or open) one store, then time the queries it is sent."""
    import pyoxigraph as ox
    from corpus import extractions

    from kg.pipeline import write_store
    from kg.rdf import PREFIXES
    from kg.resolve import resolve
    from kg.store import Store

    start = time.perf_counter()
    if engine == "pyoxigraph":
        store = ox.Store.read_only(folder)

        def rows(sparql: str) -> int:
            found = store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
            return len(list(found))

        [[count]] = store.query(DATA_TRIPLES, use_default_graph_as_union=True)
        triples = int(count.value)
    else:
        kg_store = Store.open(None if engine == "memory" else folder)
        if engine == "memory" or not kg_store.article_hashes():
            corpus = extractions(articles)
            write_store(kg_store, corpus, *resolve(corpus))
            if engine == "oxigraph":  # as a notebook finds it: written by an ended build
                kg_store.close()
                kg_store = Store.open(folder)

        def rows(sparql: str) -> int:
            return len(kg_store.query_df(sparql))

        [[count]] = kg_store.query(DATA_TRIPLES)
        triples = int(count)
    conn.send((round(time.perf_counter() - start, 1), triples))
    while (sparql := conn.recv()) is not None:
        start, cpu = time.perf_counter(), time.thread_time()
        found = rows(sparql)
        conn.send(((time.perf_counter() - start) * 1000, (time.thread_time() - cpu) * 1000, found))


class Worker:
    """The parent's handle on a store's worker process."""

    def __init__(self, engine: str, articles: int, folder: Path) -> None:
        self.args = (engine, articles, str(folder))
        self._start()

    def _start(self) -> None:
        context = get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(*self.args, child))
        self.process.start()
        self.load_s, self.triples = self.conn.recv()

    def run(self, sparql: str, limit: float) -> tuple[float, float | None, int | None]:
        """Wall and CPU milliseconds and rows of one run; past ``limit`` the worker is
        restarted (CPU and rows unknown)."""
        self.conn.send(sparql)
        if self.conn.poll(limit):
            return self.conn.recv()
        self.stop()
        self._start()
        return limit * 1000, None, None

    def stop(self) -> None:
        self.process.kill()
        self.process.join()


def measure(worker: Worker, queries: dict[str, str], repeat: int, limit: float) -> dict:
    """Per question: median ms of its runs (over the limit: the limit, and ``stopped``).

    The CPU time the query took in the worker is kept beside the wall time: where the wall
    time is well above it, other programs had the CPUs.
    """
    results = {}
    for name, sparql in queries.items():
        times, cpu_times, rows, stopped = [], [], None, False
        while len(times) < repeat and sum(times) < BUDGET_S * 1000 and not stopped:
            ms, cpu_ms, found = worker.run(sparql, limit)
            times.append(ms)
            stopped = found is None
            if not stopped:
                cpu_times.append(cpu_ms)
                rows = found
        results[name] = {"ms": round(statistics.median(times), 1), "runs": len(times),
                         "cpu_ms": round(statistics.median(cpu_times), 1) if cpu_times else None,
                         "rows": rows, "stopped": stopped}
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=3000, help="synthetic articles (default 3000)")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each question per store")
    ap.add_argument("--limit", type=float, default=60.0, help="seconds one run may take")
    ap.add_argument("--store", type=Path, help="Oxigraph folder to keep and reuse (filled "
                    "when empty: pass the same --articles each time); default: a temporary one")
    ap.add_argument("--engines", nargs="+", choices=list(ENGINES), default=list(ENGINES),
                    help="stores to measure (default: all three)")
    args = ap.parse_args()

    queries = notebook_queries()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.store or Path(tmp) / "store"
        # oxigraph first: it writes the store that pyoxigraph reads
        for engine in [e for e in ENGINES if e in args.engines]:
            worker = Worker(engine, args.articles, folder)
            results[engine] = {"load_s": worker.load_s, "triples": worker.triples,
                               "queries": measure(worker, queries, args.repeat, args.limit)}
            worker.stop()

    triples = {r["triples"] for r in results.values()}
    assert len(triples) == 1, triples
    for name in queries:
        counts = {r["queries"][name]["rows"] for r in results.values()} - {None}
        assert len(counts) <= 1, (name, counts)

    def cell(engine: str, name: str) -> str:
        q = results[engine]["queries"][name]
        return (">" if q["stopped"] else "") + f"{q['ms']}"

    medians = {e: round(statistics.median(q["ms"] for q in r["queries"].values()), 1)
               for e, r in results.items()}
    rows = [("questions", f"{len(queries)} from notebooks/*.ipynb"),
            ("statements (triples)", f"{triples.pop():,} in {args.articles:,} synthetic articles"),
            ("load (s)", ", ".join(f"{ENGINES[e]} {r['load_s']}" for e, r in results.items())),
            ("question", "rows | " + " ms | ".join(ENGINES[e] for e in results) + " ms")]
    counted = {name: next((r["queries"][name]["rows"] for r in results.values()
                           if r["queries"][name]["rows"] is not None), None) for name in queries}
    rows += [(name, " | ".join([str(counted[name]), *(cell(e, name) for e in results)]))
             for name in queries]
    rows.append(("median per question",
                 ", ".join(f"{ENGINES[e]} {m} ms" for e, m in medians.items())))
    cpu = {e: [q["cpu_ms"] for q in r["queries"].values() if q["cpu_ms"] is not None]
           for e, r in results.items()}
    rows.append(("median CPU per question (runs within the limit)",
                 ", ".join(f"{ENGINES[e]} {statistics.median(c):.1f} ms"
                           for e, c in cpu.items() if c)))
    ratio = None
    if {"memory", "oxigraph"} <= medians.keys():
        ratio = round(medians["memory"] / medians["oxigraph"], 1)
        rows.append(("rdflib memory / Oxigraph", f"{ratio}x"))
    if "oxigraph" in medians:
        rows.append(("Oxigraph median",
                     verdict(medians["oxigraph"], TARGET_MS, higher_is_better=False)))
    report("sparql", rows, {"articles": args.articles, "repeat": args.repeat,
                            "limit_s": args.limit, "results": results, "medians_ms": medians,
                            "memory_over_oxigraph": ratio, "target_ms": TARGET_MS})

if __name__ == "__main__":
    main()
