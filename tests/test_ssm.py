"""State-space forecasters: S4D, S5 and Mamba (forecasters/_s4d.py, _s5.py, _mamba.py).

Each layer has two ways of computing the same map, a parallel one used in training (FFT
convolution, associative scan) and a recurrent one used in forecasting; the tests check
that they agree, that the zero-order hold is right on cases worked by hand, and that a
tiny model's training loss falls.
"""

import math

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
import chaosbench.forecasters  # noqa: F401  (registers the forecasters)
from chaosbench.forecasters._mamba import Mamba
from chaosbench.forecasters._s4d import S4D, S4DLayer, s4d_eigenvalues
from chaosbench.forecasters._s4d import zoh as s4d_zoh
from chaosbench.forecasters._s5 import S5, hippo_normal
from chaosbench.forecasters._s5 import zoh as s5_zoh
from chaosbench.forecasters._ssm import associative_linear_scan


def _run_recurrent(model, u):
    return jax.lax.scan(lambda s, x: model.step(s, x), model.init_state(), u)[1]


def _with_decoder(stack, key):
    # The decoder starts at zero; give it weights so that the whole stack is exercised.
    w = jax.random.normal(key, stack.decoder.weight.shape, jnp.float32)
    return eqx.tree_at(lambda s: s.decoder.weight, stack, w)


def test_s4d_lin_and_inv_eigenvalues():
    lin = np.asarray(s4d_eigenvalues(4, "lin"))
    np.testing.assert_allclose(lin, -0.5 + 1j * math.pi * np.arange(4), rtol=1e-6)
    inv = np.asarray(s4d_eigenvalues(4, "inv"))  # N = 8: (8/π)(8/(2n+1) − 1)
    expected = 8 / math.pi * (8 / (2 * np.arange(4) + 1) - 1)
    np.testing.assert_allclose(inv.imag, expected, rtol=1e-6)
    with pytest.raises(ValueError, match="lin"):
        s4d_eigenvalues(4, "legs")


def test_zoh_hand_cases():
    # a = −1, dt = ln 2: Ā = 1/2, B̄ = (1/2 − 1)/(−1) = 1/2.
    a_bar, b_bar = s4d_zoh(jnp.asarray(-1.0 + 0j), jnp.asarray(1.0 + 0j), math.log(2.0))
    np.testing.assert_allclose([complex(a_bar), complex(b_bar)], [0.5, 0.5], atol=1e-12)
    # a = iπ, dt = 1: Ā = −1, B̄ = (−1 − 1)/(iπ) = 2i/π.
    a_bar, b_bar = s4d_zoh(jnp.asarray(1j * math.pi), jnp.asarray(1.0 + 0j), 1.0)
    np.testing.assert_allclose([complex(a_bar), complex(b_bar)], [-1.0, 2j / math.pi], atol=1e-12)
    # S5's MIMO version: per-state steps, B̄ rows scaled by (Λ̄ − 1)/Λ.
    lam = jnp.asarray([-1.0 + 0j, -2.0 + 0j])
    lam_bar, b_bar = s5_zoh(lam, jnp.ones((2, 3), complex), jnp.asarray([math.log(2.0)] * 2))
    np.testing.assert_allclose(np.asarray(lam_bar), [0.5, 0.25], atol=1e-12)
    np.testing.assert_allclose(np.asarray(b_bar), [[0.5] * 3, [0.375] * 3], atol=1e-12)
    # Exact for a constant input: x(dt) = (e^{a dt} − 1)/a · u from x(0) = 0.
    a, dt = -0.3 + 2.0j, 0.7
    _, b_bar = s4d_zoh(jnp.asarray(a), jnp.asarray(1.0 + 0j), dt)
    t = np.linspace(0.0, dt, 20001)
    integral = np.trapezoid(np.exp(a * (dt - t)), t)
    np.testing.assert_allclose(complex(b_bar), integral, rtol=1e-7)


def test_associative_scan_equals_sequential_scan():
    key_a, key_b = jax.random.split(jax.random.PRNGKey(0))
    a = jax.random.uniform(key_a, (37, 5), minval=-1.0, maxval=1.0)
    b = jax.random.normal(key_b, (37, 5))
    parallel = associative_linear_scan(a, b)
    sequential = jax.lax.scan(lambda x, ab: (ab[0] * x + ab[1],) * 2, jnp.zeros(5), (a, b))[1]
    np.testing.assert_allclose(parallel, sequential, rtol=1e-10, atol=1e-12)
    # A shared (broadcast) a, complex, as in S5.
    lam = jnp.asarray([0.9 * np.exp(0.3j), 0.5 + 0j])
    bc = b[:, :2] + 1j * b[:, 2:4]
    seq = jax.lax.scan(lambda x, v: (lam * x + v,) * 2, jnp.zeros(2, complex), bc)[1]
    np.testing.assert_allclose(associative_linear_scan(lam, bc), seq, rtol=1e-10, atol=1e-12)


def test_s4d_kernel_agrees_with_recurrence():
    layer = S4DLayer(6, 4, "lin", 0.01, 0.5, key=jax.random.PRNGKey(1))
    u = jax.random.normal(jax.random.PRNGKey(2), (40, 6), jnp.float32)
    conv = jax.jit(layer.__call__)(u)
    rec = jax.jit(lambda v: _run_recurrent(layer, v))(u)
    np.testing.assert_allclose(conv, rec, rtol=1e-4, atol=1e-4)
    # The kernel is the impulse response of the recurrence.
    impulse = jnp.zeros((40, 6), jnp.float32).at[0].set(1.0)
    response = _run_recurrent(layer, impulse) - layer.d * impulse
    np.testing.assert_allclose(layer.kernel(40).T, response, rtol=1e-4, atol=1e-5)


def test_hippo_normal_diagonalisation():
    lam, v = hippo_normal(8)
    q = np.sqrt(2 * np.arange(8) + 1.0)
    legs = -(np.tril(np.outer(q, q)) - np.diag(np.arange(8)))
    p = np.sqrt(np.arange(8) + 0.5)
    np.testing.assert_allclose(v @ np.diag(lam) @ v.conj().T, legs + np.outer(p, p), atol=1e-9)
    np.testing.assert_allclose(lam.real, -0.5, atol=1e-12)
    np.testing.assert_allclose(np.sort(lam.imag), np.sort(-lam.imag), atol=1e-9)  # pairs


@pytest.mark.parametrize(
    "forecaster",
    [S4D(width=8, n_modes=4), S5(width=8, state_size=8, blocks=2), Mamba(width=8, n_states=4)],
    ids=["s4d", "s5", "mamba"],
)
def test_parallel_equals_recurrent(forecaster):
    stack = _with_decoder(forecaster.build(jax.random.PRNGKey(3), 3), jax.random.PRNGKey(4))
    u = jax.random.normal(jax.random.PRNGKey(5), (33, 3), jnp.float32)
    parallel = jax.jit(stack.__call__)(u)
    recurrent = jax.jit(lambda v: _run_recurrent(stack, v))(u)
    assert parallel.shape == (33, 3)
    assert float(jnp.max(jnp.abs(parallel))) > 1e-2
    np.testing.assert_allclose(parallel, recurrent, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", ["s4d-v3", "s5-v3", "mamba-v4"])
def test_registered(name):
    assert name in cb.list_forecasters()
    assert isinstance(cb.get_forecaster(name), cb.AbstractForecaster)


def _toy_series(n=1000):
    # A rotation and a slower one: increments are a linear function of the state.
    t = jnp.arange(n) * 0.05
    return jnp.stack([jnp.sin(t), jnp.cos(t), jnp.sin(0.5 * t)], -1) * math.sqrt(2.0)


def test_s4d_training_loss_falls_and_forecast_shape():
    forecaster = S4D(width=8, n_modes=4, depth=1, steps=150, batch=8, window=32, learning_rate=2e-2)
    series = _toy_series()
    keys = jnp.stack([jax.random.PRNGKey(0), jax.random.PRNGKey(1)])
    fitted = eqx.filter_jit(eqx.filter_vmap(forecaster.fit, in_axes=(0, None)))(keys, series)
    losses = np.asarray(fitted.losses)
    assert losses.shape == (2, 150)
    assert np.all(losses[:, -20:].mean(1) < 0.1 * losses[:, :5].mean(1))
    one = jax.tree_util.tree_map(lambda x: x[0] if eqx.is_array(x) else x, fitted)
    out = eqx.filter_jit(forecaster.forecast)(one, series[:50], 25)
    assert out.shape == (25, 3) and out.dtype == series.dtype
    assert np.all(np.isfinite(np.asarray(out)))
    # Forecasts track the smooth toy series for a few steps.
    np.testing.assert_allclose(out[:5], series[50:55], atol=0.1)
