"""RDF vocabulary: the paperkg ontology terms (``ontology/paperkg.ttl``) and the standard namespaces.

:class:`PKG` mirrors ``ontology/paperkg.ttl`` term for term (a test checks both directions); a
misspelled term raises ``AttributeError`` instead of minting a new IRI. The standard namespaces
are the ones the ontology aligns to and the exported data uses directly.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

PKG_NS = "https://w3id.org/paperkg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/paperkg/ontology"


class PKG(DefinedNamespace):
    """Terms of the paperkg ontology (``https://w3id.org/paperkg/ontology#``)."""

    _NS = Namespace(PKG_NS)
    _fail = True

    # classes
    Paper: URIRef  # a paper listing (also schema:ScholarlyArticle, fabio:ResearchPaper)
    Entity: URIRef  # superclass of Model, Dataset, Benchmark
    Model: URIRef
    Dataset: URIRef
    Benchmark: URIRef
    Repository: URIRef  # a code repository (schema:SoftwareSourceCode)
    Website: URIRef  # a data, model or project page (schema:WebSite)
    Evidence: URIRef  # a qualified relation: one edge with the sentence that proves it

    # relations between nodes (the graph's edge types)
    introduces: URIRef
    uses: URIRef
    evaluatesOn: URIRef
    hasCode: URIRef
    hasWebsite: URIRef
    variantOf: URIRef
    trainedOn: URIRef

    # evidence (qualified relation) terms
    subject: URIRef
    object: URIRef
    relation: URIRef
    sentence: URIRef
    field: URIRef
    start: URIRef
    end: URIRef
    extractor: URIRef
    extractorVersion: URIRef
    confidence: URIRef
    mentionType: URIRef  # the type the paper gave the mention (the node's type is decided by the corpus)

    # node data properties without a standard counterpart used directly
    id: URIRef  # the paperkg node id ("paper:2401.00001", "model:llava-1-5")
    arxivId: URIRef
    doi: URIRef
    url: URIRef
    homepage: URIRef
    urlKind: URIRef
    author: URIRef
    category: URIRef
    listingDate: URIRef
    affiliation: URIRef
    keyword: URIRef
    upvotes: URIRef
    identifier: URIRef
    link: URIRef
    firstSeen: URIRef  # the earliest date of the papers linked to an entity
    lastSeen: URIRef  # the latest such date
    nameKey: URIRef  # the name_key of an entity's name or alias (what the saved queries look up)
    extra: URIRef  # JSON object of properties outside the contract (kept for a lossless round trip)


# Standard vocabularies (schema.org always as https://schema.org/).
SCHEMA = SDO
MLS = Namespace("http://www.w3.org/ns/mls#")
FABIO = Namespace("http://purl.org/spar/fabio/")
CITO = Namespace("http://purl.org/spar/cito/")

PREFIXES: dict[str, str] = {
    "pkg": PKG_NS,
    "schema": str(SDO._NS),
    "dcterms": str(DCTERMS._NS),
    "skos": str(SKOS._NS),
    "prov": str(PROV._NS),
    "dcat": str(DCAT._NS),
    "mls": str(MLS),
    "fabio": str(FABIO),
    "cito": str(CITO),
    "rdf": str(RDF._NS),
    "rdfs": str(RDFS._NS),
    "owl": str(OWL._NS),
    "xsd": str(XSD._NS),
}

__all__ = [
    "CITO",
    "DCAT",
    "DCTERMS",
    "FABIO",
    "MLS",
    "ONTOLOGY_IRI",
    "OWL",
    "PKG",
    "PKG_NS",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "XSD",
]
