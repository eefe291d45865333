"""The terms of paperkg's RDF, shared by the writer (:mod:`paperkg.sinks.rdf`) and the reader
(:mod:`paperkg.readers.rdf`), following the paperkg ontology (``ontology/paperkg.ttl``, mirrored
in :mod:`paperkg.vocab`):

* the four serializations (:data:`FORMATS`);
* node IRIs, ``base + kind + "/" + percent-encoded id``, valid and stable for any id, and the
  IRIs of edges' evidence nodes;
* the classes of each node kind, the predicate of each edge type, and the predicate and value type
  of each node and edge property.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote, unquote

import pyoxigraph as ox

from paperkg.errors import PaperkgError
from paperkg.ids import DEFAULT_BASE_IRI, ID_PREFIX
from paperkg.model import EdgeType, NodeKind
from paperkg.vocab import CITO, DCAT, DCTERMS, FABIO, MLS, PKG, PROV, SCHEMA, SKOS

FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}


class RdfFormatError(PaperkgError, ValueError):
    """An RDF file that is not a paperkg export (or cannot be parsed)."""


# -- IRIs ------------------------------------------------------------------------------------------

KIND_SEGMENT: dict[NodeKind, str] = {k: k.value for k in NodeKind}
_SEGMENT_KIND = {v: k for k, v in KIND_SEGMENT.items()}
EVIDENCE_SEGMENT = "evidence"


def _pct(text: str) -> str:
    # Everything but ASCII letters, digits and "-._" is percent-encoded (UTF-8): the result is a
    # valid IRI path segment whatever the text holds. "~" is encoded too: it marks raw ids below.
    out = quote(text, safe="", errors="surrogatepass").replace("~", "%7E")
    return "%2E" + out[1:] if out in (".", "..") else out  # no dot segments


def node_slug(node_id: str, kind: NodeKind) -> str:
    """The IRI path segment of a node: its id without the kind's prefix, percent-encoded.

    An id that does not start with its kind's usual prefix is encoded whole behind a ``~``, so
    the mapping stays one-to-one (and reversible with :func:`node_id_from_iri`).
    """
    prefix = ID_PREFIX[kind]
    if node_id.startswith(prefix) and len(node_id) > len(prefix):
        return _pct(node_id[len(prefix) :])
    return "~" + _pct(node_id)


def node_iri(node_id: str, kind: NodeKind, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """The stable IRI of a node: ``base + kind + "/" + slug``."""
    return f"{base_iri}{KIND_SEGMENT[kind]}/{node_slug(node_id, kind)}"


def node_id_from_iri(iri: str, base_iri: str = DEFAULT_BASE_IRI) -> tuple[str, NodeKind]:
    """Invert :func:`node_iri` (raises :class:`RdfFormatError` for an IRI that is not one)."""
    if not iri.startswith(base_iri):
        raise RdfFormatError(f"IRI {iri} is not under the base IRI {base_iri}")
    segment, _, slug = iri[len(base_iri) :].partition("/")
    kind = _SEGMENT_KIND.get(segment)
    if kind is None or not slug:
        raise RdfFormatError(f"IRI {iri} is not a paperkg node IRI")
    if slug.startswith("~"):
        return unquote(slug[1:], errors="surrogatepass"), kind
    return ID_PREFIX[kind] + unquote(slug, errors="surrogatepass"), kind


def evidence_iri(source: str, type: EdgeType, target: str, base_iri: str = DEFAULT_BASE_IRI) -> str:
    """Stable IRI of an edge's evidence node (a hash of source, type and target ids)."""
    digest = hashlib.blake2b(
        f"{source}\x1f{type.value}\x1f{target}".encode("utf-8", "surrogatepass"), digest_size=16
    ).hexdigest()
    return f"{base_iri}{EVIDENCE_SEGMENT}/{digest}"


# -- the mapping between graph properties and RDF ---------------------------------------------------

KIND_CLASSES: dict[NodeKind, tuple[str, ...]] = {
    NodeKind.PAPER: (PKG.Paper, SCHEMA.ScholarlyArticle, FABIO.ResearchPaper),
    NodeKind.MODEL: (PKG.Model, MLS.Model),
    NodeKind.DATASET: (PKG.Dataset, SCHEMA.Dataset, DCAT.Dataset, MLS.Dataset),
    NodeKind.BENCHMARK: (PKG.Benchmark,),
    NodeKind.REPOSITORY: (PKG.Repository, SCHEMA.SoftwareSourceCode),
    NodeKind.WEBSITE: (PKG.Website, SCHEMA.WebSite),
}
CLASS_KIND: dict[str, NodeKind] = {str(v[0]): k for k, v in KIND_CLASSES.items()}

EDGE_PREDICATE: dict[EdgeType, str] = {
    EdgeType.INTRODUCES: PKG.introduces,
    EdgeType.USES: PKG.uses,
    EdgeType.EVALUATES_ON: PKG.evaluatesOn,
    EdgeType.HAS_CODE: PKG.hasCode,
    EdgeType.HAS_WEBSITE: PKG.hasWebsite,
    EdgeType.VARIANT_OF: PKG.variantOf,
    EdgeType.TRAINED_ON: PKG.trainedOn,
}
PREDICATE_EDGE: dict[str, EdgeType] = {str(v): k for k, v in EDGE_PREDICATE.items()}
# A paper's USES link is also given in CiTO, chosen by the target's kind.
USES_CITO: dict[NodeKind, str] = {NodeKind.DATASET: CITO.usesDataFrom, NodeKind.MODEL: CITO.usesMethodIn}

# The value types of properties: a string, an integer, a double, a list of strings, a paper's id.
STR, INT, FLOAT, LIST, NODE = "str", "int", "float", "list", "node"
NODE_PROPS: dict[str, tuple[str, str]] = {
    "title": (DCTERMS.title, STR),
    "abstract": (DCTERMS.abstract, STR),
    "arxiv_id": (PKG.arxivId, STR),
    "doi": (PKG.doi, STR),
    "url": (PKG.url, STR),
    "published": (DCTERMS.issued, STR),
    "authors": (PKG.author, LIST),
    "categories": (PKG.category, LIST),
    "dates": (PKG.listingDate, LIST),
    "sources": (DCTERMS.source, LIST),
    "updated": (DCTERMS.modified, STR),
    "affiliations": (PKG.affiliation, LIST),
    "keywords": (PKG.keyword, LIST),
    "upvotes": (PKG.upvotes, INT),
    "ids": (PKG.identifier, LIST),
    "links": (PKG.link, LIST),
    "name": (SKOS.prefLabel, STR),
    "aliases": (SKOS.altLabel, LIST),
    "homepage": (PKG.homepage, STR),
    "url_kind": (PKG.urlKind, STR),
    "date": (DCTERMS.date, STR),  # a paper's date (timeline.paper_date)
    "first_seen": (PKG.firstSeen, STR),
    "last_seen": (PKG.lastSeen, STR),
}
EDGE_PROPS: dict[str, tuple[str, str]] = {
    "field": (PKG.field, STR),
    "start": (PKG.start, INT),
    "end": (PKG.end, INT),
    "sentence": (PKG.sentence, STR),
    "extractor": (PKG.extractor, STR),
    "extractor_version": (PKG.extractorVersion, STR),
    "confidence": (PKG.confidence, FLOAT),
    "mention_type": (PKG.mentionType, STR),
    "paper": (PROV.wasDerivedFrom, NODE),
    "date": (DCTERMS.date, STR),  # the date of the paper that made the link
}
# predicate IRI -> (property, value type): the two tables above read backwards
NODE_PREDICATE_PROP = {str(p): (k, t) for k, (p, t) in NODE_PROPS.items()}
EDGE_PREDICATE_PROP = {str(p): (k, t) for k, (p, t) in EDGE_PROPS.items()}
