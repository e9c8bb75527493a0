"""Incremental builds: re-running ``kg build`` on an unchanged corpus against the first build.

The first build extracts every article into an empty output folder; the re-runs find
the same inputs and settings and must do next to nothing. One more run after changing
one article shows what an incremental update costs. Every run is the ``kg`` command
from start to end, interpreter start-up included, as a user would time it.

Run: ``.venv/bin/python benchmarks/incremental.py`` (about 2 minutes on 2 cores)
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

from corpus import write_corpus
from harness import kg_build, report, verdict

TARGET = 20.0


def change_one_article(corpus: Path) -> None:
    """Append a sentence to the first article, so that its content hash changes."""
    path = sorted(corpus.glob("*.jsonl"))[0]
    first, *rest = path.read_text(encoding="utf-8").splitlines()
    item = json.loads(first)
    item["text"] += "\n\nThe ministry said the border crossing would reopen on Monday."
    path.write_text("\n".join([json.dumps(item), *rest]) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--words", type=int, default=700, help="words per article, about")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3, help="unchanged re-runs")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
        words = write_corpus(corpus, args.articles, args.words)
        first = kg_build([corpus], out, args.workers)
        again = [kg_build([corpus], out, args.workers) for _ in range(args.repeat)]
        change_one_article(corpus)
        changed = kg_build([corpus], out, args.workers)

    unchanged = statistics.median(r.seconds for r in again)
    ratio = round(first.seconds / unchanged, 1)
    changed_ratio = round(first.seconds / changed.seconds, 1)
    rows = [("corpus", f"{args.articles} articles, {words:,} words (seed 0)"),
            ("first build (s)", first.seconds),
            ("unchanged re-runs (s)", [r.seconds for r in again]),
            ("one article changed (s)", changed.seconds),
            ("first / unchanged (median)", f"{ratio}x ({verdict(ratio, TARGET)})"),
            ("first / one article changed", f"{changed_ratio}x")]
    report("incremental", rows, {"articles": args.articles, "words": words,
                                 "workers": args.workers, "first": first, "unchanged": again,
                                 "one_changed": changed, "ratio": ratio,
                                 "one_changed_ratio": changed_ratio, "target": TARGET})


if __name__ == "__main__":
    main()
