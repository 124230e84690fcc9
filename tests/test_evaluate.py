"""Protocol v4: short-term skill from the test windows alone, long-run stability apart.

A window that blows up has infinite error from that step on; a free run that blows up is
``long_run = diverged`` with the worst long-term scores and never changes a short-term
score; at table level, a diverged free run never lowers a forecaster's VPT.
"""

import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench.numerics import _evaluate
from chaosbench.reporting import _leaderboard as lb
from chaosbench.reporting._markdown import ORDER_SENTENCE
from helpers import small_lorenz_dataset

METRICS = [cb.get_metric(m) for m in cb.list_metrics() if cb.get_metric(m).kind != "lyapunov"]
HORIZON = 256


@pytest.fixture(scope="module")
def lorenz():
    return small_lorenz_dataset(n_train=1000, n_test=4, horizon=HORIZON)


_scoring = _evaluate.scoring_facts  # how the scorer builds them


class ExactThenBlowUp(cb.AbstractForecaster):
    """Knows the test windows: exact for ``k`` steps of each, then 10⁶ (z-scored) forever
    after; its free run (longer than a window) therefore blows up too."""

    truths: jnp.ndarray
    last_context_states: jnp.ndarray
    k: int = 40

    def fit(self, key, train):
        del key, train
        return ()

    def forecast(self, fitted, context, steps: int):
        del fitted
        window = jnp.argmin(jnp.sum((self.last_context_states - context[-1]) ** 2, axis=-1))
        truth = self.truths[window]
        exact = truth[: min(self.k, steps)]
        return jnp.concatenate([exact, jnp.full((steps - exact.shape[0], truth.shape[1]), 1e6)])


def test_blow_up_after_accurate_windows_keeps_its_vpt(lorenz):
    data, facts = lorenz
    k = 40
    forecaster = ExactThenBlowUp(
        truths=jnp.asarray(data.normalise(data.truths)),
        last_context_states=jnp.asarray(data.normalise(data.contexts))[:, -1],
        k=k,
    )
    (row,) = cb.score(forecaster, data, facts, [0], METRICS)
    assert row["status"] == "ok"
    assert row["long_run"] == "diverged"
    assert row["vpt_lyap"] == pytest.approx(k * data.spec.dt * facts["max_lyapunov"], rel=1e-12)
    assert row["d_stsp"] == np.inf and row["d_h"] == 1.0
    steps_per_lyap = 1 / (data.spec.dt * facts["max_lyapunov"])
    checked = 0
    for h in (0.5, 1.0, 2.0, 5.0):
        if k + 1 < h * steps_per_lyap < HORIZON:  # after the blow-up, inside the window
            assert row[f"nrmse_h{h:g}"] == np.inf
            checked += 1
    assert checked


def test_a_window_that_turns_non_finite_has_infinite_error_from_that_step(lorenz):
    data, facts = lorenz
    scoring = _scoring(data, facts)
    z = np.asarray(data.normalise(data.truths), dtype=float).copy()  # perfect forecasts
    j = 30
    z[:, j, 0] = np.nan  # every window turns non-finite at step j (one coordinate)
    z[:, j + 5 :, :] = 0.0  # ... and "recovers": the error stays infinite regardless
    long = np.asarray(data.normalise(data.long), dtype=float)
    row = _evaluate.score_forecasts(data, scoring, z, long, None, METRICS, facts["truth_floor"])
    lyap_per_step = data.spec.dt * facts["max_lyapunov"]
    assert row["vpt_lyap"] <= j * lyap_per_step + 1e-12
    assert row["vpt_lyap"] == pytest.approx(j * lyap_per_step)
    for h in (0.5, 1.0):  # horizons after step j, inside the window
        assert j < h / lyap_per_step < HORIZON
        assert row[f"nrmse_h{h:g}"] == np.inf
        assert 0 < row[f"smape_h{h:g}"] <= 200.0
    assert row["long_run"] == "on_attractor" and row["d_stsp"] == 0.0


def test_blow_up_to_inf_marks_every_later_step():
    z = np.zeros((2, 6, 2))
    z[0, 2, 1] = np.inf
    z[1, 4, 0] = 500.0  # beyond the explode factor
    out = _evaluate.blow_up_to_inf(z)
    assert np.isinf(out[0, 2:]).all() and (out[0, :2] == 0).all()
    assert np.isinf(out[1, 4:]).all() and (out[1, :4] == 0).all()


def test_a_diverged_free_run_never_lowers_vpt_in_the_tables(tmp_path):
    """Two forecasters with the same windows: one's free run stays, the other's blows up.
    Their VPT in by_system.csv and leaderboard.csv is the same."""
    cells = tmp_path / "cells"
    cells.mkdir()
    import json

    rows = []
    for system in ("lorenz63-v1", "rossler-v1"):
        for forecaster, long_run in (("stable_one-v1", "stable"), ("blowing_one-v1", "diverged")):
            for seed in (0, 1):
                rows.append(
                    {
                        "run_id": f"{system}-{forecaster}-{seed}".replace(".", ""),
                        "system": system,
                        "forecaster": forecaster,
                        "task": "rich",
                        "seed": seed,
                        "status": "ok",
                        "long_run": long_run,
                        "error": "",
                        "fit_seconds": 1.0,
                        "forecast_seconds": 1.0,
                        "compile_seconds": 0.0,
                        "protocol_version": 4,
                        "system_version": 1,
                        "forecaster_version": 1,
                        "vpt_lyap": 3.0 + seed,
                        "d_stsp": 0.5 if long_run == "stable" else np.inf,
                        "d_h": 0.1 if long_run == "stable" else 1.0,
                    }
                )
    for row in rows:
        (cells / f"{row['run_id']}.json").write_text(json.dumps(row))
    lb.write_leaderboard(tmp_path)
    import pandas as pd

    by_system = pd.read_csv(tmp_path / "by_system.csv")
    board = pd.read_csv(tmp_path / "leaderboard.csv").set_index("forecaster")
    for system, group in by_system.groupby("system"):
        vpt = group.set_index("forecaster")["vpt_lyap_median"]
        assert vpt["blowing_one-v1"] == vpt["stable_one-v1"] == 3.5
    assert (
        board.loc["blowing_one-v1", "vpt_lyap_median"]
        == board.loc["stable_one-v1", "vpt_lyap_median"]
    )
    assert board.loc["blowing_one-v1", "long_run_diverged"] == 4
    assert board.loc["stable_one-v1", "long_run_diverged"] == 0
    assert board.loc["blowing_one-v1", "failures"] == 0
    markdown = (tmp_path / "leaderboard.md").read_text()
    assert ORDER_SENTENCE in markdown
