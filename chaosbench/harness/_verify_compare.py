"""Comparing a recomputed row with the committed one: what each forecaster is held to
(:data:`EXACT`, :data:`TOLERANCE`, :data:`ROUNDING`) and the per-metric verdicts
(:func:`compare`) that :func:`chaosbench.harness._verify.verify` collects."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..numerics._rows import OK
from ._verify_report import Comparison

# Forecasters whose rows must reproduce bit for bit on another x86 machine with the same
# stack: closed-form fits (ridge and least-squares readouts, nearest neighbours, constant
# baselines) in float64, with no stochastic optimiser to amplify a last-bit difference.
# By name, without version. The others (gradient-trained float32 networks) are checked
# against TOLERANCE.
EXACT = frozenset(
    {
        "analogues",
        "climatology",
        "edmd",
        "esn",
        "linear_ar",
        "ngrc",
        "parroting",
        "persistence",
    }
)
# A row of a forecaster outside EXACT passes when every metric differs from the committed
# value by at most TOLERANCE times that cell's seed-to-seed spread (max − min over seeds):
# the size of what the instruction-set cap removes, measured (README, "Guarantees").
TOLERANCE = 5.0
# An EXACT forecaster's row recomputed on another CPU model than the one its stamp names
# may differ in the last bits of its linear algebra: matrix kernels choose their blocking
# and code by CPU (XLA's Eigen GEMM by cache sizes, OpenBLAS by model). EDMD's metrics
# moved by 2e-13 seed spreads from an Intel to an AMD AVX-512 machine with the same stack
# and the cap, while the ESN, NG-RC, parroting and the baselines stayed identical (README,
# "Guarantees"). Such a row passes within ROUNDING seed spreads: rounding, not a change.
ROUNDING = 1e-6
KEY = ("task", "system", "forecaster", "seed")


def bare(id_: str) -> str:
    """A versioned id's name (``esn-v2`` → ``esn``; ``tuned(esn-v2)`` → ``tuned(esn)``)."""
    if id_.startswith("tuned(") and id_.endswith(")"):
        return f"tuned({bare(id_[6:-1])})"
    return id_.rsplit("-v", 1)[0]


def same_value(committed: float, new: float, precision: str | None = None) -> bool:
    """Equal bit for bit (NaN equals NaN), or to ``precision`` (a %-format) when the
    committed value was stored with it."""
    if precision is not None and not math.isnan(new):
        new = float(precision % new)
    return committed == new or (math.isnan(committed) and math.isnan(new))


def _cell(row: dict) -> dict:
    """The fields of a :class:`Comparison` that say which row it is."""
    return {k: row[k] for k in KEY} | {"run_id": row["run_id"]}


def _without_values(row: dict, verdict: str, note: str) -> Comparison:
    """The one comparison of a ``stale`` or ``failed`` row: no metric, no values."""
    nan = math.nan
    values = dict(committed=nan, new=nan, difference=nan, spread=nan, relative=nan)
    return Comparison(**_cell(row), metric="", **values, verdict=verdict, note=note)


def compare(
    committed: dict,
    new: dict,
    spreads: dict,
    metrics: Sequence[str],
    precision: str | None,
    *,
    other_cpu: bool = False,
) -> list[Comparison]:
    """The comparisons of one row's ``metrics`` (see :class:`Comparison`); ``other_cpu``:
    the row was made on another CPU model, so an exact forecaster may differ by
    :data:`ROUNDING` seed spreads."""
    if new.get("status") != OK:
        note = f"recomputed as {new.get('status')}: {new.get('error', '')}"
        return [_without_values(committed, "failed", note)]
    out = []
    exact = bare(committed["forecaster"]) in EXACT
    for metric in metrics:
        c, n = float(committed.get(metric, math.nan)), float(new.get(metric, math.nan))
        group = (committed["task"], committed["system"], committed["forecaster"], metric)
        spread = spreads.get(group, math.nan)
        if same_value(c, n, precision):
            difference, relative, verdict = 0.0, 0.0, "identical"
        else:
            difference = math.inf if math.isnan(n) or math.isnan(c) else abs(n - c)
            scaled = math.isfinite(spread) and spread > 0 and math.isfinite(difference)
            relative = difference / spread if scaled else math.inf
            allowed = (ROUNDING if other_cpu else 0.0) if exact else TOLERANCE
            verdict = "within" if relative <= allowed else "beyond"
        out.append(
            Comparison(
                **_cell(committed),
                metric=metric,
                committed=c,
                new=n,
                difference=difference,
                spread=spread,
                relative=relative,
                verdict=verdict,
            )
        )
    return out
