"""Neural ODE: training lowers the loss on a tiny problem; shapes; vmapped seeds."""

import jax
import jax.numpy as jnp
import numpy as np

import chaosbench as cb
from chaosbench import fit_seeds


def _circle(n=400):
    t = 0.1 * np.arange(n)
    return jnp.asarray(np.stack([np.cos(t), np.sin(t)], axis=1))


TINY = dict(width=16, depth=1, segment=5, batch=8, steps=300, learning_rate=1e-2)


def test_loss_falls_tenfold_on_a_tiny_problem():
    model = cb.get_forecaster("neural_ode", **TINY)
    fitted = model.fit(jax.random.PRNGKey(0), _circle())
    losses = np.asarray(fitted.losses)
    assert losses.shape == (TINY["steps"],)
    assert losses[-20:].mean() < losses[:20].mean() / 10


def test_shapes_and_vmapped_seeds():
    model = cb.get_forecaster("neural_ode", **{**TINY, "steps": 5})
    data = _circle(100)
    (a, b), _ = fit_seeds(model, data, [0, 1])
    out = model.forecast(a, data[:10], 7)
    assert out.shape == (7, 2) and jnp.isfinite(out).all()
    assert not np.allclose(a.losses, b.losses)  # different seeds, different models
