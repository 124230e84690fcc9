"""Conformance of every registered forecaster, and learning checks for the foundation ones."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench._evaluate import fit_seeds, forecast_windows
from helpers import all_forecasters, small_lorenz_dataset


@pytest.fixture(scope="module")
def small():
    return small_lorenz_dataset()


@pytest.mark.parametrize("forecaster_id", all_forecasters)
def test_conformance(forecaster_id, small):
    """Fit on a short Lorenz-63 series; forecast the right shape, finite, deterministic."""
    data, _ = small
    cls = cb._api.forecasters.get(forecaster_id)
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
    from chaosbench._evaluate import ForecastShapeError

    with pytest.raises(ForecastShapeError, match=r"must return \(steps, dim\)"):
        cb.score(_WrongShape(), data, facts, [0], [cb.get_metric("vpt_lyap")])
