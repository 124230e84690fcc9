"""Conformance of every registered forecaster, and learning checks for the foundation ones."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench import fit_seeds, forecast_windows
from chaosbench.base import _api
from helpers import all_forecasters, small_lorenz_dataset


@pytest.fixture(scope="module")
def small():
    return small_lorenz_dataset()


@pytest.mark.parametrize("forecaster_id", all_forecasters)
def test_conformance(forecaster_id, small):
    """Fit on a short Lorenz-63 series; forecast the right shape, finite, deterministic;
    with the optional state API (``chaosbench.base._forecaster``), ``advance`` from ``start``
    in two pieces, vmapped over contexts, continues ``forecast`` and the state is floating
    (or complex: the diagonal SSMs)."""
    data, _ = small
    cls = _api.forecasters.get(forecaster_id)
    forecaster = cls(**cls.smoke_hyperparameters)
    train = jnp.asarray(data.normalise(data.train))
    contexts = jnp.asarray(data.normalise(data.contexts))[:2]
    (a, b), _ = fit_seeds(forecaster, train, [0, 0])
    out_a = forecast_windows(forecaster, a, contexts, 64)
    out_b = forecast_windows(forecaster, b, contexts, 64)
    assert out_a.shape == (2, 64, 3)
    assert np.isfinite(np.asarray(out_a)).all()
    np.testing.assert_array_equal(np.asarray(out_a), np.asarray(out_b))
    assert forecaster.min_context <= data.spec.context
    if cb.has_state(forecaster):  # the optional state API continues forecast exactly
        state = jax.vmap(lambda c: forecaster.start(a, c))(contexts)
        leaves = jax.tree_util.tree_leaves(state)  # a state the λ metric can perturb
        assert leaves and all(jnp.issubdtype(x.dtype, jnp.inexact) for x in leaves)
        state, first = jax.vmap(lambda s: forecaster.advance(a, s, 24))(state)
        _, rest = jax.vmap(lambda s: forecaster.advance(a, s, 40))(state)
        np.testing.assert_allclose(
            np.concatenate([first, rest], axis=1), np.asarray(out_a), rtol=1e-6, atol=1e-9
        )


def test_persistence_and_climatology_are_what_they_say():
    context = jnp.arange(12.0).reshape(4, 3)
    persistence = cb.get_forecaster("persistence")
    out = persistence.forecast(persistence.fit(jax.random.PRNGKey(0), context), context, 5)
    np.testing.assert_array_equal(out, jnp.tile(context[-1], (5, 1)))
    climatology = cb.get_forecaster("climatology")
    out = climatology.forecast(climatology.fit(jax.random.PRNGKey(0), context), context, 2)
    np.testing.assert_array_equal(out, jnp.tile(context.mean(0), (2, 1)))


def test_short_context_is_refused(small):
    data, facts = small
    esn = cb.get_forecaster("esn", min_context=1000)
    with pytest.raises(ValueError, match="context of at least 1000"):
        cb.score(esn, data, facts, [0], [cb.get_metric("vpt_lyap")])


@pytest.fixture(scope="module")
def lorenz_rich():
    system = cb.get_system("lorenz63")
    facts = cb.get_facts(system)
    spec = cb.Protocol().dataset_spec(system, facts, cb.TASKS["rich"])
    return cb.make_dataset(spec), facts


def test_esn_learns_lorenz63(lorenz_rich):
    """The benchmark's own rich task: 10,000 points at 100 per period, 20 windows of 25+ t_λ.

    The ESN reaches a median VPT of at least 6 Lyapunov times and beats persistence.
    """
    data, facts = lorenz_rich
    assert data.spec.horizon * data.spec.dt * facts["max_lyapunov"] >= 25  # never capped
    vpt = [cb.get_metric("vpt_lyap")]
    esn = cb.score(cb.get_forecaster("esn"), data, facts, [0, 1], vpt)
    persistence = cb.score(cb.get_forecaster("persistence"), data, facts, [0], vpt)
    esn_vpt = float(np.median([r["vpt_lyap"] for r in esn]))
    assert all(r["status"] == "ok" for r in esn)
    assert esn_vpt >= 6.0
    assert esn_vpt > 10 * persistence[0]["vpt_lyap"]


class _Exploding(cb.AbstractForecaster):
    def fit(self, key, train):
        return ()

    def forecast(self, fitted, context, steps: int):
        return context[-1] * jnp.exp(jnp.arange(1.0, steps + 1.0))[:, None]


def test_diverging_forecaster_is_scored_not_a_crash(small):
    data, facts = small
    rows = cb.score(_Exploding(), data, facts, [0], [cb.get_metric(m) for m in cb.list_metrics()])
    assert rows[0]["status"] == "ok" and rows[0]["long_run"] == "diverged"
    assert rows[0]["vpt_lyap"] == 0.0  # its windows are wrong from the first step
    assert rows[0]["d_stsp"] == np.inf and rows[0]["d_h"] == 1.0


class _WrongShape(cb.AbstractForecaster):
    def fit(self, key, train):
        return ()

    def forecast(self, fitted, context, steps: int):
        return context[-steps:, :2]


def test_wrong_output_shape_is_named(small):
    data, facts = small
    from chaosbench import ForecastShapeError

    with pytest.raises(ForecastShapeError, match=r"must return \(steps, dim\)"):
        cb.score(_WrongShape(), data, facts, [0], [cb.get_metric("vpt_lyap")])


# ------------------------------------------------ the shared toolkit (forecasters/_*.py)


def test_ridge_solve_is_the_regularised_least_squares_solution():
    """Known answers: α = 0 recovers an exact linear map; α > 0 equals lstsq on the
    augmented system [X; √α I] W = [Y; 0]."""
    from chaosbench.forecasters._ridge import ridge_solve

    x = jax.random.normal(jax.random.PRNGKey(0), (50, 4))
    w = jnp.arange(12.0).reshape(4, 3)
    np.testing.assert_allclose(ridge_solve(x, x @ w, 0.0), w, atol=1e-10)
    y = jax.random.normal(jax.random.PRNGKey(1), (50, 3))
    augmented = np.vstack([np.asarray(x), np.sqrt(2.0) * np.eye(4)])
    expected = np.linalg.lstsq(augmented, np.vstack([np.asarray(y), np.zeros((4, 3))]))[0]
    np.testing.assert_allclose(ridge_solve(x, y, 2.0), expected, atol=1e-10)


def test_delay_matrix_rows_are_the_delay_vectors():
    from chaosbench.forecasters._features import delay_matrix, delay_vector

    series = jnp.arange(20.0).reshape(10, 2)
    rows = delay_matrix(series, 3, 2)  # [u_t, u_{t-2}, u_{t-4}] for t = 4 … 9
    assert rows.shape == (6, 6)
    np.testing.assert_array_equal(rows[0], [8, 9, 4, 5, 0, 1])
    for i in range(6):
        np.testing.assert_array_equal(rows[i], delay_vector(series[: i + 5], 3, 2))


def test_sample_windows_are_consecutive_rows_inside_the_series():
    from chaosbench.forecasters._training import sample_windows

    series = jnp.arange(30.0)[:, None]
    windows = sample_windows(jax.random.PRNGKey(0), series, 500, 7)
    assert windows.shape == (500, 7, 1)
    np.testing.assert_array_equal(np.diff(windows[..., 0], axis=1), 1.0)
    assert windows.min() == 0 and windows.max() == 29  # every start 0 … 23 reachable


def _toy_training(select_every=0, skip_nonfinite=0, poison=-1, cap=2.5):
    """Fit a scalar w to minimise (w − 3)² by SGD; step `poison` gets a NaN loss."""
    import optax

    from chaosbench.forecasters._training import train

    def loss_fn(w, batch):
        target, bad = batch
        return (w - target) ** 2 * jnp.where(bad, jnp.nan, 1.0)

    def draw(w, count, i):
        return (3.0, i == poison), count + 1

    return train(
        jnp.asarray(0.0),
        loss_fn,
        optax.sgd(0.1),
        draw,
        jnp.arange(40),
        jnp.asarray(0),
        skip_nonfinite=skip_nonfinite,
        select_every=select_every,
        score=lambda w: jnp.where(w > cap, jnp.inf, -w),  # best: the last w ≤ cap
    )


def test_training_loop_converges_counts_skips_and_selects():
    w, losses, counts = _toy_training()
    assert float(w) == pytest.approx(3.0, abs=1e-3) and losses.shape == (40,)
    np.testing.assert_array_equal(counts, np.arange(1, 41))  # the carried state
    w_nan, _, _ = _toy_training(poison=5)
    assert not np.isfinite(float(w_nan))  # without skipping, one NaN step ruins the fit
    w_skip, _, _ = _toy_training(skip_nonfinite=3, poison=5)
    assert float(w_skip) == pytest.approx(3.0, abs=1e-3)
    # w after 5k steps is 3(1 − 0.8^{5k}): 2.017, 2.678, … ; the best finite score is k = 1
    w_best, _, _ = _toy_training(select_every=5)
    assert float(w_best) == pytest.approx(3 * (1 - 0.8**5), rel=1e-9)
    w_none, _, _ = _toy_training(select_every=5, cap=1.0)  # no finite score: the last w
    assert float(w_none) == pytest.approx(float(w), rel=1e-12)
