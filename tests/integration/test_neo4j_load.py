"""Neo4jSink against a real Neo4j (see neo4j_support.py), plus the offline parts of the loader."""

from __future__ import annotations

import socket
from typing import Any

import neo4j
import pytest

from neo4j_support import (  # noqa: F401
    COCO,
    LLAVA,
    P1,
    Neo4jTarget,
    entity,
    evidence,
    neo4j_target,
    paper,
    small_graph,
)
from paperkg.graph import KnowledgeGraph
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.neo4j_conn import map_error, redact_uri
from paperkg.sinks.base import SinkError, write_graph
from paperkg.sinks.name_keys import name_keys
from paperkg.sinks.neo4j import Neo4jSink, clear, constraint_statements, counts, edge_query, node_query
from tests_support import load_benchmark


def _expected(g: KnowledgeGraph) -> tuple[dict[str, int], dict[str, int]]:
    nk, et = g.counts()
    return {k.label: nk.get(k.value, 0) for k in NodeKind}, {t.value: et.get(t.value, 0) for t in EdgeType}


def _expected_keys(g: KnowledgeGraph) -> dict[str, int]:
    """NameKey nodes (one per distinct key) and NAMES relationships (one per key of each entity)."""
    keys = [name_keys(n) for n in g.nodes()]
    return {"NameKey": len({k for ks in keys for k in ks}), "NAMES": sum(map(len, keys))}


def _assert_counts(target: Neo4jTarget, g: KnowledgeGraph) -> dict[str, dict[str, int]]:
    c = counts(*target.args)
    nodes, rels = _expected(g)
    for label, n in nodes.items():
        assert c["nodes"][label] == n, label
    for t, n in rels.items():
        assert c["relationships"][t] == n, t
    assert c["nodes"]["*"] == g.number_of_nodes()
    assert c["relationships"]["*"] == g.number_of_edges()
    assert c["nodes"]["Entity"] == sum(nodes[k.label] for k in NodeKind if k.is_entity)
    keys = _expected_keys(g)
    assert c["name_keys"] == keys
    # nothing else is in the database: the graph, and its name keys
    everything = _run(target, "MATCH (n) RETURN count(n) AS n")[0]["n"]
    assert everything == g.number_of_nodes() + keys["NameKey"]
    everything = _run(target, "MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
    assert everything == g.number_of_edges() + keys["NAMES"]
    return c


def _run(target: Neo4jTarget, q: str, **params: Any) -> list[dict[str, Any]]:
    with neo4j.GraphDatabase.driver(target.uri, auth=(target.user, target.password)) as d:
        records, _, _ = d.execute_query(q, params)  # type: ignore[arg-type]
        return [r.data() for r in records]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- offline ------------------------------------------------------------------


def test_cypher_text_uses_only_enum_labels_and_parameters() -> None:
    q = node_query(NodeKind.MODEL)
    assert "MERGE (n:Model {id: row.id})" in q and "SET n:Entity" in q
    assert "MERGE (k:NameKey {key: key})" in q and "MERGE (k)-[:NAMES]->(n)" in q
    assert "Entity" not in node_query(NodeKind.PAPER) and "NameKey" not in node_query(NodeKind.PAPER)
    e = edge_query(NodeKind.PAPER, EdgeType.USES, NodeKind.DATASET)
    assert "MATCH (a:Paper {id: row.s})" in e and "MERGE (a)-[r:USES]->(b)" in e
    assert len(constraint_statements()) == 8
    assert "FOR (k:NameKey) REQUIRE k.key IS UNIQUE" in constraint_statements()[-1]


def test_error_messages_are_one_line_without_password() -> None:
    secret = "s3cret-pw"
    for exc in (
        neo4j.exceptions.AuthError(f"bad\ncredentials {secret}"),
        neo4j.exceptions.ServiceUnavailable("down\nhere"),
        neo4j.exceptions.ConfigurationError(f"bad {secret}"),
        ValueError(f"weird\nuri {secret}"),
    ):
        err = map_error(exc, f"bolt://u:{secret}@h:1", "neo4j", secret)
        assert isinstance(err, SinkError)
        assert "\n" not in str(err) and secret not in str(err)
    assert redact_uri("bolt://u:pw@host:7687") == "bolt://host:7687"


@pytest.mark.parametrize("uri", ["http://127.0.0.1:7687", "nonsense", "bolt://user:pw@127.0.0.1:1"])
def test_bad_uri_is_sink_error(uri: str) -> None:
    with pytest.raises(SinkError) as exc:
        Neo4jSink(uri, "neo4j", "pw-never-shown")
    msg = str(exc.value)
    assert "\n" not in msg and "pw-never-shown" not in msg and ":pw@" not in msg


def test_server_down_is_sink_error() -> None:
    with pytest.raises(SinkError, match="cannot reach Neo4j") as exc:
        Neo4jSink(f"bolt://127.0.0.1:{_free_port()}", "neo4j", "pw-never-shown")
    assert "\n" not in str(exc.value) and "pw-never-shown" not in str(exc.value)


# -- against a real server ------------------------------------------------------


@pytest.mark.neo4j
def test_wrong_password(neo4j_target: Neo4jTarget) -> None:  # noqa: F811
    bad = "definitely-wrong-" + neo4j_target.password
    with pytest.raises(SinkError) as exc:
        Neo4jSink(neo4j_target.uri, neo4j_target.user, bad)
    msg = str(exc.value)
    assert "\n" not in msg and bad not in msg and neo4j_target.password not in msg
    assert "credentials" in msg


@pytest.mark.neo4j
def test_load_twice_gives_equal_counts(neo4j_target: Neo4jTarget) -> None:  # noqa: F811
    g = small_graph()
    report = write_graph(g, Neo4jSink(*neo4j_target.args, batch_size=3))
    assert (report.nodes, report.edges) == (g.number_of_nodes(), g.number_of_edges())
    first = _assert_counts(neo4j_target, g)
    write_graph(g, Neo4jSink(*neo4j_target.args))
    assert _assert_counts(neo4j_target, g) == first
    constraints = _run(neo4j_target, "SHOW CONSTRAINTS YIELD labelsOrTypes RETURN labelsOrTypes")
    labels = {x["labelsOrTypes"][0] for x in constraints}
    assert {"Paper", "Model", "Dataset", "Benchmark", "Repository", "Website", "Entity", "NameKey"} <= labels


def _dump(target: Neo4jTarget) -> list[Any]:
    nodes = _run(target, "MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    rels = _run(
        target,
        "MATCH (a)-[r]->(b) RETURN coalesce(a.id, a.key) AS a, type(r) AS t, b.id AS b, properties(r) AS p",
    )
    return sorted(repr(sorted(x.items())) for x in (*nodes, *rels))


@pytest.mark.neo4j
def test_concurrent_writers_load_what_one_writer_loads(neo4j_target: Neo4jTarget) -> None:  # noqa: F811
    """Node batches in two transactions at once, relationship batches written while the next is prepared:
    the same database as one writer, on a graph of many small batches with popular (Zipf) entities."""
    g = load_benchmark("neo4j_load").synthetic_graph(600, seed=5)
    report = write_graph(g, Neo4jSink(*neo4j_target.args, batch_size=40, writers=1))
    one = _dump(neo4j_target)
    clear(*neo4j_target.args)
    sink = Neo4jSink(*neo4j_target.args, batch_size=40, writers=2)
    assert write_graph(g, sink) == report and sink.batches > 2 * g.number_of_nodes() // 40
    assert _dump(neo4j_target) == one and len(one) > g.number_of_edges()


@pytest.mark.neo4j
def test_properties_and_evidence(neo4j_target: Neo4jTarget) -> None:  # noqa: F811
    write_graph(small_graph(), Neo4jSink(*neo4j_target.args))
    rows = _run(
        neo4j_target,
        "MATCH (p:Paper {id: $p})-[r:USES]->(d:Dataset:Entity {id: $d}) RETURN p, d, properties(r) AS r",
        p=P1,
        d=COCO,
    )
    assert len(rows) == 1
    r = rows[0]["r"]
    assert r == evidence(P1, f"Sentence 2 about {COCO}.", start=2)
    assert rows[0]["d"]["aliases"] == ["COCO", "MS COCO", "MS-COCO"]
    assert rows[0]["d"]["kind"] == "dataset"
    assert rows[0]["p"]["authors"] == ["A. Author", "B. Author"]
    assert "doi" not in rows[0]["p"]
    variant = _run(neo4j_target, "MATCH ()-[r:VARIANT_OF]->() RETURN properties(r) AS r")
    assert variant == [{"r": {"extractor": "paperkg.resolve", "extractor_version": "0.1", "confidence": 1.0}}]


@pytest.mark.neo4j
def test_second_graph_merges_into_same_entities(neo4j_target: Neo4jTarget) -> None:  # noqa: F811
    write_graph(small_graph(), Neo4jSink(*neo4j_target.args))
    g2 = KnowledgeGraph()
    g2.add_node(paper("2401.00001", "Another paper", ["2024-01-02"]))
    g2.add_node(entity(NodeKind.MODEL, "llava", "LLaVA", "LLaVA-v1"))
    g2.add_node(entity(NodeKind.DATASET, "coco", "COCO"))
    g2.add_edge(Edge("paper:2401.00001", LLAVA, EdgeType.USES, evidence("paper:2401.00001", "We use LLaVA.")))
    g2.add_edge(Edge("paper:2401.00001", COCO, EdgeType.USES, evidence("paper:2401.00001", "On COCO.")))
    write_graph(g2, Neo4jSink(*neo4j_target.args))
    c = counts(*neo4j_target.args)
    assert c["nodes"]["Paper"] == 4 and c["nodes"]["Model"] == 2 and c["nodes"]["Dataset"] == 2
    rows = _run(
        neo4j_target,
        "MATCH (m:Model {id: $id}) RETURN m.aliases AS aliases, COUNT { (m)<-[:USES|INTRODUCES]-() } AS deg",
        id=LLAVA,
    )
    assert rows == [{"aliases": ["LLaVA", "Large Language and Vision Assistant", "LLaVA-v1"], "deg": 2}]
    # the new alias's key is added; the keys of the first load stay; each key once
    keys = _run(
        neo4j_target,
        "MATCH (k:NameKey)-[:NAMES]->(:Model {id: $id}) RETURN k.key AS key ORDER BY key",
        id=LLAVA,
    )
    assert [r["key"] for r in keys] == ["largelanguageandvisionassistant", "llava", "llavav1"]
    assert c["name_keys"]["NameKey"] == _expected_keys(small_graph())["NameKey"] + 1


@pytest.mark.neo4j
@pytest.mark.parametrize(
    "name",
    [
        "'}) DETACH DELETE n //",
        "`Model` `; MATCH (n) DETACH DELETE n",
        'a "quoted" \\ name',
        "multi\nline\r\nname\t",
        "$rows {id: 1}",
    ],
)
def test_injection_shaped_names_are_stored_verbatim(neo4j_target: Neo4jTarget, name: str) -> None:  # noqa: F811
    g = small_graph()
    bad = Node("model:weird", NodeKind.MODEL, {"name": name, "aliases": [name, f"{name}-2"]})
    g.add_node(bad)
    g.add_edge(Edge(P1, bad.id, EdgeType.USES, evidence(P1, name)))
    write_graph(g, Neo4jSink(*neo4j_target.args))
    _assert_counts(neo4j_target, g)
    rows = _run(
        neo4j_target,
        "MATCH (:Paper)-[r:USES]->(m:Model {id: 'model:weird'}) "
        "RETURN m.name AS n, m.aliases AS a, r.sentence AS s",
    )
    assert rows == [{"n": name, "a": [name, f"{name}-2"], "s": name}]


class _FailingSink(Neo4jSink):
    """Dies (like a lost connection) before its batch number ``fail_at``; remembers what was committed."""

    def __init__(self, *args: Any, fail_at: int, **kw: Any) -> None:
        self.fail_at = fail_at
        self.committed_rows = 0
        super().__init__(*args, **kw)

    def _write_batch(self, query: str, rows: list[dict[str, Any]]) -> int:
        if self.batches + 1 == self.fail_at:
            self.close()  # the driver is gone: the next write really fails
        n = super()._write_batch(query, rows)
        self.committed_rows += len(rows)
        return n


@pytest.mark.neo4j
@pytest.mark.parametrize("fail_at", [2, 5, 9])
def test_interrupted_load_leaves_whole_batches_and_rerun_completes(
    neo4j_target: Neo4jTarget,  # noqa: F811
    fail_at: int,
) -> None:
    g = small_graph()
    sink = _FailingSink(*neo4j_target.args, batch_size=2, fail_at=fail_at, writers=1)
    with pytest.raises(SinkError):
        write_graph(g, sink)
    assert sink.batches == fail_at - 1
    c = counts(*neo4j_target.args)
    assert c["nodes"]["*"] + c["relationships"]["*"] == sink.committed_rows
    assert c["nodes"]["*"] < g.number_of_nodes() or c["relationships"]["*"] < g.number_of_edges()
    write_graph(g, Neo4jSink(*neo4j_target.args, batch_size=2))
    _assert_counts(neo4j_target, g)
    dups = _run(
        neo4j_target, "MATCH (n) WHERE NOT n:NameKey WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN id"
    )
    assert dups == []
    dups = _run(
        neo4j_target, "MATCH (k:NameKey)-[r:NAMES]->(e) WITH k, e, count(r) AS c WHERE c > 1 RETURN k"
    )
    assert dups == []


@pytest.mark.neo4j
def test_mention_type_is_a_relationship_property(neo4j_target: Neo4jTarget) -> None:  # noqa: F811
    g = small_graph()
    g.add_edge(
        Edge(P1, LLAVA, EdgeType.USES, {**evidence(P1, "We use it.", start=9), "mention_type": "dataset"})
    )
    write_graph(g, Neo4jSink(*neo4j_target.args))
    rows = _run(
        neo4j_target,
        "MATCH (:Paper {id: $p})-[r:USES]->(m:Model {id: $m}) RETURN r.mention_type AS t, labels(m) AS l",
        p=P1,
        m=LLAVA,
    )
    assert [(x["t"], sorted(x["l"])) for x in rows] == [("dataset", ["Entity", "Model"])]
