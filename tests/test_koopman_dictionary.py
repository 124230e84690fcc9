"""EDMD's bounded dictionary: local monomials above `max_features`, the full one below."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np

import chaosbench as cb
from chaosbench.forecasters._features import polynomial_features
from chaosbench.forecasters._koopman import (
    full_dictionary_size,
    local_monomial_indices,
    local_polynomial_features,
    local_span,
)


def test_local_monomials_are_the_combinations_within_the_span():
    for degree, span in [(2, 0), (2, 2), (3, 1)]:
        brute = [
            c
            for c in itertools.combinations_with_replacement(range(7), degree)
            if c[-1] - c[0] <= span
        ]
        assert sorted(map(tuple, local_monomial_indices(7, degree, span))) == sorted(brute)
    # a span as wide as the vector is the full dictionary
    x = jnp.linspace(-1.0, 1.0, 5)
    full = polynomial_features(x, 3)
    local = local_polynomial_features(x, 3, 4)
    assert local.shape == full.shape == (full_dictionary_size(5, 3),)
    np.testing.assert_allclose(np.sort(local), np.sort(full))


def test_span_is_the_largest_that_fits():
    # 128 inputs, quadratic: span r has 1 + 128 + 128 (r + 1) − r (r + 1) / 2 features
    r = local_span(128, 2, 1000)
    assert r == 5 and 1 + 128 + len(local_monomial_indices(128, 2, r)) == 882
    assert 1 + 128 + len(local_monomial_indices(128, 2, r + 1)) > 1000


def test_high_dimensional_fit_is_bounded_and_low_dimensional_one_unchanged():
    key = jax.random.PRNGKey(0)
    series = jax.random.normal(key, (200, 40))
    model = cb.get_forecaster("edmd", delays=2, degree=2, max_features=300)
    fitted = model.fit(key, series)
    assert fitted.koopman.shape[0] <= 300  # the full dictionary would have 3,321
    assert np.isfinite(np.asarray(model.forecast(fitted, series[-5:], 3))).all()
    small = series[:, :3]
    a = cb.get_forecaster("edmd", delays=2, degree=2).fit(key, small)
    assert a.koopman.shape == (full_dictionary_size(6, 2),) * 2  # two taps of 3: full, 28
