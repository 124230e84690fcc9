"""The web page's headline table: its columns and the text of each cell.

One specification serves the page twice: Python renders the unfiltered headline with it
(:func:`cell_text`, the same rounding as ``leaderboard.md``) and hands it to the script,
which re-renders and filters the table; the script's self-test compares its cells with
the Python-rendered ones. A column is a dict: ``key`` (what a ``sort`` query names),
``label``, ``kind`` and ``cols`` (the ``leaderboard.csv`` columns it shows) and ``title``
(its tooltip). Kinds: ``"num"`` (rounded as ``leaderboard.md``), ``"range"`` (low –
high), ``"failures"`` (count/runs), ``"track"`` (defaults, tuned or zero-shot, drawn as
a badge), ``"states"`` (the long-run states,
:func:`chaosbench.reporting._long_run.state_cell`), ``"forecaster"`` (the name, marked
when external) and ``"text"`` and ``"next"`` (the mark against the next row and the
Holm-corrected p, :func:`chaosbench.reporting._markdown.next_mark`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..numerics._rows import STAMP_COLUMNS as STAMP_KEYS
from ..numerics._rows import headline_metric, long_term_metrics, registered_metrics
from ._long_run import page_specs, shown_label, state_cell
from ._markdown import DIMENSION_LABELS, marked, next_mark
from ._markdown import fmt as _fmt

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


def _headline_specs(reference: str) -> list[tuple[str, str, str, tuple[str, ...], str]]:
    """Headline columns in their order: (key, label, kind, cols, title). The metric
    columns (the headline's, then the long-term ones) come from the registry."""
    h = headline_metric()
    c, name = h.column, h.short_name
    return [
        ("position", "#", "text", (), f"position in the CSV's order (by median {name})"),
        (
            "forecaster",
            "forecaster",
            "forecaster",
            ("forecaster",),
            "(external): scored from forecasts made outside chaosbench",
        ),
        (
            "track",
            "track",
            "track",
            ("track",),
            "defaults: the forecaster at its defaults (or a spec's overrides); tuned: "
            "hyperparameters chosen per cell by the one tuner, its search in the fit; "
            "zero-shot: pretrained elsewhere, reads the context alone, learns nothing "
            "from the system",
        ),
        (
            f"{c}_median",
            f"median {h.label}",
            "num",
            (f"{c}_median",),
            f"{h.description}: median over seeds, then over systems",
        ),
        (
            "vs_next",
            "vs next",
            "next",
            ("p_holm_vs_next", "verdict_vs_next", "distinguishable_from_next"),
            "the paired test against the next row in the CSV's order: ≈ not distinguishable "
            "(Holm-corrected Wilcoxon p ≥ 0.05), > significantly better, < worse; then p",
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
        *(
            (
                f"{c}_{infix}_median",
                f"{name} dim {label}",
                "num",
                (f"{c}_{infix}_median",),
                f"median {name} over the systems of observed dimension {label}",
            )
            for infix, label in DIMENSION_LABELS.items()
        ),
        (
            f"{c}_minus_{reference}_median",
            f"{name} − {reference}",
            "num",
            (f"{c}_minus_{reference}_median",),
            f"per system, the median {name} minus {reference}'s; median over systems",
        ),
        ("mean_rank", "mean rank", "num", ("mean_rank",), f"mean over systems of the {name} rank"),
        *page_specs(),
        (
            "failures",
            "failures",
            "failures",
            ("failures", "runs"),
            "rows with status error, timeout or oom / all rows",
        ),
        ("fit_seconds_median", "fit s", "num", ("fit_seconds_median",), "median fit seconds"),
        *(  # cost beside skill (chaosbench.reporting._cost), medians per cell
            (c, label, "num", (c,), title)
            for c, label, title in (
                ("forecast_seconds_median", "forecast s", "median forecast seconds"),
                (
                    "forecast_seconds_per_window_median",
                    "forecast s / window",
                    "median forecast seconds per test window (the cell's forecast seconds "
                    "over its test windows; they include the long free run: an upper bound)",
                ),
                ("compile_seconds_median", "compile s", "median compile seconds (share)"),
                ("cost_seconds_median", "cost s", "median fit + forecast seconds per cell"),
                ("n_parameters_median", "parameters", "median stored numbers of the fit"),
            )
        ),
        ("systems", "systems", "num", ("systems",), "systems with rows"),
    ]


def metric_labels() -> dict[str, str]:
    """Labels of the registered metrics' columns (``"VPT (t_λ)"``, and ``"D_stsp/floor"``
    for a normalised one); others show their id."""
    labels = {m.column: m.label for m in registered_metrics() if m.name}
    labels |= {m.normalised_column: shown_label(m) for m in registered_metrics() if m.floor}
    return labels


def headline_columns(board: pd.DataFrame, reference: str) -> list[dict[str, Any]]:
    """The headline's column specs: the known ones present in ``board``, then the rest of
    its numeric columns (win rates, the stamp and ``external`` excepted)."""
    specs, used = [], {"task", "external"}
    for key, label, kind, cols, title in _headline_specs(reference):
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
    """Metrics of ``by_system.csv`` (columns ``<m>_median`` beside ``<m>_ci_low``): known
    ones first, then A–Z."""
    found = [
        c[: -len("_median")]
        for c in table.columns
        if c.endswith("_median") and f"{c[: -len('_median')]}_ci_low" in table.columns
    ]
    order = [headline_metric().column]
    order += [c for m in long_term_metrics() for c in (m.normalised_column, m.column) if c]
    known = [m for m in order if m in found]
    return known + sorted(m for m in found if m not in known)


def track_text(track: Any) -> str:
    """A track cell: the track's name, ``–`` where the table has none (old tables)."""
    return track if isinstance(track, str) and track else "–"


def cell_text(spec: dict[str, Any], record: dict[str, Any], position: int) -> str:
    """A headline cell as text, rounded as ``leaderboard.md`` (``_fmt``)."""
    kind, cols = spec["kind"], spec["cols"]
    if spec["key"] == "position":
        return str(position)
    if kind == "forecaster":
        return marked(str(record[cols[0]]), record.get("external"))
    if kind == "text":
        return str(record[cols[0]])
    if kind == "track":
        return track_text(record.get(cols[0]))
    if kind == "range":
        return f"{_fmt(record[cols[0]])} – {_fmt(record[cols[1]])}"
    if kind == "failures":
        return f"{_fmt(record[cols[0]])}/{_fmt(record[cols[1]])}"
    if kind == "next":
        return next_mark(record[cols[0]], record[cols[1]])
    if kind == "states":
        return state_cell(record)
    return _fmt(record[cols[0]])
