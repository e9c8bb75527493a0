"""Ingestion: formats, header parsing, and one Problem (never an exception) per bad input."""

from __future__ import annotations

import errno
import os
import shutil
import socket
import tracemalloc
from pathlib import Path

import pytest

from kg import ingest
from kg.ingest import Limits, Problem, discover, read_articles, read_file
from kg.records import Article

FIXTURES = Path(__file__).parent / "fixtures"
REAL_ARTICLE = FIXTURES / "000_c8adc63d4404ca73.txt"

ENGLISH = (
    "Rebel forces captured the city of Hama on Thursday after days of heavy fighting. "
    "The army said it had withdrawn its troops to protect civilians, and thousands of "
    "people fled towards Homs as the offensive went on."
)
ARABIC = "سيطرت قوات المعارضة على مدينة حماة يوم الخميس بعد أيام من القتال العنيف. " * 3
FRENCH = (
    "Les rebelles syriens ont pris le contrôle de la ville de Homs après une offensive "
    "éclair lancée le 27 novembre depuis leur bastion d'Idleb, selon des sources locales."
)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection attempt fails the test: reading must never fetch anything."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("ingestion tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def split(results: object) -> tuple[list[Article], list[Problem]]:
    items = list(results)  # type: ignore[call-overload]
    return (
        [i for i in items if isinstance(i, Article)],
        [i for i in items if isinstance(i, Problem)],
    )


# --- plain text -----------------------------------------------------------------------------


def test_real_article_header(tmp_path: Path) -> None:
    path = Path(shutil.copy(REAL_ARTICLE, tmp_path))
    original = path.read_text(encoding="utf-8")
    (article,) = list(read_file(path))
    assert article.id == "000_c8adc63d4404ca73"
    assert article.source == str(path)
    assert article.title == (
        "Rebel Forces Push to Overthrow Assad’s Regime in Syria: A Turning Point in the Conflict"
    )
    assert article.date == "2024-12-06"
    assert (article.publisher, article.url) == ("ndtv.com", None)
    assert "Refrence From" not in article.text
    assert original.startswith(article.text)  # offsets into the text point into the file
    assert article.text.endswith("the region’s geopolitics.")
    assert len(article.content_hash) == 64


BODY = (
    "In a significant escalation, rebels captured Hama after days of fighting. The army "
    "withdrew from the city and said it wanted to protect civilians from urban combat."
)


@pytest.mark.parametrize(
    ("header", "footer", "title", "date", "publisher", "url"),
    [
        (  # breadcrumb, repeated headline, author, date
            "World NewsPoliticsMiddle EastTop Stories\nRebels Take Hama in Lightning Push\n\n"
            "Rebels Take Hama in Lightning Push\nJane Doe\nDecember 6, 2024\n",
            "Original Source: www.arabnews.com",
            "Rebels Take Hama in Lightning Push",
            "2024-12-06",
            "arabnews.com",
            None,
        ),
        (  # summary bullets before the headline
            "The offensive marks a shift in the war.\nAllies of the government look weak.\n"
            "Rebels Advance Towards Homs, Threatening Damascus\n",
            "",
            "Rebels Advance Towards Homs, Threatening Damascus",
            None,
            None,
            None,
        ),
        (  # by-line first, then headline and an ISO date
            "By Jane Doe\nArmy Withdraws From Hama\n2024-12-05\n",
            "Source: Reuters",
            "Army Withdraws From Hama",
            "2024-12-05",
            "Reuters",
            None,
        ),
        (  # no header at all: the body starts on the first line
            "",
            "Originally published at https://www.example.com/world/hama-falls",
            None,
            None,
            "example.com",
            "https://www.example.com/world/hama-falls",
        ),
        (
            "Hama Falls to the Rebels\nPublished: Friday, Dec. 6th, 2024 at 10:05 GMT\n",
            "Reference from: The Guardian",
            "Hama Falls to the Rebels",
            "2024-12-06",
            "The Guardian",
            None,
        ),
        (
            "Hama Falls to the Rebels\nUpdated 2024-12-06T11:35:00Z\n",
            "Via https://news.example.org/a/1 (Example News)",
            "Hama Falls to the Rebels",
            "2024-12-06",
            "Example News",
            "https://news.example.org/a/1",
        ),
        (  # an impossible date is no date
            "Hama Falls to the Rebels\n31 Feb 2024\n",
            "",
            "Hama Falls to the Rebels",
            None,
            None,
            None,
        ),
        (  # a Markdown heading; a last line that is a sentence, not a source label, stays
            "# Hama Falls to the Rebels\n\n",
            "Via the border crossing, thousands fled to Lebanon.",
            "Hama Falls to the Rebels",
            None,
            None,
            None,
        ),
    ],
)
def test_plain_text_header_and_source_line(
    tmp_path: Path,
    header: str,
    footer: str,
    title: str | None,
    date: str | None,
    publisher: str | None,
    url: str | None,
) -> None:
    text = f"{header}{BODY}\n\n{footer}\n"
    (article,) = list(read_file(write(tmp_path / "a.txt", text)))
    assert (article.title, article.date, article.publisher, article.url) == (
        title,
        date,
        publisher,
        url,
    )
    kept = f"\n\n{footer}" if footer and publisher is None else ""
    assert article.text == f"{header}{BODY}{kept}"  # source line gone, the rest verbatim


def test_content_hash_covers_text_and_metadata(tmp_path: Path) -> None:
    def hash_of(text: str) -> str:
        (article,) = list(read_file(write(tmp_path / "a.txt", text)))
        return article.content_hash

    base = hash_of(f"Rebels Take Hama\n{BODY}")
    assert hash_of(f"Rebels Take Hama\n{BODY}") == base
    assert hash_of(f"Rebels Took Hama\n{BODY}") != base  # the title changed
    assert hash_of(f"Rebels Take Hama\n{BODY}\nSource: Reuters") != base  # the publisher changed


# --- HTML -----------------------------------------------------------------------------------

PAGE = f"""<!DOCTYPE html><html lang="en"><head><title>Rebels take Hama | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="og:title" content="Rebels take Hama">
<link rel="canonical" href="https://news.example.org/2024/12/05/rebels-hama">
<meta property="article:published_time" content="2024-12-05T10:00:00Z">
<style>.hiddenStyleRule {{ color: red }}</style>
<script>var hiddenScriptVar = "fetch('https://tracker.example.com')";</script>
</head><body><nav>Home | World | Politics</nav>
<!-- hiddenComment --><article><h1>Rebels take Hama</h1><p>{BODY}</p>
<script>console.log("hiddenInlineScript")</script><p>{ENGLISH}</p></article>
<footer>Copyright 2024</footer></body></html>"""


@pytest.mark.parametrize("name", ["page.html", "page.htm", "page.unknown"])
def test_html_main_text_and_metadata(tmp_path: Path, name: str) -> None:
    articles, problems = split(read_file(write(tmp_path / name, PAGE)))
    (article,) = articles
    assert (article.id, article.title, article.date) == ("page", "Rebels take Hama", "2024-12-05")
    assert article.publisher == "Example News"
    assert article.url == "https://news.example.org/2024/12/05/rebels-hama"
    assert BODY in article.text and ENGLISH in article.text
    hidden_parts = ("hiddenStyleRule", "hiddenScriptVar", "hiddenInlineScript", "hiddenComment")
    for hidden in (*hidden_parts, "tracker", "Home | World", "Copyright"):
        assert hidden not in article.text
    assert [p.level for p in problems] == (["warning"] if name.endswith("unknown") else [])


def test_html_without_main_text(tmp_path: Path) -> None:
    page = "<html><head><script>var x = 1;</script></head><body></body></html>"
    (problem,) = list(read_file(write(tmp_path / "empty.html", page)))
    assert problem == Problem(str(tmp_path / "empty.html"), "no main text found in the HTML page")


# --- JSON Lines -----------------------------------------------------------------------------


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        '{"id": "a1", "title": "Hama falls", "date": "2024-12-05", "url": "https://x.org/1", '
        f'"text": "{ENGLISH}"}}',
        "{not json",
        "[1, 2]",
        '{"id": "a3"}',
        '{"id": "a4", "text": "   "}',
        "",
        f'{{"text": "{BODY}", "date": "sometime in December"}}',
        f'{{"id": "a8", "text": "{ARABIC}"}}',
        f'{{"id": ["a9"], "text": "{BODY}"}}',
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    articles, problems = split(read_file(path))
    assert [(a.id, a.source, a.date) for a in articles] == [
        ("a1", f"{path}#L1", "2024-12-05"),
        ("batch-7", f"{path}#L7", None),
    ]
    assert (articles[0].title, articles[0].url, articles[0].text) == (
        "Hama falls",
        "https://x.org/1",
        ENGLISH,
    )
    found = {(p.path.rsplit(":", 1)[1], p.level, p.message.split(":")[0]) for p in problems}
    assert found == {
        ("2", "error", "invalid JSON"),
        ("3", "error", "expected a JSON object, got list"),
        ("4", "error", "missing or empty 'text'"),
        ("5", "error", "missing or empty 'text'"),
        ("7", "warning", "date 'sometime in December' not understood; ignored"),
        ("8", "error", "text does not look like English (mostly Arabic script)"),
        ("9", "error", "'id' must be a string or an integer, not list"),
    }
    assert all(p.path.startswith(f"{path}:") for p in problems)


# --- bad input ------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\t\r\n  ", "file has only whitespace"),
        ("image.txt", PNG, "binary file (PNG image), not text"),
        ("nul.txt", b"text\x00with\x00nul\x00bytes", "binary file (contains NUL bytes), not text"),
        ("noise.txt", bytes(range(1, 32)) * 50, "binary file (1,300 control characters), not text"),
        ("arabic.txt", ARABIC.encode(), "text does not look like English (mostly Arabic script)"),
        ("french.txt", FRENCH.encode(), "text does not look like English (only 0% common"),
        ("numbers.txt", b"12 34 56\n78 90\n", "text has no letters"),
    ],
)
def test_unusable_file_is_one_error(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = write(tmp_path / name, data)
    (problem,) = list(read_file(path))
    assert (problem.path, problem.level) == (str(path), "error")
    assert problem.message.startswith(message)
    assert str(problem) == f"{path}: error: {problem.message}" and "\n" not in str(problem)


@pytest.mark.parametrize(
    ("name", "data", "text", "warning"),
    [
        (
            "latin1.txt",
            f"{ENGLISH} Caf\u00e9 owners stayed.".encode("latin-1"),
            f"{ENGLISH} Caf\u00e9 owners stayed.",
            "not UTF-8: decoded as latin-1 (windows-1252)",
        ),
        (
            "cp1252.txt",
            f"{ENGLISH} \u201cWe left,\u201d she said.".encode("cp1252"),
            f"{ENGLISH} \u201cWe left,\u201d she said.",
            "not UTF-8: decoded as latin-1 (windows-1252)",
        ),
        ("utf16.txt", ENGLISH.encode("utf-16"), ENGLISH, "decoded as UTF-16 (byte-order mark)"),
        ("utf16be.txt", b"\xfe\xff" + ENGLISH.encode("utf-16-be"), ENGLISH, "decoded as UTF-16"),
        (
            "mixed.txt",
            f"{ENGLISH} Na\u00efve".encode() + b"\x80\x81" + b" hopes faded.",
            f"{ENGLISH} Na\u00efve\ufffd\ufffd hopes faded.",
            "2 invalid UTF-8 byte(s) replaced with U+FFFD",
        ),
        ("notes.csv", ENGLISH.encode(), ENGLISH, "unknown extension '.csv'"),
        ("lines.json", f'{{"text": "{ENGLISH}"}}'.encode(), ENGLISH, "unknown extension '.json'"),
    ],
)
def test_doubtful_file_is_used_with_a_warning(
    tmp_path: Path, name: str, data: bytes, text: str, warning: str
) -> None:
    path = write(tmp_path / name, data)
    articles, problems = split(read_file(path))
    assert [a.text for a in articles] == [text]
    (problem,) = problems
    assert (problem.path, problem.level) == (str(path), "warning")
    assert problem.message.startswith(warning)


def test_utf8_bom_is_silent(tmp_path: Path) -> None:
    (article,) = list(read_file(write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + ENGLISH.encode())))
    assert article.text == ENGLISH


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (Limits(max_bytes=100), "file is 1,900 bytes, over the limit of 100; not read"),
        (Limits(max_chars=1000), "text is 1,899 characters, over the limit of 1,000"),
    ],
)
def test_limits(tmp_path: Path, limits: Limits, message: str) -> None:
    path = write(tmp_path / "long.txt", (ENGLISH[:189] + "\n") * 10)
    assert list(read_file(path, limits)) == [Problem(str(path), message)]


def test_50_megabyte_file_is_rejected_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: NUL bytes that a read would report as binary
    tracemalloc.start()
    try:
        problems = list(read_file(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert problems == [
        Problem(str(path), "file is 50,000,000 bytes, over the limit of 20,000,000; not read")
    ]
    assert peak < 1_000_000


def test_missing_path_and_special_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # opening it would block: it must never be opened
    _, problems = split(read_articles([tmp_path / "nowhere", tmp_path]))
    assert problems == [
        Problem(str(tmp_path / "nowhere"), "no such file or directory"),
        Problem(str(fifo), "not a regular file (device, pipe or socket)"),
    ]


# --- discovery and batches --------------------------------------------------------------------


def test_discovery_is_sorted_recursive_and_skips_hidden(tmp_path: Path) -> None:
    for name in ["b.txt", "sub/z.txt", "a.txt", "sub/deeper/c.md", ".hidden.txt", ".git/x.txt"]:
        write(tmp_path / name, ENGLISH)
    expected = [tmp_path / n for n in ["a.txt", "b.txt", "sub/deeper/c.md", "sub/z.txt"]]
    assert list(discover([tmp_path])) == expected
    assert list(discover([str(tmp_path)])) == expected  # strings are paths too
    assert list(discover([tmp_path / "b.txt", tmp_path / "a.txt"])) == expected[1::-1]


def test_symlinks_are_followed_once_and_never_loop(tmp_path: Path) -> None:
    outside = write(tmp_path / "outside" / "linked.txt", ENGLISH)
    root = tmp_path / "root"
    write(root / "a.txt", ENGLISH)
    (root / "sub").mkdir()
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "twin").symlink_to(root / "sub", target_is_directory=True)
    (root / "b.txt").symlink_to(outside)
    (root / "c.txt").symlink_to(root / "a.txt")
    (root / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    (root / "self.txt").symlink_to(root / "self.txt")
    assert [str(item) for item in discover([root])] == [
        str(root / "a.txt"),
        str(root / "b.txt"),
        f"{root / 'c.txt'}: warning: same file as {root / 'a.txt'}; read once",
        f"{root / 'dangling.txt'}: error: broken symbolic link",
        f"{root / 'self.txt'}: error: symbolic link loop",
        f"{root / 'sub' / 'loop'}: warning: symbolic link loop back to {root}; not followed",
        f"{root / 'twin'}: warning: same folder as {root / 'sub'}; read once",
    ]


def test_unreadable_folder_is_reported_and_the_rest_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "a.txt", ENGLISH)
    locked = tmp_path / "locked"
    write(locked / "secret.txt", ENGLISH)
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # root reads it anyway: make scandir fail as it would
            real_scandir = os.scandir

            def denied(path: str | Path) -> object:
                if Path(path) == locked:
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
                return real_scandir(path)

            monkeypatch.setattr(ingest.os, "scandir", denied)
        articles, problems = split(read_articles([tmp_path]))
    finally:
        locked.chmod(0o755)
    assert [a.id for a in articles] == ["a"]
    assert problems == [Problem(str(locked), "cannot list folder: permission denied")]


def test_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "a.txt", ENGLISH)

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(ingest, "open", denied, raising=False)  # root ignores chmod
    assert list(read_file(path)) == [Problem(str(path), "cannot read file: permission denied")]


def test_batch_goes_on_after_errors_and_duplicate_ids(tmp_path: Path) -> None:
    write(tmp_path / "1" / "good.txt", ENGLISH)
    write(tmp_path / "1" / "image.txt", PNG)
    write(tmp_path / "2" / "empty.md", b"")
    write(tmp_path / "2" / "good.txt", BODY)  # same id as 1/good.txt
    write(tmp_path / "3" / "lines.jsonl", f'{{"id": "good", "text": "{BODY}"}}\n{{"text": 1}}\n')
    write(tmp_path / "4" / "page.html", PAGE)
    articles, problems = split(read_articles([tmp_path]))
    assert [(a.id, a.source) for a in articles] == [
        ("good", str(tmp_path / "1" / "good.txt")),
        ("page", str(tmp_path / "4" / "page.html")),
    ]
    first = f"(first read from {tmp_path / '1' / 'good.txt'}); skipped"
    assert [str(p) for p in problems] == [
        f"{tmp_path / '1' / 'image.txt'}: error: binary file (PNG image), not text",
        f"{tmp_path / '2' / 'empty.md'}: error: empty file",
        f"{tmp_path / '2' / 'good.txt'}: error: duplicate article id 'good' {first}",
        f"{tmp_path / '3' / 'lines.jsonl'}#L1: error: duplicate article id 'good' {first}",
        f"{tmp_path / '3' / 'lines.jsonl'}:2: error: 'text' must be a string, not int",
    ]
