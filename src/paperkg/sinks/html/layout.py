"""The force layout of the HTML page's large graphs: positions computed before the page opens.

Above the sink's ``layout_threshold`` drawn nodes, :func:`fast_layout` places the nodes (a numpy
force layout whose repulsion comes from a density grid convolved by FFT, O(n + G² log G) per
iteration) and the page starts with vis-network's physics off.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

LAYOUT_SCALE = 32.0  # vis canvas units between neighbouring nodes of fast_layout


def fast_layout(
    n: int,
    sources: Sequence[int],
    targets: Sequence[int],
    *,
    seed: int = 7,
    iterations: int = 80,
    gravity: float = 0.02,
    repulsion: float = 1.0,
) -> np.ndarray:
    """Force-directed positions for ``n`` nodes joined by edges ``sources[i] -> targets[i]``.

    ForceAtlas2-like forces: linear attraction along edges, repulsion (deg+1)(deg'+1)/d between
    all pairs, and a "strong" gravity proportional to (deg+1) times the distance to the centre,
    which keeps small components near the main one. The all-pairs repulsion is approximated by
    binning the degree weights on a G×G grid and convolving them with the repulsion kernel by
    FFT (a particle-mesh method), so one iteration costs O(n + E + G² log G) instead of O(n²):
    about 2 s for 20,000 nodes on 2 cores. Deterministic for a given seed. Returns an ``(n, 2)`` array
    whose typical edge length is about 1.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    if n <= 1:
        return np.zeros((n, 2))
    src = np.asarray(sources, dtype=np.int64)
    dst = np.asarray(targets, dtype=np.int64)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    mass = (np.bincount(src, minlength=n) + np.bincount(dst, minlength=n) + 1).astype(float)

    radius = math.sqrt(repulsion * float(mass.sum()) / gravity)  # equilibrium radius of a uniform disc
    pos = (rng.random((n, 2)) - 0.5) * radius
    grid = int(min(256, max(32, 2 ** math.ceil(math.log2(math.sqrt(n) * 1.5)))))
    kernel = _repulsion_kernel(2 * grid)
    t0 = radius * 0.1
    for it in range(iterations):
        temp = t0 * (1.0 - it / iterations) ** 2 + 0.05
        disp = _repulsion(pos, mass, grid, kernel, repulsion)
        # Nodes sharing a cell do not repel each other: a little jitter separates them.
        disp += (rng.random((n, 2)) - 0.5) * mass[:, None]
        if src.size:
            d = pos[dst] - pos[src]
            disp[:, 0] += np.bincount(src, d[:, 0], minlength=n) - np.bincount(dst, d[:, 0], minlength=n)
            disp[:, 1] += np.bincount(src, d[:, 1], minlength=n) - np.bincount(dst, d[:, 1], minlength=n)
        disp -= gravity * mass[:, None] * pos
        # Heavy nodes move slowly (as in ForceAtlas2), every step is capped by the temperature.
        disp /= mass[:, None]
        length = np.sqrt((disp * disp).sum(axis=1)) + 1e-9
        pos += disp * (np.minimum(length, temp) / length)[:, None]
    pos -= pos.mean(axis=0)
    return _unit_spacing(pos, rng)


def _repulsion_kernel(size: int) -> tuple[np.ndarray, np.ndarray]:
    """The FFT of the unit-cell repulsion kernel K(d) = d / |d|² on the zero-padded ``size``² torus."""
    import numpy as np

    off = np.fft.fftfreq(size, d=1.0 / size)
    ox, oy = np.meshgrid(off, off, indexing="ij")
    r2 = ox * ox + oy * oy
    r2[0, 0] = 1.0
    kx, ky = ox / r2, oy / r2
    kx[0, 0] = ky[0, 0] = 0.0
    return np.fft.rfft2(kx), np.fft.rfft2(ky)


def _repulsion(
    pos: np.ndarray, mass: np.ndarray, grid: int, kernel: tuple[np.ndarray, np.ndarray], repulsion: float
) -> np.ndarray:
    """Each node's all-pairs repulsion: the masses binned on a ``grid``² mesh, convolved with the kernel."""
    import numpy as np

    size = 2 * grid
    lo = pos.min(axis=0)
    span = float((pos.max(axis=0) - lo).max()) * 1.000001 + 1e-9
    cell = span / grid
    ij = np.clip(((pos - lo) / cell).astype(np.int64), 0, grid - 1)
    flat = ij[:, 0] * size + ij[:, 1]
    rho = np.bincount(flat, weights=mass, minlength=size * size).reshape(size, size)
    frho = np.fft.rfft2(rho)
    fx = np.fft.irfft2(frho * kernel[0], s=(size, size)).ravel()[flat]
    fy = np.fft.irfft2(frho * kernel[1], s=(size, size)).ravel()[flat]
    return np.stack([fx, fy], axis=1) * (repulsion * mass / cell)[:, None]


def _unit_spacing(pos: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``pos`` scaled so that the median distance from a node to its nearest neighbour is 1
    (measured on a sample of at most 2,000 nodes, in chunks, to stay O(n))."""
    import numpy as np

    n = pos.shape[0]
    sample = rng.choice(n, size=min(n, 2000), replace=False)
    nearest = []
    for chunk in np.array_split(sample, max(1, sample.size // 100)):
        d2 = ((pos[chunk, None, :] - pos[None, :, :]) ** 2).sum(axis=2)
        d2[np.arange(chunk.size), chunk] = np.inf
        nearest.append(np.sqrt(d2.min(axis=1)))
    spacing = float(np.median(np.concatenate(nearest)))
    return pos / spacing if spacing > 0 else pos
