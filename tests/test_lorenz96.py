"""Lorenz-96 with 40 sites at F = 8: λ₁ by tangent dynamics on the ODE path."""

import numpy as np
import pytest

import chaosbench as cb


@pytest.mark.slow
def test_lorenz96_n40_max_lyapunov():
    """λ₁ ≈ 1.68 at F = 8, n = 40 (Lorenz & Emanuel 1998; Karimi & Paul 2010) within 5 %."""
    system = cb.get_system("lorenz96", n=40)
    settings = cb.IntegratorSettings(rtol=1e-7, atol=1e-7)
    y = cb.advance_batch(system, system.initial_condition[None], 0.0, 50.0, settings)
    ics = cb.sample_batch(system, y, 0.0, 25.0, 2, settings)[0]
    spectra = np.asarray(cb.lyapunov_spectrum_batch(system, ics, 1.0, 200, settings))
    assert spectra[:, 0].mean() == pytest.approx(1.68, rel=0.05)
