"""Shared output of the speed benchmarks: ``results/perf.csv``.

Any script in ``benchmarks/`` can add rows::

    from _perf_io import record  # scripts in benchmarks/ run with it on sys.path

    record([{"benchmark": "my_bench", "what": "...", "seconds_median": 1.2,
             "comparison": "...", "comparison_seconds_median": 3.4, "repeats": 5}])

Each row is stamped (package version, git commit, JAX version, device, Python, date);
``ratio`` is filled in as comparison / ours when both times are given. A new row
replaces an older one with the same (benchmark, what), so the file holds the latest
measurement of each thing, never an accumulating history.
"""

from __future__ import annotations

import datetime
import math
import types
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from chaosbench.numerics._rows import STAMP_COLUMNS

PERF_CSV = Path(__file__).resolve().parent.parent / "results" / "perf.csv"
COLUMNS = [
    "benchmark",
    "what",
    "seconds_median",
    "comparison",
    "comparison_seconds_median",
    "ratio",
    "repeats",
    "error",
    "comparison_error",
    "compile_seconds",
    "compile_share",
    "date",
    *STAMP_COLUMNS,  # the row schema's stamp (chaosbench.numerics._rows)
]
KEY = ["benchmark", "what"]


def stamp(suite=None) -> dict[str, str]:
    """The runner's stamp; ``suite`` empty unless a suite was measured."""
    from chaosbench.harness._runner import stamp as run_stamp

    out = run_stamp(suite or types.SimpleNamespace(name="", hash=""))
    out["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


def record(
    rows: Iterable[Mapping],
    path: Path | str = PERF_CSV,
    suite=None,
    replace_benchmarks: Iterable[str] = (),
) -> Path:
    """Add ``rows`` to ``path`` (default ``results/perf.csv``); returns the path.

    Older rows of the benchmarks named in ``replace_benchmarks`` are all dropped (for a
    script whose row labels change between runs)."""
    path = Path(path)
    base = stamp(suite)
    new = []
    for row in rows:
        row = {**base, **row}
        missing = [k for k in KEY if not row.get(k)]
        if missing:
            raise ValueError(f"a perf row needs {', '.join(missing)}: {row}")
        ours, theirs = row.get("seconds_median"), row.get("comparison_seconds_median")
        if row.get("ratio") is None and ours and theirs and not math.isnan(theirs):
            row["ratio"] = theirs / ours
        new.append(row)
    frame = pd.DataFrame.from_records(new)
    if path.exists():
        old = pd.read_csv(path, comment="#")
        keep = ~old.set_index(KEY).index.isin(frame.set_index(KEY).index)
        keep &= ~old["benchmark"].isin(list(replace_benchmarks))
        frame = pd.concat([old[keep], frame], ignore_index=True)
    columns = [c for c in COLUMNS if c in frame.columns] + [
        c for c in frame.columns if c not in COLUMNS
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    frame[columns].to_csv(tmp, index=False, float_format="%.6g")
    tmp.replace(path)
    return path
