"""Robust summaries for the leaderboard: quantiles that tolerate +inf failure scores and
seeded bootstrap intervals of medians (flat and hierarchical: systems, then seeds).

The bootstrap uses a fixed seed mixed with the group's name, so the output is reproducible
and a group's interval does not change when other groups are added.
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
