"""Extraction overhead: ``kg build`` against bare spaCy ``nlp.pipe`` on the same corpus.

Both sides run as fresh processes from start to end, with the same model (kg's default),
the same seeded corpus and the same number of processes: bare is ``spacy.load`` and
``nlp.pipe(texts, batch_size=kg's batch, n_process=workers)`` with nothing done with the
documents; ``kg build`` reads, parses, extracts, resolves, writes the store and every
output. kg parses with the same model plus its own additions (``kg.nlp.load_pipeline``:
plain quotes, true-cased headlines, sentence bounds, and the model's attribute ruler
indexed, which sets the same annotations faster). A second ratio stops kg's clock when
the last article is extracted and cached (the build's own step timings give the resolve,
store and outputs steps that follow).
The runs alternate (bare, kg, bare, kg ...) so that other load on the machine falls on
both, and the fastest run of each side is compared, in words per second.

Run: ``.venv/bin/python benchmarks/extraction.py`` (about 3 minutes on 2 cores)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from corpus import write_corpus
from harness import kg_build, report, run, verdict

TARGET = 0.85


def bare(corpus: Path, workers: int) -> None:
    """The baseline, run in its own process: parse every text and throw the docs away."""
    import spacy

    from kg.pipeline import BATCH_SIZE, DEFAULT_MODEL

    texts = [json.loads(line)["text"] for path in sorted(corpus.glob("*.jsonl"))
             for line in path.open(encoding="utf-8")]
    nlp = spacy.load(DEFAULT_MODEL)
    for _ in nlp.pipe(texts, batch_size=BATCH_SIZE, n_process=workers):
        pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--words", type=int, default=700, help="words per article, about")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2, help="runs of each side")
    ap.add_argument("--bare", type=Path, help=argparse.SUPPRESS)  # the baseline's own process
    args = ap.parse_args()
    if args.bare:
        return bare(args.bare, args.workers)

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        words = write_corpus(corpus, args.articles, args.words)
        runs: dict[str, list] = {"bare": [], "kg": []}
        for i in range(args.repeat):
            runs["bare"].append(run([sys.executable, __file__, "--bare", str(corpus),
                                     "--workers", str(args.workers)])[0])
            runs["kg"].append(kg_build([corpus], Path(tmp) / f"out{i}", args.workers))

    best = {side: min(r.seconds for r in rs) for side, rs in runs.items()}
    # kg build until its last article is extracted and cached: all but the steps after
    fastest = min(runs["kg"], key=lambda r: r.seconds)
    best["kg extraction"] = fastest.seconds - sum(
        fastest.steps[step] for step in ("resolve", "store", "outputs"))
    speed = {side: round(words / seconds) for side, seconds in best.items()}
    ratio = round(speed["kg"] / speed["bare"], 3)
    step_ratio = round(speed["kg extraction"] / speed["bare"], 3)
    rows = [("corpus", f"{args.articles} articles, {words:,} words (seed 0)"),
            ("processes", args.workers),
            ("bare nlp.pipe runs (s)", [r.seconds for r in runs["bare"]]),
            ("kg build runs (s)", [r.seconds for r in runs["kg"]]),
            ("bare nlp.pipe words/s", f"{speed['bare']:,} (fastest run)"),
            ("kg build words/s", f"{speed['kg']:,} (fastest run)"),
            ("kg build steps (s)", fastest.steps),
            ("kg / bare", f"{ratio} ({verdict(ratio, TARGET)})"),
            ("kg until extracted / bare", f"{step_ratio} (start, read, parse, extract, cache)")]
    report("extraction", rows, {"articles": args.articles, "words": words,
                                "workers": args.workers, "runs": runs, "words_per_s": speed,
                                "ratio": ratio, "extraction_step_ratio": step_ratio,
                                "target": TARGET})


if __name__ == "__main__":
    main()
