"""Running a saved Cypher query against Neo4j, read-only, with its rows as plain Python values."""

from __future__ import annotations

from typing import Any, LiteralString, cast

import neo4j
from neo4j import exceptions as nx
from neo4j.graph import Node as GraphNode
from neo4j.graph import Path as GraphPath
from neo4j.graph import Relationship as GraphRelationship

from paperkg.neo4j_conn import connect, map_error, neo4j_message, one_line
from paperkg.queries.saved import QueryError, SavedQuery


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

    Connection problems raise :class:`paperkg.sinks.base.SinkError`; a query Neo4j rejects raises
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
        raise QueryError(one_line(f"query {query.name} failed: {neo4j_message(exc)}", password)) from None
    except (nx.Neo4jError, nx.DriverError, OSError, ValueError) as exc:
        raise map_error(exc, uri, user, password) from None
    finally:
        driver.close()
