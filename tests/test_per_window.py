"""Per-window headline scores: the nested bootstraps (seeds × windows; systems × seeds ×
windows), censoring at the horizon, the VPT in dominant periods, and the windows' way
through rows, the store and the tables (protocol v5, issue 28, parts 4 and 8)."""

import json
import math

import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytest

import chaosbench as cb
from chaosbench.harness._store import load_rows, write_rows
from chaosbench.numerics import _statistics as st
from chaosbench.numerics._evaluate import score_forecasts
from chaosbench.numerics._rows import Row, headline_metric, metric_columns
from chaosbench.reporting import _leaderboard as lb
from chaosbench.reporting._page_data import page_data
from chaosbench.reporting._windows import window_values
from helpers import make_row, small_lorenz_dataset

HORIZON = 64
STAMP = {"suite": "hand", "stack": "python=3.11"}


@pytest.fixture
def tmp_path(tmp_path):
    (tmp_path / "cells").mkdir()
    return tmp_path


# --------------------------------------------------------------------------- bootstraps


def test_constant_values_collapse_every_interval():
    assert st.nested_bootstrap_ci([[2.0] * 20] * 3, "k") == (2.0, 2.0)
    assert st.three_level_bootstrap_ci([[[2.0] * 20] * 3] * 5, "k") == (2.0, 2.0)


def test_windows_that_vary_widen_an_interval_the_seeds_alone_would_collapse():
    """Three seeds, each with windows 1, 2, 3: every row's median is 2, so the bootstrap
    over seeds gives (2, 2). Resampling the windows too, a seed's median is 1 with
    probability 7/27 (two or three of its three draws are 1), and the median over three
    seeds is 1 with probability 3p²(1 − p) + p³ ≈ 0.17 > 2.5 %: the interval is (1, 3)."""
    seeds = [[1.0, 2.0, 3.0]] * 3
    assert st.bootstrap_ci([2.0, 2.0, 2.0], "k") == (2.0, 2.0)
    assert st.nested_bootstrap_ci(seeds, "k") == (1.0, 3.0)
    assert st.nested_median(seeds, 2) == 2.0


def test_seeds_that_vary_with_constant_windows_give_the_seeds_interval():
    # windows all alike within a seed: the interval of the median over seeds 1, 2, 3
    assert st.nested_bootstrap_ci([[1.0] * 20, [2.0] * 20, [3.0] * 20], "k") == (1.0, 3.0)
    # systems 1, 2, 3 with constant seeds and windows: the interval over systems
    systems = [[[v] * 4] * 3 for v in (1.0, 2.0, 3.0)]
    assert st.three_level_bootstrap_ci(systems, "k") == (1.0, 3.0)
    assert st.nested_median(systems, 3) == 2.0


def test_a_failed_seed_counts_as_its_one_value_in_every_window():
    """A failure stored without windows (VPT 0) beside two seeds of VPT 5: the median is
    5, and the median over three drawn seeds is 0 when two or three draws are the failure
    (7/27 > 2.5 %): the interval is (0, 5)."""
    seeds = [[0.0], [5.0] * 20, [5.0] * 20]
    assert st.nested_median(seeds, 2) == 5.0
    assert st.nested_bootstrap_ci(seeds, "k") == (0.0, 5.0)


def test_nan_values_and_empty_groups_are_dropped():
    assert st.nested_bootstrap_ci([[2.0, math.nan], [], [2.0]], "k") == (2.0, 2.0)
    assert all(math.isnan(v) for v in st.nested_bootstrap_ci([[math.nan]], "k"))
    assert all(math.isnan(v) for v in st.three_level_bootstrap_ci([], "k"))


def test_a_seed_drawn_twice_gets_independent_draws_of_its_windows():
    """Two identical seeds with windows 0 and 1: each drawn seed's median is 0, 0.5 or 1
    with probabilities 1/4, 1/2, 1/4, and the median of two is 0 with probability 1/16 if
    the two draws are independent (5/32 if a seed drawn twice reused one draw)."""
    medians = st.nested_bootstrap_medians([[0.0, 1.0], [0.0, 1.0]], 2, st._rng("k"), n=20_000)
    assert np.mean(medians == 0.0) == pytest.approx(1 / 16, abs=0.006)
    assert np.mean(medians == 0.5) == pytest.approx(6 / 16, abs=0.012)  # 0+1, ½+½, 1+0
    # one level: the flat bootstrap of the windows
    medians = st.nested_bootstrap_medians([0.0, 1.0], 1, st._rng("k"), n=20_000)
    assert np.mean(medians == 0.5) == pytest.approx(0.5, abs=0.012)


def test_the_same_key_gives_the_same_draws_and_another_key_others():
    rng = np.random.default_rng(0)
    systems = [[rng.normal(size=20) for _ in range(3)] for _ in range(7)]
    first = st.three_level_bootstrap_ci(systems, "rich", "a-v1", "vpt_lyap")
    assert st.three_level_bootstrap_ci(systems, "rich", "a-v1", "vpt_lyap") == first
    same = st.nested_bootstrap_medians(systems, 3, st._rng("rich", "a-v1"))
    again = st.nested_bootstrap_medians(systems, 3, st._rng("rich", "a-v1"))
    other = st.nested_bootstrap_medians(systems, 3, st._rng("rich", "b-v1"))
    np.testing.assert_array_equal(same, again)
    assert not np.array_equal(same, other)
    low, high = first
    assert low <= st.nested_median(systems, 3) <= high


# --------------------------------------------------------------------------- scoring


def _facts(dt=0.01, lam=0.9, period=0.75, dim=3):
    return cb.ScoringFacts(
        dt=jnp.asarray(dt),
        max_lyapunov=jnp.asarray(lam),
        period=jnp.asarray(period),
        mean=jnp.zeros(dim),
        std=jnp.ones(dim),
    )


def test_vpt_in_periods_is_vpt_in_lyapunov_times_over_lambda_times_period():
    facts = _facts()
    truth = jnp.zeros((100, 3))
    forecast = truth.at[37:].set(1.0)  # error 1 > 0.5 from step 37 on
    lyap = float(cb.get_metric("vpt_lyap").fn(forecast, truth, facts))
    periods = float(cb.get_metric("vpt_periods").fn(forecast, truth, facts))
    assert lyap == pytest.approx(37 * 0.01 * 0.9, rel=1e-12)
    assert periods == pytest.approx(37 * 0.01 / 0.75, rel=1e-12)
    assert periods == pytest.approx(lyap / (0.9 * 0.75), rel=1e-12)
    assert float(facts.periods_per_step) == pytest.approx(0.01 / 0.75)


def test_vpt_in_periods_is_registered_after_the_headline():
    metric = cb.get_metric("vpt_periods")
    assert (metric.kind, metric.direction, metric.unit, metric.label) == (
        "short",
        "higher",
        "periods",
        "VPT (periods)",
    )
    assert not metric.headline and headline_metric().column == "vpt_lyap"
    assert "vpt_periods" in metric_columns(["vpt_periods", "vpt_lyap_windows"])
    assert "vpt_lyap_windows" not in metric_columns(["vpt_periods", "vpt_lyap_windows"])


@pytest.fixture(scope="module")
def lorenz():
    data, facts = small_lorenz_dataset(n_train=500, n_test=3, horizon=HORIZON)
    scoring = cb.ScoringFacts(
        dt=jnp.asarray(data.spec.dt),
        max_lyapunov=jnp.asarray(facts["max_lyapunov"]),
        period=jnp.asarray(facts["period"]),
        mean=jnp.asarray(data.mean),
        std=jnp.asarray(data.std),
    )
    return data, facts, scoring


def _score(data, scoring, z_windows):
    metrics = [cb.get_metric("vpt_lyap"), cb.get_metric("vpt_periods")]
    z_long = np.zeros((8, z_windows.shape[-1]))
    return score_forecasts(data, scoring, z_windows, z_long, None, metrics)


def test_a_perfect_forecast_is_censored_in_every_window(lorenz):
    data, facts, scoring = lorenz
    row = _score(data, scoring, np.asarray(data.normalise(data.truths)))
    horizon = HORIZON * data.spec.dt * facts["max_lyapunov"]
    assert row["horizon_lyap"] == pytest.approx(horizon, rel=1e-12)
    assert row["vpt_lyap"] == pytest.approx(horizon, rel=1e-12)
    assert row["vpt_lyap_censored"] == 3
    assert json.loads(row["vpt_lyap_windows"]) == [row["vpt_lyap"]] * 3
    assert row["vpt_periods"] == pytest.approx(HORIZON * data.spec.dt / facts["period"])
    assert "vpt_periods_windows" not in row  # the headline's only


def test_windows_that_diverge_at_known_steps_are_not_censored(lorenz):
    data, facts, scoring = lorenz
    z = np.array(data.normalise(data.truths))
    steps = (5, 20, 63)
    for window, k in enumerate(steps):
        z[window, k:] = 1e6  # blows up: infinite error from step k on
    row = _score(data, scoring, z)
    per_step = data.spec.dt * facts["max_lyapunov"]
    windows = json.loads(row["vpt_lyap_windows"])
    assert windows == pytest.approx([k * per_step for k in steps], rel=1e-12)
    assert row["vpt_lyap_censored"] == 0
    assert row["vpt_lyap"] == pytest.approx(20 * per_step, rel=1e-12)
    # one window valid to the end: one censored window, the row's median is not
    z[2] = np.asarray(data.normalise(data.truths))[2]
    row = _score(data, scoring, z)
    assert row["vpt_lyap_censored"] == 1 and row["vpt_lyap"] < row["horizon_lyap"]


# --------------------------------------------------------------------------- rows & tables


def _row(system, forecaster, seed, windows, censored=0, horizon=25.0, **more):
    return make_row(
        system,
        forecaster,
        seed,
        run_id=f"{system}-{forecaster}-{seed}",
        stamp=STAMP,
        long_run="stable",
        fit_seconds=1.0,
        forecast_seconds=0.5,
        vpt_lyap=float(np.median(windows)),
        vpt_lyap_windows=json.dumps([float(v) for v in windows]),
        vpt_lyap_censored=censored,
        horizon_lyap=horizon,
        **more,
    )


def test_windows_round_trip_through_a_row_and_the_store(tmp_path):
    row = _row("s1-v1", "a-v1", 0, [1.0, 2.5, 1e-17], censored=1)
    assert row.diagnostics["vpt_lyap_windows"] == "[1.0, 2.5, 1e-17]"
    assert set(row.metrics) == {"vpt_lyap"}
    again = Row.from_columns(json.loads(json.dumps(row.columns())))
    assert (again.diagnostics, again.metrics) == (row.diagnostics, row.metrics)
    write_rows(tmp_path, [row], STAMP)
    rows = load_rows(tmp_path)
    assert rows["vpt_lyap_windows"].item() == row["vpt_lyap_windows"]
    assert [list(w) for w in window_values(rows, "vpt_lyap")] == [[1.0, 2.5, 1e-17]]
    assert rows["vpt_lyap_censored"].item() == 1 and rows["horizon_lyap"].item() == 25.0


def test_by_system_interval_resamples_the_windows(tmp_path):
    """Seeds alike (windows 1, 2, 3): the seeds-only interval would be (2, 2); with the
    windows it is (1, 3). Rows stored without windows fall back to the seeds."""
    rows = [_row("s1-v1", "a-v1", seed, [1.0, 2.0, 3.0]) for seed in range(3)]
    write_rows(tmp_path, rows, STAMP)
    table = lb.by_system(load_rows(tmp_path))
    r = table.iloc[0]
    assert (r.vpt_lyap_median, r.vpt_lyap_ci_low, r.vpt_lyap_ci_high) == (2.0, 1.0, 3.0)
    assert not r.vpt_lyap_censored and r.horizon_lyap == 25.0
    old = load_rows(tmp_path).drop(columns=["vpt_lyap_windows", "vpt_lyap_censored"])
    r = lb.by_system(old).iloc[0]
    assert (r.vpt_lyap_ci_low, r.vpt_lyap_ci_high) == (2.0, 2.0)
    assert not r.vpt_lyap_censored


def test_censored_medians_and_short_horizons_reach_the_tables(tmp_path):
    """On s1 (horizon 10 t_λ) `a` stays valid to the horizon in most windows of two seeds
    of three: its median is censored, printed "≥ 10"; `b` is censored in one seed only.
    On s2 (horizon 25) nobody is censored. leaderboard.md lists s1's short horizon."""
    rows = [
        _row("s1-v1", "a-v1", 0, [10.0, 10.0, 4.0], censored=2, horizon=10.0),
        _row("s1-v1", "a-v1", 1, [10.0, 10.0, 10.0], censored=3, horizon=10.0),
        _row("s1-v1", "a-v1", 2, [1.0, 2.0, 10.0], censored=1, horizon=10.0),
        _row("s1-v1", "b-v1", 0, [3.0, 10.0, 10.0], censored=2, horizon=10.0),
        _row("s1-v1", "b-v1", 1, [3.0, 4.0, 10.0], censored=1, horizon=10.0),
        _row("s1-v1", "b-v1", 2, [3.0, 4.0, 10.0], censored=1, horizon=10.0),
        *(_row("s2-v1", f, s, [1.0, 2.0, 3.0]) for f in ("a-v1", "b-v1") for s in range(3)),
    ]
    write_rows(tmp_path, rows, STAMP)
    paths = lb.write_leaderboard(tmp_path)
    table = pd.read_csv(paths["by_system"])
    censored = {(r.system, r.forecaster): r.vpt_lyap_censored for r in table.itertuples()}
    assert censored == {
        ("s1-v1", "a-v1"): True,
        ("s1-v1", "b-v1"): False,
        ("s2-v1", "a-v1"): False,
        ("s2-v1", "b-v1"): False,
    }
    s1 = table[table.system == "s1-v1"].set_index("forecaster")
    assert s1.loc["a-v1", "vpt_lyap_median"] == 10.0 and s1.loc["b-v1", "vpt_lyap_median"] == 4.0
    assert set(table["horizon_lyap"]) == {10.0, 25.0}
    text = paths["markdown"].read_text()
    assert "| `s1-v1` | a-v1 | ≥ 10 |" in text
    assert "| `s2-v1` | a-v1; b-v1 | 2 |" in text
    assert "end before 25 Lyapunov times (`rich`" in text and "`s1-v1` 10 t_λ." in text
    assert "`s2-v1` 25" not in text
    by_system = page_data(tmp_path)["by_system"]  # the web page marks it too
    flags = [r[by_system["columns"].index("vpt_lyap_censored")] for r in by_system["rows"]]
    assert sorted(flags) == [False, False, False, True]
