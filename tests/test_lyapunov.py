"""Lyapunov spectra and periods against literature values."""

import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench import kaplan_yorke_dimension


@pytest.fixture(scope="module")
def lorenz_facts():
    return cb.get_facts(cb.get_system("lorenz63"))


def test_lorenz63_spectrum(lorenz_facts):
    """λ₁ = 0.9056 (Sprott 2003) within 1 %, λ₂ ≈ 0, Σλ = −(σ + 1 + β) within 0.5 %."""
    system = cb.get_system("lorenz63")
    spectrum = np.asarray(lorenz_facts["lyapunov_spectrum"])
    assert spectrum[0] == pytest.approx(0.9056, rel=0.01)
    assert abs(spectrum[1]) < 0.01
    trace = -(system.sigma + 1 + system.beta)
    assert spectrum.sum() == pytest.approx(trace, rel=0.005)
    assert spectrum[2] == pytest.approx(-14.5723, rel=0.01)
    assert lorenz_facts["lyapunov_time"] == pytest.approx(1 / spectrum[0])


def test_lorenz63_spectrum_exact_beta():
    """With β = 8/3 the sum is −41/3 up to integration error."""
    system = cb.get_system("lorenz63", beta=8 / 3)
    y0 = cb.advance_batch(
        system,
        system.initial_condition[None],
        0.0,
        20.0,
        cb.IntegratorSettings(rtol=1e-8, atol=1e-8),
    )
    spectrum = np.asarray(
        cb.lyapunov_spectrum_batch(
            system, y0, 0.5, 100, cb.IntegratorSettings(rtol=1e-8, atol=1e-8)
        )
    )[0]
    assert spectrum.sum() == pytest.approx(-41 / 3, rel=1e-5)


def test_rossler_max_lyapunov():
    """Rössler (a = b = 0.2, c = 5.7): λ₁ = 0.0714 (Sprott 2003) within 5 %."""
    facts = cb.get_facts(cb.get_system("rossler"))
    assert facts["max_lyapunov"] == pytest.approx(0.0714, rel=0.05)


def test_dominant_period_of_a_sine():
    t = np.arange(4096) * 0.01
    x = np.stack([np.sin(2 * np.pi * t / 0.8), np.cos(2 * np.pi * t / 0.8)], axis=1)
    assert cb.dominant_period(x, 0.01) == pytest.approx(0.8, rel=0.01)


def test_dominant_period_ignores_a_trend_the_window_cannot_resolve():
    """A slow component with fewer than MIN_CYCLES cycles in the window is a trend, not the
    period, however strong (a Lorenz-type lobe switch, a drift): the period is the
    oscillation's. Without the guard the slow bin wins (checked below)."""
    t = np.arange(4096) * 0.01  # window 40.96: the slow term completes 2 cycles
    slow = 5.0 * np.sin(2 * np.pi * t / 20.48)
    x = np.stack([slow + np.sin(2 * np.pi * t / 0.8), slow + np.cos(2 * np.pi * t / 0.8)], 1)
    assert cb.dominant_period(x, 0.01) == pytest.approx(0.8, rel=0.01)
    # counted, the slow term's power (25 to the oscillation's 1) pulls the mean frequency
    # down: the period is Σ P / Σ f P = 26 / (25 / 20.48 + 1 / 0.8)
    expected = 26 / (25 / 20.48 + 1 / 0.8)
    assert cb.dominant_period(x, 0.01, min_cycles=1) == pytest.approx(expected, rel=0.01)


def test_the_period_does_not_jump_between_two_comparable_bumps():
    """Noise shaped into two spectral bumps of equal power (periods 0.8 and 2): one
    realisation's peak lands on either bump depending on the draw (facts v3's
    instability); the mean period stays near 1 / 0.875, the reciprocal of the mean
    frequency of the two bumps."""
    n, dt = 16384, 0.02
    f = np.fft.rfftfreq(n, dt)
    shape = np.exp(-0.5 * ((f - 1.25) / 0.05) ** 2) + np.exp(-0.5 * ((f - 0.5) / 0.05) ** 2)
    peaks, means = [], []
    for seed in range(8):
        rng = np.random.default_rng(seed)
        z = (rng.normal(size=f.size) + 1j * rng.normal(size=f.size)) * np.sqrt(shape)
        x = np.fft.irfft(z, n)
        power = np.abs(np.fft.rfft((x - x.mean()) * np.hanning(n))) ** 2
        peaks.append(1 / f[8 + np.argmax(power[8:])])
        means.append(cb.dominant_period(x[:, None], dt))
    assert min(peaks) < 0.85 and max(peaks) > 1.9  # the peak jumps between the bumps
    assert means == pytest.approx([1 / 0.875] * 8, rel=0.1)


def test_kaplan_yorke_dimension():
    assert kaplan_yorke_dimension(np.array([0.9056, 0.0, -14.5723])) == pytest.approx(
        2 + 0.9056 / 14.5723
    )
    assert kaplan_yorke_dimension(np.array([-1.0, -2.0])) == 0.0


@pytest.mark.parametrize("system_id", ["chua-v1", "rossler-v1"])
def test_spectrum_sum_equals_mean_divergence(system_id):
    """Σλ equals the time average of ∇·f along the attractor (Liouville). Chua's and
    Rössler's divergence varies along the orbit (−α(1 + f′(x)) − 1 and a + x − c), so this
    checks the table's spectrum against an independent quantity, not a constant trace."""
    import jax

    system = cb.get_system(system_id)
    facts = cb.get_facts(system)
    settings = cb.IntegratorSettings()
    y0 = cb.advance_batch(
        system, system.initial_condition[None], 0.0, 50 * facts["period"], settings
    )
    traj = cb.sample_batch(system, y0, 0.0, facts["dt"], 100_000, settings)[0]  # 1000 periods
    jacobian = jax.jacfwd(lambda y: system.vector_field(0.0, y, None))
    divergence = jax.vmap(lambda y: jnp.trace(jacobian(y)))(traj)
    assert float(divergence.mean()) == pytest.approx(sum(facts["lyapunov_spectrum"]), rel=0.02)
