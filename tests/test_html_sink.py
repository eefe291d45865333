"""HtmlSink without a browser: page structure, escaping, selection (max_nodes, focus), layout."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from paperkg.graph import KnowledgeGraph
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.sinks.base import SinkError, write_graph
from paperkg.sinks.html import HtmlSink, json_for_script, vis_network_js
from paperkg.sinks.html.layout import fast_layout

EVIL = "<img src=x onerror=window.__pwned=1></script><script>window.__pwned=1</script>&amp;\u2028\u2029"
DATA_RE = re.compile(r'<script type="application/json" id="paperkg-data">(.*?)</script>', re.DOTALL)


def evidence(paper: str, sentence: str = "We use COCO.", confidence: float = 0.9) -> dict[str, Any]:
    return {
        "field": "abstract",
        "start": 7,
        "end": 11,
        "sentence": sentence,
        "extractor": "paperkg.extraction",
        "extractor_version": "test",
        "confidence": confidence,
        "paper": paper,
    }


def sample_graph(evil: str = "", bad_url: str = "javascript:alert(1)") -> KnowledgeGraph:
    """A small graph of every kind; ``evil`` is appended to names and titles (and is an alias of
    COCO), ``bad_url`` is a paper URL that must never become a link."""
    g = KnowledgeGraph()
    p1, p2, p3 = "paper:2401.00001", "paper:2401.00002", "paper:t-0123456789abcdef"
    g.add_node(
        Node(p1, NodeKind.PAPER, {"title": "Visual instruction tuning" + evil, "arxiv_id": "2401.00001"})
    )
    g.add_node(Node(p2, NodeKind.PAPER, {"title": "Benchmarking vision models", "arxiv_id": "2401.00002"}))
    g.add_node(Node(p3, NodeKind.PAPER, {"title": "No arXiv here", "url": bad_url}))
    g.add_node(
        Node("model:llava-1-5", NodeKind.MODEL, {"name": "LLaVA-1.5", "aliases": ["llava-v1.5", "LLaVA 1.5"]})
    )
    g.add_node(Node("model:llava", NodeKind.MODEL, {"name": "LLaVA", "aliases": ["LLaVA"]}))
    g.add_node(
        Node(
            "dataset:coco",
            NodeKind.DATASET,
            {"name": "COCO" + evil, "aliases": ["MS-COCO", *([evil] if evil else [])]},
        )
    )
    g.add_node(Node("benchmark:mmlu", NodeKind.BENCHMARK, {"name": "MMLU", "aliases": []}))
    url = "https://github.com/haotian-liu/LLaVA"
    g.add_node(
        Node(
            "repo:github.com/haotian-liu/llava",
            NodeKind.REPOSITORY,
            {"name": url, "url": url, "url_kind": "code"},
        )
    )
    g.add_node(
        Node(
            "web:llava-vl.github.io",
            NodeKind.WEBSITE,
            {
                "name": "https://llava-vl.github.io",
                "url": "https://llava-vl.github.io",
                "url_kind": "project",
            },
        )
    )
    g.add_edge(
        Edge(p1, "model:llava-1-5", EdgeType.INTRODUCES, evidence(p1, "We introduce LLaVA-1.5" + evil))
    )
    g.add_edge(Edge(p1, "dataset:coco", EdgeType.USES, evidence(p1)))
    g.add_edge(Edge(p2, "dataset:coco", EdgeType.USES, evidence(p2)))
    g.add_edge(Edge(p2, "benchmark:mmlu", EdgeType.EVALUATES_ON, evidence(p2, "Results on MMLU.")))
    g.add_edge(Edge(p3, "model:llava", EdgeType.USES, evidence(p3)))
    g.add_edge(Edge(p1, "repo:github.com/haotian-liu/llava", EdgeType.HAS_CODE, evidence(p1)))
    g.add_edge(Edge(p1, "web:llava-vl.github.io", EdgeType.HAS_WEBSITE, evidence(p1)))
    g.add_edge(
        Edge(
            "model:llava-1-5",
            "model:llava",
            EdgeType.VARIANT_OF,
            {"extractor": "paperkg.resolve", "confidence": 1.0},
        )
    )
    g.add_edge(Edge("model:llava-1-5", "dataset:coco", EdgeType.TRAINED_ON, evidence(p1)))
    return g


def star_graph(leaves: int) -> KnowledgeGraph:
    """One dataset used by ``leaves`` papers, plus a chain of papers sharing models."""
    g = KnowledgeGraph()
    g.add_node(Node("dataset:hub", NodeKind.DATASET, {"name": "Hub", "aliases": ["THE-HUB"]}))
    for i in range(leaves):
        pid = f"paper:2402.{i:05d}"
        g.add_node(Node(pid, NodeKind.PAPER, {"title": f"Paper {i}", "arxiv_id": f"2402.{i:05d}"}))
        g.add_edge(Edge(pid, "dataset:hub", EdgeType.USES, evidence(pid)))
        mid = f"model:m{i}"
        g.add_node(Node(mid, NodeKind.MODEL, {"name": f"M{i}", "aliases": [f"M{i}"]}))
        g.add_edge(Edge(pid, mid, EdgeType.INTRODUCES, evidence(pid)))
    return g


def dated_graph() -> KnowledgeGraph:
    """Papers of January, February and March 2025 and one undated, with the entities they link to.

    Dates: p1 is listed 2025-01-10 (its first version is older), p2 has only a year-less listing line
    and so its first version, 2025-02-15; p3 is listed 2025-03-20 and 2025-03-22; p4 has no date.
    ``dataset:carried`` carries its own (made-up) first/last seen; ``model:alpha-mini`` no paper links.
    """
    g = KnowledgeGraph()
    p1, p2, p3, p4 = "paper:2501.00001", "paper:2502.00002", "paper:2503.00003", "paper:t-undated"
    papers = {
        p1: {
            "title": "Alpha",
            "arxiv_id": "2501.00001",
            "dates": ["Jan 10", "2025-01-10"],
            "published": "2025-01-08",
        },
        p2: {
            "title": "Bench study",
            "arxiv_id": "2502.00002",
            "dates": ["May 6"],
            "published": "2025-02-15T12:00:00Z",
        },
        p3: {"title": "Alpha again", "arxiv_id": "2503.00003", "dates": ["2025-03-22", "2025-03-20"]},
        p4: {"title": "Undated"},
    }
    for pid, props in papers.items():
        g.add_node(Node(pid, NodeKind.PAPER, props))
    entities = {
        "model:alpha": (NodeKind.MODEL, {"name": "Alpha"}),
        "model:alpha-mini": (NodeKind.MODEL, {"name": "Alpha-mini"}),
        "dataset:shared": (NodeKind.DATASET, {"name": "Shared"}),
        "dataset:carried": (
            NodeKind.DATASET,
            {"name": "Carried", "first_seen": "2025-03-01", "last_seen": "2025-03-25"},
        ),
        "dataset:orphan": (NodeKind.DATASET, {"name": "Orphan", "first_seen": "soon", "last_seen": "later"}),
        "benchmark:bench": (NodeKind.BENCHMARK, {"name": "Bench"}),
        "repo:github.com/lab/alpha": (
            NodeKind.REPOSITORY,
            {"name": "https://github.com/lab/alpha", "url_kind": "code"},
        ),
    }
    for nid, (kind, props) in entities.items():
        g.add_node(Node(nid, kind, props))
    for src, dst, etype in (
        (p1, "model:alpha", EdgeType.INTRODUCES),
        (p3, "model:alpha", EdgeType.USES),
        (p1, "dataset:shared", EdgeType.USES),
        (p2, "dataset:shared", EdgeType.USES),
        (p4, "dataset:shared", EdgeType.USES),
        (p3, "dataset:carried", EdgeType.USES),
        (p4, "dataset:orphan", EdgeType.USES),
        (p2, "benchmark:bench", EdgeType.EVALUATES_ON),
        (p1, "repo:github.com/lab/alpha", EdgeType.HAS_CODE),
    ):
        g.add_edge(Edge(src, dst, etype, evidence(src)))
    g.add_edge(Edge("model:alpha-mini", "model:alpha", EdgeType.VARIANT_OF, {"extractor": "paperkg.resolve"}))
    g.add_edge(Edge("model:alpha-mini", "dataset:shared", EdgeType.TRAINED_ON, evidence(p3)))
    return g


def render(graph: KnowledgeGraph, tmp_path: Path, **kwargs: Any) -> tuple[str, dict[str, Any], HtmlSink]:
    path = tmp_path / "graph.html"
    sink = HtmlSink(path, **kwargs)
    report = write_graph(graph, sink)
    assert (report.nodes, report.edges) == (graph.number_of_nodes(), graph.number_of_edges())
    assert report.target == str(path)
    page = path.read_text(encoding="utf-8")
    m = DATA_RE.search(page)
    assert m is not None
    return page, json.loads(m.group(1)), sink


def test_page_is_self_contained(tmp_path: Path) -> None:
    page, data, _ = render(sample_graph(), tmp_path)
    assert page.startswith("<!DOCTYPE html>")
    # No external resources: no http(s) or protocol-relative src/href, no <link>, no CSS imports.
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"<link\b", page, re.IGNORECASE)
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", page, re.IGNORECASE)
    assert "cdn" not in page.lower().replace("cdnjs", "")  # no CDN references at all
    assert "bootstrap" not in page.lower()
    assert "vis-network" in page  # the library is inlined
    assert data["shown_nodes"] == data["total_nodes"] == 9
    assert data["shown_edges"] == data["total_edges"] == 9


def test_csp_allows_exactly_the_inline_scripts(tmp_path: Path) -> None:
    page, _, _ = render(sample_graph(), tmp_path)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None
    assert "default-src 'none'" in csp.group(1)
    scripts = re.findall(r"<script(?: id=\"paperkg-app\")?>(.*?)</script>", page, re.DOTALL)
    assert len(scripts) == 2
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp.group(1)
    assert "unsafe-inline" not in csp.group(1).split("style-src")[0]


def test_untrusted_text_cannot_break_out(tmp_path: Path) -> None:
    page, data, _ = render(sample_graph(EVIL), tmp_path, title="My graph " + EVIL)
    block = DATA_RE.search(page)
    assert block is not None
    raw = block.group(1)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in raw
    # Exactly our three script elements, whatever the titles contain.
    inlined = len(re.findall(r"<script\b", vis_network_js(), re.IGNORECASE))  # a string inside vis
    assert len(re.findall(r"<script\b", page, re.IGNORECASE)) == 3 + inlined
    assert len(re.findall(r"</script", page, re.IGNORECASE)) == 3
    assert "<img" not in page
    # The text survives unchanged for the page to show literally.
    titles = {n["id"]: n["name"] for n in data["nodes"]}
    assert titles["paper:2401.00001"] == "Visual instruction tuning" + EVIL
    assert data["title"] == "My graph " + EVIL
    sentences = {e.get("sentence") for e in data["edges"]}
    assert " ".join(("We introduce LLaVA-1.5" + EVIL).split()) in sentences  # whitespace normalised
    assert "<title>My graph &lt;img src=x" in page


def test_json_for_script_round_trips() -> None:
    value = {"a": "</script><!-- & \u2028\u2029 >", "b": [1, 2.5, None, True]}
    text = json_for_script(value)
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == value


def test_labels_tooltips_and_urls(tmp_path: Path) -> None:
    long_title = "A " + "very " * 30 + "long title"
    g = sample_graph()
    g.add_node(Node("paper:2403.00001", NodeKind.PAPER, {"title": long_title, "arxiv_id": "2403.00001v2"}))
    _, data, _ = render(g, tmp_path)
    nodes = {n["id"]: n for n in data["nodes"]}
    long = nodes["paper:2403.00001"]
    assert long["name"] == long_title and long["label"].endswith("…") and len(long["label"]) <= 40
    assert long["url"] == "https://arxiv.org/abs/2403.00001v2"
    assert nodes["paper:2401.00001"]["url"] == "https://arxiv.org/abs/2401.00001"
    assert "url" not in nodes["paper:t-0123456789abcdef"]  # javascript: is never a link
    assert nodes["repo:github.com/haotian-liu/llava"]["url"] == "https://github.com/haotian-liu/LLaVA"
    assert nodes["repo:github.com/haotian-liu/llava"]["label"] == "github.com/haotian-liu/LLaVA"
    assert nodes["model:llava-1-5"]["aliases"] == ["llava-v1.5", "LLaVA 1.5"]
    assert "aliases" not in nodes["model:llava"]  # the alias equal to the name is not repeated
    assert nodes["dataset:coco"]["info"] == ["introduced by 0 paper(s), used by 2 paper(s)"]
    edges = {(e["from"], e["to"], e["type"]): e for e in data["edges"]}
    intro = edges[("paper:2401.00001", "model:llava-1-5", "INTRODUCES")]
    assert intro["role"] == "introduced" and intro["sentence"] == "We introduce LLaVA-1.5"
    assert edges[("paper:2401.00002", "benchmark:mmlu", "EVALUATES_ON")]["role"] == "used"
    assert edges[("model:llava-1-5", "dataset:coco", "TRAINED_ON")]["paper"] == "Visual instruction tuning"
    assert "sentence" not in edges[("model:llava-1-5", "model:llava", "VARIANT_OF")]


def test_max_nodes_keeps_best_connected(tmp_path: Path) -> None:
    g = star_graph(20)
    _, data, sink = render(g, tmp_path, max_nodes=5)
    ids = [n["id"] for n in data["nodes"]]
    assert len(ids) == 5 and "dataset:hub" in ids
    assert data["shown_nodes"] == 5 and data["total_nodes"] == 41 and data["max_nodes"] == 5
    assert sink.received_nodes == 41 and sink.received_edges == 40
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])
    # Ties broken by id: the hub (degree 20), then the best-connected papers (degree 2) by id.
    assert ids == [
        "dataset:hub",
        "paper:2402.00000",
        "paper:2402.00001",
        "paper:2402.00002",
        "paper:2402.00003",
    ]


def test_focus_by_alias_and_depth(tmp_path: Path) -> None:
    g = sample_graph()
    _, d1, _ = render(g, tmp_path, focus="ms-coco", depth=1)
    ids1 = {n["id"] for n in d1["nodes"]}
    assert ids1 == {"dataset:coco", "paper:2401.00001", "paper:2401.00002", "model:llava-1-5"}
    assert d1["focus"] == "ms-coco" and d1["depth"] == 1
    _, d2, _ = render(g, tmp_path, focus="COCO", depth=2)
    ids2 = {n["id"] for n in d2["nodes"]}
    assert ids1 < ids2 and "benchmark:mmlu" in ids2 and "model:llava" in ids2
    assert "paper:t-0123456789abcdef" not in ids2  # three hops away
    _, d0, _ = render(g, tmp_path, focus="llava 1.5", depth=0)
    assert [n["id"] for n in d0["nodes"]] == ["model:llava-1-5"]


def test_focus_with_max_nodes_keeps_the_focus(tmp_path: Path) -> None:
    g = star_graph(10)
    _, data, _ = render(g, tmp_path, focus="M3", depth=2, max_nodes=2)
    ids = [n["id"] for n in data["nodes"]]
    assert "model:m3" in ids and len(ids) == 2


def test_unknown_focus_is_a_sink_error(tmp_path: Path) -> None:
    sink = HtmlSink(tmp_path / "g.html", focus="LLaVA-15")
    with pytest.raises(SinkError, match=r"--focus 'LLaVA-15': no node has that name or alias.*LLaVA-1\.5"):
        write_graph(sample_graph(), sink)
    assert not (tmp_path / "g.html").exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"max_nodes": 0}, "--max-nodes"), ({"depth": -1}, "--depth"), ({"focus": "  "}, "--focus")],
)
def test_bad_options(tmp_path: Path, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(SinkError, match=message):
        HtmlSink(tmp_path / "g.html", **kwargs)


def test_unwritable_path_is_a_sink_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(SinkError, match="cannot write"):
        write_graph(sample_graph(), HtmlSink(tmp_path / "file" / "g.html"))


def test_empty_graph(tmp_path: Path) -> None:
    _, data, _ = render(KnowledgeGraph(), tmp_path)
    assert data["nodes"] == [] and data["total_nodes"] == 0


def test_precomputed_layout_above_threshold(tmp_path: Path) -> None:
    g = star_graph(30)
    _, small, _ = render(g, tmp_path)
    assert not small["positioned"] and "x" not in small["nodes"][0]
    _, big, _ = render(g, tmp_path, layout_threshold=10)
    assert big["positioned"]
    xs = [(n["x"], n["y"]) for n in big["nodes"]]
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in xs)
    assert len(set(xs)) == len(xs)


def test_fast_layout_is_deterministic_and_spread() -> None:
    n = 400
    src = [i for i in range(1, n)]
    dst = [i % 7 for i in range(1, n)]
    a = fast_layout(n, src, dst, seed=3)
    b = fast_layout(n, src, dst, seed=3)
    assert (a == b).all()
    assert a.shape == (n, 2)
    import numpy as np

    assert np.isfinite(a).all()
    spread = a.max(axis=0) - a.min(axis=0)
    assert (spread > 5).all()  # not collapsed onto a point
    assert fast_layout(0, [], []).shape == (0, 2)
    assert fast_layout(1, [], []).shape == (1, 2)


def test_edge_tells_a_mention_type_other_than_the_node_type(tmp_path: Path) -> None:
    g = KnowledgeGraph()
    g.add_node(Node("paper:1", NodeKind.PAPER, {"title": "T"}))
    g.add_node(Node("dataset:zorba", NodeKind.DATASET, {"name": "Zorba"}))
    g.add_node(Node("model:m", NodeKind.MODEL, {"name": "M"}))
    g.add_edge(
        Edge("paper:1", "dataset:zorba", EdgeType.USES, {**evidence("paper:1"), "mention_type": "benchmark"})
    )
    g.add_edge(Edge("paper:1", "model:m", EdgeType.USES, {**evidence("paper:1"), "mention_type": "model"}))
    page, data, _ = render(g, tmp_path)
    by_target = {e["to"]: e for e in data["edges"]}
    assert by_target["dataset:zorba"]["mention_type"] == "benchmark"
    assert "mention_type" not in by_target["model:m"]  # the paper agrees with the node
    assert "e.mention_type" in page  # the tooltip shows it


def test_papers_carry_their_date_and_entities_first_and_last_seen(tmp_path: Path) -> None:
    _, data, _ = render(dated_graph(), tmp_path)
    nodes = {n["id"]: n for n in data["nodes"]}
    dates = {nid: n.get("date") for nid, n in nodes.items() if n["kind"] == "paper"}
    assert dates == {
        "paper:2501.00001": "2025-01-10",  # the listing day, not the older first version
        "paper:2502.00002": "2025-02-15",  # "May 6" has no year: the first version's day
        "paper:2503.00003": "2025-03-20",  # the earliest listing
        "paper:t-undated": None,
    }
    seen = {
        nid: (n.get("first_seen"), n.get("last_seen")) for nid, n in nodes.items() if n["kind"] != "paper"
    }
    assert seen == {
        "model:alpha": ("2025-01-10", "2025-03-20"),
        "dataset:shared": ("2025-01-10", "2025-02-15"),  # the undated paper counts for nothing
        "benchmark:bench": ("2025-02-15", "2025-02-15"),
        "repo:github.com/lab/alpha": ("2025-01-10", "2025-01-10"),
        "dataset:carried": ("2025-03-01", "2025-03-25"),  # its own properties win
        "dataset:orphan": (None, None),  # not dates, and its only paper is undated
        "model:alpha-mini": (None, None),  # VARIANT_OF and TRAINED_ON are not a paper's mentions
    }
    assert not any("first_seen" in n for n in nodes.values() if n["kind"] == "paper")
    assert data["date_span"] == ["2025-01-10", "2025-03-20"]
    assert data["paper_edges"] == ["EVALUATES_ON", "HAS_CODE", "HAS_WEBSITE", "INTRODUCES", "USES"]


def test_first_seen_counts_papers_not_drawn_and_the_span_only_drawn_ones(tmp_path: Path) -> None:
    _, data, _ = render(dated_graph(), tmp_path, focus="Alpha-mini", depth=1)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == {"model:alpha-mini", "model:alpha", "dataset:shared"}
    assert (nodes["model:alpha"]["first_seen"], nodes["model:alpha"]["last_seen"]) == (
        "2025-01-10",
        "2025-03-20",
    )
    assert data["date_span"] is None  # no paper is drawn
    _, bench, _ = render(dated_graph(), tmp_path, focus="Bench", depth=1)
    assert bench["date_span"] == ["2025-02-15", "2025-02-15"]


def test_undated_graph_has_no_span(tmp_path: Path) -> None:
    _, data, _ = render(sample_graph(), tmp_path)
    assert data["date_span"] is None
    assert not any(k in n for n in data["nodes"] for k in ("date", "first_seen", "last_seen"))
    _, empty, _ = render(KnowledgeGraph(), tmp_path)
    assert empty["date_span"] is None
