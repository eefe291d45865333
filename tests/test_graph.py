from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperkg.graph import GraphFormatError, KnowledgeGraph
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.output.graphjson import json_pieces, save_graph
from paperkg.spill import Spooled, TextSpool


def small() -> KnowledgeGraph:
    g = KnowledgeGraph()
    g.add_node(Node("paper:1", NodeKind.PAPER, {"title": "One", "sources": ["a.txt"], "dates": []}))
    g.add_node(Node("model:clip", NodeKind.MODEL, {"name": "CLIP", "aliases": ["clip"]}))
    g.add_node(Node("dataset:coco", NodeKind.DATASET, {"name": "COCO", "aliases": []}))
    g.add_edge(Edge("paper:1", "model:clip", EdgeType.USES, {"confidence": 0.5, "sentence": "weak"}))
    g.add_edge(Edge("paper:1", "dataset:coco", EdgeType.USES, {"confidence": 0.9, "sentence": "s"}))
    g.add_edge(Edge("model:clip", "dataset:coco", EdgeType.TRAINED_ON, {"confidence": 0.7}))
    return g


def test_nodes_merge_lists_and_keep_first_values() -> None:
    g = small()
    g.add_node(Node("paper:1", NodeKind.PAPER, {"title": "Other", "sources": ["b.txt", "a.txt"]}))
    n = g.node("paper:1")
    assert n.props["title"] == "One" and n.props["sources"] == ["a.txt", "b.txt"]


def test_one_edge_per_type_keeps_the_stronger_evidence() -> None:
    g = small()
    assert not g.add_edge(
        Edge("paper:1", "model:clip", EdgeType.USES, {"confidence": 0.8, "sentence": "strong"})
    )
    (e,) = [e for e in g.edges(EdgeType.USES) if e.target == "model:clip"]
    assert e.props["sentence"] == "strong"
    with pytest.raises(KeyError):
        g.add_edge(Edge("paper:1", "model:nope", EdgeType.USES, {}))


def test_counts_and_neighbourhood() -> None:
    g = small()
    nodes, edges = g.counts()
    assert nodes == {"paper": 1, "model": 1, "dataset": 1}
    assert edges == {"USES": 2, "TRAINED_ON": 1}
    assert g.neighbourhood(["dataset:coco"], 1) == {"dataset:coco", "paper:1", "model:clip"}


def test_save_writes_the_node_link_json_and_loads_back(tmp_path: Path) -> None:
    g = small()
    save_graph(g, tmp_path / "g.json")
    data = json.loads((tmp_path / "g.json").read_text())
    ref = g.to_json()
    assert {k: data[k] for k in ("directed", "multigraph", "graph")} == {
        k: ref[k] for k in ("directed", "multigraph", "graph")
    }
    assert sorted(data["nodes"], key=lambda n: n["id"]) == sorted(ref["nodes"], key=lambda n: n["id"])
    assert len(data["edges"]) == len(ref["edges"]) == 3
    back = KnowledgeGraph.load(tmp_path / "g.json")
    assert back.counts() == g.counts()
    assert back.node("model:clip").props["aliases"] == ["clip"]
    assert not list((tmp_path).glob(".*.tmp"))


def test_save_in_chunks_is_valid_for_any_size(tmp_path: Path) -> None:
    g = KnowledgeGraph()
    for i in range(12):
        g.add_node(Node(f"model:m{i}", NodeKind.MODEL, {"name": f"M{i}", "aliases": []}))
    pieces = b"".join(json_pieces(g, chunk=5))
    assert len(json.loads(pieces)["nodes"]) == 12
    assert json.loads(b"".join(json_pieces(KnowledgeGraph())))["nodes"] == []


@pytest.mark.parametrize(
    "data,needle",
    [
        ([], "node-link"),
        ({"nodes": [{"id": "x"}], "edges": []}, "kind"),
        (
            {"nodes": [{"id": "x", "kind": "paper"}], "edges": [{"source": "x", "target": "x", "key": "K"}]},
            "type",
        ),
        (
            {
                "nodes": [{"id": "x", "kind": "paper"}],
                "edges": [{"source": "x", "target": "y", "type": "USES"}],
            },
            "joins",
        ),
        ({"nodes": [{"kind": "paper"}], "edges": []}, "without 'id'"),
    ],
)
def test_from_json_rejects_what_is_not_a_paperkg_graph(data: object, needle: str) -> None:
    with pytest.raises(GraphFormatError, match=needle):
        KnowledgeGraph.from_json(data)


def test_a_spooled_abstract_is_read_back_wherever_the_node_is_read(tmp_path: Path) -> None:
    text = "An abstract long enough to keep on disk, on COCO and Flickr30K. " * 5
    spool = TextSpool()
    g = small()
    g.add_node(Node("paper:9", NodeKind.PAPER, {"title": "T", "abstract": spool.put(text)}))
    assert type(g.node_attrs("paper:9")["abstract"]) is Spooled  # not the text itself
    assert g.node("paper:9").props["abstract"] == text
    assert {n.id: n.props.get("abstract") for n in g.nodes(NodeKind.PAPER)}["paper:9"] == text
    assert {n["id"]: n.get("abstract") for n in g.to_json()["nodes"]}["paper:9"] == text
    assert g.subgraph(["paper:9"]).node("paper:9").props["abstract"] == text
    save_graph(g, tmp_path / "g.json")
    assert KnowledgeGraph.load(tmp_path / "g.json").node("paper:9").props["abstract"] == text
