"""Aggregate raw rows into the leaderboard tables.

- ``runs.csv``: every row, long format (one per system × forecaster × task × seed).
- ``by_system.csv``: per (task, system, forecaster): seeds, failures, and for each metric
  the median and interquartile range over seeds.
- ``leaderboard.csv``: per (task, forecaster): median over systems of the per-system
  median VPT, mean rank (rank of the per-system median VPT, 1 = best, ties averaged),
  medians of D_stsp and D_H over systems, failures (rows not ``ok``) and median fit time.

Failures keep their failure scores (VPT 0, divergences inf); nothing is dropped.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ._cache import atomic_write_text

ID_COLUMNS = ["task", "system", "forecaster", "seed"]
TIMING = ["fit_seconds", "forecast_seconds"]


def metric_columns(rows: pd.DataFrame) -> list[str]:
    skip = set(ID_COLUMNS + TIMING) | {
        "run_id",
        "status",
        "error",
        "system_version",
        "forecaster_version",
        "dt",
        "max_lyapunov",
    }
    return [c for c in rows.columns if c not in skip and pd.api.types.is_numeric_dtype(rows[c])]


def load_rows(out: Path) -> pd.DataFrame:
    """All rows under ``out/cells`` as a data frame sorted by task, system, forecaster, seed."""
    files = sorted((Path(out) / "cells").glob("*.json"))
    if not files:
        raise FileNotFoundError(
            f"no results under {out}/cells: run `chaosbench run --out {out}` first"
        )
    rows = pd.DataFrame([json.loads(f.read_text()) for f in files])
    return rows.sort_values(ID_COLUMNS, kind="stable").reset_index(drop=True)


def _q(p: float):
    def quantile(x):
        with np.errstate(invalid="ignore"):  # failures are +inf: inf − inf in interpolation
            value = np.quantile(np.asarray(x, dtype=float), p)
        return float(value) if not np.isnan(value) or np.isnan(x).all() else float(np.inf)

    quantile.__name__ = f"q{int(p * 100)}"
    return quantile


def by_system(rows: pd.DataFrame) -> pd.DataFrame:
    metrics = metric_columns(rows)
    grouped = rows.groupby(["task", "system", "forecaster"], sort=True)
    out = grouped.agg(
        seeds=("seed", "count"),
        failures=("status", lambda s: int((s != "ok").sum())),
        fit_seconds=("fit_seconds", "median"),
    )
    for m in metrics:
        out[f"{m}_median"] = grouped[m].median()
        out[f"{m}_q25"] = grouped[m].agg(_q(0.25))
        out[f"{m}_q75"] = grouped[m].agg(_q(0.75))
    return out.reset_index()


def leaderboard(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table["rank"] = table.groupby(["task", "system"])["vpt_lyap_median"].rank(
        ascending=False, method="average"
    )
    grouped = table.groupby(["task", "forecaster"], sort=True)
    out = grouped.agg(
        systems=("system", "count"),
        median_vpt_lyap=("vpt_lyap_median", "median"),
        mean_rank=("rank", "mean"),
        median_d_stsp=("d_stsp_median", "median"),
        median_d_h=("d_h_median", "median"),
        failures=("failures", "sum"),
        median_fit_seconds=("fit_seconds", "median"),
    ).reset_index()
    return out.sort_values(
        ["task", "mean_rank", "median_vpt_lyap"], ascending=[True, True, False]
    ).reset_index(drop=True)


def write_leaderboard(out: Path) -> dict[str, Path]:
    """Write ``runs.csv``, ``by_system.csv`` and ``leaderboard.csv`` under ``out``."""
    out = Path(out)
    rows = load_rows(out)
    table = by_system(rows)
    board = leaderboard(table)
    paths = {}
    for name, frame in (("runs", rows), ("by_system", table), ("leaderboard", board)):
        path = out / f"{name}.csv"
        atomic_write_text(path, frame.to_csv(index=False, float_format="%.6g"))
        paths[name] = path
    return paths
