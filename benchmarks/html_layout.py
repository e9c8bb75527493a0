"""How fast the HTML explorer draws and settles a big graph in headless Chromium.

Generates a seeded 2,000-entity, 6,000-statement graph, writes the page with the default
cap (``kg.html.write_html``'s ``max_nodes``) and with no cap, opens each in Debian's
Chromium and reports, from the page's own clock (``performance.now()``, from navigation
start): the first vis-network ``afterDrawing`` and ``stabilizationIterationsDone`` (after
which physics is off). Prints a table and writes ``benchmarks/results/html_layout.json``.

Run: ``.venv/bin/python benchmarks/html_layout.py``
"""

from __future__ import annotations

import inspect
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from kg.html import write_html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # tests/browser.py, shared with the browser tests
from browser import drawn, launch, open_page, synthetic_graph, wait_settled  # noqa: E402

N_NODES, N_EDGES, SEED = 2000, 6000, 0
DEFAULT_CAP = inspect.signature(write_html).parameters["max_nodes"].default
SETTLE_LIMIT_MS = 600_000


def measure(browser, G, max_nodes: int | None, workdir: Path) -> dict:
    """Write the page with this cap, open it and time its first draw and settled layout."""
    start = time.perf_counter()
    path = write_html(G, workdir / f"cap-{max_nodes}.html", max_nodes=max_nodes)
    write_s = time.perf_counter() - start
    with open_page(browser, path) as (page, log):
        wait_settled(page, SETTLE_LIMIT_MS)
        timing = page.evaluate("window.kg.timing")
        counts = drawn(page)
    assert not (log.errors or log.remote_requests), (log.errors, log.remote_requests)
    return {
        "max_nodes": max_nodes,
        "nodes": counts["allNodes"],
        "edges": counts["allEdges"],
        "drawn_edges": counts["edges"],
        "page_mb": round(path.stat().st_size / 1e6, 2),
        "write_s": round(write_s, 2),
        "first_draw_s": round(timing["firstDraw"] / 1000, 2),
        "settled_s": round(timing["settled"] / 1000, 2),
    }


def main() -> None:
    G = synthetic_graph(N_NODES, N_EDGES, seed=SEED)
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browser = launch(playwright)
        rows = [measure(browser, G, cap, Path(tmp)) for cap in (DEFAULT_CAP, None)]
        version = browser.version
        browser.close()

    table = [["cap", "nodes", "edges (drawn)", "page MB", "write s", "1st draw s", "settled s"]]
    for r in rows:
        table.append(
            [
                "none" if r["max_nodes"] is None else f"{r['max_nodes']} (default)",
                f"{r['nodes']:,}",
                f"{r['edges']:,} ({r['drawn_edges']:,})",
                *(f"{r[k]:.2f}" for k in ("page_mb", "write_s", "first_draw_s", "settled_s")),
            ]
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    print(f"graph: {N_NODES:,} entities, {N_EDGES:,} statements (seed {SEED}); chromium {version}")
    for row in table:
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))

    out = ROOT / "benchmarks" / "results" / "html_layout.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "graph": {"nodes": N_NODES, "statements": N_EDGES, "seed": SEED},
        "chromium": version,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "runs": rows,
    }
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
