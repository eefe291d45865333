"""Papers into the graph: a paper's node, its entities' nodes and its links with their evidence,
once the resolver has the corpus (:class:`GraphBuilder`, used by :func:`paperkg.pipeline.run` and by
the Spark job)."""

from __future__ import annotations

from typing import Any

from paperkg.extraction.urls import absolute_url, normalize_url
from paperkg.graph import KnowledgeGraph
from paperkg.ids import paper_node_id, url_node_id
from paperkg.merge import listing_dates
from paperkg.model import (
    Edge,
    EdgeType,
    EntityType,
    ExtractedEntity,
    Mention,
    Node,
    NodeKind,
    Paper,
    PaperExtraction,
    Role,
    UrlKind,
)
from paperkg.resolve import RESOLVER_NAME, RESOLVER_VERSION, Canonical, Resolver
from paperkg.spill import TextSpool
from paperkg.timeline import Seen, merge_seen, paper_date

# Shorter abstracts stay in memory: a spooled text's handle takes about 90 bytes.
SPOOL_MIN = 200


def _paper_node(p: Paper, spool: TextSpool | None = None) -> Node:
    abstract = spool.put(p.abstract) if spool is not None and len(p.abstract) >= SPOOL_MIN else p.abstract
    sources = p.all_sources()
    props: dict[str, Any] = {
        "title": p.title or p.abstract[:120],
        "abstract": abstract,
        "authors": list(p.authors),
        "categories": list(p.categories),
        "dates": listing_dates(sources),
        "sources": sorted({s.file for s in sources}),
    }
    if p.arxiv_id:
        props["arxiv_id"] = p.arxiv_id
        props["url"] = f"https://arxiv.org/abs/{p.arxiv_id}"
    optional = {
        "doi": p.doi,
        "published": p.published,
        "updated": p.updated,
        "upvotes": p.upvotes,
        "affiliations": list(p.affiliations),
        "keywords": list(p.keywords),
        "ids": list(p.ids),
        "links": list(p.links),
    }
    props.update((k, v) for k, v in optional.items() if v not in (None, []))
    date = paper_date(props)
    if date is not None:
        props["date"] = date
    return Node(paper_node_id(p.id), NodeKind.PAPER, props)


class _Shared(dict):  # type: ignore[type-arg]
    """One object per distinct value: a million papers' edges hold a few thousand distinct
    confidences and offsets, and each separate float or large int would take 24-28 bytes."""

    def __missing__(self, value: Any) -> Any:
        self[value] = value
        return value


_FLOATS, _INTS = _Shared(), _Shared()


def _evidence(
    m: Mention | None, ext: PaperExtraction, confidence: float, paper: str, date: str | None
) -> dict[str, Any]:
    ev: dict[str, Any] = {
        "extractor": ext.extractor,
        "extractor_version": ext.extractor_version,
        "confidence": _FLOATS[round(confidence, 3)],
        "paper": paper,
    }
    if date is not None:
        ev["date"] = date  # the paper's date: when this link was made
    if m is None:
        ev.update(field="metadata", start=0, end=0, sentence="")
    else:
        ev.update(field=m.field.value, start=_INTS[m.start], end=_INTS[m.end], sentence=m.sentence)
    return ev


def _edge_type(role: Role, node_type: EntityType) -> EdgeType:
    """The edge from a paper to an entity: by the paper's role and the node's (decided) type."""
    if role is Role.INTRODUCED:
        return EdgeType.INTRODUCES
    if node_type is EntityType.BENCHMARK:
        return EdgeType.EVALUATES_ON
    return EdgeType.USES


_VARIANT_EVIDENCE = {"extractor": RESOLVER_NAME, "extractor_version": RESOLVER_VERSION, "confidence": 0.9}


class GraphBuilder:
    """Adds one paper's extraction (already corpus-typed) to the graph.

    An entity's canonical form depends only on its name, type and aliases once the resolver has the
    corpus: the nodes and VARIANT_OF edge of one such entity are added once (adding them again would
    change nothing), as is each repository or website node.
    """

    def __init__(self, graph: KnowledgeGraph, resolver: Resolver, spool: TextSpool | None = None) -> None:
        self.graph = graph
        self.resolver = resolver
        self.spool = spool  # where abstracts go, if not in the graph's memory
        self._entities: dict[tuple[str, EntityType, tuple[str, ...]], tuple[str, EntityType]] = {}
        self._urls: set[tuple[str, str, str]] = set()
        self._seen: dict[str, Seen] = {}  # the dates of this run's papers, per node they link to

    def _entity(self, e: ExtractedEntity) -> tuple[str, EntityType]:
        """The node id and type of ``e``'s canonical entity, adding it (and its family) at the
        first sight."""
        memo = (e.name, e.type, e.aliases)
        found = self._entities.get(memo)
        if found is None:
            c = self.resolver.canonical(e)
            found = self._entities[memo] = (self._entity_node(c), c.type)
            fam = self.resolver.family(c)
            if fam is not None:
                fid = self._entity_node(fam)
                self.graph.add_edge(Edge(found[0], fid, EdgeType.VARIANT_OF, dict(_VARIANT_EVIDENCE)))
        return found

    def _entity_node(self, c: Canonical) -> str:
        props: dict[str, Any] = {"name": c.name, "aliases": list(c.aliases)}
        if c.homepage:
            props["homepage"] = c.homepage
        node = Node(c.node_id, NodeKind(c.type.value), props)
        self.graph.add_node(node)
        return node.id

    def _trained_on(self, ext: PaperExtraction, paper: str, date: str | None) -> None:
        by_name = {e.name: e for e in ext.entities}
        for e in ext.entities:
            for dname in e.trained_on:
                d = by_name.get(dname)
                if d is None:
                    continue
                (src, src_type), (dst, dst_type) = self._entity(e), self._entity(d)
                if src_type is not EntityType.MODEL or dst_type is not EntityType.DATASET:
                    continue  # the corpus typed one of them otherwise
                m = next(
                    (x for x in d.mentions if x.field.value == "abstract"),
                    d.mentions[0] if d.mentions else None,
                )
                ev = _evidence(m, ext, min(e.confidence, d.confidence), paper, date)
                self.graph.add_edge(Edge(src, dst, EdgeType.TRAINED_ON, ev))

    def add(self, ext: PaperExtraction, revise: bool = False) -> None:
        """Add a paper, its entities and links; ``revise``: the paper is in the graph already and
        its node's properties are replaced by the merged paper's (its edges are added to)."""
        pnode = _paper_node(ext.paper, self.spool)
        if revise:
            self.graph.set_node(pnode)
        else:
            self.graph.add_node(pnode)
        date = pnode.props.get("date")
        for e in ext.entities:
            nid, node_type = self._entity(e)
            if e.ids:  # the Hugging Face repo ids it was written as, gathered over the corpus
                self.graph.add_node(Node(nid, NodeKind(node_type.value), {"ids": list(e.ids)}))
            m = e.mentions[0] if e.mentions else None
            ev = _evidence(m, ext, e.confidence, pnode.id, date)
            ev["role"] = e.role.value
            ev["mention_type"] = e.type.value  # this paper's type of it: evidence for the node's
            added = self.graph.add_edge(Edge(pnode.id, nid, _edge_type(e.role, node_type), ev))
            self._saw(nid, pnode.id, date, added or not revise)
        self._trained_on(ext, pnode.id, date)
        for u in ext.urls:
            code = u.kind is UrlKind.CODE
            key = normalize_url(u.url)
            nid = url_node_id(key, code)
            kind = NodeKind.REPOSITORY if code else NodeKind.WEBSITE
            url = absolute_url(u.url)
            if (nid, url, u.kind.value) not in self._urls:
                self._urls.add((nid, url, u.kind.value))
                self.graph.add_node(Node(nid, kind, {"name": url, "url": url, "url_kind": u.kind.value}))
            et = EdgeType.HAS_CODE if code else EdgeType.HAS_WEBSITE
            added = self.graph.add_edge(
                Edge(pnode.id, nid, et, _evidence(u.mention, ext, 0.99, pnode.id, date))
            )
            self._saw(nid, pnode.id, date, added or not revise)

    def _saw(self, node_id: str, paper: str, date: str | None, new: bool) -> None:
        """Count ``paper`` for ``node_id`` unless the link was in the graph already (a revised paper)."""
        if new:
            self._seen.setdefault(node_id, Seen()).add(paper, date)

    def finish(self) -> None:
        """Give every node this run's papers link to its ``first_seen``, ``last_seen`` and
        ``papers_per_month``, adding this run's papers to what the node held (an update)."""
        for nid, seen in self._seen.items():
            if seen.first_seen is None:
                continue
            node = self.graph.node(nid)
            props = dict(node.props)
            props.update(merge_seen(props, seen))
            self.graph.set_node(Node(nid, node.kind, props))
