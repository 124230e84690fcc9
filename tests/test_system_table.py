"""The generated table of system invariants: complete, current, and checked against the
literature and the dysts catalogue.

The table (``chaosbench/data/system_facts.json``) is written by ``make systems``; these tests
read it rather than recompute 130+ spectra. A ``slow`` test recomputes a sample.
"""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chaosbench as cb
from chaosbench import sampling_interval
from chaosbench.catalogue import _facts
from chaosbench.catalogue._validate import verdict
from helpers import all_systems, dysts_catalogue

TABLE = json.loads(_facts.TABLE.read_text()) if _facts.TABLE.exists() else {}

# Systems that are registered (dysts lists them) but fail the benchmark's own checks; the
# README lists them with the reason. The runner leaves them out of "all" suites.
EXCLUDED: dict[str, str] = {
    "circadian_rhythm-v2": "periodic at the catalogue's parameters: λ_max ≈ 9e-5 ± 4e-5",
    "forced_fitz_hugh_nagumo-v2": "entrained by its forcing: λ_max = 0 (the phase direction), "
    "the next exponent negative",
    "forced_van_der_pol-v2": "entrained by its forcing: λ_max = 0, the next exponent negative",
    "pan_xu_zhou-v1": "its equilibria are stable (k = 16 < a(a − c)/(a + c) ≈ 17.3): the "
    "chaos is transient and trajectories settle on a fixed point",
    "torus-v1": "a quasi-periodic torus: the whole spectrum is 0",
    "tsucs2-v1": "λ_max = 0.025 ± 0.0085: not clearly positive at the catalogue's parameters",
    # Below the tangent screen (λ_max · period < 0.03) and not confirmed by two trajectories
    # over 2000 periods × 3 starts (chaosbench/data/two_trajectory.json):
    "ca_two_plus_quasiperiodic-v1": "quasi-periodic: λ̂ · period = 0.0006 (tangent 0.005)",
    "dequan_li-v1": "regular: λ̂ = −5e-4 from all three starts (tangent λ_max · period 0.010)",
    "henon_heiles-v1": "mostly regular at this energy: λ̂ · period = 0.006 (two of three "
    "starts 3e-4, one 2e-3); under facts v4 confirmed, but its truth floor of D_stsp is "
    "−2.3e-5 (not positive)",
    "stick_slip_oscillator-v2": "regular: λ̂ = −0.043 from all three starts over 2000 "
    "periods (its tangent facts, across the friction's jump, turn non-finite under facts v4 "
    "and timed out at 900 s before)",
    "kawczynski_strizhak-v1": "regular: λ̂ = 1e-6 ± 7e-6 (tangent λ_max · period 0.015)",
    "sprott_a-v1": "dysts' initial condition lies on a torus of the Nosé–Hoover flow: "
    "λ̂ · period = 0.002 (nose_hoover-v1's starts are in the chaotic sea)",
    # Its dataset's starts leave the attractor (chaosbench/data/leaks.json):
    "sakarya-v1": "the attractor leaks: 1 of the 22 starts of its dataset under facts v4 "
    "escapes to |x| ~ 7e5 after 4,446 time units (v5 on facts v3: 2 of 22; v4: 3 of 22)",
    # Facts v3 (λ_max from four independent stretches of one orbit) scatter more than v2's
    # four points of one stretch did: no longer clearly above zero.
    "coullet-v1": "λ_max = 0.073 ± 0.031 over 4 independent starts: not clearly positive "
    "(v2: passed)",
}


TABULATED = tuple(s for s in all_systems if s in TABLE)
TIMED_OUT = "took longer than"


def test_foundation_systems_are_tabulated():
    from helpers import FOUNDATION_SYSTEMS

    assert set(FOUNDATION_SYSTEMS) <= set(TABLE)


@pytest.mark.slow
def test_every_registered_system_is_tabulated():
    """The whole catalogue has entries whose computation finished (`make systems`)."""
    missing = [s for s in all_systems if s not in TABLE]
    unfinished = [s for s in TABULATED if TIMED_OUT in TABLE[s].get("verdict", "")]
    assert not missing and not unfinished, (missing, unfinished)


@pytest.mark.parametrize("system_id", TABULATED)
def test_table_entry_is_current(system_id):
    system = cb.get_system(system_id)
    entry = TABLE[system_id]
    assert entry["key"] == _facts.system_key(system, _facts.FactsSettings()), (
        f"the table's facts for {system_id} are stale (parameters, initial condition or code "
        "changed): run `make systems`"
    )
    if "max_lyapunov" not in entry:
        return  # an entry that timed out (tested as skipped by the checks below)
    assert entry["dt"] == sampling_interval(entry["period"], entry["max_lyapunov"]), (
        f"the table's dt for {system_id} predates the sampling rule: run `make systems`"
    )


def test_sampling_interval_resolves_period_and_lyapunov_time():
    # Lorenz-63-like: the period (0.76) is shorter than 5 Lyapunov times (5.5): period / 100
    assert sampling_interval(0.76, 0.9) == pytest.approx(0.0076)
    # Ikeda-like: a 300-unit spectral peak, λ = 0.45: 5 t_λ = 11.1 time units / 100
    assert sampling_interval(300.0, 0.45) == pytest.approx(5 / 0.45 / 100)
    assert sampling_interval(2.0, 0.0) == pytest.approx(0.02)  # no positive λ: the period
    # the shipped table: Ikeda's delay system gets at least 20 points per Lyapunov time
    # (v1: 0.7; facts v3's 300-unit peak hit the cap, facts v4's mean period is below it)
    ikeda = TABLE["ikeda_delay-v1"]
    assert ikeda["dt"] * ikeda["max_lyapunov"] <= 0.05 * (1 + 1e-9)


@pytest.mark.parametrize("system_id", TABULATED)
def test_chaotic_and_bounded(system_id):
    entry = TABLE[system_id]
    if TIMED_OUT in entry["verdict"]:
        pytest.skip(f"{system_id}: facts not computed yet ({entry['verdict']}); `make systems`")
    if system_id in EXCLUDED:
        assert not verdict(entry).ok, f"{system_id} passes now: drop it from EXCLUDED"
        return
    judged = verdict(entry)
    assert judged.ok, f"{system_id}: {judged}"
    assert entry["max_lyapunov"] > 0
    assert math.isfinite(entry["max_abs"])


@pytest.mark.parametrize("system_id", all_systems)
def test_phase_coordinates_are_the_catalogues_unbounded_indices(system_id):
    """The coordinates observed as (sin, cos) are exactly those dysts marks unbounded."""
    system = cb.get_system(system_id)
    entry = next((dysts_catalogue()[a] for a in system.aliases if a in dysts_catalogue()), None)
    if entry is None:
        assert system.phase_indices == ()
        return
    assert list(system.phase_indices) == entry.get("unbounded_indices", [])
    assert len(system.phase_periods) == len(system.phase_indices)


def test_literature_values():
    """Values from the literature, not from dysts (whose estimates are known to be rough)."""
    lorenz = TABLE["lorenz63-v1"]["lyapunov_spectrum"]
    np.testing.assert_allclose(lorenz, [0.9056, 0.0, -14.5723], atol=0.01, rtol=0.01)
    assert TABLE["rossler-v1"]["max_lyapunov"] == pytest.approx(0.0714, rel=0.05)
    # Chen (a, b, c) = (35, 3, 28): λ = (2.027, 0, −12.03) (Li, Chen & Chen, IJBC 2005 / Sprott)
    chen = TABLE["chen-v1"]["lyapunov_spectrum"]
    assert chen[0] == pytest.approx(2.027, rel=0.05)
    assert sum(chen) == pytest.approx(-35 + 28 - 3, rel=0.005)  # the trace is constant


def test_disagreements_with_dysts_are_flagged():
    """Where our λ_max and dysts' differ by over 20 %, the table says so — and for Lorenz
    (dysts: 0.892 beside a spectrum starting at 1.091) ours is the literature's 0.9056."""
    dysts_lorenz = dysts_catalogue()["Lorenz"]["maximum_lyapunov_estimated"]
    ours = TABLE["lorenz63-v1"]["max_lyapunov"]
    assert abs(ours - 0.9056) < abs(dysts_lorenz - 0.9056)
    frame = pd.read_csv(Path(__file__).resolve().parents[1] / "results" / "systems.csv")
    rel = frame["relative_difference_from_dysts"]
    flagged = frame["differs_from_dysts_by_over_20pct"].astype(bool)
    assert flagged.any() and (flagged == (rel > 0.2)).all()


@pytest.mark.slow
@pytest.mark.parametrize("system_id", ["lorenz63-v1", "rossler-v1", "thomas-v1"])
def test_recomputed_sample_matches_table(system_id):
    fresh = _facts.compute_facts(cb.get_system(system_id))
    stored = TABLE[system_id]
    assert fresh["max_lyapunov"] == pytest.approx(stored["max_lyapunov"], rel=1e-6)
    assert fresh["period"] == pytest.approx(stored["period"], rel=1e-9)
