"""The build (kg.pipeline) and the Python API (kg.build, kg.load): incremental updates.

A build caches each article's extraction; these tests check that only what changed is
extracted again, that removing an article leaves no trace of it, and that the API returns
graphs that answer SPARQL with DataFrames.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import kg
from kg import pipeline
from kg.pipeline import BuildConfig, BuildReport, _handed_over, build, remove
from kg.store import Store

DATA = Path(__file__).resolve().parent.parent / "data" / "articles"
IDS = ("000_c8adc63d4404ca73", "001_db540ac65a82172c")
CONFIG = BuildConfig(workers=1, quiet=True)
NEW_SENTENCE = "The Rapid Support Forces captured Nyala on Tuesday."
STATEMENTS = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX kg: <https://w3id.org/newskg/ontology#>
SELECT ?id ?st ?evidence WHERE {
    GRAPH ?g { ?st prov:wasDerivedFrom ?a ; kg:evidence ?evidence . ?a dcterms:identifier ?id }
} ORDER BY ?id ?st
"""


@dataclass(frozen=True)
class Built:
    articles: Path
    out: Path
    report: BuildReport


ARTICLE_COUNTS = """
PREFIX schema: <https://schema.org/>
PREFIX kg: <https://w3id.org/newskg/ontology#>
SELECT ?e ?stored (COUNT(DISTINCT ?a) AS ?counted) WHERE {
    ?e kg:articleCount ?stored . ?a schema:mentions ?e
} GROUP BY ?e ?stored
"""


def article_counts(out: Path) -> pd.DataFrame:
    """Each entity's stored ``kg:articleCount`` beside the articles that mention it."""
    with kg.load(out) as graph:
        return graph.query(ARTICLE_COUNTS)


def statements(out: Path) -> pd.DataFrame:
    with kg.load(out) as graph:
        return graph.query(STATEMENTS)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("pipeline")
    articles = root / "articles"
    articles.mkdir()
    for article_id in IDS:
        shutil.copy(DATA / f"{article_id}.txt", articles)
    out = root / "out"
    return Built(articles, out, build([articles], out, CONFIG))


@pytest.fixture
def copy(built: Built, tmp_path: Path) -> Built:
    """A private copy of the built folder (store and cache included) to change."""
    articles = shutil.copytree(built.articles, tmp_path / "articles")
    return Built(articles, shutil.copytree(built.out, tmp_path / "out"), built.report)


def test_first_build_extracts_every_article(built: Built) -> None:
    report = built.report
    assert (sorted(report.extracted), report.unchanged, report.problems) == (list(IDS), [], [])
    assert not report.up_to_date
    assert list(report.seconds) == ["read", "extract", "resolve", "store", "outputs"]
    with kg.load(built.out) as graph:
        stats = graph.stats()
    assert (report.articles, report.entities, report.statements) == (
        stats["articles"],
        stats["entities"],
        stats["statements"],
    )
    assert report.statements > 0
    counts = article_counts(built.out)
    assert len(counts) == report.entities
    assert (counts["stored"] == counts["counted"]).all()
    assert set(counts["stored"]) == {1, 2}  # some entities are in both articles


def test_unchanged_build_is_up_to_date(copy: Built) -> None:
    report = build([copy.articles], copy.out, CONFIG)
    assert report.up_to_date and report.extracted == []
    assert report.unchanged == list(IDS)
    assert list(report.seconds) == ["read"]


def test_a_first_build_with_every_article_cached_stops_its_workers(copy: Built) -> None:
    """No manifest yet, so the workers start before the articles are read; all are cached,
    so they are stopped and nothing is extracted again."""
    (copy.out / "cache" / "manifest.json").unlink()
    shutil.rmtree(copy.out / "store")
    before = (copy.out / "graph.ttl").read_bytes()
    report = build([copy.articles], copy.out, BuildConfig(workers=2, quiet=True))
    assert (report.extracted, report.unchanged) == ([], list(IDS))
    assert (copy.out / "graph.ttl").read_bytes() == before


def test_other_extraction_code_extracts_every_article_again(copy: Built, monkeypatch) -> None:
    """A cache entry made by other code (kg upgraded, a rule's code edited) is stale."""
    monkeypatch.setattr(pipeline, "_code_digest", lambda model: "other code")
    report = build([copy.articles], copy.out, CONFIG)
    assert (sorted(report.extracted), report.unchanged) == (list(IDS), [])


def test_the_code_digest_covers_every_module_extraction_runs() -> None:
    """A module kg.extract imports, left out of EXTRACTION_MODULES, could change an
    extraction without making its cache entry stale."""
    script = "import json, sys, kg.extract; print(json.dumps([*sys.modules]))"
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    modules = {m.removeprefix("kg.") for m in json.loads(loaded) if m.startswith("kg.")}
    assert modules == set(pipeline.EXTRACTION_MODULES)


def test_unchanged_build_loads_neither_spacy_nor_pandas(copy: Built) -> None:
    """Re-running a build with nothing to do is a check of hashes, not a pipeline load."""
    script = (
        "import sys; from kg.pipeline import BuildConfig, build; "
        f"report = build([{str(copy.articles)!r}], {str(copy.out)!r}, BuildConfig(quiet=True)); "
        "print(report.up_to_date, sorted({'spacy', 'pandas', 'networkx'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.split() == ["True", "[]"], done.stderr


def test_a_build_with_workers_loads_neither_spacy_nor_pandas_itself(
    built: Built, tmp_path: Path
) -> None:
    """The workers parse; the build's own process needs neither spaCy nor pandas."""
    out = tmp_path / "out"
    script = (
        "import sys; from kg.pipeline import BuildConfig, build; "
        f"report = build([{str(built.articles)!r}], {str(out)!r}, "
        "BuildConfig(workers=2, quiet=True)); "
        "print(len(report.extracted), sorted({'spacy', 'pandas'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.split() == [str(len(IDS)), "[]"], done.stderr


def test_no_worker_process_outlives_extraction(built: Built, tmp_path: Path) -> None:
    """Workers and the forkserver that forked them, which holds a pipeline too, are gone
    before the outputs are written, whose memory grows with the corpus. (multiprocessing's
    resource tracker, a small process, stays until the build's process ends.)"""
    out = tmp_path / "out"
    script = (
        "import psutil, kg.outputs; from kg.pipeline import BuildConfig, build; "
        "write = kg.outputs.write_outputs; "
        "children = lambda: [p for p in psutil.Process().children(True) "
        "if 'resource_tracker' not in ' '.join(p.cmdline())]; "
        "kg.outputs.write_outputs = lambda *a: print(len(children())) or write(*a); "
        f"build([{str(built.articles)!r}], {str(out)!r}, BuildConfig(workers=2, quiet=True))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.split() == ["0"], done.stderr
    assert (out / "graph.html").exists()


def test_a_process_loads_its_pipeline_once_for_the_same_settings_and_rules(monkeypatch) -> None:
    """A worker forked with the pipeline loaded keeps it; other settings or other rule
    files load it again."""
    import spacy

    import kg.nlp

    loads = []

    def load(name: str, **settings) -> spacy.language.Language:
        loads.append((name, settings))
        return spacy.blank("en")

    monkeypatch.setattr(pipeline, "_WORKER", {})
    monkeypatch.setattr(kg.nlp, "load_pipeline", load)
    pipeline._init_worker("model", 100, 50)
    pipeline._init_worker("model", 100, 50)
    assert len(loads) == 1
    pipeline._init_worker("model", 100, 60)
    assert len(loads) == 2
    monkeypatch.setattr(pipeline, "_rule_digests", lambda: ["edited", "rules"])
    pipeline._init_worker("model", 100, 60)
    assert len(loads) == 3


# Each worker extracts an article and says which process loaded its pipeline.
_WORKER_STATE = """
import os
from kg import pipeline
from kg.pipeline import BuildConfig, start_workers
from kg.records import Article

def extract(article):
    [extraction] = pipeline._extract_batch([article])
    return os.getpid(), os.getppid(), pipeline._WORKER["loaded_in"], len(extraction.entities)

if __name__ == "__main__":
    article = Article("a", "Rebels captured the city of Hama in Syria.", "test")
    with start_workers(BuildConfig(workers=2)).result() as pool:
        for row in pool.map(extract, [article] * 4, chunksize=1):
            print(*row)
    print(os.getpid())
"""


def test_workers_start_with_the_pipeline_their_forkserver_loaded(tmp_path: Path) -> None:
    """The forkserver loads the pipeline before it forks the workers, which extract with it."""
    script = tmp_path / "start.py"
    script.write_text(_WORKER_STATE)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    *rows, main = [list(map(int, line.split())) for line in done.stdout.splitlines()]
    assert len(rows) == 4
    for worker, parent, loaded_in, entities in rows:
        assert loaded_in == parent != worker and parent != main[0]
        assert entities >= 2


def test_changed_article_is_the_only_one_extracted_and_stored_again(
    copy: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[str] = []
    replace_articles = Store.replace_articles

    def spy(store: Store, articles: Iterable[tuple[str, Iterable]]) -> None:
        def recorded() -> Iterator[tuple[str, Iterable]]:
            for article_id, quads in articles:
                written.append(article_id)
                yield article_id, quads

        replace_articles(store, recorded())

    monkeypatch.setattr(Store, "replace_articles", spy)
    before = statements(copy.out)
    path = copy.articles / f"{IDS[1]}.txt"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{NEW_SENTENCE}\n", encoding="utf-8")
    report = build([copy.articles], copy.out, CONFIG)
    assert (report.extracted, report.unchanged) == ([IDS[1]], [IDS[0]])
    assert written == [IDS[1]]  # the other article's graph is stored as it would be written
    after = statements(copy.out)
    untouched = after[after["id"] == IDS[0]].reset_index(drop=True)
    pd.testing.assert_frame_equal(untouched, before[before["id"] == IDS[0]].reset_index(drop=True))
    assert NEW_SENTENCE in set(after.loc[after["id"] == IDS[1], "evidence"])


def test_removed_then_rebuilt_article_gives_the_same_graph(built: Built, copy: Built) -> None:
    """Nothing of a removed article stays behind: adding it back restores the graph exactly."""
    assert remove(copy.out, [IDS[0]], CONFIG) == []
    left = statements(copy.out)
    assert set(left["id"]) == {IDS[1]}
    assert IDS[0] not in (copy.out / "graph.trig").read_text(encoding="utf-8")
    counts = article_counts(copy.out)  # the entity graph counts one article now
    assert set(counts["stored"]) == set(counts["counted"]) == {1}
    report = build([copy.articles], copy.out, CONFIG)
    assert (report.extracted, report.unchanged) == ([IDS[0]], [IDS[1]])
    rebuilt = (copy.out / "graph.ttl").read_text(encoding="utf-8")
    original = (built.out / "graph.ttl").read_text(encoding="utf-8")
    assert rebuilt.replace(str(copy.articles), str(built.articles)) == original


def test_the_longest_articles_are_extracted_first(tmp_path: Path) -> None:
    """So that a long article does not come last and keep one core busy alone."""
    articles = tmp_path / "articles"
    articles.mkdir()
    sentence = "Rebels captured the city of Hama in Syria. "
    for name, sentences in (("a", 1), ("b", 3), ("c", 2)):
        (articles / f"{name}.txt").write_text(sentence * sentences, encoding="utf-8")
    report = build([articles], tmp_path / "out", CONFIG)
    assert [i.split("_")[0] for i in report.extracted] == ["b", "c", "a"]


def test_articles_to_extract_are_let_go_as_they_are_handed_over() -> None:
    """The build holds no text that a worker already has."""
    todo = ["first", "second", "third"]
    handed = _handed_over(todo)
    assert next(handed) == "first"
    assert sorted(todo) == ["second", "third"]
    assert list(handed) == ["second", "third"]
    assert todo == []


def test_other_model_extracts_again(copy: Built, spacy_nlp) -> None:
    config = BuildConfig(model=str(spacy_nlp.path), workers=1, quiet=True)
    report = build([copy.articles], copy.out, config)
    assert sorted(report.extracted) == list(IDS)


def test_load_reads_graph_trig_when_there_is_no_store(built: Built, tmp_path: Path) -> None:
    shutil.copy(built.out / "graph.trig", tmp_path)
    with kg.load(tmp_path) as graph:
        assert graph.stats()["statements"] == built.report.statements
    pd.testing.assert_frame_equal(statements(tmp_path), statements(built.out))


def test_build_in_memory_returns_a_queryable_graph() -> None:
    graph = kg.build(DATA / f"{IDS[1]}.txt", workers=1, quiet=True)
    with graph:
        frame = graph.query(STATEMENTS)
        network = graph.to_networkx()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["id", "st", "evidence"]
    assert len(frame) > 0 and set(frame["id"]) == {IDS[1]}
    assert network.number_of_edges() == len(frame)
