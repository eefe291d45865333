"""Learned decisions over the rules' candidates (decision 0010).

The rules find candidates (:mod:`paperkg.extraction.rules`, collected per name by
:func:`paperkg.extraction.extractor.collect`); three logistic-regression models over the candidates'
features (:mod:`.features`) decide whether each is an entity, its type and its role. The weights
ship as ``extraction/data/decider.json``, trained by ``paperkg train`` (:mod:`.train`) on the shared
gold set; ``decider.meta.json`` beside them records the command and the training data's SHA-256.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from paperkg.extraction.learn.features import PaperText, candidate_features
from paperkg.extraction.learn.linear import BUCKETS, Linear, encode, fit, vocabulary
from paperkg.extraction.lexicon import Lexicon, load_lexicon
from paperkg.extraction.stages import RULES, Decider, Decision, PaperCandidates
from paperkg.extraction.state import doc_state
from paperkg.keys import referee_key
from paperkg.model import EntityType, Role

# Whether the extractor decides with the learned model when none is given. Not yet: it beats the
# rules in cross-validation on the paper gold but loses on TDMSci's sentences (decision 0010).
LEARNED_BY_DEFAULT = False
MODEL_FILE = "decider.json"
#: The training settings of the shipped model and of every cross-validation fold.
HYPER: dict[str, Any] = {"l2": 1e-3, "steps": 300, "min_count": 2}
TYPES = (EntityType.MODEL, EntityType.DATASET, EntityType.BENCHMARK)


def paper_text(pc: PaperCandidates) -> PaperText:
    """What the features of the candidates of ``pc`` read of its paper."""
    from paperkg.extraction.extractor import LowerWords  # that module imports this one lazily

    title, abstract = doc_state(pc.title).tokens, doc_state(pc.abstract).tokens
    text = pc.paper.title + " " + pc.paper.abstract
    return PaperText(title, abstract, text, text.lower(), LowerWords(title, abstract).all())


def paper_features(pc: PaperCandidates, lex: Lexicon) -> list[list[str]]:
    paper = paper_text(pc)
    return [candidate_features(pc, c, lex, paper) for c in pc.candidates]


class LearnedDecider:
    """Decides with three linear models: entity or not, its type, its role."""

    name = "learned"
    wants_loose = True

    def __init__(
        self,
        vocab: dict[int, int],
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
        self.overlaps = False
        self.sure = 0.85

    def probabilities(self, pc: PaperCandidates) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = encode(paper_features(pc, self.lex), self.vocab)
        return self.det.scores(rows), self.typ.scores(rows), self.role.scores(rows)

    def decide(self, pc: PaperCandidates) -> list[Decision]:
        if not pc.candidates:
            return []
        pd, pt, pr = self.probabilities(pc)
        p_det = pd[:, 1].copy()
        if self.overlaps:
            p_det = _resolve_overlaps(pc, p_det, self.threshold)
        out = []
        for c, d, t, r in zip(pc.candidates, p_det, pt, pr[:, 1], strict=True):
            k = int(t.argmax())
            ty = TYPES[k]
            strength = 3 if t[k] >= self.sure else (c.strength if ty is c.rule_type else 1)
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
            "buckets": names,
            "hash": f"crc32 mod {BUCKETS}",
            "threshold": self.threshold,
            "det": pack(self.det),
            "type": pack(self.typ),
            "role": pack(self.role),
        }

    @classmethod
    def from_json(
        cls,
        data: dict[str, Any],
        lex: Lexicon,
        meta: dict[str, Any] | None = None,
    ) -> LearnedDecider:
        vocab = {int(b): i for i, b in enumerate(data["buckets"])}

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


def _resolve_overlaps(pc: PaperCandidates, p: np.ndarray, threshold: float) -> np.ndarray:
    """Of two kept candidates whose mentions overlap ("Flamingo 3" in "Audio Flamingo 3"), the
    less likely is dropped when every one of its mentions overlaps a mention of the other."""
    kept = [i for i in range(len(p)) if p[i] >= threshold]
    if len(kept) < 2:
        return p
    spans = {i: [(m.field, m.start, m.end) for m in pc.candidates[i].mentions] for i in kept}
    out = p.copy()
    for i in kept:
        for j in kept:
            if i == j or p[j] < p[i] or (p[j] == p[i] and j > i) or out[j] < threshold:
                continue
            if all(any(f == g and s < e2 and s2 < e for g, s2, e2 in spans[j]) for f, s, e in spans[i]):
                out[i] = min(out[i], threshold - 1e-6)
                break
    return out


def labels(pc: PaperCandidates, gold: dict[str, Any]) -> list[tuple[int, int, int]]:
    """For each candidate: (entity?, type index, introduced?) by the referee's name matching;
    type and role are -1 for a candidate that matches no gold entity."""
    index: dict[str, dict[str, Any]] = {}
    for e in gold.get("entities", []):
        for k in (referee_key(e["name"]), *(referee_key(a) for a in e.get("aliases", []))):
            if k:
                index.setdefault(k, e)
    out = []
    for c in pc.candidates:
        e = index.get(referee_key(c.name))
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
    l2: float = HYPER["l2"],
    steps: int = HYPER["steps"],
    min_count: int = HYPER["min_count"],
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
    meta = {"seed": seed, "candidates": len(rows)}
    return LearnedDecider(vocab, det, typ, role, lex, meta=meta)


@lru_cache(maxsize=4)
def _load(path: str, registry: str | None) -> LearnedDecider:
    p = Path(path)
    data = json.loads(p.read_text(encoding="utf-8"))
    meta_path = p.with_name(p.stem + ".meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    return LearnedDecider.from_json(data, load_lexicon(registry), meta)


def model_path() -> Path:
    return Path(str(resources.files("paperkg.extraction") / "data" / MODEL_FILE))


def load_decider(path: str | None = None, registry: str | None = None) -> LearnedDecider:
    """The shipped model (or the one at ``path``)."""
    return _load(str(path or model_path()), registry)


def default_decider(registry: str | None = None) -> Decider:
    """The extractor's decider when none is given: the shipped model, or the rules."""
    return load_decider(registry=registry) if LEARNED_BY_DEFAULT else RULES
