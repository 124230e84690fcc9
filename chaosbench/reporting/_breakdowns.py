"""``breakdowns.csv``: the leaderboard's medians within groups of systems.

Systems are binned four ways, each named by the column of ``by_system.csv`` it bins
(labels are ASCII, so that a filter in any tool can type them):

- ``observed_dimension``: ``3`` (3 or fewer), ``4-6``, ``7+``;
- ``lyapunov_times_per_period`` (λ_max × dominant period): ``<0.1``, ``0.1-0.5``,
  ``0.5-1``, ``1+``;
- ``positive_exponents``: ``0``, ``1``, ``2+`` (hyperchaos);
- ``family``: the family's name.

A system whose value is unknown (not registered, or no stored facts) is in ``unknown``.
The web page filters by the same bins (:func:`system_bins`, :func:`bin_order`).

Each row carries its bin's size (``bin_systems``) and whether its forecaster wins the bin
(``bin_winner``: the highest median headline score in it); a bin of fewer than
:data:`MIN_SYSTEMS_FOR_WINNER` systems names no winner.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..numerics._rows import per_system_metrics
from ..numerics._statistics import median
from ._long_run import COUNTS, shown_column

UNKNOWN = "unknown"
TIMESCALE_EDGES = (0.1, 0.5, 1.0)  # λ_max · period: bin edges
MIN_SYSTEMS_FOR_WINNER = 5
"""A breakdown's bin names a winner only when it holds at least this many systems."""


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def dimension_bin(dimension: Any) -> str:
    if _missing(dimension):
        return UNKNOWN
    return "3" if dimension <= 3 else ("4-6" if dimension <= 6 else "7+")


def timescale_bin(value: Any) -> str:
    if _missing(value) or not math.isfinite(value):
        return UNKNOWN
    edges = TIMESCALE_EDGES
    if value < edges[0]:
        return f"<{edges[0]:g}"
    for lo, hi in zip(edges, edges[1:]):
        if value < hi:
            return f"{lo:g}-{hi:g}"
    return f"{edges[-1]:g}+"


def exponents_bin(count: Any) -> str:
    if _missing(count):
        return UNKNOWN
    return str(int(count)) if count < 2 else "2+"


def family_bin(family: Any) -> str:
    return UNKNOWN if _missing(family) or not family else str(family)


BINNERS = {
    "observed_dimension": dimension_bin,
    "lyapunov_times_per_period": timescale_bin,
    "positive_exponents": exponents_bin,
    "family": family_bin,
}


def bin_order(kind: str, labels) -> list[str]:
    """``labels`` of breakdown ``kind`` in reading order (ascending; ``unknown`` last)."""
    if kind == "family":
        known = sorted(x for x in set(labels) if x != UNKNOWN)
    else:
        every = {
            "observed_dimension": ["3", "4-6", "7+"],
            "lyapunov_times_per_period": [timescale_bin(e * 0.99) for e in TIMESCALE_EDGES]
            + [timescale_bin(TIMESCALE_EDGES[-1])],
            "positive_exponents": ["0", "1", "2+"],
        }[kind]
        known = [x for x in every if x in set(labels)]
    return known + ([UNKNOWN] if UNKNOWN in set(labels) else [])


def system_bins(attributes: pd.DataFrame) -> pd.DataFrame:
    """Per system (the index): its bin in each breakdown (one column per breakdown)."""
    attrs = attributes.set_index("system")
    return pd.DataFrame(
        {kind: [binner(v) for v in attrs[kind]] for kind, binner in BINNERS.items()},
        index=attrs.index,
    )


def breakdowns(table: pd.DataFrame, attributes: pd.DataFrame, reference: str = "") -> pd.DataFrame:
    """Per (task, breakdown, bin, forecaster): systems, the bin's systems and whether the
    forecaster wins the bin (none below 5 systems), the median over those systems of
    the per-system medians of the per-system metrics (normalised by the truth floor for
    a metric that has one: ``d_stsp_norm_median``), of ``<headline>_minus_<reference>``
    (if ``table`` has it), the counts of the long-run states and failures.

    **Arguments:**

    - `table`: ``by_system.csv``'s frame.
    - `attributes`: per system, the columns binned (:data:`BINNERS`' keys).
    - `reference`: the short name of the reference forecaster (``persistence``).
    """
    bins = system_bins(attributes)
    headline, *others = (shown_column(m) for m in per_system_metrics())
    gain = f"{headline}_minus_{reference}"
    external = table["external"] if "external" in table.columns else False
    frame = table.assign(external=external)
    records = []
    for kind in BINNERS:
        per_kind = frame.assign(bin=frame["system"].map(bins[kind]).fillna(UNKNOWN))
        sizes = per_kind.groupby(["task", "bin"])["system"].nunique()
        for (task, value, forecaster), group in per_kind.groupby(
            ["task", "bin", "forecaster"], sort=True
        ):
            record = {
                "task": task,
                "breakdown": kind,
                "bin": value,
                "forecaster": forecaster,
                "external": bool(group["external"].any()),
                "systems": len(group),
                "bin_systems": int(sizes[(task, value)]),
                f"{headline}_median": median(group[f"{headline}_median"]),
            }
            if gain in group.columns:
                record[f"{gain}_median"] = median(group[gain])
            for m in others:
                column = f"{m}_median"
                record[column] = median(group[column]) if column in group else float("nan")
            for count in COUNTS.values():
                record[count] = int(group[count].sum()) if count in group else 0
            record["failures"] = int(group["failures"].sum())
            records.append(record)
    return _with_winners(pd.DataFrame.from_records(records), headline)


def _with_winners(split: pd.DataFrame, headline: str) -> pd.DataFrame:
    """``split`` with ``bin_winner``: true for the forecaster(s) with the highest median
    ``headline`` in a bin of at least :data:`MIN_SYSTEMS_FOR_WINNER` systems."""
    if split.empty:
        return split.assign(bin_winner=pd.Series(dtype=bool))
    column = f"{headline}_median"
    best = split.groupby(["task", "breakdown", "bin"])[column].transform("max")
    winner = (split[column] == best) & (split["bin_systems"] >= MIN_SYSTEMS_FOR_WINNER)
    at = list(split.columns).index("bin_systems") + 1
    split.insert(at, "bin_winner", winner.astype(bool))
    return split
