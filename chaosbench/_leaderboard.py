"""Aggregate raw rows into the leaderboard tables.

- ``runs.csv``: every row, long format (one per system × forecaster × task × seed).
- ``by_system.csv``: per (task, system, forecaster): seeds, failures, and for each metric
  the median, the interquartile range and a bootstrap 95 % interval of the median over
  seeds.
- ``leaderboard.csv``: per (task, forecaster): median over systems of the per-system
  median VPT with its interquartile range over systems and a hierarchical bootstrap 95 %
  interval (systems resampled, then seeds within each system), mean rank (rank of the
  per-system median VPT, 1 = best, ties averaged), medians of D_stsp and D_H over
  systems, failures (rows not ``ok``), median fit time and the win rate against every
  other forecaster (``win_rate_vs_<id>``: the fraction of systems where this forecaster's
  median VPT is higher, ties counting half).
- ``winrate.csv``: the same win rates in long format with their counts.
- ``leaderboard.md``: the leaderboard rendered as Markdown tables with the stamp.
- ``stamp.json``: what produced the rows (package version, git commit, suite and its
  hash, JAX version, device, Python); every CSV carries the same values as columns.

Failures keep their failure scores (VPT 0, divergences inf); nothing is dropped. The
bootstrap uses a fixed seed mixed with the group's name, so the output is reproducible
and a group's interval does not change when other groups are added.
"""

from __future__ import annotations

import json
import math
import warnings
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ._cache import atomic_write_text

ID_COLUMNS = ["task", "system", "forecaster", "seed"]
TIMING = ["fit_seconds", "forecast_seconds", "compile_seconds"]
STAMP_KEYS = (
    "chaosbench_version",
    "git_commit",
    "suite",
    "suite_hash",
    "jax_version",
    "device",
    "python",
)
BOOTSTRAP_SAMPLES = 2000
BOOTSTRAP_SEED = 20240601
CONFIDENCE = 0.95
FLOAT_FORMAT = "%.6g"


def metric_columns(rows: pd.DataFrame) -> list[str]:
    skip = (
        set(ID_COLUMNS + TIMING)
        | set(STAMP_KEYS)
        | {
            "run_id",
            "status",
            "error",
            "traceback",
            "system_version",
            "forecaster_version",
            "protocol_version",
            "dt",
            "max_lyapunov",
        }
    )
    return [c for c in rows.columns if c not in skip and pd.api.types.is_numeric_dtype(rows[c])]


def load_rows(out: Path) -> pd.DataFrame:
    """All rows under ``out/cells`` as a data frame sorted by task, system, forecaster, seed."""
    files = sorted((Path(out) / "cells").glob("*.json"))
    if not files:
        raise FileNotFoundError(
            f"no results under {out}/cells: run `chaosbench run --out {out}` first"
        )
    rows = pd.DataFrame([json.loads(f.read_text()) for f in files])
    rows = _newest_protocol(rows, out)
    rows = _newest_versions(rows, out)
    return rows.sort_values(ID_COLUMNS, kind="stable").reset_index(drop=True)


def _newest_protocol(rows: pd.DataFrame, out: Path) -> pd.DataFrame:
    """Only the rows of the newest protocol version under ``out`` (rows written before
    the column existed are version 1): results of different protocols are never mixed."""
    if "protocol_version" not in rows.columns:
        rows["protocol_version"] = 1
    version = rows["protocol_version"].fillna(1).astype(int)
    rows["protocol_version"] = version
    newest = int(version.max())
    old = int((version < newest).sum())
    if old:
        warnings.warn(
            f"{old} rows under {out}/cells come from an older protocol than v{newest} and are "
            "left out of the tables; delete them (or use a fresh --out) to silence this",
            stacklevel=3,
        )
    return rows[version == newest].copy()


ID_PARTS = ("forecaster", "system")


def _newest_versions(rows: pd.DataFrame, out: Path) -> pd.DataFrame:
    """Only the rows of the newest version of each forecaster and each system under
    ``out``: a superseded version (``alrnn-v2`` once ``alrnn-v3`` has rows) is no longer
    what its name means, and ranking both would count one method twice."""
    keep = np.ones(len(rows), dtype=bool)
    for column in ID_PARTS:
        versions = f"{column}_version"
        if versions not in rows.columns:
            continue
        name = rows[column].str.replace(r"-v\d+$", "", regex=True)
        version = rows[versions].astype(int)
        keep &= (version == version.groupby(name).transform("max")).to_numpy()
    if old := int((~keep).sum()):
        superseded = sorted(
            set().union(*(set(rows.loc[~keep, c]) - set(rows.loc[keep, c]) for c in ID_PARTS))
        )
        warnings.warn(
            f"{old} rows under {out}/cells come from superseded versions "
            f"({', '.join(superseded)}) and are left out of the tables; delete them (or use "
            "a fresh --out) to silence this",
            stacklevel=3,
        )
    return rows[keep].copy()


# --------------------------------------------------------------------------- statistics


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


# --------------------------------------------------------------------------- tables


def by_system(rows: pd.DataFrame) -> pd.DataFrame:
    """Per (task, system, forecaster): seeds, failures, median fit time, metric statistics."""
    metrics = metric_columns(rows)
    records = []
    for (task, system, forecaster), group in rows.groupby(
        ["task", "system", "forecaster"], sort=True
    ):
        record = {
            "task": task,
            "system": system,
            "forecaster": forecaster,
            "seeds": len(group),
            "failures": int((group["status"] != "ok").sum()),
            "fit_seconds": median(group["fit_seconds"]),
        }
        for m in metrics:
            values = group[m].to_numpy(dtype=float)
            low, high = bootstrap_ci(values, task, system, forecaster, m)
            record[f"{m}_median"] = median(values)
            record[f"{m}_q25"] = quantile(values, 0.25)
            record[f"{m}_q75"] = quantile(values, 0.75)
            record[f"{m}_ci_low"] = low
            record[f"{m}_ci_high"] = high
        records.append(record)
    return pd.DataFrame.from_records(records)


def win_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Per task and ordered pair of forecasters: systems compared, wins, ties, win rate.

    A win on a system: this forecaster's median VPT is higher than the opponent's; a tie
    counts half. Only systems where both forecasters have rows are compared.
    """
    records = []
    for task, per_task in table.groupby("task", sort=True):
        vpt = per_task.pivot(index="system", columns="forecaster", values="vpt_lyap_median")
        for a in vpt.columns:
            for b in vpt.columns:
                if a == b:
                    continue
                both = vpt[[a, b]].dropna()
                wins = int((both[a] > both[b]).sum())
                ties = int((both[a] == both[b]).sum())
                pairs = len(both)
                records.append(
                    {
                        "task": task,
                        "forecaster": a,
                        "opponent": b,
                        "systems": pairs,
                        "wins": wins,
                        "ties": ties,
                        "losses": pairs - wins - ties,
                        "win_rate": (wins + 0.5 * ties) / pairs if pairs else np.nan,
                    }
                )
    columns = ["task", "forecaster", "opponent", "systems", "wins", "ties", "losses", "win_rate"]
    return pd.DataFrame.from_records(records, columns=columns)


def leaderboard(table: pd.DataFrame, rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per (task, forecaster), sorted by task then mean rank (see the module docstring).

    With the raw ``rows`` the VPT interval is the hierarchical bootstrap over systems and
    seeds; without them, over the per-system medians only.
    """
    table = table.copy()
    table["rank"] = table.groupby(["task", "system"])["vpt_lyap_median"].rank(
        ascending=False, method="average"
    )
    wins = win_rates(table)
    forecasters = sorted(table["forecaster"].unique())
    records = []
    for (task, forecaster), group in table.groupby(["task", "forecaster"], sort=True):
        vpt = group["vpt_lyap_median"].to_numpy(dtype=float)
        if rows is not None:
            mine = rows[(rows["task"] == task) & (rows["forecaster"] == forecaster)]
            seeds = [g["vpt_lyap"].to_numpy() for _, g in mine.groupby("system", sort=True)]
        else:
            seeds = [[v] for v in vpt]
        low, high = hierarchical_bootstrap_ci(seeds, task, forecaster, "vpt_lyap")
        record = {
            "task": task,
            "forecaster": forecaster,
            "systems": len(group),
            "runs": int(group["seeds"].sum()),
            "median_vpt_lyap": median(vpt),
            "vpt_lyap_q25": quantile(vpt, 0.25),
            "vpt_lyap_q75": quantile(vpt, 0.75),
            "vpt_lyap_ci_low": low,
            "vpt_lyap_ci_high": high,
            "mean_rank": float(group["rank"].mean()),
            "median_d_stsp": median(group["d_stsp_median"]),
            "median_d_h": median(group["d_h_median"]),
            "failures": int(group["failures"].sum()),
            "median_fit_seconds": median(group["fit_seconds"]),
        }
        mine = wins[(wins["task"] == task) & (wins["forecaster"] == forecaster)]
        rate = dict(zip(mine["opponent"], mine["win_rate"]))
        for other in forecasters:
            record[f"win_rate_vs_{other}"] = rate.get(other, np.nan)
        records.append(record)
    out = pd.DataFrame.from_records(records)
    return out.sort_values(
        ["task", "mean_rank", "median_vpt_lyap", "forecaster"], ascending=[True, True, False, True]
    ).reset_index(drop=True)


# --------------------------------------------------------------------------- stamp & output


def collect_stamp(rows: pd.DataFrame) -> dict[str, str]:
    """The stamp of the rows: each key's value, or the distinct values joined by ``"; "``."""
    out = {}
    for key in STAMP_KEYS:
        if key in rows.columns:
            values = sorted({str(v) for v in rows[key].dropna()})
        else:
            values = []
        out[key] = "; ".join(values) if values else "unknown"
    return out


def _with_stamp(frame: pd.DataFrame, stamp: dict[str, str]) -> pd.DataFrame:
    frame = frame.copy()
    for key, value in stamp.items():
        if key not in frame.columns:
            frame[key] = value
    return frame


def _fmt(value, digits: int = 3) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return f"{value:.{digits}g}"


def _short(forecaster: str) -> str:
    return forecaster.rsplit("-v", 1)[0]


def _md_table(header: Sequence[str], body: Sequence[Sequence[str]], align: str) -> list[str]:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |")
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return lines


def render_markdown(board: pd.DataFrame, stamp: dict[str, str]) -> str:
    """``leaderboard.md``: one ranked table and one win-rate matrix per task, the stamp."""
    lines = ["# chaosbench leaderboard", ""]
    lines.append(
        "Generated by `chaosbench leaderboard` from `leaderboard.csv`; do not edit by hand."
    )
    lines.append("")
    for task, per_task in board.groupby("task", sort=True):
        per_task = per_task.reset_index(drop=True)
        lines += [f"## Task `{task}`", ""]
        header = [
            "#",
            "forecaster",
            "median VPT (t_λ)",
            "95 % CI",
            "IQR",
            "mean rank",
            "D_stsp",
            "D_H",
            "failures",
            "fit s",
            "systems",
        ]
        body = []
        for i, r in per_task.iterrows():
            body.append(
                [
                    str(i + 1),
                    f"`{r['forecaster']}`",
                    _fmt(r["median_vpt_lyap"]),
                    f"{_fmt(r['vpt_lyap_ci_low'])} – {_fmt(r['vpt_lyap_ci_high'])}",
                    f"{_fmt(r['vpt_lyap_q25'])} – {_fmt(r['vpt_lyap_q75'])}",
                    _fmt(r["mean_rank"]),
                    _fmt(r["median_d_stsp"]),
                    _fmt(r["median_d_h"]),
                    f"{int(r['failures'])}/{int(r['runs'])}",
                    _fmt(r["median_fit_seconds"]),
                    str(int(r["systems"])),
                ]
            )
        lines += _md_table(header, body, "rlrrrrrrrrr")
        lines.append("")
        names = list(per_task["forecaster"])
        if len(names) > 1:
            lines += [
                f"Win rate (`{task}`): row beats column on this fraction of systems "
                "(median VPT; ties count half).",
                "",
            ]
            body = []
            for _, r in per_task.iterrows():
                cells = [f"`{_short(r['forecaster'])}`"]
                for other in names:
                    cells.append(
                        "·" if other == r["forecaster"] else _fmt(r[f"win_rate_vs_{other}"], 2)
                    )
                body.append(cells)
            header = ["row vs column"] + [_short(n) for n in names]
            lines += _md_table(header, body, "l" + "r" * len(names))
            lines.append("")
    lines += ["## Stamp", ""]
    lines += [f"- {key}: `{value}`" for key, value in stamp.items()]
    lines += [
        "",
        "## Legend",
        "",
        "- **median VPT**: valid prediction time in Lyapunov times (first time the "
        "normalised RMSE exceeds 0.5), median over seeds per system, then median over "
        "systems. Failures (diverged, error, timeout, oom) score 0.",
        "- **95 % CI**: bootstrap interval of that median, resampling systems and seeds "
        f"within systems ({BOOTSTRAP_SAMPLES} replicates, fixed seed).",
        "- **IQR**: 25th – 75th percentile over systems of the per-system median VPT.",
        "- **mean rank**: mean over systems of the rank of the per-system median VPT "
        "(1 = best, ties averaged).",
        "- **D_stsp**: state-space divergence of the free run (lower is better; ∞ = "
        "failure); **D_H**: power-spectrum Hellinger distance (0–1, lower is better); "
        "medians over systems of per-system medians.",
        "- **failures**: rows not `ok` / all rows; **fit s**: median fit seconds.",
        "- Every column is documented in `results/README.md`.",
        "",
    ]
    return "\n".join(lines)


def write_leaderboard(out: Path) -> dict[str, Path]:
    """Write the tables, ``leaderboard.md`` and ``stamp.json`` under ``out``."""
    out = Path(out)
    rows = load_rows(out)
    stamp = collect_stamp(rows)
    table = by_system(rows)
    board = leaderboard(table, rows)
    wins = win_rates(table)
    paths = {}
    for name, frame in (
        ("runs", rows),
        ("by_system", table),
        ("leaderboard", board),
        ("winrate", wins),
    ):
        path = out / f"{name}.csv"
        text = _with_stamp(frame, stamp).to_csv(index=False, float_format=FLOAT_FORMAT)
        atomic_write_text(path, text)
        paths[name] = path
    path = out / "leaderboard.md"
    atomic_write_text(path, render_markdown(board, stamp))
    paths["markdown"] = path
    path = out / "stamp.json"
    atomic_write_text(path, json.dumps(stamp, indent=1) + "\n")
    paths["stamp"] = path
    from ._web import write_index  # imported here: _web imports this module

    paths["html"] = write_index(out)
    return paths
