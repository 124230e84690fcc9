"""NG-RC: the feature dictionary, exact recovery of polynomial maps, the paper's shapes."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench.forecasters._features import delay_matrix, polynomial_features
from chaosbench.forecasters._ngrc import NGRC, feature_count


@pytest.mark.parametrize(
    "dim,delays,order", [(3, 2, 2), (3, 2, 3), (1, 4, 3), (4, 1, 2), (2, 3, 1)]
)
def test_feature_count_is_the_combinatorial_formula(dim, delays, order):
    n = dim * delays
    expected = 1 + sum(math.comb(n + q - 1, q) for q in range(1, order + 1))
    assert feature_count(dim, delays, order) == expected
    features = polynomial_features(jnp.asarray(np.random.default_rng(0).normal(size=n)), order)
    assert features.shape == (expected,)
    # unique monomials: no two features coincide for generic inputs
    assert len(np.unique(np.round(np.asarray(features), 9))) == expected


def test_paper_feature_count():
    """Gauthier et al. 2021: d = 3, k = 2, quadratic: 1 + 6 + 21 = 28 features."""
    assert feature_count(3, 2, 2) == 28


def _henon(n, a=1.4, b=0.3):
    out = np.zeros((n, 2))
    out[0] = (0.1, 0.1)
    for t in range(n - 1):
        x, y = out[t]
        out[t + 1] = (1 - a * x**2 + y, b * x)
    return jnp.asarray(out[100:])


def test_recovers_an_exactly_quadratic_map():
    """The Hénon map is quadratic in the state: k = 1, p = 2 fits it to round-off."""
    data = _henon(600)
    model = NGRC(delays=1, stride=1, order=2, ridge=1e-12)
    fitted = model.fit(None, data[:400])
    out = model.forecast(fitted, data[390:400], 10)
    np.testing.assert_allclose(out, data[400:410], atol=1e-6)


def test_recovers_an_exactly_linear_delay_map():
    """u_t = 0.5 + sin(θt) obeys u_{t+1} = c + α u_t + β u_{t−2} exactly (stride 2)."""
    u = jnp.asarray(0.5 + np.sin(0.37 * np.arange(300.0))[:, None])
    model = NGRC(delays=2, stride=2, order=1, ridge=1e-14)
    fitted = model.fit(None, u[:200])
    assert fitted.shape == (3, 1)
    out = model.forecast(fitted, u[190:200], 20)
    np.testing.assert_allclose(out, u[200:220], atol=1e-8)


def test_delay_matrix_rows():
    series = jnp.arange(10.0)[:, None]
    lin = delay_matrix(series, 3, 2)
    np.testing.assert_array_equal(lin[0], [4.0, 2.0, 0.0])
    np.testing.assert_array_equal(lin[-1], [9.0, 7.0, 5.0])


def test_paper_recipe_shapes():
    """The recipe: d = 3, k = 2, s = 1, p = 2 on 400 training increments: W_out is 28 × 3."""
    model = cb.get_forecaster("ngrc", delays=2, stride=1, order=2, ridge=2.5e-6)
    assert model.min_context == 2
    train = jnp.asarray(np.random.default_rng(0).normal(size=(402, 3)))
    fitted = model.fit(None, train)
    assert fitted.shape == (28, 3)
    assert model.forecast(fitted, train[-5:], 7).shape == (7, 3)


def test_the_tuner_chooses_the_exact_ridge():
    """On the Hénon map (exactly quadratic) α = 1e-12 forecasts the held-out tail for the
    whole validation horizon and α = 1e4 does not: the one tuner (no search of NG-RC's
    own since v4) chooses 1e-12, and the chosen model equals the fixed-α one."""
    data = _henon(2000)
    space = cb.SearchSpace({"ridge": (1e4, 1e-12)})
    base = NGRC(delays=1, stride=1, order=2)
    result = cb.tune(base, data, jax.random.PRNGKey(0), context=10, horizon=50, space=space)
    assert result.best == {"ridge": 1e-12}
    scores = {t.values["ridge"]: t.score for t in result.trials if not t.reused}
    assert scores[1e-12] == 50 and scores[1e4] < 10
    assert result.build() == NGRC(delays=1, stride=1, order=2, ridge=1e-12)
