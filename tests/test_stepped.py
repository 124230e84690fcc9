"""The stepped-system path: dispatch, step rounding, determinism, boundedness."""

import jax.numpy as jnp
import numpy as np

import chaosbench as cb
from chaosbench.base._stepped import substeps

SETTINGS = cb.IntegratorSettings()


def test_substeps_round_the_interval():
    system = cb.get_system("kuramoto_sivashinsky")  # step_size 0.25
    n, h = substeps(system, jnp.asarray(1.1))
    assert int(n) == 4 and float(h) == 1.1 / 4
    n, h = substeps(system, jnp.asarray(0.1))
    assert int(n) == 1 and float(h) == 0.1
    n, h = substeps(system, jnp.asarray(0.0))
    assert int(n) == 0 and float(h) == 0.25


def test_deterministic_and_bounded():
    system = cb.get_system("kuramoto_sivashinsky")
    y0 = jnp.stack([system.initial_condition, 1.1 * system.initial_condition])
    a = np.asarray(cb.sample_batch(system, y0, 0.0, 1.0, 300, SETTINGS))
    b = np.asarray(cb.sample_batch(system, y0, 0.0, 1.0, 300, SETTINGS))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a[:, 0], y0)  # the grid state is its own observation
    assert np.isfinite(a).all() and np.abs(a).max() < 10
    assert not np.allclose(a[0, -1], a[1, -1])  # different ICs, different trajectories


def test_advance_composes_with_sample():
    """advance(T) equals the sample at T when both use the same steps."""
    system = cb.get_system("kuramoto_sivashinsky")
    y0 = system.initial_condition[None]
    traj = cb.sample_batch(system, y0, 0.0, 1.0, 21, SETTINGS)
    y = cb.advance_batch(system, y0, 0.0, 20.0, SETTINGS)
    np.testing.assert_allclose(y[0], traj[0, -1], atol=1e-10)


def test_validation_and_dimension():
    from chaosbench.catalogue._validate import validate_system

    for system_id in ("kuramoto_sivashinsky", "mackey_glass"):
        system = cb.get_system(system_id)
        validate_system(system)
        assert isinstance(system, cb.AbstractSteppedSystem)
        assert system.dt_hint == system.step_size
    assert cb.get_system("kuramoto_sivashinsky").dimension == 64
    assert cb.get_system("mackey_glass").dimension == 10
