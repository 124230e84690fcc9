"""Paired tests for ranking forecasters over systems (Demšar 2006): the Wilcoxon
signed-rank test per pair with Holm's correction, the Friedman test over all forecasters,
their average ranks and the Nemenyi critical difference.

Every function takes plain arrays: one value per system (higher is better), rows =
systems, columns = forecasters. Systems a test cannot use (a missing value) are dropped
by the caller.

- **Wilcoxon** (:func:`wilcoxon_pair`): ``scipy.stats.wilcoxon`` on the per-system
  differences, two-sided, ``zero_method="zsplit"`` (a system where both score the same
  keeps its rank, split half to each side, as Demšar recommends: ties are evidence of
  equality, not dropped) and scipy's ``method="auto"`` (exact null distribution for
  n ≤ 50 without ties or zeros; exact permutation distribution for n ≤ 13 with them;
  the normal approximation otherwise: deterministic in every case). Two identical
  forecasters (every difference zero) get p = 1; no common system gives p = NaN.
- **Holm** (:func:`holm`): step-down adjusted p-values, p_(i) ↦ max_{j ≤ i} min(1,
  (m − j + 1) p_(j)) over the m finite p-values sorted ascending (Holm 1979); NaN stays
  NaN and does not count in m.
- **Friedman** (:func:`friedman`): ``scipy.stats.friedmanchisquare`` (with its tie
  correction) over the complete systems, and Iman and Davenport's F statistic
  F_F = (N − 1) χ²_F / (N (k − 1) − χ²_F) with (k − 1, (k − 1)(N − 1)) degrees of
  freedom, less conservative (Demšar 2006, §3.2.2). Needs k ≥ 3 and N ≥ 2 (else NaN).
- **Nemenyi** (:func:`critical_difference`): two forecasters' average ranks differ
  significantly when they differ by at least CD = q_α √(k (k + 1) / (6 N)), q_α the
  studentized range quantile at α = 0.05 over √2 (:data:`NEMENYI_Q05`).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ._statistics import median

ALPHA = 0.05
ZERO_METHOD = "zsplit"

NEMENYI_Q05 = {
    2: 1.960,
    3: 2.343,
    4: 2.569,
    5: 2.728,
    6: 2.850,
    7: 2.949,
    8: 3.031,
    9: 3.102,
    10: 3.164,
    11: 3.219,
    12: 3.268,
    13: 3.313,
    14: 3.354,
    15: 3.391,
    16: 3.426,
    17: 3.458,
    18: 3.489,
    19: 3.517,
    20: 3.544,
}
"""q_0.05 of the Nemenyi test for k = 2 … 20 forecasters: the studentized range statistic's
95 % quantile (infinite degrees of freedom) divided by √2, as tabled by Demšar (2006,
Table 5(a), k ≤ 10) and extended to k = 20 (``tests/test_ranking_statistics.py`` checks
each against ``scipy.stats.studentized_range``)."""


@dataclasses.dataclass(frozen=True)
class PairTest:
    """The Wilcoxon signed-rank test of ``x`` against ``y`` (paired, one per system).

    ``rank_sum_plus`` is R⁺, the sum of the ranks of |x − y| where x is higher (zero
    differences split half to each side); ``statistic`` is min(R⁺, R⁻) as scipy reports
    it; ``median_difference`` the median of x − y."""

    systems: int
    wins: int
    ties: int
    losses: int
    median_difference: float
    rank_sum_plus: float
    rank_sum_minus: float
    statistic: float
    p_value: float


def _ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1 … n of ``values`` (ascending), ties sharing their average rank."""
    from scipy.stats import rankdata

    return rankdata(values, method="average")


def wilcoxon_pair(x, y) -> PairTest:
    """Wilcoxon signed-rank test of ``x`` against ``y`` over the systems where both are
    finite-or-infinite numbers (NaN pairs dropped). See the module docstring."""
    from scipy.stats import wilcoxon

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = int(x.size)
    wins, ties = int((x > y).sum()), int((x == y).sum())
    with np.errstate(invalid="ignore"):
        d = np.where(x == y, 0.0, x - y)  # inf − inf where equal: a tie, not NaN
    if n == 0:
        nan = float("nan")
        return PairTest(0, 0, 0, 0, nan, nan, nan, nan, nan)
    ranks = _ranks(np.abs(d))
    zero = d == 0
    plus = float(ranks[d > 0].sum() + ranks[zero].sum() / 2)
    minus = float(ranks[d < 0].sum() + ranks[zero].sum() / 2)
    if zero.all():
        p = 1.0  # identical on every system: no evidence of a difference
    elif not np.isfinite(d).all():
        # an infinite difference: only its sign and rank matter; rank-transform it
        p = float(wilcoxon(np.sign(d) * ranks, zero_method=ZERO_METHOD).pvalue)
    else:
        p = float(wilcoxon(d, zero_method=ZERO_METHOD).pvalue)
    return PairTest(
        systems=n,
        wins=wins,
        ties=ties,
        losses=n - wins - ties,
        median_difference=median(d),
        rank_sum_plus=plus,
        rank_sum_minus=minus,
        statistic=min(plus, minus),
        p_value=p,
    )


def holm(p_values) -> np.ndarray:
    """Holm's step-down adjusted p-values (same order as ``p_values``; NaN kept)."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    finite = np.flatnonzero(~np.isnan(p))
    m = finite.size
    order = finite[np.argsort(p[finite], kind="stable")]
    running = 0.0
    for i, index in enumerate(order):
        running = max(running, min(1.0, (m - i) * p[index]))
        out[index] = running
    return out


def average_ranks(scores) -> np.ndarray:
    """Per forecaster (column), the mean over systems (rows) of its rank on the system:
    1 = the highest score, ties sharing their average rank."""
    scores = np.asarray(scores, dtype=float)
    if scores.size == 0:
        return np.full(scores.shape[1] if scores.ndim == 2 else 0, np.nan)
    ranks = np.stack([_ranks(-row) for row in scores])
    return ranks.mean(axis=0)


@dataclasses.dataclass(frozen=True)
class Friedman:
    """The Friedman test over N systems × k forecasters, with the Nemenyi CD."""

    systems: int
    forecasters: int
    average_ranks: np.ndarray
    statistic: float
    p_value: float
    iman_davenport_f: float
    iman_davenport_p: float
    q_alpha: float
    critical_difference: float


def nemenyi_q(k: int, alpha: float = ALPHA) -> float:
    """q_α of the Nemenyi test for ``k`` forecasters (:data:`NEMENYI_Q05` at α = 0.05,
    else ``scipy.stats.studentized_range``)."""
    if k < 2:
        return float("nan")
    if alpha == ALPHA and k in NEMENYI_Q05:
        return NEMENYI_Q05[k]
    from scipy.stats import studentized_range

    return float(studentized_range.ppf(1 - alpha, k, np.inf) / math.sqrt(2))


def critical_difference(k: int, n: int, alpha: float = ALPHA) -> float:
    """Nemenyi's critical difference of average ranks, q_α √(k (k + 1) / (6 N))."""
    if k < 2 or n < 1:
        return float("nan")
    return nemenyi_q(k, alpha) * math.sqrt(k * (k + 1) / (6 * n))


def friedman(scores) -> Friedman:
    """The Friedman test of ``scores`` (systems × forecasters, complete: no NaN)."""
    from scipy.stats import f as f_distribution
    from scipy.stats import friedmanchisquare

    scores = np.asarray(scores, dtype=float)
    n, k = scores.shape if scores.ndim == 2 else (0, 0)
    ranks = average_ranks(scores) if n else np.full(k, np.nan)
    statistic = p = f = p_f = float("nan")
    # every system tied throughout: no ranking to test (scipy would divide by zero)
    varied = n and any(np.unique(row).size > 1 for row in scores)
    if k >= 3 and n >= 2 and varied:
        # scipy ranks ascending; the statistic is the same for descending ranks
        with np.errstate(divide="ignore", invalid="ignore"):
            result = friedmanchisquare(*(scores[:, j] for j in range(k)))
        statistic, p = float(result.statistic), float(result.pvalue)
        denominator = n * (k - 1) - statistic
        if denominator > 0:
            f = (n - 1) * statistic / denominator
            p_f = float(f_distribution.sf(f, k - 1, (k - 1) * (n - 1)))
        else:  # every system ranks the forecasters the same way
            f, p_f = math.inf, 0.0
    return Friedman(
        systems=int(n),
        forecasters=int(k),
        average_ranks=ranks,
        statistic=statistic,
        p_value=p,
        iman_davenport_f=f,
        iman_davenport_p=p_f,
        q_alpha=nemenyi_q(k),
        critical_difference=critical_difference(k, n),
    )


def cliques(ranks, cd: float) -> list[tuple[int, ...]]:
    """Maximal groups of forecasters (indices into ``ranks``) whose average ranks all lie
    within less than ``cd`` of each other: the bars of a critical-difference diagram.
    Groups are listed best first; a forecaster alone is no group."""
    ranks = np.asarray(ranks, dtype=float)
    if not math.isfinite(cd) or ranks.size < 2:
        return []
    order = np.argsort(ranks, kind="stable")
    sorted_ranks = ranks[order]
    groups, reach = [], -1
    for i in range(order.size):
        j = i
        while j + 1 < order.size and sorted_ranks[j + 1] - sorted_ranks[i] < cd:
            j += 1
        if j > i and j > reach:  # not inside a group already listed
            groups.append(tuple(int(v) for v in order[i : j + 1]))
            reach = j
    return groups
