"""Extraction on a real Dask LocalCluster and a build into a real Oxigraph server.

Both are started on 127.0.0.1 for this module. The Dask results must equal the local
process's, and a build into the server must export the same bytes as a local build.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from distributed import LocalCluster

from kg.cli import main
from kg.distributed import RemoteStore, extract_with_dask, open_store, update_endpoint
from kg.ingest import Limits, read_articles
from kg.network import to_networkx
from kg.pipeline import BuildConfig, Cache, build_into, extract_articles
from kg.rdf import article_graph_iri
from kg.records import Article, Extraction
from kg.store import Store

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"
CONFIG = BuildConfig(quiet=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_oxigraph(*options: str) -> tuple[subprocess.Popen, str]:
    """An in-memory Oxigraph server (the ``oxigraph`` PyPI package) and its query URL."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--bind", f"127.0.0.1:{port}", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:  # wait until it listens (a readiness check, not a timed assertion)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}/query"
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("the Oxigraph server did not start") from None
            time.sleep(0.05)


@pytest.fixture(scope="module")
def oxigraph() -> Iterator[str]:
    process, url = start_oxigraph("--union-default-graph")
    yield url
    process.kill()
    process.wait()


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return [a for a in read_articles([ARTICLES], Limits()) if isinstance(a, Article)]


@pytest.fixture(scope="module")
def extractions(articles: list[Article]) -> list[Extraction]:
    """What the local, single-process pipeline extracts: the reference."""
    return list(extract_articles(articles, BuildConfig(workers=1)))


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address="127.0.0.1:0"
    ) as local:
        yield local


def test_dask_cluster_extracts_like_the_local_pipeline(
    cluster: LocalCluster, articles: list[Article], extractions: list[Extraction]
) -> None:
    # One article per task, so both workers get work and the order must be restored.
    found = list(extract_with_dask(articles, CONFIG, cluster.scheduler_address, batch_size=1))
    assert [ex.article.id for ex in found] == [a.id for a in articles]
    assert found == extractions
    assert any(ex.assertions for ex in found)


def _build(store: Store, out: Path, extractions: list[Extraction]) -> None:
    """Build from a filled extraction cache: no spaCy parsing, only store writes and outputs."""
    cache = Cache(out / "cache")
    for ex in extractions:
        cache.put(ex)
    build_into(store, [ARTICLES], out, CONFIG, persistent=True)


def test_build_into_oxigraph_server_equals_local_build(
    oxigraph: str, tmp_path: Path, extractions: list[Extraction]
) -> None:
    with open_store(oxigraph) as remote:
        assert isinstance(remote, RemoteStore)
        _build(remote, tmp_path / "remote", extractions)
        hashes = remote.article_hashes()
        remote_graph = to_networkx(remote.dataset)
    with open_store(str(tmp_path / "local-store")) as local:
        _build(local, tmp_path / "local", extractions)
        assert hashes == local.article_hashes()
        local_graph = to_networkx(local.dataset)

    assert hashes == {ex.article.id: ex.article.content_hash for ex in extractions}
    for name in ("graph.ttl", "graph.trig", "stats.json"):
        assert (tmp_path / "remote" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    stats = json.loads((tmp_path / "remote" / "stats.json").read_text())
    assert stats["articles"] == len(extractions) and stats["statements"] > 0
    assert sorted(remote_graph.edges(keys=True, data=True)) == sorted(
        local_graph.edges(keys=True, data=True)
    )


def test_kg_build_on_dask_into_oxigraph_server(
    cluster: LocalCluster, oxigraph: str, tmp_path: Path, extractions: list[Extraction]
) -> None:
    out = tmp_path / "out"
    code = main(["build", str(ARTICLES), "--out", str(out), "--quiet", "--executor", "dask",
                 "--scheduler", cluster.scheduler_address, "--store", oxigraph])
    assert code == 0
    with open_store(str(tmp_path / "local-store")) as local:
        _build(local, tmp_path / "local", extractions)
    for name in ("graph.ttl", "stats.json"):
        assert (out / name).read_bytes() == (tmp_path / "local" / name).read_bytes()


def test_remote_replace_is_all_or_nothing_and_remove_works(oxigraph: str) -> None:
    graph = ox.NamedNode(article_graph_iri("remote-test"))
    subject = ox.NamedNode("https://example.org/s")
    predicate = ox.NamedNode("https://example.org/p")
    ask = f"ASK {{ GRAPH {graph} {{ {subject} {predicate} ?o }} }}"
    with RemoteStore.open(oxigraph) as store:
        for value in ("one", "two"):
            quad = ox.Quad(subject, predicate, ox.Literal(value), graph)
            store.replace_article("remote-test", [quad])
        rows = store.query(f"SELECT ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        assert [str(row[0]) for row in rows] == ["two"]

        other = ox.NamedNode(article_graph_iri("elsewhere"))
        quads = [
            ox.Quad(subject, predicate, ox.Literal("three"), graph),
            ox.Quad(subject, predicate, ox.Literal("four"), other),
        ]
        with pytest.raises(ValueError, match="given to replace graph"):
            store.replace_article("remote-test", quads)
        assert store.query(ask).askAnswer  # the old graph is intact

        store.remove_article("remote-test")
        assert not store.query(ask).askAnswer


def test_server_message_reaches_the_user(oxigraph: str) -> None:
    with RemoteStore.open(oxigraph) as store, pytest.raises(RuntimeError, match="400"):
        store.query("SELECT ?s WHERE { ?s ?p }")


def test_server_without_union_default_graph_is_refused() -> None:
    process, url = start_oxigraph()
    try:
        store = RemoteStore.open(url)  # empty: nothing to tell yet
        with pytest.raises(RuntimeError, match="union"):
            store.load_ontology()
        with pytest.raises(RuntimeError, match="union"):
            RemoteStore.open(url)
    finally:
        process.kill()
        process.wait()


@pytest.mark.parametrize(
    ("query_url", "expected"),
    [
        ("http://h:7878/query", "http://h:7878/update"),
        ("http://h:3030/ds/sparql", "http://h:3030/ds/update"),
        ("http://h:3030/ds", "http://h:3030/ds"),
        ("http://h:7200/repositories/news", "http://h:7200/repositories/news/statements"),
    ],
)
def test_update_endpoint_follows_server_conventions(query_url: str, expected: str) -> None:
    assert update_endpoint(query_url) == expected
