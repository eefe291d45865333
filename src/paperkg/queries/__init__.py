"""Queries: the saved query files (:mod:`.saved`) and running them against Neo4j (Cypher) or an RDF
file (SPARQL)."""

from paperkg.queries.saved import (
    BACKENDS,
    Param,
    QueryError,
    SavedQuery,
    list_queries,
    load_query,
    queries_dir,
)

__all__ = ["BACKENDS", "Param", "QueryError", "SavedQuery", "list_queries", "load_query", "queries_dir"]
