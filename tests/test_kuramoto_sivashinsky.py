"""Kuramoto–Sivashinsky: ETDRK4 against exact solutions, conservation, chaos."""

import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench.systems._spatiotemporal import _etdrk4_coefficients

SETTINGS = cb.IntegratorSettings()


def test_linear_mode_is_exact():
    """A single Fourier mode of amplitude ε decays/grows as exp((k² − k⁴) t) up to the
    O(ε) relative effect of the nonlinearity: ETDRK4 treats the linear part exactly
    (m = 1, 2 grow, m = 5 decays)."""
    system = cb.get_system("kuramoto_sivashinsky")
    x = system.grid
    eps = 1e-100  # the nonlinear term, O(ε²), is then far below round-off
    for m in (1, 2, 5):
        k = 2 * np.pi * m / system.length
        u0 = eps * jnp.cos(k * x)
        u = cb.advance_batch(system, u0[None], 0.0, 10.0, SETTINGS)[0]
        exact = u0 * np.exp((k**2 - k**4) * 10.0)
        # Relative to the initial amplitude: a decaying mode falls e⁻²¹-fold, while FFT
        # round-off (1e-16) seeds the unstable modes 1–3, which grow.
        assert float(jnp.abs(u - exact).max()) / eps < 1e-10


def test_contour_coefficients():
    """The contour-integral φ-functions equal the direct formulas where those are
    accurate (|hL| ≥ 1) and reduce to RK4's weights as hL → 0."""
    h = 0.25
    linear = jnp.asarray([-400.0, -8.0, 4.0, 0.0])
    e, e2, q, f1, f2, f3 = _etdrk4_coefficients(linear, h)
    z = h * linear[:3]
    np.testing.assert_allclose(q[:3], h * (jnp.exp(z / 2) - 1) / z, rtol=1e-12)
    np.testing.assert_allclose(
        f1[:3], h * (-4 - z + jnp.exp(z) * (4 - 3 * z + z**2)) / z**3, rtol=1e-10
    )
    np.testing.assert_allclose(f2[:3], h * (2 + z + jnp.exp(z) * (-2 + z)) / z**3, rtol=1e-10)
    np.testing.assert_allclose(
        f3[:3], h * (-4 - 3 * z - z**2 + jnp.exp(z) * (4 - z)) / z**3, rtol=1e-10
    )
    np.testing.assert_allclose([q[3], f1[3], f2[3], f3[3]], [h / 2, h / 6, h / 6, h / 6])


@pytest.mark.parametrize("system_id", ["kuramoto_sivashinsky-v1", "kuramoto_sivashinsky_l100-v1"])
def test_bounded_and_mean_conserved(system_id):
    system = cb.get_system(system_id)
    y = cb.advance_batch(system, system.initial_condition[None], 0.0, 200.0, SETTINGS)
    traj = np.asarray(cb.sample_batch(system, y, 0.0, 1.0, 200, SETTINGS))[0]
    assert traj.shape == (200, system.n)
    assert np.isfinite(traj).all() and np.abs(traj).max() < 10
    assert np.abs(traj.mean(axis=1)).max() < 1e-10  # the zero mode is conserved
    assert traj.std() > 0.5  # left the small initial condition: turbulent


def test_l22_is_chaotic_short_run():
    """λ₁ > 0 from one initial condition and 500 time units (cheap)."""
    system = cb.get_system("kuramoto_sivashinsky")
    y = cb.advance_batch(system, system.initial_condition[None], 0.0, 300.0, SETTINGS)
    spectrum = np.asarray(cb.lyapunov_spectrum_batch(system, y, 10.0, 50, SETTINGS))[0]
    assert spectrum.shape == (8,)
    assert 0.02 < spectrum[0] < 0.08


@pytest.mark.slow
def test_l22_max_lyapunov():
    """λ₁ of L = 22 from 4 initial conditions × 5000 time units.

    The literature gives 0.043 (Ding et al. 2016, PRL 117: 024101; Edson et al. 2019) to
    0.048 (Cvitanović et al. 2010). We measure 0.0486 ± 0.0003 (h = 0.25, 64 points),
    0.0514 with h = 0.1 and 0.0496 with 96 points, while λ₆…λ₈ = −0.186, −0.252, −0.290
    match Ding et al.'s −0.186, −0.256, −0.291: the upper bound is 0.048 + 5 %.
    """
    system = cb.get_system("kuramoto_sivashinsky")
    y = cb.advance_batch(system, system.initial_condition[None], 0.0, 500.0, SETTINGS)
    ics = cb.sample_batch(system, y, 0.0, 100.0, 4, SETTINGS)[0]
    spectra = np.asarray(cb.lyapunov_spectrum_batch(system, ics, 10.0, 500, SETTINGS))
    assert 0.043 <= spectra[:, 0].mean() <= 0.048 * 1.05
    assert spectra.mean(axis=0)[5] == pytest.approx(-0.186, rel=0.03)
