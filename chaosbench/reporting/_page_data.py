"""The data the web page shows, read back from the tables ``write_leaderboard`` has just
written (``leaderboard.csv``, ``by_system.csv``, ``winrate.csv``, ``runs.csv``,
``stamp.json``), so that the page shows exactly the CSVs' numbers.

:func:`page_data` gathers them as JSON-safe columnar tables, with the headline's column
specification (:mod:`._page_columns`), per system what the registry and the stored facts
say (:func:`system_info`: family, dimensions, λ_max and Δ as the run used them, its bin in
each breakdown, its figures) and the bins the page filters by (the breakdowns' own,
:mod:`._breakdowns`), and the paired tests (``pairwise.csv``, ``ranking.csv``) with each
task's critical-difference diagram inlined as a data URI, and each task's skill-versus-cost
figure (``skill_cost_<task>.png``, :mod:`._skill_cost`) likewise; each row's track
(``track``, and per system the zero-shot forecasters that saw it in pretraining, with the
bin ``seen``/``unseen`` the page filters by when there are any); and under ``sections``
the tuning gain, the curves and the refusals (:mod:`._page_sections`, rendered as static
HTML and not inlined as data).
"""

from __future__ import annotations

import base64
import datetime
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..base._spec import short_label
from ..numerics._rows import STAMP_COLUMNS as STAMP_KEYS
from ..numerics._rows import headline_metric
from ._breakdowns import BINNERS, bin_order
from ._cd_diagram import diagram_name
from ._cost import COST_COLUMNS
from ._long_run import COUNTS as LONG_RUN_COUNTS
from ._markdown import DIMENSION_LABELS
from ._markdown import fmt as _fmt
from ._page_columns import FMT_PROBES, headline_columns, metric_labels, metric_names
from ._page_sections import sections_data
from ._skill_cost import figure_uris
from ._systems import positive_exponents, system_record


def _plain(value: Any) -> Any:
    """A JSON-safe value: non-finite floats as the strings ``"inf"``/``"-inf"``/``null``."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    return value


COUNTS = frozenset(
    ("systems", "runs", "seeds", "failures", *LONG_RUN_COUNTS.values(), "wins", "ties", "losses")
)
"""Columns that count: shown as integers. Any other column is a real number, even where
every value read back from the CSV happens to be whole (a median of 7 and 7)."""


def _columnar(frame: pd.DataFrame, columns: list[str]) -> dict[str, Any]:
    integer = [c for c in columns if pd.api.types.is_integer_dtype(frame[c])]
    ints = [c for c in integer if c in COUNTS]
    reals = {i for i, c in enumerate(columns) if c in integer and c not in ints}
    data = [
        [_plain(float(v) if i in reals and v is not pd.NA else v) for i, v in enumerate(row)]
        for row in frame[columns].itertuples(index=False)
    ]
    return {"columns": columns, "ints": ints, "rows": data}


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, comment="#", keep_default_na=True)


def _figures(system_id: str, runs: pd.DataFrame | None, out: Path) -> list[str]:
    """The figures ``chaosbench plot`` wrote for ``system_id`` (relative paths)."""
    name = system_id.rsplit("-v", 1)[0]
    shorts = (
        sorted({short_label(f) for f in runs["forecaster"].unique()}) if (runs is not None) else []
    )
    candidates = [f"error_growth_{name}.png"]
    for short in shorts:
        candidates += [f"forecast_{name}_{short}.png", f"attractor_{name}_{short}.png"]
    return [f"figures/{f}" for f in candidates if (out / "figures" / f).is_file()]


def system_info(system_id: str, runs: pd.DataFrame | None, out: Path) -> dict[str, Any]:
    """What the page says about one system: registry data, stored facts, the run's Δ and
    λ_max, its bin in each breakdown, and the figures ``chaosbench plot`` wrote for it."""
    record, facts = system_record(system_id)
    info: dict[str, Any] = {"id": system_id}
    info.update({k: v for k, v in record.items() if k != "family" or v})
    if facts:
        for key in ("max_lyapunov", "lyapunov_time", "period", "dt", "kaplan_yorke_dimension"):
            if facts.get(key) is not None:
                info[key] = _plain(facts[key])
        info.setdefault("dimension", facts.get("dimension"))
        phases = len(facts.get("phase_indices") or [])
        if facts.get("dimension") is not None:
            info.setdefault("observed_dimension", facts["dimension"] + phases)
        info["positive_exponents"] = positive_exponents(facts)
    if runs is not None and {"system", "dt", "max_lyapunov"} <= set(runs.columns):
        mine = runs[runs["system"] == system_id]
        for column in ("dt", "max_lyapunov"):  # as the run used them
            values = mine[column].dropna()
            if len(values):
                info[column] = _plain(values.iloc[0])
    lam = info.get("max_lyapunov")
    if isinstance(lam, (int, float)):
        if lam > 0:
            info["lyapunov_time"] = 1.0 / lam
        if info.get("period") is not None:
            info["lyapunov_times_per_period"] = lam * info["period"]
    info["bins"] = {
        "observed_dimension": BINNERS["observed_dimension"](info.get("observed_dimension")),
        "lyapunov_times_per_period": BINNERS["lyapunov_times_per_period"](
            info.get("lyapunov_times_per_period")
        ),
        "positive_exponents": BINNERS["positive_exponents"](info.get("positive_exponents")),
        "family": BINNERS["family"](info.get("family")),
    }
    info["figures"] = _figures(system_id, runs, out)
    return {k: _plain(v) for k, v in info.items()}


def _made(out: Path) -> str:
    """When the results were made: the newest cell's time (else ``leaderboard.csv``'s), so
    that rewriting the page from the same rows gives the same bytes."""
    files = list((out / "cells").glob("*.json")) or [out / "leaderboard.csv"]
    newest = max(f.stat().st_mtime for f in files)
    when = datetime.datetime.fromtimestamp(newest, datetime.timezone.utc)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def _reference(board: pd.DataFrame) -> str:
    """The reference forecaster's name, as ``leaderboard.csv``'s columns give it
    (``<headline>_minus_<reference>_median``); empty if there is none."""
    start, end = f"{headline_metric().column}_minus_", "_median"
    found = [c for c in board.columns if c.startswith(start) and c.endswith(end)]
    return found[0][len(start) : -len(end)] if found else ""


PAIR_COLUMNS = ["task", "forecaster", "opponent", "systems", "wins", "ties", "losses"]
PAIR_COLUMNS += ["p_value", "p_holm", "verdict"]


def _paired(out: Path, tasks: list[str]) -> dict[str, Any]:
    """The paired tests (``pairwise.csv``, ``ranking.csv``), how robust the order is
    (``orders.csv``) and each task's critical-difference diagram as a data URI (the page
    stays one file); empty where the folder has none (tables written before they
    existed)."""
    found: dict[str, Any] = {"pairwise": None, "ranking": None, "orders": None}
    found["cd_diagrams"] = {}
    for name in ("pairwise", "ranking", "orders"):
        path = out / f"{name}.csv"
        if path.exists():
            frame = _read_csv(path)
            columns = PAIR_COLUMNS if name == "pairwise" else list(frame.columns)
            columns = [c for c in columns if c in frame.columns and c not in STAMP_KEYS]
            found[name] = _columnar(frame, columns)
    for task in tasks:
        image = out / diagram_name(task)
        if image.is_file():
            encoded = base64.b64encode(image.read_bytes()).decode("ascii")
            found["cd_diagrams"][task] = f"data:image/png;base64,{encoded}"
    return found


def seen_in_pretraining(table: pd.DataFrame) -> dict[str, list[str]]:
    """Per system, the zero-shot forecasters of ``by_system.csv`` whose pretraining corpus
    held it (``seen_in_pretraining``); systems none saw are left out."""
    if "seen_in_pretraining" not in table.columns:
        return {}
    seen = table[table["seen_in_pretraining"].astype(str).str.lower() == "true"]
    return {s: sorted(set(g["forecaster"])) for s, g in seen.groupby("system", sort=True)}


def page_data(out: Path, made: str | None = None) -> dict[str, Any]:
    """Everything the page shows, read from the tables under ``out``."""
    out = Path(out)
    board = _read_csv(out / "leaderboard.csv")
    reference = _reference(board)
    table = _read_csv(out / "by_system.csv")
    wins = _read_csv(out / "winrate.csv")
    runs = _read_csv(out / "runs.csv") if (out / "runs.csv").exists() else None
    stamp_path = out / "stamp.json"
    stamp = json.loads(stamp_path.read_text()) if stamp_path.exists() else {}
    if runs is not None and "protocol_version" in runs.columns:
        versions = sorted({str(int(v)) for v in runs["protocol_version"].dropna()})
        stamp.setdefault("protocol_version", "; ".join(versions))
    stamp.setdefault("made", made or _made(out))

    metrics = metric_names(table)
    labels = metric_labels()
    table_columns = ["task", "system", "forecaster", "track", "seen_in_pretraining"]
    table_columns += ["external", "seeds", "failures"]
    table_columns += [*LONG_RUN_COUNTS.values(), "fit_seconds_median", *COST_COLUMNS]
    for m in metrics:
        table_columns += [f"{m}_median", f"{m}_ci_low", f"{m}_ci_high", f"{m}_censored"]
    table_columns += [f"{headline_metric().column}_minus_{reference}"] if reference else []
    table_columns = [c for c in table_columns if c in table.columns]
    board_columns = [c for c in board.columns if c not in STAMP_KEYS]
    win_columns = ["task", "forecaster", "opponent", "systems", "wins", "ties", "win_rate"]
    systems = {s: system_info(s, runs, out) for s in sorted(table["system"].unique())}
    bins = {
        kind: bin_order(kind, [info["bins"][kind] for info in systems.values()]) for kind in BINNERS
    }
    seen = seen_in_pretraining(table)
    if seen:  # a filter: the systems some zero-shot forecaster saw, or none did
        bins["pretraining"] = ["seen", "unseen"]
        for system, info in systems.items():
            info["bins"]["pretraining"] = "seen" if system in seen else "unseen"
            if system in seen:
                info["seen_in_pretraining"] = seen[system]
    tracks = dict(zip(board["forecaster"], board["track"])) if "track" in board else {}
    vpt_figure = out / "figures" / "vpt_distribution.png"
    return {
        "stamp": {k: str(v) for k, v in stamp.items()},
        "headline": headline_columns(board, reference),
        "leaderboard": _columnar(board, board_columns),
        "by_system": _columnar(table, table_columns),
        "winrate": _columnar(wins, [c for c in win_columns if c in wins.columns]),
        "metrics": [{"key": m, "label": labels.get(m, m)} for m in metrics],
        "systems": systems,
        "bins": bins,
        "reference": reference,
        "vpt_figure": "figures/vpt_distribution.png" if vpt_figure.is_file() else None,
        "fmt_cases": [[_plain(v), _fmt(v)] for v in FMT_PROBES],
        "dimension_bins": DIMENSION_LABELS,
        **_paired(out, sorted({str(t) for t in board["task"]})),
        "skill_cost": figure_uris(out, sorted({str(t) for t in board["task"]})),
        "sections": sections_data(out, tracks),
    }
