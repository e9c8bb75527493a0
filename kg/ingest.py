"""Read user-given files and folders into :class:`~kg.records.Article` records.

A build reads whatever a user points it at, so every file the tool cannot use becomes a
:class:`Problem` (one line of the build's error report) instead of an exception: one bad
file never stops a batch. Formats are chosen by extension (``.txt``, ``.md`` or none: plain
text; ``.html``/``.htm``: HTML; ``.jsonl``: JSON Lines); any other extension is sniffed.
``docs/input-formats.md`` lists the formats and what happens to each kind of bad input.

Text that does not look like English is rejected (level ``error``), not merely flagged:
the English spaCy model would tag and parse it into garbage entities and relations that
would then be merged into the graph.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import json
import os
import re
import stat
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import islice
from pathlib import Path
from urllib.parse import urlsplit

from kg.records import Article
from kg.stop_words import STOP_WORDS


@dataclass(frozen=True)
class Problem:
    """One line of the build's error report: a file (or JSONL line) and what is wrong."""

    path: str
    message: str  # human cause, e.g. "binary file (PNG image), not text"
    level: str = "error"  # "error": skipped; "warning": used, but worth a look

    def __str__(self) -> str:
        return f"{self.path}: {self.level}: {self.message}"


@dataclass(frozen=True)
class Limits:
    """Size limits that keep one huge input from exhausting memory or the parser."""

    max_bytes: int = 20_000_000  # checked with stat() before a byte is read
    max_chars: int = 2_000_000  # spaCy's default max_length: longer texts fail to parse
    # a longer run without . ! ? or line break is reported; kg.nlp cuts it at 500 tokens
    max_sentence_chars: int = 5_000


class _Unusable(Exception):
    """Raised inside this module when a file or line must be skipped; becomes a Problem."""


# --- Format rules (data) ------------------------------------------------------------------

# Leading bytes of common binary formats, so a renamed image says what it is.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive, e.g. DOCX, XLSX or EPUB"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy MS Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x7fELF", "ELF executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"RIFF", "RIFF media (WAV, AVI or WebP)"),
    (b"OggS", "Ogg media"),
)

# Byte-order marks, longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", None),  # UTF-8 with a BOM is ordinary: no warning
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_CLOCK = (
    r"(?:\s*[,|/\u2013-]?\s*(?:at\s+)?\d{1,2}[:.]\d\d(?::\d\d)?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*\(?[a-z]{2,5}\)?|\s*[+-]\d\d:?\d\d)?)?"
)
_ISO_CLOCK = r"(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:z|[+-]\d\d:?\d\d)?)?"
_DATE_PREFIX = (
    r"(?:(?:published|updated|last\s+updated|posted|date)(?:\s+on)?\s*:?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
)
# A whole line that is a date: "06 Dec 2024 11:35 AM", "December 6, 2024", "2024-12-06".
_DATE_LINES = tuple(
    re.compile(_DATE_PREFIX + body, re.IGNORECASE)
    for body in (
        rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}{_CLOCK}",
        rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}{_CLOCK}",
        rf"(?P<year>\d{{4}})-(?P<month>\d\d)-(?P<day>\d\d){_ISO_CLOCK}",
    )
)
# A by-line: never a headline.
_AUTHOR_LINES = (re.compile(r"(?:by|written\s+by|reporting\s+by|author)\s*:?\s+\S.{0,80}", re.I),)
# The trailing line that names where the article comes from ("Refrence" is a real spelling).
_SOURCE_LINES = tuple(
    re.compile(pattern + r"\s*(?P<value>\S.{0,120})", re.IGNORECASE)
    for pattern in (
        r"original(?:ly)?\s+(?:source|published)(?:\s+(?:at|on|by|in))?\s*:?",
        r"ref(?:e)?rence[ds]?\s+from\s*:?",
        r"(?:source|credits?)\s*:",
        r"(?:via|read\s+more\s+at|courtesy\s+of)\s*:?",
    )
)
_SOURCE_MAX_WORDS = 8
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_DOMAIN = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/\S*)?", re.IGNORECASE)

# Headline shape: a short line that is not a sentence and not a run-together breadcrumb
# ("Rebel OffensivePoliticsMiddle East" has lower-to-upper joins inside words).
_HEADLINE_WORDS = (3, 25)
_SENTENCE_END = re.compile(r"[.,;:\u2026][\"'\u2019\u201d)\]]*$")
_CAMEL_JOIN = re.compile(r"[a-z]{3}[A-Z]")
_MAX_CAMEL_JOINS = 1
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")  # "# Title" in .md files: the marker is not title
# Where the header ends: the first paragraph of two sentences or more, or a long one.
_BODY_END = re.compile(r"[.!?][\"'\u2019\u201d)]*$")
_SENTENCE_BREAK = re.compile(r"[a-z]{2}[.!?][\"'\u2019\u201d)]*\s+[\"'\u2018\u201c(]*[A-Z]")
_BODY_MIN_WORDS = 40
_HEADER_MAX_LINES = 20

_HTML_START = re.compile(
    r"(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S
)
_SENTENCE_SPLIT = re.compile(r"[.!?\n]")
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # invalid UTF-8 bytes under surrogateescape
_NON_ASCII_VALID = re.compile("[^\x00-\x7f\udc80-\udcff]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.01
_WORD = re.compile(r"[^\W\d_]+")
_ASCII_LETTER = re.compile("[A-Za-z]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
_LANGUAGE_SAMPLE = 50_000  # characters: enough to tell a language, bounded cost
_ENGLISH_MIN_WORDS = 20  # shorter texts are not judged by their words
_ENGLISH_MIN_SHARE = 0.15  # English news: about 0.4 of words are stop words; others < 0.05


# --- Discovery ------------------------------------------------------------------------------


@dataclass
class _Seen:
    """Files and folders already visited, by (device, inode), so links never repeat work."""

    files: dict[tuple[int, int], Path] = field(default_factory=dict)
    dirs: dict[tuple[int, int], Path] = field(default_factory=dict)


def discover(paths: Iterable[str | Path]) -> Iterator[Path | Problem]:
    """Yield the files under ``paths`` in a deterministic order, and a Problem for what is not.

    The given paths keep their order; folders are recursed in sorted name order (the file
    system's own order differs between machines). Hidden entries inside folders are skipped.
    Symbolic links are followed, but a file or folder reached twice is read once and a link
    back to a folder above it is reported instead of followed.
    """
    seen = _Seen()
    for given in paths:
        yield from _walk(Path(given), seen, frozenset())


def _walk(path: Path, seen: _Seen, above: frozenset[tuple[int, int]]) -> Iterator[Path | Problem]:
    try:
        info = path.stat()
    except OSError as err:
        missing = isinstance(err, FileNotFoundError)
        yield Problem(
            str(path), "broken symbolic link" if missing and path.is_symlink() else _cause(err)
        )
        return
    key = (info.st_dev, info.st_ino)
    if stat.S_ISREG(info.st_mode):
        if key in seen.files:
            yield Problem(str(path), f"same file as {seen.files[key]}; read once", "warning")
        else:
            seen.files[key] = path
            yield path
    elif not stat.S_ISDIR(info.st_mode):
        yield Problem(str(path), "not a regular file (device, pipe or socket)")
    elif key in above:
        yield Problem(
            str(path), f"symbolic link loop back to {seen.dirs[key]}; not followed", "warning"
        )
    elif key in seen.dirs:
        yield Problem(str(path), f"same folder as {seen.dirs[key]}; read once", "warning")
    else:
        seen.dirs[key] = path
        try:
            with os.scandir(path) as entries:
                names = sorted(entry.name for entry in entries if not entry.name.startswith("."))
        except OSError as err:
            yield Problem(str(path), f"cannot list folder: {_cause(err)}")
            return
        for name in names:
            yield from _walk(path / name, seen, above | {key})


def _cause(err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return "symbolic link loop"
    return (err.strerror or str(err)).lower()


# --- Reading --------------------------------------------------------------------------------


def read_articles(
    paths: Iterable[str | Path], limits: Limits = Limits()
) -> Iterator[Article | Problem]:
    """Yield every article under ``paths`` and a Problem for everything that went wrong.

    Article ids must be unique in a batch (they name the article's IRI): a repeated id is an
    error and only the first article with it is kept.
    """
    first_source: dict[str, str] = {}
    for item in discover(paths):
        if isinstance(item, Problem):
            yield item
            continue
        for result in read_file(item, limits):
            if isinstance(result, Article):
                first = first_source.setdefault(result.id, result.source)
                if first != result.source:
                    message = (
                        f"duplicate article id '{result.id}' (first read from {first}); skipped"
                    )
                    yield Problem(result.source, message)
                    continue
            yield result


def read_file(path: str | Path, limits: Limits = Limits()) -> Iterator[Article | Problem]:
    """Yield the articles of one file (JSON Lines may hold many) and its Problems."""
    path = Path(path)
    try:
        reader, warnings = _reader(path)
        text, decode_warning = _decode(_read_bytes(path, limits))
        if decode_warning:
            warnings.append(decode_warning)
        if not text.strip():
            raise _Unusable("file has only whitespace")
        if reader is None:
            reader = _sniff(text)
    except _Unusable as err:
        yield Problem(str(path), str(err))
        return
    for warning in warnings:
        yield Problem(str(path), warning, "warning")
    for item in reader(path, text, limits):
        longest = _longest_sentence(item.text) if isinstance(item, Article) else 0
        if longest > limits.max_sentence_chars:
            message = (
                f"a sentence of {longest:,} characters, over the limit of "
                f"{limits.max_sentence_chars:,}: it is cut into pieces for parsing"
            )
            yield Problem(item.source, message, "warning")
        yield item


def _longest_sentence(text: str) -> int:
    return max((len(part) for part in _SENTENCE_SPLIT.split(text)), default=0)


def _read_bytes(path: Path, limits: Limits) -> bytes:
    """Read a file after checking its size, so a huge file never reaches memory."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise _Unusable(
                f"file is {size:,} bytes, over the limit of {limits.max_bytes:,}; not read"
            )
        if size == 0:
            raise _Unusable("empty file")
        with open(path, "rb") as handle:
            data = handle.read(limits.max_bytes + 1)  # bounded even if the file grew
    except OSError as err:
        raise _Unusable(f"cannot read file: {_cause(err)}") from err
    if len(data) > limits.max_bytes:
        raise _Unusable(f"file grew over the limit of {limits.max_bytes:,} bytes while read")
    return data


def _decode(data: bytes) -> tuple[str, str | None]:
    """Decode bytes to text and say how, when it was not plain UTF-8.

    Order matters: a byte-order mark is trusted first; then known binary signatures and NUL
    bytes reject the file; then UTF-8, with undecodable bytes replaced when the rest is UTF-8,
    or a single-byte Latin-1 reading when nothing in the file is UTF-8.
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as err:
                raise _Unusable(
                    f"byte-order mark says {name or 'UTF-8'}, but the bytes are not"
                ) from err
            return _checked_text(text), name and f"decoded as {name} (byte-order mark)"
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise _Unusable(f"binary file ({kind}), not text")
    if b"\x00" in data:
        raise _Unusable("binary file (contains NUL bytes), not text")
    text = data.decode("utf-8", "surrogateescape")
    bad = len(_ESCAPED_BYTE.findall(text))
    if not bad:
        return _checked_text(text), None
    if _NON_ASCII_VALID.search(text):
        replaced = _ESCAPED_BYTE.sub("\ufffd", text)
        return _checked_text(replaced), f"{bad} invalid UTF-8 byte(s) replaced with U+FFFD"
    try:
        return _checked_text(data.decode("cp1252")), "not UTF-8: decoded as latin-1 (windows-1252)"
    except UnicodeDecodeError:
        return _checked_text(data.decode("latin-1")), "not UTF-8: decoded as latin-1 (ISO-8859-1)"


def _checked_text(text: str) -> str:
    """Reject decoded text that is mostly control characters: binary data without NULs."""
    control = len(_CONTROL.findall(text))
    if control > _MAX_CONTROL_SHARE * len(text):
        raise _Unusable(f"binary file ({control:,} control characters), not text")
    return text


Reader = Callable[[Path, str, Limits], Iterator[Article | Problem]]


def _reader(path: Path) -> tuple[Reader | None, list[str]]:
    """The reader for a file's extension, or None (to sniff) and a warning saying so."""
    suffix = path.suffix.lower()
    if suffix in _READERS:
        return _READERS[suffix], []
    return None, [f"unknown extension '{suffix}': format guessed from the content"]


def _sniff(text: str) -> Reader:
    head = text.lstrip()[:1000]
    if _HTML_START.match(head):
        return _read_html
    if head.startswith("{"):
        return _read_jsonl
    return _read_plain


def _article(
    id: str,
    text: str,
    source: str,
    limits: Limits,
    title: str | None = None,
    date: str | None = None,
    publisher: str | None = None,
    url: str | None = None,
) -> Article:
    """Check an article's text and build the record, hashing content and metadata.

    The hash leaves out the id and path so that moving a folder does not look like a change,
    but includes the metadata so that a corrected title or date does.
    """
    _check_text(text, limits)
    meta = {"title": title, "date": date, "publisher": publisher, "url": url}
    payload = json.dumps({"text": text, **meta}, ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return Article(id=id, text=text, source=source, content_hash=digest, **meta)


def _check_text(text: str, limits: Limits) -> None:
    if not text.strip():
        raise _Unusable("no article text")
    if len(text) > limits.max_chars:
        raise _Unusable(f"text is {len(text):,} characters, over the limit of {limits.max_chars:,}")
    sample = text[:_LANGUAGE_SAMPLE]
    # Letter by letter only outside ASCII, whose letters are all Latin: a tenth of the time.
    scripts = Counter(_script(char) for char in _NON_ASCII.findall(sample) if char.isalpha())
    scripts["LATIN"] += len(_ASCII_LETTER.findall(sample))
    scripts = +scripts  # no letters, no scripts
    if not scripts:
        raise _Unusable("text has no letters")
    if scripts["LATIN"] * 2 < scripts.total():
        main = scripts.most_common(1)[0][0]
        raise _Unusable(f"text does not look like English (mostly {_script_name(main)} script)")
    words = _WORD.findall(sample.lower())
    if len(words) >= _ENGLISH_MIN_WORDS:
        share = sum(word in STOP_WORDS for word in words) / len(words)
        if share < _ENGLISH_MIN_SHARE:
            raise _Unusable(
                f"text does not look like English (only {share:.0%} common English words)"
            )


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    """The Unicode script of a letter, from its character name ("ARABIC LETTER ALEF")."""
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


def _script_name(script: str) -> str:
    return script if len(script) <= 3 else script.capitalize()  # CJK stays upper case


def _parse_date(value: str) -> str | None:
    """ISO date (YYYY-MM-DD) of a string that is wholly a date, else None."""
    for pattern in _DATE_LINES:
        match = pattern.fullmatch(value.strip())
        if match:
            month = match["month"]
            number = int(month) if month.isdigit() else _MONTHS.index(month[:3].lower()) + 1
            try:
                return date(int(match["year"]), number, int(match["day"])).isoformat()
            except ValueError:
                return None
    return None


# --- Plain text -----------------------------------------------------------------------------


def _read_plain(path: Path, text: str, limits: Limits) -> Iterator[Article | Problem]:
    """One article per file; the header gives title and date, a last line the publisher."""
    body, publisher, url = _split_source_line(text)
    title, published = _parse_header(body)
    try:
        yield _article(path.stem, body, str(path), limits, title, published, publisher, url)
    except _Unusable as err:
        yield Problem(str(path), str(err))


def _split_source_line(text: str) -> tuple[str, str | None, str | None]:
    """Remove a trailing "Original Source: www.x.com" line; return text, publisher, url."""
    text = text.rstrip()
    head, _, last = text.rpartition("\n")
    last = last.strip()
    for pattern in _SOURCE_LINES:
        match = pattern.fullmatch(last)
        value = match and match["value"]
        if value and head.strip() and _is_label(value):
            return (head.rstrip(), *_publisher(match["value"]))
    return text, None, None


def _is_label(value: str) -> bool:
    """A source line names something; a sentence ("Via the border crossing.") is body."""
    return len(value.split()) <= _SOURCE_MAX_WORDS and not _BODY_END.search(value)


def _publisher(value: str) -> tuple[str | None, str | None]:
    """Publisher name (or host without "www.") and URL of a source line's value."""
    url_match = _URL.search(value)
    if url_match:
        url = url_match[0].rstrip(".,;)")
        name = (value[: url_match.start()] + value[url_match.end() :]).strip(" ,;:-()")
        return name or _host(url), url
    value = value.strip()
    if _DOMAIN.fullmatch(value):
        return _host("//" + value), None
    return value or None, None


def _host(url: str) -> str | None:
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def _parse_header(text: str) -> tuple[str | None, str | None]:
    """Headline and publication date from the lines before the first body paragraph.

    The headline is the first line shaped like one; summary bullets (single sentences),
    breadcrumbs, by-lines and date lines before it are passed over.
    """
    title = published = None
    for raw in islice(text.split("\n", _HEADER_MAX_LINES), _HEADER_MAX_LINES):
        line = raw.strip()
        if not line:
            continue
        if _BODY_END.search(line) and (
            len(line.split()) >= _BODY_MIN_WORDS or _SENTENCE_BREAK.search(line)
        ):
            break
        line_date = _parse_date(line)
        published = published or line_date
        if title is None and line_date is None and _is_headline(line):
            title = _MARKDOWN_HEADING.sub("", line)
    return title, published


def _is_headline(line: str) -> bool:
    words = line.split()
    return (
        _HEADLINE_WORDS[0] <= len(words) <= _HEADLINE_WORDS[1]
        and not _SENTENCE_END.search(line)
        and len(_CAMEL_JOIN.findall(line)) <= _MAX_CAMEL_JOINS
        and not any(pattern.fullmatch(line) for pattern in _AUTHOR_LINES + _SOURCE_LINES)
    )


# --- HTML -----------------------------------------------------------------------------------


def _read_html(path: Path, text: str, limits: Limits) -> Iterator[Article | Problem]:
    """Main text and metadata by trafilatura, from the string only: it never fetches a URL."""
    # Imported for HTML only: it takes a fifth of a second, and the worker processes,
    # which import this module with kg.pipeline, never read a file.
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False)
    except Exception as err:  # a third-party parser on hostile input: report, never crash
        yield Problem(str(path), f"HTML could not be parsed ({type(err).__name__}: {err})")
        return
    if doc is None or not (doc.text or "").strip():
        yield Problem(str(path), "no main text found in the HTML page")
        return
    published = _parse_date(doc.date) if doc.date else None
    try:
        yield _article(
            path.stem,
            doc.text,
            str(path),
            limits,
            doc.title,
            published,
            doc.sitename or doc.hostname,
            doc.url,
        )
    except _Unusable as err:
        yield Problem(str(path), str(err))


# --- JSON Lines -----------------------------------------------------------------------------


def _read_jsonl(path: Path, text: str, limits: Limits) -> Iterator[Article | Problem]:
    """One article per line; a bad line is a Problem naming ``file:line``, the rest go on."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield Problem(where, f"invalid JSON: {err.msg} at column {err.colno}")
            continue
        except (ValueError, RecursionError) as err:
            yield Problem(where, f"invalid JSON: {err}")
            continue
        try:
            yield from _json_article(record, path, number, limits)
        except _Unusable as err:
            yield Problem(where, str(err))


def _json_article(
    record: object, path: Path, number: int, limits: Limits
) -> Iterator[Article | Problem]:
    if not isinstance(record, dict):
        raise _Unusable(f"expected a JSON object, got {type(record).__name__}")
    text = _string_field(record, "text")
    if not text or not text.strip():
        raise _Unusable("missing or empty 'text'")
    id_value = record.get("id")
    if isinstance(id_value, int) and not isinstance(id_value, bool):
        id_value = str(id_value)
    elif id_value is not None and not isinstance(id_value, str):
        raise _Unusable(f"'id' must be a string or an integer, not {type(id_value).__name__}")
    raw_date = _meta_field(record, "date")
    published = _parse_date(raw_date) if raw_date else None
    if raw_date and published is None:
        yield Problem(f"{path}:{number}", f"date {raw_date!r} not understood; ignored", "warning")
    yield _article(
        (id_value or "").strip() or f"{path.stem}-{number}",
        text,
        f"{path}#L{number}",
        limits,
        _meta_field(record, "title"),
        published,
        _meta_field(record, "publisher"),
        _meta_field(record, "url"),
    )


def _string_field(record: dict[str, object], key: str) -> str | None:
    value = record.get(key)
    if value is not None and not isinstance(value, str):
        raise _Unusable(f"'{key}' must be a string, not {type(value).__name__}")
    return value


def _meta_field(record: dict[str, object], key: str) -> str | None:
    """A metadata string with surrounding blanks removed; empty counts as absent."""
    value = _string_field(record, key)
    return value.strip() or None if value else None


_READERS: dict[str, Reader] = {
    ".txt": _read_plain,
    ".md": _read_plain,
    "": _read_plain,
    ".html": _read_html,
    ".htm": _read_html,
    ".jsonl": _read_jsonl,
}
