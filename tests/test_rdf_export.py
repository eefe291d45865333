"""RdfSink / graph_from_rdf: SHACL-valid exports in four formats, lossless round trips, safe stable IRIs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyshacl
import pytest
import rdflib
from rdflib import RDF, URIRef

from paperkg.graph import KnowledgeGraph
from paperkg.ids import DEFAULT_BASE_IRI
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.rdf_terms import RdfFormatError, evidence_iri, node_id_from_iri, node_iri
from paperkg.readers.rdf import graph_from_rdf
from paperkg.sinks.base import SinkError, write_graph
from paperkg.sinks.rdf import RdfSink, write_rdf
from paperkg.vocab import PKG
from test_sparql_queries import query_graph

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "src" / "paperkg" / "data" / "ontology"
FORMATS = ["ttl", "nt", "jsonld", "xml"]
RDFLIB_FORMAT = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml"}
# RFC 3987 forbids these anywhere in an IRI; our IRIs are plain ASCII too
BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\U0010ffff]')

HOSTILE = [
    "<img src=x>",
    'say "hi"',
    "it's",
    "line\nbreak\r\n",
    "nul\x00byte",
    "tab\tand\x0bvt\x1b",
    "spaces in  name",
    "unicode Ωμέγα ✓ 𝔘 \u2028 \ufeff",
    "back\\slash \\u0022 \\n",
    "{curly}|pipe^caret`backtick",
    "%41 percent ~tilde",
    ".",
    "..",
    "trailing.",
    "-lead",
    "a/b?c#d&e=f",
    "'''triple'''",
    '"""',
    "@prefix x: <y> .",
    "_:blank",
    "",
]


def ev(paper: str, sentence: str) -> dict[str, Any]:
    return {
        "field": "title",
        "start": 0,
        "end": 3,
        "sentence": sentence,
        "extractor": "paperkg.extraction",
        "extractor_version": "0.1.0",
        "confidence": 0.5,
        "paper": paper,
    }


def hostile_graph(xml_safe: bool = False) -> KnowledgeGraph:
    """Names, titles, ids and evidence made of the strings in HOSTILE."""
    names = [h for h in HOSTILE if not xml_safe or not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", h)]
    if xml_safe:  # XML 1.0 cannot hold a bare CR either: parsers normalise it to LF
        names = [h for h in names if "\r" not in h]
    g = KnowledgeGraph()
    for i, h in enumerate(names):
        pid = f"paper:{h}" if i % 2 else f"paper:{i}"
        g.add_node(
            Node(
                pid,
                NodeKind.PAPER,
                {"title": f"T{i} {h}", "abstract": h, "authors": [h, "Z"], "dates": [h], "doi": h},
            )
        )
        kind = (NodeKind.MODEL, NodeKind.DATASET, NodeKind.BENCHMARK)[i % 3]
        eid = f"{kind.value}:{h}"
        g.add_node(Node(eid, kind, {"name": h or "empty", "aliases": [h, h.upper()], "homepage": h}))
        url = f"https://example.org/{h}"
        rid = f"repo:example.org/{h}"
        g.add_node(Node(rid, NodeKind.REPOSITORY, {"name": url, "url": url, "url_kind": "code"}))
        g.add_edge(
            Edge(
                pid,
                eid,
                EdgeType.USES if kind is not NodeKind.BENCHMARK else EdgeType.EVALUATES_ON,
                ev(pid, h or "s"),
            )
        )
        g.add_edge(Edge(pid, rid, EdgeType.HAS_CODE, ev(pid, f"code {h}")))
    # ids without their kind's usual prefix, and a prefix with nothing after it
    g.add_node(Node("no prefix at all", NodeKind.MODEL, {"name": "No prefix"}))
    g.add_node(Node("model:", NodeKind.MODEL, {"name": "Empty slug"}))
    g.add_node(Node("web:example.org/x y", NodeKind.WEBSITE, {"name": "w", "url": "w", "url_kind": "data"}))
    g.add_edge(
        Edge(
            "no prefix at all",
            "model:",
            EdgeType.VARIANT_OF,
            {"extractor": "paperkg.resolve", "extractor_version": "1", "confidence": 1},
        )
    )
    g.add_edge(Edge("paper:0", "web:example.org/x y", EdgeType.HAS_WEBSITE, ev("paper:0", "site")))
    return g


def graphs() -> dict[str, KnowledgeGraph]:
    return {"query": query_graph(), "hostile": hostile_graph()}


def assert_same(a: KnowledgeGraph, b: KnowledgeGraph) -> None:
    assert [(n.id, n.kind, dict(n.props)) for n in a.nodes()] == [
        (n.id, n.kind, dict(n.props)) for n in b.nodes()
    ]
    assert [(e.source, e.target, e.type, dict(e.props)) for e in a.edges()] == [
        (e.source, e.target, e.type, dict(e.props)) for e in b.edges()
    ]
    assert a.to_json() == b.to_json()


@pytest.fixture(scope="module")
def shacl() -> tuple[rdflib.Graph, rdflib.Graph]:
    shapes = rdflib.Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    ontology = rdflib.Graph().parse(ONTOLOGY_DIR / "paperkg.ttl", format="turtle")
    return shapes, ontology


def validate(data: rdflib.Graph, shacl: tuple[rdflib.Graph, rdflib.Graph]) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(data, shacl_graph=shacl[0], ont_graph=shacl[1])
    return bool(conforms), str(text)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("which", ["query", "hostile"])
def test_export_parses_validates_and_round_trips(
    fmt: str, which: str, tmp_path: Path, shacl: tuple[rdflib.Graph, rdflib.Graph]
) -> None:
    g = hostile_graph(xml_safe=fmt == "xml") if which == "hostile" else query_graph()
    path = tmp_path / f"graph.{fmt}"
    report = write_rdf(g, path, fmt)
    assert (report.nodes, report.edges) == (g.number_of_nodes(), g.number_of_edges())
    assert report.target == str(path)
    assert not list(tmp_path.glob(".*tmp*")), "temporary files are removed"

    data = rdflib.Graph().parse(path, format=RDFLIB_FORMAT[fmt])
    conforms, text = validate(data, shacl)
    assert conforms, text

    for triple in data:
        for term in triple:
            if isinstance(term, URIRef):
                assert not BAD_IRI_CHARS.search(str(term)), repr(str(term))

    assert_same(graph_from_rdf(path), g)


def test_triple_count_and_direct_triples(tmp_path: Path) -> None:
    g = query_graph()
    sink = RdfSink(tmp_path / "g.ttl")
    write_graph(g, sink)
    data = rdflib.Graph().parse(tmp_path / "g.ttl")
    assert sink.triples == len(data)
    evidence = list(data.subjects(RDF.type, PKG.Evidence))
    assert len(evidence) == g.number_of_edges()
    for e in evidence:
        s, r, o = data.value(e, PKG.subject), data.value(e, PKG.relation), data.value(e, PKG.object)
        assert (s, r, o) in data, "the qualified link is also a direct triple"
    # standard vocabularies find the data too
    schema_articles = set(data.subjects(RDF.type, URIRef("https://schema.org/ScholarlyArticle")))
    assert len(schema_articles) == 4
    uses_data = list(data.triples((None, URIRef("http://purl.org/spar/cito/usesDataFrom"), None)))
    assert len(uses_data) == sum(1 for e in g.edges(EdgeType.USES) if e.target.startswith("dataset:"))


def test_turtle_and_ntriples_hold_the_same_graph(tmp_path: Path) -> None:
    g = hostile_graph()
    write_rdf(g, tmp_path / "g.ttl", "ttl")
    write_rdf(g, tmp_path / "g.nt", "nt")
    a = rdflib.Graph().parse(tmp_path / "g.ttl", format="turtle")
    b = rdflib.Graph().parse(tmp_path / "g.nt", format="nt")
    assert len(a) == len(b) > 100
    assert set(a) == set(b)


def test_hostile_strings_survive_exactly(tmp_path: Path) -> None:
    g = hostile_graph()
    write_rdf(g, tmp_path / "g.ttl")
    data = rdflib.Graph().parse(tmp_path / "g.ttl", format="turtle")
    labels = {str(o) for o in data.objects(None, URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))}
    for h in HOSTILE:
        assert h in labels


def test_entities_carry_their_name_keys_which_are_not_read_back(tmp_path: Path) -> None:
    g = KnowledgeGraph()
    g.add_node(
        Node("model:gpt-4o", NodeKind.MODEL, {"name": "GPT-4o", "aliases": ["GPT-4o", "gpt 4o", "4o"]})
    )
    g.add_node(Node("dataset:refcoco-plus", NodeKind.DATASET, {"name": "RefCOCO+", "aliases": ["..."]}))
    g.add_node(
        Node("repo:github.com/a/b", NodeKind.REPOSITORY, {"name": "u", "url": "u", "url_kind": "code"})
    )
    g.add_node(Node("paper:1", NodeKind.PAPER, {"title": "GPT-4o"}))
    write_rdf(g, tmp_path / "g.ttl")
    data = rdflib.Graph().parse(tmp_path / "g.ttl", format="turtle")
    keys = sorted((str(s).rsplit("/", 1)[1], str(o)) for s, o in data.subject_objects(PKG.nameKey))
    assert keys == [("gpt-4o", "4o"), ("gpt-4o", "gpt4o"), ("refcoco-plus", "refcocoplus")]
    # derived from the names: a hand-edited key is not read, and the export makes the keys again
    edited = tmp_path / "edited.ttl"
    edited.write_text((tmp_path / "g.ttl").read_text("utf-8").replace('"gpt4o"', '"other"'), "utf-8")
    back = graph_from_rdf(edited)
    assert_same(back, g)
    write_rdf(back, tmp_path / "again.ttl")
    assert (tmp_path / "again.ttl").read_bytes() == (tmp_path / "g.ttl").read_bytes()


def test_xml_replaces_characters_xml_cannot_hold(tmp_path: Path) -> None:
    g = KnowledgeGraph()
    g.add_node(Node("model:x", NodeKind.MODEL, {"name": "a\x00b\x1bc", "aliases": ["ok"]}))
    write_rdf(g, tmp_path / "g.xml", "xml")
    back = graph_from_rdf(tmp_path / "g.xml")
    assert back.node("model:x").props["name"] == "a\ufffdb\ufffdc"
    rdflib.Graph().parse(tmp_path / "g.xml", format="xml")


def test_iris_are_stable_and_reversible() -> None:
    ids = [
        "paper:2401.00001",
        "model:llava-1-5",
        "repo:github.com/A/b c",
        "web:x.org/?q=<1>",
        "odd id",
        "model:",
    ]
    for nid in ids:
        kind = (
            NodeKind.MODEL
            if nid in ("odd id", "model:")
            else NodeKind({"repo": "repository", "web": "website"}.get(nid.split(":")[0], nid.split(":")[0]))
        )
        iri = node_iri(nid, kind)
        assert iri == node_iri(nid, kind)
        assert not BAD_IRI_CHARS.search(iri)
        assert node_id_from_iri(iri) == (nid, kind)
    assert node_iri("paper:2401.00001", NodeKind.PAPER) == DEFAULT_BASE_IRI + "paper/2401.00001"
    assert node_iri("repo:github.com/a/b", NodeKind.REPOSITORY).endswith("repository/github.com%2Fa%2Fb")
    assert node_iri("dataset:.", NodeKind.DATASET).endswith("/%2E"), "no dot segments"
    # distinct ids never share an IRI
    assert node_iri("model:~x", NodeKind.MODEL) != node_iri("~x", NodeKind.MODEL)
    assert evidence_iri("a", EdgeType.USES, "b") != evidence_iri("a", EdgeType.INTRODUCES, "b")


def test_output_is_byte_identical_across_runs(tmp_path: Path) -> None:
    for fmt in FORMATS:
        write_rdf(hostile_graph(xml_safe=True), tmp_path / f"a.{fmt}", fmt)
        write_rdf(hostile_graph(xml_safe=True), tmp_path / f"b.{fmt}", fmt)
        assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes(), fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_base_iri_option(fmt: str, tmp_path: Path) -> None:
    base = "http://example.org/kg#"
    path = tmp_path / f"g.{fmt}"
    write_rdf(query_graph(), path, fmt, base_iri=base)
    data = rdflib.Graph().parse(path, format=RDFLIB_FORMAT[fmt])
    subjects = {str(s) for s in data.subjects()}
    assert subjects and all(s.startswith(base) for s in subjects)
    assert base + "paper/2401.00001" in subjects
    assert_same(graph_from_rdf(path, base_iri=base), query_graph())


def test_bad_options_and_inputs(tmp_path: Path) -> None:
    with pytest.raises(SinkError):
        RdfSink(tmp_path / "g.ttl", "n3")
    for base in ("not an iri/", "http://x.org/no-separator", "http://x.org/a b/"):
        with pytest.raises(SinkError):
            RdfSink(tmp_path / "g.ttl", "ttl", base)
    sink = RdfSink(tmp_path / "g.ttl")
    with pytest.raises(SinkError):
        sink.write_edge(Edge("paper:1", "model:x", EdgeType.USES, {}))
    sink.abort()
    assert not (tmp_path / "g.ttl").exists()
    with pytest.raises(SinkError):
        RdfSink(tmp_path / "missing-dir" / "g.ttl")
    (tmp_path / "bad.ttl").write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(RdfFormatError):
        graph_from_rdf(tmp_path / "bad.ttl")
    with pytest.raises(RdfFormatError):
        graph_from_rdf(tmp_path / "bad.unknown")


def test_properties_outside_the_contract_round_trip(tmp_path: Path) -> None:
    g = KnowledgeGraph()
    g.add_node(
        Node("paper:1", NodeKind.PAPER, {"title": "T", "score": 3, "meta": {"k": [1, None]}, "doi": None})
    )
    g.add_node(Node("model:x", NodeKind.MODEL, {"name": "X", "aliases": ["X"], "published": 2024}))
    g.add_edge(Edge("paper:1", "model:x", EdgeType.USES, {"confidence": 1, "note": "n", "start": "3"}))
    g.add_edge(Edge("paper:1", "model:x", EdgeType.INTRODUCES, {}))
    write_rdf(g, tmp_path / "g.ttl")
    assert_same(graph_from_rdf(tmp_path / "g.ttl"), g)


def test_sample_pages_turtle_validates_uses_standard_vocabularies_and_round_trips(
    tmp_path: Path, shacl: tuple[rdflib.Graph, rdflib.Graph]
) -> None:
    """The issue's check on the graph of the shared sample pages."""
    from conftest import need_shared
    from paperkg.extraction import Extractor
    from paperkg.pipeline import run

    pages = sorted(str(p) for p in (need_shared() / "samples").glob("*.txt"))
    g = run(pages, Extractor()).graph
    path = tmp_path / "graph.ttl"
    write_rdf(g, path, "ttl")
    data = rdflib.Graph().parse(path, format="turtle")
    conforms, text = validate(data, shacl)
    assert conforms, text[:2000]
    used = {str(p) for _, p, _ in data} | {str(o) for _, p, o in data if p == rdflib.RDF.type}
    for iri in (
        "https://schema.org/ScholarlyArticle",
        "http://purl.org/spar/fabio/ResearchPaper",
        "http://purl.org/dc/terms/title",
        "http://purl.org/dc/terms/abstract",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "http://www.w3.org/ns/prov#wasDerivedFrom",
        "http://purl.org/spar/cito/usesDataFrom",
        "http://www.w3.org/ns/dcat#Dataset",
        "http://www.w3.org/ns/mls#Model",
    ):
        assert iri in used, iri
    assert_same(graph_from_rdf(path), g)


@pytest.mark.parametrize("fmt", FORMATS)
def test_merged_paper_fields_have_their_own_terms_and_round_trip(
    fmt: str, tmp_path: Path, shacl: tuple[rdflib.Graph, rdflib.Graph]
) -> None:
    g = KnowledgeGraph()
    props = {
        "title": "A merged paper",
        "abstract": "Its abstract.",
        "authors": ["Neal J. Evans II"],
        "published": "2021-01-01",
        "updated": "2021-06-01",
        "affiliations": ["Institute for Nuclear Research"],
        "keywords": ["retrieval", "long context"],
        "upvotes": 42,
        "ids": ["id:X7", "openalex:W2741809807"],
        "links": ["https://github.com/example-org/repo"],
    }
    g.add_node(Node("paper:2101.00001", NodeKind.PAPER, props))
    path = tmp_path / f"graph.{fmt}"
    write_rdf(g, path, fmt)
    data = rdflib.Graph().parse(path, format=RDFLIB_FORMAT[fmt])
    conforms, text = validate(data, shacl)
    assert conforms, text
    preds = {str(p) for p in data.predicates()}
    for term in (PKG.affiliation, PKG.keyword, PKG.upvotes, PKG.identifier, PKG.link):
        assert str(term) in preds
    assert str(PKG.extra) not in preds  # none of them is left to the catch-all
    assert_same(graph_from_rdf(path), g)


def _typed_by_paper_graph(mention_type: str) -> KnowledgeGraph:
    """A dataset node that one paper typed otherwise (its edge's mention_type)."""
    g = KnowledgeGraph()
    g.add_node(
        Node("paper:1", NodeKind.PAPER, {"title": "T", "abstract": "A", "authors": [], "categories": []})
    )
    g.add_node(Node("dataset:zorba", NodeKind.DATASET, {"name": "Zorba", "aliases": []}))
    props = {**ev("paper:1", "We use Zorba."), "role": "used", "mention_type": mention_type}
    g.add_edge(Edge("paper:1", "dataset:zorba", EdgeType.USES, props))
    return g


@pytest.mark.parametrize("fmt", FORMATS)
def test_mention_type_is_an_evidence_term(
    fmt: str, tmp_path: Path, shacl: tuple[rdflib.Graph, rdflib.Graph]
) -> None:
    g = _typed_by_paper_graph("benchmark")
    path = tmp_path / f"g.{fmt}"
    write_rdf(g, path, fmt)
    data = rdflib.Graph().parse(path, format=RDFLIB_FORMAT[fmt])
    assert [str(o) for o in data.objects(None, PKG.mentionType)] == ["benchmark"]
    conforms, text = validate(data, shacl)
    assert conforms, text
    assert_same(graph_from_rdf(path), g)


def test_shapes_refuse_a_mention_type_that_is_no_entity_type(
    tmp_path: Path, shacl: tuple[rdflib.Graph, rdflib.Graph]
) -> None:
    write_rdf(_typed_by_paper_graph("paper"), tmp_path / "g.ttl")
    conforms, text = validate(rdflib.Graph().parse(tmp_path / "g.ttl", format="turtle"), shacl)
    assert not conforms and "mentionType" in text
