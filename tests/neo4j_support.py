"""Shared helpers for the Neo4j tests: connection settings from the environment and a small graph.

Integration tests need a real Neo4j: start one with ``scripts/neo4j-local start`` and export
``NEO4J_URI`` (and ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD`` if not ``neo4j`` / ``paperkg-test``). Without
``NEO4J_URI`` they are skipped, except under ``CI=true``, where they fail. They CLEAR the database they use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from paperkg.graph import KnowledgeGraph
from paperkg.model import Edge, EdgeType, Node, NodeKind


@dataclass(frozen=True)
class Neo4jTarget:
    uri: str
    user: str
    password: str

    @property
    def args(self) -> tuple[str, str, str]:
        return self.uri, self.user, self.password


@pytest.fixture
def neo4j_target() -> Neo4jTarget:
    """The test server from the environment, with an empty database."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        msg = (
            "NEO4J_URI is not set: start Neo4j with "
            "`export NEO4J_URI=$(scripts/neo4j-local start | tail -n1)`"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {msg}", pytrace=False)
        pytest.skip(msg)
    from paperkg.sinks.neo4j import clear

    target = Neo4jTarget(
        uri, os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ.get("NEO4J_PASSWORD", "paperkg-test")
    )
    clear(*target.args)
    return target


def evidence(paper: str, sentence: str, start: int = 0, confidence: float = 0.9) -> dict[str, object]:
    return {
        "field": "abstract",
        "start": start,
        "end": start + 5,
        "sentence": sentence,
        "extractor": "paperkg.extraction",
        "extractor_version": "0.1",
        "confidence": confidence,
        "paper": paper,
    }


def entity(kind: NodeKind, slug: str, name: str, *aliases: str) -> Node:
    return Node(f"{kind.value}:{slug}", kind, {"name": name, "aliases": [name, *aliases]})


def paper(pid: str, title: str, dates: list[str]) -> Node:
    return Node(
        f"paper:{pid}",
        NodeKind.PAPER,
        {
            "title": title,
            "abstract": f"Abstract of {title}.",
            "arxiv_id": pid,
            "url": f"https://arxiv.org/abs/{pid}",
            "authors": ["A. Author", "B. Author"],
            "categories": ["cs.CV"],
            "dates": dates,
            "sources": ["sample.jsonl"],
        },
    )


P1, P2, P3 = "paper:2304.08485", "paper:2310.03744", "paper:1405.0312"
LLAVA, LLAVA15 = "model:llava", "model:llava-1-5"
COCO, INSTRUCT = "dataset:coco", "dataset:llava-instruct-150k"
SQA, MMB = "benchmark:scienceqa", "benchmark:mmbench"
REPO_LLAVA, REPO_COCO = "repo:github.com/haotian-liu/llava", "repo:github.com/cocodataset/cocoapi"
WEB_LLAVA = "web:llava-vl.github.io"


def small_graph() -> KnowledgeGraph:
    """Three papers covering every saved query (see test_queries_cypher.py for the expected rows)."""
    g = KnowledgeGraph()
    for n in (
        paper("2304.08485", "Visual Instruction Tuning", ["2023-04-17"]),
        paper("2310.03744", "Improved Baselines with Visual Instruction Tuning", ["2023-10-05"]),
        paper("1405.0312", "Microsoft COCO: Common Objects in Context", ["2014-05-01", "2023-04-17"]),
        entity(NodeKind.MODEL, "llava", "LLaVA", "Large Language and Vision Assistant"),
        entity(NodeKind.MODEL, "llava-1-5", "LLaVA-1.5"),
        entity(NodeKind.DATASET, "coco", "COCO", "MS COCO", "MS-COCO"),
        entity(NodeKind.DATASET, "llava-instruct-150k", "LLaVA-Instruct-150K"),
        entity(NodeKind.BENCHMARK, "scienceqa", "ScienceQA"),
        entity(NodeKind.BENCHMARK, "mmbench", "MMBench"),
        Node(
            REPO_LLAVA,
            NodeKind.REPOSITORY,
            {
                "name": "https://github.com/haotian-liu/LLaVA",
                "url": "https://github.com/haotian-liu/LLaVA",
                "url_kind": "code",
            },
        ),
        Node(
            REPO_COCO,
            NodeKind.REPOSITORY,
            {
                "name": "https://github.com/cocodataset/cocoapi",
                "url": "https://github.com/cocodataset/cocoapi",
                "url_kind": "code",
            },
        ),
        Node(
            WEB_LLAVA,
            NodeKind.WEBSITE,
            {
                "name": "https://llava-vl.github.io",
                "url": "https://llava-vl.github.io",
                "url_kind": "project",
            },
        ),
    ):
        g.add_node(n)
    edges = [
        (P1, LLAVA, EdgeType.INTRODUCES),
        (P1, INSTRUCT, EdgeType.INTRODUCES),
        (P1, COCO, EdgeType.USES),
        (P1, SQA, EdgeType.EVALUATES_ON),
        (P1, REPO_LLAVA, EdgeType.HAS_CODE),
        (P1, WEB_LLAVA, EdgeType.HAS_WEBSITE),
        (LLAVA, INSTRUCT, EdgeType.TRAINED_ON),
        (P2, LLAVA15, EdgeType.INTRODUCES),
        (P2, INSTRUCT, EdgeType.USES),
        (P2, COCO, EdgeType.USES),
        (P2, SQA, EdgeType.EVALUATES_ON),
        (P2, MMB, EdgeType.EVALUATES_ON),
        (P3, COCO, EdgeType.INTRODUCES),
        (P3, REPO_COCO, EdgeType.HAS_CODE),
    ]
    for i, (s, t, typ) in enumerate(edges):
        src_paper = s if s.startswith("paper:") else P1
        g.add_edge(Edge(s, t, typ, evidence(src_paper, f"Sentence {i} about {t}.", start=i)))
    g.add_edge(
        Edge(
            LLAVA15,
            LLAVA,
            EdgeType.VARIANT_OF,
            {"extractor": "paperkg.resolve", "extractor_version": "0.1", "confidence": 1.0},
        )
    )
    return g
