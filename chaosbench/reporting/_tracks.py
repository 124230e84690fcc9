"""The tracks a row belongs to, and the tuning gain: ``tuning_gain.csv``.

Every forecaster runs on one of three tracks, named in every table (a ``track`` column):

- ``defaults``: the forecaster at its defaults (for a learned one, the defaults the one
  tuner chose once on the development systems: :mod:`chaosbench.harness._defaults`), or a
  spec with explicit overrides;
- ``tuned``: ``tuned(<spec>)``, its hyperparameters chosen per cell by the one tuner on
  the cell's training data (:mod:`chaosbench.harness._tuned`);
- ``zero-shot``: a pretrained forecaster (class data ``zero_shot = True``) that reads the
  context alone and learns nothing from the system (``dynamix``). Per-system tables of
  zero-shot rows add ``seen_in_pretraining``: the system was in its training corpus
  (class data ``pretraining_systems``).

**The tuning gain** answers "is it the method or the budget?": per task and learned
forecaster with rows on both tracks, the paired differences of the headline (VPT, the
median over a cell's test windows) of ``tuned(f)`` minus ``f`` on the same (system, seed)
— the same dataset, since the dataset seed is the cell's seed — summarised as the median
over systems of the median over seeds, with a 95 % bootstrap interval that resamples
systems, then seeds (:func:`chaosbench.numerics._statistics.hierarchical_bootstrap_ci`).
A cell where either side failed does not pair (``unpaired`` counts them). ``kept`` counts
the paired cells where the tuner chose the defaults' hyperparameters: there the tuned row
is the defaults row's twin (the same fit on the same data), and its gain is exactly 0.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ..base import _api
from ..base._spec import short_label
from ..numerics._rows import OK, headline_metric
from ..numerics._statistics import hierarchical_bootstrap_ci, median

DEFAULTS, TUNED, ZERO_SHOT = "defaults", "tuned", "zero-shot"
TRACKS = (DEFAULTS, TUNED, ZERO_SHOT)


def _class_of(label: str) -> type | None:
    name = short_label(label).split("[", 1)[0]
    try:
        return type(_api.forecasters.get(name)())
    except Exception:  # noqa: BLE001 - a forecaster not registered in this process
        return None


def _is_zero_shot(label: str) -> bool:
    return bool(getattr(_class_of(label), "zero_shot", False))


def seen_in_pretraining(label: str, system: str) -> bool:
    """Whether ``system`` (an id) was in the training corpus of the pretrained forecaster
    ``label`` (its class data ``pretraining_systems``; never for a trained forecaster)."""
    return system.rsplit("-v", 1)[0] in getattr(_class_of(label), "pretraining_systems", ())


def track_of(label: str) -> str:
    """The track of a row's forecaster label (``tuned(esn-v3)`` → ``tuned``)."""
    if label.startswith("tuned("):
        return TUNED
    return ZERO_SHOT if _is_zero_shot(label) else DEFAULTS


def with_track(table: pd.DataFrame, column: str = "forecaster") -> pd.DataFrame:
    """``table`` with a ``track`` column after ``column`` (labels, versioned or short)."""
    if table.empty or column not in table.columns or "track" in table.columns:
        return table
    out = table.copy()
    tracks = {label: track_of(label) for label in out[column].unique()}
    out.insert(out.columns.get_loc(column) + 1, "track", out[column].map(tracks))
    if "system" in out.columns and (out["track"] == ZERO_SHOT).any():
        seen = [
            seen_in_pretraining(f, s) if t == ZERO_SHOT else False
            for f, s, t in zip(out[column], out["system"], out["track"])
        ]
        out.insert(out.columns.get_loc("track") + 1, "seen_in_pretraining", seen)
    return out


def _base_of(label: str) -> str:
    """``tuned(esn-v3[size=8])`` → ``esn-v3[size=8]``."""
    return label[len("tuned(") : -1]


def tuning_gain(rows: pd.DataFrame) -> pd.DataFrame:
    """Per (task, forecaster) with rows on both tracks: systems, paired cells, unpaired
    cells, the paired cells where the tuner kept the defaults, the medians of both tracks
    (over systems of the median over seeds), the gain (tuned − defaults) with its
    interval, and the median search seconds per cell."""
    column = headline_metric().column
    columns = [
        "task", "forecaster", "systems", "cells", "unpaired", "kept", "defaults_median",
        "tuned_median", "gain_median", "gain_ci_low", "gain_ci_high",
        "tuning_seconds_median",
    ]  # fmt: skip
    if rows.empty or column not in rows.columns:
        return pd.DataFrame(columns=columns)
    out = []
    key = ["system", "seed"]
    for task, per_task in rows.groupby("task", sort=True):
        labels = set(per_task["forecaster"])
        for tuned in sorted(label for label in labels if label.startswith("tuned(")):
            base = _base_of(tuned)
            if base not in labels:
                continue
            sides = {}
            for side, label in (("defaults", base), ("tuned", tuned)):
                part = per_task[per_task["forecaster"] == label]
                sides[side] = part[part["status"] == OK].set_index(key)
                if side == "tuned":
                    cells = len(part)
            both = [column, *(["hyperparameters"] if "hyperparameters" in per_task else [])]
            paired = sides["defaults"][both].join(
                sides["tuned"][both], lsuffix="_defaults", rsuffix="_tuned", how="inner"
            )
            if paired.empty:
                continue
            diff = paired[f"{column}_tuned"] - paired[f"{column}_defaults"]
            groups = {s: diff.xs(s, level="system").to_numpy() for s in diff.index.unique(0)}
            per_system = {s: median(v) for s, v in groups.items()}

            def over_systems(col):
                by = paired[col].groupby(level="system").median()
                return median(by.to_numpy())

            low, high = hierarchical_bootstrap_ci(list(groups.values()), "tuning_gain", tuned)
            seconds = sides["tuned"].get("tuning_seconds")
            out.append(
                {
                    "task": task,
                    "forecaster": short_label(base),
                    "systems": len(groups),
                    "cells": len(paired),
                    "unpaired": cells - len(paired),
                    "kept": _kept(paired),
                    "defaults_median": over_systems(f"{column}_defaults"),
                    "tuned_median": over_systems(f"{column}_tuned"),
                    "gain_median": median(np.asarray(list(per_system.values()))),
                    "gain_ci_low": low,
                    "gain_ci_high": high,
                    "tuning_seconds_median": (
                        float(pd.to_numeric(seconds, errors="coerce").median())
                        if seconds is not None
                        else float("nan")
                    ),
                }
            )
    return pd.DataFrame(out, columns=columns)


def _kept(paired: pd.DataFrame) -> float:
    """Paired cells whose tuned hyperparameters equal the defaults' (NaN without them)."""
    if "hyperparameters_tuned" not in paired:
        return float("nan")

    def parsed(value):
        return json.loads(value) if isinstance(value, str) else value

    pairs = zip(paired["hyperparameters_defaults"], paired["hyperparameters_tuned"])
    return float(sum(parsed(a) == parsed(b) for a, b in pairs))


def tuning_gain_markdown(gain: pd.DataFrame) -> str:
    """The tuning-gain section of ``leaderboard.md`` (empty without tuned rows)."""
    if gain.empty:
        return ""
    lines = [
        "## Tuning gain: tuned minus defaults",
        "",
        "Median VPT (t_λ) over systems of the median over seeds, on the same datasets; the "
        "gain's 95 % interval resamples systems, then seeds. Kept: paired cells where the "
        "tuner chose the defaults (tuned row = defaults row, gain 0). Search: median "
        "seconds per tuned cell.",
        "",
        "| task | forecaster | systems | defaults | tuned | gain (95 % CI) | kept | search s |",
        "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for r in gain.itertuples():
        lines.append(
            f"| {r.task} | `{r.forecaster}` | {r.systems} | {r.defaults_median:.3g} | "
            f"{r.tuned_median:.3g} | {r.gain_median:+.3g} ({r.gain_ci_low:+.3g}, "
            f"{r.gain_ci_high:+.3g}) | {kept_text(r.kept, r.cells)} | "
            f"{r.tuning_seconds_median:.0f} |"
        )
    return "\n".join(lines) + "\n"


def kept_text(kept: float | None, cells: int) -> str:
    """The defaults-kept cell: ``3/60`` (of the paired cells); ``–`` without the count."""
    return "–" if kept is None or pd.isna(kept) else f"{int(kept)}/{int(cells)}"
