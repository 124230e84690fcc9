"""Each metric on hand-computed cases."""

import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench import metrics as m
from chaosbench.numerics import _divergence


def _facts(dim=2, dt=0.01, lam=1.0, std=1.0, period=1.0):
    return cb.ScoringFacts(
        dt=jnp.asarray(dt),
        max_lyapunov=jnp.asarray(lam),
        period=jnp.asarray(period),
        mean=jnp.zeros(dim),
        std=jnp.full(dim, std),
    )


def _sines(freq, n=8192, dt=0.01):
    t = np.arange(n) * dt
    return np.stack([np.sin(2 * np.pi * freq * t), np.cos(2 * np.pi * freq * t)], axis=1)


def test_identical_trajectories():
    x = _sines(1.0, n=1000)
    facts = _facts()
    assert float(m.valid_prediction_time(x, x, facts)) == pytest.approx(1000 * 0.01)
    assert float(m.state_space_divergence(x, x, facts)) == pytest.approx(0.0, abs=1e-12)
    assert float(m.hellinger_spectrum_distance(x, x, facts)) == pytest.approx(0.0, abs=1e-6)
    assert float(m.nrmse_at(x, x, facts, horizon=1.0)) == 0.0


def test_constant_offset_gives_known_nrmse():
    x = _sines(1.0, n=1000)
    facts = _facts(std=2.0)
    # offset 0.6 in both dimensions, std 2 -> normalised error sqrt(mean(0.3²)) = 0.3
    assert float(m.nrmse_at(x + 0.6, x, facts, horizon=2.0)) == pytest.approx(0.3)
    assert float(m.valid_prediction_time(x + 0.6, x, facts)) == pytest.approx(10.0)
    assert float(m.valid_prediction_time(x + 1.2, x, facts)) == 0.0  # 0.6 > 0.5 at once


def test_vpt_counts_steps_before_threshold():
    truth = np.zeros((100, 1))
    forecast = np.zeros((100, 1))
    forecast[37:] = 1.0  # error 1 > 0.5 from step 37
    facts = _facts(dim=1, dt=0.1, lam=0.5)
    assert float(m.valid_prediction_time(forecast, truth, facts)) == pytest.approx(37 * 0.1 * 0.5)
    forecast[10] = np.nan
    assert float(m.valid_prediction_time(forecast, truth, facts)) == pytest.approx(10 * 0.05)


def test_smape_hand_case():
    truth = np.ones((10, 1))
    forecast = np.full((10, 1), 3.0)  # 200 |3 − 1| / (3 + 1) = 100
    facts = _facts(dim=1, dt=1.0, lam=1.0)
    assert float(m.smape_at(forecast, truth, facts, horizon=5.0)) == pytest.approx(100.0)


def test_far_apart_sines_have_hellinger_near_one():
    facts = _facts()
    d = float(m.hellinger_spectrum_distance(_sines(0.5), _sines(20.0), facts))
    assert d > 0.99


def test_binned_kl_hand_case():
    # truth uniform over two bins of a 2-bin grid; forecast all in the first bin
    truth = np.array([[0.0], [0.0], [1.0], [1.0]])
    forecast = np.array([[0.0], [0.0], [0.0], [0.0]])
    p = np.array([0.5, 0.5])
    a = _divergence.LAPLACE_ALPHA
    q = (np.array([4.0, 0.0]) + a) / (4 + 2 * a)
    p = (2 * p * 2 + a) / (4 + 2 * a)  # counts 2, 2 smoothed
    expected = np.sum(p * np.log(p / q))
    assert float(m.binned_kl(forecast, truth, n_bins=2)) == pytest.approx(expected, rel=1e-9)


def test_gmm_kl_zero_for_identical_and_positive_for_shifted():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 5))
    assert float(m.gmm_kl(x, x)) == pytest.approx(0.0, abs=1e-12)
    assert float(m.gmm_kl(x + 3.0, x)) > 1.0


def test_non_finite_forecast_scores_as_failure():
    x = _sines(1.0, n=500)
    bad = x.copy()
    bad[100] = np.nan
    facts = _facts()
    assert float(m.state_space_divergence(bad, x, facts)) == np.inf
    assert float(m.hellinger_spectrum_distance(bad, x, facts)) == 1.0


def test_registered_with_direction():
    assert cb.get_metric("vpt_lyap").direction == "higher"
    assert cb.get_metric("d_stsp").direction == "lower"
    assert cb.get_metric("d_stsp").kind == "long"
    assert {f"nrmse_h{h:g}-v1" for h in (0.5, 1, 2, 5)} <= set(cb.list_metrics())
