"""Benettin's two-trajectory estimate (chaosbench.numerics._two_trajectory): known answers.

The true system, integrated from the last context state, must give its own λ_max
(Lorenz-63: 0.9056, Sprott 2003 table A.1 / Viswanath 1998; the facts table: 0.902);
persistence gives 0 to rounding; x_{n+1} = a x_n gives log|a| / dt; a forecast that
ignores its context gives −inf; a run that turns non-finite gives NaN.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench.base import _forecaster
from chaosbench.numerics._integrate import IntegratorSettings, sample
from chaosbench.numerics._system_two_trajectory import system_lyapunov_batch
from chaosbench.numerics._two_trajectory import (
    forecaster_lyapunov,
    lyapunov_schedule,
    two_trajectory_lyapunov,
    working_precision_d0,
)
from helpers import small_lorenz_dataset

LORENZ_LAMBDA = 0.9056  # literature value (Viswanath 1998: 0.9056)
SETTINGS = IntegratorSettings(solver="tsit5", rtol=1e-9, atol=1e-9)
CONTEXT = 20  # the true flow reads only the last state: a short window keeps tests fast


def _true_flow_advance(system, facts):
    """A "forecaster" that integrates the system's own vector field from the last
    context state, in the z-scored units a forecaster sees."""
    mean, std = jnp.asarray(facts["mean"]), jnp.asarray(facts["std"])
    dt = jnp.asarray(facts["dt"])

    def advance(context, steps):
        y = context[-1] * std + mean
        ys = sample(system, y, jnp.zeros(()), dt, steps + 1, SETTINGS)[1:]
        return (ys - mean) / std

    return advance


def _true_flow_estimates(system_id, starts, total_lyapunov_times, transient=10):
    """λ̂ of the true flow from `starts` windows (constant windows at perturbed copies of
    the default initial condition; the transient puts them on the attractor)."""
    system = cb.get_system(system_id)
    facts = cb.get_facts(system)
    dt, lam = facts["dt"], facts["max_lyapunov"]
    mean, std = np.asarray(facts["mean"]), np.asarray(facts["std"])
    y0 = np.asarray(system.initial_condition)
    y0s = y0 + 1e-3 * np.random.default_rng(0).standard_normal((starts, y0.size))
    contexts = jnp.asarray(np.repeat(((y0s - mean) / std)[:, None], CONTEXT, axis=1))
    schedule = lyapunov_schedule(
        dt, lam, CONTEXT, total_lyapunov_times=total_lyapunov_times, transient_lyapunov_times=0
    )
    schedule["transient_segments"] += transient
    advance = _true_flow_advance(system, facts)
    estimate = jax.jit(
        jax.vmap(lambda c: two_trajectory_lyapunov(advance, c, dt=dt, d0=1e-8, **schedule))
    )
    return estimate(contexts), lam


def test_true_lorenz_flow_gives_its_lyapunov_exponent():
    result, _ = _true_flow_estimates("lorenz63-v1", starts=4, total_lyapunov_times=64)
    exponents = np.asarray(result.exponent)
    # Finite-time exponents of Lorenz-63 spread by ≈ 1.3 % over 300 t_λ (facts table and
    # `chaosbench confirm`), so ≈ 2.9 % over 64 t_λ for one start and
    # ≈ 1.5 % for the mean of four: 5 % is more than 3 standard errors.
    np.testing.assert_allclose(exponents.mean(), LORENZ_LAMBDA, rtol=0.05)
    np.testing.assert_allclose(exponents, LORENZ_LAMBDA, rtol=0.15)
    # Segments of one t_λ: the separation stays far inside the linear regime.
    assert float(result.log_growth.max()) < 8.0


@pytest.mark.slow
def test_true_rossler_flow_gives_its_lyapunov_exponent():
    # Rössler's finite-time exponents fluctuate more (λ·period = 0.41): average 4 × 128 t_λ
    # (single 128 t_λ runs spread by ±3 %).
    result, lam = _true_flow_estimates("rossler-v1", starts=4, total_lyapunov_times=128)
    np.testing.assert_allclose(float(np.mean(result.exponent)), lam, rtol=0.05)
    np.testing.assert_allclose(float(np.mean(result.exponent)), 0.0714, rtol=0.05)


def _estimate(advance, context, **kw):
    schedule = dict(dt=0.01, steps_per_segment=10, n_segments=20, transient_segments=3, d0=1e-8)
    return two_trajectory_lyapunov(advance, context, **{**schedule, **kw})


CONTEXT_WINDOW = jnp.asarray(np.random.default_rng(1).standard_normal((25, 3)))


def test_persistence_exponent_is_zero():
    def persistence(context, steps):
        return jnp.broadcast_to(context[-1], (steps, context.shape[1]))

    result = _estimate(persistence, CONTEXT_WINDOW)
    # After the transient every log(d/d0) is 0 up to rounding (d0 / |x| ≈ 1e-8 relative).
    assert abs(float(result.exponent)) < 1e-6
    np.testing.assert_allclose(np.asarray(result.log_growth[3:]), 0.0, atol=1e-7)


@pytest.mark.parametrize("a", [0.9, -0.8, 1.05])
def test_linear_map_exponent_is_log_a_over_dt(a):
    def linear(context, steps):
        powers = a ** jnp.arange(1, steps + 1, dtype=context.dtype)
        return powers[:, None] * context[-1]

    result = _estimate(linear, CONTEXT_WINDOW)
    # Rounding only: the separation is d0 = 1e-8 of states that shrink or grow (to 7e4
    # for a = 1.05), so each log(d/d0) carries ≈ eps·|x|/d0 of noise.
    np.testing.assert_allclose(float(result.exponent), math.log(abs(a)) / 0.01, rtol=1e-4)


def test_window_longer_than_segment_is_renormalised_whole():
    # K = 10 < L = 25: each window mixes old (already renormalised) rows and new ones;
    # the linear map still gives log|a|/dt exactly once the windows hold its own output.
    def linear(context, steps):
        return 0.95 ** jnp.arange(1, steps + 1, dtype=context.dtype)[:, None] * context[-1]

    result = _estimate(linear, CONTEXT_WINDOW, steps_per_segment=10, transient_segments=4)
    np.testing.assert_allclose(float(result.exponent), math.log(0.95) / 0.01, rtol=1e-6)


def test_context_independent_forecast_collapses_to_minus_inf():
    def constant(context, steps):
        return jnp.zeros((steps, context.shape[1]), context.dtype)

    assert float(_estimate(constant, CONTEXT_WINDOW).exponent) == -math.inf


def test_non_finite_run_is_nan():
    def blows_up(context, steps):
        return jnp.full((steps, context.shape[1]), jnp.inf, context.dtype)

    assert math.isnan(float(_estimate(blows_up, CONTEXT_WINDOW).exponent))


def test_forecaster_lyapunov_on_persistence_and_bad_input():
    forecaster = cb.get_forecaster("persistence")
    context = jnp.asarray(np.random.default_rng(2).standard_normal((30, 3)))
    schedule = dict(dt=0.01, steps_per_segment=10, n_segments=20, transient_segments=3)
    assert working_precision_d0(forecaster, None, context) == pytest.approx(2**-26)
    assert abs(forecaster_lyapunov(forecaster, None, context, **schedule)) < 1e-6
    with pytest.raises(ValueError, match="steps_per_segment"):
        forecaster_lyapunov(forecaster, None, context, **{**schedule, "n_segments": 0})
    with pytest.raises(ValueError, match=r"\(time, dim\) window"):
        forecaster_lyapunov(forecaster, None, context[0], **schedule)


def test_forecaster_lyapunov_diverged_run_is_nan():
    class Exploding(cb.AbstractForecaster):
        def fit(self, key, train):
            return None

        def forecast(self, fitted, context, steps: int):
            return 1.5 ** jnp.arange(1, steps + 1, dtype=context.dtype)[:, None] * context[-1]

    context = jnp.ones((5, 2))
    schedule = dict(dt=0.1, steps_per_segment=10, n_segments=5, transient_segments=1)
    # Finite but far beyond 100 training stds: a diverged free run.
    assert math.isnan(forecaster_lyapunov(Exploding(), None, context, **schedule))


def test_float32_weights_get_a_float32_separation():
    fitted = {"w": jnp.ones(3, jnp.float32)}
    forecaster = cb.get_forecaster("persistence")
    d0 = working_precision_d0(forecaster, fitted, jnp.zeros((4, 3)))
    assert d0 == pytest.approx(math.sqrt(float(jnp.finfo(jnp.float32).eps)))


def test_schedule_covers_context_and_counts_lyapunov_times():
    # Lorenz-63 at the benchmark's sampling: 146 steps per t_λ.
    s = lyapunov_schedule(0.0075792827, 0.9021154, 500)
    assert s["steps_per_segment"] == 146
    assert s["n_segments"] == 64
    assert s["steps_per_segment"] * (s["transient_segments"] - 4) >= 500
    with pytest.raises(ValueError, match="max_lyapunov"):
        lyapunov_schedule(0.01, 0.0, 500)


@pytest.mark.slow
def test_system_lyapunov_lorenz_two_trajectories():
    # Three starts over 300 t.u. (270 t_λ) each: the mean has a standard error ≈ 1 %.
    system = cb.get_system("lorenz63-v1")
    y0 = np.asarray(system.initial_condition)
    y0s = jnp.asarray(y0 + 1e-3 * np.random.default_rng(0).standard_normal((3, 3)))
    result = system_lyapunov_batch(
        system, y0s, t_segment=1.0, n_segments=300, transient_segments=20, d0=1e-7
    )
    np.testing.assert_allclose(float(np.mean(result.exponent)), LORENZ_LAMBDA, rtol=0.05)
    # A clock-free system with weights all 1 is the same estimate.
    again = system_lyapunov_batch(
        system,
        y0s,
        t_segment=1.0,
        n_segments=300,
        transient_segments=20,
        d0=1e-7,
        weights=jnp.ones(3),
    )
    np.testing.assert_array_equal(np.asarray(again.exponent), np.asarray(result.exponent))


def test_system_lyapunov_refuses_bad_schedule():
    system = cb.get_system("lorenz63-v1")
    with pytest.raises(ValueError, match="n_segments"):
        system_lyapunov_batch(
            system, jnp.zeros((1, 3)), t_segment=1.0, n_segments=0, transient_segments=1, d0=1e-8
        )


class _DecayWithClock(cb.AbstractSystem):
    """ẋ = 1 − x, θ̇ = 1: exponents −1 (x) and 0 (the clock θ). (x settles at 1, not 0,
    so that the tolerances stay relative to an O(1) state.)"""

    default_initial_condition = (2.0, 0.0)
    citation = "test system"

    def vector_field(self, t, y, args):
        return jnp.stack([1.0 - y[0], jnp.ones_like(y[1])])


def test_system_lyapunov_weights_leave_out_a_clock():
    system, y0s = _DecayWithClock(), jnp.asarray([[2.0, 0.0]])
    # The field is linear, so any d0 is infinitesimal; d0 = 1 keeps the separation far
    # above atol (a 1e-6 separation from a fixed point lets the solver take unit steps).
    kw = dict(t_segment=1.0, n_segments=8, transient_segments=10, d0=1.0, settings=SETTINGS)
    without_clock = system_lyapunov_batch(system, y0s, weights=jnp.asarray([1.0, 0.0]), **kw)
    np.testing.assert_allclose(float(without_clock.exponent[0]), -1.0, rtol=1e-6)
    # Counted, the neutral clock is the most unstable direction: λ_max = 0 (the x part
    # of the first perturbation has shrunk by e^-10 after the transient).
    with_clock = system_lyapunov_batch(system, y0s, **kw)
    assert abs(float(with_clock.exponent[0])) < 1e-6


class _Logistic(cb.AbstractForecaster):
    """The logistic map x ↦ 4 x (1 − x), fully chaotic with λ = ln 2 per step (Sprott
    2003, §1.4), or with ``growth`` set the linear map x ↦ growth · x; with the optional
    state API (the state is the last value)."""

    growth: float | None = None

    def fit(self, key, train):
        return None

    def start(self, fitted, context):
        return context[-1]

    def advance(self, fitted, state, steps: int):
        def body(x, _):
            x = 4 * x * (1 - x) if self.growth is None else self.growth * x
            return x, x

        return jax.lax.scan(body, state, None, length=steps)

    def forecast(self, fitted, context, steps: int):
        return self.advance(fitted, self.start(fitted, context), steps)[1]


def test_state_api_and_window_estimates_agree_with_the_exact_exponent():
    """The carried-state estimate and the window estimate of the same forecaster both give
    log(1.01) / dt for x ↦ 1.01 x, and ln 2 per step for the logistic map at r = 4."""
    linear = _Logistic(growth=1.01)
    assert cb.has_state(linear)
    context = jnp.full((6, 1), 0.1)
    schedule = dict(dt=0.5, steps_per_segment=10, n_segments=10, transient_segments=1)
    state = forecaster_lyapunov(linear, None, context, **schedule)
    window = two_trajectory_lyapunov(
        lambda c, k: linear.forecast(None, c, k), context, d0=1e-8, **schedule
    )
    assert state == pytest.approx(math.log(1.01) / 0.5, rel=1e-7)
    assert float(window.exponent) == pytest.approx(math.log(1.01) / 0.5, rel=1e-7)
    chaotic = forecaster_lyapunov(
        _Logistic(),
        None,
        jnp.full((6, 1), 0.3),
        dt=1.0,
        steps_per_segment=1,
        n_segments=4000,
        transient_segments=10,
    )
    assert chaotic == pytest.approx(math.log(2.0), rel=0.03)


def test_a_forecaster_with_half_the_state_api_is_refused():
    class HalfState(cb.AbstractForecaster):
        def fit(self, key, train):
            return None

        def forecast(self, fitted, context, steps: int):
            return jnp.repeat(context[-1:], steps, axis=0)

        def start(self, fitted, context):
            return context[-1]

    with pytest.raises(cb.MalformedForecasterError, match=r"defines start but not advance"):
        _forecaster.check_forecaster("half_state-v1", HalfState)


def test_schedule_for_a_carried_state_has_no_window_to_flush():
    s = lyapunov_schedule(0.0075792827, 0.9021154, 0)
    assert (s["steps_per_segment"], s["n_segments"], s["transient_segments"]) == (146, 64, 4)


def test_the_esn_exponent_is_the_same_from_its_state_and_from_its_window():
    """The ESN's λ̂ perturbed in its reservoir state (the state API) and through
    ``forecast`` on its context window agree: one exponent, two norms (Lorenz-63 data,
    a 100-unit reservoir, 64 segments of one t_λ each)."""
    data, facts = small_lorenz_dataset()
    forecaster = cb.get_forecaster("esn")
    forecaster = type(forecaster)(size=100)
    assert cb.has_state(forecaster)
    train = jnp.asarray(data.normalise(data.train))
    context = jnp.asarray(data.normalise(data.contexts))[0]
    (fitted,), _ = cb.fit_seeds(forecaster, train, [0])
    dt, lam = data.spec.dt, facts["max_lyapunov"]
    state = forecaster_lyapunov(forecaster, fitted, context, dt=dt, **lyapunov_schedule(dt, lam, 0))
    window = two_trajectory_lyapunov(
        lambda c, k: forecaster.forecast(fitted, c, k),
        context,
        dt=dt,
        d0=working_precision_d0(forecaster, fitted, context),
        **lyapunov_schedule(dt, lam, context.shape[0]),
    )
    assert state > 0.3 * lam  # a chaotic model of a chaotic system
    assert state == pytest.approx(float(window.exponent), rel=0.1)
