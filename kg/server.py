"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over a build, and its HTML view.

The HTTP side is the standard library's ``ThreadingHTTPServer``. Queries never run in it:
they go to a small pool of worker processes that open the build's Oxigraph store read-only
(or load ``graph.trig`` when the build has no store) and answer with pyoxigraph. An
Oxigraph query cannot be interrupted from Python, so a query past the time limit is
stopped by killing its worker, which is then replaced; the store, opened read-only, is
never at risk.

Read-only is enforced three times: SPARQL Update requests (``update=`` or
``application/sparql-update``) are refused with 403 before any parsing, a ``query`` that
parses as an update is refused with 403, and the store itself is opened read-only.
Queries using ``SERVICE`` are refused too: Oxigraph would fetch the URL, letting any
client make the server send requests on its behalf.
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import queue
import re
import signal
import sys
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pyoxigraph as ox

from kg.rdf import PREFIXES

ENDPOINT = "/sparql"
MAX_BODY = 1_000_000  # bytes of a POSTed query
TRUNCATED_HEADER = "KG-Results-Truncated"  # set to the cap when rows were left out
DEFAULT_RESULTS = ox.QueryResultsFormat.JSON
DEFAULT_GRAPH_FORMAT = ox.RdfFormat.TURTLE


@dataclass
class Reply:
    """An HTTP answer, built in a worker process and sent back through a pipe."""

    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: HTTPStatus, message: str) -> Reply:
        return cls(int(status), (message.rstrip() + "\n").encode("utf-8"))


@dataclass
class QueryRequest:
    """One SPARQL query as the protocol gives it: text, dataset and acceptable formats."""

    query: str
    wanted: list[str]  # ``format`` parameters, then Accept media types by preference
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    max_rows: int = 10_000


# --- the worker side: open the store, answer queries --------------------------------------


def _open_store(folder: Path) -> ox.Store:
    """The build's store, read-only, or an in-memory copy of its ``graph.trig``."""
    if (folder / "store").is_dir():
        return ox.Store.read_only(str(folder / "store"))
    store = ox.Store()
    store.bulk_load(path=str(folder / "graph.trig"), format=ox.RdfFormat.TRIG)
    return store


def _format(kind: type, wanted: list[str], default: Any) -> Any:
    """The first wanted format (media type or file extension) of ``kind``, else ``default``."""
    for name in wanted:
        found = kind.from_media_type(name) or kind.from_extension(name)
        if found is not None:
            return found
    return default


def _term_json(term: Any) -> dict[str, Any]:
    """A term as SPARQL 1.1 Query Results JSON (with the SPARQL 1.2 form of triple terms)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = ("subject", "predicate", "object")
        return {"type": "triple", "value": {p: _term_json(getattr(term, p)) for p in parts}}
    value: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        value["datatype"] = term.datatype.value
    return value


def _capped_solutions(result: ox.QuerySolutions, max_rows: int) -> tuple[ox.QuerySolutions, bool]:
    """At most ``max_rows`` solutions, re-read as a result set that Oxigraph can serialize."""
    names = [v.value for v in result.variables]
    rows = list(islice(result, max_rows + 1))
    bindings = [
        {name: _term_json(row[name]) for name in names if row[name] is not None}
        for row in rows[:max_rows]
    ]
    data = json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}).encode()
    capped = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    return capped, len(rows) > max_rows


def _read_only() -> Reply:
    return Reply.text(HTTPStatus.FORBIDDEN, "SPARQL Update is refused: this endpoint is read-only")


def _is_update(query: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(query)
    except Exception:
        return False
    return True


def _refused(query: str) -> Reply | None:
    """Why a query mentioning SERVICE may not reach Oxigraph, which would fetch the URL.

    The check parses with rdflib, and only when the word occurs at all: Oxigraph has no
    parse-only call, and it runs an ASK (SERVICE included) as soon as it is given one.
    """
    if not re.search("service", query, re.IGNORECASE):
        return None
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    def found(node: Any) -> bool:
        if isinstance(node, CompValue):
            return node.name == "ServiceGraphPattern" or any(map(found, node.values()))
        return isinstance(node, ParseResults | list) and any(map(found, node))

    try:
        tree = parseQuery(query)
    except Exception as err:  # not a query rdflib can read: never handed to Oxigraph
        return _read_only() if _is_update(query) else Reply.text(
            HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {err}"
        )
    if found(tree):
        return Reply.text(HTTPStatus.FORBIDDEN, "SERVICE is not allowed: this endpoint makes "
                          "no outgoing requests")
    return None


def answer(store: ox.Store, request: QueryRequest) -> Reply:
    """Run one query and serialize its (capped) result in the best acceptable format."""
    if refusal := _refused(request.query):
        return refusal
    dataset: dict[str, Any] = {"use_default_graph_as_union": not request.default_graphs}
    if request.default_graphs:
        dataset["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    if request.named_graphs:
        dataset["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    try:
        result = store.query(request.query, prefixes=PREFIXES, **dataset)
    except SyntaxError as err:
        if _is_update(request.query):
            return _read_only()
        return Reply.text(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {err}")
    except ValueError as err:  # e.g. an invalid IRI among the dataset parameters
        return Reply.text(HTTPStatus.BAD_REQUEST, str(err))

    headers: dict[str, str] = {}
    try:
        if isinstance(result, ox.QueryTriples):
            fmt = _format(ox.RdfFormat, request.wanted, DEFAULT_GRAPH_FORMAT)
            triples = list(islice(result, request.max_rows + 1))
            truncated = len(triples) > request.max_rows
            body = ox.serialize(triples[: request.max_rows], format=fmt, prefixes=PREFIXES)
        else:
            fmt = _format(ox.QueryResultsFormat, request.wanted, DEFAULT_RESULTS)
            truncated = False
            if isinstance(result, ox.QuerySolutions):
                result, truncated = _capped_solutions(result, request.max_rows)
            body = result.serialize(format=fmt)
    except OSError as err:  # evaluation failed: reading the store, a SERVICE call
        return Reply.text(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {err}")
    if truncated:
        headers[TRUNCATED_HEADER] = str(request.max_rows)
    media = fmt.media_type if "charset" in fmt.media_type else f"{fmt.media_type}; charset=utf-8"
    return Reply(200, body, media, headers)


def _work(conn: Connection, folder: str) -> None:
    """A worker process: open the store once, then answer requests until the pipe closes."""
    try:
        store = _open_store(Path(folder))
    except Exception as err:  # reported to the parent, which refuses to start
        conn.send(f"cannot open the graph in {folder}: {err}")
        return
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        try:
            reply = answer(store, request)
        except Exception as err:  # a bug must cost one request, not the worker
            reply = Reply.text(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {err!r}")
        conn.send(reply)


# --- the server side: a pool of killable workers, the HTTP handler ------------------------


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, folder: Path) -> None:
        context = get_context("forkserver" if sys.platform != "win32" else "spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_work, args=(child, str(folder)), daemon=True)
        self.process.start()
        child.close()
        try:
            ready = self.conn.recv()
        except EOFError:
            ready = "the query worker exited while opening the graph"
        if ready != "ready":
            self.stop()
            raise RuntimeError(ready)

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


class QueryPool:
    """Worker processes that each answer one query at a time, within a time limit."""

    def __init__(self, folder: Path, size: int, timeout: float) -> None:
        self.folder, self.timeout = folder, timeout
        self.idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(max(1, size)):
            self.idle.put(_Worker(folder))

    def run(self, request: QueryRequest) -> Reply:
        """The worker's reply; past the time limit the worker is killed and replaced."""
        try:
            worker = self.idle.get(timeout=self.timeout)
        except queue.Empty:
            return Reply.text(HTTPStatus.SERVICE_UNAVAILABLE, "busy: every query worker is "
                              f"taken for longer than {self.timeout:g} s; retry later")
        try:
            worker.conn.send(request)
            answered = worker.conn.poll(self.timeout)
            reply = worker.conn.recv() if answered else Reply.text(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"query stopped: it ran longer than the time limit of {self.timeout:g} s",
            )
        except (EOFError, OSError):  # the worker died, e.g. killed for memory
            answered = False
            reply = Reply.text(HTTPStatus.INTERNAL_SERVER_ERROR, "the query worker died")
        if not answered:
            worker.stop()
            worker = _Worker(self.folder)
        self.idle.put(worker)
        return reply

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get().stop()


class KgServer(ThreadingHTTPServer):
    """The HTTP server of one build folder, with its query pool and limits."""

    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], folder: Path, pool: QueryPool, max_rows: int
    ) -> None:
        super().__init__(address, _Handler)
        self.folder, self.pool, self.max_rows = folder, pool, max_rows

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


def _accepted(header: str | None) -> list[str]:
    """Media types of an Accept header, most preferred first (q=0 dropped)."""
    ranked = []
    for position, item in enumerate((header or "").split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        quality = next((p[2:] for p in params if p.startswith("q=")), "1")
        try:
            weight = float(quality)
        except ValueError:
            weight = 0.0
        if media and weight > 0:
            ranked.append((-weight, position, media.lower()))
    return [media for _, _, media in sorted(ranked)]


class _Handler(BaseHTTPRequestHandler):
    server: KgServer
    server_version = "kg-sparql"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == ENDPOINT:
            self._sparql(parse_qs(url.query, keep_blank_values=True))
        else:
            self._file(unquote(url.path))

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != ENDPOINT:
            return self._send(Reply.text(HTTPStatus.METHOD_NOT_ALLOWED, f"POST only to {ENDPOINT}"))
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._send(Reply.text(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                         f"a query is at most {MAX_BODY} bytes"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        params = parse_qs(url.query, keep_blank_values=True)
        kind = self.headers.get_content_type()
        if kind == "application/x-www-form-urlencoded":
            for key, values in parse_qs(body, keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif kind == "application/sparql-query":
            params.setdefault("query", []).append(body)
        elif kind == "application/sparql-update":
            params.setdefault("update", []).append(body)
        else:
            return self._send(Reply.text(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                                         "POST a form or application/sparql-query"))
        self._sparql(params)

    def _refuse_method(self) -> None:
        self._send(Reply.text(HTTPStatus.METHOD_NOT_ALLOWED, "read-only: GET and POST only"),
                   {"Allow": "GET, POST"})

    do_PUT = do_DELETE = do_PATCH = _refuse_method

    def _sparql(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            return self._send(_read_only())
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return self._send(Reply.text(HTTPStatus.BAD_REQUEST,
                                         "give exactly one non-empty 'query' parameter"))
        request = QueryRequest(
            query=queries[0],
            wanted=params.get("format", []) + _accepted(self.headers.get("Accept")),
            default_graphs=params.get("default-graph-uri", []),
            named_graphs=params.get("named-graph-uri", []),
            max_rows=self.server.max_rows,
        )
        self._send(self.server.pool.run(request))

    def _file(self, path: str) -> None:
        """A file of the build folder (``/`` is the HTML view); nothing outside it."""
        root = self.server.folder
        try:
            target = (root / (path.lstrip("/") or "graph.html")).resolve()
            readable = target.is_relative_to(root) and target.is_file()
        except (ValueError, OSError):  # a NUL byte, a name too long
            readable = False
        if not readable:
            return self._send(Reply.text(HTTPStatus.NOT_FOUND, f"not found: {path}"))
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        charset = "; charset=utf-8" if kind.startswith("text/") else ""
        self._send(Reply(200, target.read_bytes(), kind + charset))

    def _send(self, reply: Reply, extra: dict[str, str] | None = None) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in {**reply.headers, **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)


def make_server(
    folder: str | Path,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    workers: int = 2,
) -> KgServer:
    """A server for the build in ``folder``, bound but not yet serving (port 0: any free one)."""
    root = Path(folder).resolve()
    if not (root / "store").is_dir() and not (root / "graph.trig").is_file():
        raise FileNotFoundError(f"{folder} holds no build (no store/ or graph.trig); run kg build")
    pool = QueryPool(root, workers, timeout)
    try:
        return KgServer((host, port), root, pool, max_rows)
    except OSError:
        pool.close()
        raise


def serve(
    folder: str | Path,
    host: str = "127.0.0.1",
    port: int = 7878,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    workers: int = 2,
) -> None:
    """Serve ``folder`` until interrupted: the HTML view at ``/``, SPARQL at ``/sparql``."""
    with make_server(folder, host, port, timeout, max_rows, workers) as server:
        url = f"http://{host}:{server.server_address[1]}"
        print(f"kg: serving {folder}: view {url}/ , SPARQL {url}{ENDPOINT} (Ctrl-C stops)",
              file=sys.stderr)
        signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as on Ctrl-C
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
