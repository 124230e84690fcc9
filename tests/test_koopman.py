"""EDMD: exact on a linear system, for monomial dictionaries of degree 1 and 2."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb


def _torus(n):
    """Two rotations at incommensurate angles: a linear, bounded, non-decaying system."""
    a = np.zeros((4, 4))
    for i, theta in enumerate((0.3, 0.3 * np.sqrt(2))):
        c, s = np.cos(theta), np.sin(theta)
        a[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = [[c, -s], [s, c]]
    u = [np.array([1.0, 0.0, 0.0, 0.5])]
    for _ in range(n - 1):
        u.append(a @ u[-1])
    return jnp.asarray(np.array(u))


@pytest.mark.parametrize("degree,delays", [(1, 1), (2, 1), (2, 2)])
def test_exact_on_a_linear_system(degree, delays):
    u = _torus(400)
    model = cb.get_forecaster("edmd", degree=degree, delays=delays, ridge=1e-12)
    fitted = model.fit(jax.random.PRNGKey(0), u[:300])
    out = model.forecast(fitted, u[290:300], 100)
    assert out.shape == (100, 4)
    np.testing.assert_allclose(out, u[300:400], atol=1e-5)


def test_fourier_dictionary_shapes():
    u = _torus(200)
    model = cb.get_forecaster("edmd", degree=1, delays=1, n_fourier=16)
    fitted = model.fit(jax.random.PRNGKey(0), u)
    assert fitted.koopman.shape == (1 + 4 + 16, 1 + 4 + 16)
    assert model.forecast(fitted, u[-3:], 5).shape == (5, 4)
