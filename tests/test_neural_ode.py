"""Neural ODE: training lowers the loss on a tiny problem; shapes; one model per seed,
fitted alone or vmapped over seeds."""

import equinox as eqx
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


def test_shapes_and_one_model_per_seed():
    """``fit_seeds`` (what the harness calls) fits the seeds one after another, each by the
    same compiled program: different seeds, different models; forecasts of the right
    shape."""
    model = cb.get_forecaster("neural_ode", **{**TINY, "steps": 5})
    data = _circle(100)
    (a, b), _ = fit_seeds(model, data, [0, 1])
    out = model.forecast(a, data[:10], 7)
    assert out.shape == (7, 2) and jnp.isfinite(out).all()
    assert not np.allclose(a.losses, b.losses)  # different seeds, different models


def test_fit_vmaps_over_seeds():
    """The fit is a pure function of its key (one ``lax.scan``), so seeds can train in one
    vmapped program: ``vmap`` over two keys gives, seed by seed, the model that seed
    trains alone (to rounding: a batched program may round differently, which is why the
    harness fits seeds one at a time)."""
    model = cb.get_forecaster("neural_ode", **{**TINY, "steps": 5})
    data = _circle(100)
    seeds = (0, 1)
    keys = jnp.stack([jax.random.PRNGKey(s) for s in seeds])
    both = eqx.filter_jit(eqx.filter_vmap(model.fit, in_axes=(0, None)))(keys, data)
    assert both.losses.shape == (len(seeds), 5)
    for i, seed in enumerate(seeds):
        alone = model.fit(jax.random.PRNGKey(seed), data)
        np.testing.assert_allclose(both.losses[i], alone.losses, rtol=1e-9)
        field = jax.tree.map(lambda x, i=i: x[i], eqx.filter(both.field, eqx.is_array))
        ones = jax.tree.leaves(eqx.filter(alone.field, eqx.is_array))
        assert len(ones) == len(jax.tree.leaves(field)) > 0
        for leaf, one in zip(jax.tree.leaves(field), ones):
            np.testing.assert_allclose(leaf, one, rtol=1e-9, atol=1e-12)
    assert not np.allclose(both.losses[0], both.losses[1])
