"""Builds on existing engines: extraction on a Dask cluster, statements into a SPARQL server.

``extract_with_dask`` is a drop-in for ``kg.pipeline.extract_articles``: the same batches
go to Dask workers instead of a local process pool, and the results stream back in input
order with a bounded number of batches in flight, so memory stays flat on large corpora.

``RemoteStore`` is a ``kg.store.Store`` whose dataset lives behind a SPARQL 1.1 endpoint
(Oxigraph server, Apache Jena Fuseki, GraphDB): queries go through the SPARQL 1.1 Protocol
and every graph replacement is one SPARQL 1.1 Update request, which these servers apply
as one transaction. ``open_store`` picks the store a ``--store`` value names.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
from rdflib.query import Result

from kg.pipeline import BATCH_SIZE, _batches, _extract_batch, _init_worker
from kg.records import Article, Extraction
from kg.store import Store, gather

if TYPE_CHECKING:
    from distributed import Future

    from kg.pipeline import BuildConfig

# --- extraction on a Dask cluster ------------------------------------------------------------

_LOCK = threading.Lock()


def _extract_on_worker(batch: list[Article], model: str, max_chars: int) -> list[Extraction]:
    """Run on a Dask worker: load the pipeline once per worker process (``_init_worker``
    keeps it for the same settings), then extract.

    The lock keeps a worker started with several threads from loading the model twice or
    running one spaCy pipeline from two threads at once; start workers with ``--nthreads 1``
    and one process per core to use every core.
    """
    with _LOCK:
        _init_worker(model, max_chars)
        return _extract_batch(batch)


def extract_with_dask(
    articles: Iterable[Article], config: BuildConfig, scheduler: str, batch_size: int = BATCH_SIZE
) -> Iterator[Extraction]:
    """Parse and extract ``articles`` on the Dask cluster at ``scheduler``, in input order.

    ``scheduler`` is the address of a running scheduler (``tcp://HOST:PORT``), whose workers
    have kg and the spaCy model ``config.model`` installed. Each task is ``batch_size``
    articles; at most two tasks per worker thread are in flight, so a corpus larger than
    memory streams through.
    """
    from distributed import Client

    with Client(scheduler) as client:
        window = 2 * max(1, sum(client.nthreads().values()))
        pending: deque[Future] = deque()
        for batch in _batches(articles, batch_size):
            pending.append(
                client.submit(_extract_on_worker, batch, config.model, config.max_chars, pure=False)
            )
            if len(pending) > window:
                yield from pending.popleft().result()
        for future in pending:
            yield from future.result()


# --- a store behind a SPARQL 1.1 endpoint ----------------------------------------------------


def update_endpoint(query_url: str) -> str:
    """Where SPARQL Update goes for a query endpoint, by the servers' URL conventions.

    Oxigraph ``/query`` and Fuseki ``/ds/query`` or ``/ds/sparql`` -> ``.../update``;
    GraphDB and RDF4J ``/repositories/ID`` -> ``/repositories/ID/statements``; anything else
    (e.g. a Fuseki dataset URL) takes updates at the same URL.
    """
    updated, found = re.subn(r"/(query|sparql)/?$", "/update", query_url)
    if found:
        return updated
    if re.search(r"/repositories/[^/]+/?$", query_url):
        return query_url.rstrip("/") + "/statements"
    return query_url


class _Endpoint(SPARQLUpdateStore):
    """rdflib's SPARQL store, with a time limit per request and the server's own message.

    rdflib's connector has no timeout and, for POSTed queries, returns HTTP errors as a
    tuple instead of raising; only its two transport hooks are replaced here.
    """

    def __init__(self, query_url: str, update_url: str, timeout: float) -> None:
        super().__init__(query_url, update_url, returnFormat="json", method="POST")
        self.timeout = timeout

    def _post(self, url: str, text: str, content_type: str, params: dict[str, str]) -> Any:
        request = Request(
            url + ("?" + urlencode(params) if params else ""),
            data=text.encode("utf-8"),
            headers={
                "Content-Type": f"{content_type}; charset=utf-8",
                "Accept": self.response_mime_types(),
            },
        )
        try:
            with urlopen(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get_content_type()
        except HTTPError as err:
            message = err.read().decode("utf-8", "replace").strip()
            raise RuntimeError(f"{url} answered {err.code} {err.reason}: {message}") from err
        except (URLError, TimeoutError) as err:
            raise RuntimeError(f"SPARQL endpoint {url} unreachable: {err}") from err

    def _query(self, query: str, default_graph: str | None = None, **_: Any) -> Result:
        params = {"default-graph-uri": str(default_graph)} if default_graph else {}
        body, content_type = self._post(
            self.query_endpoint, query, "application/sparql-query", params
        )
        return Result.parse(BytesIO(body), content_type=content_type)

    def _update(self, update: str) -> None:
        self._post(self.update_endpoint, update, "application/sparql-update", {})


class RemoteStore(Store):
    """The kg store kept by a SPARQL 1.1 server instead of a local Oxigraph folder.

    The server's default graph must be the union of its named graphs, as for the local
    store (Oxigraph: ``oxigraph serve --union-default-graph``; Fuseki:
    ``tdb2:unionDefaultGraph true``; GraphDB: the default). This is checked on opening
    and after the ontology is written, because queries without ``GRAPH`` would otherwise
    silently see nothing.
    """

    @classmethod
    def open(  # type: ignore[override]
        cls, query_url: str, update_url: str | None = None, timeout: float = 300.0
    ) -> RemoteStore:
        endpoint = _Endpoint(query_url, update_url or update_endpoint(query_url), timeout)
        store = cls(Dataset(store=endpoint, default_union=True))
        store._check_union()
        return store

    def _check_union(self) -> None:
        hidden = self.query(
            """ASK { { SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1 }
                     FILTER NOT EXISTS { ?s ?p ?o } }"""
        )
        if hidden.askAnswer:
            raise RuntimeError(
                f"the default graph of {self.dataset.store.query_endpoint} is not the union of "
                "its named graphs (start Oxigraph with --union-default-graph; Fuseki: "
                "tdb2:unionDefaultGraph true)"
            )

    def _replace(self, graph: URIRef, quads: Iterable[ox.Quad]) -> None:
        # All quads are gathered first, and one request is one transaction on the server:
        # readers see the old graph or the new one, never a half-written article.
        triples = (quad.triple for quad in gather(graph, quads))
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
        self.dataset.update(
            f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{data}}} }}"
        )

    def load_ontology(self) -> None:
        super().load_ontology()
        self._check_union()


def open_store(location: str | Path | None) -> Store:
    """The store that a ``--store`` value names: a SPARQL endpoint URL, a folder, or memory."""
    if isinstance(location, str) and location.startswith(("http://", "https://")):
        return RemoteStore.open(location)
    return Store.open(location)
