"""The leak table: systems whose benchmark datasets cannot be made, because a trajectory
from a perturbed start leaves the attractor.

The facts integrate a few starts for a few hundred periods; a dataset follows one seeded
start (perturbed by ``perturbation · (|x₀| + 1)``) through a burn-in and a long reference
orbit, and samples ``n_test + 2`` starts taken far apart along it for up to ``n_long``
samples each (:mod:`chaosbench.numerics._dataset`). An attractor that leaks (a trajectory
that wanders off it and escapes to infinity after a long stay, as ``sakarya-v1``'s did
under protocol v4: 1 of its 22 starts, 2,276 time units in) passes the facts and fails
only there, so every row of the system would be an ``error``: a failure of the system,
charged to every forecaster.

:func:`probe` integrates a dataset spec's starts exactly as
:func:`chaosbench.numerics._dataset.generate` does and records which fail and where the first
escapes (its first sample that the solver did not reach or that lies outside
``|x| ≤ MAX_ABS``). The records live in ``chaosbench/data/leaks.json``, written by
``LEAK_COMMAND`` (never by hand; :mod:`chaosbench.catalogue._leak_probe`), keyed like the
confirmations by the system's facts key: a record of a system whose code, parameters or
initial condition changed since is stale and ignored. As for the confirmations, a user's
table under ``$CHAOSBENCH_CACHE/catalogue/leaks.json`` is read first and takes the
records of systems from outside a source checkout
(:func:`chaosbench.catalogue._confirmation.destination`). The chaos check
(:func:`chaosbench.catalogue._validate.verdict`) fails a system whose current record has
an escape (:func:`leak_reason`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import diffrax
import jax.numpy as jnp
import numpy as np

from ._confirmation import find_record, read_confirmations, tables

LEAKS = Path(__file__).parents[1] / "data" / "leaks.json"
LEAK_COMMAND = "chaosbench leaks --record"
MAX_ABS = 1e6  # a trajectory leaving this box counts as unbounded (escaped)


def read_leaks(path: Path = LEAKS) -> dict[str, Any]:
    """The leak table at ``path``, by system id (empty if there is none)."""
    return read_confirmations(path)


def leak_reason(facts: dict, leaks: dict[str, Any] | None = None) -> str | None:
    """Why the system of ``facts`` fails for a leak, or ``None`` (no record, a stale
    record, or a record without escapes). ``leaks`` by system id; by default the user's
    table and the shipped one (:func:`chaosbench.catalogue._confirmation.tables`)."""
    found = tables(LEAKS) if leaks is None else [leaks]
    record = find_record(found, facts.get("id", ""), facts.get("key"))
    if record is None or record.get("key") != facts.get("key") or not record["escaped"]:
        return None
    return (
        f"{record['escaped']} of the {record['trajectories']} trajectories of its dataset "
        f"(starts perturbed by {record['perturbation']:g} · (|x₀| + 1)) leave the attractor: "
        f"the first escapes at t ≈ {record['escape_time']:.4g}, reaching |x| = "
        f"{record['escape_abs']:.3g} (the attractor leaks; `{LEAK_COMMAND} {facts['id']}`)"
    )


def probe(spec) -> dict[str, Any]:
    """Integrate the starts of dataset ``spec`` as ``generate`` does; report the escapes.

    **Returns:** a record: ``trajectories`` (how many), ``escaped`` (how many did not
    come back finite: the solve failed or blew up), ``failed`` (their indices: 0 the
    training trajectory, 1…n_test the test windows, the last the long one),
    ``escape_time`` and ``escape_abs`` of the first failed one (the time of its first
    sample not reached or beyond ``MAX_ABS``, and the largest |x| before it; a start that
    the reference orbit never reached is probed on the leg that leads to it, sampled at
    the dataset's ``dt``),
    ``perturbation``, ``dataset_spec`` (its hash).
    """
    from ..numerics._dataset import dataset_system
    from ..numerics._integrate import IntegratorSettings, _solve
    from ..numerics._starts import (
        failed_trajectories,
        initial_conditions,
        integrate_starts,
        seeded_start,
        trajectory_lengths,
    )

    system = dataset_system(spec)
    ics = initial_conditions(spec, system)
    trajs = integrate_starts(spec, system, ics)
    failed = failed_trajectories(spec, trajs)
    record: dict[str, Any] = {
        "trajectories": len(trajs),
        "escaped": len(failed),
        "failed": failed,
        "perturbation": spec.perturbation,
        "dataset_spec": spec.hash,
        "escape_time": None,
        "escape_abs": None,
    }
    if failed:
        # The same solve, keeping what the solver reached before it failed: the failed
        # trajectory's own, or, if its start was never reached, the reference orbit's leg.
        starts, times = np.asarray(ics[0]), np.asarray(ics[1])
        k = failed[0]
        if np.isfinite(starts[k]).all():
            y0, t0, n = starts[k], times[k], trajectory_lengths(spec)[k]
        else:
            y0 = np.asarray(seeded_start(spec, system)) if k == 0 else starts[k - 1]
            t0 = 0.0 if k == 0 else times[k - 1]
            n = int(np.ceil((times[k] - t0) / spec.dt)) + 1
        ts = t0 + spec.dt * jnp.arange(n, dtype=jnp.float64)
        settings = IntegratorSettings(**dict(spec.integrator))
        sol = _solve(system, jnp.asarray(y0), ts[0], ts[-1], diffrax.SaveAt(ts=ts), settings)
        size = np.abs(np.asarray(sol.ys)).max(axis=1)  # inf or NaN where not reached
        k = int(np.argmin(size <= MAX_ABS))  # the first sample not reached or beyond
        record["escape_time"] = float(ts[k])
        record["escape_abs"] = float(size[:k].max()) if k else float("nan")
    return record
