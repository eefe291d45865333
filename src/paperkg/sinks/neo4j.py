"""Load the knowledge graph into Neo4j over Bolt, and run saved Cypher queries.

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

Every failure (server down, wrong password, bad URI, a database error) is raised as
:class:`paperkg.sinks.base.SinkError` with a one-line message that never contains the password.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, LiteralString, cast
from urllib.parse import urlsplit, urlunsplit

import neo4j
from neo4j import exceptions as nx
from neo4j.graph import Node as GraphNode
from neo4j.graph import Path as GraphPath
from neo4j.graph import Relationship as GraphRelationship

from paperkg.graph import LIST_PROPS
from paperkg.ids import PREFIX_KIND
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.queries import QueryError, SavedQuery
from paperkg.sinks.base import SinkError, SinkReport

ENTITY_LABEL = "Entity"
LABELS: tuple[str, ...] = (*(k.label for k in NodeKind), ENTITY_LABEL)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_CONNECT_TIMEOUT = 10.0
_RETRY_TIME = 10.0


# -- errors -------------------------------------------------------------------


def redact_uri(uri: str) -> str:
    """The URI without any ``user:password@`` part, for messages."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "<unparsable URI>"
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def _one_line(text: str, secret: str | None) -> str:
    line = " ".join(str(text).split())
    if secret:
        line = line.replace(secret, "***")
    return line[:300]


def _neo4j_message(exc: nx.Neo4jError) -> str:
    code = getattr(exc, "code", None) or ""
    msg = getattr(exc, "message", None) or str(exc)
    return f"{code}: {msg}" if code else str(msg)


def map_error(exc: BaseException, uri: str, user: str, password: str | None) -> SinkError:
    """A one-line, password-free :class:`SinkError` for any driver/connection failure."""
    where = redact_uri(uri)
    if isinstance(exc, nx.AuthError):
        msg = f"Neo4j at {where} rejected the credentials of user {user!r} (wrong user name or password)"
    elif isinstance(exc, nx.ServiceUnavailable | nx.SessionExpired | OSError):
        msg = f"cannot reach Neo4j at {where}: is the server running? ({exc.__class__.__name__})"
    elif isinstance(exc, nx.ConfigurationError | ValueError):
        msg = f"bad Neo4j URI {where!r}: {exc} (expected e.g. bolt://127.0.0.1:7687)"
    elif isinstance(exc, nx.Neo4jError):
        msg = f"Neo4j at {where} failed: {_neo4j_message(exc)}"
    elif isinstance(exc, nx.DriverError):
        msg = f"Neo4j driver error for {where}: {exc.__class__.__name__}: {exc}"
    else:
        msg = f"Neo4j load into {where} failed: {exc.__class__.__name__}: {exc}"
    if where != uri:
        msg = msg.replace(uri, where)
        try:
            uri_password = urlsplit(uri).password
        except ValueError:
            uri_password = None
        if uri_password:
            msg = msg.replace(f":{uri_password}@", ":***@")
    return SinkError(_one_line(msg, password))


@contextmanager
def _mapped(uri: str, user: str, password: str | None) -> Iterator[None]:
    try:
        yield
    except SinkError:
        raise
    except (nx.Neo4jError, nx.DriverError, OSError, ValueError) as exc:
        raise map_error(exc, uri, user, password) from None


def connect(uri: str, user: str, password: str) -> neo4j.Driver:
    """A driver whose connectivity and credentials have been checked; failures are :class:`SinkError`."""
    scheme = uri.partition("://")[0].lower() if "://" in uri else ""
    if scheme not in BOLT_SCHEMES:
        raise SinkError(
            _one_line(
                f"bad Neo4j URI {redact_uri(uri)!r}: scheme must be one of {', '.join(BOLT_SCHEMES)} "
                "(e.g. bolt://127.0.0.1:7687)",
                password,
            )
        )
    with _mapped(uri, user, password):
        driver = neo4j.GraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=_CONNECT_TIMEOUT,
            max_transaction_retry_time=_RETRY_TIME,
            notifications_min_severity="OFF",
        )
        try:
            driver.verify_connectivity()
        except BaseException:
            driver.close()
            raise
        return driver


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
    return [
        f"CREATE CONSTRAINT paperkg_{label.lower()}_id IF NOT EXISTS "
        f"FOR (n:{_check_ident(label)}) REQUIRE n.id IS UNIQUE"
        for label in LABELS
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
    return {"id": node.id, "props": props, "lists": lists}


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
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
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

    def close(self) -> None:
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
            self._nodes += self._write_batch(node_query(kind), rows)

    def _flush_edges(self, key: tuple[NodeKind, EdgeType, NodeKind]) -> None:
        rows = self._edge_buf.pop(key, [])
        if rows:
            self._edges += self._write_batch(edge_query(*key), rows)

    def _session(self) -> neo4j.Session:
        if self._driver is None:
            raise SinkError(f"Neo4j sink for {redact_uri(self.uri)} is closed")
        return self._driver.session(database=self.database)

    def _create_constraints(self) -> None:
        with _mapped(self.uri, self.user, self._password), self._session() as session:
            for stmt in constraint_statements():
                session.run(cast(LiteralString, stmt)).consume()

    def _write_batch(self, query: str, rows: list[dict[str, Any]]) -> int:
        """Run one batch in its own write transaction; returns the number of rows it wrote."""
        with _mapped(self.uri, self.user, self._password), self._session() as session:
            n = session.execute_write(_run_count, query, rows)
        self.batches += 1
        return n


def _run_count(tx: neo4j.ManagedTransaction, query: str, rows: list[dict[str, Any]]) -> int:
    record = tx.run(cast(LiteralString, query), rows=rows).single()
    return int(record["n"]) if record is not None else 0


# -- naive loader (benchmark baseline only) --------------------------------------


def load_naive(
    uri: str,
    user: str,
    password: str,
    nodes: Iterable[Node],
    edges: Iterable[Edge],
    database: str | None = None,
) -> SinkReport:
    """One ``MERGE`` per row, each in its own transaction: the baseline the benchmark compares against."""
    driver = connect(uri, user, password)
    n = e = 0
    try:
        with _mapped(uri, user, password), driver.session(database=database) as session:
            for node in nodes:
                n += session.execute_write(_run_count, node_query(node.kind), [node_row(node)])
            for edge in edges:
                kinds = kind_of_id(edge.source), kind_of_id(edge.target)
                if kinds[0] is None or kinds[1] is None:
                    raise SinkError(f"edge endpoint of {edge.source!r} -> {edge.target!r} has no known kind")
                q = edge_query(kinds[0], edge.type, kinds[1])
                e += session.execute_write(_run_count, q, [edge_row(edge)])
    finally:
        driver.close()
    return SinkReport(n, e, redact_uri(uri))


# -- queries and maintenance -----------------------------------------------------


def _plain(v: Any) -> Any:
    """Query results as plain Python values (nodes/relationships become their property maps)."""
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, GraphNode | GraphRelationship):
        return dict(v.items())
    if isinstance(v, GraphPath):
        return [dict(n.items()) for n in v.nodes]
    if hasattr(v, "iso_format"):
        return v.iso_format()
    return v


def run_cypher(
    query: SavedQuery,
    params: dict[str, Any],
    uri: str,
    user: str,
    password: str,
    database: str | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Run a saved Cypher query read-only; returns (columns, rows).

    Connection problems raise :class:`SinkError`; a query Neo4j rejects raises
    :class:`paperkg.queries.QueryError`.
    """

    def work(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[dict[str, Any]]]:
        result = tx.run(cast(LiteralString, query.text), params)
        columns = list(result.keys())
        rows = [{k: _plain(rec[k]) for k in columns} for rec in result]
        return columns, rows

    driver = connect(uri, user, password)
    try:
        with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
            return session.execute_read(work)
    except nx.ClientError as exc:
        if isinstance(exc, nx.AuthError | nx.Forbidden | nx.TokenExpired):
            raise map_error(exc, uri, user, password) from None
        raise QueryError(_one_line(f"query {query.name} failed: {_neo4j_message(exc)}", password)) from None
    except (nx.Neo4jError, nx.DriverError, OSError, ValueError) as exc:
        raise map_error(exc, uri, user, password) from None
    finally:
        driver.close()


def _auto(
    uri: str, user: str, password: str, database: str | None, fn: Callable[[neo4j.Session], Any]
) -> Any:
    driver = connect(uri, user, password)
    try:
        with _mapped(uri, user, password), driver.session(database=database) as session:
            return fn(session)
    finally:
        driver.close()


def counts(uri: str, user: str, password: str, database: str | None = None) -> dict[str, dict[str, int]]:
    """``{"nodes": {label: n}, "relationships": {type: n}}`` for every paperkg label and type, plus totals
    under the keys ``"*"``."""

    def work(session: neo4j.Session) -> dict[str, dict[str, int]]:
        def one(q: str) -> int:
            rec = session.run(cast(LiteralString, q)).single()
            return int(rec[0]) if rec is not None else 0

        nodes = {label: one(f"MATCH (n:{_check_ident(label)}) RETURN count(n)") for label in LABELS}
        nodes["*"] = one("MATCH (n) RETURN count(n)")
        rels = {t.value: one(f"MATCH ()-[r:{_check_ident(t.value)}]->() RETURN count(r)") for t in EdgeType}
        rels["*"] = one("MATCH ()-[r]->() RETURN count(r)")
        return {"nodes": nodes, "relationships": rels}

    return cast(dict[str, dict[str, int]], _auto(uri, user, password, database, work))


def clear(uri: str, user: str, password: str, database: str | None = None) -> None:
    """Delete every node and relationship (in chunks); constraints are kept. For tests and benchmarks."""

    def work(session: neo4j.Session) -> None:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()

    _auto(uri, user, password, database, work)
