"""``build --update``: the files it changes in place equal those of a build of every input at once.

graph.json is compared as a graph (list properties as sets: a build sorts aliases, an update adds
new ones at the end), graph.ttl as a set of triples, extraction.jsonl as a multiset of records.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from paperkg.cli import main
from paperkg.graph import KnowledgeGraph
from paperkg.model import Edge, EdgeType, Node, NodeKind
from paperkg.output import STATE, load_state, turtle, write_full, write_update
from paperkg.output.graphjson import save_graph

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "examples" / "daily_papers_2025-03-03.txt")
API = str(ROOT / "examples" / "hf_daily_api_sample.json")
IRI = "https://w3id.org/paperkg/resource/"


@pytest.fixture(autouse=True)
def _shared_extractor(monkeypatch: pytest.MonkeyPatch, extractor: Any) -> None:
    monkeypatch.setattr("paperkg.cli_options.extractor_for", lambda registry: extractor)


def build(*args: str) -> dict[str, Any]:
    r = CliRunner().invoke(main, ["build", *args, "--no-html", "--json", "-q"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def graph_of(d: Path) -> tuple[dict[str, Any], dict[Any, Any]]:
    g = KnowledgeGraph.load(d / "graph.json")
    nodes = {n: {k: sorted(v) if isinstance(v, list) else v for k, v in a.items()} for n, a in g.node_items()}
    return nodes, dict(g.edge_items())


def triples(d: Path) -> set[ox.Quad]:
    return set(ox.parse(path=d / "graph.ttl", format=ox.RdfFormat.TURTLE))


def records(d: Path) -> list[str]:
    return sorted((d / "extraction.jsonl").read_text(encoding="utf-8").splitlines())


def assert_same_build(a: Path, b: Path) -> None:
    assert graph_of(a) == graph_of(b)
    assert triples(a) == triples(b)
    assert records(a) == records(b)


def no_full_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if graph.json is read whole: the update must work from the state."""

    def refuse(*_a: Any, **_k: Any) -> None:
        raise AssertionError("graph.json read in full")

    monkeypatch.setattr(KnowledgeGraph, "load", classmethod(refuse))


def write_records(path: Path, recs: list[dict[str, str]]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return str(path)


def test_update_equals_a_build_of_all_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's papers come again (a new file for each existing node's sources) with two new ones."""
    up, full = tmp_path / "up", tmp_path / "full"
    build(PAGE, "--out", str(up))
    with monkeypatch.context() as m:
        no_full_read(m)
        s = build("--update", str(up), PAGE, API)
    assert (s["papers"], s["duplicates_merged"]) == (2, 4)
    t = build(PAGE, API, "--out", str(full))
    assert (s["nodes"], s["edges"]) == (t["nodes"], t["edges"])
    assert_same_build(up, full)
    # and once more, from the state the update left
    with monkeypatch.context() as m:
        no_full_read(m)
        build("--update", str(up), API)
    assert_same_build(up, full)


def test_update_adds_an_alias_to_an_existing_entity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = write_records(
        tmp_path / "a.jsonl",
        [
            {
                "id": "p1",
                "title": "More robots",
                "abstract": "We present ZorbNet, a model trained on the Quill Set dataset.",
            }
        ],
    )
    b = write_records(
        tmp_path / "b.jsonl",
        [
            {
                "id": "p2",
                "title": "Robots on Quill-Set",
                "abstract": "We train a policy on the Quill-Set dataset and report results on the "
                "Plink-Bench benchmark.",
            }
        ],
    )
    up, full = tmp_path / "up", tmp_path / "full"
    build(a, "--out", str(up))
    with monkeypatch.context() as m:
        no_full_read(m)
        build("--update", str(up), b)
    build(a, b, "--out", str(full))
    nodes, _ = graph_of(up)
    assert nodes["dataset:quill-set"]["aliases"] == ["Quill-Set"]  # the existing node changed
    assert_same_build(up, full)


def test_a_stale_state_or_graph_ttl_is_not_trusted(tmp_path: Path) -> None:
    up, full = tmp_path / "up", tmp_path / "full"
    build(PAGE, "--out", str(up))
    build("--update", str(up), API, "--no-rdf")  # graph.ttl is now behind graph.json
    build(PAGE, API, "--out", str(full))
    assert graph_of(up) == graph_of(full)
    assert triples(up) != triples(full)
    build("--update", str(up), PAGE)  # nothing new: graph.ttl is written again in full
    assert_same_build(up, full)
    save_graph(KnowledgeGraph.load(up / "graph.json"), up / "graph.json")  # written by someone else
    assert load_state(up) is None
    build("--update", str(up), API)
    assert_same_build(up, full)


def test_a_failed_update_leaves_the_files_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    up = tmp_path / "up"
    build(PAGE, "--out", str(up))
    before = {p.name: p.read_bytes() for p in up.iterdir()}

    def full_disk(*_a: Any, **_k: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("paperkg.output.graphjson.splice_json", full_disk)
    r = CliRunner().invoke(main, ["build", "--update", str(up), API, "--no-html"])
    assert r.exit_code == 1 and "No space left on device" in r.stderr.strip().splitlines()[-1]
    assert "Traceback" not in r.stderr
    assert {p.name: p.read_bytes() for p in up.iterdir()} == before


# ---------------------------------------------------------------- the writers: changed values
def base_graph() -> KnowledgeGraph:
    g = KnowledgeGraph()
    g.add_node(Node("paper:1", NodeKind.PAPER, {"title": "One", "sources": ["a.txt"]}))
    g.add_node(Node("model:m", NodeKind.MODEL, {"name": "M", "aliases": []}))
    g.add_node(Node("model:n", NodeKind.MODEL, {"name": "N", "aliases": ["N1"]}))
    g.add_node(Node("dataset:d", NodeKind.DATASET, {"name": "D", "aliases": []}))
    g.add_edge(Edge("paper:1", "model:m", EdgeType.USES, {"confidence": 0.5, "paper": "paper:1"}))
    g.add_edge(Edge("model:m", "dataset:d", EdgeType.TRAINED_ON, {"confidence": 0.5, "paper": "paper:1"}))
    return g


def check_state(out: Path, ref: KnowledgeGraph) -> Any:
    """The state left in ``out`` says where every record of ``ref`` lies in graph.json and
    graph.ttl, and has its counts; returns the graph it describes."""
    again = load_state(out)
    assert again is not None and (out / STATE).is_file()
    st = again.state
    assert st.ttl_iri == IRI
    data, ttl = (out / "graph.json").read_bytes(), (out / "graph.ttl").read_bytes()
    for nid, _ in ref.node_items():
        a, b = st.nodes_json.get(st.row[nid])
        assert json.loads(data[a:b])["id"] == nid
        a, b = st.nodes_ttl.get(st.row[nid])
        assert ttl[a:b].decode().startswith(f"{nid} a ") and ttl[a:b].endswith(b" .\n")
    for (s, t, k), _ in ref.edge_items():
        row = st.edge_row.get((s, t, k))
        assert (row is None) == s.startswith("paper:")
        if row is not None:
            a, b = st.edges_json.get(row)
            assert (json.loads(data[a:b])["source"], json.loads(data[a:b])["target"]) == (s, t)
            a, b = st.edges_ttl.get(row)
            assert ttl[a:b].decode().startswith(f"{s} pkg:") and f"pkg:object {t} ;" in ttl[a:b].decode()
    assert again.counts() == ref.counts()
    return again


def grow(g: KnowledgeGraph, changes: bool) -> None:
    g.add_node(Node("paper:2", NodeKind.PAPER, {"title": "Two", "sources": ["b.txt"]}))
    g.add_node(Node("model:o", NodeKind.MODEL, {"name": "O", "aliases": []}))
    g.add_edge(Edge("paper:2", "model:n", EdgeType.USES, {"confidence": 0.7, "paper": "paper:2"}))
    g.add_edge(Edge("paper:2", "model:o", EdgeType.INTRODUCES, {"confidence": 0.7, "paper": "paper:2"}))
    g.add_edge(Edge("model:n", "dataset:d", EdgeType.TRAINED_ON, {"confidence": 0.7, "paper": "paper:2"}))
    g.add_edge(Edge("model:o", "model:n", EdgeType.VARIANT_OF, {"confidence": 0.9}))
    g.add_node(Node("model:m", NodeKind.MODEL, {"aliases": []}))  # no change
    if changes:  # lists grow (an empty one was held in pkg:extra); a better evidence replaces one
        g.add_node(Node("paper:1", NodeKind.PAPER, {"sources": ["b.txt"]}))
        g.add_node(Node("model:n", NodeKind.MODEL, {"aliases": ["N2"]}))
        g.add_node(Node("model:m", NodeKind.MODEL, {"aliases": ["M2"]}))
        g.add_edge(Edge("model:m", "dataset:d", EdgeType.TRAINED_ON, {"confidence": 0.9, "paper": "paper:2"}))


def updated_and_full(up: Path, full: Path, changes: bool, before: Callable[[Any], None]) -> tuple[Any, Any]:
    """``up``: the base graph written, read back from its state (``before`` sees it then),
    grown and written as an update; ``full``: the same growth written in full. Returns the
    updated graph and the reference graph."""
    up.mkdir()
    full.mkdir()
    write_full(up, base_graph(), [], IRI)
    graph = load_state(up)
    assert graph is not None
    before(graph)
    grow(graph, changes)
    write_update(up, graph, [], IRI)
    ref = base_graph()
    grow(ref, changes)
    write_full(full, ref, [], IRI)
    return graph, ref


@pytest.mark.parametrize("changes", [False, True])
def test_a_written_update_equals_a_full_write(tmp_path: Path, changes: bool) -> None:
    up, full = tmp_path / "up", tmp_path / "full"
    seen: list[bytes] = []
    graph, ref = updated_and_full(up, full, changes, lambda g: seen.append((up / "graph.ttl").read_bytes()))
    ttl_before = seen[0]
    assert graph.state.ttl_iri == IRI
    assert graph_of(up) == graph_of(full)
    assert triples(up) == triples(full)
    # new records only: graph.ttl is appended to; else the changed blocks are blanked too
    assert (up / "graph.ttl").read_bytes().startswith(ttl_before) is not changes
    assert (b"      \n" in (up / "graph.ttl").read_bytes()) is changes  # the old blocks, blanked
    assert len(graph.old_nodes) == (3 if changes else 0) and len(graph.old_edges) == int(changes)
    # the state left says where every record lies in graph.json and graph.ttl
    again = check_state(up, ref)
    assert again.node("model:m").props == ref.node("model:m").props


def test_graph_ttl_is_written_anew_when_blanked_runs_grow(tmp_path: Path) -> None:
    up, full = tmp_path / "up", tmp_path / "full"

    def many_updates_ago(graph: Any) -> None:
        graph.state.ttl_blank = (up / "graph.ttl").stat().st_size // 4 + 1  # as after many updates

    updated_and_full(up, full, True, many_updates_ago)
    assert triples(up) == triples(full)
    assert b"      \n" not in (up / "graph.ttl").read_bytes()  # no blanked block left
    again = load_state(up)
    assert again is not None and again.state.ttl_blank == 0 and again.state.ttl_iri == IRI


def test_graph_ttl_is_written_here_when_the_forked_writer_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy that writes graph.ttl can be killed by the system (out of memory at a million
    papers): the build then writes graph.ttl itself instead of failing."""
    import signal

    parent = os.getpid()
    real = turtle.write_turtle

    def killed_in_the_copy(path: Path, graph: KnowledgeGraph, base_iri: str) -> Any:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, graph, base_iri)

    monkeypatch.setattr(turtle, "write_turtle", killed_in_the_copy)
    monkeypatch.setattr(turtle, "room_for_a_copy", lambda: True)
    out, ref = tmp_path / "out", tmp_path / "ref"
    out.mkdir()
    ref.mkdir()
    write_full(out, base_graph(), [], IRI)
    monkeypatch.setattr(turtle, "write_turtle", real)
    write_full(ref, base_graph(), [], IRI)
    assert triples(out) == triples(ref)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in ref.iterdir())
    state = load_state(out)
    assert state is not None and state.state.ttl_iri == IRI


def test_no_forked_writer_without_memory_for_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(turtle, "room_for_a_copy", lambda: False)
    monkeypatch.setattr(turtle, "ForkedTurtleWriter", None)  # would fail if it were used
    write_full(tmp_path, base_graph(), [], IRI)
    assert triples(tmp_path)
    check_state(tmp_path, base_graph())  # graph.ttl was written first: the state still knows its blocks


@pytest.mark.skipif(not Path("/proc/meminfo").exists(), reason="reads /proc (Linux)")
def test_a_large_process_is_not_forked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(turtle, "COPY_SHARE", 1)
    assert turtle.room_for_a_copy()  # this test process is small beside the free memory
    monkeypatch.setattr(turtle, "COPY_SHARE", 10**9)  # as if it held most of the memory
    assert not turtle.room_for_a_copy()
