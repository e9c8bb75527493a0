"""RDF namespaces of the project, in the style of ``rdflib.namespace``.

``KG`` holds the ontology (classes, relations, modality values, provenance properties);
``KGR`` holds the resources the tool mints: entities, articles, statements, figures and
named graphs. IRIs under ``KGR`` are derived from content only, so a rebuild mints the same.
"""

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from rdflib import Namespace
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SDO, SKOS, XSD

KG = Namespace("https://w3id.org/newskg/ontology#")
KGR = Namespace("https://w3id.org/newskg/id/")

__all__ = ["DCTERMS", "KG", "KGR", "PROV", "RDF", "RDFS", "SDO", "SKOS", "Terms", "XSD"]


class Terms:
    """The IRIs of a namespace as pyoxigraph terms (or as ``make`` makes them from the
    IRI), each made once: ``Terms(KG).evidence``, ``Terms(KG)["captured"]``.

    The store is written in pyoxigraph terms; an rdflib namespace makes a new term, and
    checks it, at every access, which cost more than the rest of making a quad.
    """

    def __init__(self, namespace: str, make: Callable[[str], Any] = ox.NamedNode) -> None:
        self._namespace = str(namespace)
        self._make = make
        self._made: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        term = self._made.get(name)
        if term is None:
            term = self._made[name] = self._make(self._namespace + name)
        return term

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        term = self[name]
        setattr(self, name, term)  # found as a plain attribute from now on
        return term
