"""Robust summaries for the leaderboard: quantiles that tolerate +inf failure scores and
seeded bootstrap intervals of medians (flat; hierarchical: systems, then seeds; nested:
seeds, then test windows; three levels: systems, then seeds, then windows).

The bootstrap uses a fixed seed mixed with the group's name, so the output is reproducible
and a group's interval does not change when other groups are added.

A row's score is the median over its test windows, a system's the median over seeds of
those, the leaderboard's the median over systems of those. The nested bootstraps
(:func:`nested_bootstrap_ci`, :func:`three_level_bootstrap_ci`) resample every level as
that statistic is made: a replicate draws the systems with replacement, within each drawn
system its seeds with replacement, within each drawn seed its windows with replacement
(a seed drawn twice gets two independent draws of its windows), and takes the same
median of medians. The seeds of one system are few (three by default), so a bootstrap
over seeds alone says little; the windows (twenty per seed) carry most of the sampling
variation of a short-term score.

**References:**

- A. C. Davison, D. V. Hinkley. *Bootstrap Methods and their Application*. Cambridge
  University Press (1997), §3.8 — resampling hierarchical data stage by stage.
- R. Agarwal, M. Schwarzer, P. S. Castro, A. Courville, M. G. Bellemare. Deep
  reinforcement learning at the edge of the statistical precipice. NeurIPS (2021) —
  stratified bootstrap intervals over tasks and runs (rliable).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence

import numpy as np

BOOTSTRAP_SAMPLES = 2000
BOOTSTRAP_SEED = 20240601
CONFIDENCE = 0.95


def quantile(values, p: float) -> float:
    """The ``p`` quantile (linear interpolation, as NumPy's default) ignoring NaN.

    Failure scores are +inf: interpolating between a finite value and +inf gives +inf,
    and a quantile that falls exactly on a finite value stays finite (NumPy would give
    NaN from inf · 0).
    """
    x = np.sort(np.asarray(values, dtype=float))
    x = x[~np.isnan(x)]
    if x.size == 0:
        return float("nan")
    position = p * (x.size - 1)
    lo, hi = math.floor(position), math.ceil(position)
    frac = position - lo
    if frac == 0 or x[lo] == x[hi]:
        return float(x[lo])
    return float(x[lo] + frac * (x[hi] - x[lo]))


def median(values) -> float:
    return quantile(values, 0.5)


def _rng(*key: object) -> np.random.Generator:
    """A generator seeded by the fixed seed and a stable hash of ``key``."""
    return np.random.default_rng([BOOTSTRAP_SEED, zlib.crc32(repr(key).encode())])


def _sorted_median(samples: np.ndarray, axis: int) -> np.ndarray:
    """Median along ``axis`` that treats inf like any other value (no inf − inf)."""
    x = np.sort(samples, axis=axis)
    n = x.shape[axis]
    lo = np.take(x, (n - 1) // 2, axis=axis)
    hi = np.take(x, n // 2, axis=axis)
    with np.errstate(invalid="ignore"):
        mid = np.where(lo == hi, lo, 0.5 * (lo + hi))
    return mid


def _interval(medians: np.ndarray) -> tuple[float, float]:
    """The percentile interval of bootstrap medians, without interpolation."""
    alpha = (1 - CONFIDENCE) / 2
    low = np.quantile(medians, alpha, method="lower")
    high = np.quantile(medians, 1 - alpha, method="higher")
    return float(low), float(high)


def bootstrap_medians(values, rng: np.random.Generator, n: int = BOOTSTRAP_SAMPLES) -> np.ndarray:
    """``n`` medians of resamples (with replacement) of the non-NaN ``values``."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return np.full(n, np.nan)
    picks = rng.integers(0, x.size, size=(n, x.size))
    return _sorted_median(x[picks], axis=1)


def bootstrap_ci(values, *key: object) -> tuple[float, float]:
    """Bootstrap 95 % interval of the median of ``values`` (seeded by ``key``)."""
    medians = bootstrap_medians(values, _rng(*key))
    if np.isnan(medians).all():
        return float("nan"), float("nan")
    return _interval(medians)


def hierarchical_bootstrap_ci(groups: Sequence, *key: object) -> tuple[float, float]:
    """Bootstrap 95 % interval of the median over groups of per-group medians.

    Each replicate resamples the groups (systems) with replacement and, within each
    chosen group, its values (seeds) with replacement.
    """
    groups = [np.asarray(g, dtype=float) for g in groups]
    groups = [g[~np.isnan(g)] for g in groups]
    groups = [g for g in groups if g.size]
    if not groups:
        return float("nan"), float("nan")
    rng = _rng(*key)
    per_group = np.stack([bootstrap_medians(g, rng) for g in groups], axis=1)  # (n, groups)
    picks = rng.integers(0, len(groups), size=(BOOTSTRAP_SAMPLES, len(groups)))
    chosen = np.take_along_axis(per_group, picks, axis=1)
    return _interval(_sorted_median(chosen, axis=1))


CHUNK_ELEMENTS = 2**21
"""Resampled values held at once by the nested bootstraps (replicates are drawn in chunks
of this many values; the draws depend only on the data's shape, never on the machine)."""


def _clean(tree, depth: int):
    """``tree`` (``depth`` levels of nested sequences) without NaN leaves and empty groups."""
    if depth == 1:
        x = np.asarray(tree, dtype=float).ravel()
        return x[~np.isnan(x)]
    kids = [_clean(t, depth - 1) for t in tree]
    return [k for k in kids if len(k)]


def _padded(tree, depth: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """A cleaned ``tree`` as a NaN-padded array and, per level, each group's size."""
    shape, level = [], [tree]
    for _ in range(depth):
        shape.append(max((len(node) for node in level), default=0))
        level = [child for node in level for child in node]
    x = np.full(shape, np.nan)
    counts = [np.zeros(shape[:k], dtype=np.int64) for k in range(depth)]

    def fill(node, index: tuple, k: int) -> None:
        counts[k][index] = len(node)
        if k == depth - 1:
            x[index + (slice(0, len(node)),)] = node
            return
        for i, child in enumerate(node):
            fill(child, index + (i,), k + 1)

    fill(tree, (), 0)
    return x, counts


def _counted_median(x: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Median along the last axis of its first ``count`` entries (``count`` has the shape
    of the other axes), inf-safe as :func:`_sorted_median`."""
    valid = np.arange(x.shape[-1]) < count[..., None]
    x = np.sort(np.where(valid, x, np.nan), axis=-1)  # NaN (the unused slots) sorts last
    lo = np.take_along_axis(x, ((count - 1) // 2)[..., None], axis=-1)[..., 0]
    hi = np.take_along_axis(x, (count // 2)[..., None], axis=-1)[..., 0]
    with np.errstate(invalid="ignore"):
        return np.where(lo == hi, lo, 0.5 * (lo + hi))


def nested_bootstrap_medians(
    tree, depth: int, rng: np.random.Generator, n: int = BOOTSTRAP_SAMPLES
) -> np.ndarray:
    """``n`` replicates of the median of medians of ``tree``, resampling every level.

    **Arguments:**

    - `tree`: ``depth`` levels of nested sequences of values (depth 2: per seed, its
      windows' values; depth 3: per system, per seed, its windows' values). Groups may
      differ in size; NaN values and groups left empty are dropped.
    - `depth`: the number of levels.
    - `rng`: the generator (see :func:`_rng`).
    - `n`: the number of replicates.

    **Returns:** shape `(n,)`; NaN throughout if no value is left.
    """
    x, counts = _padded(_clean(tree, depth), depth)
    if x.size == 0:
        return np.full(n, np.nan)
    chunk = max(1, CHUNK_ELEMENTS // x.size)
    out = []
    for start in range(0, n, chunk):
        b = min(chunk, n - start)
        flat = np.zeros(b, dtype=np.int64)  # the drawn group's flat index, level by level
        sizes = []
        for k in range(depth):
            # the size of each drawn group, then draws within it (slots past it unused)
            size = counts[k].ravel()[flat]
            seen = np.unique(counts[k][counts[k] > 0])  # groups of one size: a scalar bound
            high = seen[0] if len(seen) == 1 else np.maximum(size, 1)[..., None]
            picks = rng.integers(0, high, size=(b,) + x.shape[: k + 1])
            flat = flat[..., None] * x.shape[k] + picks
            sizes.append(size)
        values = x.ravel()[flat]
        for size in reversed(sizes):
            values = _counted_median(values, size)
        out.append(values)
    return np.concatenate(out)


def nested_median(tree, depth: int) -> float:
    """The statistic the nested bootstraps resample: the median over the top level of the
    medians over the level below, and so on (NaN ignored, inf-safe)."""
    if depth == 1:
        return median(tree)
    return median([nested_median(t, depth - 1) for t in tree])


def nested_bootstrap_ci(seeds: Sequence, *key: object) -> tuple[float, float]:
    """Bootstrap 95 % interval of the median over seeds of each seed's median over its
    test windows (seeded by ``key``).

    Each replicate resamples the seeds with replacement and, within each drawn seed, its
    windows with replacement. A seed given one value (a failed row, a row stored without
    its windows) counts as that value in every window.

    **Arguments:**

    - `seeds`: per seed, its windows' values.
    - `key`: names the group; the same key gives the same interval.
    """
    return _nested_interval(seeds, 2, key)


def three_level_bootstrap_ci(systems: Sequence, *key: object) -> tuple[float, float]:
    """Bootstrap 95 % interval of the median over systems of :func:`nested_bootstrap_ci`'s
    statistic: systems, then seeds within each drawn system, then windows within each
    drawn seed, resampled with replacement (seeded by ``key``).

    **Arguments:**

    - `systems`: per system, per seed, its windows' values.
    - `key`: names the group; the same key gives the same interval.
    """
    return _nested_interval(systems, 3, key)


def _nested_interval(tree, depth: int, key: tuple) -> tuple[float, float]:
    medians = nested_bootstrap_medians(tree, depth, _rng(*key))
    if np.isnan(medians).all():
        return float("nan"), float("nan")
    return _interval(medians)


def pooled_rate_ci(hits: Sequence, totals: Sequence, *key: object) -> tuple[float, float]:
    """Bootstrap 95 % interval of a pooled rate ``Σ hits / Σ totals`` over groups (systems):
    each replicate resamples the groups with replacement (seeded by ``key``). Groups with
    no total are left out."""
    hits, totals = np.asarray(hits, dtype=float), np.asarray(totals, dtype=float)
    keep = totals > 0
    hits, totals = hits[keep], totals[keep]
    if not hits.size:
        return float("nan"), float("nan")
    picks = _rng(*key).integers(0, hits.size, size=(BOOTSTRAP_SAMPLES, hits.size))
    return _interval(hits[picks].sum(axis=1) / totals[picks].sum(axis=1))
