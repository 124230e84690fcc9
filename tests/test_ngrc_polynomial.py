"""``benchmarks/ngrc_polynomial.py``: the test of whether a vector field is a polynomial
of degree ≤ 3, on fields with known answers."""

from math import comb

import numpy as np
from benchmark_scripts import load

script = load("ngrc_polynomial")


def test_the_monomials_up_to_degree_three_are_counted_and_valued_by_hand():
    x = np.array([[2.0, 3.0]])
    got = script.monomials(x)
    # 1, x, y, x², xy, y², x³, x²y, xy², y³
    assert got.tolist() == [[1, 2, 3, 4, 6, 9, 8, 12, 18, 27]]
    assert script.monomials(np.zeros((1, 5))).shape[1] == comb(5 + 3, 3)


def _lorenz(t, y):
    x, v, z = y.T
    return np.stack([10 * (v - x), x * (28 - z) - v, x * v - 8 / 3 * z], axis=1)


def test_lorenz_is_a_cubic_to_rounding_and_a_sine_or_a_quartic_is_not():
    mean, spread = np.array([0.0, 0.0, 23.5]), np.array([7.9, 9.0, 8.6])
    assert script.polynomial_residual(_lorenz, mean, spread) < script.TOLERANCE
    # a forced term (time-dependent) and a quartic term each leave a residual
    forced = lambda t, y: _lorenz(t, y) + np.sin(t)[:, None]  # noqa: E731
    quartic = lambda t, y: _lorenz(t, y) + 1e-3 * y[:, :1] ** 4  # noqa: E731
    assert script.polynomial_residual(forced, mean, spread) > 1e-3
    assert script.polynomial_residual(quartic, mean, spread) > 1e-3
    # a constant component (a phase's dθ/dt = 1) is fitted exactly, not divided by 0
    clock = lambda t, y: np.concatenate([_lorenz(t, y), np.ones((len(y), 1))], 1)  # noqa: E731
    four = np.append(mean, 0.0), np.append(spread, 1.0)
    assert script.polynomial_residual(lambda t, y: clock(t, y[:, :3]), *four) < 1e-8
