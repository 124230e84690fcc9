"""ESNs: esn-v2 keeps its defaults; the tuned ESN picks the best-scoring candidate whose
free run stays bounded."""

import jax
import jax.numpy as jnp
import numpy as np

from chaosbench import fit_seeds
from chaosbench.forecasters._esn import ESN
from chaosbench.forecasters._esn_tuned import TunedESN, first_passing


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
    stability_steps=500,
)


def test_tuned_esn_search():
    model = TunedESN(**TINY)
    data = _data()
    fitted = model.fit(jax.random.PRNGKey(0), data)
    assert fitted.candidates.shape == (3, 4)
    assert fitted.scores.shape == (3, len(model.ridges))
    # the choice is the pair at `rank` in the score order (the best score if none passed)
    order = np.argsort(-np.asarray(fitted.scores).reshape(-1), kind="stable")
    i, j = np.unravel_index(order[int(fitted.rank)], fitted.scores.shape)
    assert bool(fitted.stable) or int(fitted.rank) == 0
    np.testing.assert_allclose(fitted.choice[:4], fitted.candidates[i])
    np.testing.assert_allclose(fitted.choice[4], model.ridges[j])
    lo, hi = model.spectral_radius_range
    assert lo <= float(fitted.choice[0]) <= hi
    out = model.forecast(fitted, data[:100], 30)
    assert out.shape == (30, 3) and jnp.isfinite(out).all()
    # a smooth quasi-periodic signal is easy: the winner stays valid for most of the horizon
    assert float(fitted.scores.max()) > 25


def test_no_bounded_free_run_keeps_the_best_score():
    """A margin no run can meet: every check fails and the best score is kept."""
    model = TunedESN(**{**TINY, "stability_margin": 1e-9})
    fitted = model.fit(jax.random.PRNGKey(0), _data())
    assert not bool(fitted.stable) and int(fitted.rank) == 0
    i, j = np.unravel_index(int(jnp.argmax(fitted.scores)), fitted.scores.shape)
    np.testing.assert_allclose(fitted.choice[:4], fitted.candidates[i])


def test_first_passing_stops_at_the_first_pass():
    visited = []

    def passes(r):
        jax.debug.callback(visited.append, r)
        return r >= 2

    rank, found = first_passing(passes, 5)
    assert (int(rank), bool(found)) == (2, True)
    assert sorted(int(v) for v in visited) == [0, 1, 2]
    assert tuple(map(int, first_passing(lambda r: r > 9, 5))) == (0, 0)


def test_tuned_esn_vmaps_over_seeds():
    # Also the regression test of a deadlock: with search_batch=2 the three ridge solves
    # once ran side by side as batched LAPACK calls and parked both of XLA's intra-op
    # threads (2 cores) for good in 2 of 5 runs; TunedESN now solves them one by one.
    model = TunedESN(**{**TINY, "n_candidates": 2})
    (a, b), _ = fit_seeds(model, _data(600), [0, 1])
    assert a.reservoir.weights.shape == (8, 40)
    assert not np.allclose(a.reservoir.weights, b.reservoir.weights)
