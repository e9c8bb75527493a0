"""RDF namespaces of the project, in the style of ``rdflib.namespace``.

``KG`` holds the ontology (classes, relations, modality values, provenance properties);
``KGR`` holds the resources the tool mints: entities, articles, statements, figures and
named graphs. IRIs under ``KGR`` are derived from content only, so a rebuild mints the same.
"""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO, SKOS, XSD

KG = Namespace("https://w3id.org/newskg/ontology#")
KGR = Namespace("https://w3id.org/newskg/id/")

__all__ = ["DCTERMS", "KG", "KGR", "PROV", "RDF", "RDFS", "SDO", "SKOS", "XSD"]
