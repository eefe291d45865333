"""What changed between two graphs (paperkg.changes) and its text and HTML reports."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from paperkg.changes import EVALUATED_ON, DiffError, diff, read_graph
from paperkg.changes_report import to_html, to_text
from paperkg.graph import KnowledgeGraph
from paperkg.model import Edge, EdgeType, Node, NodeKind


def _graph(
    papers: dict[str, str], entities: dict[str, dict], edges: list[tuple[str, EdgeType, str]]
) -> KnowledgeGraph:
    g = KnowledgeGraph()
    for pid, date in papers.items():
        g.add_node(Node(pid, NodeKind.PAPER, {"title": f"Title of {pid}", "dates": [date]}))
    for nid, props in entities.items():
        g.add_node(Node(nid, NodeKind(nid.split(":")[0]), props))
    for s, t, o in edges:
        g.add_edge(Edge(s, o, t))
    return g


@pytest.fixture
def pair() -> tuple[KnowledgeGraph, KnowledgeGraph]:
    old = _graph(
        {"paper:1": "2025-01-02", "paper:2": "2025-01-05", "paper:gone": "2025-01-06"},
        {
            "model:alpha": {"name": "Alpha"},
            "benchmark:mmlu": {"name": "MMLU"},
            "dataset:vq": {"name": "VQ"},  # becomes a benchmark
            "model:a-1": {"name": "A-1"},  # merged into Alpha (an alias of it in the new graph)
            "dataset:lost": {"name": "Lost"},  # only its paper mentioned it, and that paper is gone
        },
        [
            ("paper:1", EdgeType.INTRODUCES, "model:alpha"),
            ("paper:2", EdgeType.USES, "benchmark:mmlu"),
            ("paper:2", EdgeType.USES, "dataset:vq"),
            ("paper:2", EdgeType.USES, "model:a-1"),
            ("paper:gone", EdgeType.USES, "dataset:lost"),
        ],
    )
    new = _graph(
        {"paper:1": "2025-01-02", "paper:2": "2025-01-05", "paper:3": "2025-02-01", "paper:4": "2025-02-03"},
        {
            "model:alpha": {"name": "Alpha", "aliases": ["A-1"]},
            "benchmark:mmlu": {"name": "MMLU"},
            "benchmark:vq": {"name": "VQ"},
            "model:beta": {"name": "Beta"},
        },
        [
            ("paper:1", EdgeType.INTRODUCES, "model:alpha"),
            ("paper:2", EdgeType.USES, "benchmark:mmlu"),
            ("paper:3", EdgeType.USES, "model:alpha"),
            ("paper:3", EdgeType.EVALUATES_ON, "benchmark:mmlu"),
            ("paper:4", EdgeType.USES, "model:beta"),
            ("paper:3", EdgeType.INTRODUCES, "model:beta"),
            ("paper:4", EdgeType.USES, "model:alpha"),
            ("paper:2", EdgeType.EVALUATES_ON, "benchmark:vq"),
        ],
    )
    return old, new


def test_new_papers_and_entities_with_their_introducer(pair: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    d = diff(*pair)
    assert [p.id for p in d.new_papers] == ["paper:3", "paper:4"]
    assert (d.old_papers, d.new_papers_total) == (3, 4)
    by_id = {e.id: e for e in d.new_entities}
    assert set(by_id) == {"model:beta", "benchmark:vq"}
    beta = by_id["model:beta"]
    # paper:3 introduces it although paper:4 is not earlier; the introducing paper wins over the first user
    assert (beta.introduced_by, beta.papers, beta.first_seen) == ("paper:3", 2, "2025-02-01")
    assert by_id["benchmark:vq"].introduced_by == "paper:2"


def test_rises_rank_by_absolute_then_relative(pair: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    d = diff(*pair)
    assert [(r.id, r.old, r.new, r.absolute, r.relative) for r in d.rises] == [
        ("model:alpha", 1, 3, 2, 2.0),
        ("benchmark:mmlu", 1, 2, 1, 1.0),
    ]
    assert len(diff(*pair, top=1).rises) == 1


def test_new_links_only_between_entities_both_graphs_know(
    pair: tuple[KnowledgeGraph, KnowledgeGraph],
) -> None:
    d = diff(*pair)
    # alpha and mmlu are both old; the link appears with paper:3. beta is new, so beta-mmlu is no "new link".
    assert [(x.source, x.relation, x.target, x.paper) for x in d.new_links] == [
        ("model:alpha", EVALUATED_ON, "benchmark:mmlu", "paper:3")
    ]


def test_gone_entities_carry_their_reason(pair: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    d = diff(*pair)
    assert [(g.id, g.reason, g.into) for g in d.gone] == [
        ("dataset:lost", "removed source", None),
        ("dataset:vq", "retyped", "benchmark:vq"),
        ("model:a-1", "merged", "model:alpha"),
    ]


def test_a_graph_against_itself_has_no_change(pair: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    d = diff(pair[1], pair[1])
    assert not (d.new_papers or d.new_entities or d.rises or d.new_links or d.gone)


def test_text_report_lists_each_part(pair: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    text = to_text(diff(*pair))
    assert text.startswith("papers 3 -> 4 (+2); new entities: 1 benchmark, 1 model; new links: 1; gone: 3\n")
    for heading in ("New papers: 2", "New entities: 2", "Rising entities: top 2", "New links", "Gone: 3"):
        assert f"\n{heading}" in text
    assert any(line.split() == ["Alpha", "EVALUATED_ON", "MMLU", "paper:3"] for line in text.splitlines())


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_escapes_untrusted_names(pair: tuple[KnowledgeGraph, KnowledgeGraph]) -> None:
    old, new = pair
    new.add_node(Node("model:x", NodeKind.MODEL, {"name": "<script>alert(1)</script>"}))
    new.add_edge(Edge("paper:4", "model:x", EdgeType.INTRODUCES))
    page = to_html(diff(old, new), title="week <b>2</b>")
    parser = _Collect()
    parser.feed(page)
    assert "script" not in parser.tags and "b" not in parser.tags
    assert "<script>alert(1)</script>" in "".join(parser.text)
    assert "default-src 'none'" in page


def test_read_graph_names_what_is_missing(tmp_path) -> None:
    with pytest.raises(DiffError, match=r"no graph\.json"):
        read_graph(tmp_path)


def test_command_writes_text_json_and_page(pair: tuple[KnowledgeGraph, KnowledgeGraph], tmp_path) -> None:
    import json

    from click.testing import CliRunner

    from paperkg.cli import main

    old, new = pair
    (tmp_path / "old.json").write_text(json.dumps(old.to_json()), encoding="utf-8")
    (tmp_path / "new.json").write_text(json.dumps(new.to_json()), encoding="utf-8")
    page = tmp_path / "diff.html"
    runner = CliRunner()
    text = runner.invoke(
        main, ["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--html", str(page)]
    )
    assert text.exit_code == 0, text.output
    assert text.output.startswith("papers 3 -> 4 (+2)")
    assert "<table>" in page.read_text(encoding="utf-8")
    as_json = runner.invoke(main, ["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--json"])
    data = json.loads(as_json.output)
    assert [r["id"] for r in data["rises"]] == ["model:alpha", "benchmark:mmlu"]
    assert data["rises"][0]["relative"] == 2.0
    missing = runner.invoke(main, ["diff", str(tmp_path), str(tmp_path / "new.json")])
    assert missing.exit_code == 1 and "no graph.json" in missing.output
