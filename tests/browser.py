"""Helpers shared by the explorer's browser tests and ``benchmarks/html_layout.py``.

Pages open in a real headless Chromium (Debian's package) through Playwright. Requests that
are not ``file:``, ``data:`` or ``about:`` are recorded and aborted; console errors, uncaught
exceptions and dialogs (``alert`` and the like) are recorded too, so that a test can assert
that a page works offline, without errors, and runs no injected script.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
from playwright.sync_api import Browser, Page, Playwright, Request, Route

from kg.records import MODALITIES

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOCAL_SCHEMES = ("file:", "data:", "about:")
SETTLE_MS = 60_000  # generous: a loaded CI machine is slow, and nothing here measures time


@dataclass
class PageLog:
    """What a page did that a test may want to forbid."""

    remote_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def launch(playwright: Playwright) -> Browser:
    """Start Debian's Chromium headless (Playwright never downloads a browser here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


@contextmanager
def open_page(
    browser: Browser, path: Path, *, width: int = 1400, height: int = 900
) -> Iterator[tuple[Page, PageLog]]:
    """Open the page at `path` and wait until the explorer has built its panel."""
    log = PageLog()
    context = browser.new_context(viewport={"width": width, "height": height})

    def block_remote(route: Route) -> None:
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            route.abort()

    def record(request: Request) -> None:
        if not request.url.startswith(LOCAL_SCHEMES):
            log.remote_requests.append(request.url)

    context.route("**/*", block_remote)
    page = context.new_page()
    page.on("request", record)
    page.on("console", lambda m: m.type == "error" and log.errors.append(m.text))
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    page.on("dialog", lambda d: (log.dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(path.resolve().as_uri())
        page.wait_for_function("window.kg && window.kg.ready", timeout=SETTLE_MS)
        yield page, log
    finally:
        context.close()


def wait_settled(page: Page, timeout_ms: float = SETTLE_MS) -> None:
    """Wait until the layout has stabilised and physics is off, so positions hold still."""
    page.wait_for_function("window.kg.settled", timeout=timeout_ms)


def drawn(page: Page) -> dict[str, int]:
    """Node and edge counts read from the vis-network instance itself, not from the panel."""
    return page.evaluate(
        """() => {
            const data = window.network.body.data;
            return {
                nodes: data.nodes.get({filter: (n) => !n.hidden}).length,
                edges: data.edges.get({filter: (e) => !e.hidden}).length,
                allNodes: data.nodes.length,
                allEdges: data.edges.length,
            };
        }"""
    )


def screen_point(page: Page, node_ids: list[int]) -> tuple[float, float]:
    """Viewport coordinates of the mean position of these nodes (one node, or an edge's ends)."""
    return tuple(
        page.evaluate(
            """(ids) => {
                const pos = window.network.getPositions(ids);
                const mean = (k) => ids.reduce((s, id) => s + pos[id][k], 0) / ids.length;
                const dom = window.network.canvasToDOM({x: mean("x"), y: mean("y")});
                const box = document.getElementById("mynetwork").getBoundingClientRect();
                return [box.left + dom.x, box.top + dom.y];
            }""",
            node_ids,
        )
    )


def synthetic_graph(n_nodes: int, n_edges: int, seed: int = 0) -> nx.MultiDiGraph:
    """A seeded graph shaped like ``kg.network.to_networkx`` output, with hubs like news has.

    A Barabasi-Albert skeleton, topped up with random pairs to exactly `n_edges`
    statements; classes, relations and modalities drawn at random.
    """
    rng = random.Random(seed)
    classes = ("ArmedGroup", "Person", "City", "Country", "Organization", "SocialGroup")
    relations = ("attacked", "captured", "controls", "supports", "opposes", "locatedIn", "metWith")
    pairs = list(nx.barabasi_albert_graph(n_nodes, max(1, n_edges // n_nodes), seed=seed).edges())
    while len(pairs) < n_edges:
        pairs.append(tuple(rng.sample(range(n_nodes), 2)))
    G = nx.MultiDiGraph()
    for i in range(n_nodes):
        G.add_node(
            f"https://example.org/entity/{i}",
            label=f"Entity {i}",
            cls=rng.choice(classes),
            aliases=[f"E{i}"],
            articles=[f"article-{i % 40}"],
        )
    for k, (u, v) in enumerate(pairs[:n_edges]):
        a = rng.randrange(40)
        G.add_edge(
            *rng.sample([f"https://example.org/entity/{u}", f"https://example.org/entity/{v}"], 2),
            key=f"https://example.org/statement/{k}",
            relation=rng.choice(relations),
            modality=rng.choices(MODALITIES, weights=(70, 20, 6, 4))[0],
            evidence=f"Sentence {k} of article {a}.",
            article=f"article-{a}",
            article_title=f"Article {a}",
            date=f"2024-12-{1 + a % 28:02d}",
            event_date=None,
            confidence=round(rng.random(), 2),
            reported_by=None,
        )
    return G
