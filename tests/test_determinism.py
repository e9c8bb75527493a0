"""Determinism of ``kg build``: the same articles give the same bytes, however they are run.

Four builds of one corpus run side by side in fresh processes, each with its own hash seed
(set iteration order differs between them): the same input twice, one worker against two
(the corpus is longer than one batch, so both workers extract), and the two input folders
given in the opposite order. Every file they write must be byte-identical.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from test_crash import ROOT, make_corpus

from kg.cli import EXIT_OK
from kg.namespaces import KGR
from kg.pipeline import TASK_SIZE

OUTPUTS = ("graph.ttl", "graph.trig", "graph.graphml", "graph.html", "stats.json")
# name -> (hash seed, workers, folders in the order given)
BUILDS = {
    "first": ("1", 1, ("a", "b")),
    "again": ("2", 1, ("a", "b")),
    "two-workers": ("3", 2, ("a", "b")),
    "reversed": ("4", 1, ("b", "a")),
}


@pytest.fixture(scope="module")
def outs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run the four builds at once; the output folder of each."""
    root = tmp_path_factory.mktemp("determinism")
    ids = make_corpus(root / "all", 3 * TASK_SIZE)
    assert len(ids) > 2 * TASK_SIZE  # several tasks: with two workers, each extracts some
    for folder, chosen in (("a", ids[::2]), ("b", ids[1::2])):  # interleaved ids
        (root / folder).mkdir()
        for article_id in chosen:
            shutil.copy(root / "all" / f"{article_id}.txt", root / folder)
    procs = {}
    for name, (seed, workers, folders) in BUILDS.items():
        command = [sys.executable, "-m", "kg.cli", "build", *(str(root / f) for f in folders)]
        procs[name] = subprocess.Popen(
            [*command, "--out", str(root / name), "--workers", str(workers), "--quiet"],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            stderr=subprocess.PIPE,
            text=True,
        )
    for proc in procs.values():
        _, err = proc.communicate()
        assert proc.returncode == EXIT_OK, err
    return {name: root / name for name in BUILDS}


def iris(ttl: Path) -> set[URIRef]:
    """Every IRI the build minted (entities, statements, articles, figures) in graph.ttl."""
    graph = Graph().parse(ttl, format="turtle")
    return {t for triple in graph for t in triple if isinstance(t, URIRef) and t in KGR}


@pytest.mark.parametrize("name", ["again", "two-workers", "reversed"])
def test_build_gives_the_same_iris_and_bytes(outs: dict[str, Path], name: str) -> None:
    expected = iris(outs["first"] / "graph.ttl")
    assert any("/entity/" in iri for iri in expected)
    assert iris(outs[name] / "graph.ttl") == expected
    for output in OUTPUTS:
        first = (outs["first"] / output).read_bytes()
        assert (outs[name] / output).read_bytes() == first, output
