from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperkg.graph import GraphFormatError, KnowledgeGraph
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.output.graphjson import json_pieces, read_record, save_graph, splice_json
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


def test_stored_attributes_are_read_and_replaced_in_place() -> None:
    g = small()
    assert [n for n, _ in g.node_items()] == ["paper:1", "model:clip", "dataset:coco"]
    key = ("model:clip", "dataset:coco", "TRAINED_ON")
    assert dict(g.edge_items())[key] == g.edge_attrs(key) == {"type": "TRAINED_ON", "confidence": 0.7}
    assert g.has_edge(key) and not g.has_edge(("dataset:coco", "model:clip", "TRAINED_ON"))
    assert g.edge(key) == Edge("model:clip", "dataset:coco", EdgeType.TRAINED_ON, {"confidence": 0.7})
    aliases = ["CLIP-L"]
    g.set_node_attrs("model:clip", {"kind": "model", "name": "CLIP", "aliases": aliases})
    aliases.append("changed later")  # the graph holds its own list
    assert [n for n, _ in g.node_items()][1] == "model:clip"  # the node kept its place
    assert g.node("model:clip").props == {"name": "CLIP", "aliases": ["CLIP-L"]}
    g.set_edge_attrs(key, {"type": "TRAINED_ON", "confidence": 0.9})
    g.set_edge_attrs(("dataset:coco", "model:clip", "VARIANT_OF"), {"type": "VARIANT_OF"})
    assert g.edge(key).props == {"confidence": 0.9}
    assert g.counts()[1] == {"USES": 2, "TRAINED_ON": 1, "VARIANT_OF": 1}


def test_the_saved_layout_says_where_each_record_lies(tmp_path: Path) -> None:
    g = small()
    layout = save_graph(g, tmp_path / "g.json")
    path = tmp_path / "g.json"
    for nid, _ in g.node_items():
        assert read_record(path, layout.nodes[nid]) == {"id": nid, **g.node_attrs(nid)}
    # a paper's edges never change once written: only the others are placed
    assert list(layout.edges) == [("model:clip", "dataset:coco", "TRAINED_ON")]
    assert read_record(path, (0, 5)) is None
    data = path.read_bytes()
    assert [data[e : e + 1] for e, _ in layout.ends.values()] == [b"]", b"]"]
    assert [n for _, n in layout.ends.values()] == [3, 3]


def test_splicing_replaces_and_appends_records_and_says_where_they_went(tmp_path: Path) -> None:
    g = small()
    path = tmp_path / "g.json"
    layout = save_graph(g, path)
    g.add_node(Node("model:clip", NodeKind.MODEL, {"aliases": ["CLIP-ViT"]}))  # changed
    g.add_node(Node("model:new", NodeKind.MODEL, {"name": "New", "aliases": []}))  # added
    g.add_edge(Edge("model:new", "model:clip", EdgeType.VARIANT_OF, {"confidence": 1.0}))
    nodes = {n: g.node_attrs(n) for n in ("model:clip", "model:new")}
    edges = {
        ("model:new", "model:clip", "VARIANT_OF"): g.edge_attrs(("model:new", "model:clip", "VARIANT_OF"))
    }
    done = splice_json(path, (layout.nodes, layout.edges), layout.ends, nodes, edges)
    assert path.read_bytes() != done.tmp.read_bytes()  # beside the file until committed
    done.commit()
    assert KnowledgeGraph.load(path).to_json() == g.to_json()
    for nid, span in done.nodes.items():
        assert read_record(path, span) == {"id": nid, **g.node_attrs(nid)}
    assert done.ends["nodes"][1] == 4 and done.ends["edges"][1] == 4
    start, end = layout.nodes["dataset:coco"]  # after the changed record: it moved
    at = done.move(start)
    assert at != start and read_record(path, (at, at + end - start)) == {
        "id": "dataset:coco",
        **g.node_attrs("dataset:coco"),
    }
