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
    forecaster = cb.get_forecaster(forecaster_id)
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
