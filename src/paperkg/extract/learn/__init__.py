"""Learned decisions over the rules' candidates (decision 0010).

The rules find candidates (:mod:`paperkg.extract.rules`, collected per name by
:func:`paperkg.extract.extractor.collect`); three logistic-regression models over the candidates'
features (:mod:`.features`) decide whether each is an entity, its type and its role. The weights
ship as ``extract/data/decider.json``, trained by ``paperkg train`` (:mod:`.train`) on the shared
gold set; ``decider.meta.json`` beside them records the command and the training data's SHA-256.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from itertools import compress
from pathlib import Path
from typing import Any

import numpy as np

from paperkg.extract import rules
from paperkg.extract.learn.features import candidate_features
from paperkg.extract.learn.linear import Linear, encode, fit, vocabulary
from paperkg.extract.lexicon import Lexicon, load_lexicon
from paperkg.extract.stages import Decision, PaperCandidates
from paperkg.model import EntityType, Role

# Whether the extractor decides with the learned model when none is given: only when its
# cross-validated figures beat the rules' on detection and typed F1 (decision 0010).
LEARNED_BY_DEFAULT = False
MODEL_FILE = "decider.json"
TYPES = (EntityType.MODEL, EntityType.DATASET, EntityType.BENCHMARK)


def _gold_norm(s: str) -> str:
    from paperkg.evaluate import norm

    return norm(s)


def lower_words(pc: PaperCandidates) -> set[str]:
    out: set[str] = set()
    for d in (pc.title, pc.abstract):
        a = rules.arrays(d)
        out.update(compress(a.text, a.is_lower))
    return out


def paper_features(pc: PaperCandidates, lex: Lexicon) -> list[list[str]]:
    words = lower_words(pc)
    return [candidate_features(pc, c, lex, words) for c in pc.candidates]


class LearnedDecider:
    """Decides with three linear models: entity or not, its type, its role."""

    name = "learned"

    def __init__(
        self,
        vocab: dict[str, int],
        det: Linear,
        typ: Linear,
        role: Linear,
        lex: Lexicon,
        threshold: float = 0.5,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.vocab = vocab
        self.det, self.typ, self.role = det, typ, role
        self.lex = lex
        self.threshold = threshold
        self.meta = meta or {}

    def probabilities(self, pc: PaperCandidates) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = encode(paper_features(pc, self.lex), self.vocab)
        return self.det.scores(rows), self.typ.scores(rows), self.role.scores(rows)

    def decide(self, pc: PaperCandidates) -> list[Decision]:
        if not pc.candidates:
            return []
        pd, pt, pr = self.probabilities(pc)
        out = []
        for c, d, t, r in zip(pc.candidates, pd[:, 1], pt, pr[:, 1], strict=True):
            k = int(t.argmax())
            ty = TYPES[k]
            strength = 3 if t[k] >= 0.85 else (c.strength if ty is c.rule_type else 1)
            out.append(
                Decision(
                    bool(d >= self.threshold),
                    ty,
                    Role.INTRODUCED if r >= 0.5 else Role.USED,
                    strength,
                    float(d),
                )
            )
        return out

    def to_json(self) -> dict[str, Any]:
        names = sorted(self.vocab, key=self.vocab.__getitem__)

        def pack(m: Linear) -> dict[str, Any]:
            return {
                "classes": list(m.classes),
                "bias": [round(float(x), 5) for x in m.bias],
                "weights": [[round(float(x), 4) for x in row] for row in m.weights],
            }

        return {
            "format": 1,
            "features": names,
            "threshold": self.threshold,
            "det": pack(self.det),
            "type": pack(self.typ),
            "role": pack(self.role),
        }

    @classmethod
    def from_json(
        cls, data: dict[str, Any], lex: Lexicon, meta: dict[str, Any] | None = None
    ) -> LearnedDecider:
        vocab = {f: i for i, f in enumerate(data["features"])}

        def unpack(m: dict[str, Any]) -> Linear:
            return Linear(tuple(m["classes"]), np.asarray(m["weights"], dtype=float), np.asarray(m["bias"]))

        return cls(
            vocab,
            unpack(data["det"]),
            unpack(data["type"]),
            unpack(data["role"]),
            lex,
            data["threshold"],
            meta,
        )


def labels(pc: PaperCandidates, gold: dict[str, Any]) -> list[tuple[int, int, int]]:
    """For each candidate: (entity?, type index, introduced?) by the referee's name matching;
    type and role are -1 for a candidate that matches no gold entity."""
    index: dict[str, dict[str, Any]] = {}
    for e in gold.get("entities", []):
        for k in (_gold_norm(e["name"]), *(_gold_norm(a) for a in e.get("aliases", []))):
            if k:
                index.setdefault(k, e)
    out = []
    for c in pc.candidates:
        e = index.get(_gold_norm(c.name))
        if e is None:
            out.append((0, -1, -1))
        else:
            out.append((1, [t.value for t in TYPES].index(e["type"]), int(e.get("role") == "introduced")))
    return out


def fit_decider(
    pcs: Sequence[PaperCandidates],
    golds: Sequence[dict[str, Any]],
    lex: Lexicon,
    seed: int = 0,
    l2: float = 1e-4,
    steps: int = 300,
    min_count: int = 2,
) -> LearnedDecider:
    """Train the three models on papers' candidates and their gold. ``seed`` is recorded only:
    training starts from zero weights and takes full-batch steps, so it is deterministic."""
    rows: list[list[str]] = []
    ys: list[tuple[int, int, int]] = []
    for pc, g in zip(pcs, golds, strict=True):
        rows.extend(paper_features(pc, lex))
        ys.extend(labels(pc, g))
    vocab = vocabulary(rows, min_count)
    enc = encode(rows, vocab)
    n = len(vocab)
    det = fit(enc, [y[0] for y in ys], n, ("no", "yes"), l2=l2, steps=steps)
    pos = [i for i, y in enumerate(ys) if y[0]]
    typ = fit(
        [enc[i] for i in pos], [ys[i][1] for i in pos], n, tuple(t.value for t in TYPES), l2=l2, steps=steps
    )
    role = fit([enc[i] for i in pos], [ys[i][2] for i in pos], n, ("used", "introduced"), l2=l2, steps=steps)
    return LearnedDecider(vocab, det, typ, role, lex, meta={"seed": seed, "candidates": len(rows)})


@lru_cache(maxsize=4)
def _load(path: str, registry: str | None) -> LearnedDecider:
    p = Path(path)
    data = json.loads(p.read_text(encoding="utf-8"))
    meta_path = p.with_name(p.stem + ".meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    return LearnedDecider.from_json(data, load_lexicon(registry), meta)


def model_path() -> Path:
    return Path(str(resources.files("paperkg.extract") / "data" / MODEL_FILE))


def load_decider(path: str | None = None, registry: str | None = None) -> LearnedDecider:
    """The shipped model (or the one at ``path``)."""
    return _load(str(path or model_path()), registry)
