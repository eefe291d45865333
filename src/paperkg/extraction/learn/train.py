"""Train the learned decider on paper gold and write it as package data, with a record of how.

    paperkg train                      # the shared gold set: ../shared/gold train + dev
    paperkg train --gold G --papers P  # any paper gold and its papers (repeatable, in pairs)

The weights go to ``extraction/data/decider.json``; ``decider.meta.json`` beside them records the
command, the training files with their SHA-256, the candidates and features counts, the
hyper-parameters and the training time. Training is deterministic: the same files give the
same bytes.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SHARED_GOLD = Path(__file__).resolve().parents[5] / "shared" / "gold"
DEFAULT_PAIRS = (("train_gold.jsonl", "train_papers.jsonl"), ("dev_gold.jsonl", "dev_papers.jsonl"))


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def default_files(shared_gold: Path = SHARED_GOLD) -> tuple[list[str], list[str]]:
    golds = [str(shared_gold / g) for g, _ in DEFAULT_PAIRS]
    papers = [str(shared_gold / p) for _, p in DEFAULT_PAIRS]
    return golds, papers


def train(
    golds: Sequence[str],
    papers: Sequence[str],
    out: str | Path | None = None,
    registry: str | None = None,
    command: str = "paperkg train",
    seed: int = 0,
) -> dict[str, Any]:
    """Fit on every paper of ``papers`` that has gold, write the model and its record; the record."""
    from paperkg.evaluate import read_gold_files
    from paperkg.extraction import Extractor
    from paperkg.extraction.learn import HYPER, fit_decider, model_path
    from paperkg.extraction.stages import RULES
    from paperkg.pipeline import PaperIndex, Summary, read_papers

    t0 = time.perf_counter()
    gold = read_gold_files(golds)
    by_id = {str(g["id"]): g for g in gold}
    ex = Extractor(registry=registry, decider=RULES, loose=True)
    chosen = [p for p in read_papers(papers, Summary(), PaperIndex()) if p.id in by_id]
    pcs = list(ex.candidates(chosen))
    decider = fit_decider(pcs, [by_id[pc.paper.id] for pc in pcs], ex.lex, seed=seed, **HYPER)
    seconds = time.perf_counter() - t0
    path = Path(out) if out is not None else model_path()
    data = json.dumps(decider.to_json(), separators=(",", ":"), sort_keys=True)
    path.write_text(data + "\n", encoding="utf-8")
    meta = {
        "command": command,
        "training_data": [{"file": Path(f).name, "sha256": sha256(f)} for f in [*golds, *papers]],
        "papers": len(pcs),
        "candidates": decider.meta.get("candidates"),
        "features": len(decider.vocab),
        "hyper_parameters": HYPER,
        "seed": seed,
        "training_seconds": round(seconds, 1),
        "model_sha256": sha256(path),
        "model_bytes": path.stat().st_size,
    }
    path.with_name(path.stem + ".meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta
