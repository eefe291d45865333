"""One node per name in a built graph, and node ids that stay: two builds of one input give the
same ids, and ``build --update`` neither renames nor retypes an entity already in the graph."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from paperkg.cli import main
from paperkg.graph import KnowledgeGraph
from paperkg.model import EdgeType
from paperkg.resolve import entity_key

# One name typed dataset by one paper's title and model by another's.
RECORDS = [
    {
        "id": "2501.00001",
        "title": "ZorbaNet: A Large-Scale Dataset for Document Understanding",
        "abstract": "We present ZorbaNet, a dataset of 2 million annotated document pages. "
        "Models trained on ZorbaNet improve on DocVQA.",
    },
    {
        "id": "2501.00002",
        "title": "ZorbaNet: A Vision-Language Model for Documents",
        "abstract": "We introduce ZorbaNet, a vision-language model for documents "
        "that outperforms GPT-4o on DocVQA.",
    },
]
LATER = [
    {
        "id": f"2502.0000{i}",
        "title": "ZorbaNet: A Benchmark for Document Reasoning" if i == 1 else f"Document Agents {i}",
        "abstract": f"We evaluate GPT-4o on ZorbaNet, a benchmark of document questions, and on DocVQA "
        f"({i}).",
    }
    for i in (1, 2, 3)
]


@pytest.fixture(autouse=True)
def _shared_extractor(monkeypatch: pytest.MonkeyPatch, extractor: Any) -> None:
    monkeypatch.setattr("paperkg.cli_options.extractor_for", lambda registry: extractor)


def _write(path: Path, records: list[dict[str, str]]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


def _build(*args: str) -> None:
    r = CliRunner().invoke(main, ["build", *args, "--no-html", "-q"])
    assert r.exit_code == 0, r.output


def _entities(out: Path) -> dict[str, tuple[str, str]]:
    g = KnowledgeGraph.load(out / "graph.json")
    return {n.id: (n.kind.value, str(n.props["name"])) for n in g.nodes() if n.kind.is_entity}


def _zorba(out: Path) -> list[str]:
    return [nid for nid, (_, name) in _entities(out).items() if entity_key(name) == "zorbanet"]


def test_a_name_typed_differently_is_one_node(tmp_path: Path) -> None:
    _build(_write(tmp_path / "a.jsonl", RECORDS), "--out", str(tmp_path / "out"))
    (nid,) = _zorba(tmp_path / "out")
    g = KnowledgeGraph.load(tmp_path / "out" / "graph.json")
    introducers = {e.source for e in g.edges(EdgeType.INTRODUCES) if e.target == nid}
    assert introducers == {"paper:2501.00001", "paper:2501.00002"}


def test_each_paper_type_is_kept_on_its_edge(tmp_path: Path) -> None:
    _build(_write(tmp_path / "a.jsonl", RECORDS), "--out", str(tmp_path / "out"))
    (nid,) = _zorba(tmp_path / "out")
    g = KnowledgeGraph.load(tmp_path / "out" / "graph.json")
    typed = {e.source: e.props.get("mention_type") for e in g.edges() if e.target == nid}
    assert typed == {"paper:2501.00001": "dataset", "paper:2501.00002": "model"}


def test_node_ids_are_the_same_in_two_builds(tmp_path: Path) -> None:
    src = _write(tmp_path / "a.jsonl", RECORDS + LATER)
    _build(src, "--out", str(tmp_path / "one"))
    _build(src, "--out", str(tmp_path / "two"))
    assert _entities(tmp_path / "one") == _entities(tmp_path / "two")
    assert len(_zorba(tmp_path / "one")) == 1


def test_update_keeps_existing_ids_names_and_types(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(_write(tmp_path / "a.jsonl", RECORDS), "--out", str(out))
    before = _entities(out)
    zorba = _zorba(out)
    # Later papers type ZorbaNet as a benchmark, one by its title: it stays the node it was.
    _build("--update", str(out), _write(tmp_path / "b.jsonl", LATER))
    after = _entities(out)
    assert {nid: after.get(nid) for nid in before} == before
    assert len(zorba) == 1 and _zorba(out) == zorba


def test_a_repo_id_is_kept_on_its_node(tmp_path: Path) -> None:
    """A Hugging Face repo id written in an abstract is one mention of its name, and the id
    itself is an external id of that name's node (``ids``: ``hf:org/name``), gathered over papers."""
    records = [
        {
            "id": "2503.00001",
            "title": "Small coders",
            "abstract": "We fine-tune Qwen/Qwen2.5-Coder-7B-Instruct on CodeSearchNet and compare "
            "it with Qwen2.5-Coder-7B-Instruct without tuning.",
        },
        {
            "id": "2503.00002",
            "title": "Coders at scale",
            "abstract": "We evaluate Qwen2.5-Coder-7B-Instruct and GPT-4o on HumanEval.",
        },
    ]
    _build(_write(tmp_path / "a.jsonl", records), "--out", str(tmp_path / "out"))
    g = KnowledgeGraph.load(tmp_path / "out" / "graph.json")
    ents = {str(n.props["name"]): n for n in g.nodes() if n.kind.is_entity}
    assert "Qwen" not in ents
    node = ents["Qwen2.5-Coder-7B-Instruct"]
    assert node.props["ids"] == ["hf:Qwen/Qwen2.5-Coder-7B-Instruct"]
    users = {e.source for e in g.edges(EdgeType.USES) if e.target == node.id}
    assert users == {"paper:2503.00001", "paper:2503.00002"}
    assert "hf:Qwen/Qwen2.5-Coder-7B-Instruct" in (tmp_path / "out" / "graph.ttl").read_text()
