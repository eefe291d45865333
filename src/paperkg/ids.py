"""The identifiers paperkg mints, defined once: node-id prefixes and the default base IRI.

A node id is ``prefix:key`` ("paper:2401.00001", "model:llava-1-5", "repo:github.com/x/y");
docs/graph-model.md documents them, and the RDF and Neo4j sinks derive IRIs and labels from them.
"""

from __future__ import annotations

from paperkg.model import NodeKind

#: Where exported resources live unless ``--base-iri`` says otherwise.
DEFAULT_BASE_IRI = "https://w3id.org/paperkg/resource/"

#: The id prefix of each node kind.
ID_PREFIX: dict[NodeKind, str] = {
    NodeKind.PAPER: "paper:",
    NodeKind.MODEL: "model:",
    NodeKind.DATASET: "dataset:",
    NodeKind.BENCHMARK: "benchmark:",
    NodeKind.REPOSITORY: "repo:",
    NodeKind.WEBSITE: "web:",
}
#: The node kind of each prefix (without its colon).
PREFIX_KIND: dict[str, NodeKind] = {p.rstrip(":"): k for k, p in ID_PREFIX.items()}


def paper_node_id(paper_id: str) -> str:
    """ "2401.00001" -> "paper:2401.00001"."""
    return ID_PREFIX[NodeKind.PAPER] + paper_id


def paper_id_of(node_id: str) -> str:
    """ "paper:2401.00001" -> "2401.00001"."""
    return node_id.removeprefix(ID_PREFIX[NodeKind.PAPER])


def url_node_id(key: str, code: bool) -> str:
    """The node of a URL (its normalized ``key``): a code repository or another website."""
    return ID_PREFIX[NodeKind.REPOSITORY if code else NodeKind.WEBSITE] + key
