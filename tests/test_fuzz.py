"""Property tests (Hypothesis) of ingestion and extraction on random input.

Random bytes and Unicode text files, random HTML pages and random JSON Lines go through
``kg.ingest.read_file``: it must never raise, and it must account for each input it was
given (a JSON Lines file: one article or one error per non-blank line). Random English-like
news text goes through the extraction: it must never raise, every evidence and mention must
be the article text between its offsets, and the result must survive the JSON cache.

The runs are derandomised and their example counts fixed, so CI sees the same examples every
time; what each property saw is printed at the end of the module (pytest -s).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.ingest import Problem, read_file
from kg.records import Article, Extraction

if TYPE_CHECKING:
    from spacy.language import Language

EXAMPLES = 60
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- English-like news text ----------------------------------------------------------------

ACTORS = (
    "Hayat Tahrir al-Sham", "HTS", "the Syrian army", "rebels", "Russia", "Iran", "Turkey",
    "Bashar al-Assad", "Abu Mohammed al-Jolani", "the Syrian Observatory for Human Rights",
    "government forces", "the United Nations", "Hezbollah", "civilians", "thousands of people",
)
PLACES = ("Aleppo", "Hama", "Homs", "Damascus", "Idlib", "Syria", "Lebanon", "the city", "Deraa")
VERBS = (
    "captured", "attacked", "advanced on", "withdrew from", "controls", "supports", "opposes",
    "criticized", "met with", "leads", "fled", "fled to", "killed", "is based in", "seized",
    "did not capture", "may attack", "said it had captured", "reportedly took",
)
TAILS = (
    "", " on Friday", " last week", " on December 5, 2024", " after days of fighting",
    ", officials said", ", according to the Syrian Observatory for Human Rights",
    ", killing at least 27 people", " two days ago", " in 2011", ", displacing over 800 families",
)
PUNCTUATION = (".", ",", ";", ":", "!", "?", '"', "'", "(", ")", "\u201c", "\u201d", "-", "\n")
noise = st.text(min_size=1, max_size=6)  # any Unicode but surrogates
sentence = st.one_of(
    st.builds(
        "{} {} {}{}{}.".format,
        st.sampled_from(ACTORS),
        st.sampled_from(VERBS),
        st.sampled_from(ACTORS + PLACES),
        st.sampled_from(TAILS),
        st.one_of(st.just(""), noise.map(" {}".format)),
    ),
    st.lists(
        st.one_of(st.sampled_from(ACTORS + PLACES + VERBS), st.sampled_from(PUNCTUATION), noise),
        min_size=1,
        max_size=20,
    ).map(" ".join),
)
news_text = st.lists(
    st.tuples(sentence, st.sampled_from((" ", "\n", "\n\n", "  ", "\t"))), min_size=1, max_size=8
).map(lambda parts: "".join(s + sep for s, sep in parts))
iso_date = st.dates().map(lambda d: d.isoformat())

# --- files ---------------------------------------------------------------------------------

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1")
file_bytes = st.one_of(
    st.binary(max_size=3000),
    st.tuples(st.one_of(news_text, st.text(max_size=2000)), st.sampled_from(ENCODINGS)).map(
        lambda pair: pair[0].encode(pair[1], errors="replace")
    ),
)
SCRIPT_MARKER = "kgFuzzScriptMarker"  # text inside <script> or <style>: never article text
PUBLISHED = '<meta property="article:published_time" content="{}">'
TAGS = ("p", "div", "span", "article", "main", "section", "h1", "h2", "a", "b", "li", "table")
# entities (a NUL and a surrogate among them), a comment, CDATA, a void and a stray end tag
ODDITIES = ("&amp;", "&#0;", "&#xD800;", "&nbsp;", "<br>", "<!-- c -->", "<![CDATA[x]]>", "</p>")
element = st.recursive(
    st.one_of(news_text.map(lambda t: t.replace("<", "&lt;")), st.sampled_from(ODDITIES)),
    lambda children: st.tuples(
        st.sampled_from(TAGS), st.lists(children, max_size=4), st.sampled_from(("", ' class="x"'))
    ).map(lambda t: f"<{t[0]}{t[2]}>{''.join(t[1])}</{t[0]}>"),
    max_leaves=12,
)
html_page = st.tuples(
    st.sampled_from(("<!DOCTYPE html>", "", "<?xml version='1.0'?>")),
    st.one_of(st.just(""), iso_date.map(PUBLISHED.format)),
    st.one_of(st.just(""), noise.map("<title>{}</title>".format)),
    st.lists(element, max_size=6),
    st.sampled_from(("</body></html>", "", "</div></div>")),
).map(
    lambda t: f"{t[0]}<html><head>{t[1]}{t[2]}<script>var {SCRIPT_MARKER} = 1;</script>"
    f"<style>.{SCRIPT_MARKER} {{}}</style></head><body>{''.join(t[3])}{t[4]}"
)
json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
json_record = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=12), st.integers(), json_value),
        "text": st.one_of(news_text, news_text, json_value),
        "title": st.one_of(st.text(max_size=30), json_value),
        "date": st.one_of(iso_date, st.text(max_size=20), json_value),
        "url": st.one_of(st.just("https://example.org/a"), json_value),
        "publisher": st.one_of(st.text(max_size=20), json_value),
    },
)
jsonl_line = st.one_of(
    json_record.map(lambda r: json.dumps(r, ensure_ascii=False)),  # raw UTF-8
    json_record.map(json.dumps),  # ASCII, with \\u escapes
    json_value.map(json.dumps),
    st.text(max_size=40).filter(lambda s: "\n" not in s),
    st.integers(1, 5000).map(lambda n: "[" * n),  # deep nesting
    st.just(""),
)
jsonl_file = st.lists(jsonl_line, min_size=1, max_size=12).map("\n".join)


# --- bookkeeping -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seen() -> Iterator[dict[str, Counter[str]]]:
    """What each property saw, printed once the module is done (run pytest -s to see it)."""
    counts: dict[str, Counter[str]] = {}
    yield counts
    print(f"\nfuzz examples: {sum(c['examples'] for c in counts.values())}")
    for name, counter in counts.items():
        print(f"  {name}: {dict(counter)}")


def outcomes(items: list[Article | Problem]) -> list[str]:
    """The kind of each item read_file yielded, for the counts."""
    return ["article" if isinstance(i, Article) else i.level for i in items]


def read(path: Path) -> list[Article | Problem]:
    """read_file's results, each checked for the shape every consumer relies on."""
    items = list(read_file(path))
    assert items, "read_file yielded nothing"
    for item in items:
        assert isinstance(item, Article | Problem), item
        if isinstance(item, Article):
            assert item.text.strip() and item.id
            assert re.fullmatch("[0-9a-f]{64}", item.content_hash)
        else:
            assert item.level in ("error", "warning") and item.message
            assert "\n" not in str(item)  # one line of the build's error report
    return items


# --- ingestion -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".html", ".jsonl", ".bin"])
def test_any_file_is_read_without_raising(
    tmp_path: Path, seen: dict[str, Counter[str]], suffix: str
) -> None:
    path = tmp_path / f"random{suffix}"
    counter = seen.setdefault(f"random bytes as {suffix}", Counter())

    @FUZZ
    @given(file_bytes)
    def check(data: bytes) -> None:
        path.write_bytes(data)
        counter.update(["examples", *outcomes(read(path))])

    check()
    assert counter["examples"] == EXAMPLES


def test_random_html_is_read_without_script_text(
    tmp_path: Path, seen: dict[str, Counter[str]]
) -> None:
    path = tmp_path / "page.html"
    counter = seen.setdefault("random HTML", Counter())

    @FUZZ
    @given(html_page)
    def check(page: str) -> None:
        path.write_text(page, encoding="utf-8")
        items = read(path)
        for article in (i for i in items if isinstance(i, Article)):
            assert SCRIPT_MARKER not in article.text
            assert article.date is None or re.fullmatch(r"\d{4}-\d\d-\d\d", article.date)
        counter.update(["examples", *outcomes(items)])

    check()
    assert counter["article"] > 0  # the generator makes pages with a main text


def test_random_jsonl_gives_one_result_per_line(
    tmp_path: Path, seen: dict[str, Counter[str]]
) -> None:
    path = tmp_path / "lines.jsonl"
    counter = seen.setdefault("random JSON Lines", Counter())

    @FUZZ
    @given(jsonl_file)
    def check(content: str) -> None:
        path.write_text(content, encoding="utf-8")
        items = read(path)
        counter.update(["examples", *outcomes(items)])
        errors = [p for p in items if isinstance(p, Problem) and p.level == "error"]
        if len(errors) == 1 and errors[0].path == str(path):
            return  # the file as a whole was refused (blank, binary, not text)
        lines = [str(n) for n, line in enumerate(content.split("\n"), 1) if line.strip()]
        per_line = Counter(
            [a.source.rsplit("#L", 1)[1] for a in items if isinstance(a, Article)]
            + [e.path.rsplit(":", 1)[1] for e in errors]
        )
        assert per_line == Counter(lines)  # each non-blank line: one article or one error

    check()
    assert counter["article"] > 0 and counter["error"] > 0


# --- extraction ------------------------------------------------------------------------------


def test_extraction_keeps_evidence_inside_the_article(
    spacy_nlp: Language, seen: dict[str, Counter[str]]
) -> None:
    from kg.extract import ArticleExtractor
    from kg.lexicon import load_lexicon

    extract = ArticleExtractor(spacy_nlp, load_lexicon())
    counter = seen.setdefault("random news text, extracted", Counter())

    @FUZZ
    @given(news_text, st.one_of(st.none(), iso_date))
    def check(text: str, date: str | None) -> None:
        article = Article(id="fuzz", text=text, source="fuzz", date=date)
        ex = extract(article, spacy_nlp(text))
        keys = {e.key for e in ex.entities}
        for a in ex.assertions:
            assert a.evidence == text[a.start : a.end]
            assert {a.subject, a.object} <= keys
        for f in ex.figures:
            assert f.evidence == text[f.start : f.end]
        for m in ex.mentions:
            assert m.text == text[m.start : m.end] and m.key in keys
        cached = json.loads(json.dumps(ex.to_dict(), ensure_ascii=False))
        assert Extraction.from_dict(cached) == ex
        counter.update(examples=1, statements=len(ex.assertions), figures=len(ex.figures))
        counter.update(["with statements"] * bool(ex.assertions))

    check()
    assert counter["with statements"] >= EXAMPLES // 10  # the property is not vacuous
