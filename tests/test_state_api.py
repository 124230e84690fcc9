"""The optional state API (``start``/``advance``) of the recurrent forecasters.

For each forecaster with a real recurrent state (the PLRNN family, the state-space
models in recurrent form, the neural ODE), on a smoke-size fit to a short circle:

- ``forecast(fitted, context, n)`` is ``advance(fitted, start(fitted, context), n)[1]``
  (bit for bit: ``forecast`` is written as that composition);
- the state holds everything the future depends on: advancing ``a`` steps and then ``b``
  continues advancing ``a + b`` steps;
- the state is a pytree of floating arrays and both methods jit and vmap.
"""

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb

STATEFUL = ("shplrnn_gtf", "alrnn", "s4d", "s5", "mamba", "neural_ode")
SMOKE = {"neural_ode": {"width": 8, "depth": 1, "batch": 4}}


def _series(n=300):
    t = 0.1 * np.arange(n)
    return jnp.asarray(np.stack([np.cos(t), np.sin(t), 0.5 * np.cos(2 * t)], axis=1))


@pytest.fixture(scope="module")
def series():
    return _series()


@pytest.mark.parametrize("name", STATEFUL)
def test_state_api_contract(name, series):
    cls = type(cb.get_forecaster(name))
    model = cls(**{**cls.smoke_hyperparameters, **SMOKE.get(name, {})})
    fitted = model.fit(jax.random.PRNGKey(0), series)
    contexts = jnp.stack([series[:120], series[40:160]])
    context = contexts[0]

    state = eqx.filter_jit(model.start)(fitted, context)
    leaves = jax.tree.leaves(state)
    assert leaves and all(jnp.issubdtype(x.dtype, jnp.inexact) for x in leaves)

    advance = eqx.filter_jit(model.advance)  # `steps` (an int) is static
    forecast = model.forecast(fitted, context, 12)
    _, composed = advance(fitted, state, 12)
    np.testing.assert_array_equal(np.asarray(forecast), np.asarray(composed, forecast.dtype))
    assert forecast.shape == (12, 3) and np.isfinite(np.asarray(forecast)).all()

    mid, first = advance(fitted, state, 5)
    _, second = advance(fitted, mid, 7)
    np.testing.assert_allclose(np.concatenate([first, second]), composed, rtol=1e-6, atol=1e-6)

    states = jax.vmap(model.start, in_axes=(None, 0))(fitted, contexts)
    _, outs = jax.vmap(lambda s: model.advance(fitted, s, 12))(states)
    np.testing.assert_allclose(outs[0], composed, rtol=1e-6, atol=1e-6)
