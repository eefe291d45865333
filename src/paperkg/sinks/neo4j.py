"""Load the knowledge graph into Neo4j over Bolt.

:class:`Neo4jSink` buffers nodes per label and relationships per (source label, type, target label) and
writes them in batches: ``UNWIND $rows AS row MERGE ...``, each batch in its own write transaction
(``session.execute_write``). A load that fails half-way therefore leaves only whole committed batches, and
running it again completes it without duplicates (every write is a ``MERGE`` on the node ``id``, backed by a
uniqueness constraint per label).

Labels and relationship types in the Cypher text come only from the fixed enums in :mod:`paperkg.model`;
every value (ids, names, evidence) is a query parameter, so names such as ``'}) DETACH DELETE n //`` are
stored verbatim.

Merging into existing nodes: scalar properties are overwritten by the newer load; the list properties of
:data:`paperkg.graph.LIST_PROPS` (``aliases``, ``authors`` ...) are unioned, as
:meth:`paperkg.graph.KnowledgeGraph.add_node` does.

Name keys: the batch that writes an entity also merges ``(:NameKey {key})-[:NAMES]->(entity)`` for each of
its :func:`~paperkg.sinks.name_keys.name_keys` (``NameKey.key`` is unique, so the saved queries find an
entity by an index seek). Keys are only added, as aliases are: a later load that brings new aliases adds
their keys. :func:`counts` reports them apart from the graph's nodes and relationships.

Every failure is raised as :class:`paperkg.sinks.base.SinkError` with a one-line message that never
contains the password (:mod:`paperkg.neo4j_conn`). Saved Cypher queries run in :mod:`paperkg.queries.cypher`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, LiteralString, cast

import neo4j

from paperkg.graph import LIST_PROPS
from paperkg.ids import PREFIX_KIND
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.neo4j_conn import connect, mapped_errors, redact_uri
from paperkg.sinks.base import SinkError, SinkReport
from paperkg.sinks.name_keys import name_keys

ENTITY_LABEL = "Entity"
LABELS: tuple[str, ...] = (*(k.label for k in NodeKind), ENTITY_LABEL)
#: The lookup index of entity names: ``(:NameKey {key})-[:NAMES]->(:Entity)``.
NAME_KEY_LABEL = "NameKey"
NAMES_TYPE = "NAMES"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# -- values -------------------------------------------------------------------


def _value(v: Any) -> Any:
    """A Neo4j property value: None stays None (dropped by the caller), lists become lists of strings."""
    if v is None or isinstance(v, bool | int | float | str):
        return v
    if isinstance(v, list | tuple | set | frozenset):
        return [x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in v if x is not None]
    if isinstance(v, Mapping):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return str(v)


def _props(props: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): val for k, v in props.items() if (val := _value(v)) is not None}


def kind_of_id(node_id: str) -> NodeKind | None:
    prefix, sep, _ = node_id.partition(":")
    return PREFIX_KIND.get(prefix) if sep else None


# -- Cypher text (labels and types only from the fixed enums) --------------------


def _check_ident(name: str) -> str:
    if not _IDENT.fullmatch(name):
        raise SinkError(f"not a Cypher identifier: {name!r}")
    return name


def constraint_statements() -> list[str]:
    """The uniqueness constraints: ``id`` per label, and ``NameKey.key`` (the name lookups' index)."""
    return [
        *(
            f"CREATE CONSTRAINT paperkg_{label.lower()}_id IF NOT EXISTS "
            f"FOR (n:{_check_ident(label)}) REQUIRE n.id IS UNIQUE"
            for label in LABELS
        ),
        f"CREATE CONSTRAINT paperkg_namekey_key IF NOT EXISTS "
        f"FOR (k:{NAME_KEY_LABEL}) REQUIRE k.key IS UNIQUE",
    ]


def node_query(kind: NodeKind) -> str:
    label = _check_ident(kind.label)
    lines = ["UNWIND $rows AS row", f"MERGE (n:{label} {{id: row.id}})"]
    if kind.is_entity:
        lines.append(f"SET n:{ENTITY_LABEL}")
    lines.append("SET n += row.props")
    for p in LIST_PROPS:
        p = _check_ident(p)
        lines.append(
            f"SET n.{p} = CASE WHEN row.lists.{p} IS NULL THEN n.{p} "
            f"ELSE coalesce(n.{p}, []) + [x IN row.lists.{p} WHERE NOT x IN coalesce(n.{p}, [])] END"
        )
    if kind.is_entity:
        lines += [
            "WITH n, row",
            "CALL (n, row) {",
            "  UNWIND row.keys AS key",
            f"  MERGE (k:{NAME_KEY_LABEL} {{key: key}})",
            f"  MERGE (k)-[:{NAMES_TYPE}]->(n)",
            "}",
        ]
    lines.append("RETURN count(n) AS n")
    return "\n".join(lines)


def edge_query(source: NodeKind, type: EdgeType, target: NodeKind) -> str:
    return "\n".join(
        [
            "UNWIND $rows AS row",
            f"MATCH (a:{_check_ident(source.label)} {{id: row.s}})",
            f"MATCH (b:{_check_ident(target.label)} {{id: row.t}})",
            f"MERGE (a)-[r:{_check_ident(type.value)}]->(b)",
            "SET r += row.props",
            "RETURN count(r) AS n",
        ]
    )


def node_row(node: Node) -> dict[str, Any]:
    props: dict[str, Any] = {}
    lists: dict[str, Any] = {}
    for k, v in _props(node.props).items():
        if k == "id":
            continue
        if k in LIST_PROPS and isinstance(v, list):
            lists[k] = v
        else:
            props[k] = v
    props["kind"] = node.kind.value
    row: dict[str, Any] = {"id": node.id, "props": props, "lists": lists}
    if node.kind.is_entity:
        row["keys"] = name_keys(node)
    return row


def edge_row(edge: Edge) -> dict[str, Any]:
    return {"s": edge.source, "t": edge.target, "props": _props(edge.props)}


# -- the sink -------------------------------------------------------------------


class Neo4jSink:
    """Batched, idempotent loader (sink protocol: ``write_node``, ``write_edge``, ``finalize``)."""

    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        database: str | None = None,
        batch_size: int = 1000,
        writers: int = 2,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if writers < 1:
            raise ValueError("writers must be at least 1")
        self.uri = uri
        self.user = user
        self._password = password
        self.database = database
        self.batch_size = batch_size
        self.batches = 0  # committed write transactions
        self._nodes = 0
        self._edges = 0
        self._node_buf: dict[NodeKind, list[dict[str, Any]]] = defaultdict(list)
        self._edge_buf: dict[tuple[NodeKind, EdgeType, NodeKind], list[dict[str, Any]]] = defaultdict(list)
        self._kinds: dict[str, NodeKind] = {}
        # Batches in flight: up to ``writers`` transactions at once, each on its own session.
        self._writers = writers
        self._pool = ThreadPoolExecutor(writers, thread_name_prefix="paperkg-neo4j") if writers > 1 else None
        self._in_flight: deque[tuple[Future[int], bool]] = deque()  # (batch, is a node batch)
        self._driver: neo4j.Driver | None = connect(uri, user, password)
        try:
            self._create_constraints()
        except BaseException:
            self.close()
            raise

    # protocol ---------------------------------------------------------------
    def write_node(self, node: Node) -> None:
        if kind_of_id(node.id) is not node.kind:
            self._kinds[node.id] = node.kind
        buf = self._node_buf[node.kind]
        buf.append(node_row(node))
        if len(buf) >= self.batch_size:
            self._flush_nodes(node.kind)

    def write_edge(self, edge: Edge) -> None:
        key = (self._kind(edge.source), edge.type, self._kind(edge.target))
        buf = self._edge_buf[key]
        buf.append(edge_row(edge))
        if len(buf) >= self.batch_size:
            self._flush_all_nodes()
            self._flush_edges(key)

    def finalize(self) -> SinkReport:
        try:
            self.flush()
        finally:
            self.close()
        return SinkReport(self._nodes, self._edges, redact_uri(self.uri))

    # helpers ----------------------------------------------------------------
    def flush(self) -> None:
        self._flush_all_nodes()
        for key in list(self._edge_buf):
            self._flush_edges(key)
        self._drain(0)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    def __enter__(self) -> Neo4jSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _kind(self, node_id: str) -> NodeKind:
        kind = self._kinds.get(node_id) or kind_of_id(node_id)
        if kind is None:
            raise SinkError(f"edge endpoint {node_id!r} has no known kind (write its node first)")
        return kind

    def _flush_all_nodes(self) -> None:
        for kind in list(self._node_buf):
            self._flush_nodes(kind)

    def _flush_nodes(self, kind: NodeKind) -> None:
        rows = self._node_buf.pop(kind, [])
        if rows:
            self._submit(node_query(kind), rows, nodes=True)

    def _flush_edges(self, key: tuple[NodeKind, EdgeType, NodeKind]) -> None:
        rows = self._edge_buf.pop(key, [])
        if rows:
            self._submit(edge_query(*key), rows, nodes=False)

    def _submit(self, query: str, rows: list[dict[str, Any]], nodes: bool) -> None:
        """Write a batch: here, or on a writer thread while this one prepares the next. Node
        batches run up to ``writers`` at once (one node per id in a load; name keys are unique
        under their constraint). Relationship batches run one at a time, after every node batch:
        they need their nodes committed, and two at once deadlock on the popular entities' locks
        (measured: 2 concurrent relationship batches load at about 0.65 times the rate of one)."""
        if self._pool is None:
            self._count(self._write_batch(query, rows), nodes)
            return
        self._drain(self._writers - 1 if nodes else 0)
        self._in_flight.append((self._pool.submit(self._write_batch, query, rows), nodes))

    def _drain(self, keep: int) -> None:
        """Wait for batches in flight until at most ``keep`` remain (a failed batch raises here)."""
        while len(self._in_flight) > keep:
            future, nodes = self._in_flight.popleft()
            self._count(future.result(), nodes)

    def _count(self, written: int, nodes: bool) -> None:
        self.batches += 1
        if nodes:
            self._nodes += written
        else:
            self._edges += written

    def _session(self) -> neo4j.Session:
        if self._driver is None:
            raise SinkError(f"Neo4j sink for {redact_uri(self.uri)} is closed")
        return self._driver.session(database=self.database)

    def _create_constraints(self) -> None:
        with mapped_errors(self.uri, self.user, self._password), self._session() as session:
            for stmt in constraint_statements():
                session.run(cast(LiteralString, stmt)).consume()

    def _write_batch(self, query: str, rows: list[dict[str, Any]]) -> int:
        """Run one batch in its own write transaction; returns the number of rows it wrote."""
        with mapped_errors(self.uri, self.user, self._password), self._session() as session:
            return session.execute_write(_run_count, query, rows)


def _run_count(tx: neo4j.ManagedTransaction, query: str, rows: list[dict[str, Any]]) -> int:
    record = tx.run(cast(LiteralString, query), rows=rows).single()
    return int(record["n"]) if record is not None else 0


# -- maintenance -------------------------------------------------------------


def _auto(
    uri: str, user: str, password: str, database: str | None, fn: Callable[[neo4j.Session], Any]
) -> Any:
    driver = connect(uri, user, password)
    try:
        with mapped_errors(uri, user, password), driver.session(database=database) as session:
            return fn(session)
    finally:
        driver.close()


def counts(uri: str, user: str, password: str, database: str | None = None) -> dict[str, dict[str, int]]:
    """``{"nodes": {label: n}, "relationships": {type: n}, "name_keys": {...}}``: every paperkg label and
    type, with the totals of the graph's nodes and relationships under the keys ``"*"`` (every node but
    the ``NameKey`` ones, every relationship but ``NAMES``); the name lookup index apart, as
    ``"name_keys": {"NameKey": nodes, "NAMES": relationships}``."""

    def work(session: neo4j.Session) -> dict[str, dict[str, int]]:
        def one(q: str) -> int:
            rec = session.run(cast(LiteralString, q)).single()
            return int(rec[0]) if rec is not None else 0

        nodes = {label: one(f"MATCH (n:{_check_ident(label)}) RETURN count(n)") for label in LABELS}
        nodes["*"] = one(f"MATCH (n) WHERE NOT n:{NAME_KEY_LABEL} RETURN count(n)")
        rels = {t.value: one(f"MATCH ()-[r:{_check_ident(t.value)}]->() RETURN count(r)") for t in EdgeType}
        rels["*"] = one(f"MATCH ()-[r]->() WHERE NOT r:{NAMES_TYPE} RETURN count(r)")
        keys = {
            NAME_KEY_LABEL: one(f"MATCH (k:{NAME_KEY_LABEL}) RETURN count(k)"),
            NAMES_TYPE: one(f"MATCH ()-[r:{NAMES_TYPE}]->() RETURN count(r)"),
        }
        return {"nodes": nodes, "relationships": rels, "name_keys": keys}

    return cast(dict[str, dict[str, int]], _auto(uri, user, password, database, work))


_DELETE_RELATIONSHIPS = "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS"


def delete_relationships(uri: str, user: str, password: str, database: str | None = None) -> None:
    """Delete every relationship (in chunks), keeping the nodes. For tests and benchmarks."""
    _auto(uri, user, password, database, lambda session: session.run(_DELETE_RELATIONSHIPS).consume())


def clear(uri: str, user: str, password: str, database: str | None = None) -> None:
    """Delete every node and relationship (in chunks); constraints are kept. For tests and benchmarks.

    Relationships go first, in chunks of their own: a chunk of nodes detached at once may hold a
    popular entity with hundreds of thousands of relationships, past the server's transaction memory."""

    def work(session: neo4j.Session) -> None:
        session.run(_DELETE_RELATIONSHIPS).consume()
        session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 20000 ROWS").consume()

    _auto(uri, user, password, database, work)
