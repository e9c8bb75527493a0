"""Hostile text through a whole ``kg build``: store, Turtle, incremental update and HTML view.

Each article carries one payload (HTML and script, SPARQL, Turtle, line-break and bidi
characters, a 10,000-character token) in its headline, inside a name and in its sentences,
above the body of a real example article so that the extraction finds statements. The
payloads must come back unchanged from graph.ttl, every evidence must be the article text
between its offsets, an update must delete the old hostile literals (the store writes
SPARQL updates), and graph.html must show the text without running any of it. C0 control
characters have their own test: XML exports replace them, the RDF keeps them.
"""

from __future__ import annotations

import cProfile
import pstats
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import pyoxigraph as ox
import pytest
from browser import open_page, wait_settled
from playwright.sync_api import Browser
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV
from test_crash import DATA, named_graphs

from kg.cli import EXIT_OK, main
from kg.ingest import read_articles
from kg.namespaces import KG
from kg.rdf import graph_iri
from kg.records import Article

if TYPE_CHECKING:
    from spacy.language import Language

CANARY = "window.__kgPwned = 1"  # what any payload script would do, besides a dialog
PAYLOADS = {
    "html": f"<script>{CANARY}; alert(1)</script>",
    "img": f'<img src=x onerror="{CANARY}; alert(1)">',
    "sparql": '"} ; DROP ALL ; INSERT DATA { <x:a> <x:b> "c" } ; {',
    "turtle": '""" ; @prefix x: <y>._:b a <z> } GRAPH { \\u0022 \\',
    "breaks": "\r\t\x7f\x85\u2028\u2029\u202e",  # line breaks to some parsers, bidi override
    "long": "Z" * 10_000,
}
# C0 control characters that XML 1.0 forbids; ingestion lets a few of them through.
C0_CONTROLS = "\x07\x0b\x0c\x1b"
SENTENCES = (
    "{p} Brigade Takes Aleppo In Surprise Push\n",  # the headline: dcterms:title
    "Colonel Ahmad{p}Hassan, an army commander, met with Recep Tayyip Erdogan in Ankara. ",
    "The Syrian army withdrew from Hama, said Colonel {p} Hassan. ",
    "Russia supports the Syrian government, the {p} committee said.\n",
)
EDIT = "Iran backs the Syrian government, the {p} council said.\n"
BODY = (DATA / "001_db540ac65a82172c.txt").read_text(encoding="utf-8")


def write_articles(folder: Path, payloads: dict[str, str], *, edited: bool = False) -> None:
    """One article per payload; ``edited`` replaces a sentence, as a corrected article would."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, payload in payloads.items():
        sentences = (*SENTENCES[:-1], EDIT) if edited else SENTENCES
        text = "".join(s.format(p=payload) for s in sentences) + BODY
        (folder / f"hostile_{name}.txt").write_text(text, encoding="utf-8", newline="")


def kg_build(articles: Path, out: Path, *extra: str) -> None:
    args = ["build", str(articles), "--out", str(out), "--workers", "1", "--quiet", *extra]
    assert main(args) == EXIT_OK


@dataclass(frozen=True)
class Built:
    out: Path
    articles: dict[str, Article]  # by id, as the build read them


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("hostile")
    write_articles(root / "articles", PAYLOADS)
    kg_build(root / "articles", root / "out")
    read = {a.id: a for a in read_articles([root / "articles"]) if isinstance(a, Article)}
    assert len(read) == len(PAYLOADS)  # no payload made ingestion reject its article
    return Built(root / "out", read)


def evidence(ttl: Path) -> list[tuple[str, str, int, int]]:
    """(article id, evidence, start, end) of every statement and figure in graph.ttl."""
    graph = Graph().parse(ttl, format="turtle")
    rows = []
    for node, text in graph.subject_objects(KG.evidence):
        article_id = graph.value(graph.value(node, PROV.wasDerivedFrom), DCTERMS.identifier)
        start, end = graph.value(node, KG.charStart), graph.value(node, KG.charEnd)
        rows.append((str(article_id), str(text), int(start), int(end)))
    return rows


def test_turtle_round_trips_every_payload(built: Built) -> None:
    """Oxigraph's own parser reads graph.ttl back to the stored triples; rdflib parses it too."""
    exported = {str(t) for t in ox.parse(path=built.out / "graph.ttl", format=ox.RdfFormat.TURTLE)}
    graphs = named_graphs(built.out / "store")
    graphs.pop(str(ox.NamedNode(graph_iri("ontology"))))
    stored = set().union(*graphs.values())
    assert stored <= exported and len(exported) == len(stored) + 2  # + the owl:imports header
    ttl = Graph().parse(built.out / "graph.ttl", format="turtle")
    assert len(ttl) == len(exported)
    found = {str(o) for o in ttl.objects() if isinstance(o, Literal)}
    for name, payload in PAYLOADS.items():
        title = SENTENCES[0].format(p=payload).strip()
        assert built.articles[f"hostile_{name}"].title == title
        assert title in found, name


def test_every_evidence_is_the_article_text_between_its_offsets(built: Built) -> None:
    rows = evidence(built.out / "graph.ttl")
    for article_id, text, start, end in rows:
        assert text == built.articles[article_id].text[start:end]
    for name, payload in PAYLOADS.items():  # each payload is inside some evidence
        assert any(payload in text for article_id, text, *_ in rows), name


def test_update_deletes_the_old_hostile_literals(built: Built, tmp_path: Path) -> None:
    """The store writes DELETE DATA / INSERT DATA updates: hostile literals must not break out."""
    replaced = [text for _, text, *_ in evidence(built.out / "graph.ttl") if "committee" in text]
    assert len(replaced) >= len(PAYLOADS)
    out = shutil.copytree(built.out, tmp_path / "out")
    articles = tmp_path / "articles"
    write_articles(articles, PAYLOADS, edited=True)
    kg_build(articles, out)
    fresh = tmp_path / "fresh"
    shutil.copytree(out / "cache", fresh / "cache")  # the same extractions, not extracted again
    (fresh / "cache" / "manifest.json").unlink()
    kg_build(articles, fresh, "--store", "memory")
    assert (out / "graph.ttl").read_bytes() == (fresh / "graph.ttl").read_bytes()
    assert not any("committee" in text for _, text, *_ in evidence(out / "graph.ttl"))


@pytest.mark.browser
def test_page_shows_every_payload_and_runs_none(chromium_browser: Browser, built: Built) -> None:
    with open_page(chromium_browser, built.out / "graph.html") as (page, log):
        wait_settled(page)
        titles = {a["title"] for a in page.evaluate("kg.data.articles").values()}
        shown = page.locator("#kg-article").inner_text()
        for name, payload in PAYLOADS.items():
            title = SENTENCES[0].format(p=payload).strip()
            assert title in titles, name
            if name != "breaks":  # the page shows these characters as spaces or not at all
                assert payload in shown, name
        assert page.evaluate("typeof window.__kgPwned") == "undefined"
        assert page.locator("img").count() == 0
    assert log.dialogs == []
    assert log.errors == []
    assert log.remote_requests == []


def test_c0_control_characters_do_not_fail_the_build(tmp_path: Path) -> None:
    write_articles(tmp_path / "articles", {"c0": f"{C0_CONTROLS}[31m"})
    kg_build(tmp_path / "articles", tmp_path / "out")
    ttl = Graph().parse(tmp_path / "out" / "graph.ttl", format="turtle")
    title = SENTENCES[0].format(p=f"{C0_CONTROLS}[31m").strip()
    assert title in {str(o) for o in ttl.objects(None, DCTERMS.title)}  # RDF keeps them
    graphml = nx.read_graphml(tmp_path / "out" / "graph.graphml")
    titles = {d.get("article_title") for *_, d in graphml.edges(data=True)}
    replaced = "\ufffd" * len(C0_CONTROLS) + "[31m"  # XML 1.0 cannot hold them
    assert SENTENCES[0].format(p=replaced).strip() in titles


def test_extraction_work_grows_linearly_with_article_length(spacy_nlp: Language) -> None:
    """Counted in function calls (spaCy's Cython code is profiled too), not in seconds."""
    from kg.extract import ArticleExtractor
    from kg.lexicon import load_lexicon

    extract = ArticleExtractor(spacy_nlp, load_lexicon())
    paragraph = SENTENCES[3].format(p="Syrian Observatory") + "Rebels captured Hama on Friday.\n"

    def calls(repeats: int) -> int:
        text = paragraph * repeats
        doc = spacy_nlp(text)
        profile = cProfile.Profile()
        extraction = profile.runcall(extract, Article(id="long", text=text, source="-"), doc)
        assert len(extraction.assertions) >= repeats  # the work grows with the statements
        return pstats.Stats(profile).total_calls  # type: ignore[attr-defined]

    assert calls(160) <= 2.5 * calls(80)  # twice the text: about twice the work
