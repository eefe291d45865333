"""Writing a build directory: every file in full (:func:`write_full`), or only what an update
changed (:func:`write_update`); and the graph a directory holds, for an update (:func:`existing_graph`).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from paperkg.collector import gc_paused
from paperkg.errors import PaperkgError
from paperkg.files import atomic_file, remove_quietly
from paperkg.graph import KnowledgeGraph
from paperkg.model import PaperExtraction
from paperkg.output import graphjson, turtle
from paperkg.output.graphjson import Splice
from paperkg.output.partial import PartialGraph, load_state
from paperkg.output.state import EXTRACTION, GRAPH, STATE, TTL, State, stamp

if TYPE_CHECKING:
    from paperkg.pipeline import Existing


class NoGraphToUpdate(PaperkgError):
    """A build directory that holds no graph to update."""


def existing_graph(out: Path) -> Existing:
    """The graph in build directory ``out``, for an update: as its state describes it when the
    state is current (only what changes is read and written), else all of graph.json."""
    from paperkg.pipeline import Existing

    graph_file = out / GRAPH
    if not graph_file.is_file():
        raise NoGraphToUpdate(f"{graph_file}: no graph to update (build one with --out first)")
    state = load_state(out)
    if state is None:
        return Existing.of(KnowledgeGraph.load(graph_file))
    return Existing(state, state.seed, state)


# -- extraction.jsonl ---------------------------------------------------------------------------
def _extraction_lines(extractions: Iterable[PaperExtraction]) -> Iterator[str]:
    return (json.dumps(x.to_json(), ensure_ascii=False) + "\n" for x in extractions)


@contextmanager
def _appending(paths: list[Path]) -> Iterator[None]:
    """Files appended to inside the block are cut back to their sizes before it if it fails."""
    sizes = {p: stamp(p) for p in paths}
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


def _write_extractions(path: Path, extractions: Iterable[PaperExtraction], append: bool) -> None:
    if append:
        with _appending([path]):
            _append_lines(path, _extraction_lines(extractions))
    else:
        with atomic_file(path, "w") as f:
            f.writelines(_extraction_lines(extractions))


# -- in full ------------------------------------------------------------------------------------
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
    forked = written = None
    if base_iri is not None and hasattr(os, "fork") and turtle.room_for_a_copy():
        forked = turtle.ForkedTurtleWriter(out, graph, base_iri)
    elif base_iri is not None:
        # Written first, while nothing else is held: the peak of a large build is then the graph
        # plus the larger of this writer's tables and graph.json's layout and state, not their sum.
        written = turtle.write_turtle(out / TTL, graph, base_iri)
    try:
        _write_extractions(out / EXTRACTION, extractions, append_extractions)
        state = State.of(graph, graphjson.save_graph(graph, out / GRAPH))
        if forked is not None:
            spans = forked.finish()
            if spans is None:  # the system killed the copy (out of memory): write it here
                spans = turtle.write_turtle(out / TTL, graph, str(base_iri))
            state.take_ttl(str(base_iri), spans)
        elif written is not None:
            state.take_ttl(str(base_iri), written)
    except BaseException:
        if forked is not None:
            forked.abort()
        raise
    state.save(out)


# -- an update ----------------------------------------------------------------------------------
def write_update(
    out: Path, graph: PartialGraph, extractions: Iterable[PaperExtraction], base_iri: str | None
) -> Callable[[], KnowledgeGraph]:
    """Write what an update on ``graph`` changed into ``out``; returns a reader of the whole graph
    (for the sinks that need it).

    extraction.jsonl is appended to; graph.json is spliced; graph.ttl is changed in place (or
    written in full, see :func:`_turtle_in_full`). Appends are cut back, blanked blocks restored
    and the spliced graph.json dropped if anything fails before it is renamed into place (the last
    step)."""
    if graph.unsafe:  # a revised paper's edges (new copies of it): its old ones are not in the state
        full = _apply(KnowledgeGraph.load(out / GRAPH), graph)
        write_full(out, full, extractions, base_iri, append_extractions=True)
        return lambda: full
    state = graph.state
    ttl_in_full = base_iri is not None and _turtle_in_full(out / TTL, state, base_iri)
    json_done, ttl = _write_changes(out, graph, extractions, base_iri is not None and not ttl_in_full)
    if base_iri is None:
        state.ttl_iri = None
    state.spliced(graph, json_done, ttl)
    whole = _reader(out / GRAPH)
    if base_iri is not None and ttl_in_full:
        state.take_ttl(base_iri, turtle.write_turtle(out / TTL, whole(), base_iri))
    state.save(out)
    return whole


def _turtle_in_full(path: Path, state: State, base_iri: str) -> bool:
    """Is graph.ttl to be written in full: not the file the state describes, or with blanked
    blocks that would pass a quarter of it?"""
    size = stamp(path)
    return state.ttl_iri != base_iri or size is None or state.ttl_blank > size[0] // 4


def _write_changes(
    out: Path, graph: PartialGraph, extractions: Iterable[PaperExtraction], patch_ttl: bool
) -> tuple[Splice, turtle.TtlChanges | None]:
    """Change graph.ttl in place (with ``patch_ttl``), append to extraction.jsonl and splice
    graph.json, all undone if anything fails before graph.json is renamed into place."""
    ttl = json_done = None
    try:
        if patch_ttl:
            ttl = turtle.write_turtle_changes(out / TTL, graph)
        with _appending([out / EXTRACTION]):
            _append_lines(out / EXTRACTION, _extraction_lines(extractions))
            json_done = _splice_graph_json(out / GRAPH, graph)
            json_done.commit()  # from here on the update is done: a state not matching it is not used
    except BaseException:
        if ttl is not None:
            ttl.undo(out / TTL)
        raise
    finally:
        if json_done is not None:
            json_done.abort()
    return json_done, ttl


def _splice_graph_json(path: Path, graph: PartialGraph) -> Splice:
    """graph.json with the records ``graph`` changed replaced and the new ones appended (not yet
    renamed into place)."""
    state = graph.state
    nodes, edges = graph.changed()
    spans = (
        {n: state.nodes_json.get(r) for n in nodes if (r := state.row.get(n)) is not None},
        {k: state.edges_json.get(r) for k in edges if (r := state.edge_row.get(k)) is not None},
    )
    return graphjson.splice_json(path, spans, state.ends, nodes, edges)


def _reader(path: Path) -> Callable[[], KnowledgeGraph]:
    """A reader of the graph in graph.json at ``path`` that reads it on its first call only."""
    full: KnowledgeGraph | None = None

    def whole() -> KnowledgeGraph:
        nonlocal full
        if full is None:
            full = KnowledgeGraph.load(path)
        return full

    return whole


def _apply(full: KnowledgeGraph, partial: PartialGraph) -> KnowledgeGraph:
    """``full`` (the graph of graph.json) with the nodes and edges ``partial`` added or changed."""
    nodes, edges = partial.changed()
    for nid, attrs in nodes.items():
        full.set_node_attrs(nid, attrs)
    for key, attrs in edges.items():
        if key in partial.new_edges:
            full.add_edge(partial.edge(key))
        else:
            full.set_edge_attrs(key, attrs)
    return full
