"""One article's parsed document -> its entities, mentions and assertions (an Extraction)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.dates import sentence_date
from kg.figures import find_figures, sentence_evidence
from kg.lexicon import Lexicon
from kg.mentions import EntityTable, find_mentions
from kg.modality import modality_of
from kg.records import Article, Assertion, Extraction, Figure
from kg.relations import Extractor


class ArticleExtractor:
    """Holds the loaded rules; ``__call__`` turns one parsed article into an Extraction."""

    def __init__(self, nlp: Language, lexicon: Lexicon) -> None:
        self.nlp, self.lexicon = nlp, lexicon
        self.extractor = Extractor(lexicon)

    def __call__(self, article: Article, doc: Doc) -> Extraction:
        table = find_mentions(doc, self.lexicon, self.nlp)
        assertions: dict[tuple, Assertion] = {}
        dates: dict[int, str | None] = {}  # one date per sentence, however many relations
        for cand in self.extractor.candidates(doc, table):
            if cand.sentence.start not in dates:
                dates[cand.sentence.start] = _full_date(sentence_date(cand.sentence, article.date))
            modality = modality_of(cand.trigger, cand.relation, self.lexicon)
            text, start, end = sentence_evidence(cand.sentence)
            source = table.key_of(modality.source) if modality.source is not None else None
            found = Assertion(
                subject=cand.subject,
                relation=cand.relation,
                object=cand.object,
                modality=modality.value,
                evidence=text,
                start=start,
                end=end,
                confidence=cand.confidence,
                pattern=cand.pattern.kind,
                source=source,
                source_name=modality.source_text,
                date=dates[cand.sentence.start],
            )
            key = (found.subject, found.relation, found.object, found.start)
            if key not in assertions or assertions[key].confidence < found.confidence:
                assertions[key] = found
        # after the relations, so that their class votes are in when places are chosen
        figures = find_figures(doc, table, self.lexicon, article.date)
        for figure in figures:
            figure.date = _full_date(figure.date)
        return _package(article, table, list(assertions.values()), figures)


def _full_date(value: str | None) -> str | None:
    """Statements carry xsd:date; a month or a year alone ("in March 2011") is left out."""
    return value if value and len(value) == 10 else None


def _package(
    article: Article, table: EntityTable, assertions: list[Assertion], figures: list[Figure]
) -> Extraction:
    """Keep named entities and the generic ones that take part in a relation or figure."""
    used = {a.subject for a in assertions} | {a.object for a in assertions}
    used |= {a.source for a in assertions if a.source}
    used |= {k for f in figures for k in (f.place, f.source) if k}
    entities = [e for e in table.entities() if not e.generic or e.key in used]
    keep = {e.key for e in entities}
    mentions = [m for m in table.mentions if m.key in keep]
    return Extraction(article, entities, mentions, assertions, figures)
