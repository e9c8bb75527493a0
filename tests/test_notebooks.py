"""The notebooks run top to bottom on a fresh kernel, against graphs made for the test.

``KG_OUTPUTS`` points them at a temporary build, so the user's ``outputs/`` is never read
or written. A probe cell appended to each notebook reports what its cells computed.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

import kg

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example articles built once for every notebook test."""
    out = tmp_path_factory.mktemp("outputs")
    kg.build(ROOT / "data" / "articles", out).close()
    return out


def run(name: str, outputs: Path, probe: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Execute notebook `name` against `outputs`; return the probe's JSON and the cells."""
    monkeypatch.setenv("KG_OUTPUTS", str(outputs))
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells), f"{name} is stored with outputs"
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import json, sys\n"
            f'print(json.dumps({{"python": sys.executable, "outputs": str(OUTPUTS), {probe}}}))'
        )
    )
    client = NotebookClient(
        nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()  # raises CellExecutionError, with the traceback, if a cell fails
    outputs_of = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs_of if o.output_type == "error"]
    report = json.loads(nb.cells[-1].outputs[0].text)
    # The kernel is this virtualenv's interpreter, reading the test's build.
    assert report["python"] == sys.executable
    assert report["outputs"] == str(outputs)
    report["cells"] = {
        tag: c for c in nb.cells for tag in c.metadata.get("tags", []) if c.cell_type == "code"
    }
    return report


def images(cell: nbformat.NotebookNode) -> int:
    return sum("image/png" in o.get("data", {}) for o in cell.outputs)


def test_explore_notebook(example_build: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = run(
        "explore.ipynb",
        example_build,
        '"captures": captures.to_dict("records"), "ranks": len(ranks), '
        '"hypothetical": hypothetical.to_dict("records"), "supports": len(supports), '
        '"coverage": len(coverage), "leaders": leaders.to_dict("records"), '
        '"paths": len(paths)',
        monkeypatch,
    )
    captures = report["captures"]
    assert captures, "the capture table is empty"
    assert all(row["captor"] and row["place"] for row in captures)
    # each row counts its articles and names them; the most reported captures come first
    assert all(row["articles"] == len(row["article_ids"].split(", ")) for row in captures)
    assert [row["articles"] for row in captures] == sorted(
        (row["articles"] for row in captures), reverse=True
    )
    # "If the rebels capture Homs ...": threatened, and never stated as a fact
    threatened = {(row["captor"], row["place"]) for row in report["hypothetical"]}
    assert threatened and all(row["evidence"] for row in report["hypothetical"])
    assert not threatened & {(row["captor"], row["place"]) for row in captures}
    assert report["supports"] > 0
    assert report["coverage"] == 15
    # the captors of most places lead the table; HTS's leader is named
    assert {row["captor"] for row in report["leaders"]} == {row["captor"] for row in captures}
    assert any(row["leaders"] for row in report["leaders"])
    assert report["ranks"] == 10
    assert report["paths"] > 0


def test_sources_and_time_on_the_example(
    example_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = run(
        "sources_and_time.ipynb",
        example_build,
        '"figures": len(figures), "claims": claims.to_dict("records"), '
        '"claimed": claimed.to_dict("records"), "events": len(events)',
        monkeypatch,
    )
    # the example articles state casualty and displacement counts ("over 800 people killed")
    assert report["figures"] > 0
    assert images(report["cells"]["chart"]) == 1
    assert report["claims"] and all(row["claims"] >= row["articles"] for row in report["claims"])
    # "... the rebels entered Homs province, taking control of key cities like Rastan",
    # the Observatory said
    claimed = report["claimed"]
    assert claimed and all(row["sources"] and row["evidence"] for row in claimed)
    sources = {row["source"] for row in report["claims"]}
    assert {s for row in claimed for s in row["sources"].split(", ")} <= sources
    assert report["events"] > 0


def test_sources_and_time_with_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A folder with only graph.trig: kg.load reads it into memory.
    shutil.copy(FIXTURES / "analytics.trig", tmp_path / "graph.trig")
    report = run(
        "sources_and_time.ipynb",
        tmp_path,
        '"figures": len(figures), "dated": len(dated), "sources": sorted(dated["source"]), '
        '"disagreeing": len(tables["disagreeing_figures"])',
        monkeypatch,
    )
    assert report["figures"] == 4
    assert report["sources"] == ["Daily", "Daily", "Daily", "Q Monitor"]
    assert report["disagreeing"] == 2
    chart = report["cells"]["chart"]
    assert not [o for o in chart.outputs if o.output_type == "stream"]
    assert images(chart) == 1
