"""What changed between two graphs: new papers, new entities (and the paper that introduced each),
entities whose paper count rose most, new links between entities both graphs know, and entities
that are gone (merged, retyped, or left without their papers).

Links between entities are the entity-to-entity edges (``VARIANT_OF``, ``TRAINED_ON``) and the
pairs a paper draws: a model it uses or introduces and a benchmark it evaluates on make the link
``(model, EVALUATED_ON, benchmark)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from paperkg.errors import PaperkgError
from paperkg.graph import KnowledgeGraph
from paperkg.keys import name_key
from paperkg.model import EdgeType, Node, NodeKind
from paperkg.timeline import Seen, entity_seen, paper_dates

#: The relation name of a model and a benchmark linked by one paper.
EVALUATED_ON = "EVALUATED_ON"
_MODEL_EDGES = frozenset({EdgeType.USES, EdgeType.INTRODUCES})


class DiffError(PaperkgError):
    """A graph to compare could not be read."""


@dataclass(frozen=True)
class NewPaper:
    id: str
    title: str
    date: str | None


@dataclass(frozen=True)
class NewEntity:
    id: str
    name: str
    kind: str
    papers: int
    first_seen: str | None
    introduced_by: str | None  # the paper id that introduces it (else the first that mentions it)
    introduced_title: str | None


@dataclass(frozen=True)
class Rise:
    id: str
    name: str
    kind: str
    old: int
    new: int

    @property
    def absolute(self) -> int:
        return self.new - self.old

    @property
    def relative(self) -> float | None:
        """The rise as a fraction of the old count (None when the old graph had no paper for it)."""
        return round((self.new - self.old) / self.old, 4) if self.old else None


@dataclass(frozen=True)
class NewLink:
    source: str
    relation: str
    target: str
    source_name: str
    target_name: str
    paper: str | None  # the first paper (by date, then id) that draws it, for links through a paper


@dataclass(frozen=True)
class Gone:
    id: str
    name: str
    kind: str
    reason: str  # "merged", "retyped", "removed source" or "not found"
    into: str | None  # the node it became, for merged and retyped


@dataclass
class GraphDiff:
    """The difference of two graphs, each list in a fixed order (see :func:`diff`)."""

    old_papers: int
    new_papers_total: int
    new_papers: list[NewPaper] = field(default_factory=list)
    new_entities: list[NewEntity] = field(default_factory=list)
    rises: list[Rise] = field(default_factory=list)
    new_links: list[NewLink] = field(default_factory=list)
    gone: list[Gone] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; each rise carries its ``absolute`` and ``relative`` figures."""
        out = asdict(self)
        out["rises"] = [{**asdict(r), "absolute": r.absolute, "relative": r.relative} for r in self.rises]
        return out


def read_graph(path: str | Path) -> KnowledgeGraph:
    """The graph of a build directory (its ``graph.json``) or of a graph.json file."""
    p = Path(path)
    if p.is_dir():
        p = p / "graph.json"
    if not p.is_file():
        raise DiffError(f"{path}: no graph.json there (give a build directory or a graph.json file)")
    return KnowledgeGraph.load(p)


def diff(old: KnowledgeGraph, new: KnowledgeGraph, top: int = 20) -> GraphDiff:
    """What changed from ``old`` to ``new``.

    New papers and new entities are listed oldest first (then by id); rises are the ``top`` entities
    whose paper count grew most (absolute rise, then relative, then name); new links and gone
    entities are sorted by their ids.

    Example:
        >>> d = diff(read_graph("out/last-week"), read_graph("out/this-week"))  # doctest: +SKIP
        >>> [e.name for e in d.new_entities if e.kind == "dataset"]  # doctest: +SKIP
    """
    old_dates, new_dates = paper_dates(old), paper_dates(new)
    old_seen, new_seen = entity_seen(old, old_dates), entity_seen(new, new_dates)
    old_entities = {n.id: n for n in _entities(old)}
    new_entities = {n.id: n for n in _entities(new)}
    result = GraphDiff(old_papers=len(old_dates), new_papers_total=len(new_dates))
    result.new_papers = _new_papers(new, set(old_dates), new_dates)
    result.new_entities = _new_entities(new, old_entities, new_entities, new_seen, new_dates)
    result.rises = _rises(old_entities, new_entities, old_seen, new_seen, top)
    before = links(old, old_dates)
    result.new_links = _new_links(before, links(new, new_dates), set(old_entities), new_entities)
    result.gone = _gone(old_entities, new_entities, old_seen, set(new_dates))
    return result


def _entities(graph: KnowledgeGraph) -> Iterator[Node]:
    for kind in NodeKind:
        if kind is not NodeKind.PAPER:
            yield from graph.nodes(kind)


def _new_papers(new: KnowledgeGraph, old_ids: set[str], dates: dict[str, str | None]) -> list[NewPaper]:
    papers = [
        NewPaper(n.id, str(n.props.get("title", "")), dates[n.id])
        for n in new.nodes(NodeKind.PAPER)
        if n.id not in old_ids
    ]
    return sorted(papers, key=lambda p: (p.date or "9999", p.id))


def _new_entities(
    new: KnowledgeGraph,
    old_entities: dict[str, Node],
    new_entities: dict[str, Node],
    seen: dict[str, Seen],
    dates: dict[str, str | None],
) -> list[NewEntity]:
    introducers: dict[str, list[str]] = {}
    for e in new.edges(EdgeType.INTRODUCES):
        introducers.setdefault(e.target, []).append(e.source)
    out = []
    for nid, node in new_entities.items():
        if nid in old_entities:
            continue
        s = seen.get(nid, Seen())
        by = _first(introducers.get(nid) or s.papers, dates)
        title = str(new.node(by).props.get("title", "")) if by else None
        out.append(NewEntity(nid, node.label, node.kind.value, len(s.papers), s.first_seen, by, title))
    return sorted(out, key=lambda e: (e.first_seen or "9999", e.id))


def _first(papers: Iterable[str], dates: dict[str, str | None]) -> str | None:
    return min(papers, key=lambda p: (dates.get(p) or "9999", p), default=None)


def _rises(
    old_entities: dict[str, Node],
    new_entities: dict[str, Node],
    old_seen: dict[str, Seen],
    new_seen: dict[str, Seen],
    top: int,
) -> list[Rise]:
    rises = []
    for nid, node in new_entities.items():
        if nid not in old_entities:
            continue
        before = len(old_seen[nid].papers) if nid in old_seen else 0
        after = len(new_seen[nid].papers) if nid in new_seen else 0
        if after > before:
            rises.append(Rise(nid, node.label, node.kind.value, before, after))
    rises.sort(key=lambda r: (-r.absolute, -(r.relative or 0.0), r.name, r.id))
    return rises[:top]


def links(graph: KnowledgeGraph, dates: dict[str, str | None]) -> dict[tuple[str, str, str], str | None]:
    """Every link between two entities of ``graph``, with the first paper that draws it (None for an
    entity-to-entity edge)."""
    found: dict[tuple[str, str, str], str | None] = {}
    models: dict[str, set[str]] = {}
    benchmarks: dict[str, set[str]] = {}
    for e in graph.edges():
        if e.type in (EdgeType.VARIANT_OF, EdgeType.TRAINED_ON):
            found[(e.source, e.type.value, e.target)] = None
        elif e.type in _MODEL_EDGES and e.target.startswith(f"{NodeKind.MODEL.value}:"):
            models.setdefault(e.source, set()).add(e.target)
        elif e.type is EdgeType.EVALUATES_ON:
            benchmarks.setdefault(e.source, set()).add(e.target)
    for paper in sorted(set(models) & set(benchmarks), key=lambda p: (dates.get(p) or "9999", p)):
        for m in models[paper]:
            for b in benchmarks[paper]:
                found.setdefault((m, EVALUATED_ON, b), paper)
    return found


def _new_links(
    before: dict[tuple[str, str, str], str | None],
    after: dict[tuple[str, str, str], str | None],
    old_ids: set[str],
    new_entities: dict[str, Node],
) -> list[NewLink]:
    out = []
    for (s, rel, t), paper in after.items():
        if (s, rel, t) in before or s not in old_ids or t not in old_ids:
            continue
        out.append(NewLink(s, rel, t, new_entities[s].label, new_entities[t].label, paper))
    return sorted(out, key=lambda x: (x.source, x.relation, x.target))


def _gone(
    old_entities: dict[str, Node],
    new_entities: dict[str, Node],
    old_seen: dict[str, Seen],
    new_papers: set[str],
) -> list[Gone]:
    by_slug = {nid.partition(":")[2]: nid for nid in new_entities}
    by_key: dict[str, str] = {}
    for nid, node in sorted(new_entities.items()):
        for name in (node.label, *node.props.get("aliases", ())):
            by_key.setdefault(name_key(str(name)), nid)
    out = []
    for nid, node in old_entities.items():
        if nid in new_entities:
            continue
        reason, into = "not found", None
        if (other := by_slug.get(nid.partition(":")[2])) is not None:
            reason, into = "retyped", other
        elif (other := by_key.get(name_key(node.label))) is not None:
            reason, into = "merged", other
        elif nid in old_seen and not old_seen[nid].papers & new_papers:
            reason = "removed source"
        out.append(Gone(nid, node.label, node.kind.value, reason, into))
    return sorted(out, key=lambda g: g.id)
