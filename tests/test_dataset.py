"""Datasets are deterministic functions of their spec, and the cache can't go stale."""

import dataclasses

import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench.numerics import _dataset, _integrate, _starts


def _spec(**changes):
    system = cb.get_system("lorenz63")
    kwargs = dict(
        dt=0.01, n_train=300, n_test=3, context=50, horizon=100, n_long=200, burn_in=10.0, seed=0
    )
    kwargs.update(changes)
    return cb.DatasetSpec.create(system.id, system.parameters, **kwargs)


def test_same_spec_gives_bit_identical_arrays(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAOSBENCH_CACHE", str(tmp_path))
    a = cb.make_dataset(_spec(), use_cache=False)
    b = cb.make_dataset(_spec(), use_cache=False)
    for name in ("train", "test", "long", "mean", "std"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    cached = cb.make_dataset(_spec())  # written to the cache
    again = cb.make_dataset(_spec())  # read back
    assert np.array_equal(cached.test, a.test) and np.array_equal(again.train, a.train)


def test_changed_spec_never_reads_old_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAOSBENCH_CACHE", str(tmp_path))
    a = cb.make_dataset(_spec())
    b = cb.make_dataset(_spec(seed=1))
    c = cb.make_dataset(_spec(dt=0.02))
    assert _spec().hash != _spec(seed=1).hash != _spec(dt=0.02).hash
    assert not np.array_equal(a.train, b.train)
    assert not np.array_equal(a.train, c.train)
    assert len(list((tmp_path / "datasets").glob("*.npz"))) == 3


def test_corrupted_cache_is_regenerated(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAOSBENCH_CACHE", str(tmp_path))
    good = cb.make_dataset(_spec())
    path = _dataset._path(_spec())
    path.write_bytes(path.read_bytes()[:100])  # truncated file
    again = cb.make_dataset(_spec())
    assert np.array_equal(again.train, good.train)


def test_layout_and_independence():
    data = cb.make_dataset(_spec(), use_cache=False)
    assert data.train.shape == (300, 3)
    assert data.test.shape == (3, 150, 3)
    assert data.long.shape == (200, 3)
    assert data.contexts.shape == (3, 50, 3) and data.truths.shape == (3, 100, 3)
    np.testing.assert_allclose(data.normalise(data.train).mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(data.normalise(data.train).std(0), 1, atol=1e-12)
    # test windows come from their own initial conditions, not from the training trajectory
    for window in data.test:
        distances = np.linalg.norm(data.train[:, None] - window[None, :5], axis=-1)
        assert distances.min() > 1e-6


def test_noise_touches_training_data_only():
    clean = cb.make_dataset(_spec(), use_cache=False)
    noisy = cb.make_dataset(_spec(noise=0.1), use_cache=False)
    assert not np.array_equal(clean.train, noisy.train)
    np.testing.assert_array_equal(clean.truths, noisy.truths)
    np.testing.assert_array_equal(clean.long, noisy.long)


def _fail_in_batch(monkeypatch, start, after, alone_too=False):
    """Make the batched sampling (all starts, the longest length) of ``_dataset`` go NaN
    for ``start`` from sample ``after`` on, as a solve failing late would; with
    ``alone_too``, the one-start re-sampling fails the same way."""
    real = _starts.sample_batch_from

    def sample(system, y0s, t0s, dt, n, settings):
        out = np.array(real(system, y0s, t0s, dt, n, settings))
        if len(y0s) > 1:
            out[start, after:] = np.nan
        elif alone_too:
            out[0, after:] = np.nan
        return out

    monkeypatch.setattr(_starts, "sample_batch_from", sample)


def test_a_start_failing_past_its_length_is_sampled_again_alone(monkeypatch):
    """A test window (150 samples) whose batched solve (300 samples, the training
    length) fails at sample 160 is re-sampled alone for its 150: the dataset is the
    untouched batch's except for that window, which is the one-start solve's."""
    spec = _spec()
    clean = _dataset.generate(spec)
    _fail_in_batch(monkeypatch, start=2, after=160)
    data = _dataset.generate(spec)
    for name in ("train", "long", "mean", "std"):
        assert np.array_equal(getattr(data, name), getattr(clean, name))
    assert np.array_equal(data.test[[0, 2]], clean.test[[0, 2]])
    system = _dataset.dataset_system(spec)
    starts, times = _starts.initial_conditions(spec, system)
    settings = cb.IntegratorSettings(**dict(spec.integrator))
    alone = _integrate.sample_batch_from(system, starts[2:3], times[2:3], spec.dt, 150, settings)
    assert np.array_equal(data.test[1], np.asarray(alone)[0])
    np.testing.assert_allclose(data.test[1], clean.test[1], rtol=1e-6, atol=1e-6)


def test_a_start_failing_within_its_length_is_an_error(monkeypatch):
    _fail_in_batch(monkeypatch, start=2, after=100, alone_too=True)
    with pytest.raises(FloatingPointError, match=r"1 of its 5 trajectories \(indices \[2\]"):
        _dataset.generate(_spec())


def test_starts_after_a_failed_leg_are_not_sampled(monkeypatch):
    """A reference orbit failing at its fourth leg makes the starts from there NaN: they
    are never handed to a solve (which could only crawl to the step budget) and the
    dataset fails naming them."""
    real_orbit, real_sample, batches = _starts.reference_orbit_starts, _starts.sample_batch_from, []

    def orbit(*args):
        return (
            np.asarray(real_orbit(*args)).copy() * np.where(np.arange(5) < 3, 1.0, np.nan)[:, None]
        )

    def sample(system, y0s, *args):
        batches.append(np.asarray(y0s))
        return real_sample(system, y0s, *args)

    monkeypatch.setattr(_starts, "reference_orbit_starts", orbit)
    monkeypatch.setattr(_starts, "sample_batch_from", sample)
    with pytest.raises(FloatingPointError, match=r"2 of its 5 trajectories \(indices \[3, 4\]"):
        _dataset.generate(_spec())
    assert [len(b) for b in batches] == [3] and np.isfinite(batches[0]).all()


def test_bad_spec_is_refused():
    with pytest.raises(ValueError, match="n_train"):
        _spec(n_train=0)
    with pytest.raises(ValueError, match="dt"):
        _spec(dt=-1.0)


def test_phase_coordinates_are_observed_as_sin_and_cos(tmp_path, monkeypatch):
    """A forcing phase grows without bound; datasets see it as sin θ in its slot plus an
    appended cos θ (bounded, smooth, one-to-one), on numpy and jax arrays alike."""
    duffing = cb.get_system("duffing")
    assert duffing.phase_indices == (2,) and duffing.observed_dimension == 4
    state = np.array([[0.5, -1.0, np.pi / 6], [1.5, 2.0, 1000.0]])
    expected = np.array(
        [[0.5, -1.0, 0.5, np.cos(np.pi / 6)], [1.5, 2.0, np.sin(1000.0), np.cos(1000.0)]]
    )
    np.testing.assert_allclose(duffing.wrap_phases(state), expected, atol=1e-15)
    np.testing.assert_allclose(np.asarray(duffing.wrap_phases(jnp.asarray(state))), expected)
    assert state[1, 2] == 1000.0  # the input is not modified
    lorenz = cb.get_system("lorenz63")
    assert lorenz.wrap_phases(state) is state and lorenz.observed_dimension == 3

    monkeypatch.setenv("CHAOSBENCH_CACHE", str(tmp_path))
    spec = cb.DatasetSpec.create(
        duffing.id, duffing.parameters, dt=0.05, n_train=400, n_test=2, context=20,
        horizon=30, n_long=100, burn_in=50.0, seed=0,
    )  # fmt: skip
    data = cb.make_dataset(spec, use_cache=False)
    assert data.train.shape == (400, 4) and data.long.shape == (100, 4)
    np.testing.assert_allclose(data.long[:, 2] ** 2 + data.long[:, 3] ** 2, 1.0, atol=1e-12)
    assert np.abs(data.train).max() < 10  # θ itself (≈ 1.4 t) would reach 70


def _fragile_dataset(system_id, perturbation):
    """A protocol dataset of ``system_id`` (18 starts, 100-period burn-in), barely sampled."""
    system = cb.get_system(system_id)
    spec = cb.Protocol().dataset_spec(system, cb.get_facts(system), cb.TASKS["rich"])
    short = dataclasses.replace(
        spec, n_train=8, n_test=16, context=4, horizon=4, n_long=8, perturbation=perturbation
    )
    return cb.make_dataset(short, use_cache=False)


@pytest.mark.parametrize("system_id", ["sprott_jerk-v1", "sprott_q-v1"])
def test_protocol_starts_stay_in_a_fragile_basin(system_id):
    """Protocol v2's 1e-4 kicks keep every start of these basin-fragile systems on the
    attractor through the 100-period burn-in (see the slow test for v1's 1e-2)."""
    assert np.isfinite(_fragile_dataset(system_id, cb.Protocol().perturbation).test).all()


@pytest.mark.slow  # escaping trajectories make the solver crawl: ~70 s each
@pytest.mark.parametrize("system_id", ["sprott_jerk-v1", "sprott_q-v1"])
def test_protocol_v1_starts_left_a_fragile_basin(system_id):
    with pytest.raises(FloatingPointError, match="non-finite"):
        _fragile_dataset(system_id, 1e-2)


@pytest.mark.parametrize("system_id", ["lorenz63-v1", "duffing-v2", "mackey_glass-v1"])
def test_one_solve_burn_in_matches_advance_then_sample(system_id):
    """Datasets burn in and sample in one solve; on a short stretch (little chaotic
    growth) that equals advancing and then sampling to within the solver's tolerance
    (an ODE, a forced ODE whose clock must carry on through the burn-in, a delay system)."""
    system = cb.get_system(system_id)
    settings = cb.IntegratorSettings()
    y0 = jnp.asarray(system.initial_condition)[None]
    one = cb.burn_in_and_sample_batch(system, y0, 0.0, 1.5, 0.05, 40, settings)
    y = cb.advance_batch(system, y0, 0.0, 1.5, settings)
    two = cb.sample_batch(system, y, 1.5, 0.05, 40, settings)
    np.testing.assert_allclose(one, two, rtol=1e-6, atol=1e-6)


@pytest.mark.slow  # a 50,000-sample batch of 22 starts on a stiff tracer: ~4 min
def test_lid_driven_cavity_windows_survive_a_late_wall_crossing():
    """Seed 2 of ``lid_driven_cavity_flow``'s rich dataset: its batched solve of test
    window 18 fails far past the window's 3,060 samples (the tracer crosses a cavity
    wall on the 50,000-sample run); sampled again alone for its own length it is finite,
    and every window stays inside the cavity (0 ≤ x ≤ a, |y| ≤ b)."""
    from chaosbench.harness._runner import check_systems
    from chaosbench.harness._suite import get_suite

    system_id = "lid_driven_cavity_flow-v2"
    facts = check_systems([system_id], strict=True, log=lambda *a: None)[system_id]
    system = cb.get_system(system_id)
    spec = get_suite("catalogue").protocol.dataset_spec(system, facts, "rich", seed=2)
    trajs = _starts.integrate_starts(spec, system, _starts.initial_conditions(spec, system))
    window = spec.context + spec.horizon  # window 18 alone: sampled again, NaN past it
    assert np.isfinite(trajs[18, :window]).all() and np.isnan(trajs[18, window:]).all()
    assert np.isfinite(trajs[np.arange(22) != 18]).all()  # the rest: the batch's own
    data = cb.make_dataset(spec, use_cache=False)
    assert np.isfinite(data.test).all()
    assert data.test[..., 0].min() >= 0 and data.test[..., 0].max() <= system.a
    assert np.abs(data.test[..., 1]).max() <= system.b
