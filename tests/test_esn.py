"""ESNs: esn-v2 keeps its defaults; esn_tuned-v2's search picks the best candidate."""

import jax
import jax.numpy as jnp
import numpy as np

from chaosbench import fit_seeds
from forecasters._esn import ESN, TunedESN


def _data(n=1200):
    t = 0.05 * np.arange(n)
    return jnp.asarray(np.stack([np.sin(t), np.cos(1.3 * t), np.sin(0.7 * t)], axis=1))


def test_esn_defaults_unchanged():
    esn = ESN()
    assert (esn.size, esn.spectral_radius, esn.leak, esn.input_scale) == (600, 0.6, 0.7, 0.8)
    assert (esn.bias_scale, esn.degree, esn.ridge, esn.washout) == (0.2, 30, 1e-10, 200)
    assert esn.units_per_input == 20


TINY = dict(
    size=40,
    units_per_input=10,
    n_candidates=3,
    search_batch=2,
    val_windows=2,
    val_horizon=50,
    washout=20,
    min_context=20,
    degree=8,
)


def test_tuned_esn_search():
    model = TunedESN(**TINY)
    data = _data()
    fitted = model.fit(jax.random.PRNGKey(0), data)
    assert fitted.candidates.shape == (3, 4)
    assert fitted.scores.shape == (3, len(model.ridges))
    i, j = np.unravel_index(int(jnp.argmax(fitted.scores)), fitted.scores.shape)
    np.testing.assert_allclose(fitted.choice[:4], fitted.candidates[i])
    np.testing.assert_allclose(fitted.choice[4], model.ridges[j])
    lo, hi = model.spectral_radius_range
    assert lo <= float(fitted.choice[0]) <= hi
    out = model.forecast(fitted, data[:100], 30)
    assert out.shape == (30, 3) and jnp.isfinite(out).all()
    # a smooth quasi-periodic signal is easy: the winner stays valid for most of the horizon
    assert float(fitted.scores.max()) > 25


def test_tuned_esn_vmaps_over_seeds():
    # Also the regression test of a deadlock: with search_batch=2 the three ridge solves
    # once ran side by side as batched LAPACK calls and parked both of XLA's intra-op
    # threads (2 cores) for good in 2 of 5 runs; TunedESN now solves them one by one.
    model = TunedESN(**{**TINY, "n_candidates": 2})
    (a, b), _ = fit_seeds(model, _data(600), [0, 1])
    assert a.reservoir.weights.shape == (8, 40)
    assert not np.allclose(a.reservoir.weights, b.reservoir.weights)
