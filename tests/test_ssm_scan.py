"""The two linear scans of the state-space models compute the same states."""

import jax
import jax.numpy as jnp
import numpy as np

from chaosbench.forecasters._ssm import associative_linear_scan, linear_scan, sequential_linear_scan


def test_sequential_scan_equals_parallel_scan_real_and_complex():
    k1, k2, k3 = jax.random.split(jax.random.PRNGKey(0), 3)
    a = jax.random.uniform(k1, (40, 5, 3), minval=0.5, maxval=1.0)
    b = jax.random.normal(k2, (40, 5, 3))
    np.testing.assert_allclose(
        sequential_linear_scan(a, b), associative_linear_scan(a, b), rtol=1e-10, atol=1e-12
    )
    # broadcast a (states,) against b (time, states), complex as in S5
    lam = jnp.exp(-0.1 + 1j * jnp.linspace(0.0, 3.0, 4))
    bc = jax.random.normal(k3, (30, 4)) + 1j * jax.random.normal(k1, (30, 4))
    expected = np.zeros((30, 4), complex)
    x = np.zeros(4, complex)
    for k in range(30):
        x = np.asarray(lam) * x + np.asarray(bc[k])
        expected[k] = x
    np.testing.assert_allclose(sequential_linear_scan(lam, bc), expected, rtol=1e-10)
    np.testing.assert_allclose(linear_scan(lam, bc), expected, rtol=1e-10)
