"""NG-RC's bounded dictionary: local monomials above the feature budget."""

import itertools

import jax.numpy as jnp
import numpy as np
import pytest

from chaosbench.forecasters._features import local_monomial_indices, polynomial_features
from chaosbench.forecasters._ngrc import NGRC, dictionary, feature_count


def _cyclic_window_fits(variables, dim, span):
    return any(all((v - i) % dim <= span for v in variables) for i in range(dim))


@pytest.mark.parametrize("dim,delays,degree,span", [(5, 2, 2, 1), (6, 2, 3, 2), (4, 3, 2, 1)])
def test_local_monomials_are_those_within_a_window(dim, delays, degree, span):
    found = {tuple(m) for m in local_monomial_indices(dim, delays, degree, span)}
    brute = {
        c
        for c in itertools.combinations_with_replacement(range(dim * delays), degree)
        if _cyclic_window_fits({e % dim for e in c}, dim, span)
    }
    assert found == brute


def test_local_count_grows_linearly_with_dimension():
    counts = [len(local_monomial_indices(d, 2, 3, 2)) for d in (20, 40, 80)]
    assert counts[1] == 2 * counts[0] and counts[2] == 2 * counts[1]


def test_dictionary_is_full_under_the_budget_and_local_above():
    assert dictionary(3, 2, 3, 2, 4096) is None  # Lorenz-63: 84 features, as ngrc-v1
    assert dictionary(10, 2, 3, 2, 4096) is None  # 1,771 features
    assert feature_count(64, 2, 3) > 300_000
    sizes = {}
    for d in (64, 128):
        monomials = dictionary(d, 2, 3, 2, 4096)
        sizes[d] = 1 + 2 * d + sum(len(m) for m in monomials)
    assert sizes == {64: 3137, 128: 3201}  # span 2 for 64 variables, span 1 for 128


def test_a_64_variable_fit_stays_small():
    """KS-sized input: the design matrix has the bounded number of columns."""
    rng = np.random.default_rng(0)
    train = jnp.asarray(rng.normal(size=(200, 64)))
    model = NGRC(delays=2, max_features=600, span=1)
    fitted = model.fit(None, train)
    monomials = dictionary(64, 2, 3, 1, 600)
    assert fitted.shape == (1 + 128 + sum(len(m) for m in monomials), 64)
    assert fitted.shape[0] == len(polynomial_features(train[0].repeat(2), 3, monomials))
    assert model.forecast(fitted, train[-10:], 5).shape == (5, 64)
