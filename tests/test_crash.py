"""Crash safety of ``kg build``: SIGKILL at several points, then reopen, validate and rebuild.

An uninterrupted build in a child process is watched first, to learn when its phases end
(store opened, every extraction cached, graph.ttl exported, manifest written). Each kill
point is then a phase plus a share of that phase's measured length, so the kills land in
the same phases on a slow machine as on a fast one. After each kill the store must reopen,
conform to the SHACL shapes, and hold every named graph it has exactly as the uninterrupted
build wrote it (an article is there whole, or not at all); a re-run must then write a
graph.ttl byte-identical to the uninterrupted build's. Where each kill landed is read from
what the build left on disk, not from the clock, and printed at the end of the module.
"""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import EXIT_OK, main
from kg.rdf import article_graph_iri
from kg.store import Store

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "articles"
# (old, new) name swaps that make the variants different articles with different entities.
SWAPS = (
    ("Hama", "Homs"),
    ("Aleppo", "Idlib"),
    ("rebels", "insurgents"),
    ("Assad", "al-Assad"),
    ("Damascus", "Deraa"),
    ("Russia", "Iran"),
)
VARIANTS = 10
POLL_S = 0.005
TRIES = 4  # builds started for one kill point, should the earlier ones end before the kill
# Ends of the build's phases, in the order they happen, as seen from outside the process.
PHASES = ("opened", "cached", "exported", "finished")
# (phase whose end starts the clock, share of the next phase's reference length)
KILL_POINTS = (
    ("opened", 0.3),
    ("opened", 0.8),
    ("cached", 0.15),  # the articles' graphs are written early in this phase
    ("cached", 0.25),
    ("cached", 0.6),
    ("exported", 0.5),
    ("finished", 0.0),
)


def make_corpus(folder: Path, variants: int) -> list[str]:
    """The example articles and ``variants`` edited half copies under other ids; the ids."""
    folder.mkdir(parents=True)
    originals = sorted(DATA.glob("*.txt"))
    for path in originals:
        shutil.copy(path, folder)
    for k in range(variants):
        text = originals[k % len(originals)].read_text(encoding="utf-8")
        old, new = SWAPS[k % len(SWAPS)]
        added = f"\nThe Rapid Support Forces captured Nyala on day {k + 1} of the offensive."
        half = text[: text.index("\n", len(text) // 2)]  # shorter: the check costs less
        (folder / f"1{k:02d}_variant.txt").write_text(half.replace(old, new) + added, "utf-8")
    return sorted(path.stem for path in folder.iterdir())


def start_build(articles: Path, out: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "kg.cli", "build", str(articles), "--out", str(out)]
    return subprocess.Popen(
        [*command, "--workers", "1", "--quiet"],
        cwd=ROOT,  # the kg package that this test imports
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def cache_entries(out: Path) -> int:
    folder = out / "cache"
    return len([p for p in folder.glob("*.json") if p.name != "manifest.json"])


def phases_done(out: Path, articles: int) -> list[str]:
    """Which phase ends a build in ``out`` has passed, judged by the files it wrote."""
    checks = {
        "opened": (out / "store").exists(),
        "cached": cache_entries(out) >= articles,
        "exported": (out / "graph.ttl").exists(),
        "finished": (out / "cache" / "manifest.json").exists(),
    }
    return [phase for phase in PHASES if checks[phase]]


def watch(proc: subprocess.Popen[bytes], out: Path, articles: int) -> dict[str, float]:
    """Seconds from the start until each phase ended, for a build run to its end."""
    start, ends = time.monotonic(), {}
    while proc.poll() is None:
        for phase in phases_done(out, articles):
            ends.setdefault(phase, time.monotonic() - start)
        time.sleep(POLL_S)
    _, err = proc.communicate()
    assert proc.returncode == EXIT_OK, err.decode()
    ends["exit"] = time.monotonic() - start
    return ends


def article_graph(article_id: str) -> str:
    """The key of an article's graph in ``named_graphs``."""
    return str(ox.NamedNode(article_graph_iri(article_id)))


def named_graphs(path: Path) -> dict[str, frozenset[str]]:
    """Every named graph of the store at ``path`` as a set of N-Triples lines."""
    with Store.open(path) as store:
        data = store.dataset.serialize(format="ox-nquads", encoding="utf-8")
    graphs: dict[str, set[str]] = defaultdict(set)
    for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        graphs[str(quad.graph_name)].add(str(quad.triple))
    return {name: frozenset(triples) for name, triples in graphs.items()}


@dataclass
class Reference:
    """The uninterrupted build: its inputs, what it wrote and when its phases ended."""

    articles: Path
    ids: list[str]
    graphs: dict[str, frozenset[str]]
    ttl: bytes
    ends: dict[str, float]
    conformance: dict[str, bool]  # SHACL result per store content (digest), validated once


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    root = tmp_path_factory.mktemp("crash")
    articles = root / "articles"
    ids = make_corpus(articles, VARIANTS)
    out = root / "out"
    ends = watch(start_build(articles, out), out, len(ids))
    assert list(ends) == [*PHASES, "exit"], ends  # every phase was seen, in order
    graphs = named_graphs(out / "store")
    assert {article_graph(i) for i in ids} <= set(graphs)
    return Reference(articles, ids, graphs, (out / "graph.ttl").read_bytes(), ends, {})


@pytest.fixture(scope="module")
def landed() -> Iterator[dict[str, str]]:
    """Where each kill landed, printed once the module is done (run pytest -s to see it)."""
    places: dict[str, str] = {}
    yield places
    counts = Counter(place.split(" (")[0] for place in places.values())
    print(f"\nkill points: {len(places)}; landed: {dict(counts)}")
    for point, place in places.items():
        print(f"  {point}: {place}")


def kill_at(reference: Reference, out: Path, phase: str, share: float) -> tuple[int, str]:
    """Start a build and SIGKILL it ``share`` of the way into the phase after ``phase``.

    The share is of the reference build's phase. A build that ends before the kill (the
    reference ran on a busier machine than this one) is tried again in an empty folder
    with half the delay, up to ``TRIES`` times. Returns the exit status (``-SIGKILL``
    unless every try ended first) and the stderr of the last try.
    """
    ends = reference.ends
    following = (*PHASES, "exit")[PHASES.index(phase) + 1]
    delay = share * (ends[following] - ends[phase])
    for _ in range(TRIES):
        shutil.rmtree(out, ignore_errors=True)
        proc = start_build(reference.articles, out)
        while proc.poll() is None and phase not in phases_done(out, len(reference.ids)):
            time.sleep(POLL_S)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
        if proc.returncode != EXIT_OK:
            break
        delay /= 2
    return proc.returncode, err.decode()


def where(out: Path, graphs: dict[str, frozenset[str]], ids: list[str]) -> str:
    """The phase a killed build was in, from what it left on disk."""
    stored = sum(article_graph(i) in graphs for i in ids)
    if cache_entries(out) < len(ids):
        return "extracting"
    if stored < len(ids) or not (out / "graph.ttl").exists():
        return f"storing ({stored} of {len(ids)} articles stored)"
    if not (out / "cache" / "manifest.json").exists():
        return "writing outputs"
    return "after the manifest, exiting"


def conforms(reference: Reference, path: Path, graphs: dict[str, frozenset[str]]) -> bool:
    """SHACL validation of the store; identical contents are validated once (pySHACL is slow)."""
    digest = hashlib.sha256(repr(sorted(graphs.items())).encode()).hexdigest()
    if digest not in reference.conformance:
        with Store.open(path) as store:
            ok, _, text = store.validate()
        assert ok, text
        reference.conformance[digest] = ok
    return reference.conformance[digest]


@pytest.mark.parametrize(
    ("phase", "share"), KILL_POINTS, ids=[f"{p}+{s:.0%}" for p, s in KILL_POINTS]
)
def test_killed_build_leaves_whole_articles_and_reruns_to_the_same_graph(
    reference: Reference, landed: dict[str, str], tmp_path: Path, phase: str, share: float
) -> None:
    out = tmp_path / "out"
    status, err = kill_at(reference, out, phase, share)
    assert status == -signal.SIGKILL, err
    graphs = named_graphs(out / "store")  # reopens after the kill
    landed[f"{phase}+{share:.0%}"] = where(out, graphs, reference.ids)
    for name, triples in graphs.items():  # each graph is the finished one or absent
        assert triples == reference.graphs.get(name), name
    assert conforms(reference, out / "store", graphs)
    args = ["build", str(reference.articles), "--out", str(out), "--workers", "1", "--quiet"]
    assert main(args) == EXIT_OK
    assert (out / "graph.ttl").read_bytes() == reference.ttl
    assert named_graphs(out / "store") == reference.graphs
