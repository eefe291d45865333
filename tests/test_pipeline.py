"""End to end: examples/ and the shared sample pages through the whole pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from paperkg.cli import main
from paperkg.evaluate import score
from paperkg.graph import KnowledgeGraph
from paperkg.output.graphjson import save_graph
from paperkg.pipeline import extract_corpus, run

ROOT = Path(__file__).resolve().parents[1]


def test_examples_end_to_end(extractor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    inputs = [str(p) for p in sorted((ROOT / "examples").iterdir())]
    result = run(inputs, extractor)
    s = result.summary
    assert s.reconciles() and s.papers == 6 and s.rejected == 0
    g = result.graph
    names = {n.props["name"] for n in g.nodes() if n.kind.is_entity}
    for expected in (
        "GlintBench",
        "TidePix-2M",
        "LLaVA-1.5",
        "COCO",
        "Visual Genome",
        "MMBench",
        "Video-MME",
        "CLIP",
    ):
        assert expected in names
    # Every extracted edge carries its evidence, and the sentence holds the mention.
    for e in g.edges():
        if e.type.value == "VARIANT_OF":
            continue
        ev = e.props
        assert {"field", "start", "end", "sentence", "extractor", "extractor_version", "confidence"} <= set(
            ev
        )
        if ev["field"] in ("title", "abstract"):
            paper = g.node(ev["paper"])
            text = paper.props["title"] if ev["field"] == "title" else paper.props["abstract"]
            assert text[ev["start"] : ev["end"]] in ev["sentence"]
    # The graph survives a JSON round trip.
    save_graph(g, tmp_path / "g.json")
    back = KnowledgeGraph.load(tmp_path / "g.json")
    assert back.counts() == g.counts()


def test_sample_pages_build(shared: Path, tmp_path: Path) -> None:
    pages = sorted(str(p) for p in (shared / "samples").glob("*.txt"))
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["build", *pages, "--out", str(out), "--json", "-q"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert (s["records_read"], s["papers"], s["duplicates_merged"], s["records_rejected"]) == (
        281,
        237,
        44,
        0,
    )
    assert s["reconciles"]
    graph = json.loads((out / "graph.json").read_text())
    assert sum(1 for n in graph["nodes"] if n["kind"] == "paper") == 237
    for name in ("graph.json", "graph.ttl", "graph.html", "extraction.jsonl"):
        assert (out / name).stat().st_size > 0
    assert len((out / "extraction.jsonl").read_text().splitlines()) == 237
    # The abstracts (kept on disk during the build) are written back whole: every mention's
    # offsets point into its paper's abstract, and graph.ttl holds the same texts.
    abstracts = {n["id"]: n["abstract"] for n in graph["nodes"] if n["kind"] == "paper"}
    spans = [e for e in graph["edges"] if e.get("field") == "abstract"]
    assert len(spans) > 500
    for e in spans:
        assert abstracts[e["paper"]][e["start"] : e["end"]] in e["sentence"]
    in_ttl = {
        str(q.object.value)
        for q in ox.parse(path=out / "graph.ttl", format=ox.RdfFormat.TURTLE)
        if q.predicate.value == "http://purl.org/dc/terms/abstract"
    }
    assert in_ttl == set(abstracts.values())


def test_gold_scores_hold(shared: Path, extractor) -> None:  # type: ignore[no-untyped-def]
    """A regression guard on the shared gold set (the referee script gives the same figures)."""
    gold = shared / "gold"
    extractions, *_ = extract_corpus([str(gold / "dev_papers.jsonl")], extractor)
    res, _ = score(gold / "dev_gold.jsonl", [x.to_json() for x in extractions])
    assert res["detection"]["f1"] >= 0.90
    assert res["typed"]["f1"] >= 0.82
    assert res["role_accuracy"] >= 0.92
    assert res["urls"]["f1"] >= 0.98


def test_tdmsci_beats_peer(shared: Path, extractor) -> None:  # type: ignore[no-untyped-def]
    bench = shared / "benchmarks" / "tdmsci"
    extractions, *_ = extract_corpus([str(bench / "test.jsonl")], extractor)
    ours, _ = score(bench / "test.jsonl", [x.to_json("mention") for x in extractions])
    peer, _ = score(bench / "test.jsonl", [json.loads(x) for x in (bench / "peer_predictions.jsonl").open()])
    assert abs(peer["strict"]["f1"] - 0.558) < 0.001  # the published system's figure: the scorer agrees
    assert ours["strict"]["f1"] > peer["strict"]["f1"]
    assert ours["relaxed"]["f1"] > peer["relaxed"]["f1"]
