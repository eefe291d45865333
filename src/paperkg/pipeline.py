"""The one loop: inputs -> readers -> papers -> extractor -> resolver -> graph.

``run()`` streams papers from the readers into the extractor in batches, merges duplicate
papers (same arXiv/record id or same normalized title), then resolves entities across the
corpus and builds the graph. Its :class:`Summary` reconciles every record read:
``records read = papers + duplicates merged + records rejected``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from paperkg.assemble import GraphBuilder
from paperkg.collector import gc_paused
from paperkg.errors import PaperkgError
from paperkg.extraction import Extractor
from paperkg.graph import KnowledgeGraph
from paperkg.ids import paper_id_of, paper_node_id
from paperkg.ingest import PaperIndex
from paperkg.keys import title_key
from paperkg.merge import listing_dates
from paperkg.model import (
    Node,
    NodeKind,
    Paper,
    Rejection,
    Source,
)
from paperkg.readers import InputError, Warnings, read_input
from paperkg.resolve import Resolver
from paperkg.spill import ExtractionLog, MappedLog, TextSpool

if TYPE_CHECKING:
    from paperkg.output import PartialGraph


class BadRecord(PaperkgError):
    """A rejected record under ``--strict``."""


class NoPapers(PaperkgError):
    """The inputs yielded no paper at all."""


@dataclass
class Summary:
    records_read: int = 0
    papers: int = 0
    duplicates: int = 0
    rejected: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    input_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    nodes: Counter[str] = field(default_factory=Counter)
    edges: Counter[str] = field(default_factory=Counter)
    repaired: int = 0  # records kept after a repair (invalid UTF-8 replaced)
    revised: list[str] = field(default_factory=list)  # existing papers that new copies added to
    ambiguous_titles: int = 0  # records known by title only that several papers' titles match
    kept_apart: int = 0  # records sharing an identifier with a paper of another arXiv id

    def reconciles(self) -> bool:
        return self.records_read == self.papers + self.duplicates + self.rejected

    def set_graph(self, graph: KnowledgeGraph) -> None:
        self.nodes, self.edges = graph.counts()

    def to_dict(self) -> dict[str, Any]:
        return {
            "records_read": self.records_read,
            "papers": self.papers,
            "duplicates_merged": self.duplicates,
            "records_rejected": self.rejected,
            "records_repaired": self.repaired,
            "papers_revised": len(self.revised),
            "titles_ambiguous": self.ambiguous_titles,
            "kept_apart": self.kept_apart,
            "rejection_reasons": dict(self.reasons),
            "input_errors": list(self.input_errors),
            "nodes": dict(sorted(self.nodes.items())),
            "edges": dict(sorted(self.edges.items())),
            "reconciles": self.reconciles(),
        }

    def lines(self) -> list[str]:
        out = [
            f"records read      {self.records_read:>8,}",
            f"papers            {self.papers:>8,}",
            f"duplicates merged {self.duplicates:>8,}",
            f"records rejected  {self.rejected:>8,}",
        ]
        for reason, n in self.reasons.most_common():
            out.append(f"  {n:>6,}  {reason}")
        if self.repaired:
            out.append(f"records repaired  {self.repaired:>8,}  (kept, invalid bytes replaced)")
        if self.revised:
            out.append(f"papers revised    {len(self.revised):>8,}  (existing papers new copies added to)")
        if self.ambiguous_titles:
            out.append(
                f"titles ambiguous  {self.ambiguous_titles:>8,}  (no id, title of several papers: kept apart)"
            )
        if self.kept_apart:
            out.append(f"kept apart        {self.kept_apart:>8,}  (an id shared with another arXiv id)")
        out += count_lines(self.nodes, self.edges)
        check = "yes" if self.reconciles() else "NO"
        out.append(f"reconciles        {check:>8}  (read = papers + duplicates + rejected)")
        return out


def count_lines(nodes: Mapping[str, int], edges: Mapping[str, int], skip_empty: bool = True) -> list[str]:
    """The entities-per-kind and edges-per-type table of a build's summary and of ``paperkg stats``
    (``skip_empty``: leave out a part with no counts)."""
    out: list[str] = []
    if nodes or not skip_empty:
        out.append("entities:")
        out += [
            f"  {k:<16}{nodes.get(k, 0):>8,}"
            for k in ("model", "dataset", "benchmark", "repository", "website")
        ]
    if edges or not skip_empty:
        out.append("edges:")
        out += [f"  {k:<16}{n:>8,}" for k, n in sorted(edges.items())]
    return out


Reporter = Callable[[str], None]


def _reason_key(reason: str) -> str:
    """Group rejection reasons by their kind ("invalid JSON (…)" -> "invalid JSON")."""
    return reason.split(" (", 1)[0].split(" at byte", 1)[0]


def seed_index(index: PaperIndex, graph: KnowledgeGraph) -> None:
    """Know the papers of an existing graph (for ``build --update``)."""
    for node in graph.nodes(NodeKind.PAPER):
        p = node.props
        keys = [f"doi:{p['doi']}"] if p.get("doi") else []
        keys.extend(str(i) for i in p.get("ids") or ())
        index.seed(paper_id_of(node.id), title_key(str(p.get("title") or "")), keys)


def paper_from_node(node: Node) -> Paper:
    """The paper an existing graph's node holds, to merge with new copies of it. Its files become
    sources of line 0 and its listing dates sources of its first file (the node keeps no more)."""
    p = node.props
    files = [str(f) for f in p.get("sources") or ()] or ["graph.json"]
    sources = [Source(f, 0) for f in files] + [Source(files[0], 0, str(d)) for d in p.get("dates") or ()]
    upvotes = p.get("upvotes")
    return Paper(
        id=paper_id_of(node.id),
        title=str(p.get("title") or ""),
        abstract=str(p.get("abstract") or ""),
        source=sources[0],
        authors=tuple(p.get("authors") or ()),
        published=p.get("published"),
        arxiv_id=p.get("arxiv_id"),
        doi=p.get("doi"),
        categories=tuple(p.get("categories") or ()),
        links=tuple(p.get("links") or ()),
        updated=p.get("updated"),
        affiliations=tuple(p.get("affiliations") or ()),
        keywords=tuple(p.get("keywords") or ()),
        upvotes=int(upvotes) if isinstance(upvotes, int) else None,
        ids=tuple(p.get("ids") or ()),
        sources=tuple(sources),
    )


def read_papers(
    paths: Iterable[str],
    summary: Summary,
    index: PaperIndex,
    strict: bool = False,
    report: Reporter | None = None,
    base: KnowledgeGraph | None = None,
) -> Iterator[Paper]:
    """The distinct papers of all inputs, each merged from its copies (:mod:`paperkg.ingest`),
    counting every record in ``summary``. Every input is read before the first paper comes out.

    With ``base``, a paper of that graph seen again comes out (under its existing id) only when
    its copies add to it; its id is then in ``summary.revised``."""
    say = report or (lambda _m: None)
    for path in paths:
        _read_one(path, summary, index, strict, say)
    existing = None if base is None else (lambda pid: paper_from_node(base.node(paper_node_id(pid))))
    for placed in index.papers(existing):
        if placed.existing is None:
            summary.papers += 1
            summary.duplicates += placed.copies - 1
            yield placed.paper
            continue
        summary.duplicates += placed.copies
        paper = replace(placed.paper, id=placed.existing)
        if existing is None or _adds_to(paper, existing(placed.existing)):
            summary.revised.append(placed.existing)
            yield paper
    summary.ambiguous_titles = index.ambiguous
    summary.kept_apart = index.kept_apart
    index.close()


def _adds_to(merged: Paper, old: Paper) -> bool:
    """Whether ``merged`` (``old`` with new copies) holds more than ``old`` as a node keeps it."""

    def kept(p: Paper) -> tuple[Any, ...]:
        sources = p.all_sources()
        files = {s.file for s in sources}
        return (replace(p, source=Source("", 0), sources=()), files, listing_dates(sources))

    return kept(merged) != kept(old)


def _read_one(path: str, summary: Summary, index: PaperIndex, strict: bool, say: Reporter) -> None:
    warnings = Warnings([])
    before = summary.records_read
    failed = False
    try:
        for item in read_input(path, warnings):
            summary.records_read += 1
            if isinstance(item, Rejection):
                summary.rejected += 1
                summary.reasons[_reason_key(item.reason)] += 1
                if strict:
                    raise BadRecord(item.message())
                say(f"skipped {item.message()}")
                continue
            if strict and warnings.repaired:
                raise BadRecord(warnings.repaired[0])
            index.add(item)
    except InputError as exc:
        if strict:
            raise
        failed = True
        summary.input_errors.append(str(exc))
        say(f"error: {exc}")
    finally:
        summary.repaired += len(warnings.repaired)
        for w in warnings.messages:
            summary.warnings.append(w)
            say(f"warning: {w}")
    if summary.records_read == before and not failed:
        msg = f"{path}: no papers found"
        summary.input_errors.append(msg)
        say(f"error: {msg}")


@dataclass(frozen=True)
class Existing:
    """The graph an update adds to, and how it seeds a run: its papers count as already seen and
    its entities take part in the corpus-level typing.

    ``state`` is the output directory's record of the graph (:class:`paperkg.output.PartialGraph`,
    which is then also ``graph``) when it is current: the update then writes only what changed."""

    graph: KnowledgeGraph
    seed: Callable[[PaperIndex, Resolver], None]
    state: PartialGraph | None = None

    @classmethod
    def of(cls, graph: KnowledgeGraph) -> Existing:
        """An existing graph held whole in memory."""

        def seed(index: PaperIndex, resolver: Resolver) -> None:
            seed_index(index, graph)
            resolver.seed(graph)

        return cls(graph, seed)


@dataclass
class RunResult:
    graph: KnowledgeGraph
    extractions: MappedLog
    summary: Summary


def extract_corpus(
    paths: Iterable[str],
    extractor: Extractor,
    strict: bool = False,
    report: Reporter | None = None,
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
    existing: Existing | None = None,
) -> tuple[MappedLog, Summary, PaperIndex, Resolver]:
    """Read and extract every distinct paper, then apply corpus-level typing.

    The extractions are kept on disk (:mod:`paperkg.spill`) and typed as they are read back:
    the returned log can be read any number of times.

    With ``existing`` (an update), its papers count as already seen (a record of one of them is
    a duplicate, merged into its node) and its entities take part in the typing.
    """
    summary = Summary()
    index = PaperIndex()
    resolver = Resolver(extractor.lex)
    base = None
    if existing is not None:
        base = existing.graph
        existing.seed(index, resolver)
    papers = read_papers(paths, summary, index, strict, report, base)
    log = ExtractionLog()
    if jobs > 1:
        from paperkg.parallel import extract_packed

        # No cyclic collections while results come in (spaCy runs in the workers, not here):
        # each would go over the resolver's tables.
        with gc_paused():
            # Workers forked from this process unless it holds an existing graph.
            packs = extract_packed(papers, extractor.registry, jobs, local=extractor, fork=base is None)
            for packed in packs:
                log.append_packed(packed.data, packed.count)
                resolver.add_votes(packed.votes)
                if progress:
                    progress(packed.count)
    else:
        for ext in extractor.pipe(papers):
            log.append(ext)
            resolver.add((ext,))
            if progress:
                progress(1)
    if summary.papers == 0 and base is None:
        why = summary.input_errors[0] if summary.input_errors else "the inputs yielded no paper"
        raise NoPapers(f"no papers to process ({why})" if summary.input_errors else why)
    out = log.mapped(resolver.retype)
    return out, summary, index, resolver


def run(
    paths: Iterable[str],
    extractor: Extractor,
    strict: bool = False,
    report: Reporter | None = None,
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
    existing: Existing | None = None,
) -> RunResult:
    """Build a graph from ``paths``; with ``existing``, add the new papers to that graph instead."""
    extractions, summary, _index, resolver = extract_corpus(
        paths, extractor, strict, report, progress, jobs, existing
    )
    base = existing.graph if existing is not None else None
    graph = base if base is not None else KnowledgeGraph()
    # A full build keeps the abstracts on disk (the largest part of a large graph); an update's
    # few new papers keep theirs in memory.
    spool = TextSpool() if base is None else None
    builder = GraphBuilder(graph, resolver, spool)
    revised = set(summary.revised)
    with gc_paused():
        for ext in extractions:
            builder.add(ext, revise=ext.paper.id in revised)
        builder.finish()
    if spool is not None:
        spool.flush()  # the files' writers (one may be a forked copy) only read it
    summary.set_graph(graph)
    return RunResult(graph, extractions, summary)
