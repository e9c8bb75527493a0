"""Scaling: ``kg build --workers 2`` against ``--workers 1`` on the same corpus.

Each build starts from an empty output folder. The runs alternate (1, 2, 1, 2 ...) so that
other load on the machine falls on both, and the fastest run of each is compared. Bare
spaCy ``nlp.pipe`` with ``n_process`` 1 and 2 is measured the same way as the ceiling:
the part of a build that runs in one process (reading, resolution, store, outputs) can
only pull kg below it.

Run: ``.venv/bin/python benchmarks/scaling.py`` (about 7 minutes on 2 cores)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from corpus import write_corpus
from harness import ROOT, kg_build, report, run, verdict

TARGET = 1.7
BARE = str(ROOT / "benchmarks" / "extraction.py")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--words", type=int, default=700, help="words per article, about")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each setting")
    args = ap.parse_args()

    kg: dict[int, list] = {1: [], 2: []}
    bare: dict[int, list] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        words = write_corpus(corpus, args.articles, args.words)
        for i in range(args.repeat):
            for workers in (1, 2):
                kg[workers].append(kg_build([corpus], Path(tmp) / f"out{i}-{workers}", workers))
                bare[workers].append(run([sys.executable, BARE, "--bare", str(corpus),
                                          "--workers", str(workers)])[0])

    def speedup(runs: dict[int, list]) -> float:
        # three decimals, so that no rounding decides the verdict (1.699 is not 1.7)
        return round(min(r.seconds for r in runs[1]) / min(r.seconds for r in runs[2]), 3)

    ratio, ceiling = speedup(kg), speedup(bare)
    rows = [("corpus", f"{args.articles} articles, {words:,} words (seed 0)"),
            ("kg build, 1 worker (s)", [r.seconds for r in kg[1]]),
            ("kg build, 2 workers (s)", [r.seconds for r in kg[2]]),
            ("bare nlp.pipe, 1 process (s)", [r.seconds for r in bare[1]]),
            ("bare nlp.pipe, 2 processes (s)", [r.seconds for r in bare[2]]),
            ("kg speedup, 2 vs 1", f"{ratio}x ({verdict(ratio, TARGET)})"),
            ("bare spaCy speedup (ceiling)", f"{ceiling}x")]
    report("scaling", rows, {"articles": args.articles, "words": words, "kg": kg, "bare": bare,
                             "speedup": ratio, "bare_speedup": ceiling, "target": TARGET})


if __name__ == "__main__":
    main()
