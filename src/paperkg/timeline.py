"""When things were seen: a paper's date, and each entity's first and last date and papers per month.

A paper's date is its earliest listing date (a daily page, the Hugging Face listing day) when that is
a full calendar date, else its first-version date (``published``). Listing lines such as "May 6"
carry no year and do not count as a date. An entity's dates come from the papers linked to it by an
extracted edge (introduces, uses, evaluates on, code, website): ``first_seen`` is the earliest,
``last_seen`` the latest, and ``papers_per_month`` counts distinct papers by ``YYYY-MM``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from paperkg.graph import KnowledgeGraph
from paperkg.model import Edge, EdgeType, NodeKind

_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")
#: Edges whose source is the paper that mentions the target.
PAPER_EDGES = frozenset(
    {EdgeType.INTRODUCES, EdgeType.USES, EdgeType.EVALUATES_ON, EdgeType.HAS_CODE, EdgeType.HAS_WEBSITE}
)


def iso_day(value: Any) -> str | None:
    """``YYYY-MM-DD`` of an ISO date or timestamp, else None.

    Example:
        >>> iso_day("2025-02-04T17:59:59Z"), iso_day("May 6"), iso_day("2025-13-01")
        ('2025-02-04', None, None)
    """
    if not isinstance(value, str):
        return None
    m = _ISO_DAY.match(value.strip())
    if not m or not (1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31):
        return None
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"


def paper_date(props: Mapping[str, Any]) -> str | None:
    """The date of a paper node's properties: earliest full listing date, else first version."""
    listed = sorted(d for d in (iso_day(x) for x in props.get("dates") or ()) if d)
    return listed[0] if listed else iso_day(props.get("published"))


@dataclass
class Seen:
    """The dates of one entity's papers."""

    first_seen: str | None = None
    last_seen: str | None = None
    papers_per_month: Counter[str] = field(default_factory=Counter)
    papers: set[str] = field(default_factory=set)

    def add(self, paper: str, date: str | None) -> None:
        """Count ``paper`` (once) at ``date`` (None: a paper of unknown date)."""
        if paper in self.papers:
            return
        self.papers.add(paper)
        if date is None:
            return
        self.papers_per_month[date[:7]] += 1
        if self.first_seen is None or date < self.first_seen:
            self.first_seen = date
        if self.last_seen is None or date > self.last_seen:
            self.last_seen = date

    def props(self) -> dict[str, Any]:
        """The node properties that carry these dates (absent when no paper has a date)."""
        if self.first_seen is None:
            return {}
        months = dict(sorted(self.papers_per_month.items()))
        return {"first_seen": self.first_seen, "last_seen": self.last_seen, "papers_per_month": months}


def paper_dates(graph: KnowledgeGraph) -> dict[str, str | None]:
    """Every paper node's date (None when unknown), by node id."""
    return {n.id: paper_date(n.props) for n in graph.nodes(NodeKind.PAPER)}


def entity_seen(graph: KnowledgeGraph, dates: Mapping[str, str | None] | None = None) -> dict[str, Seen]:
    """What :class:`Seen` holds for every node that a paper links to, by node id."""
    return seen_by_edges(graph.edges(), paper_dates(graph) if dates is None else dates)


def seen_by_edges(edges: Iterable[Edge], dates: Mapping[str, str | None]) -> dict[str, Seen]:
    """:class:`Seen` of each target of ``edges`` from the papers (the keys of ``dates``) that link to
    it by an extracted edge."""
    seen: dict[str, Seen] = {}
    for e in edges:
        if e.type in PAPER_EDGES and e.source in dates:
            seen.setdefault(e.target, Seen()).add(e.source, dates[e.source])
    return seen


def merge_seen(props: Mapping[str, Any], seen: Seen) -> dict[str, Any]:
    """The time properties of a node that had ``props`` once the papers of ``seen`` are added (their
    papers must be new to the node, as in an update)."""
    new = seen.props()
    if not new:
        return {}
    old_first, old_last = props.get("first_seen"), props.get("last_seen")
    months = Counter(props.get("papers_per_month") or {})
    months.update(new["papers_per_month"])
    return {
        "first_seen": min(d for d in (old_first, new["first_seen"]) if d),
        "last_seen": max(d for d in (old_last, new["last_seen"]) if d),
        "papers_per_month": dict(sorted(months.items())),
    }


def combined_seen(parts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The time properties of a node whose papers are split among ``parts`` (the properties of
    each part's version of the node; each paper in one part): the earliest first date, the latest
    last date, the months' counts summed. Empty when no part has a dated paper."""
    firsts, lasts, months = [], [], Counter[str]()
    for props in parts:
        if props.get("first_seen"):
            firsts.append(props["first_seen"])
            lasts.append(props["last_seen"])
            months.update(props.get("papers_per_month") or {})
    if not firsts:
        return {}
    months_sorted = dict(sorted(months.items()))
    return {"first_seen": min(firsts), "last_seen": max(lasts), "papers_per_month": months_sorted}
