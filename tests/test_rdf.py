"""Record-to-RDF mapping (kg.rdf) and the SHACL shapes that check its output."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, replace
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.namespaces import DCTERMS, KG, KGR, PROV, RDF, RDFS, SDO, SKOS, XSD
from kg.rdf import (
    article_iri,
    article_quads,
    direct_quads,
    entity_iri,
    entity_quads,
    figure_iri,
    graph_iri,
    ontology_path,
    statement_iri,
    to_rdflib,
)
from kg.records import Article, Assertion, Entity, Extraction, Figure, LocalEntity, Mention
from kg.store import Store

TEXT = (
    "HTS captured Hama on 5 December. SOHR said HTS captured Hama. "
    "The rebels may take Homs. Russia did not back HTS. Over 800 people were killed in Hama."
)
# (key, name, class) of the article's entities.
ENTITIES = [
    ("hts", "Hayat Tahrir al-Sham", "ArmedGroup"),
    ("hama", "Hama", "City"),
    ("homs", "Homs", "City"),
    ("sohr", "SOHR", "Organization"),
    ("russia", "Russia", "Country"),
    ("assad", "Bashar al-Assad", "Person"),
]


def sample_extraction(article_id: str = "000_test", evidence: str | None = None) -> Extraction:
    """One article with a statement of every modality, a duplicate, and a figure."""

    def sentence(start: int, end: int) -> str:
        return evidence if evidence is not None else TEXT[start:end]

    def assertion(s: str, rel: str, o: str, modality: str, start: int, end: int, **kw) -> Assertion:
        return Assertion(s, rel, o, modality, sentence(start, end), start, end, 0.8, "verb", **kw)

    captured = assertion("hts", "captured", "hama", "asserted", 0, 32, date="2024-12-05")
    return Extraction(
        article=Article(
            id=article_id,
            text=TEXT,
            source=f"data/articles/{article_id}.txt",
            title="Rebels take Hama",
            date="2024-12-06",
            publisher="Example News",
            url="https://example.org/news?id=1&x=<y>",
            content_hash="sha256:abc",
        ),
        entities=[LocalEntity(k, name, cls, names=[name]) for k, name, cls in ENTITIES],
        mentions=[],
        assertions=[
            captured,
            replace(captured),  # the same statement found twice: stored once
            assertion(
                "hts", "captured", "hama", "reported", 33, 62, source="sohr", source_name="SOHR"
            ),
            assertion("hts", "captured", "homs", "hypothetical", 63, 89),
            assertion("russia", "supports", "hts", "negated", 90, 115),
        ],
        figures=[
            Figure(
                "killed", 800, "over", "people", sentence(116, len(TEXT)), 116, len(TEXT),
                place="hama",
                source="sohr", source_name="SOHR",
            )
        ],
    )


def iri_map(ex: Extraction) -> dict[str, ox.NamedNode]:
    return {e.key: ox.NamedNode(entity_iri(f"{e.name} {e.cls}")) for e in ex.entities}


def uris(ex: Extraction) -> dict[str, URIRef]:
    """``iri_map`` in rdflib terms, to look the entities up in the graphs of ``graph_of``."""
    return {key: to_rdflib(iri) for key, iri in iri_map(ex).items()}


def sample_entities(ex: Extraction) -> list[Entity]:
    iri_of = uris(ex)
    return [
        Entity(str(iri_of[e.key]), e.name, e.cls, [e.name, e.key.upper()], [ex.article.id])
        for e in ex.entities
    ]


def graph_of(quads: Iterable[ox.Quad]) -> Graph:
    graph = Graph()
    for quad in quads:
        graph.add(tuple(map(to_rdflib, quad.triple)))
    return graph


# -- IRIs ---------------------------------------------------------------------------------


def test_an_extraction_as_a_dict_is_asdict_and_reads_back() -> None:
    """The cache's JSON: every field of every record, copied, and read back whole."""
    mention = Mention(0, 3, "HTS", "ArmedGroup", "hts")
    ex = replace(sample_extraction(), mentions=[mention])
    data = ex.to_dict()
    assert data == asdict(ex)
    assert Extraction.from_dict(json.loads(json.dumps(data))) == ex
    data["entities"][0]["names"].append("changed")
    assert ex.entities[0].names == [ex.entities[0].name]


def test_entity_iri_is_an_ascii_slug() -> None:
    assert entity_iri("Ḥamāh  City") == KGR["entity/hamah-city"]
    assert entity_iri("Hayat Tahrir al-Sham (HTS)!") == KGR["entity/hayat-tahrir-al-sham-hts"]
    assert entity_iri("Дамаск") == KGR["entity/damask"]
    assert entity_iri("Hama City") == entity_iri("hama city")


def test_entity_iri_without_transliteration_falls_back_to_a_hash() -> None:
    iri = entity_iri("🙂🙂")
    tail = iri.removeprefix(str(KGR["entity/"]))
    assert len(tail) == 16 and tail.isalnum()
    assert iri != entity_iri("🙂")


def test_article_and_graph_iris_escape_the_id() -> None:
    assert article_iri("a b/c") == KGR["article/a%20b%2Fc"]
    assert graph_iri("000_x") == KGR["graph/000_x"]


def test_statement_iri_depends_on_every_part() -> None:
    s, o = entity_iri("a"), entity_iri("b")
    base = statement_iri("doc", s, "captured", o, "asserted", 10)
    assert base == statement_iri("doc", s, "captured", o, "asserted", 10)
    variants = {
        statement_iri("doc2", s, "captured", o, "asserted", 10),
        statement_iri("doc", o, "captured", s, "asserted", 10),
        statement_iri("doc", s, "attacked", o, "asserted", 10),
        statement_iri("doc", s, "captured", o, "reported", 10),
        statement_iri("doc", s, "captured", o, "asserted", 11),
    }
    assert base not in variants and len(variants) == 5
    assert figure_iri("doc", "killed", 800, 3) == figure_iri("doc", "killed", 800, 3)
    assert figure_iri("doc", "killed", 800, 3) != figure_iri("doc", "killed", 801, 3)


def test_ontology_path_points_at_the_repository_folder() -> None:
    assert ontology_path("kg.ttl").is_file()
    assert ontology_path("shapes.ttl").is_file()


# -- article, statements, figures --------------------------------------------------------


def test_article_quads_all_go_to_the_article_graph() -> None:
    ex = sample_extraction()
    quads = list(article_quads(ex, iri_map(ex)))
    assert {q.graph_name for q in quads} == {ox.NamedNode(KGR["graph/000_test"])}
    assert len(quads) == len(set(quads))


def test_article_node() -> None:
    ex = sample_extraction()
    g = graph_of(article_quads(ex, iri_map(ex)))
    a = article_iri("000_test")
    assert g.value(a, RDF.type) == SDO.NewsArticle
    assert g.value(a, DCTERMS.identifier) == Literal("000_test")
    assert g.value(a, DCTERMS.title) == Literal("Rebels take Hama")
    assert g.value(a, DCTERMS.publisher) == Literal("Example News")
    assert g.value(a, DCTERMS.source) == Literal("data/articles/000_test.txt")
    assert g.value(a, KG.contentHash) == Literal("sha256:abc")
    assert g.value(a, SDO.datePublished) == Literal("2024-12-06", datatype=XSD.date)
    url = Literal("https://example.org/news?id=1&x=<y>", datatype=XSD.anyURI)
    assert g.value(a, SDO.url) == url
    assert set(g.objects(a, SDO.mentions)) == set(uris(ex).values())


def test_statements_are_reified_with_provenance() -> None:
    ex = sample_extraction()
    iri_of = uris(ex)
    g = graph_of(article_quads(ex, iri_map(ex)))
    statements = set(g.subjects(RDF.type, RDF.Statement))
    assert len(statements) == 4  # five assertions, one of them a duplicate
    node = statement_iri("000_test", iri_of["hts"], "captured", iri_of["hama"], "asserted", 0)
    assert node in statements
    assert g.value(node, RDF.subject) == iri_of["hts"]
    assert g.value(node, RDF.predicate) == KG.captured
    assert g.value(node, RDF.object) == iri_of["hama"]
    assert g.value(node, KG.modality) == KG.asserted
    assert g.value(node, KG.evidence) == Literal(TEXT[0:32])
    assert g.value(node, KG.charStart) == Literal(0, datatype=XSD.integer)
    assert g.value(node, KG.charEnd) == Literal(32, datatype=XSD.integer)
    assert g.value(node, KG.confidence) == Literal(Decimal("0.8"), datatype=XSD.decimal)
    assert g.value(node, KG.pattern) == Literal("verb")
    assert g.value(node, KG.eventDate) == Literal("2024-12-05", datatype=XSD.date)
    assert g.value(node, PROV.wasDerivedFrom) == article_iri("000_test")
    assert g.value(node, PROV.wasAttributedTo) is None

    reported = statement_iri("000_test", iri_of["hts"], "captured", iri_of["hama"], "reported", 33)
    assert g.value(reported, PROV.wasAttributedTo) == iri_of["sohr"]
    assert g.value(reported, KG.reportedBy) == Literal("SOHR")
    modalities = {g.value(s, KG.modality) for s in statements}
    assert modalities == {KG.asserted, KG.reported, KG.hypothetical, KG.negated}


def test_confidence_is_a_decimal_rounded_to_three_places() -> None:
    ex = sample_extraction()
    ex.assertions = [replace(ex.assertions[0], confidence=2 / 3)]
    g = graph_of(article_quads(ex, iri_map(ex)))
    [value] = g.objects(None, KG.confidence)
    assert value.datatype == XSD.decimal and value.toPython() == Decimal("0.667")


def test_figure() -> None:
    ex = sample_extraction()
    iri_of = uris(ex)
    g = graph_of(article_quads(ex, iri_map(ex)))
    [node] = g.subjects(RDF.type, KG.Figure)
    assert node == figure_iri("000_test", "killed", 800, 116)
    assert g.value(node, KG.measure) == Literal("killed")
    assert g.value(node, RDF.value).toPython() == Decimal(800)
    assert g.value(node, RDF.value).datatype == XSD.decimal
    assert g.value(node, KG.qualifier) == Literal("over")
    assert g.value(node, SDO.unitText) == Literal("people")
    assert g.value(node, KG.place) == iri_of["hama"]
    assert g.value(node, PROV.wasAttributedTo) == iri_of["sohr"]
    assert g.value(node, KG.evidence) == Literal(TEXT[116:])
    assert g.value(node, PROV.wasDerivedFrom) == article_iri("000_test")


def test_bad_dates_and_reserved_ids_are_refused() -> None:
    ex = sample_extraction()
    ex.assertions = [replace(ex.assertions[0], date="5 December")]
    with pytest.raises(ValueError):
        list(article_quads(ex, iri_map(ex)))
    reserved = sample_extraction("entities")
    with pytest.raises(ValueError):
        list(article_quads(reserved, iri_map(reserved)))


def test_direct_quads_keep_only_factual_relations() -> None:
    ex = sample_extraction()
    iri_of = iri_map(ex)
    quads = set(direct_quads(ex, iri_of))
    assert {q.graph_name for q in quads} == {ox.NamedNode(graph_iri("direct"))}
    captured = ox.Triple(iri_of["hts"], ox.NamedNode(KG.captured), iri_of["hama"])
    assert {q.triple for q in quads} == {captured}


def test_entity_quads() -> None:
    ex = sample_extraction()
    entities = sample_entities(ex)
    g = graph_of(entity_quads(entities))
    hts = URIRef(entities[0].iri)
    assert g.value(hts, RDF.type) == KG.ArmedGroup
    assert list(g.objects(hts, RDFS.label)) == [Literal("Hayat Tahrir al-Sham")]
    assert set(g.objects(hts, SKOS.altLabel)) == {Literal("HTS")}
    assert g.value(hts, KG.gazetteerId) is None
    assert {q.graph_name for q in entity_quads(entities)} == {ox.NamedNode(graph_iri("entities"))}


def test_entity_quads_carry_the_gazetteer_id_when_known() -> None:
    iri = "https://w3id.org/newskg/id/entity/q1"
    entity = Entity(iri, "Hama", "City", [], [], gazetteer_id="Q1")
    g = graph_of(entity_quads([entity]))
    assert g.value(URIRef(entity.iri), KG.gazetteerId) == Literal("Q1")


def test_every_ontology_term_used_is_declared() -> None:
    ontology = Graph().parse(ontology_path("kg.ttl"))
    declared = set(ontology.subjects())
    ex = sample_extraction()
    quads = [*article_quads(ex, iri_map(ex)), *entity_quads(sample_entities(ex))]
    terms = (to_rdflib(t) for q in quads for t in (q.predicate, q.object))
    used = {t for t in terms if isinstance(t, URIRef) and t.startswith(KG)}
    assert used and used <= declared


# -- SHACL --------------------------------------------------------------------------------


def validate(*extractions: Extraction) -> tuple[bool, Graph]:
    with Store.open(None) as store:
        for ex in extractions:
            store.replace_article(ex.article.id, article_quads(ex, iri_map(ex)))
        store.replace_graph(
            "entities", entity_quads([e for ex in extractions for e in sample_entities(ex)])
        )
        conforms, report, _ = store.validate()
    return conforms, report


def results(report: Graph, severity: URIRef) -> set[tuple[URIRef, URIRef | None]]:
    return {
        (report.value(r, SH.focusNode), report.value(r, SH.resultPath))
        for r in report.subjects(SH.resultSeverity, severity)
    }


def test_valid_graph_conforms_without_results() -> None:
    conforms, report = validate(sample_extraction(), sample_extraction("001_other"))
    assert conforms
    assert not set(report.subjects(RDF.type, SH.ValidationResult))


def test_broken_statements_violate_the_shapes() -> None:
    ex = sample_extraction()
    iri_of = uris(ex)
    first, _, reported, hypothetical, negated = ex.assertions
    ex.assertions = [
        replace(first, evidence=""),
        replace(reported, modality="maybe"),
        replace(hypothetical, confidence=1.5),
        replace(negated, start=-3),
    ]
    conforms, report = validate(ex)
    assert not conforms

    def node(a: Assertion) -> URIRef:
        return statement_iri(ex.article.id, iri_of[a.subject], a.relation, iri_of[a.object],
                             a.modality, a.start)

    s1, s2, s3, s4 = (node(a) for a in ex.assertions)
    assert results(report, SH.Violation) == {
        (s1, KG.evidence),
        (s2, KG.modality),
        (s3, KG.confidence),
        (s4, KG.charStart),
    }


def test_missing_evidence_and_article_are_violations() -> None:
    ex = sample_extraction()
    article = article_iri(ex.article.id)
    evidence, a, typed = (ox.NamedNode(t) for t in (KG.evidence, article, RDF.type))
    quads = [q for q in article_quads(ex, iri_map(ex)) if q.predicate != evidence]
    quads = [q for q in quads if not (q.subject == a and q.predicate == typed)]
    with Store.open(None) as store:
        store.replace_article(ex.article.id, quads)
        conforms, report, _ = store.validate()
    assert not conforms
    violations = results(report, SH.Violation)
    statements = {to_rdflib(q.subject) for q in quads if q.object == ox.NamedNode(RDF.Statement)}
    assert {(s, KG.evidence) for s in statements} <= violations
    assert {(s, PROV.wasDerivedFrom) for s in statements} <= violations


def test_domain_and_range_mismatches_are_only_warnings() -> None:
    ex = sample_extraction()
    iri_of = uris(ex)
    # A person is no place: "captured Bashar al-Assad" is out of range. A city does not
    # support anyone: out of domain.
    ex.assertions = [
        replace(ex.assertions[0], object="assad"),
        replace(ex.assertions[4], subject="homs"),
    ]
    conforms, report = validate(ex)
    assert conforms
    captured, supports = ex.assertions
    wrong_range = statement_iri(ex.article.id, iri_of["hts"], "captured", iri_of["assad"],
                                "asserted", captured.start)
    wrong_domain = statement_iri(ex.article.id, iri_of["homs"], "supports", iri_of["hts"],
                                 "negated", supports.start)
    assert {focus for focus, _ in results(report, SH.Warning)} == {wrong_range, wrong_domain}
    assert not results(report, SH.Violation)


def test_entity_without_label_violates() -> None:
    ex = sample_extraction()
    with Store.open(None) as store:
        store.replace_article(ex.article.id, article_quads(ex, iri_map(ex)))
        label = ox.NamedNode(RDFS.label)
        quads = [q for q in entity_quads(sample_entities(ex)) if q.predicate != label]
        store.replace_graph("entities", quads)
        conforms, report, _ = store.validate()
    assert not conforms
    assert {focus for focus, _ in results(report, SH.Violation)} == set(uris(ex).values())
