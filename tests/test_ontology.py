"""The ontology (ontology/kg.ttl) against the annotation guideline, and the shapes file."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, SH

from kg.namespaces import KG, RDF, RDFS, SKOS
from kg.rdf import ONTOLOGY_IRI, ontology_path

# The guideline's relation inventory: local name -> (domain, range), each a set of classes.
ACTOR, LOCATION = {"Actor"}, {"Location"}
RELATIONS = {
    "captured": (ACTOR, LOCATION),
    "attacked": (ACTOR, {"Actor", "Location"}),
    "advancedOn": (ACTOR, LOCATION),
    "withdrewFrom": (ACTOR, LOCATION),
    "controls": (ACTOR, LOCATION),
    "deployedTo": (ACTOR, LOCATION),
    "supports": (ACTOR, ACTOR),
    "opposes": (ACTOR, ACTOR),
    "criticized": (ACTOR, ACTOR),
    "metWith": (ACTOR, ACTOR),
    "leaderOf": ({"Person"}, {"Organization", "SocialGroup", "Country"}),
    "memberOf": (ACTOR, {"Organization", "SocialGroup"}),
    "affiliatedWith": (ACTOR, ACTOR),
    "locatedIn": (LOCATION, LOCATION),
    "fledFrom": (ACTOR, LOCATION),
    "fledTo": (ACTOR, LOCATION),
    "killed": (ACTOR, {"Person", "SocialGroup", "ArmedGroup"}),
    "basedIn": ({"Organization", "SocialGroup"}, LOCATION),
    "livesIn": ({"Person", "SocialGroup"}, LOCATION),
}
CLASSES = {
    "Actor", "Person", "Organization", "ArmedGroup", "Government", "Country", "SocialGroup",
    "Location", "City", "Region", "Facility", "Figure", "Modality",
}
MODALITIES = ("asserted", "reported", "hypothetical", "negated")
PROVENANCE = (
    "modality", "evidence", "charStart", "charEnd", "confidence", "pattern", "eventDate",
    "reportedBy", "contentHash", "gazetteerId", "measure", "qualifier", "place",
)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ontology_path("kg.ttl"))


def classes_of(g: Graph, node: URIRef) -> set[str]:
    """A class or an owl:unionOf of classes, as local names."""
    union = g.value(node, OWL.unionOf)
    members = list(Collection(g, union)) if union is not None else [node]
    return {str(m).removeprefix(str(KG)) for m in members}


def one(g: Graph, s: URIRef, p: URIRef) -> Literal:
    values = list(g.objects(s, p))
    assert len(values) == 1, (s, p, values)
    return values[0]


def test_ontology_header(onto: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert one(onto, ONTOLOGY_IRI, RDFS.label)
    assert one(onto, ONTOLOGY_IRI, RDFS.comment)
    assert one(onto, ONTOLOGY_IRI, OWL.versionInfo)


def test_exactly_the_19_relations_of_the_guideline(onto: Graph) -> None:
    relations = {
        str(p).removeprefix(str(KG))
        for p in onto.subjects(RDF.type, OWL.ObjectProperty)
        if (p, RDFS.domain, None) in onto and str(p).removeprefix(str(KG)) not in PROVENANCE
    }
    assert relations == set(RELATIONS)


@pytest.mark.parametrize("name", RELATIONS)
def test_relation_label_comment_domain_range(onto: Graph, name: str) -> None:
    prop = KG[name]
    label = one(onto, prop, RDFS.label)
    assert label.language == "en"
    assert str(label) == re.sub(r"([A-Z])", lambda m: " " + m.group(1).lower(), name)
    assert len(one(onto, prop, RDFS.comment)) > 20
    domain, range_ = RELATIONS[name]
    assert classes_of(onto, one(onto, prop, RDFS.domain)) == domain
    assert classes_of(onto, one(onto, prop, RDFS.range)) == range_


def test_met_with_is_the_only_symmetric_relation(onto: Graph) -> None:
    assert set(onto.subjects(RDF.type, OWL.SymmetricProperty)) == {KG.metWith}


def test_classes_and_hierarchy(onto: Graph) -> None:
    declared = {str(c).removeprefix(str(KG)) for c in onto.subjects(RDF.type, OWL.Class)
                if str(c).startswith(str(KG))}
    assert declared == CLASSES
    for name in CLASSES:
        assert one(onto, KG[name], RDFS.label).language == "en"
        assert one(onto, KG[name], RDFS.comment)

    def ancestors(name: str) -> set[URIRef]:
        return set(onto.transitive_objects(KG[name], RDFS.subClassOf))

    for name in ("Person", "Organization", "ArmedGroup", "Government", "Country", "SocialGroup"):
        assert KG.Actor in ancestors(name), name
    for name in ("Country", "City", "Region", "Facility"):
        assert KG.Location in ancestors(name), name
    assert KG.Organization in ancestors("ArmedGroup")
    assert KG.Organization in ancestors("Government")
    assert KG.Location not in ancestors("Person")
    schema = URIRef("https://schema.org/")
    assert {schema + "Person", schema + "Organization", schema + "Place", schema + "Country",
            schema + "City"} <= set().union(*(ancestors(c) for c in CLASSES))


def test_modality_concepts(onto: Graph) -> None:
    for name in MODALITIES:
        node = KG[name]
        assert {KG.Modality, SKOS.Concept} <= set(onto.objects(node, RDF.type))
        assert (node, SKOS.inScheme, KG.ModalityScheme) in onto
        assert str(one(onto, node, SKOS.prefLabel)) == name
        assert one(onto, node, SKOS.definition)
    assert set(onto.subjects(RDF.type, KG.Modality)) == {KG[m] for m in MODALITIES}
    assert (KG.ModalityScheme, RDF.type, SKOS.ConceptScheme) in onto


@pytest.mark.parametrize("name", PROVENANCE)
def test_provenance_properties_are_documented(onto: Graph, name: str) -> None:
    types = set(onto.objects(KG[name], RDF.type))
    assert types & {OWL.ObjectProperty, OWL.DatatypeProperty}
    assert one(onto, KG[name], RDFS.label)
    assert one(onto, KG[name], RDFS.comment)


def test_shapes_restrict_predicates_and_modalities_to_the_ontology() -> None:
    shapes = Graph().parse(ontology_path("shapes.ttl"))
    allowed: dict[URIRef, set[URIRef]] = {}
    for shape, values in shapes.subject_objects(SH["in"]):
        allowed[shapes.value(shape, SH.path)] = set(Collection(shapes, values))
    assert allowed[RDF.predicate] == {KG[name] for name in RELATIONS}
    assert allowed[KG.modality] == {KG[name] for name in MODALITIES}
