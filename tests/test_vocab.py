"""paperkg.vocab mirrors the shipped paperkg.ttl exactly; shapes and SPARQL queries use only its terms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from paperkg.vocab import PKG, PKG_NS, PREFIXES

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "paperkg" / "data"
ONTOLOGY = DATA / "ontology" / "paperkg.ttl"
SHAPES = DATA / "ontology" / "shapes.ttl"
DECLARATIONS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def vocab_terms() -> set[str]:
    return {str(PKG[name]) for name in PKG.__annotations__}


def declared_terms(g: Graph) -> set[str]:
    return {
        str(s)
        for s, _, o in g.triples((None, RDF.type, None))
        if o in DECLARATIONS and isinstance(s, URIRef) and str(s).startswith(PKG_NS)
    }


def test_every_vocab_term_is_declared_in_the_ontology(ontology: Graph) -> None:
    missing = vocab_terms() - declared_terms(ontology)
    assert not missing, f"in vocab.py but not declared in paperkg.ttl: {sorted(missing)}"


def test_every_ontology_term_is_in_vocab(ontology: Graph) -> None:
    extra = declared_terms(ontology) - vocab_terms()
    assert not extra, f"declared in paperkg.ttl but missing from vocab.py: {sorted(extra)}"


def test_no_undeclared_pkg_iri_in_the_ontology(ontology: Graph) -> None:
    used = {
        str(t) for triple in ontology for t in triple if isinstance(t, URIRef) and str(t).startswith(PKG_NS)
    }
    assert used <= vocab_terms()


def test_every_term_has_a_label_and_classes_align_to_standards(ontology: Graph) -> None:
    for term in vocab_terms():
        assert ontology.value(URIRef(term), RDFS.label) is not None, term
    assert (PKG.Paper, RDFS.subClassOf, URIRef("https://schema.org/ScholarlyArticle")) in ontology
    assert (PKG.Dataset, RDFS.subClassOf, URIRef("http://www.w3.org/ns/dcat#Dataset")) in ontology
    assert (PKG.Model, RDFS.subClassOf, URIRef("http://www.w3.org/ns/mls#Model")) in ontology
    for sub in (PKG.Model, PKG.Dataset, PKG.Benchmark):
        assert (sub, RDFS.subClassOf, PKG.Entity) in ontology


def test_misspelled_term_raises() -> None:
    assert str(PKG.uses) == PKG_NS + "uses"
    with pytest.raises(AttributeError):
        _ = PKG.usedBy
    with pytest.raises(AttributeError):
        _ = PKG.paper  # the class is Paper


def test_one_schema_org_namespace_everywhere() -> None:
    assert PREFIXES["schema"] == "https://schema.org/"
    for path in (ONTOLOGY, SHAPES, *sorted((DATA / "queries").glob("*.rq")), ROOT / "src/paperkg/vocab.py"):
        assert "http://schema.org" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize(
    "path",
    [SHAPES, *sorted((DATA / "queries").glob("*.rq"))],
    ids=lambda p: p.name,
)
def test_shapes_and_queries_use_declared_pkg_terms(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    used = set(re.findall(r"\bpkg:([A-Za-z_][A-Za-z0-9_]*)", text))
    assert used, path
    unknown = {t for t in used if t not in PKG.__annotations__}
    assert not unknown, f"{path.name} uses undeclared terms {sorted(unknown)}"


def test_shapes_parse() -> None:
    g = Graph().parse(SHAPES, format="turtle")
    assert len(g) > 50
