"""Multinomial logistic regression over sparse binary features, in numpy: full-batch Adam with
an L2 penalty, a fixed number of steps, and nothing random, so training is deterministic."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class Linear:
    """Weights of one classifier: ``weights[feature_index, class]`` and ``bias[class]``."""

    classes: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray

    def scores(self, rows: Sequence[Sequence[int]]) -> np.ndarray:
        """Class probabilities for rows of feature indices (unknown features already left out)."""
        out = np.tile(self.bias, (len(rows), 1))
        lengths = [len(r) for r in rows]
        if sum(lengths):
            flat = np.fromiter((i for r in rows for i in r), dtype=np.int64)
            owner = np.repeat(np.arange(len(rows)), lengths)
            np.add.at(out, owner, self.weights[flat])
        return softmax(out)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


BUCKETS = 1 << 20  # feature strings are hashed into this many buckets (no string is stored)


def bucket(feature: str) -> int:
    """A feature's bucket: CRC-32 of its UTF-8 bytes (stable across processes and machines)."""
    return zlib.crc32(feature.encode("utf-8")) & (BUCKETS - 1)


def vocabulary(rows: Sequence[Sequence[str]], min_count: int = 2) -> dict[int, int]:
    """The buckets of the features seen in at least ``min_count`` rows, indexed in sorted order."""
    counts = Counter(b for row in rows for b in {bucket(f) for f in row})
    return {b: i for i, b in enumerate(sorted(b for b, n in counts.items() if n >= min_count))}


def encode(rows: Sequence[Sequence[str]], vocab: dict[int, int]) -> list[list[int]]:
    """Each row's feature strings as the sorted indices of their buckets in ``vocab``."""
    memo = _memo(vocab)
    out = []
    for row in rows:
        found = set()
        for f in row:
            i = memo.get(f, -2)
            if i == -2:
                b = vocab.get(bucket(f))
                i = memo[f] = -1 if b is None else b
                if len(memo) > _MEMO_MAX:
                    memo.clear()
            if i >= 0:
                found.add(i)
        out.append(sorted(found))
    return out


_MEMO_MAX = 500_000
_memos: dict[int, dict[str, int]] = {}


def _memo(vocab: dict[int, int]) -> dict[str, int]:
    """A feature string -> index memo per vocabulary (features repeat across candidates)."""
    key = id(vocab)
    memo = _memos.get(key)
    if memo is None:
        if len(_memos) > 8:
            _memos.clear()
        memo = _memos[key] = {}
    return memo


def fit(
    rows: Sequence[Sequence[int]],
    labels: Sequence[int],
    n_features: int,
    classes: tuple[str, ...],
    l2: float = 1e-3,
    steps: int = 300,
    lr: float = 0.1,
    class_weight: Sequence[float] | None = None,
) -> Linear:
    """Fit by full-batch Adam from zero weights (deterministic)."""
    n, k = len(rows), len(classes)
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int64)
    row_of = np.repeat(np.arange(n), [len(r) for r in rows])
    y = np.zeros((n, k))
    y[np.arange(n), np.asarray(labels)] = 1.0
    sw = np.ones(n) if class_weight is None else np.asarray(class_weight)[np.asarray(labels)]
    sw = sw / sw.sum()
    w = np.zeros((n_features, k))
    b = np.zeros(k)
    mw, vw = np.zeros_like(w), np.zeros_like(w)
    mb, vb = np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        z = np.zeros((n, k)) + b
        for c in range(k):
            z[:, c] += np.bincount(row_of, weights=w[indices, c], minlength=n)
        p = softmax(z)
        d = (p - y) * sw[:, None]
        gw = np.empty_like(w)
        for c in range(k):
            gw[:, c] = np.bincount(indices, weights=d[row_of, c], minlength=n_features)
        gw += l2 * w
        gb = d.sum(axis=0)
        mw = beta1 * mw + (1 - beta1) * gw
        vw = beta2 * vw + (1 - beta2) * gw * gw
        mb = beta1 * mb + (1 - beta1) * gb
        vb = beta2 * vb + (1 - beta2) * gb * gb
        a = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
        w -= a * mw / (np.sqrt(vw) + eps)
        b -= a * mb / (np.sqrt(vb) + eps)
    return Linear(classes, w, b)
