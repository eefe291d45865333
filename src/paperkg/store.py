"""The output directory of ``paperkg build``, and how ``build --update`` changes it in place.

Beside graph.json, graph.ttl and extraction.jsonl a build keeps ``.paperkg-state``: what an update
needs without reading graph.json (decisions/0004-incremental-update.md). It holds every node but a
paper's (papers with their kind and title only), the edges that do not start at a paper, the
number of those that do, where each node record lies in graph.json, and the size and mtime
of graph.json and graph.ttl when it was written; it is used only while both still match.

An update with a valid state then reads no graph.json (a paper it touches, one seen again in a new
file, is read alone from its place), splices graph.json (new records appended to their lists,
changed ones replaced, every other byte copied), changes graph.ttl in place (the blocks of changed
nodes and edges blanked with spaces, their new blocks and the new ones appended; a full rewrite when
blanked bytes would pass a quarter of the file) and appends the new records to extraction.jsonl.
Without a valid state the whole update is done the old way, on the graph read from graph.json.
Either way the files equal a full write of the graph.
"""

from __future__ import annotations

import contextlib
import io
import json
import marshal
import os
import signal
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paperkg.collector import gc_paused
from paperkg.errors import PaperkgError
from paperkg.files import atomic_file, remove_quietly
from paperkg.graph import (
    LIST_PROPS,
    EdgeKey,
    GraphFormatError,
    KnowledgeGraph,
    Layout,
    Span,
    Splice,
    splice_json,
)
from paperkg.ids import paper_id_of
from paperkg.keys import title_key
from paperkg.model import Edge, EdgeType, Node, NodeKind, PaperExtraction
from paperkg.resolve import Resolver, entity_key
from paperkg.sinks.base import NodeSpans, SinkError

if TYPE_CHECKING:
    from paperkg.ingest import PaperIndex
    from paperkg.pipeline import Existing
    from paperkg.sinks.rdf import RdfSink


class StoreError(PaperkgError):
    """A build directory that holds no graph to update."""


STATE = ".paperkg-state"
STATE_FORMAT = ("paperkg-state", 4)
GRAPH, TTL, EXTRACTION = "graph.json", "graph.ttl", "extraction.jsonl"

Stamp = tuple[int, int]
TtlSpans = tuple[dict[str, Span], dict[EdgeKey, Span]]
KINDS = [k.value for k in NodeKind]  # a node's kind in the state: its index here
ENTITY_KINDS = {k.value for k in NodeKind if k.is_entity}


def _stamp(path: Path) -> Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def _copy_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if k in LIST_PROPS and isinstance(v, list) else v for k, v in attrs.items()}


@dataclass
class Spans:
    """Where records lie in a file, by row: start offsets (ascending) and lengths."""

    starts: array[int] = field(default_factory=lambda: array("q"))
    lengths: array[int] = field(default_factory=lambda: array("q"))

    def get(self, row: int) -> Span:
        return (self.starts[row], self.starts[row] + self.lengths[row])

    def set(self, row: int, span: Span) -> None:
        if row == len(self.starts):
            self.starts.append(0)
            self.lengths.append(0)
        self.starts[row], self.lengths[row] = span[0], span[1] - span[0]

    def moved(self, done: Splice) -> Spans:
        return Spans(done.move_sorted(self.starts), self.lengths)

    def dump(self) -> tuple[bytes, bytes]:
        return (self.starts.tobytes(), self.lengths.tobytes())

    @classmethod
    def undump(cls, data: tuple[bytes, bytes]) -> Spans:
        out = cls()
        out.starts.frombytes(data[0])
        out.lengths.frombytes(data[1])
        return out


@dataclass
class State:
    """What an update needs to know of the graph in graph.json without reading it.

    Node rows in file order (id, kind, where its record lies in graph.json and its block in
    graph.ttl), the same for the edges that do not start at a paper, where the two lists of
    graph.json close, the papers by title key and by their other identifiers (what
    :meth:`PaperIndex.seed` takes), the rows of the entities by resolver key, and the counts.
    """

    ids: list[str] = field(default_factory=list)
    kinds: bytearray = field(default_factory=bytearray)
    nodes_json: Spans = field(default_factory=Spans)
    edge_keys: list[EdgeKey] = field(default_factory=list)
    edges_json: Spans = field(default_factory=Spans)
    ends: dict[str, Span] = field(default_factory=dict)
    by_title: dict[str, str] = field(default_factory=dict)
    entity_keys: dict[str, list[int]] = field(default_factory=dict)
    node_counts: Counter[str] = field(default_factory=Counter)
    edge_counts: Counter[str] = field(default_factory=Counter)
    ttl_iri: str | None = None  # the base IRI graph.ttl was written with, None when it is not current
    ttl_blank: int = 0  # bytes of graph.ttl blanked by updates
    nodes_ttl: Spans = field(default_factory=Spans)
    edges_ttl: Spans = field(default_factory=Spans)
    paper_keys: dict[str, list[str]] = field(default_factory=dict)  # paper id -> DOI and other ids

    def __post_init__(self) -> None:
        self.row = {nid: i for i, nid in enumerate(self.ids)}
        self.edge_row = {key: i for i, key in enumerate(self.edge_keys)}

    @classmethod
    def of(cls, graph: KnowledgeGraph, layout: Layout) -> State:
        """The state of ``graph`` as just saved with ``layout`` (graph.ttl: see :meth:`take_ttl`)."""
        st = cls(ends=dict(layout.ends))
        for nid, attrs in graph.g.nodes(data=True):
            st._add_node(nid, attrs, layout.nodes[nid], None)
        for key, span in layout.edges.items():
            st._add_edge(key, span, None)
        st.node_counts, st.edge_counts = graph.counts()
        return st

    def _add_node(self, nid: str, attrs: dict[str, Any], span: Span, ttl: Span | None) -> None:
        row = len(self.ids)
        self.row[nid] = row
        self.ids.append(nid)
        self.kinds.append(KINDS.index(attrs["kind"]))
        self.nodes_json.set(row, span)
        if ttl is not None:
            self.nodes_ttl.set(row, ttl)
        if attrs["kind"] == "paper":
            self._note_paper(nid, attrs)
        elif attrs["kind"] in ENTITY_KINDS:
            self.entity_keys.setdefault(entity_key(str(attrs.get("name") or "")), []).append(row)

    def _note_paper(self, nid: str, attrs: Mapping[str, Any]) -> None:
        """Know a paper by its title key and its identity keys beyond its id (DOI, other ids)."""
        pid = paper_id_of(nid)
        if attrs.get("title"):
            self.by_title.setdefault(title_key(str(attrs["title"])), pid)
        keys = [f"doi:{attrs['doi']}"] if attrs.get("doi") else []
        keys.extend(str(i) for i in attrs.get("ids") or ())
        if keys:
            self.paper_keys[pid] = keys

    def _add_edge(self, key: EdgeKey, span: Span, ttl: Span | None) -> None:
        row = len(self.edge_keys)
        self.edge_row[key] = row
        self.edge_keys.append(key)
        self.edges_json.set(row, span)
        if ttl is not None:
            self.edges_ttl.set(row, ttl)

    def spliced(self, graph: PartialGraph, json_done: Splice, ttl: TtlChanges | None) -> None:
        """Take in the changes of ``graph`` as written: graph.json spliced, graph.ttl (``ttl``)
        spliced or appended to."""
        self.nodes_json, self.edges_json = self.nodes_json.moved(json_done), self.edges_json.moved(json_done)
        self.ends = dict(json_done.ends)
        for nid, span in json_done.nodes.items():
            row = self.row.get(nid)
            if row is None:
                self._add_node(nid, graph.g.nodes[nid], span, None)
            else:
                self.nodes_json.set(row, span)
                if graph.g.nodes[nid]["kind"] == "paper":
                    self._note_paper(nid, graph.g.nodes[nid])
        for key, span in json_done.edges.items():
            row = self.edge_row.get(key)
            if row is not None:
                self.edges_json.set(row, span)
            elif graph.g.nodes[key[0]]["kind"] != "paper":  # a paper's edges never change: no row
                self._add_edge(key, span, None)
        if ttl is not None:  # blocks are blanked or appended in place: none moves
            for nid, span in ttl.nodes.items():
                self.nodes_ttl.set(self.row[nid], span)
            for key, span in ttl.edges.items():
                self.edges_ttl.set(self.edge_row[key], span)
        self.node_counts.update(graph.g.nodes[n]["kind"] for n in graph.new_nodes)
        self.edge_counts.update(k[2] for k in graph.new_edges)

    def take_ttl(self, base_iri: str, spans: TtlSpans | tuple[NodeSpans, dict[EdgeKey, Span]]) -> None:
        """graph.ttl was written in full, with ``base_iri``; its blocks lie at ``spans``."""
        nodes, edges = spans
        self.ttl_iri, self.nodes_ttl, self.edges_ttl, self.ttl_blank = base_iri, Spans(), Spans(), 0
        if isinstance(nodes, NodeSpans) and nodes.ids == self.ids:  # written in the order of the rows
            self.nodes_ttl = Spans(nodes.starts, nodes.lengths)
        else:
            by_id = nodes.as_dict() if isinstance(nodes, NodeSpans) else nodes
            for row, nid in enumerate(self.ids):
                self.nodes_ttl.set(row, by_id[nid])
        for row, key in enumerate(self.edge_keys):
            self.edges_ttl.set(row, edges[key])

    def save(self, out: Path) -> None:
        """Write the state of ``out`` (after graph.json and graph.ttl); without it, nothing breaks."""
        ttl = _stamp(out / TTL) if self.ttl_iri is not None else None
        data = {
            "format": STATE_FORMAT,
            "graph": _stamp(out / GRAPH),
            "ttl": (ttl, self.ttl_iri, self.nodes_ttl.dump(), self.edges_ttl.dump(), self.ttl_blank)
            if ttl
            else None,
            "nodes": (self.ids, bytes(self.kinds), self.nodes_json.dump()),
            "edges": (self.edge_keys, self.edges_json.dump()),
            "ends": self.ends,
            "by_title": self.by_title,
            "paper_keys": self.paper_keys,
            "entity_keys": self.entity_keys,
            "counts": (dict(self.node_counts), dict(self.edge_counts)),
        }
        try:
            blob = marshal.dumps(data)
            with atomic_file(out / STATE) as f:
                f.write(blob)
        except (ValueError, OSError):  # a value marshal cannot hold, or no room: no state, no harm
            remove_quietly(out / STATE)

    @classmethod
    def load(cls, out: Path) -> State | None:
        """The state of ``out`` when it still describes graph.json there, else None."""
        try:
            with open(out / STATE, "rb") as f:
                blob = f.read()  # marshal.load(f) reads the file in small pieces: 5x slower
            with gc_paused():
                return cls._of_data(out, marshal.loads(blob))
        except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError):
            return None

    @classmethod
    def _of_data(cls, out: Path, data: Any) -> State | None:
        if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
            return None
        if data["graph"] is None or data["graph"] != _stamp(out / GRAPH):
            return None
        ids, kinds, nodes_json = data["nodes"]
        edge_keys, edges_json = data["edges"]
        st = cls(
            ids, bytearray(kinds), Spans.undump(nodes_json), edge_keys, Spans.undump(edges_json),
            data["ends"], data["by_title"], data["entity_keys"],
            Counter(data["counts"][0]), Counter(data["counts"][1]),
        )  # fmt: skip
        st.paper_keys = data["paper_keys"]
        ttl = data["ttl"]
        if ttl is not None and ttl[0] == _stamp(out / TTL):
            st.ttl_iri, st.nodes_ttl, st.edges_ttl = ttl[1], Spans.undump(ttl[2]), Spans.undump(ttl[3])
            st.ttl_blank = ttl[4]
        return st


def load_state(out: Path) -> PartialGraph | None:
    """The graph of ``out`` for an update, as its state describes it, or None (no current state)."""
    state = State.load(out)
    return PartialGraph(state, out / GRAPH) if state is not None else None


def existing_graph(out: Path) -> Existing:
    """The graph in build directory ``out``, for an update: as its state describes it when the
    state is current (only what changes is read and written), else all of graph.json."""
    from paperkg.pipeline import Existing

    graph_file = out / GRAPH
    if not graph_file.is_file():
        raise StoreError(f"{graph_file}: no graph to update (build one with --out first)")
    state = load_state(out)
    if state is None:
        return Existing.of(KnowledgeGraph.load(graph_file))
    return Existing(state, state.seed, state)


class PartialGraph(KnowledgeGraph):
    """The graph of graph.json as a :class:`State` describes it: a node or edge is read from the
    file when the update first touches it. Records what is added and, before its first change,
    what is changed. Only the building methods (and counts) see the whole graph."""

    def __init__(self, state: State, graph_file: Path) -> None:
        super().__init__()
        self.state = state
        self.graph_file = graph_file
        self.new_nodes: dict[str, None] = {}
        self.new_edges: dict[EdgeKey, None] = {}
        self.old_nodes: dict[str, dict[str, Any]] = {}
        self.old_edges: dict[EdgeKey, dict[str, Any]] = {}
        self.unsafe = False  # an edge from an existing (revised) paper: it may exist already, unseen here

    def _record(self, start: int, end: int, what: str) -> dict[str, Any]:
        with open(self.graph_file, "rb") as f:
            data = os.pread(f.fileno(), end - start, start)
        try:
            rec = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            rec = None
        if not isinstance(rec, dict):
            raise GraphFormatError(f"{self.graph_file}: the record of {what} is not where {STATE} says")
        return rec

    def _read_node(self, nid: str) -> bool:
        """Make sure an existing node is in ``g``; False when there is no such node."""
        if nid in self.g:
            return True
        row = self.state.row.get(nid)
        if row is None:
            return False
        rec = self._record(*self.state.nodes_json.get(row), nid)
        if rec.pop("id", None) != nid:
            raise GraphFormatError(f"{self.graph_file}: the record of {nid} is not where {STATE} says")
        self.g.add_node(nid, **rec)
        return True

    def _read_edge(self, key: EdgeKey) -> None:
        row = self.state.edge_row.get(key)
        if row is None or self.g.has_edge(*key):
            return
        rec = self._record(*self.state.edges_json.get(row), " -> ".join(key))
        if (rec.pop("source", None), rec.pop("target", None), rec.pop("key", None)) != key:
            raise GraphFormatError(f"{self.graph_file}: the record of {key} is not where {STATE} says")
        self.g.add_edge(key[0], key[1], key=key[2], **rec)

    def __contains__(self, node_id: str) -> bool:
        return node_id in self.g or node_id in self.state.row

    def node(self, node_id: str) -> Node:
        self._read_node(node_id)
        return super().node(node_id)

    def add_node(self, node: Node) -> None:
        nid = node.id
        if not self._read_node(nid):
            super().add_node(node)
            self.new_nodes[nid] = None
            return
        if nid in self.new_nodes or nid in self.old_nodes:
            super().add_node(node)
            return
        attrs = self.g.nodes[nid]
        before = _copy_attrs(attrs)
        super().add_node(node)
        if attrs != before:
            self.old_nodes[nid] = before

    def set_node(self, node: Node) -> None:
        nid = node.id
        if not self._read_node(nid):
            self.add_node(node)
            return
        before = None if nid in self.new_nodes or nid in self.old_nodes else _copy_attrs(self.g.nodes[nid])
        super().set_node(node)
        if before is not None and self.g.nodes[nid] != before:
            self.old_nodes[nid] = before

    def add_edge(self, edge: Edge) -> bool:
        self._read_node(edge.source)
        self._read_node(edge.target)
        key = (edge.source, edge.target, edge.type.value)
        self._read_edge(key)
        fresh = key not in self.new_edges and key not in self.old_edges
        before = dict(self.g.edges[key]) if fresh and self.g.has_edge(*key) else None
        added = super().add_edge(edge)
        if added:
            self.new_edges[key] = None
            if edge.source not in self.new_nodes and self.g.nodes[edge.source]["kind"] == "paper":
                self.unsafe = True
        elif before is not None and self.g.edges[key] != before:
            self.old_edges[key] = before
        return added

    def counts(self) -> tuple[Counter[str], Counter[str]]:
        nodes = self.state.node_counts + Counter(self.g.nodes[n]["kind"] for n in self.new_nodes)
        edges = self.state.edge_counts + Counter(k[2] for k in self.new_edges)
        return nodes, edges

    def number_of_nodes(self) -> int:
        return len(self.state.ids) + len(self.new_nodes)

    def number_of_edges(self) -> int:
        return sum(self.state.edge_counts.values()) + len(self.new_edges)

    def seed(self, index: PaperIndex, resolver: Resolver) -> None:
        """What ``index.seed(graph)`` and ``resolver.seed(graph)`` do, from the state: the papers at
        once, an entity key when the resolver first asks for it."""
        paper = KINDS.index("paper")
        titles: dict[str, str] = {}
        for key, pid in self.state.by_title.items():
            titles.setdefault(pid, key)
        for nid, kind in zip(self.state.ids, self.state.kinds, strict=True):
            if kind == paper:
                pid = paper_id_of(nid)
                index.seed(pid, titles.get(pid, ""), self.state.paper_keys.get(pid, ()))
        resolver.info = _SeededInfo(resolver, self)

    def changed(self) -> tuple[dict[str, dict[str, Any]], dict[EdgeKey, dict[str, Any]]]:
        """The records to write: nodes and edges changed or added, by id / key, in order."""
        nodes = {n: self.g.nodes[n] for n in (*self.old_nodes, *self.new_nodes)}
        edges = {k: self.g.edges[k] for k in (*self.old_edges, *self.new_edges)}
        return nodes, edges


class _SeededInfo(defaultdict):  # type: ignore[type-arg]
    """``Resolver.info`` that seeds a key with the existing graph's entities of that key (as
    ``Resolver.seed`` does) the first time the resolver asks for it."""

    def __init__(self, resolver: Resolver, graph: PartialGraph) -> None:
        super().__init__(resolver.info.default_factory)
        self.resolver = resolver
        self.graph = graph
        self.pending = dict(graph.state.entity_keys)
        self.loading = False

    def _load(self, key: str) -> None:
        rows = self.pending.pop(key, None)
        if not rows or self.loading:
            return
        part = KnowledgeGraph()
        for row in rows:
            part.add_node(self.graph.node(self.graph.state.ids[row]))
        self.loading = True
        try:
            self.resolver.seed(part)
        finally:
            self.loading = False

    def __missing__(self, key: str) -> Any:
        self._load(key)
        return self[key] if dict.__contains__(self, key) else super().__missing__(key)

    def get(self, key: str, default: Any = None) -> Any:
        if not dict.__contains__(self, key):
            self._load(key)
        return super().get(key, default)


# ---------------------------------------------------------------- writing
def _extraction_lines(extractions: Iterable[PaperExtraction]) -> Iterator[str]:
    return (json.dumps(x.to_json(), ensure_ascii=False) + "\n" for x in extractions)


@contextmanager
def _appending(paths: list[Path]) -> Iterator[None]:
    """Files appended to inside the block are cut back to their sizes before it if it fails."""
    sizes = {p: _stamp(p) for p in paths}
    try:
        yield
    except BaseException:
        for p, st in sizes.items():
            with contextlib.suppress(OSError):
                if st is None:
                    p.unlink(missing_ok=True)
                else:
                    os.truncate(p, st[0])
        raise


def _append_lines(path: Path, lines: Iterable[str]) -> None:
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.writelines(lines)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None


def write_full(
    out: Path,
    graph: KnowledgeGraph,
    extractions: Iterable[PaperExtraction],
    base_iri: str | None,
    append_extractions: bool = False,
) -> None:
    """Write graph.json, graph.ttl (unless ``base_iri`` is None), extraction.jsonl (or add to it)
    and the state, all in full."""

    with gc_paused():
        _write_full(out, graph, extractions, base_iri, append_extractions)


def _write_full(
    out: Path,
    graph: KnowledgeGraph,
    extractions: Iterable[PaperExtraction],
    base_iri: str | None,
    append_extractions: bool,
) -> None:
    remove_quietly(out / STATE)
    ttl = written = None
    if base_iri is not None and hasattr(os, "fork") and _room_for_a_copy():
        ttl = _TtlWriter(out, graph, base_iri)
    elif base_iri is not None:
        # Written first, while nothing else is held: the peak of a large build is then the graph
        # plus the larger of this writer's tables and graph.json's layout and state, not their sum.
        written = _ttl_spans(_write_ttl(out / TTL, graph, base_iri))
    try:
        if append_extractions:
            with _appending([out / EXTRACTION]):
                _append_lines(out / EXTRACTION, _extraction_lines(extractions))
        else:
            with atomic_file(out / EXTRACTION, "w") as f:
                f.writelines(_extraction_lines(extractions))
        state = State.of(graph, graph.save(out / GRAPH))
        if ttl is not None:
            spans = ttl.finish()
            if spans is not None:
                state.take_ttl(str(base_iri), spans)
            else:  # the system killed the copy (out of memory): write it here
                state.take_ttl(str(base_iri), _ttl_spans(_write_ttl(out / TTL, graph, str(base_iri))))
        elif written is not None:
            state.take_ttl(str(base_iri), written)
    except BaseException:
        if ttl is not None:
            ttl.abort()
        raise
    state.save(out)


def _ttl_spans(sink: RdfSink) -> tuple[NodeSpans, dict[EdgeKey, Span]]:
    return sink.blocks.node_spans, sink.blocks.edge_spans


class _TtlWriter:
    """graph.ttl written by a forked copy of this process while this one writes graph.json and
    extraction.jsonl: the graph is built by then, the copy only reads it, and the second core is
    otherwise idle. The copy writes ``.graph.ttl.next`` and, in a small file, where its blocks lie
    (or why it failed); :meth:`finish` renames it into place, :meth:`abort` stops and removes it."""

    def __init__(self, out: Path, graph: KnowledgeGraph, base_iri: str) -> None:
        self.target, self.next = out / TTL, out / ".graph.ttl.next"
        self.report = out / ".graph.ttl.report.tmp"
        self.pid = os.fork()
        if self.pid == 0:  # the copy: write, report, and leave without running anything else
            code = 1
            try:
                result: tuple[str, Any] = ("ok", _write_ttl(self.next, graph, base_iri).blocks.spans)
                code = 0
            except KeyboardInterrupt:
                result = ("interrupted", None)
            except BaseException as exc:  # reported to the parent, which raises it
                where = f"{exc.filename}: " if isinstance(exc, OSError) and exc.filename else ""
                text = f"{where}{exc.strerror}" if isinstance(exc, OSError) and exc.strerror else str(exc)
                result = ("error", text.splitlines()[0] if text else type(exc).__name__)
            try:
                self.report.write_bytes(marshal.dumps(result))
            finally:
                os._exit(code)

    def finish(self) -> tuple[dict[str, Span], dict[EdgeKey, Span]] | None:
        """Where the blocks lie, or None when the copy was killed by a signal before it reported
        (the caller then writes graph.ttl itself)."""
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        try:
            kind, value = marshal.loads(self.report.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) != signal.SIGINT:
                self.abort()
                return None
            kind, value = "error", f"{self.target}: the writer process ended with status {status}"
        remove_quietly(self.report)
        if kind == "interrupted":
            raise KeyboardInterrupt
        if kind != "ok":
            raise SinkError(str(value))
        try:
            os.replace(self.next, self.target)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(self.target)) from None
        return value  # type: ignore[no-any-return]

    def abort(self) -> None:
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            self.pid = 0
        for p in (self.next, self.next.with_name(f".{self.next.name}.tmp"), self.report):
            remove_quietly(p)


# A forked writer only while this process holds less than this share of the free memory.
COPY_SHARE = 4


def _room_for_a_copy() -> bool:
    """Is there ample memory for a forked copy of this process? The copy ends up with a private
    copy of nearly every page (reading Python objects touches their reference counts), so the
    build would take twice its memory: worth it for a small graph, not for a large one, where the
    second copy would crowd out the rest of the machine. Unknown counts as yes."""
    try:
        rss_pages = int(Path("/proc/self/statm").read_text().split()[1])
        with open("/proc/meminfo", encoding="ascii") as f:
            available_kib = next(int(line.split()[1]) for line in f if line.startswith("MemAvailable:"))
    except (OSError, ValueError, IndexError, StopIteration):
        return True
    return rss_pages * os.sysconf("SC_PAGE_SIZE") * COPY_SHARE < available_kib * 1024


def _write_ttl(path: Path, graph: KnowledgeGraph, base_iri: str) -> RdfSink:
    from paperkg.sinks.base import write_graph
    from paperkg.sinks.rdf import RdfSink

    sink = RdfSink(path, "ttl", base_iri, record=True)
    write_graph(graph, sink)
    return sink


def _edge(key: EdgeKey, attrs: Mapping[str, Any]) -> Edge:
    return Edge(key[0], key[1], EdgeType(key[2]), {k: v for k, v in attrs.items() if k != "type"})


_BLANK = bytes(10 if b == 10 else 32 for b in range(256))  # every byte a space, but newlines


@dataclass
class TtlChanges:
    """What an update did to graph.ttl in place: blocks blanked (their offsets and former bytes)
    and the file's former size (the new blocks come after it), and where the new blocks lie."""

    blanked: list[tuple[int, bytes]]
    size: int
    nodes: dict[str, Span]
    edges: dict[EdgeKey, Span]

    def undo(self, path: Path) -> None:
        with contextlib.suppress(OSError), open(path, "r+b") as f:
            for start, data in self.blanked:
                os.pwrite(f.fileno(), data, start)
            f.truncate(self.size)


def _write_ttl_changes(path: Path, graph: PartialGraph) -> TtlChanges:
    """Write ``graph``'s changes into graph.ttl in place: the blocks of its changed nodes and
    edges are blanked (spaces: Turtle ignores them), and their new blocks and those of the new
    nodes and edges are appended. The file's triples are then those of a full write."""
    from paperkg.sinks.turtle_blocks import TurtleBlocks

    state = graph.state
    assert state.ttl_iri is not None
    buf = io.BytesIO()
    sink = TurtleBlocks(buf, state.ttl_iri, record=True)
    for key in (*graph.new_edges, *graph.old_edges):
        for nid in key[:2]:
            if nid not in graph.new_nodes:
                sink.know(nid, NodeKind(graph.g.nodes[nid]["kind"]))
    for nid in graph.new_nodes:
        sink.write_node(graph.node(nid))
    for key in graph.new_edges:
        sink.write_edge(_edge(key, graph.g.edges[key]))
    rewritten: list[tuple[Span, Any, bytes]] = [
        (state.nodes_ttl.get(state.row[n]), n, sink.node_text(graph.node(n))) for n in graph.old_nodes
    ]
    rewritten += [
        (state.edges_ttl.get(state.edge_row[k]), k, sink.edge_text(_edge(k, graph.g.edges[k])))
        for k in graph.old_edges
    ]
    sink.flush()
    added = buf.getvalue()
    try:
        with open(path, "r+b") as f:
            fd = f.fileno()
            size = os.fstat(fd).st_size
            changes = TtlChanges([], size, *_shifted(sink.spans, size))
            at = size + len(added)
            for _, ref, text in rewritten:
                (changes.nodes if isinstance(ref, str) else changes.edges)[ref] = (at, at + len(text))
                at += len(text)
            try:
                for (start, end), _, _ in rewritten:
                    old = os.pread(fd, end - start, start)
                    changes.blanked.append((start, old))
                    os.pwrite(fd, old.translate(_BLANK), start)
                os.pwrite(fd, added + b"".join(text for _, _, text in rewritten), size)
            except BaseException:
                changes.undo(path)
                raise
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    state.ttl_blank += sum(end - start for (start, end), _, _ in rewritten)
    return changes


def write_update(
    out: Path, graph: PartialGraph, extractions: Iterable[PaperExtraction], base_iri: str | None
) -> Callable[[], KnowledgeGraph]:
    """Write what an update on ``graph`` changed into ``out``; returns a reader of the whole graph
    (for the sinks that need it).

    extraction.jsonl is appended to; graph.json is spliced; graph.ttl is changed in place (or
    written in full, see :func:`_write_ttl_changes`). Appends are cut back, blanked blocks restored
    and the spliced graph.json dropped if anything fails before it is renamed into place (the last
    step)."""
    state = graph.state
    if graph.unsafe:  # a revised paper's edges (new copies of it): its old ones are not in the state
        full = _apply(KnowledgeGraph.load(out / GRAPH), graph)
        write_full(out, full, extractions, base_iri, append_extractions=True)
        return lambda: full
    # graph.ttl in full when it is not current, or when blanked blocks would be a quarter of it
    ttl_size = _stamp(out / TTL)
    rdf_in_full = base_iri is not None and (
        state.ttl_iri != base_iri or ttl_size is None or state.ttl_blank > ttl_size[0] // 4
    )
    ttl = json_done = None
    try:
        if base_iri is not None and not rdf_in_full:
            ttl = _write_ttl_changes(out / TTL, graph)
        with _appending([out / EXTRACTION]):
            _append_lines(out / EXTRACTION, _extraction_lines(extractions))
            nodes, edges = graph.changed()
            spans = (
                {n: state.nodes_json.get(r) for n in nodes if (r := state.row.get(n)) is not None},
                {k: state.edges_json.get(r) for k in edges if (r := state.edge_row.get(k)) is not None},
            )
            json_done = splice_json(out / GRAPH, spans, state.ends, nodes, edges)
            json_done.commit()  # from here on the update is done: a state not matching it is not used
    except BaseException:
        if ttl is not None:
            ttl.undo(out / TTL)
        raise
    finally:
        if json_done is not None:
            json_done.abort()
    if base_iri is None:
        state.ttl_iri = None
    state.spliced(graph, json_done, ttl)
    full: KnowledgeGraph | None = None

    def whole() -> KnowledgeGraph:
        nonlocal full
        if full is None:
            full = KnowledgeGraph.load(out / GRAPH)
        return full

    if rdf_in_full and base_iri is not None:
        state.take_ttl(base_iri, _ttl_spans(_write_ttl(out / TTL, whole(), base_iri)))
    state.save(out)
    return whole


def _shifted(spans: Any, by: int) -> Any:
    return tuple({k: (a + by, b + by) for k, (a, b) in d.items()} for d in spans)


def _append_bytes(path: Path, data: bytes) -> None:
    try:
        with open(path, "ab") as f:
            f.write(data)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None


def _apply(full: KnowledgeGraph, partial: PartialGraph) -> KnowledgeGraph:
    """``full`` (the graph of graph.json) with the nodes and edges ``partial`` added or changed."""
    nodes, edges = partial.changed()
    for nid, attrs in nodes.items():
        if nid in full:
            full.g.nodes[nid].clear()
        full.g.add_node(nid, **_copy_attrs(attrs))
    for key, attrs in edges.items():
        if key in partial.new_edges:
            full.add_edge(_edge(key, attrs))
        else:
            full.g.edges[key].clear()
            full.g.edges[key].update(attrs)
    return full
