"""Curves across the task grid on hand-made rows: which tasks make which curve, their x,
medians and intervals (the leaderboard's), the on-attractor rate, the figures, the
Markdown section, and refused cells kept out of every aggregate."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import chaosbench as cb
from chaosbench.numerics import _rows
from chaosbench.numerics._rows import refused_result, registered_metrics
from chaosbench.reporting import _leaderboard as lb
from helpers import make_row

STAMP = {"chaosbench_version": "0.0.0", "git_commit": "abc", "suite": "curves", "cpu": "x"}
SYSTEMS = ("lorenz63-v1", "rossler-v1", "lorenz96-v1")
# per task: VPT of forecaster a and b (the same on every system and seed, + seed / 10)
VPT = {
    "rich": (4.0, 2.0),
    "limited": (1.0, 1.5),
    "train=5lyap": (0.5, 1.0),
    "train=50lyap": (3.0, 1.8),
    "train=10000,noise=0.01": (3.0, 1.9),
    "noisy": (1.0, 1.5),
    "observe=one": (2.0, 0.5),
    "context=17periods": (4.2, 2.5),
    "context=1periods": (3.0, None),  # b refuses it (a context too short for it)
}


def _rows_for(task: str, system: str, forecaster: str, vpt: float | None) -> list:
    facts = cb.get_facts(cb.get_system(system))
    dt, lam = facts["dt"], facts["max_lyapunov"]
    old = task == "rich"  # rows written before the grid: no resolved-task columns
    columns = {} if old else cb.Protocol().resolve(task, facts).columns()
    rows = []
    for seed in range(3):
        run_id = f"{system}-{forecaster}-{task}-{seed}"
        if vpt is None:
            message = f"{forecaster} needs a context of at least 200 steps; task {task} gives 100"
            result = {**refused_result(message, registered_metrics(), seed), **columns}
            rows.append(
                _rows.make_row(
                    run_id=run_id,
                    system=system,
                    forecaster=forecaster,
                    task=task,
                    seed=seed,
                    protocol_version=5,
                    hyperparameters={},
                    dt=dt,
                    max_lyapunov=lam,
                    result=result,
                    stamp=STAMP,
                )
            )
            continue
        value = vpt + seed / 10
        on = forecaster == "a-v1" or seed == 0  # b: one run in three on the attractor
        rows.append(
            make_row(
                system,
                forecaster,
                seed,
                run_id=run_id,
                task=task,
                protocol_version=5,
                dt=dt,
                max_lyapunov=lam,
                stamp=STAMP,
                long_run="on_attractor" if on else "off_attractor",
                fit_seconds=1.0,
                forecast_seconds=0.5,
                vpt_lyap=value,
                vpt_lyap_windows=json.dumps([value] * 4),
                vpt_lyap_censored=0,
                d_stsp=1.0,
                d_stsp_norm=2.0 if on else 50.0,
                d_h=0.1,
                d_h_norm=1.5,
                **columns,
            )
        )
    return rows


def _write(out, tasks) -> None:
    (out / "cells").mkdir(parents=True, exist_ok=True)
    for task in tasks:
        for system in SYSTEMS:
            for forecaster, vpt in zip(("a-v1", "b-v1"), VPT[task]):
                for row in _rows_for(task, system, forecaster, vpt):
                    columns = row.columns()
                    path = out / "cells" / f"{columns['run_id']}.json"
                    path.write_text(json.dumps(columns))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("curves")
    _write(out, VPT)
    return out, lb.write_leaderboard(out)


def test_each_curve_holds_its_grid_points(written):
    out, paths = written
    curves = pd.read_csv(paths["curves"])
    points = {c: list(dict.fromkeys(g["task"])) for c, g in curves.groupby("curve", sort=False)}
    assert points == {
        "data": ["train=5lyap", "train=50lyap"],  # stated in t_λ: rich and limited left out
        "noise": ["rich", "train=10000,noise=0.01", "noisy"],
        "observed": ["rich", "observe=one"],
        "context": ["context=1periods", "rich", "context=17periods"],
    }
    x = curves.drop_duplicates(["curve", "task"]).set_index(["curve", "task"])["x"]
    assert x[("data", "train=50lyap")] == 50 and x[("noise", "noisy")] == 0.05
    assert x[("observed", "observe=one")] == 1 and x[("observed", "rich")] == 0
    assert x[("context", "rich")] == pytest.approx(5.0)  # 500 steps, from the facts
    assert x[("context", "context=17periods")] == 17


def test_curve_points_are_the_leaderboards_numbers(written):
    _, paths = written
    curves = pd.read_csv(paths["curves"])
    board = pd.read_csv(paths["leaderboard"])
    for _, point in curves.iterrows():
        (same,) = board[(board.task == point.task) & (board.forecaster == point.forecaster)].index
        for column in ("vpt_lyap_median", "vpt_lyap_ci_low", "vpt_lyap_ci_high", "systems"):
            assert point[column] == board.loc[same, column], (point.task, column)
    a = curves[(curves.curve == "data") & (curves.forecaster == "a-v1")]
    assert list(a["vpt_lyap_median"]) == [0.6, 3.1]  # the median seed's value on each system
    b = curves[(curves.curve == "noise") & (curves.forecaster == "b-v1")]
    assert np.allclose(b["on_attractor_rate"], 1 / 3)
    low, high = b[["on_attractor_rate_ci_low", "on_attractor_rate_ci_high"]].iloc[0]
    assert low == pytest.approx(1 / 3, rel=1e-5) == high  # every system alike: a point


def test_refused_cells_are_listed_and_left_out_of_every_aggregate(written):
    out, paths = written
    curves = pd.read_csv(paths["curves"])
    at_one_period = curves[curves.task == "context=1periods"]
    assert list(at_one_period.forecaster) == ["a-v1"]  # b refused: no point, not a zero
    refusals = pd.read_csv(paths["refusals"])
    assert refusals[["task", "forecaster", "cells", "systems"]].values.tolist() == [
        ["context=1periods", "b-v1", 9, 3]
    ]
    board = pd.read_csv(paths["leaderboard"])
    assert not ((board.task == "context=1periods") & (board.forecaster == "b-v1")).any()
    assert (board["failures"] == 0).all()
    runs = pd.read_csv(paths["runs"])
    assert (runs["status"] == "refused").sum() == 9


def test_a_figure_and_a_markdown_section_per_curve(written):
    out, paths = written
    for curve in ("data", "noise", "observed", "context"):
        image = out / f"curve_{curve}.png"
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", curve
    text = paths["markdown"].read_text()
    assert "## Curves across the task grid" in text and "## Refused cells" in text
    assert "### Data efficiency: skill against training length" in text
    assert "![Data efficiency: skill against training length](curve_data.png)" in text
    assert "| 5 t_λ (`train=5lyap`) | 50 t_λ (`train=50lyap`) |" in text


def test_no_curve_without_two_points_and_stale_files_removed(tmp_path):
    _write(tmp_path, ["rich", "observe=one"])
    paths = lb.write_leaderboard(tmp_path)
    assert "curves" in paths and (tmp_path / "curve_observed.png").exists()
    for path in (tmp_path / "cells").glob("*observe=one*"):
        path.unlink()
    paths = lb.write_leaderboard(tmp_path)
    assert "curves" not in paths and not (tmp_path / "curves.csv").exists()
    assert not (tmp_path / "curve_observed.png").exists()
    assert "Curves across" not in paths["markdown"].read_text()


def test_a_forecaster_with_one_point_on_a_curve_is_left_out_of_it(tmp_path):
    _write(tmp_path, ["rich", "observe=one"])
    for system in SYSTEMS:  # c ran the rich task alone (another curve's suite)
        for row in _rows_for("rich", system, "c-v1", 3.0):
            columns = row.columns()
            (tmp_path / "cells" / f"{columns['run_id']}.json").write_text(json.dumps(columns))
    paths = lb.write_leaderboard(tmp_path)
    board = pd.read_csv(paths["leaderboard"])
    assert "c-v1" in set(board.forecaster)  # a row of the rich task, on the board
    curves = pd.read_csv(paths["curves"])
    assert set(curves.forecaster) == {"a-v1", "b-v1"}  # but no line of one point


def test_a_forecaster_has_one_colour_in_every_figure(written, tmp_path, monkeypatch):
    from chaosbench.reporting import _curves

    out, paths = written
    curves = pd.read_csv(paths["curves"])
    curves = curves[~((curves.curve == "data") & (curves.forecaster == "a-v1"))]  # b alone
    figures = []
    monkeypatch.setattr(_curves, "png_bytes", lambda fig, dpi: figures.append(fig) or b"")
    _curves.write_curve_figures(tmp_path, curves)
    colours = {}
    for fig in figures:
        for line in fig.axes[0].get_lines():
            colours.setdefault(line.get_label(), set()).add(line.get_color())
    assert set(colours) == {"a", "b"} and all(len(c) == 1 for c in colours.values())
