"""Paper dates and each entity's first/last date and papers per month (paperkg.timeline)."""

from __future__ import annotations

from paperkg.graph import KnowledgeGraph
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.timeline import Seen, combined_seen, entity_seen, iso_day, paper_date


def test_iso_day_accepts_dates_and_timestamps_only() -> None:
    assert iso_day("2025-02-04") == "2025-02-04"
    assert iso_day(" 2025-02-04T10:00:00Z") == "2025-02-04"
    assert iso_day("May 6") is None
    assert iso_day("2025-00-10") is None
    assert iso_day(20250204) is None


def test_paper_date_prefers_the_earliest_full_listing_date() -> None:
    assert (
        paper_date({"dates": ["May 6", "2025-03-02", "2025-03-01"], "published": "2024-12-30"})
        == "2025-03-01"
    )
    assert paper_date({"dates": ["May 6"], "published": "2024-12-30T00:00:00Z"}) == "2024-12-30"
    assert paper_date({"dates": ["May 6"]}) is None


def test_seen_counts_each_paper_once_and_ignores_unknown_dates() -> None:
    s = Seen()
    s.add("p1", "2025-03-09")
    s.add("p1", "2025-01-01")  # the same paper again: not counted
    s.add("p2", "2025-01-20")
    s.add("p3", None)
    assert s.props() == {
        "first_seen": "2025-01-20",
        "last_seen": "2025-03-09",
        "papers_per_month": {"2025-01": 1, "2025-03": 1},
    }
    assert s.papers == {"p1", "p2", "p3"}
    assert Seen().props() == {}


def test_entity_seen_follows_paper_edges_only() -> None:
    g = KnowledgeGraph()
    g.add_node(Node("paper:a", NodeKind.PAPER, {"title": "A", "dates": ["2025-05-02"]}))
    g.add_node(Node("paper:b", NodeKind.PAPER, {"title": "B", "published": "2025-04-30"}))
    g.add_node(Node("model:m", NodeKind.MODEL, {"name": "M"}))
    g.add_node(Node("model:base", NodeKind.MODEL, {"name": "Base"}))
    g.add_edge(Edge("paper:a", "model:m", EdgeType.INTRODUCES))
    g.add_edge(Edge("paper:b", "model:m", EdgeType.USES))
    g.add_edge(Edge("model:m", "model:base", EdgeType.VARIANT_OF))
    seen = entity_seen(g)
    assert set(seen) == {"model:m"}
    assert (seen["model:m"].first_seen, seen["model:m"].last_seen) == ("2025-04-30", "2025-05-02")
    assert dict(seen["model:m"].papers_per_month) == {"2025-04": 1, "2025-05": 1}


def test_combined_seen_of_parts_is_the_seen_of_all_their_papers() -> None:
    parts = [Seen(), Seen(), Seen()]
    papers = [("p1", "2025-03-02"), ("p2", "2025-01-20"), ("p3", None), ("p4", "2025-03-30")]
    papers.append(("p5", "2024-12-31"))
    whole = Seen()
    for i, (paper, day) in enumerate(papers):
        parts[i % 3].add(paper, day)
        whole.add(paper, day)
    assert combined_seen(p.props() for p in parts) == whole.props()
    assert whole.props()["papers_per_month"] == {"2024-12": 1, "2025-01": 1, "2025-03": 2}
    assert combined_seen([{}, {"name": "x"}]) == {}
