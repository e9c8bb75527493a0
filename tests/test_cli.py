"""The ``kg`` command line (kg.cli) on two of the example articles: exit codes and outputs.

One build in this process is shared by the read-only tests; tests that change a graph work
on a copy of it, so that the expensive extraction runs as few times as possible.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset

from kg.cli import EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, main

DATA = Path(__file__).resolve().parent.parent / "data" / "articles"
IDS = ("000_c8adc63d4404ca73", "001_db540ac65a82172c")
OUTPUTS = ("graph.ttl", "graph.trig", "graph.graphml", "graph.html", "stats.json", "errors.json")
ARTICLE_IDS = """
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id WHERE { GRAPH ?g { ?a a schema:NewsArticle ; dcterms:identifier ?id } } ORDER BY ?id
"""
STATEMENTS_OF = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?st WHERE {{ GRAPH ?g {{ ?st prov:wasDerivedFrom ?a . ?a dcterms:identifier "{}" }} }}
"""
CONFIDENCES = """
PREFIX kg: <https://w3id.org/newskg/ontology#>
SELECT ?c WHERE { GRAPH ?g { ?st kg:confidence ?c } }
"""


@dataclass(frozen=True)
class Built:
    articles: Path  # the input folder
    out: Path  # what `kg build` wrote


def copy_articles(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for article_id in IDS:
        shutil.copy(DATA / f"{article_id}.txt", folder)
    return folder


def kg(*args: str | Path) -> int:
    return main([str(a) for a in args])


def query(out: Path, sparql: str, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    assert kg("query", out, sparql, "--format", "json") == EXIT_OK
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("cli")
    articles = copy_articles(root / "articles")
    out = root / "out"
    assert kg("build", articles, "--out", out, "--workers", "1", "--quiet") == EXIT_OK
    return Built(articles, out)


@pytest.fixture
def copy(built: Built, tmp_path: Path) -> Built:
    """A private copy of the built graph (store and cache included) to change."""
    articles = shutil.copytree(built.articles, tmp_path / "articles")
    out = shutil.copytree(built.out, tmp_path / "out")
    return Built(articles, out)


def test_build_writes_every_output(built: Built) -> None:
    for name in OUTPUTS:
        assert (built.out / name).stat().st_size > 0, name
    assert json.loads((built.out / "errors.json").read_text()) == []
    stats = json.loads((built.out / "stats.json").read_text())
    assert stats["articles"] == 2 and stats["statements"] > 0


def test_query_table(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    assert kg("query", built.out, ARTICLE_IDS) == EXIT_OK
    lines = capsys.readouterr().out.split("\n")
    assert [line.strip() for line in lines if line.strip()] == ["id", *IDS]


def test_query_csv(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    assert kg("query", built.out, ARTICLE_IDS, "--format", "csv") == EXIT_OK
    assert capsys.readouterr().out.splitlines() == ["id", *IDS]


def test_query_json_from_file(
    built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ids.rq").write_text(ARTICLE_IDS)
    assert kg("query", built.out, f"@{tmp_path / 'ids.rq'}", "--format", "json") == EXIT_OK
    assert json.loads(capsys.readouterr().out) == [{"id": i} for i in IDS]


def test_query_syntax_error_exits_2_with_the_parser_message(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kg("query", built.out, "SELECT ?x WHERE { ?x") == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("query error:") and "1:" in captured.err


def test_stats(built: Built, capsys: pytest.CaptureFixture[str]) -> None:
    assert kg("stats", built.out) == EXIT_OK
    stats = json.loads(capsys.readouterr().out)
    assert stats == json.loads((built.out / "stats.json").read_text())
    assert set(stats["statements_per_article"]) == set(IDS)
    assert (
        stats["statements"] == sum(stats["relations"].values()) == sum(stats["modalities"].values())
    )


def test_export_gexf(built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "g.gexf"
    assert kg("export", built.out, "--format", "gexf", "--output", out) == EXIT_OK
    assert capsys.readouterr().out.strip() == str(out)
    graph = nx.read_gexf(out)
    stats = json.loads((built.out / "stats.json").read_text())
    assert graph.number_of_edges() == stats["statements"]


def test_export_jsonld(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "g.jsonld"
    assert kg("export", built.out, "--format", "jsonld", "--output", out) == EXIT_OK
    exported = Dataset().parse(out, format="json-ld")
    expected = Dataset().parse(built.out / "graph.trig", format="trig")
    assert len(exported) == len(expected) > 0


def test_export_csv_defaults_to_the_folder(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kg("export", built.out, "--format", "csv") == EXIT_OK
    assert capsys.readouterr().out.strip() == str(built.out / "graph.csv")
    with (built.out / "graph.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    stats = json.loads((built.out / "stats.json").read_text())
    assert len(rows) == stats["statements"]
    assert {r["article"] for r in rows} == set(IDS)
    assert all(r["evidence"] and r["relation"] in stats["relations"] for r in rows)


def test_console_script_builds_the_same_graph(built: Built, tmp_path: Path) -> None:
    """A fresh process (other hash seed, fresh extraction) writes a byte-identical graph.ttl."""
    script = Path(sys.executable).with_name("kg")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kg.cli"]
    out = tmp_path / "out"
    done = subprocess.run(
        [*command, "build", str(built.articles), "--out", str(out), "--workers", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == EXIT_OK, done.stderr
    assert "2 articles (2 extracted, 0 unchanged)" in done.stdout
    assert (out / "graph.ttl").read_bytes() == (built.out / "graph.ttl").read_bytes()


def test_rerun_of_an_unchanged_build_is_up_to_date(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (built.out / "graph.ttl").read_bytes()
    assert kg("build", built.articles, "--out", built.out, "--workers", "1") == EXIT_OK
    assert "2 articles (up to date)" in capsys.readouterr().out
    assert (built.out / "graph.ttl").read_bytes() == before


def test_up_to_date_summary_keeps_the_counts(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    stats = json.loads((built.out / "stats.json").read_text())
    assert kg("build", built.articles, "--out", built.out, "--workers", "1") == EXIT_OK
    assert f"{stats['statements']} statements" in capsys.readouterr().out


def test_batch_with_a_bad_file_exits_3_and_builds_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(DATA / f"{IDS[0]}.txt", articles)
    (articles / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    out = tmp_path / "out"
    assert kg("build", articles, "--out", out, "--workers", "1", "--quiet") == EXIT_SKIPPED
    assert "broken.txt" in capsys.readouterr().err
    [problem] = json.loads((out / "errors.json").read_text())
    assert problem["path"].endswith("broken.txt") and problem["level"] == "error"
    assert query(out, ARTICLE_IDS, capsys) == [{"id": IDS[0]}]
    assert query(out, STATEMENTS_OF.format(IDS[0]), capsys)


def test_remove_drops_one_article_and_keeps_the_other(
    copy: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    kept_before = query(copy.out, STATEMENTS_OF.format(IDS[1]), capsys)
    assert query(copy.out, STATEMENTS_OF.format(IDS[0]), capsys)
    assert kg("remove", copy.out, IDS[0], "no-such-article") == EXIT_SKIPPED
    assert "no-such-article: not in the graph" in capsys.readouterr().err
    assert query(copy.out, STATEMENTS_OF.format(IDS[0]), capsys) == []
    assert query(copy.out, STATEMENTS_OF.format(IDS[1]), capsys) == kept_before
    assert query(copy.out, ARTICLE_IDS, capsys) == [{"id": IDS[1]}]
    assert IDS[0] not in (copy.out / "graph.ttl").read_text(encoding="utf-8")


def test_memory_store_writes_the_same_graph(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        kg("build", built.articles, "--out", out, "--store", "memory", "--workers", "1", "--quiet")
        == 0
    )
    assert not (out / "store").exists()
    assert (out / "graph.ttl").read_bytes() == (built.out / "graph.ttl").read_bytes()


def test_min_confidence_drops_weaker_statements(
    copy: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    before = json.loads((copy.out / "stats.json").read_text())["statements"]
    args = ("--min-confidence", "0.8", "--workers", "1", "--quiet")
    assert kg("build", copy.articles, "--out", copy.out, *args) == EXIT_OK
    stats = json.loads((copy.out / "stats.json").read_text())
    assert stats["articles"] == 2
    assert 0 < stats["statements"] < before
    rows = query(copy.out, CONFIDENCES, capsys)
    assert len(rows) == stats["statements"] and all(float(r["c"]) >= 0.8 for r in rows)
