"""Protocol v5's starts are independent, and the per-system check says so.

Measured (seed 0, the protocol's rich-task dataset; distances in training σ, medians
over all steps of all pairs; ``reference`` = independent draws of the long run;
``benchmarks/dataset_starts.py`` prints these):

==============  =========  ======================  ======================
system          reference  v4 train–test / t–t    v5 train–test / t–t
==============  =========  ======================  ======================
lorenz63        1.22       1.175 / 1.234 (pass)    1.172 / 1.202 (pass)
sprott_i        1.25       0.033 / 0.036 (fail)    1.220 / 1.175 (pass)
nose_hoover     1.30       0.053 / 0.058 (fail)    1.292 / 1.342 (pass)
bickley_jet-v2  1.39       0.161 / 0.111 (fail)    1.429 / 1.411 (pass)
==============  =========  ======================  ======================
"""

import dataclasses

import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench.catalogue._independence import aligned_distance, check_dataset, check_system
from chaosbench.numerics._dataset import generate, generate_v4
from chaosbench.numerics._starts import initial_conditions, start_times, trajectory_lengths


def _lorenz_spec(**changes):
    """Lorenz-63 with a 2-time-unit burn-in: what decides whether the v4 draw separates
    its 1e-4 kicks is λ · burn-in (here 1.8, as for a system with λ · period = 0.018 under
    the 100-period burn-in: ``nose_hoover``, ``bickley_jet``), so this cheap case leaks as
    slow chaos does; v5's separation of 25 time units is 22 Lyapunov times."""
    system = cb.get_system("lorenz63")
    kwargs = dict(
        dt=0.01, n_train=2000, n_test=6, context=200, horizon=300, n_long=4000,
        burn_in=2.0, separation=25.0, jitter=0.76, seed=0,
    )  # fmt: skip
    kwargs.update(changes)
    return cb.DatasetSpec.create(system.id, system.parameters, **kwargs)


def test_aligned_distance_is_the_rms_of_the_normalised_difference():
    a = np.zeros((2, 5, 3))
    b = np.ones((5, 3)) * np.array([1.0, 2.0, 0.0])
    d = aligned_distance(a, b[None], np.array([1.0, 2.0, 1.0]))
    np.testing.assert_allclose(d, np.sqrt(2 / 3))
    assert aligned_distance(np.zeros((7, 1)), np.ones((4, 1)), np.ones(1)).shape == (4,)


def test_slow_chaos_leaks_under_v4_and_not_under_v5():
    v4 = check_dataset(generate_v4(_lorenz_spec()))
    v5 = check_dataset(generate(_lorenz_spec()))
    assert not v4.passed and v4.ratio < 0.2, v4.summary()
    assert v5.passed and v5.ratio > 0.7, (v5.summary(), v5.reasons)
    assert 1.0 < v5.reference < 1.6  # about √2 for independent draws


def test_starts_are_far_apart_along_one_orbit():
    spec = _lorenz_spec(n_test=3, horizon=50, n_long=300)
    times = start_times(spec)
    lengths = trajectory_lengths(spec)
    assert times[0] >= spec.burn_in + spec.separation
    gaps = np.diff(times) - spec.dt * np.asarray(lengths[:-1])  # from the end of a stretch
    assert (gaps >= spec.separation).all() and (gaps < spec.separation + spec.jitter).all()
    # the starts are points of one orbit: re-integrating a short leg reaches the next one
    short = dataclasses.replace(spec, separation=0.5, jitter=0.0, burn_in=0.5)
    system = cb.get_system("lorenz63")
    starts, times = initial_conditions(short, system)
    settings = cb.IntegratorSettings()
    reached = cb.advance_batch(system, starts[:1], times[0], times[1] - times[0], settings)
    np.testing.assert_allclose(np.asarray(reached)[0], np.asarray(starts)[1], rtol=1e-6)
    # and the seeds draw different starts
    other = dataclasses.replace(spec, seed=1)
    assert not np.allclose(start_times(other), times) and other.hash != spec.hash


@pytest.mark.parametrize("system_id", ["mackey_glass-v1", "duffing-v2"])
def test_stepped_and_phase_systems_draw_finite_starts(system_id):
    """A delay system (its own fixed-step scheme) and a forced one (a phase coordinate,
    observed as sin and cos) go through the reference orbit and the sampler."""
    system = cb.get_system(system_id)
    facts = cb.get_facts(system)
    spec = cb.Protocol().dataset_spec(system, facts, cb.TASKS["rich"])
    small = dataclasses.replace(spec, n_train=200, n_test=3, context=20, horizon=30, n_long=200)
    data = generate(small)
    assert np.isfinite(data.test).all() and data.train.shape[1] == system.observed_dimension
    assert np.median(aligned_distance(data.test, data.train[None], data.std)) > 0.3


def test_protocol_separation_is_documented_and_capped():
    protocol = cb.Protocol()
    fast = protocol.separation({"period": 1.0, "max_lyapunov": 10.0})
    assert fast == pytest.approx(10.0)  # 10 periods beat 20 Lyapunov times (2.0)
    slow = protocol.separation({"period": 1.0, "max_lyapunov": 0.05})
    assert slow == pytest.approx(400.0)  # 20 Lyapunov times
    assert protocol.separation({"period": 1.0, "max_lyapunov": 1e-6}) == 2000.0  # the cap
    assert protocol.separation({"period": 2.0, "max_lyapunov": 0.0}) == 4000.0
    assert protocol.version == 5


def _check(system_id):
    system = cb.get_system(system_id)
    return check_system(system, cb.get_facts(system))


def test_sprott_i_passes_under_v5():
    found = _check("sprott_i-v1")
    assert found.passed, (found.summary(), found.reasons)


@pytest.mark.slow
@pytest.mark.parametrize("system_id", ["nose_hoover-v1", "bickley_jet-v2"])
def test_slow_chaos_systems_pass_under_v5(system_id):
    found = _check(system_id)
    assert found.passed, (found.summary(), found.reasons)


def test_every_start_of_a_hamiltonian_dataset_lies_on_one_orbit():
    """In a mixed phase space the reference orbit keeps every start on the seeded start's
    component: the starts of ``bickley_jet`` are points of one orbit (the orbit is
    re-integrated from the first start to the second), so no window sits in another
    chaotic sea or on a regular island."""
    system = cb.get_system("bickley_jet-v2")
    facts = cb.get_facts(system)
    spec = cb.Protocol().dataset_spec(system, facts, cb.TASKS["rich"])
    short = dataclasses.replace(
        spec, n_train=8, n_test=1, context=4, horizon=4, n_long=8,
        separation=20 * facts["period"], burn_in=5 * facts["period"],
    )  # fmt: skip
    starts, times = initial_conditions(short, system)
    settings = cb.IntegratorSettings()
    reached = cb.advance_batch(
        system, jnp.asarray(starts[:1]), times[0], times[1] - times[0], settings
    )
    np.testing.assert_allclose(np.asarray(reached)[0], np.asarray(starts)[1], rtol=1e-5, atol=1e-6)
