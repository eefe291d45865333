"""The data the HTML page draws: its nodes and edges as JSON-ready dicts, with their styles.

Every string here is untrusted text (names, titles, evidence sentences) that the page renders with
``textContent``; only http(s) URLs become links.

Dates (:mod:`paperkg.timeline`): a drawn paper carries its ``date``, a drawn entity (every node that
is not a paper) its ``first_seen`` and ``last_seen``, and the page's data the span of the drawn papers'
dates; the page's date-range filter reads them.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.sinks.html.layout import LAYOUT_SCALE, fast_layout
from paperkg.timeline import PAPER_EDGES, iso_day, paper_date, seen_by_edges

#: Colour (Okabe-Ito palette, colour-blind safe) and vis-network shape per node kind.
KIND_STYLES: dict[str, dict[str, str]] = {
    NodeKind.PAPER.value: {"color": "#0072B2", "shape": "dot", "label": "Paper"},
    NodeKind.MODEL.value: {"color": "#E69F00", "shape": "diamond", "label": "Model"},
    NodeKind.DATASET.value: {"color": "#009E73", "shape": "square", "label": "Dataset"},
    NodeKind.BENCHMARK.value: {"color": "#CC79A7", "shape": "triangle", "label": "Benchmark"},
    NodeKind.REPOSITORY.value: {"color": "#555555", "shape": "hexagon", "label": "Repository"},
    NodeKind.WEBSITE.value: {"color": "#56B4E9", "shape": "triangleDown", "label": "Website"},
}

#: Colour, dash pattern (``False`` = solid) and width per edge type.
EDGE_STYLES: dict[str, dict[str, Any]] = {
    EdgeType.INTRODUCES.value: {"color": "#D55E00", "dashes": False, "width": 2.0},
    EdgeType.USES.value: {"color": "#7f8fa6", "dashes": False, "width": 1.0},
    EdgeType.EVALUATES_ON.value: {"color": "#CC79A7", "dashes": False, "width": 1.0},
    EdgeType.HAS_CODE.value: {"color": "#333333", "dashes": [6, 4], "width": 1.0},
    EdgeType.HAS_WEBSITE.value: {"color": "#56B4E9", "dashes": [6, 4], "width": 1.0},
    EdgeType.VARIANT_OF.value: {"color": "#E69F00", "dashes": [2, 4], "width": 1.5},
    EdgeType.TRAINED_ON.value: {"color": "#009E73", "dashes": [10, 4, 2, 4], "width": 1.5},
}

EDGE_ROLES: dict[str, str] = {
    EdgeType.INTRODUCES.value: "introduced",
    EdgeType.USES.value: "used",
    EdgeType.EVALUATES_ON.value: "used",
}

LABEL_MAX = 40  # characters of a node label before it is truncated with "…"
SENTENCE_MAX = 600  # evidence sentences longer than this are cut in the page
ALIASES_MAX = 12


# -- node text -------------------------------------------------------------------------------------


def strings(value: Any) -> list[str]:
    """A property value as a list of non-empty strings (one string, a list of them, or nothing)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def _truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _http_url(value: Any) -> str | None:
    if isinstance(value, str) and re.match(r"https?://[^\s]+$", value.strip(), re.IGNORECASE):
        return value.strip()
    return None


_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?:v\d+)?$", re.IGNORECASE)


def _node_url(node: Node) -> str | None:
    """Where clicking a node goes: a paper's arXiv abs page (or its url), an entity's homepage,
    a repository's or website's url. Only http(s) URLs."""
    p = node.props
    if node.kind is NodeKind.PAPER:
        arxiv = p.get("arxiv_id")
        if isinstance(arxiv, str) and _ARXIV_ID.match(arxiv.strip()):
            return f"https://arxiv.org/abs/{arxiv.strip()}"
        return _http_url(p.get("url"))
    if node.kind in (NodeKind.REPOSITORY, NodeKind.WEBSITE):
        return _http_url(p.get("url")) or _http_url(p.get("name"))
    return _http_url(p.get("homepage"))


def _full_name(node: Node) -> str:
    p = node.props
    if node.kind is NodeKind.PAPER:
        return str(p.get("title") or node.id)
    return str(p.get("name") or p.get("url") or node.id)


def _short_label(node: Node) -> str:
    name = _full_name(node)
    if node.kind in (NodeKind.REPOSITORY, NodeKind.WEBSITE):
        name = re.sub(r"^https?://", "", name, flags=re.IGNORECASE)
    return _truncate(name, LABEL_MAX)


# -- items -----------------------------------------------------------------------------------------


def _node_info(node: Node, roles: Counter[str]) -> list[str]:
    """The lines under a node's name: a paper's arXiv id, date and authors; an entity's papers."""
    p = node.props
    info: list[str] = []
    if node.kind is NodeKind.PAPER:
        if p.get("arxiv_id"):
            info.append(f"arXiv {p['arxiv_id']}")
        if p.get("published"):
            info.append(f"published {p['published']}")
        authors = strings(p.get("authors"))
        if authors:
            more = f" +{len(authors) - 3}" if len(authors) > 3 else ""
            info.append(", ".join(authors[:3]) + more)
    elif node.kind.is_entity:
        info.append(f"introduced by {roles['introduced']} paper(s), used by {roles['used']} paper(s)")
    elif p.get("url_kind"):
        info.append(f"{p['url_kind']} link")
    return info


def node_item(node: Node, degree: int, roles: Counter[str]) -> dict[str, Any]:
    """One drawn node: its label, full name, aliases, link and info lines (``roles``: how many
    papers introduced or used it, counted over the whole graph)."""
    full = _full_name(node)
    item: dict[str, Any] = {
        "id": node.id,
        "kind": node.kind.value,
        "label": _short_label(node),
        "name": full,
        "degree": degree,
    }
    aliases = [a for a in dict.fromkeys(strings(node.props.get("aliases"))) if a != full]
    if aliases:
        item["aliases"] = aliases[:ALIASES_MAX]
        if len(aliases) > ALIASES_MAX:
            item["more_aliases"] = len(aliases) - ALIASES_MAX
    url = _node_url(node)
    if url:
        item["url"] = url
    info = _node_info(node, roles)
    if info:
        item["info"] = info
    return item


def edge_item(edge: Edge, nodes: Mapping[str, Node]) -> dict[str, Any]:
    """One drawn edge with its evidence: sentence, field, confidence, and where the paper typed the
    target otherwise than the corpus did, that type."""
    p = edge.props
    item: dict[str, Any] = {"from": edge.source, "to": edge.target, "type": edge.type.value}
    role = EDGE_ROLES.get(edge.type.value)
    if role:
        item["role"] = role
    if p.get("sentence"):
        item["sentence"] = _truncate(str(p["sentence"]), SENTENCE_MAX)
    if p.get("field"):
        item["field"] = str(p["field"])
    conf = p.get("confidence")
    if isinstance(conf, int | float) and math.isfinite(conf):
        item["confidence"] = round(float(conf), 3)
    mention_type = p.get("mention_type")
    target = nodes.get(edge.target)
    if isinstance(mention_type, str) and target is not None and mention_type != target.kind.value:
        item["mention_type"] = mention_type  # the paper typed it otherwise than the corpus
    evidence = p.get("paper")
    if isinstance(evidence, str) and edge.type is EdgeType.TRAINED_ON:
        paper = nodes.get(evidence)
        item["paper"] = _truncate(_full_name(paper), 120) if paper is not None else evidence
    return item


# -- dates -----------------------------------------------------------------------------------------


def _seen_dates(
    nodes: Mapping[str, Node], valid_edges: Iterable[Edge], ids: Iterable[str]
) -> dict[str, tuple[str, str]]:
    """``(first_seen, last_seen)`` of each entity among ``ids`` that has them: its own properties when
    it carries both, else the earliest and latest date of the papers (anywhere in the graph) that link
    to it by an extracted edge. Entities with no dated paper are left out."""
    out: dict[str, tuple[str, str]] = {}
    need: set[str] = set()
    for nid in ids:
        node = nodes[nid]
        if node.kind is NodeKind.PAPER:
            continue
        first, last = iso_day(node.props.get("first_seen")), iso_day(node.props.get("last_seen"))
        if first is not None and last is not None:
            out[nid] = (first, last)
        else:
            need.add(nid)
    if not need:
        return out
    dates = {nid: paper_date(n.props) for nid, n in nodes.items() if n.kind is NodeKind.PAPER}
    seen = seen_by_edges((e for e in valid_edges if e.target in need), dates)
    for nid in sorted(need):
        s = seen.get(nid)
        if s is not None and s.first_seen is not None and s.last_seen is not None:
            out[nid] = (s.first_seen, s.last_seen)
    return out


def _date_span(dates: Mapping[str, str | None]) -> list[str] | None:
    """``[earliest, latest]`` of the known ``dates``, or None when none is known."""
    known = [d for d in dates.values() if d is not None]
    return [min(known), max(known)] if known else None


# -- the page's data -------------------------------------------------------------------------------


def _node_items(
    nodes: Mapping[str, Node],
    valid_edges: Sequence[Edge],
    chosen: Sequence[str],
    edges: Sequence[Edge],
    positioned: bool,
    dates: Mapping[str, str | None],
) -> list[dict[str, Any]]:
    """The drawn nodes' items, with their degree among the drawn edges, their dates (a paper's from
    ``dates``, an entity's from :func:`_seen_dates`) and, when ``positioned``, their place from
    :func:`fast_layout`."""
    drawn_degree: Counter[str] = Counter()
    for e in edges:
        drawn_degree[e.source] += 1
        drawn_degree[e.target] += 1
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    for e in valid_edges:
        role = EDGE_ROLES.get(e.type.value)
        if role:
            roles[e.target][role] += 1
    pos = None
    if positioned:
        index = {nid: i for i, nid in enumerate(chosen)}
        pos = fast_layout(len(chosen), [index[e.source] for e in edges], [index[e.target] for e in edges])
    seen = _seen_dates(nodes, valid_edges, chosen)
    out = []
    for i, nid in enumerate(chosen):
        item = node_item(nodes[nid], drawn_degree[nid], roles.get(nid, Counter()))
        if dates.get(nid) is not None:
            item["date"] = dates[nid]
        elif nid in seen:
            item["first_seen"], item["last_seen"] = seen[nid]
        if pos is not None:
            item["x"] = round(float(pos[i, 0]) * LAYOUT_SCALE, 1)
            item["y"] = round(float(pos[i, 1]) * LAYOUT_SCALE, 1)
        out.append(item)
    return out


def page_payload(
    nodes: Mapping[str, Node],
    valid_edges: Sequence[Edge],
    chosen: Sequence[str],
    edges: Sequence[Edge],
    *,
    title: str,
    focus: str | None,
    depth: int | None,
    max_nodes: int | None,
    positioned: bool,
) -> dict[str, Any]:
    """The JSON data the page draws: the ``chosen`` nodes and the ``edges`` between them, out of the
    graph's ``nodes`` and ``valid_edges`` (every edge whose two ends are nodes of it). ``date_span``
    is the span of the drawn papers' dates; ``paper_edges`` the edge types that link a paper to the
    entities it mentions (an entity passes the page's date filter through them)."""
    dates = {nid: paper_date(nodes[nid].props) for nid in chosen if nodes[nid].kind is NodeKind.PAPER}
    nodes_out = _node_items(nodes, valid_edges, chosen, edges, positioned, dates)
    edges_out = [edge_item(e, nodes) for e in edges]
    return {
        "title": title,
        "total_nodes": len(nodes),
        "total_edges": len(valid_edges),
        "shown_nodes": len(nodes_out),
        "shown_edges": len(edges_out),
        "focus": focus,
        "depth": depth,
        "max_nodes": max_nodes,
        "positioned": positioned,
        "kinds": [{"kind": k, **v} for k, v in KIND_STYLES.items()],
        "edge_types": [{"type": t, **v} for t, v in EDGE_STYLES.items()],
        "date_span": _date_span(dates),
        "paper_edges": sorted(t.value for t in PAPER_EDGES),
        "nodes": nodes_out,
        "edges": edges_out,
    }
