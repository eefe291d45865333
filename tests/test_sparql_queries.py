"""The 12 saved SPARQL queries (src/paperkg/data/queries/*.rq) on small hand-made graphs exported as RDF."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from paperkg.graph import KnowledgeGraph
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.queries import QueryError, list_queries, load_query
from paperkg.queries.sparql import bind_sparql, run_sparql
from paperkg.sinks.rdf import write_rdf

# -- the graphs (also used by test_query_twins.py) ---------------------------------------------------

PA, PB, PC, PD = "paper:2401.00001", "paper:2401.00002", "paper:2401.00003", "paper:t-0123456789abcdef"
ALPHA, ALPHA2, BERT, LONELY = "model:alpha", "model:alpha-2", "model:bert", "model:lonely"
IMAGENET, ALPHADATA, SIGMA = "dataset:imagenet", "dataset:alphadata", "dataset:σ-set"
MMLU, GAMMA = "benchmark:mmlu", "benchmark:gammabench"
REPO_A, REPO_A2, REPO_B = "repo:github.com/a/alpha", "repo:github.com/a/alpha-extra", "repo:github.com/b/beta"
WEB_A = "web:alpha.example.org"


def ev(paper: str, sentence: str = "We use it.", start: int = 0, confidence: float = 0.8) -> dict[str, Any]:
    return {
        "field": "abstract",
        "start": start,
        "end": start + 4,
        "sentence": sentence,
        "extractor": "paperkg.extraction",
        "extractor_version": "0.1.0",
        "confidence": confidence,
        "paper": paper,
    }


def entity(node_id: str, name: str, *aliases: str) -> Node:
    kind = NodeKind(node_id.split(":", 1)[0])
    return Node(node_id, kind, {"name": name, "aliases": [name, *aliases]})


def paper(node_id: str, title: str, dates: list[str]) -> Node:
    return Node(
        node_id,
        NodeKind.PAPER,
        {
            "title": title,
            "abstract": f"The abstract of {title}.",
            "authors": ["Ada Lovelace", "Alan Turing"],
            "categories": ["cs.LG"],
            "dates": dates,
            "sources": ["listing.jsonl"],
        },
    )


def link(url: str, kind: NodeKind, url_kind: str) -> Node:
    prefix = "repo:" if kind is NodeKind.REPOSITORY else "web:"
    return Node(prefix + url.split("://", 1)[1], kind, {"name": url, "url": url, "url_kind": url_kind})


def query_graph() -> KnowledgeGraph:
    """Four papers, ties, aliases, unicode names, an isolated model and a paper without links."""
    g = KnowledgeGraph()
    for n in (
        paper(PA, "Alpha: A Vision Model", ["2024-01-02"]),
        paper(PB, "Beta Improves ImageNet", ["2024-01-02", "2024-01-09"]),
        paper(PC, "Gamma: a Benchmark", ["2024-01-09"]),
        paper(PD, "Δelta notes", []),
        entity(ALPHA, "Alpha", "ALPHA-1"),
        entity(ALPHA2, "Alpha-2", "Alpha 2"),
        entity(BERT, "BERT", "bert-base"),
        entity(LONELY, "Lonely"),
        entity(IMAGENET, "ImageNet", "ILSVRC"),
        entity(ALPHADATA, "AlphaData"),
        entity(SIGMA, "Σ-Set"),
        entity(MMLU, "MMLU"),
        entity(GAMMA, "GammaBench"),
        link("https://github.com/a/alpha", NodeKind.REPOSITORY, "code"),
        link("https://github.com/a/alpha-extra", NodeKind.REPOSITORY, "code"),
        link("https://github.com/b/beta", NodeKind.REPOSITORY, "code"),
        link("https://alpha.example.org", NodeKind.WEBSITE, "project"),
    ):
        g.add_node(n)
    edges = [
        (PA, ALPHA, EdgeType.INTRODUCES),
        (PA, ALPHADATA, EdgeType.INTRODUCES),
        (PA, IMAGENET, EdgeType.USES),
        (PA, BERT, EdgeType.USES),
        (PA, MMLU, EdgeType.EVALUATES_ON),
        (PA, REPO_A, EdgeType.HAS_CODE),
        (PA, REPO_A2, EdgeType.HAS_CODE),
        (PA, WEB_A, EdgeType.HAS_WEBSITE),
        (PB, ALPHA2, EdgeType.INTRODUCES),
        (PB, ALPHA, EdgeType.USES),
        (PB, IMAGENET, EdgeType.USES),
        (PB, ALPHADATA, EdgeType.USES),
        (PB, MMLU, EdgeType.EVALUATES_ON),
        (PC, GAMMA, EdgeType.INTRODUCES),
        (PC, BERT, EdgeType.USES),
        (PC, IMAGENET, EdgeType.USES),
        (PC, ALPHADATA, EdgeType.USES),
        (PC, SIGMA, EdgeType.USES),
        (PC, GAMMA, EdgeType.EVALUATES_ON),
        (PC, REPO_B, EdgeType.HAS_CODE),
    ]
    for i, (s, t, typ) in enumerate(edges):
        g.add_edge(Edge(s, t, typ, ev(s, f"Sentence {i} links {t}.", start=i)))
    g.add_edge(Edge(ALPHA, ALPHADATA, EdgeType.TRAINED_ON, ev(PA, "Alpha is trained on AlphaData.")))
    g.add_edge(
        Edge(
            ALPHA2,
            ALPHA,
            EdgeType.VARIANT_OF,
            {"extractor": "paperkg.resolve", "extractor_version": "0.1.0", "confidence": 1.0},
        )
    )
    return g


def chain_graph(n: int = 8) -> KnowledgeGraph:
    """Models m0 <- m1 <- ... <- m(n-1) joined by VARIANT_OF (for the 6-hop bound of shortest_path)."""
    g = KnowledgeGraph()
    for i in range(n):
        g.add_node(entity(f"model:m{i}", f"M{i}"))
    for i in range(1, n):
        props = {"extractor": "paperkg.resolve", "extractor_version": "0.1.0", "confidence": 1.0}
        g.add_edge(Edge(f"model:m{i}", f"model:m{i - 1}", EdgeType.VARIANT_OF, props))
    return g


def shared_key_graph() -> KnowledgeGraph:
    """Names that differ but share a name key: a model Orca and a dataset ORCA (4 hops apart), two
    benchmarks "Orca Bench" and "OrcaBench", and GPT-4o looked up as "gpt 4o"."""
    g = KnowledgeGraph()
    p1, p2, p3 = "paper:2402.00001", "paper:2402.00002", "paper:2402.00003"
    for n in (
        paper(p1, "Orca: Progressive Learning", ["2024-02-01"]),
        paper(p2, "A Study of ORCA", ["2024-02-01"]),
        paper(p3, "ORCA: A Dataset", ["2024-02-08"]),
        entity("model:orca", "Orca", "ORCA-13B"),
        entity("model:gpt-4o", "GPT-4o"),
        entity("dataset:orca", "ORCA", "Orca!"),
        entity("benchmark:orca-bench", "Orca Bench"),
        entity("benchmark:orcabench", "OrcaBench"),
    ):
        g.add_node(n)
    edges = [
        (p1, "model:orca", EdgeType.INTRODUCES),
        (p1, "model:gpt-4o", EdgeType.USES),
        (p2, "dataset:orca", EdgeType.USES),
        (p2, "model:gpt-4o", EdgeType.USES),
        (p2, "benchmark:orca-bench", EdgeType.EVALUATES_ON),
        (p2, "benchmark:orcabench", EdgeType.EVALUATES_ON),
        (p3, "dataset:orca", EdgeType.INTRODUCES),
    ]
    for i, (s, t, typ) in enumerate(edges):
        g.add_edge(Edge(s, t, typ, ev(s, f"Sentence {i} links {t}.", start=i)))
    return g


# Lookups by name key on shared_key_graph(): (query, params, rows); a name finds every entity (of the
# query's kinds) one of whose names has its key, whatever the case, spaces and punctuation.
BY_KEY: list[tuple[str, dict[str, str], list[tuple[Any, ...]]]] = [
    (
        "entity_neighbourhood",
        {"name": "orca"},
        [
            ("A Study of ORCA", "paper", "USES", "in"),
            ("ORCA: A Dataset", "paper", "INTRODUCES", "in"),
            ("Orca: Progressive Learning", "paper", "INTRODUCES", "in"),
        ],
    ),
    (
        "entity_neighbourhood",
        {"name": "gpt 4o"},
        [("A Study of ORCA", "paper", "USES", "in"), ("Orca: Progressive Learning", "paper", "USES", "in")],
    ),
    ("models_on_benchmark", {"benchmark": "orca-bench"}, [("GPT-4o", 1)]),
    ("datasets_with_model", {"model": "GPT 4O"}, [("ORCA", 1)]),
    ("datasets_with_model", {"model": "orca 13b"}, []),  # Orca's paper uses no dataset
    ("dataset_introducers_and_users", {"dataset": "orca!"}, [("ORCA", "ORCA: A Dataset", "A Study of ORCA")]),
    ("dataset_introducers_and_users", {"dataset": "!!"}, []),  # a name with no key names nothing
    ("shortest_path", {"source": "Orca", "target": "o.r.c.a"}, [("ORCA", "Orca", 4)]),
    ("shortest_path", {"source": "orca", "target": "GPT_4o"}, [("ORCA", "GPT-4o", 2)]),
]

# (params, columns, rows) per query on query_graph()
EXPECTED: dict[str, tuple[dict[str, str], list[str], list[tuple[Any, ...]]]] = {
    "most_used_datasets": ({}, ["dataset", "papers"], [("AlphaData", 3), ("ImageNet", 3), ("Σ-Set", 1)]),
    "most_used_models": ({}, ["model", "papers"], [("Alpha", 2), ("BERT", 2), ("Alpha-2", 1)]),
    "benchmark_leaderboard": ({}, ["benchmark", "papers"], [("MMLU", 2), ("GammaBench", 1)]),
    "models_on_benchmark": (
        {"benchmark": "mmlu"},
        ["model", "papers"],
        [("Alpha", 2), ("Alpha-2", 1), ("BERT", 1)],
    ),
    "dataset_introducers_and_users": (
        {},
        ["dataset", "introduced_by", "used_by"],
        [
            ("AlphaData", "Alpha: A Vision Model", "Beta Improves ImageNet"),
            ("AlphaData", "Alpha: A Vision Model", "Gamma: a Benchmark"),
        ],
    ),
    "datasets_with_model": ({"model": "alpha-1"}, ["dataset", "papers"], [("AlphaData", 2), ("ImageNet", 2)]),
    "papers_with_code": (
        {},
        ["paper", "repository"],
        [
            ("Alpha: A Vision Model", "https://github.com/a/alpha"),
            ("Alpha: A Vision Model", "https://github.com/a/alpha-extra"),
            ("Gamma: a Benchmark", "https://github.com/b/beta"),
        ],
    ),
    "papers_without_code": ({}, ["paper"], [("Beta Improves ImageNet",), ("Δelta notes",)]),
    "entity_neighbourhood": (
        {"name": "ALPHA"},
        ["neighbour", "kind", "relation", "direction"],
        [
            ("Alpha-2", "model", "VARIANT_OF", "in"),
            ("Alpha: A Vision Model", "paper", "INTRODUCES", "in"),
            ("AlphaData", "dataset", "TRAINED_ON", "out"),
            ("Beta Improves ImageNet", "paper", "USES", "in"),
        ],
    ),
    "shortest_path": (
        {"source": "alpha 2", "target": "σ-SET"},
        ["source", "target", "hops"],
        [("Alpha-2", "Σ-Set", 4)],
    ),
    "introduced_per_date": ({}, ["date", "entities"], [("2024-01-02", 3), ("2024-01-09", 2)]),
    "single_paper_entities": (
        {},
        ["entity", "kind", "paper"],
        [
            ("GammaBench", "benchmark", "Gamma: a Benchmark"),
            ("Σ-Set", "dataset", "Gamma: a Benchmark"),
            ("Alpha-2", "model", "Beta Improves ImageNet"),
        ],
    ),
}

# more parameter sets: (query, params, rows) on query_graph()
MORE: list[tuple[str, dict[str, str], list[tuple[Any, ...]]]] = [
    ("most_used_datasets", {"limit": "2"}, [("AlphaData", 3), ("ImageNet", 3)]),
    ("most_used_datasets", {"limit": "0"}, []),
    ("most_used_models", {"limit": "1"}, [("Alpha", 2)]),
    ("datasets_with_model", {"model": "ALPHA", "limit": "1"}, [("AlphaData", 2)]),
    ("datasets_with_model", {"model": "Lonely"}, []),
    ("models_on_benchmark", {"benchmark": "GammaBench"}, [("BERT", 1)]),
    ("models_on_benchmark", {"benchmark": "no such benchmark"}, []),
    (
        "dataset_introducers_and_users",
        {"dataset": "ALPHADATA"},
        [
            ("AlphaData", "Alpha: A Vision Model", "Beta Improves ImageNet"),
            ("AlphaData", "Alpha: A Vision Model", "Gamma: a Benchmark"),
        ],
    ),
    ("dataset_introducers_and_users", {"dataset": "ilsvrc"}, []),
    ("entity_neighbourhood", {"name": "σ-set"}, [("Gamma: a Benchmark", "paper", "USES", "in")]),
    ("entity_neighbourhood", {"name": "Lonely"}, []),
    ("entity_neighbourhood", {"name": "Alpha: A Vision Model"}, []),  # papers are not entities
    ("shortest_path", {"source": "ALPHA", "target": "alpha-2"}, [("Alpha", "Alpha-2", 1)]),
    ("shortest_path", {"source": "BERT", "target": "bert-base"}, []),  # the same entity
    ("shortest_path", {"source": "Lonely", "target": "BERT"}, []),
    ("shortest_path", {"source": "GammaBench", "target": "MMLU"}, [("GammaBench", "MMLU", 4)]),
]
# hostile parameter values: bound as literals, never as query text
HOSTILE = ['"} } UNION { ?s ?p ?o } #', "x' OR 1=1 --", "\\u0022", "a\nb", "\x00", "<script>", "${name}"]


@pytest.fixture(scope="module")
def ttl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sparql") / "graph.ttl"
    write_rdf(query_graph(), path)
    return path


def run(name: str, raw: dict[str, str], path: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    q = load_query(name, "rdf")
    cols, rows = run_sparql(q, q.bind(raw), path)
    return cols, [tuple(r[c] for c in cols) for r in rows]


def test_every_query_has_a_sparql_twin_and_an_expectation() -> None:
    from test_time_queries import TIME_QUERIES  # checked on a dated build there

    assert list_queries("rdf") == list_queries("cypher")
    assert sorted(EXPECTED) == [q for q in list_queries("rdf") if q not in TIME_QUERIES]
    assert len(EXPECTED) == 12


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_header_and_params(name: str) -> None:
    q = load_query(name, "rdf")
    cy = load_query(name, "cypher")
    assert q.text.splitlines()[0].startswith(f"# {name}: ")
    assert q.description
    assert q.params == cy.params, "same parameters, types and defaults as the Cypher twin"
    for p in q.params:
        if p.name == "limit":
            limits = re.findall(r"\bLIMIT\s+(\d+)", q.text)
            assert limits == [str(p.default)], "the LIMIT clause holds the default"
        elif p.type == "name":  # looked up by its key
            assert f"VALUES ?arg_{p.name}_key {{" in q.text
        else:
            assert f"VALUES ?arg_{p.name} {{" in q.text


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_saved_query_rows(name: str, ttl: Path) -> None:
    raw, columns, expected = EXPECTED[name]
    cols, rows = run(name, raw, ttl)
    assert cols == columns
    assert rows == expected
    for row in rows:
        for v in row:
            assert isinstance(v, str | int) and not isinstance(v, bool)


@pytest.mark.parametrize(("name", "raw", "expected"), MORE, ids=[f"{m[0]}-{i}" for i, m in enumerate(MORE)])
def test_more_parameters(name: str, raw: dict[str, str], expected: list[tuple[Any, ...]], ttl: Path) -> None:
    assert run(name, raw, ttl)[1] == expected


@pytest.mark.parametrize("fmt", ["nt", "jsonld", "xml"])
def test_same_rows_from_every_format(fmt: str, tmp_path: Path, ttl: Path) -> None:
    path = tmp_path / f"graph.{fmt}"
    write_rdf(query_graph(), path, fmt)
    for name, (raw, _, expected) in EXPECTED.items():
        assert run(name, raw, path)[1] == expected, name


@pytest.mark.parametrize(
    ("name", "raw", "expected"), BY_KEY, ids=[f"{m[0]}-{i}" for i, m in enumerate(BY_KEY)]
)
def test_lookups_go_by_name_key(
    name: str, raw: dict[str, str], expected: list[tuple[Any, ...]], tmp_path: Path
) -> None:
    path = tmp_path / "keys.ttl"
    write_rdf(shared_key_graph(), path)
    assert run(name, raw, path)[1] == expected


def test_a_name_parameter_binds_its_key() -> None:
    q = load_query("entity_neighbourhood", "rdf")
    assert [(p.name, p.type, p.key_name) for p in q.params] == [("name", "name", "name_key")]
    assert q.bind({"name": "GPT 4o"}) == {"name": "GPT 4o", "name_key": "gpt4o"}
    assert q.bind(q.bind({"name": "RefCOCO+"})) == {"name": "RefCOCO+", "name_key": "refcocoplus"}
    assert '"refcocoplus"' in bind_sparql(q, {"name": "RefCOCO+"})
    with pytest.raises(QueryError, match="name key"):
        q.bind({"name": "GPT 4o", "name_key": "other"})
    with pytest.raises(QueryError, match="string"):
        q.bind({"name": 4})
    d = load_query("dataset_introducers_and_users", "rdf")
    assert d.bind({}) == {"dataset": "", "dataset_key": ""}


def test_a_name_parameter_must_be_looked_up_by_its_key(
    tmp_path: Path, ttl: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = "# by_label: the models labelled so.\n# param model: name\n"
    (tmp_path / "by_label.rq").write_text(
        head + "SELECT ?m WHERE { VALUES ?arg_model { UNDEF } ?m skos:prefLabel ?arg_model }", "utf-8"
    )
    (tmp_path / "clash.rq").write_text("# clash: no.\n# param x: name\n# param x_key: str\n", "utf-8")
    monkeypatch.setenv("PAPERKG_QUERIES", str(tmp_path))
    with pytest.raises(QueryError, match="not looked up by its key"):
        run_sparql(load_query("by_label", "rdf"), {"model": "Alpha"}, ttl)
    with pytest.raises(QueryError, match="clashes"):
        load_query("clash", "rdf")


def test_shortest_path_is_bounded_by_six_hops(tmp_path: Path) -> None:
    path = tmp_path / "chain.ttl"
    write_rdf(chain_graph(8), path)
    assert run("shortest_path", {"source": "m0", "target": "m6"}, path)[1] == [("M0", "M6", 6)]
    assert run("shortest_path", {"source": "m6", "target": "m1"}, path)[1] == [("M6", "M1", 5)]
    assert run("shortest_path", {"source": "m0", "target": "m7"}, path)[1] == []


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_parameter_values_are_literals(value: str, ttl: Path) -> None:
    for name in ("models_on_benchmark", "entity_neighbourhood", "dataset_introducers_and_users"):
        q = load_query(name, "rdf")
        param = q.params[0].name
        text = bind_sparql(q, {param: value})
        assert text.count("VALUES ?arg_") == q.text.count("VALUES ?arg_")
        assert run(name, {param: value}, ttl)[1] == []
    q = load_query("shortest_path", "rdf")
    assert run_sparql(q, {"source": value, "target": value}, ttl)[1] == []


def test_parameter_errors(ttl: Path) -> None:
    q = load_query("most_used_datasets", "rdf")
    with pytest.raises(QueryError):
        run_sparql(q, {"limit": "many"}, ttl)
    with pytest.raises(QueryError):
        run_sparql(q, {"limit": -1}, ttl)
    with pytest.raises(QueryError):
        run_sparql(q, {"nope": 1}, ttl)
    with pytest.raises(QueryError):
        run_sparql(load_query("shortest_path", "rdf"), {"source": "Alpha"}, ttl)
    # typed values and raw strings are both accepted
    assert run_sparql(q, {"limit": 1}, ttl)[1] == run_sparql(q, {"limit": "1"}, ttl)[1]
    bad = type(q)(q.name, q.backend, "SELECT ?x WHERE { ?x", q.description, ())
    with pytest.raises(QueryError):
        run_sparql(bad, {}, ttl)
