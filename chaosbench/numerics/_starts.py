"""Where a dataset's trajectories start and how they are sampled (dataset format 3): the
one seeded start, the start times along the reference orbit, the starts themselves and
each start's trajectory (the draw is described in :mod:`chaosbench.numerics._dataset`).
``spec`` is a :class:`~chaosbench.numerics._dataset.DatasetSpec` throughout.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ._integrate import IntegratorSettings, reference_orbit_starts, sample_batch_from


def seeded_start(spec, system) -> jnp.ndarray:
    """The one seeded start of ``spec``: the initial condition perturbed by
    ``perturbation · (|x₀| + 1) · N(0, 1)`` from ``PRNGKey(seed)``."""
    base = jnp.asarray(system.initial_condition)
    key_ic, _ = jax.random.split(jax.random.PRNGKey(spec.seed))
    scale = spec.perturbation * (jnp.abs(base) + 1.0)
    return base + scale * jax.random.normal(key_ic, base.shape, base.dtype)


def trajectory_lengths(spec) -> list[int]:
    """Samples of each trajectory: training, the ``n_test`` windows, the long run."""
    return [spec.n_train] + [spec.context + spec.horizon] * spec.n_test + [spec.n_long]


def start_times(spec) -> np.ndarray:
    """The times of the ``n_test + 2`` starts along the reference orbit (which begins at
    0 from :func:`seeded_start`).

    The first start is at ``burn_in + separation + u₀ · jitter``; each next one
    ``n · dt + separation + u_i · jitter`` after the previous, ``n`` the previous
    trajectory's number of samples (its stretch ends at ``(n - 1) · dt``), the ``u_i``
    uniform on [0, 1) from ``PRNGKey(seed)`` (folded with 1). The separation before the
    first start makes the datasets of two seeds (whose seeded starts are only
    ``perturbation`` apart) as unrelated as two trajectories of one dataset; the jitter
    (one dominant period, set by the protocol) gives every start a random phase, so that
    on a nearly periodic attractor, whose phase diffuses slowly, regular gaps do not line
    the windows up in phase with each other."""
    key = jax.random.fold_in(jax.random.PRNGKey(spec.seed), 1)
    u = np.asarray(jax.random.uniform(key, (spec.n_test + 2,), jnp.float64))
    legs = [spec.burn_in] + [n * spec.dt for n in trajectory_lengths(spec)[:-1]]
    return np.cumsum(np.asarray(legs, dtype=np.float64) + spec.separation + u * spec.jitter)


def initial_conditions(spec, system) -> tuple[jnp.ndarray, np.ndarray]:
    """The ``n_test + 2`` starts of ``spec`` (training, test windows, long) and their
    times: points of one reference orbit from :func:`seeded_start`, one compiled program.
    Starts after a failed leg are NaN."""
    times = start_times(spec)
    settings = IntegratorSettings(**dict(spec.integrator))
    starts = reference_orbit_starts(
        system, seeded_start(spec, system), np.diff(times, prepend=0.0), settings
    )
    return starts, times


def integrate_starts(spec, system, ics) -> np.ndarray:
    """Sample each start of ``ics`` (the pair of :func:`initial_conditions`) from its
    own time: ``(n_test + 2, n_max, dim)``, in state coordinates; a trajectory is used
    up to its own length (:func:`trajectory_lengths`) and NaN past it where it was
    sampled again; a start whose solve fails or blows up within its length is NaN.

    All starts are sampled in one batched program for ``n_max`` samples (the long run's).
    A start that fails there — a solve failing far past the samples its trajectory uses
    (``lid_driven_cavity_flow``'s tracer, which the solver can push through a wall of
    the cavity on a long run: 50,000 samples where a test window uses 3,060) — is
    sampled again alone for its own length only. A NaN start (after a failed leg of the
    reference orbit) is not sampled at all: its solve could only crawl to the step
    budget, in the batch and again alone, and its trajectory fails the dataset anyway.
    Datasets whose starts are finite and whose batch succeeds are untouched by this, bit
    for bit."""
    starts, times = ics
    lengths = trajectory_lengths(spec)
    settings = IntegratorSettings(**dict(spec.integrator))
    finite = np.flatnonzero(np.isfinite(np.asarray(starts)).all(axis=1))
    trajs = np.full((len(lengths), max(lengths), np.shape(starts)[1]), np.nan)
    if finite.size:
        trajs[finite] = np.asarray(
            sample_batch_from(system, starts[finite], times[finite], spec.dt, max(lengths),
                              settings)
        )  # fmt: skip
    for i in [i for i in finite if not np.isfinite(trajs[i]).all()]:
        alone = sample_batch_from(system, starts[i : i + 1], times[i : i + 1], spec.dt,
                                  lengths[i], settings)  # fmt: skip
        trajs[i] = np.nan
        trajs[i, : lengths[i]] = np.asarray(alone)[0]
    return trajs


def failed_trajectories(spec, trajs: np.ndarray) -> list[int]:
    """The indices of the trajectories of ``trajs`` (:func:`integrate_starts`) that are
    not finite over the samples they are used for (:func:`trajectory_lengths`)."""
    used = zip(trajs, trajectory_lengths(spec), strict=True)
    return [i for i, (t, n) in enumerate(used) if not np.isfinite(t[:n]).all()]
