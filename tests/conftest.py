"""Shared pytest configuration and fixtures."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING

import networkx as nx
import pytest
from browser import launch
from playwright.sync_api import Browser, sync_playwright
from rdflib import Dataset

from kg.network import to_networkx
from kg.records import Article, Assertion, Extraction

if TYPE_CHECKING:
    from spacy.language import Language


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives a real headless Chromium (skipped when it is not installed)"
    )


# --- views: a small hand-written graph laid out as docs/rdf-model.md says -------------------
# Two articles; entities of five classes; statements of every modality, one (HTS captured
# Hama) stated by both articles so that the view aggregates two sentences into one edge.
VIEWS_TRIG = """
@prefix kg: <https://w3id.org/newskg/ontology#> .
@prefix e: <https://w3id.org/newskg/id/entity/> .
@prefix art: <https://w3id.org/newskg/id/article/> .
@prefix st: <https://w3id.org/newskg/id/statement/> .
@prefix g: <https://w3id.org/newskg/id/graph/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

g:entities {
    e:hts a kg:ArmedGroup ; rdfs:label "Hayat Tahrir al-Sham" ;
        skos:altLabel "HTS", "Tahrir al-Sham" ; kg:gazetteerId "hts" .
    e:syrian-army a kg:ArmedGroup ; rdfs:label "Syrian Army" ;
        skos:altLabel "government forces" .
    e:hama a kg:City ; rdfs:label "Hama" .
    e:homs a kg:City ; rdfs:label "Homs" .
    e:damascus a kg:City ; rdfs:label "Damascus" .
    e:syria a kg:Country ; rdfs:label "Syria" .
    e:russia a kg:Country ; rdfs:label "Russia" .
    e:syrian-government a kg:Government ; rdfs:label "Syrian government" ;
        skos:altLabel "Assad regime" .
    e:civilians a kg:SocialGroup ; rdfs:label "civilians" .
    e:sohr a kg:Organization ; rdfs:label "Syrian Observatory for Human Rights" ;
        skos:altLabel "SOHR" .
}

g:a1 {
    art:a1 a schema:NewsArticle ; dcterms:identifier "a1" ;
        dcterms:title "Rebels take Hama" ; schema:datePublished "2024-12-05"^^xsd:date ;
        schema:mentions e:hts, e:hama, e:homs,
            e:syrian-army, e:civilians, e:syria .
    st:a1-1 a rdf:Statement ; rdf:subject e:hts ;
        rdf:predicate kg:captured ; rdf:object e:hama ; kg:modality kg:asserted ;
        kg:evidence "HTS captured Hama on Thursday." ; kg:charStart 0 ; kg:charEnd 30 ;
        kg:confidence 0.9 ; kg:eventDate "2024-12-05"^^xsd:date ;
        prov:wasDerivedFrom art:a1 .
    st:a1-2 a rdf:Statement ; rdf:subject e:hts ;
        rdf:predicate kg:advancedOn ; rdf:object e:homs ; kg:modality kg:asserted ;
        kg:evidence "The rebels then pushed toward Homs." ; kg:confidence 0.7 ;
        prov:wasDerivedFrom art:a1 .
    st:a1-3 a rdf:Statement ; rdf:subject e:syrian-army ;
        rdf:predicate kg:withdrewFrom ; rdf:object e:hama ; kg:modality kg:asserted ;
        kg:evidence "Government forces withdrew from Hama." ; kg:confidence 0.8 ;
        prov:wasDerivedFrom art:a1 .
    st:a1-4 a rdf:Statement ; rdf:subject e:civilians ;
        rdf:predicate kg:fledFrom ; rdf:object e:hama ; kg:modality kg:asserted ;
        kg:evidence "Thousands of civilians fled Hama." ; kg:confidence 0.75 ;
        prov:wasDerivedFrom art:a1 .
    st:a1-5 a rdf:Statement ; rdf:subject e:homs ;
        rdf:predicate kg:locatedIn ; rdf:object e:syria ; kg:modality kg:asserted ;
        kg:evidence "Homs, Syria's third-largest city, lies to the south." ;
        kg:confidence 0.6 ; prov:wasDerivedFrom art:a1 .
}

g:b2 {
    art:b2 a schema:NewsArticle ; dcterms:identifier "b2" ;
        dcterms:title "Observers report fall of Hama" ;
        schema:datePublished "2024-12-06"^^xsd:date ;
        schema:mentions e:hts, e:hama, e:damascus,
            e:russia, e:syrian-government, e:syrian-army,
            e:homs, e:sohr .
    st:b2-1 a rdf:Statement ; rdf:subject e:hts ;
        rdf:predicate kg:captured ; rdf:object e:hama ; kg:modality kg:reported ;
        kg:evidence "SOHR said HTS had seized Hama." ; kg:confidence 0.8 ;
        prov:wasAttributedTo e:sohr ; kg:reportedBy "SOHR" ;
        prov:wasDerivedFrom art:b2 .
    st:b2-2 a rdf:Statement ; rdf:subject e:hts ;
        rdf:predicate kg:captured ; rdf:object e:damascus ;
        kg:modality kg:hypothetical ;
        kg:evidence "HTS aims to take Damascus next." ; kg:confidence 0.6 ;
        prov:wasDerivedFrom art:b2 .
    st:b2-3 a rdf:Statement ; rdf:subject e:russia ;
        rdf:predicate kg:supports ; rdf:object e:syrian-government ;
        kg:modality kg:asserted ; kg:evidence "Russia backs the Assad regime." ;
        kg:confidence 0.85 ; prov:wasDerivedFrom art:b2 .
    st:b2-4 a rdf:Statement ; rdf:subject e:syrian-army ;
        rdf:predicate kg:captured ; rdf:object e:homs ; kg:modality kg:negated ;
        kg:evidence "The army did not retake Homs." ; kg:confidence 0.5 ;
        prov:wasDerivedFrom art:b2 .
}

g:direct {
    e:hts kg:captured e:hama ; kg:advancedOn e:homs .
    e:syrian-army kg:withdrewFrom e:hama .
    e:civilians kg:fledFrom e:hama .
    e:homs kg:locatedIn e:syria .
    e:russia kg:supports e:syrian-government .
}
"""


@pytest.fixture
def views_trig() -> str:
    """The hand-written graph of the views' tests, as TriG text."""
    return VIEWS_TRIG


@pytest.fixture
def views_dataset(views_trig: str) -> Dataset:
    """The hand-written graph of the views' tests, as a Dataset of named graphs."""
    return Dataset().parse(data=views_trig, format="trig")


@pytest.fixture
def views_graph(views_dataset: Dataset) -> nx.MultiDiGraph:
    """The views' fixture graph read into NetworkX with every modality."""
    return to_networkx(views_dataset)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """One headless Chromium for every browser test; they skip, saying why, when it is absent."""
    if shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (`make test` installs it)")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


# --- extraction: one spaCy pipeline for the whole session (loading it costs about a second) --


@pytest.fixture(scope="session")
def spacy_nlp() -> Language:
    """The default spaCy pipeline with kg's line-break rule, loaded once."""
    from kg.nlp import load_pipeline  # spaCy is imported only by the tests that use it
    from kg.pipeline import DEFAULT_MODEL

    return load_pipeline(DEFAULT_MODEL)


@pytest.fixture(scope="session")
def extract_article(spacy_nlp: Language) -> Callable[[str], Extraction]:
    """Extract one article given as text (id "t"); results are memoised per text."""
    from kg.extract import ArticleExtractor
    from kg.lexicon import load_lexicon

    extractor = ArticleExtractor(spacy_nlp, load_lexicon())

    @cache
    def run(text: str) -> Extraction:
        return extractor(Article(id="t", text=text, source="t"), spacy_nlp(text))

    return run


@pytest.fixture(scope="session")
def extract_relations(
    extract_article: Callable[[str], Extraction],
) -> Callable[[str], dict[tuple[str, str, str], Assertion]]:
    """Extract a text; its assertions keyed by (subject name, relation, object name)."""

    def run(text: str) -> dict[tuple[str, str, str], Assertion]:
        extraction = extract_article(text)
        name = {entity.key: entity.name for entity in extraction.entities}
        return {(name[a.subject], a.relation, name[a.object]): a for a in extraction.assertions}

    return run
