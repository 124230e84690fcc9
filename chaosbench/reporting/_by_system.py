"""Per (task, system, forecaster): ``by_system.csv``, the table every other table is
built from (see :mod:`chaosbench.reporting._leaderboard` for the columns), and the helpers
the tables share (the reference forecaster, short names, external flags)."""

from __future__ import annotations

import pandas as pd

from ..base._spec import short_label
from ..numerics._rows import (
    FAILURES,
    headline_metric,
)
from ..numerics._rows import metric_columns as _metric_columns
from ..numerics._statistics import bootstrap_ci, median, quantile
from ._cost import cost_medians
from ._long_run import long_run_counts, metric_kinds, row_masks
from ._systems import system_attributes, with_attributes
from ._windows import headline_columns

FLOAT_FORMAT = "%.6g"
REFERENCE = "persistence"
"""The reference forecaster (by its name without the version): each forecaster's headline
score is also given as its difference from this one's (``vpt_lyap_minus_persistence``)."""


def metric_columns(rows: pd.DataFrame) -> list[str]:
    return [
        c for c in _metric_columns(list(rows.columns)) if pd.api.types.is_numeric_dtype(rows[c])
    ]


def short_name(forecaster: str) -> str:
    return short_label(forecaster)  # esn-v2[size=800] → esn[size=800]


def gain_column() -> str:
    """``<headline>_minus_<reference>``: the per-system difference column."""
    return f"{headline_metric().column}_minus_{REFERENCE}"


def external_flags(rows: pd.DataFrame) -> pd.Series:
    """Per row: whether it was scored from forecasts made outside chaosbench (rows written
    before the column existed, and native rows, are not)."""
    if "external" not in rows.columns:
        return pd.Series(False, index=rows.index)
    return rows["external"].map(lambda v: v is True or v in (1, "true", "True")).astype(bool)


# --------------------------------------------------------------------------- tables


def by_system(rows: pd.DataFrame, attributes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per (task, system, forecaster): the system's attributes, seeds, failures, the
    counts of the long-run states, the median cost per cell (:mod:`._cost`), metric
    statistics (a long-term metric's over the runs on the attractor, or bounded for the λ
    error: :func:`chaosbench.reporting._long_run.row_masks`) and the headline's difference
    from the reference's. The headline's interval resamples seeds, then test windows;
    ``<headline>_censored`` and ``horizon_lyap`` say whether its median is only a lower
    bound (:mod:`chaosbench.reporting._windows`).

    **Arguments:**

    - `rows`: the rows (:func:`load_rows`).
    - `attributes`: per system (:func:`chaosbench.reporting._systems.system_attributes`;
      by default looked up for the rows' systems).
    """
    metrics = metric_columns(rows)
    kinds = metric_kinds(metrics)  # a long-term metric's statistics: some rows only
    rows = rows.assign(external=external_flags(rows))
    records = []
    for (task, system, forecaster), group in rows.groupby(
        ["task", "system", "forecaster"], sort=True
    ):
        record = {
            "task": task,
            "system": system,
            "forecaster": forecaster,
            "external": bool(group["external"].any()),
            "seeds": len(group),
            "failures": int(group["status"].isin(FAILURES).sum()),
            **long_run_counts(group),
            "fit_seconds_median": median(group["fit_seconds"]),
            **cost_medians(group),  # forecast, compile, fit + forecast, n_parameters
        }
        masks = row_masks(group)
        for m in metrics:
            values = group[m].to_numpy(dtype=float)[masks[kinds[m]]]
            low, high = bootstrap_ci(values, task, system, forecaster, m)
            record[f"{m}_median"] = median(values)
            record[f"{m}_q25"] = quantile(values, 0.25)
            record[f"{m}_q75"] = quantile(values, 0.75)
            record[f"{m}_ci_low"] = low
            record[f"{m}_ci_high"] = high
        record.update(headline_columns(group, task, system, forecaster))  # seeds × windows
        records.append(record)
    table = _with_gain(pd.DataFrame.from_records(records))
    if attributes is None:
        attributes = system_attributes(table["system"], rows)
    return with_attributes(table, attributes, after="external")


def _with_gain(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``<headline>_minus_<reference>`` after the headline's columns: the
    forecaster's median minus the reference forecaster's on the same (task, system); NaN
    where the reference has no row (or is not in the suite)."""
    headline = f"{headline_metric().column}_median"
    gain = gain_column()
    if headline not in table.columns:
        return table
    reference = table[table["forecaster"].map(short_name) == REFERENCE]
    reference = reference.drop_duplicates(["task", "system"])  # one reference per system
    base = reference.set_index(["task", "system"])[headline]
    keys = pd.MultiIndex.from_frame(table[["task", "system"]])
    values = table[headline].to_numpy(dtype=float) - base.reindex(keys).to_numpy(dtype=float)
    columns = list(table.columns)
    at = columns.index(f"{headline_metric().column}_ci_high") + 1
    table = table.copy()
    table.insert(at, gain, values)
    return table


def _median_of(group: pd.DataFrame, column: str) -> float:
    return median(group[column]) if column in group.columns else float("nan")
