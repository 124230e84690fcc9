"""Truth floors of one observed coordinate, for one-variable tasks (computed once, cached).

The facts store the truth floors of the long-run distances for the full observed state
(:mod:`chaosbench.catalogue._floors`): D_stsp between two independent true runs in all
coordinates (a binned KL up to 3 dimensions, a Gaussian-mixture KL above) and D_H averaged
over all of them. A one-variable task scores its free run on one coordinate, where both
distances take other values (D_stsp is then a one-dimensional binned KL), so the
full-state floors would mis-scale its normalised columns and its on-attractor judgement.

So a one-variable task gets floors of its own, computed exactly as the facts' are (the
same estimators, ``floor_runs`` independent true runs of ``floor_steps`` steps at the
benchmark's Δ, a protocol separation apart, z-scored by the facts' attractor mean and std
of the coordinate), but on the observed coordinate alone. The runs start from the
system's initial condition after the protocol's burn-in (100 periods) rather than from
the end of the facts' orbit, which is not stored; both are points of the attractor, and
the separation makes the runs independent draws from its invariant measure either way.

They are computed the first time a one-variable task meets a system (a few seconds to a
minute of integration) and cached under ``$CHAOSBENCH_CACHE/floors/``, keyed by the
system's facts key, the λ_max and period they use, the coordinates, the facts settings
and :data:`chaosbench.numerics._task.OBSERVE_VERSION` (bump it when this code changes
the numbers; every one-variable task's run id holds it).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jax.numpy as jnp
import numpy as np

from ..base._cache import atomic_write_text, cache_dir, content_hash
from ..base._precision import float64
from ..base._system import AbstractSystem
from ..numerics._integrate import IntegratorSettings, advance_batch
from ..numerics._protocol import Protocol, sampling_interval
from ..numerics._task import OBSERVE_VERSION
from ._facts import FactsSettings
from ._floors import truth_floors


def _key(facts: Mapping[str, Any], coordinates: Sequence[int], settings: FactsSettings) -> str:
    return content_hash(
        {
            "facts_key": facts.get("key"),
            "max_lyapunov": float(facts["max_lyapunov"]),
            "period": float(facts["period"]),
            "coordinates": [int(k) for k in coordinates],
            "settings": dataclasses.asdict(settings),
            "version": OBSERVE_VERSION,
        }
    )


def floors_path(system_id: str, key: str) -> Path:
    return cache_dir() / "floors" / f"{system_id}-{key}.json"


@float64
def compute_coordinate_floors(
    system: AbstractSystem,
    facts: Mapping[str, Any],
    coordinates: Sequence[int],
    settings: FactsSettings = FactsSettings(),
) -> dict[str, Any]:
    """The truth floors of ``coordinates`` of ``system`` (see the module docstring): the
    dict of :func:`chaosbench.catalogue._floors.truth_floors` with ``coordinates``."""
    period, lam = float(facts["period"]), float(facts["max_lyapunov"])
    integ = IntegratorSettings(solver="dopri8", rtol=settings.rtol, atol=settings.atol)
    burn_in = Protocol().burn_in_periods * period
    y0 = jnp.asarray(system.initial_condition)[None]
    y_end = np.asarray(advance_batch(system, y0, 0.0, burn_in, integ))[0]
    idx = [int(k) for k in coordinates]
    mean = np.asarray(facts["mean"], dtype=float)[idx]
    std = np.asarray(facts["std"], dtype=float)[idx]
    dt = sampling_interval(period, lam, settings.points_per_period)
    floors = truth_floors(
        system, y_end, burn_in, period, lam, dt, mean, std, settings, integ, coordinates=idx
    )
    return {**floors, "coordinates": idx}


def coordinate_floors(
    system: AbstractSystem,
    facts: Mapping[str, Any],
    coordinates: Sequence[int],
    settings: FactsSettings = FactsSettings(),
) -> dict[str, Any]:
    """The truth floors of ``coordinates``: from the cache, or computed now and cached."""
    path = floors_path(system.id, _key(facts, coordinates, settings))
    if path.exists():
        try:
            return json.loads(path.read_text())
        except json.JSONDecodeError:
            path.unlink(missing_ok=True)  # a torn write: recompute
    floors = compute_coordinate_floors(system, facts, coordinates, settings)
    atomic_write_text(path, json.dumps(floors))
    return floors


def observed_facts(
    system: AbstractSystem, facts: dict[str, Any], observed: Sequence[int] | None
) -> dict[str, Any]:
    """The facts a task's scoring uses: ``facts`` for every coordinate observed, else with
    the truth floors of the ``observed`` coordinates (:func:`coordinate_floors`)."""
    if observed is None:
        return facts
    return {**facts, "truth_floor": coordinate_floors(system, facts, observed)}
