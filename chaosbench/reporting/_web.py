"""The static web leaderboard: ``OUT/index.html``, one self-contained page.

The page is built from the tables ``write_leaderboard`` has just written
(``leaderboard.csv``, ``by_system.csv``, ``winrate.csv``, ``runs.csv``, ``stamp.json``),
read back from disk so that it shows exactly the CSVs' numbers. They are inlined as JSON
beside a plain-JavaScript renderer and a stylesheet (``chaosbench/data/web/``); the page
loads no script, font or style from anywhere else and opens from the file system.

What it shows:

- the headline table (one per task, sortable by every column) with the medians'
  intervals, rendered here in Python with the same rounding as ``leaderboard.md`` so the
  page reads without JavaScript, then re-rendered by the script;
- filters by task, observed dimension (3, 4–6, ≥ 7), timescale (λ_max · period) and
  family (``cls.family`` where a system class declares one; the filter is hidden when
  none does); a filtered view recomputes each forecaster's medians, ranks and win rates
  from the ``by_system.csv`` rows of the systems that pass;
- a per-system view: every forecaster's metrics on the system, the system's facts
  (registry and stored facts; λ_max and Δ as the run used them) and its figures where
  ``chaosbench plot`` wrote them (linked by relative path);
- the win-rate matrix as a heat map, and the stamp.

Query parameters select a view (for links and for a headless browser): ``task``,
``system``, ``sort`` (a column key), ``dir`` (``asc``/``desc``), ``dim`` (``3``,
``4-6``, ``7+``), ``timescale`` (``lt0.5``, ``0.5-2``, ``2+``), ``family`` and
``selftest=1`` (the script checks its own rendering and writes the verdict into
``#selftest``).

One module, a little over 400 lines, on purpose: the column specification, the Python
rendering of the headline and the data handed to the script must change together (the
script's self-test compares its cells with the Python-rendered ones).
"""

from __future__ import annotations

import datetime
import html
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..base import _api
from ..base._cache import atomic_write_text
from ..catalogue._facts import FactsSettings, _table, _with_sampling_interval, system_key
from ..numerics._rows import STAMP_COLUMNS as STAMP_KEYS
from ..numerics._rows import headline_metric, long_term_metrics, registered_metrics
from ._markdown import fmt as _fmt

TEMPLATE = Path(__file__).parents[1] / "data" / "web"
# Values whose rounding the page's script must reproduce exactly (its self-test compares
# its own formatting of each with ``_fmt``'s): ties, carries, exponents, signs, non-finite.
FMT_PROBES = (
    0.0,
    -0.5,
    1.0,
    1.125,
    1.375,
    2.5,
    9.995,
    9.9996,
    99950.0,
    123.0,
    1000.0,
    1234.5,
    0.00012345,
    1.2345e-05,
    -0.0009996,
    3.14159,
    math.inf,
    -math.inf,
    math.nan,
)


# --------------------------------------------------------------------------- columns


# Headline columns in their order; ``cols`` are leaderboard.csv columns, ``kind`` says how
# they are shown: "num" (rounded as leaderboard.md), "range" (low – high), "failures"
# (failures/runs), "text". Any other numeric column of leaderboard.csv is appended as "num".
# The metric columns (the headline's, then the long-term ones) come from the registry.
def _headline_specs() -> list[tuple[str, str, str, tuple[str, ...], str]]:
    h = headline_metric()
    c, name = h.column, h.short_name
    return [
        ("position", "#", "text", (), f"position in the CSV's order (by median {name})"),
        ("forecaster", "forecaster", "text", ("forecaster",), ""),
        (
            f"median_{c}",
            f"median {h.label}",
            "num",
            (f"median_{c}",),
            f"{h.description}: median over seeds, then over systems",
        ),
        (
            f"{c}_ci",
            "95 % CI",
            "range",
            (f"{c}_ci_low", f"{c}_ci_high"),
            f"bootstrap interval of the median {name} (systems, then seeds, resampled)",
        ),
        (
            f"{c}_iqr",
            "IQR",
            "range",
            (f"{c}_q25", f"{c}_q75"),
            f"25th – 75th percentile over systems of the per-system median {name}",
        ),
        ("mean_rank", "mean rank", "num", ("mean_rank",), f"mean over systems of the {name} rank"),
        *(
            (f"median_{m.column}", m.short_name, "num", (f"median_{m.column}",), m.description)
            for m in long_term_metrics()
        ),
        (
            "long_run_blow_ups",
            "long-run blow-ups",
            "failures",
            ("long_run_blow_ups", "runs"),
            "rows whose long free run blew up / all rows (their short-term scores stand)",
        ),
        (
            "failures",
            "failures",
            "failures",
            ("failures", "runs"),
            "rows with status error, timeout or oom / all rows",
        ),
        ("median_fit_seconds", "fit s", "num", ("median_fit_seconds",), "median fit seconds"),
        ("systems", "systems", "num", ("systems",), "systems with rows"),
    ]


def _metric_labels() -> dict[str, str]:
    """Labels of the registered metrics' columns (``"VPT (t_λ)"``); others show their id."""
    return {m.column: m.label for m in registered_metrics() if m.name}


def headline_columns(board: pd.DataFrame) -> list[dict[str, Any]]:
    """The headline's column specs: the known ones present in ``board``, then the rest."""
    specs, used = [], {"task"}
    for key, label, kind, cols, title in _headline_specs():
        if all(c in board.columns for c in cols):
            specs.append({"key": key, "label": label, "kind": kind, "cols": list(cols)})
            specs[-1]["title"] = title
            used.update(cols)
    for column in board.columns:
        if (
            column in used
            or column in STAMP_KEYS
            or column.startswith("win_rate_vs_")
            or not pd.api.types.is_numeric_dtype(board[column])
        ):
            continue
        specs.append({"key": column, "label": column, "kind": "num", "cols": [column]})
        specs[-1]["title"] = ""
    return specs


def metric_names(table: pd.DataFrame) -> list[str]:
    """Metrics of ``by_system.csv`` (columns ``<m>_median``): known ones first, then A–Z."""
    found = [c[: -len("_median")] for c in table.columns if c.endswith("_median")]
    order = [headline_metric().column] + [m.column for m in long_term_metrics()]
    known = [m for m in order if m in found]
    return known + sorted(m for m in found if m not in known)


def cell_text(spec: dict[str, Any], record: dict[str, Any], position: int) -> str:
    """A headline cell as text, rounded as ``leaderboard.md`` (``_fmt``)."""
    kind, cols = spec["kind"], spec["cols"]
    if spec["key"] == "position":
        return str(position)
    if kind == "text":
        return str(record[cols[0]])
    if kind == "range":
        return f"{_fmt(record[cols[0]])} – {_fmt(record[cols[1]])}"
    if kind == "failures":
        return f"{_fmt(record[cols[0]])}/{_fmt(record[cols[1]])}"
    return _fmt(record[cols[0]])


# --------------------------------------------------------------------------- data


def _plain(value: Any) -> Any:
    """A JSON-safe value: non-finite floats as the strings ``"inf"``/``"-inf"``/``null``."""
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


def _columnar(frame: pd.DataFrame, columns: list[str]) -> dict[str, Any]:
    ints = [c for c in columns if pd.api.types.is_integer_dtype(frame[c])]
    data = [[_plain(v) for v in row] for row in frame[columns].itertuples(index=False)]
    return {"columns": columns, "ints": ints, "rows": data}


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, comment="#", keep_default_na=True)


def _stored_facts(system: Any) -> dict[str, Any] | None:
    """Facts of ``system`` from the shipped table or the cache, never computed here."""
    settings = FactsSettings()
    key = system_key(system, settings)
    entry = _table().get(system.id)
    if entry is None or entry.get("key") != key:
        from ..base._cache import cache_dir

        path = cache_dir() / "facts" / f"{system.id}-{key}.json"
        try:
            entry = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            return None
    return _with_sampling_interval(entry, settings)


def _system_info(system_id: str, runs: pd.DataFrame | None, out: Path) -> dict[str, Any]:
    """What the page says about one system: registry data, stored facts, the run's Δ and
    λ_max, and the figures ``chaosbench plot`` wrote for it."""
    info: dict[str, Any] = {"id": system_id}
    facts = None
    if system_id in _api.systems:
        cls = _api.systems.get(system_id)
        info["family"] = getattr(cls, "family", None)
        info["citation"] = getattr(cls, "citation", None)
        info["description"] = getattr(cls, "description", "") or None
        try:
            system = cls()
            info["dimension"] = system.dimension
            info["observed_dimension"] = system.observed_dimension
            facts = _stored_facts(system)
        except Exception:  # noqa: BLE001 - a system that cannot be built shows no facts
            facts = None
    if facts:
        for key in ("max_lyapunov", "lyapunov_time", "period", "dt", "kaplan_yorke_dimension"):
            if facts.get(key) is not None:
                info[key] = _plain(facts[key])
        info.setdefault("dimension", facts.get("dimension"))
        phases = len(facts.get("phase_indices") or [])
        if facts.get("dimension") is not None:
            info.setdefault("observed_dimension", facts["dimension"] + phases)
    if runs is not None and {"system", "dt", "max_lyapunov"} <= set(runs.columns):
        mine = runs[runs["system"] == system_id]
        for column in ("dt", "max_lyapunov"):  # as the run used them
            values = mine[column].dropna()
            if len(values):
                info[column] = _plain(values.iloc[0])
    if info.get("max_lyapunov") and info.get("max_lyapunov") not in ("inf", "-inf"):
        lam = info["max_lyapunov"]
        if lam > 0:
            info["lyapunov_time"] = 1.0 / lam
        if info.get("period") is not None:
            info["timescale"] = lam * info["period"]
    name = system_id.rsplit("-v", 1)[0]
    figures = []
    if runs is not None:
        shorts = sorted({f.rsplit("-v", 1)[0] for f in runs["forecaster"].unique()})
    else:
        shorts = []
    candidates = [f"error_growth_{name}.png"]
    for short in shorts:
        candidates += [f"forecast_{name}_{short}.png", f"attractor_{name}_{short}.png"]
    for file in candidates:
        if (out / "figures" / file).is_file():
            figures.append(f"figures/{file}")
    info["figures"] = figures
    return {k: _plain(v) for k, v in info.items()}


def _made(out: Path) -> str:
    """When the results were made: the newest cell's time (else ``leaderboard.csv``'s), so
    that rewriting the page from the same rows gives the same bytes."""
    files = list((out / "cells").glob("*.json")) or [out / "leaderboard.csv"]
    newest = max(f.stat().st_mtime for f in files)
    when = datetime.datetime.fromtimestamp(newest, datetime.timezone.utc)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def page_data(out: Path, made: str | None = None) -> dict[str, Any]:
    """Everything the page shows, read from the tables under ``out``."""
    out = Path(out)
    board = _read_csv(out / "leaderboard.csv")
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
    labels = _metric_labels()
    table_columns = ["task", "system", "forecaster", "seeds", "failures", "fit_seconds"]
    for m in metrics:
        table_columns += [f"{m}_median", f"{m}_ci_low", f"{m}_ci_high"]
    table_columns = [c for c in table_columns if c in table.columns]
    board_columns = [c for c in board.columns if c not in STAMP_KEYS]
    win_columns = ["task", "forecaster", "opponent", "systems", "wins", "ties", "win_rate"]
    systems = {s: _system_info(s, runs, out) for s in sorted(table["system"].unique())}
    vpt_figure = out / "figures" / "vpt_distribution.png"
    return {
        "stamp": {k: str(v) for k, v in stamp.items()},
        "headline": headline_columns(board),
        "leaderboard": _columnar(board, board_columns),
        "by_system": _columnar(table, table_columns),
        "winrate": _columnar(wins, [c for c in win_columns if c in wins.columns]),
        "metrics": [{"key": m, "label": labels.get(m, m)} for m in metrics],
        "systems": systems,
        "vpt_figure": "figures/vpt_distribution.png" if vpt_figure.is_file() else None,
        "fmt_cases": [[_plain(v), _fmt(v)] for v in FMT_PROBES],
    }


# --------------------------------------------------------------------------- page


def _static_headline(data: dict[str, Any]) -> str:
    """The unfiltered headline tables as HTML (what the page shows before its script runs)."""
    columns = data["leaderboard"]["columns"]
    records = [
        {
            c: (math.inf if v == "inf" else -math.inf if v == "-inf" else v)
            for c, v in zip(columns, r)
        }
        for r in data["leaderboard"]["rows"]
    ]
    for record in records:
        for c, v in record.items():
            if v is None:
                record[c] = math.nan
            elif c in data["leaderboard"]["ints"]:
                record[c] = int(v)
    parts = []
    for task in sorted({r["task"] for r in records}):
        rows = [r for r in records if r["task"] == task]
        head = "".join(
            f'<th data-key="{s["key"]}">{html.escape(s["label"])}</th>' for s in data["headline"]
        )
        body = []
        for i, record in enumerate(rows, start=1):
            cells = "".join(
                f'<td data-key="{s["key"]}">{html.escape(cell_text(s, record, i))}</td>'
                for s in data["headline"]
            )
            body.append(f'<tr data-forecaster="{html.escape(record["forecaster"])}">{cells}</tr>')
        parts.append(
            f"<h3>Task <code>{html.escape(task)}</code></h3>"
            f'<div class="scroll"><table class="headline" data-task="{html.escape(task)}">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        )
    return "\n".join(parts)


def _inline_json(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    # "<" occurs only inside JSON strings, where \u003c means the same: nothing in the data
    # can then close the <script> element or open an HTML comment
    return text.replace("<", "\\u003c")


def render_page(data: dict[str, Any]) -> str:
    """The page's HTML: template, stylesheet, script and data in one document."""
    page = (TEMPLATE / "page.html").read_text()
    css = (TEMPLATE / "page.css").read_text()
    # the script names the headline metric by placeholders, filled from the registry
    headline = headline_metric()
    script = (TEMPLATE / "page.js").read_text()
    script = script.replace("__headline_name__", headline.short_name)
    script = script.replace("__headline__", headline.column)
    stamp = data["stamp"]
    subtitle = " · ".join(
        f"{k} {stamp[k]}"
        for k in ("suite", "chaosbench_version", "git_commit", "protocol_version", "made")
        if k in stamp
    )
    parts = {
        "/*{{CSS}}*/": css,
        "{{SUBTITLE}}": html.escape(subtitle),
        "<!--{{HEADLINE}}-->": _static_headline(data),
        "{{DATA}}": _inline_json(data),
        "/*{{SCRIPT}}*/": script,
    }
    # one pass, so that nothing inserted is itself searched for placeholders
    pattern = "|".join(re.escape(k) for k in parts)
    return re.sub(pattern, lambda m: parts[m.group(0)], page)


def write_index(out: Path, made: str | None = None) -> Path:
    """Write ``out/index.html`` from the tables under ``out``; returns its path.

    **Arguments:**

    - `out`: a results directory holding ``leaderboard.csv``, ``by_system.csv`` and
      ``winrate.csv`` (``runs.csv``, ``stamp.json`` and ``figures/`` where present).
    - `made`: the date shown as when the results were made (default: the newest cell's
      modification time, UTC).
    """
    out = Path(out)
    missing = [
        n for n in ("leaderboard.csv", "by_system.csv", "winrate.csv") if not (out / n).exists()
    ]
    if missing:
        raise FileNotFoundError(
            f"{out} has no {', '.join(missing)}: run `chaosbench leaderboard --out {out}` first"
        )
    path = out / "index.html"
    atomic_write_text(path, render_page(page_data(out, made)))
    return path
