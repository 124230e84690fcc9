"""Linear autoregression: recovers a known VAR(2) process."""

import jax
import jax.numpy as jnp
import numpy as np

import chaosbench as cb


def test_recovers_a_known_ar_process():
    rng = np.random.default_rng(0)
    a1 = np.array([[0.5, 0.2], [-0.1, 0.6]])
    a2 = np.array([[0.2, 0.0], [0.1, -0.2]])
    c = np.array([0.1, -0.2])
    n = 20_000
    u = np.zeros((n, 2))
    for t in range(1, n - 1):
        u[t + 1] = c + a1 @ u[t] + a2 @ u[t - 1] + 0.1 * rng.normal(size=2)
    model = cb.get_forecaster("linear_ar", lags=2, ridge=1e-10)
    fitted = model.fit(jax.random.PRNGKey(0), jnp.asarray(u))
    assert fitted.shape == (1 + 2 * 2, 2)
    np.testing.assert_allclose(fitted[0], c, atol=0.01)
    np.testing.assert_allclose(fitted[1:3].T, a1 - np.eye(2), atol=0.02)  # increment target
    np.testing.assert_allclose(fitted[3:5].T, a2, atol=0.02)


def test_forecast_is_the_noise_free_recursion():
    a1 = np.array([[0.9, -0.3], [0.3, 0.9]])
    u = [np.array([1.0, 0.0])]
    for _ in range(300):
        u.append(a1 @ u[-1])
    u = jnp.asarray(np.array(u))
    model = cb.get_forecaster("linear_ar", lags=3, ridge=1e-14)
    fitted = model.fit(None, u[:100])
    out = model.forecast(fitted, u[:50], 30)
    assert out.shape == (30, 2)
    np.testing.assert_allclose(out, u[50:80], atol=1e-8)
