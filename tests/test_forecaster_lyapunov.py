"""λ̂ for every forecaster whose free run is bounded, and the finite rule of the λ error
(``metrics/_lyapunov.py``; the estimator is ``chaosbench.numerics._two_trajectory``).

Protocol v5, issue 28: EDMD's λ̂ was NaN in 190 of its 244 bounded rows of the v4
catalogue (the window estimate measured EDMD restarted every segment, which overflows:
``forecasters/_koopman.py``), and analogues and climatology (λ̂ = −∞) scored an infinite
error, the same as a run that blew up.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench.base import _api
from chaosbench.numerics._tuning import with_values
from chaosbench.numerics._two_trajectory import (
    EXPLODE_FACTOR,
    forecaster_lyapunov,
    lyapunov_schedule,
    working_precision_d0,
)
from helpers import all_forecasters, small_lorenz_dataset

LAM = 0.9  # a λ_max for the hand cases


def _error(estimate, max_lyapunov=LAM) -> float:
    metric = cb.get_metric("lyap_rel_error")
    return float(metric.fn(jnp.asarray(estimate), jnp.asarray(max_lyapunov), None))


@pytest.mark.parametrize(
    ("estimate", "error"),
    [
        (-math.inf, 2.0),  # insensitive to its context: analogues, climatology
        (0.0, 1.0),  # persistence
        (-5 * LAM, 2.0),  # contracting: clipped at −λ_max
        (-LAM, 2.0),
        (-0.5 * LAM, 1.5),  # above −λ_max nothing is clipped
        (LAM, 0.0),
        (2 * LAM, 1.0),
    ],
)
def test_lyapunov_error_rule_on_hand_cases(estimate, error):
    assert _error(estimate) == pytest.approx(error, abs=1e-12)


def test_lyapunov_error_is_finite_and_at_most_two_below_lambda_and_keeps_nan():
    estimates = np.concatenate([-np.logspace(-3, 6, 50), np.linspace(0.0, LAM, 50), [-np.inf]])
    errors = np.asarray([_error(e) for e in estimates])
    assert np.isfinite(errors).all() and (errors >= 0).all() and (errors <= 2 + 1e-12).all()
    assert math.isnan(_error(math.nan))  # a diverged run is no estimate: the evaluator's failure


@pytest.fixture(scope="module")
def small():
    data, facts = small_lorenz_dataset()
    train = jnp.asarray(data.normalise(data.train))
    contexts = jnp.asarray(data.normalise(data.contexts))
    return data, facts, train, contexts


def _edmd(small, **values):
    data, facts, train, contexts = small
    edmd = with_values(cb.get_forecaster("edmd"), values)
    (fitted,), _ = cb.fit_seeds(edmd, train, [0])
    radius = float(np.max(np.abs(np.linalg.eigvals(np.asarray(fitted.koopman, np.float64)))))
    return edmd, fitted, math.log(radius) / data.spec.dt


def test_edmd_exponent_is_its_koopman_matrix_spectral_radius(small):
    """EDMD's state is its lifted feature vector ψ, which its window does not fix: the
    forecast continued from the window after 16 steps is not the forecast's next 16 steps.
    Estimated on ψ (its state API), λ̂ has a known answer: ψ ↦ ψK is linear, so its largest
    exponent is ``log ρ(K) / Δ`` (ρ the spectral radius), and it does not depend on the size
    of the perturbation. With v3's ridge (1e-4) on this small data set (2,000 points) K has
    an unstable mode (ρ ≈ 1.003 a step, λ ≈ 0.27), so the free run grows without bound:
    over 16 t_λ it is still within the evaluator's 100 σ and λ̂ matches ρ; over the
    evaluator's 64 t_λ it leaves 100 σ and λ̂ is NaN, the diverged free run the evaluator
    records as a failure."""
    data, facts, _, contexts = small
    edmd, fitted, expected = _edmd(small, ridge=1e-4)
    context = contexts[0]
    whole = edmd.forecast(fitted, context, 32)
    window = jnp.concatenate([context, whole[:16]])[-context.shape[0] :]
    assert float(jnp.max(jnp.abs(edmd.forecast(fitted, window, 16) - whole[16:]))) > 0.1
    assert cb.has_state(edmd)
    dt, lam = data.spec.dt, facts["max_lyapunov"]
    assert 0.1 < expected < lam  # an unstable mode, slower than the system's
    short = lyapunov_schedule(dt, lam, 0, total_lyapunov_times=16.0)
    lyap = forecaster_lyapunov(edmd, fitted, context, dt=dt, **short)
    # a finite-time estimate: the next mode (|μ| ≈ 1.0012 a step) fades against the
    # dominant one only as exp(−0.14 t), over 16 t_λ ≈ 18 time units
    assert lyap == pytest.approx(expected, rel=0.2)
    # linear in ψ: a 64× larger perturbation gives the same λ̂ (the default one is above
    # the rounding noise of ψK: `STATE_UNIT`)
    d0 = 64 * working_precision_d0(edmd, fitted, context)
    larger = forecaster_lyapunov(edmd, fitted, context, dt=dt, d0=d0, **short)
    assert lyap == pytest.approx(larger, rel=1e-3)
    full = lyapunov_schedule(dt, lam, 0)
    steps = full["steps_per_segment"] * (full["n_segments"] + full["transient_segments"])
    assert float(jnp.max(jnp.abs(edmd.forecast(fitted, context, steps)))) > EXPLODE_FACTOR
    assert math.isnan(forecaster_lyapunov(edmd, fitted, context, dt=dt, **full))


def test_edmd_at_its_defaults_is_bounded_and_its_exponent_is_near_zero(small):
    """At its defaults (ridge 1e-2) K has no unstable mode (ρ ≈ 1: the constant feature),
    so over the evaluator's schedule λ̂ is finite and within 2 % of λ_max of
    ``log ρ(K) / Δ`` ≈ 0, and the λ error rule scores it about 1 (no positive exponent)."""
    data, facts, _, contexts = small
    edmd, fitted, expected = _edmd(small)
    dt, lam = data.spec.dt, facts["max_lyapunov"]
    assert abs(expected) < 0.01 * lam
    full = lyapunov_schedule(dt, lam, 0)
    lyap = forecaster_lyapunov(edmd, fitted, contexts[0], dt=dt, **full)
    assert math.isfinite(lyap) and abs(lyap - expected) < 0.02 * lam
    assert _error(lyap, lam) == pytest.approx(1.0, abs=0.03)


# λ̂ known exactly: no positive exponent, scored by the finite rule
EXPECTED_ERROR = {"analogues-v1": 2.0, "climatology-v1": 2.0, "persistence-v1": 1.0}


@pytest.mark.parametrize("forecaster_id", all_forecasters)
def test_every_bounded_forecaster_has_an_exponent(forecaster_id, small):
    """At smoke size on Lorenz-63, on a short schedule (8 Lyapunov times): a forecaster
    whose free run stays finite and within ``EXPLODE_FACTOR`` stds for as long as the
    estimate runs gets a λ̂ that is not NaN and a finite error. A forecaster without the
    state API must be continued by its own window (the window estimate's premise)."""
    data, facts, train, contexts = small
    cls = _api.forecasters.get(forecaster_id)
    forecaster = cls(**cls.smoke_hyperparameters)
    (fitted,), _ = cb.fit_seeds(forecaster, train, [0])
    context = contexts[0]
    dt, lam = data.spec.dt, facts["max_lyapunov"]
    window = 0 if cb.has_state(forecaster) else context.shape[0]
    schedule = lyapunov_schedule(
        dt, lam, window, total_lyapunov_times=8, transient_lyapunov_times=2
    )
    steps = schedule["steps_per_segment"] * (
        schedule["n_segments"] + schedule["transient_segments"]
    )
    free = np.asarray(cb.forecast_windows(forecaster, fitted, contexts[:1], steps))[0]
    bounded = bool(np.isfinite(free).all() and np.abs(free).max() <= EXPLODE_FACTOR)
    if not cb.has_state(forecaster):
        moved = jnp.concatenate([context, free[:16]])[-context.shape[0] :]
        again = cb.forecast_windows(forecaster, fitted, moved[None], 16)[0]
        np.testing.assert_allclose(again, free[16:32], rtol=1e-6, atol=1e-9)
    lyap = forecaster_lyapunov(forecaster, fitted, context, dt=dt, **schedule)
    if bounded:
        assert not math.isnan(lyap)
        assert math.isfinite(_error(lyap, lam))
    if forecaster_id in EXPECTED_ERROR:
        assert _error(lyap, lam) == pytest.approx(EXPECTED_ERROR[forecaster_id], abs=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("system", ["lorenz63", "rossler"])
def test_the_reservoirs_carried_state_estimate_equals_the_window_estimate(system):
    """The ESN's λ̂ from its carried reservoir state (the state API: no context re-driven
    through the reservoir every segment) against the estimate from ``forecast`` on a
    window (the reservoir re-driven by the whole context at every segment, the cost the
    state API removes): equal within the noise of either (their spread over 4 test
    contexts) on Lorenz-63 and Rössler. The reservoir is v2's (ρ 0.6, leak 0.7, σ 0.8,
    bias 0.2, ridge 1e-10): the defaults' (ρ 0.1, leak 0.3) free runs diverge on Rössler,
    which leaves no exponent to compare."""
    from chaosbench.numerics._tuning import with_values
    from chaosbench.numerics._two_trajectory import two_trajectory_lyapunov

    data, facts = small_lorenz_dataset(n_train=5000, n_test=4, system=system)
    reservoir = dict(spectral_radius=0.6, leak=0.7, input_scale=0.8, bias_scale=0.2, ridge=1e-10)
    model = with_values(cb.get_forecaster("esn"), reservoir)
    fitted = model.fit(jax.random.PRNGKey(0), jnp.asarray(data.normalise(data.train)))
    carried = lyapunov_schedule(facts["dt"], facts["max_lyapunov"], context_length=0)
    window = lyapunov_schedule(facts["dt"], facts["max_lyapunov"], context_length=500)
    states, windows = [], []
    for context in data.normalise(data.contexts):
        context = jnp.asarray(context)
        states.append(forecaster_lyapunov(model, fitted, context, dt=facts["dt"], **carried))
        result = two_trajectory_lyapunov(
            lambda c, steps: model.forecast(fitted, c, steps),
            context,
            dt=facts["dt"],
            d0=working_precision_d0(model, fitted, context),
            **window,
        )
        windows.append(float(result.exponent))
    states, windows = np.array(states), np.array(windows)
    assert np.isfinite(states).all() and np.isfinite(windows).all(), (states, windows)
    noise = np.hypot(states.std(ddof=1), windows.std(ddof=1)) / 2  # SE of the difference
    assert abs(states.mean() - windows.mean()) <= 3 * noise + 0.02 * abs(windows.mean())
