"""Memory: peak resident memory of ``kg build`` on 10,000 articles against 1,000.

Both corpora come from the same seeded generator with the same article length. The
memory of the ``kg`` process and of its workers is read every 50 ms while it runs; the
table gives the peak of the process tree (all processes together: what the machine must
have) and of the main process alone (what grows with the corpus, as the workers each
hold one model and one batch).

The issue's corpus is 10,000 articles of about 700 words (7 million words): ``--words
700`` runs it, in about 25 minutes on 2 cores. The default article is shorter (``--words
120``: 1.45 million words in 10,000 articles, about 6 minutes in all) for a quick check;
the full size is the one that counts (docs/benchmarks.md).

Run: ``.venv/bin/python benchmarks/memory.py [--words 700]``
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from corpus import write_corpus
from harness import kg_build, report, verdict

LIMIT_MB = 2048
RATIO = 1.3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=1000, help="articles of the small corpus")
    ap.add_argument("--large", type=int, default=10000, help="articles of the large corpus")
    ap.add_argument("--words", type=int, default=120, help="words per article, about")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    runs, words = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for count in (args.small, args.large):
            corpus = Path(tmp) / f"corpus{count}"
            words[count] = write_corpus(corpus, count, args.words)
            runs[count] = kg_build([corpus], Path(tmp) / f"out{count}", args.workers)

    small, large = runs[args.small], runs[args.large]
    tree_ratio = round(large.peak_rss_mb / small.peak_rss_mb, 2)
    main_ratio = round(large.main_rss_mb / small.main_rss_mb, 2)
    rows = [(f"{count:,} articles", f"{words[count]:,} words, {r.seconds} s, peak "
             f"{r.peak_rss_mb:,} MB (tree), {r.main_rss_mb:,} MB (main process)")
            for count, r in runs.items()]
    rows += [("peak, large corpus (tree)",
              f"{large.peak_rss_mb:,} MB ({verdict(large.peak_rss_mb, LIMIT_MB, False)} MB)"),
             ("large / small, tree", f"{tree_ratio}x ({verdict(tree_ratio, RATIO, False)})"),
             # what grows with the corpus; the target is the peak of the whole tree
             ("large / small, main process", f"{main_ratio}x (diagnostic)")]
    report("memory", rows, {"words_per_article": args.words, "workers": args.workers,
                            "words": words, "runs": runs, "tree_ratio": tree_ratio,
                            "main_ratio": main_ratio, "limit_mb": LIMIT_MB, "ratio_target": RATIO})


if __name__ == "__main__":
    main()
