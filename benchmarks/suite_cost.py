"""What a suite's run cost: wall time over its sittings and compute per forecaster.

Reads a results directory written by ``chaosbench run`` and ``chaosbench leaderboard``:
``sessions.csv`` (one line per ``chaosbench run``: its wall time and the cells it left
finished) and ``runs.csv`` (per cell: fit, forecast and compile seconds). Prints

- the wall time summed over the sittings (a suite run in shards across working
  sessions, like the catalogue, adds up here), the cells finished of those planned, and
  the wall time per finished system;
- per forecaster: cells, fit / forecast / compile seconds summed, the median per cell,
  and its share of all compute.

Compile seconds are what a cold cache costs on top of a warm one (the persistent
compilation cache serves later sittings and processes), so "warm" = fit + forecast and
"cold" = warm + compile.

Usage::

    PYTHONPATH=$PWD python benchmarks/suite_cost.py --out results/catalogue [--record]

``--record`` writes the figures to ``results/perf.csv`` (benchmark ``suite_cost``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))


def cost_tables(out: Path) -> tuple[dict, pd.DataFrame]:
    """``(totals, per_forecaster)`` of the run under ``out``."""
    sessions = pd.read_csv(out / "sessions.csv") if (out / "sessions.csv").exists() else None
    runs = pd.read_csv(out / "runs.csv")
    ok = runs[runs["status"].isin(["ok"])]
    per = runs.groupby("forecaster").agg(
        cells=("run_id", "size"),
        failed=("status", lambda s: int((s != "ok").sum())),
        fit_seconds=("fit_seconds", "sum"),
        forecast_seconds=("forecast_seconds", "sum"),
        compile_seconds=("compile_seconds", "sum"),
    )
    per["warm_seconds"] = per["fit_seconds"] + per["forecast_seconds"]
    per["cold_seconds"] = per["warm_seconds"] + per["compile_seconds"]
    per["cell_seconds_median"] = (
        runs.assign(t=runs["fit_seconds"] + runs["forecast_seconds"])
        .groupby("forecaster")["t"]
        .median()
    )
    per["share"] = per["cold_seconds"] / per["cold_seconds"].sum()
    per = per.sort_values("cold_seconds", ascending=False)
    systems_done = ok.groupby("system")["forecaster"].nunique()
    totals = {
        "suite": ", ".join(sorted(set(runs["suite"].astype(str)))),
        "cells": len(runs),
        "systems": runs["system"].nunique(),
        "systems_complete": int((systems_done >= runs["forecaster"].nunique()).sum()),
        "compute_cold_seconds": float(per["cold_seconds"].sum()),
        "compile_seconds": float(per["compile_seconds"].sum()),
    }
    if sessions is not None and len(sessions):
        totals["wall_seconds"] = float(sessions["wall_seconds"].sum())
        totals["sittings"] = len(sessions)
        if runs["suite"].nunique() == 1:  # a folder of several suites logs each one's plan
            totals["planned"] = int(sessions["planned"].iloc[-1])
    totals["finished"] = len(ok)
    return totals, per


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="a results directory (e.g. results/catalogue)")
    parser.add_argument("--record", action="store_true", help="write to results/perf.csv")
    args = parser.parse_args(argv)
    out = Path(args.out)
    totals, per = cost_tables(out)
    for key, value in totals.items():
        print(f"{key:>22}: {value:.1f}" if isinstance(value, float) else f"{key:>22}: {value}")
    if "wall_seconds" in totals and totals["systems"]:
        print(f"{'wall per system':>22}: {totals['wall_seconds'] / totals['systems']:.1f} s")
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(per.round(1).to_string())
    if args.record:
        from _perf_io import record

        rows = []
        if "wall_seconds" in totals:
            rows.append(
                {
                    "benchmark": "suite_cost",
                    "what": f"{out.name}: wall time summed over its sittings "
                    "(repeats = cells finished)",
                    "seconds_median": totals["wall_seconds"],
                    "comparison": (
                        f"{totals['planned']} cells planned, "
                        if "planned" in totals
                        else f"{len(per.index)} forecasters, {totals['cells']} cells, "
                    )
                    + f"{totals['sittings']} sittings",
                    "compile_seconds": totals["compile_seconds"],
                    "compile_share": totals["compile_seconds"] / totals["compute_cold_seconds"],
                    "repeats": totals["finished"],
                }
            )
        for forecaster, r in per.iterrows():
            rows.append(
                {
                    "benchmark": "suite_cost",
                    "what": f"{out.name}: {forecaster} compute summed over its cells "
                    "(fit + forecast = warm; + compile seconds = cold; repeats = cells)",
                    "seconds_median": r["warm_seconds"],
                    "compile_seconds": r["compile_seconds"],
                    "compile_share": r["compile_seconds"] / r["cold_seconds"],
                    "repeats": int(r["cells"]),
                }
            )
        record(rows, replace_benchmarks=())
        print(f"recorded {len(rows)} rows in results/perf.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
