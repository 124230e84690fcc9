"""Cost beside skill: the stored numbers of a fitted state, the Pareto front, the cost
columns of the tables on hand-made rows, and the skill-versus-cost figure.

Rows (task ``rich``, two systems, three seeds): fit seconds per seed / forecast seconds /
compile seconds / stored numbers:

| system | fast (VPT 1)         | slow (VPT 3)                 | lost (VPT 0.5)            |
| ------ | -------------------- | ---------------------------- | ------------------------- |
| s1     | 1, 2, 3 / .5 / .1 / 10 | 10, 20, 30 / 1 / .2 / 100  | 20, 20, 20 / 1 / .3 / 50  |
| s2     | 3, 4, 5 / .5 / .1 / 10 | 30, 40, 50 / 1 / .2 / (old) | error, 20, 20 / 1 / .3 / 50 |

Per-system median cost (fit + forecast): fast 2.5, 4.5 → 3.5; slow 21, 41 → 31; lost
21, 21 → 21. Skill: fast 1, slow 3, lost 0.5 (the error scores 0: s2's median 0.5).
So fast and slow are on the front; lost (slower than fast, less skilful) is not.
"""

import json
import math

import equinox as eqx
import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytest

import chaosbench as cb
from chaosbench.numerics import _rows
from chaosbench.numerics._evaluate import n_parameters
from chaosbench.reporting import _leaderboard as lb
from chaosbench.reporting._cost import cost_lines, front_of, pareto_front, window_count
from chaosbench.reporting._markdown import fmt, marked
from chaosbench.reporting._skill_cost import skill_cost_figure
from helpers import make_row

PNG = b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- Pareto front


def test_pareto_front_on_a_hand_made_case():
    points = {  # name: (skill, cost)
        "cheap": (1.0, 1.0),  # the cheapest: on the front whatever its skill
        "tie_a": (5.0, 10.0),  # two identical points: neither dominates the other
        "tie_b": (5.0, 10.0),
        "same_cost_worse": (4.0, 10.0),  # as costly as the ties, less skilful
        "dominated": (3.0, 50.0),  # the ties are more skilful and cheaper
        "best": (6.0, 100.0),  # the most skilful
        "same_skill_dearer": (6.0, 200.0),  # as skilful as best, dearer
        "no_skill": (math.nan, 0.5),  # missing values: off the front, dominate no one
        "no_cost": (9.0, math.inf),
    }
    skill, cost = zip(*points.values())
    front = dict(zip(points, pareto_front(skill, cost)))
    assert {n for n, on in front.items() if on} == {"cheap", "tie_a", "tie_b", "best"}
    assert pareto_front([], []).shape == (0,)
    assert pareto_front([2.0], [3.0]).tolist() == [True]
    with pytest.raises(ValueError):
        pareto_front([1.0, 2.0], [1.0])


# --------------------------------------------------------------------------- n_parameters


class _Head(eqx.Module):
    weight: jnp.ndarray
    steps: jnp.ndarray  # an integer array: not counted
    width: int = eqx.field(static=True)


def test_n_parameters_counts_the_scalar_entries_of_inexact_arrays():
    fitted = {
        "head": _Head(jnp.zeros((3, 4)), jnp.arange(7), width=4),  # 12
        "bias": np.ones(5),  # a NumPy float array counts: 5
        "poles": jnp.zeros(2, dtype=jnp.complex64),  # a complex entry counts once: 2
        "scale": 2.0,  # a Python float is not an array
        "count": 3,
        "mask": jnp.ones(4, dtype=bool),
        "nothing": None,
    }
    assert n_parameters(fitted) == 19
    assert n_parameters(()) == 0  # parroting stores nothing


def test_n_parameters_of_a_non_parametric_forecaster_is_what_it_stores():
    analogues = cb.get_forecaster("analogues")
    train = jnp.linspace(0.0, 1.0, 3 * 200).reshape(200, 3)
    fitted = analogues.fit(None, train)
    n = 200 - analogues.embedding + 1 - analogues.segment  # its candidate delay vectors
    assert n_parameters(fitted) == train.size + n  # the training data and their norms


def test_n_parameters_is_a_diagnostic_and_part_of_the_result():
    row = make_row("s1-v1", "fast-v1", run_id="r", fit_seconds=1.0, n_parameters=10)
    assert row.diagnostics["n_parameters"] == 10 and "n_parameters" not in row.metrics
    assert "n_parameters" in _rows.DIAGNOSTIC_COLUMNS
    assert "n_parameters" not in _rows.VOLATILE_COLUMNS
    new = row.columns()
    old = {k: v for k, v in new.items() if k != "n_parameters"}
    assert "n_parameters" not in _rows.Row.from_columns(old).diagnostics
    assert not _rows.same_result(new, {**new, "n_parameters": 11})  # part of the result


# --------------------------------------------------------------------------- tables

SECONDS = {  # (system, forecaster): fit seconds per seed, forecast, compile, stored numbers
    ("s1", "fast"): ([1, 2, 3], 0.5, 0.1, 10),
    ("s2", "fast"): ([3, 4, 5], 0.5, 0.1, 10),
    ("s1", "slow"): ([10, 20, 30], 1.0, 0.2, 100),
    ("s2", "slow"): ([30, 40, 50], 1.0, 0.2, None),  # written before n_parameters existed
    ("s1", "lost"): ([20, 20, 20], 1.0, 0.3, 50),
    ("s2", "lost"): ([None, 20, 20], 1.0, 0.3, 50),  # seed 0 failed
}
SKILL = {"fast": 1.0, "slow": 3.0, "lost": 0.5}


@pytest.fixture
def out(tmp_path):
    cells = tmp_path / "cells"
    cells.mkdir()
    for (system, forecaster), (fits, forecast, compile_, stored) in SECONDS.items():
        for seed, fit in enumerate(fits):
            result = dict(vpt_lyap=SKILL[forecaster], forecast_seconds=forecast)
            if fit is None:
                result = dict(status="error", error="RuntimeError: boom", vpt_lyap=0.0)
            else:
                result["fit_seconds"] = float(fit)
                if stored is not None:
                    result["n_parameters"] = stored
            row = _rows.make_row(
                run_id=f"{system}-{forecaster}-{seed}",
                system=f"{system}-v1",
                forecaster=f"{forecaster}-v1",
                task="rich",
                seed=seed,
                protocol_version=5,
                hyperparameters={},
                dt=0.01,
                max_lyapunov=0.9,
                result={"status": "ok", **result},
                compile_seconds=compile_,
            ).columns()
            (cells / f"{row['run_id']}.json").write_text(json.dumps(row))
    return tmp_path


def _by(frame, **keys):
    mask = np.ones(len(frame), dtype=bool)
    for key, value in keys.items():
        mask &= frame[key] == value
    assert mask.sum() == 1, keys
    return frame[mask].iloc[0]


def test_cost_columns_of_by_system_and_the_leaderboard(out):
    rows = lb.load_rows(out)
    table = lb.by_system(rows)
    r = _by(table, system="s1-v1", forecaster="fast-v1")
    assert (r.fit_seconds_median, r.forecast_seconds_median) == (2.0, 0.5)
    assert (r.compile_seconds_median, r.cost_seconds_median) == (0.1, 2.5)
    assert r.n_parameters_median == 10
    r = _by(table, system="s2-v1", forecaster="slow-v1")
    assert r.cost_seconds_median == 41.0 and math.isnan(r.n_parameters_median)
    r = _by(table, system="s2-v1", forecaster="lost-v1")  # the failure has no cost
    assert r.cost_seconds_median == 21.0 and r.forecast_seconds_median == 1.0
    board = lb.leaderboard(table, rows).set_index("forecaster")
    cost = board["cost_seconds_median"].to_dict()
    assert cost == {"fast-v1": 3.5, "slow-v1": 31.0, "lost-v1": 21.0}
    assert board["n_parameters_median"].to_dict() == {"fast-v1": 10, "slow-v1": 100, "lost-v1": 50}
    assert board.loc["fast-v1", "forecast_seconds_median"] == 0.5
    assert board.loc["lost-v1", "compile_seconds_median"] == 0.3
    front = front_of(board.reset_index()).to_numpy()
    assert dict(zip(board.index, front)) == {"slow-v1": True, "fast-v1": True, "lost-v1": False}


def test_cost_is_never_a_score(out):
    rows = lb.load_rows(out)
    assert not {"n_parameters", "fit_seconds", "forecast_seconds"} & set(lb.metric_columns(rows))


def test_the_figure_and_the_cost_table_are_written(out):
    paths = lb.write_leaderboard(out)
    figure = out / "skill_cost_rich.png"
    assert paths["skill_cost_rich"] == figure and figure.read_bytes().startswith(PNG)
    text = paths["markdown"].read_text()
    assert "![skill versus cost, task rich](skill_cost_rich.png)" in text
    table = text[text.index("| forecaster | fit s | forecast s") :].split("\n\n")[0]
    assert table.startswith("| forecaster | fit s | forecast s | forecast s / window | compile s")
    lines = table.splitlines()[2:]
    assert [line.split("|")[1].strip() for line in lines] == ["`slow-v1`", "`fast-v1`", "`lost-v1`"]
    assert lines[0].endswith("| 31 | 100 | ◆ |") and lines[2].endswith("| 21 | 50 |  |")
    page = paths["html"].read_text()
    assert 'id="cost-body"' in page and '"skill_cost":{"rich":"data:image/png;base64,' in page
    # the same rows give the same bytes
    board = pd.read_csv(paths["leaderboard"])
    assert skill_cost_figure(board, None) == skill_cost_figure(board, None)


def test_a_table_without_cost_columns_has_no_cost_lines():
    board = pd.DataFrame({"task": ["rich"], "forecaster": ["a-v1"], "vpt_lyap_median": [1.0]})
    assert cost_lines(board, fmt, marked) == []


def test_forecast_seconds_per_test_window(tmp_path):
    """A row's forecast seconds over its test windows: as many as its per-window values
    (4 here), else the protocol's n_test (20); the median over seeds, then systems."""
    cells = tmp_path / "cells"
    cells.mkdir()
    windows = {0: json.dumps([1.0, 2.0, 3.0, 4.0]), 1: json.dumps([1.0] * 4), 2: None}
    for seed, stored in windows.items():
        extra = {"vpt_lyap_windows": stored} if stored else {}
        row = make_row(
            "s1-v1", "zs-v1", seed, run_id=f"zs-{seed}", fit_seconds=0.01,
            forecast_seconds=2.0 * (seed + 1), vpt_lyap=1.0, **extra,
        ).columns()  # fmt: skip
        (cells / f"{row['run_id']}.json").write_text(json.dumps(row))
    rows = lb.load_rows(tmp_path)
    assert sorted(window_count(rows)) == [4.0, 4.0, 20.0]
    table = lb.by_system(rows)
    # per window: 2 / 4, 4 / 4, 6 / 20 -> median 0.5
    assert _by(table, forecaster="zs-v1").forecast_seconds_per_window_median == 0.5
    board = lb.leaderboard(table, rows)
    assert board.loc[0, "forecast_seconds_per_window_median"] == 0.5
    no_windows = pd.DataFrame({"forecast_seconds": [1.0]})
    assert window_count(no_windows).tolist() == [20.0]  # cb.Protocol().n_test
    assert cb.Protocol().n_test == 20
