"""Limits that keep one input from costing unbounded time or memory, and what they report."""

from __future__ import annotations

from pathlib import Path

from kg.cli import EXIT_OK, main
from kg.ingest import Limits, Problem, read_file
from kg.nlp import SentenceBounds


def test_sentence_bounds_cut_runs_longer_than_the_limit(spacy_nlp) -> None:
    doc = spacy_nlp.make_doc("word " * 120)
    SentenceBounds(max_tokens=50)(doc)
    starts = [t.i for t in doc if t.is_sent_start]
    assert starts == [0, 50, 100]


def test_sentence_bounds_start_a_sentence_after_each_line(spacy_nlp) -> None:
    doc = spacy_nlp("Rebels Advance Towards Homs\nThe army withdrew from Hama.")
    sentences = [s.text.strip() for s in doc.sents]
    assert sentences == ["Rebels Advance Towards Homs", "The army withdrew from Hama."]


def test_a_very_long_sentence_is_reported_and_still_built(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("The rebels captured Aleppo and " + "the town and " * 500 + "Hama.\n")
    items = list(read_file(path, Limits(max_sentence_chars=1000)))
    warnings = [i for i in items if isinstance(i, Problem)]
    assert [w.level for w in warnings] == ["warning"]
    assert "6,535 characters, over the limit of 1,000" in warnings[0].message
    assert sum(1 for i in items if not isinstance(i, Problem)) == 1


def test_an_output_folder_inside_the_input_folder_is_not_read(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.txt").write_text("Rebels captured Hama on Friday, residents said.\n")
    for _ in range(2):
        assert (
            main(["build", str(tmp_path), "--out", str(tmp_path / "out"), "--workers", "1"])
            == EXIT_OK
        )
    captured = capsys.readouterr()
    assert "store" not in captured.err
    assert "1 articles (up to date)" in captured.out
