"""The causal patch transformer (forecasters/_transformer.py)."""

import math

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
import chaosbench.forecasters  # noqa: F401  (registers the forecasters)
from chaosbench.forecasters._transformer import Transformer, sinusoidal_positions


def _model(forecaster, dim=3):
    model = forecaster.build(jax.random.PRNGKey(0), dim)
    # The head starts at zero; give it weights so that outputs depend on the inputs.
    w = jax.random.normal(jax.random.PRNGKey(1), model.head.weight.shape, jnp.float32)
    return eqx.tree_at(lambda m: m.head.weight, model, w)


@pytest.mark.parametrize("patch,positions", [(1, "learned"), (3, "sinusoidal")])
def test_causal_and_shapes(patch, positions):
    forecaster = Transformer(width=16, heads=2, depth=2, tokens=6, patch=patch, positions=positions)
    model = jax.jit(_model(forecaster).__call__)
    u = jax.random.normal(jax.random.PRNGKey(2), (6 * patch, 3), jnp.float32)
    out = model(u)
    assert out.shape == (6, patch, 3)
    for t in range(6):
        # Change every state after token t: outputs up to token t stay the same.
        changed = u.at[(t + 1) * patch :].add(
            jax.random.normal(jax.random.PRNGKey(t), (1, 3), jnp.float32)
        )
        out2 = model(changed)
        np.testing.assert_allclose(out2[: t + 1], out[: t + 1], rtol=1e-5, atol=1e-5)
        if t < 5:
            assert float(jnp.max(jnp.abs(out2[t + 1 :] - out[t + 1 :]))) > 1e-4


def test_sinusoidal_positions():
    # Width 4: frequencies 1 and 10000^(-2/4) = 1/100.
    pe = np.asarray(sinusoidal_positions(5, 4))
    t = np.arange(5.0)
    expected = np.stack([np.sin(t), np.cos(t), np.sin(t / 100), np.cos(t / 100)], 1)
    np.testing.assert_allclose(pe, expected, atol=1e-6)


def test_targets_are_next_patch_increments():
    forecaster = Transformer(tokens=2, patch=2)
    window = jnp.arange(6 * 1, dtype=jnp.float32)[:, None] ** 2  # u_t = t², one dim
    targets = forecaster.targets(window, jnp.ones(1, jnp.float32))
    # Token 0 (states 0, 1) → states 2, 3 from u_1 = 1: (4 − 1)/1, (9 − 1)/2.
    # Token 1 (states 2, 3) → states 4, 5 from u_3 = 9: (16 − 9)/1, (25 − 9)/2.
    np.testing.assert_allclose(targets[..., 0], [[3.0, 4.0], [7.0, 8.0]])


def test_registered_and_min_context():
    forecaster = cb.get_forecaster("transformer-v3")
    assert isinstance(forecaster, Transformer)
    assert forecaster.min_context == forecaster.tokens * forecaster.patch <= 500


def test_training_loss_falls_and_forecast():
    forecaster = Transformer(
        width=16, heads=2, depth=1, tokens=8, patch=2, steps=150, batch=8, learning_rate=1e-2
    )
    t = jnp.arange(1000) * 0.05
    series = jnp.stack([jnp.sin(t), jnp.cos(t), jnp.sin(0.5 * t)], -1) * math.sqrt(2.0)
    fitted = eqx.filter_jit(forecaster.fit)(jax.random.PRNGKey(0), series)
    losses = np.asarray(fitted.losses)
    assert losses[-20:].mean() < 0.1 * losses[:5].mean()
    out = eqx.filter_jit(forecaster.forecast)(fitted, series[:40], 25)
    assert out.shape == (25, 3) and out.dtype == series.dtype
    np.testing.assert_allclose(out[:4], series[40:44], atol=0.1)
