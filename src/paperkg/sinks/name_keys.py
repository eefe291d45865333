"""The name keys of an entity: what the saved queries look an entity up by.

A key is :func:`paperkg.keys.name_key` of the entity's name or of one of its aliases (NFKC, case
fold, ``+`` as "plus", letters and digits only): the key the resolver compares names by, so
``gpt 4o``, ``GPT-4o`` and ``gpt-4O`` are one key. Only entities (models, datasets, benchmarks)
have keys: they are what the name-taking queries look up; repositories and websites are found by
their URL, papers by their links.

The outputs store them beside the entity (decisions/0014-indexed-name-lookups.md):

* Neo4j: one ``(:NameKey {key})-[:NAMES]->(entity)`` per key, ``NameKey.key`` unique (and so
  indexed); a key naming several entities is one ``NameKey`` node with several ``NAMES``
  relationships (:mod:`paperkg.sinks.neo4j`, :mod:`paperkg.sinks.neo4j_csv`);
* RDF: ``pkg:nameKey "key"`` per key (:mod:`paperkg.sinks.turtle_blocks`); derived, so the reader
  does not read it back.
"""

from __future__ import annotations

from paperkg.keys import name_key
from paperkg.model import Node


def name_keys(node: Node) -> list[str]:
    """The distinct non-empty keys of an entity's name and aliases, the name's first; none for
    other nodes.

    Example:
        >>> from paperkg.model import NodeKind
        >>> props = {"name": "GPT-4o", "aliases": ["GPT-4o", "gpt 4o", "4o"]}
        >>> name_keys(Node("model:gpt-4o", NodeKind.MODEL, props))
        ['gpt4o', '4o']
    """
    if not node.kind.is_entity:
        return []
    aliases = node.props.get("aliases")
    names = [node.props.get("name"), *(aliases if isinstance(aliases, list | tuple) else ())]
    keys = dict.fromkeys(name_key(n) for n in names if isinstance(n, str))
    keys.pop("", None)
    return list(keys)
