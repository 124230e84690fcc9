"""Delay equations: the method-of-steps scheme against exact solutions, and chaos."""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench.base._api import systems as registry
from chaosbench.systems._delay import AbstractDelaySystem
from helpers import all_systems, dysts_catalogue

DELAY_SYSTEMS = tuple(s for s in all_systems if registry.get(s).family == "delay")


class _Linear(AbstractDelaySystem):
    """x' = a x(t − τ): exact solutions known in closed form."""

    a: float = -1.0
    tau: float = 1.0
    default_initial_condition = (1.0,) * 10
    citation = "test"
    step_size = 0.0125  # the buffer then holds steps down to 0.00625


def _rhs(self, x, x_delayed):
    return self.a * x_delayed


_Linear.rhs = _rhs
_Linear.__abstractmethods__ = frozenset()


@eqx.filter_jit
def _run(system, state, h, n):
    return jax.lax.fori_loop(0, n, lambda i, s: system.step(0.0, s, h), state)


def test_exact_on_the_first_three_delay_intervals():
    """x' = −x(t − 1), history 1: x = 1 − t on [0, 1], 1 − t + (t − 1)²/2 on [1, 2],
    minus (t − 2)³/6 on [2, 3]. RK4 with Hermite history reproduces these polynomials
    exactly — only if the kink of the history at t = 0 is kept out of the interpolation."""
    system = _Linear()
    h = jnp.asarray(0.1)
    state = system.init_state(jnp.ones(10), h)

    def exact(t):
        x = 1 - t
        x = x + jnp.where(t > 1, (t - 1) ** 2 / 2, 0.0)
        return x - jnp.where(t > 2, (t - 2) ** 3 / 6, 0.0)

    for n in (5, 10, 15, 20, 25, 30):
        x = system.observe(_run(system, state, h, jnp.asarray(n)), h)[0]
        assert float(x) == pytest.approx(float(exact(n * 0.1)), abs=1e-13)


@pytest.mark.parametrize("tau", [1.0, 1.37])
def test_fourth_order_convergence(tau):
    """x' = a x(t − τ) with the smooth solution e^{λt} (a = λ e^{λτ}): the error at t = 4
    falls like h⁴ (log-log slope over four step sizes), also when τ is not a multiple of h
    (then the interpolation's error constant varies with τ/h mod 1, hence the fit)."""
    lam = 0.5
    system = _Linear(a=lam * np.exp(lam * tau), tau=tau)
    steps = np.asarray([0.1, 0.05, 0.025, 0.0125])
    errors = []
    for h in steps:
        h = jnp.asarray(h)
        lags = h * jnp.arange(system.buffer_length)
        state = system.history_state(jnp.exp(-lam * lags), lam * jnp.exp(-lam * lags), 1.0, h)
        n = jnp.asarray(round(4.0 / float(h)))
        x = system.observe(_run(system, state, h, n), h)[0]
        errors.append(abs(float(x) - np.exp(lam * 4.0)))
    slope = np.polyfit(np.log(steps), np.log(errors), 1)[0]
    assert errors[-1] < 1e-9
    assert 3.5 < slope < 4.6, (errors, slope)


def test_observation_round_trip():
    """observe(init_state(y)) returns the embedding it was built from (nodes on the grid)."""
    system = cb.get_system("MackeyGlass")
    y0 = system.initial_condition
    h = jnp.asarray(system.tau / 9 / 20)  # the embedding lags fall on the grid
    np.testing.assert_allclose(system.observe(system.init_state(y0, h), h), y0, atol=1e-12)


@pytest.mark.parametrize(
    "system_id",
    [
        pytest.param(s, marks=[] if s == "mackey_glass-v1" else [pytest.mark.slow])
        for s in DELAY_SYSTEMS
    ],
)
def test_bounded_with_catalogue_scale(system_id):
    """Each system stays bounded; its x(t) spread is within a factor 3 of dysts' std."""
    system = cb.get_system(system_id)
    y = cb.advance_batch(
        system, system.initial_condition[None], 0.0, 300.0, cb.IntegratorSettings()
    )
    traj = np.asarray(cb.sample_batch(system, y, 0.0, 0.5, 1000, cb.IntegratorSettings()))[0]
    assert traj.shape == (1000, 10)
    assert np.isfinite(traj).all()
    reference = dysts_catalogue()[system.aliases[0]]
    assert 1 / 3 < traj[:, 0].std() / np.mean(reference["std"]) < 3


def test_too_small_a_step_is_nan():
    """Steps below half the nominal one do not fit the history buffer: NaN, not garbage."""
    system = cb.get_system("MackeyGlass")
    y = cb.advance_batch(system, system.initial_condition[None], 0.0, 0.01, cb.IntegratorSettings())
    assert np.isnan(np.asarray(y)).all()


def test_mackey_glass_is_chaotic():
    """λ₁ > 0 from a short run (the 0.0045 of a long one is in the module docstring)."""
    system = cb.get_system("MackeyGlass")
    settings = cb.IntegratorSettings()
    y = cb.advance_batch(system, system.initial_condition[None], 0.0, 500.0, settings)
    spectrum = np.asarray(cb.lyapunov_spectrum_batch(system, y, 20.0, 75, settings))[0]
    assert spectrum.shape == (8,)
    assert spectrum[0] > 0.001
    assert spectrum[2] < -0.01
