"""``kg serve`` as a SPARQL 1.1 endpoint, driven by SPARQLWrapper on 127.0.0.1.

The example articles are built once into a temporary folder; answers are checked against
rdflib reading the build's ``graph.trig``, an engine independent of the server's.
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from rdflib.query import Result
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.pipeline import BuildConfig, build
from kg.rdf import PREFIXES
from kg.server import TRUNCATED_HEADER, KgServer, make_server

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"
MAX_ROWS = 1000
ENTITIES = "<https://w3id.org/newskg/id/graph/entities>"
LABELS = f"SELECT ?e ?label WHERE {{ GRAPH {ENTITIES} {{ ?e rdfs:label ?label }} }}"
# Never finishes: a four-way cross product of every triple.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("served")
    build([ARTICLES], out, BuildConfig(workers=1, quiet=True))
    return out


@pytest.fixture(scope="module")
def reference(built: Path) -> Dataset:
    """The same build read by rdflib from graph.trig."""
    return Dataset(default_union=True).parse(built / "graph.trig", format="trig")


def running(server: KgServer) -> Iterator[str]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def base(built: Path) -> Iterator[str]:
    yield from running(make_server(built, port=0, timeout=60, max_rows=MAX_ROWS, workers=2))


@pytest.fixture
def endpoint(base: str) -> str:
    return base + "/sparql"


def wrapper(endpoint: str, query: str, fmt: str = JSON, method: str | None = None) -> SPARQLWrapper:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    if method:
        sparql.setMethod(method)
    return sparql


def raw(sparql: SPARQLWrapper) -> bytes:
    return sparql.query().response.read()


def rows(result: Result) -> set[tuple[str, ...]]:
    return {tuple(str(value) for value in row) for row in result}


@pytest.mark.parametrize("method", ["GET", POST])
@pytest.mark.parametrize(
    ("fmt", "parser"), [(JSON, "json"), (XML, "xml"), (CSV, "csv"), (TSV, "tsv")]
)
def test_select_in_every_results_format(
    endpoint: str, reference: Dataset, method: str, fmt: str, parser: str
) -> None:
    expected = rows(reference.query(LABELS, initNs=PREFIXES))
    assert len(expected) > 10
    body = raw(wrapper(endpoint, LABELS, fmt, None if method == "GET" else method))
    assert rows(Result.parse(BytesIO(body), format=parser)) == expected


def test_json_results_convert_with_sparqlwrapper(endpoint: str, reference: Dataset) -> None:
    data = wrapper(endpoint, LABELS).queryAndConvert()
    found = {(b["e"]["value"], b["label"]["value"]) for b in data["results"]["bindings"]}
    assert found == rows(reference.query(LABELS, initNs=PREFIXES))


def test_ask_with_predeclared_and_declared_prefixes(endpoint: str) -> None:
    assert wrapper(endpoint, "ASK { ?g a kg:ArmedGroup }").queryAndConvert()["boolean"] is True
    declared = "PREFIX x: <https://example.org/> ASK { ?s a x:Nothing }"
    assert wrapper(endpoint, declared).queryAndConvert()["boolean"] is False


@pytest.mark.parametrize(("fmt", "parser"), [(TURTLE, "turtle"), (JSONLD, "json-ld")])
def test_construct_as_turtle_and_json_ld(
    endpoint: str, reference: Dataset, fmt: str, parser: str
) -> None:
    construct = (
        f"CONSTRUCT {{ ?e rdfs:label ?l }} WHERE {{ GRAPH {ENTITIES} {{ ?e rdfs:label ?l }} }}"
    )
    expected = reference.query(construct, initNs=PREFIXES).graph
    found = Graph().parse(data=raw(wrapper(endpoint, construct, fmt)), format=parser)
    assert len(found) == len(expected) > 10
    assert isomorphic(found, expected)


def test_describe_an_entity(endpoint: str, reference: Dataset) -> None:
    [(entity,)] = reference.query(
        f"SELECT ?e WHERE {{ GRAPH {ENTITIES} {{ ?e rdfs:label ?l }} }} ORDER BY ?e LIMIT 1",
        initNs=PREFIXES,
    )
    described = raw(wrapper(endpoint, f"DESCRIBE <{entity}>", TURTLE))
    found = Graph().parse(data=described, format="turtle")
    assert set(found.subjects()) == {entity}
    assert set(found.triples((entity, None, None))) >= set(reference.triples((entity, None, None)))


def test_updates_are_refused_and_change_nothing(endpoint: str) -> None:
    triple = "<https://example.org/s> <https://example.org/p> <https://example.org/o>"
    ask = wrapper(endpoint, f"ASK {{ {triple} }}")
    with pytest.raises(HTTPError) as refused:  # SPARQLWrapper sends it as update=...
        wrapper(endpoint, f"INSERT DATA {{ {triple} }}", method=POST).query()
    assert refused.value.code == 403
    assert b"read-only" in refused.value.read()

    sneaked = Request(endpoint + "?" + urlencode({"query": f"INSERT DATA {{ {triple} }}"}))
    worded = Request(endpoint + "?" + urlencode({"query": 'INSERT DATA { <x:s> <x:p> "service" }'}))
    direct = Request(
        endpoint, data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}
    )
    for request in (sneaked, worded, direct):
        with pytest.raises(HTTPError) as refused:
            urlopen(request)
        assert refused.value.code == 403
    assert ask.queryAndConvert()["boolean"] is False
    assert wrapper(endpoint, "ASK { ?g a kg:ArmedGroup }").queryAndConvert()["boolean"] is True


def test_malformed_query_gets_400_with_the_parsers_message(endpoint: str) -> None:
    with pytest.raises(QueryBadFormed) as bad:
        wrapper(endpoint, "SELECT ?s WHERE { ?s ?p }").query()
    assert "error at 1:" in str(bad.value) and "expected" in str(bad.value)


def test_rows_are_capped_and_the_cap_is_said(endpoint: str) -> None:
    data = wrapper(endpoint, "SELECT * WHERE { ?s ?p ?o }").queryAndConvert()
    assert len(data["results"]["bindings"]) == MAX_ROWS
    with urlopen(endpoint + "?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})) as answer:
        assert answer.headers[TRUNCATED_HEADER] == str(MAX_ROWS)
    with urlopen(Request(endpoint + "?" + urlencode({"query": LABELS}),
                         headers={"Accept": "text/csv"})) as answer:
        assert answer.headers[TRUNCATED_HEADER] is None
        assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    triples = raw(wrapper(endpoint, "CONSTRUCT WHERE { ?s ?p ?o }", TURTLE))
    assert len(Graph().parse(data=triples, format="turtle")) == MAX_ROWS


def test_service_is_refused_without_an_outgoing_request(endpoint: str) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        target = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        with pytest.raises(HTTPError) as refused:
            wrapper(endpoint, f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}").query()
        assert refused.value.code == 403
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected


def test_a_malformed_query_mentioning_service_is_a_syntax_error(endpoint: str) -> None:
    with pytest.raises(QueryBadFormed, match="syntax error"):
        wrapper(endpoint, "SELECT ?service WHERE { ?service ?p }").query()


def get(base: str, path: str) -> tuple[int, str, bytes]:
    """GET a raw path (http.client sends it as written, dots and all)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port))
    connection.request("GET", path)
    answer = connection.getresponse()
    result = answer.status, answer.headers.get_content_type(), answer.read()
    connection.close()
    return result


def test_html_view_at_root_and_build_files(base: str, built: Path) -> None:
    assert get(base, "/") == (200, "text/html", (built / "graph.html").read_bytes())
    status, _, body = get(base, "/stats.json")
    assert (status, body) == (200, (built / "stats.json").read_bytes())


def test_no_file_outside_the_build_folder(base: str, built: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    (built / "leak.txt").symlink_to(secret)
    relative = "/".join([".."] * len(built.parts)) + str(secret)
    for path in (
        "/" + relative,
        "/" + relative.replace("..", "%2e%2e"),
        "/" + relative.replace("/", "%2f"),
        "/" + str(secret),
        "//" + str(secret),
        "/leak.txt",
        "/%00",
    ):
        status, _, body = get(base, path)
        assert status == 404, path
        assert b"top secret" not in body


def test_other_methods_are_refused(base: str) -> None:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port))
    connection.request("PUT", "/sparql", body=b"x")
    assert connection.getresponse().status == 405
    connection.close()


def test_query_over_the_time_limit_is_stopped_and_the_server_recovers(built: Path) -> None:
    for base in running(make_server(built, port=0, timeout=2, workers=1)):
        with pytest.raises(HTTPError) as stopped:
            urlopen(base + "/sparql?" + urlencode({"query": ENDLESS}))
        assert stopped.value.code == 503
        assert b"time limit of 2 s" in stopped.value.read()
        ask = wrapper(base + "/sparql", "ASK { ?g a kg:ArmedGroup }")
        assert ask.queryAndConvert()["boolean"] is True


def test_a_folder_without_a_build_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no build"):
        make_server(tmp_path, port=0)
