"""graph.ttl of a build directory: written in full, by a forked copy of this process while this one
writes graph.json when there is memory for it, or changed in place by an update.

An update blanks the blocks of its changed nodes and edges with spaces (Turtle ignores them) and
appends their new blocks and those of the new ones (:func:`write_turtle_changes`); the file's
triples are then those of a full write.
"""

from __future__ import annotations

import contextlib
import io
import marshal
import os
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from paperkg.files import remove_quietly
from paperkg.graph import EdgeKey, KnowledgeGraph
from paperkg.model import NodeKind
from paperkg.output.graphjson import Span
from paperkg.output.state import TTL
from paperkg.sinks.base import NodeSpans, SinkError

if TYPE_CHECKING:
    from paperkg.output.partial import PartialGraph

TtlSpans = tuple[dict[str, Span], dict[EdgeKey, Span]]  # where each node's and edge's block lies
# A forked writer only while this process holds less than this share of the free memory.
COPY_SHARE = 4


def write_turtle(path: Path, graph: KnowledgeGraph, base_iri: str) -> tuple[NodeSpans, dict[EdgeKey, Span]]:
    """Write ``graph`` to ``path`` as Turtle; returns where each node's block lies, and each
    edge's that does not start at a paper."""
    from paperkg.sinks.base import write_graph
    from paperkg.sinks.rdf import RdfSink

    sink = RdfSink(path, "ttl", base_iri, record=True)
    write_graph(graph, sink)
    return sink.blocks.node_spans, sink.blocks.edge_spans


def room_for_a_copy() -> bool:
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


class ForkedTurtleWriter:
    """graph.ttl written by a forked copy of this process while this one writes graph.json and
    extraction.jsonl: the graph is built by then, the copy only reads it, and the second core is
    otherwise idle. The copy writes ``.graph.ttl.next`` and, in a small file, where its blocks lie
    (or why it failed); :meth:`finish` renames it into place, :meth:`abort` stops and removes it."""

    def __init__(self, out: Path, graph: KnowledgeGraph, base_iri: str) -> None:
        self.target, self.next = out / TTL, out / ".graph.ttl.next"
        self.report = out / ".graph.ttl.report.tmp"
        self.pid = os.fork()
        if self.pid == 0:
            self._write_in_the_copy(graph, base_iri)

    def _write_in_the_copy(self, graph: KnowledgeGraph, base_iri: str) -> NoReturn:
        """Write, report, and leave without running anything else."""
        code = 1
        try:
            nodes, edges = write_turtle(self.next, graph, base_iri)
            result: tuple[str, Any] = ("ok", (nodes.as_dict(), edges))
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

    def finish(self) -> TtlSpans | None:
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


# -- changing graph.ttl in place ---------------------------------------------------------------

_BLANK = bytes(10 if b == 10 else 32 for b in range(256))  # every byte a space, but newlines
Rewrite = tuple[Span, str | EdgeKey, bytes]  # a changed block: where it lies, its node or edge, new text


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


def write_turtle_changes(path: Path, graph: PartialGraph) -> TtlChanges:
    """Write ``graph``'s changes into graph.ttl in place: the blocks of its changed nodes and
    edges are blanked (spaces: Turtle ignores them), and their new blocks and those of the new
    nodes and edges are appended. The file's triples are then those of a full write."""
    state = graph.state
    assert state.ttl_iri is not None
    added, spans, rewritten = _changed_blocks(graph, state.ttl_iri)
    changes = _patch(path, added, spans, rewritten)
    state.ttl_blank += sum(end - start for (start, end), _, _ in rewritten)
    return changes


def _changed_blocks(graph: PartialGraph, base_iri: str) -> tuple[bytes, TtlSpans, list[Rewrite]]:
    """The blocks of the new nodes and edges (their text, and where each lies in it), and for
    each changed node and edge, where its block lies in graph.ttl and its new text."""
    from paperkg.sinks.turtle_blocks import TurtleBlocks

    state = graph.state
    buf = io.BytesIO()
    blocks = TurtleBlocks(buf, base_iri, record=True)
    for key in (*graph.new_edges, *graph.old_edges):
        for nid in key[:2]:
            if nid not in graph.new_nodes:
                blocks.know(nid, NodeKind(graph.node_attrs(nid)["kind"]))
    for nid in graph.new_nodes:
        blocks.write_node(graph.node(nid))
    for key in graph.new_edges:
        blocks.write_edge(graph.edge(key))
    rewritten: list[Rewrite] = [
        (state.nodes_ttl.get(state.row[n]), n, blocks.node_text(graph.node(n))) for n in graph.old_nodes
    ]
    rewritten += [
        (state.edges_ttl.get(state.edge_row[k]), k, blocks.edge_text(graph.edge(k))) for k in graph.old_edges
    ]
    blocks.flush()
    return buf.getvalue(), blocks.spans, rewritten


def _patch(path: Path, added: bytes, spans: TtlSpans, rewritten: list[Rewrite]) -> TtlChanges:
    """Blank the blocks of ``rewritten`` in the file at ``path`` and append ``added`` and their new
    texts; undone if it fails."""
    try:
        with open(path, "r+b") as f:
            fd = f.fileno()
            size = os.fstat(fd).st_size
            changes = TtlChanges([], size, *_shifted(spans, size))
            at = size + len(added)
            for _, ref, text in rewritten:
                if isinstance(ref, str):
                    changes.nodes[ref] = (at, at + len(text))
                else:
                    changes.edges[ref] = (at, at + len(text))
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
    return changes


def _shifted(spans: TtlSpans, by: int) -> TtlSpans:
    nodes, edges = spans
    return {k: (a + by, b + by) for k, (a, b) in nodes.items()}, {
        k: (a + by, b + by) for k, (a, b) in edges.items()
    }
