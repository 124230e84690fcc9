"""Truth floors: the long-run distances between independent true runs of a system.

A forecast's free run is scored against one long true run by D_stsp and D_H
(:mod:`chaosbench.numerics._divergence`). Even a second true run of the same length does
not score 0: the estimators see sampling noise (two 50,000-step Lorenz-63 runs differ by
about 0.1 in binned D_stsp). That value is the floor under every score, and it differs
between estimators (binned KL for ≤ 3 observed dimensions, Gaussian-mixture KL above) and
between systems. Rows divide by it (``d_stsp_norm``: 1 = as close as another true
trajectory), so normalised values share one scale across systems and estimators, and a
free run is judged on the attractor when it is within a documented multiple of it
(:data:`chaosbench.numerics._evaluate.ON_ATTRACTOR_FACTOR`).

The floor runs are drawn as the datasets of protocol v5 draw their trajectories: each
starts from its own small kick of the end of the facts' orbit and runs a protocol
separation (:meth:`chaosbench.numerics._protocol.Protocol.separation`: at least 20
Lyapunov times and 10 periods) before it is sampled, so the runs are independent draws
from the invariant measure. Every ordered pair of runs gives one value; the floor is
their median, and the values are stored beside it.
"""

from __future__ import annotations

import itertools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..base._system import AbstractSystem
from ..numerics._divergence import (
    BINNED_MAX_DIM,
    attractor_divergence,
    binned_kl,
    gmm_kl,
    spectrum_distance,
)
from ..numerics._integrate import IntegratorSettings, advance_batch, sample_batch_from
from ..numerics._protocol import Protocol

# The estimators a floor is stored for, by the name a metric's `floor` refers to.
ESTIMATORS = ("attractor_divergence", "binned_kl", "gmm_kl", "spectrum_distance")


@jax.jit
def _pair_arrays(runs, z_runs, first, second):
    """Every estimator on the pairs ``(first[i], second[i])`` of runs, in one program:
    ``(pairs,)`` arrays by name (the first run of a pair plays the forecast)."""

    def one(a, b):
        za, zb = z_runs[a], z_runs[b]
        out = {
            "attractor_divergence": attractor_divergence(za, zb),
            "gmm_kl": gmm_kl(za, zb),
            "spectrum_distance": spectrum_distance(runs[a], runs[b]),
        }
        if z_runs.shape[-1] <= BINNED_MAX_DIM:
            out["binned_kl"] = binned_kl(za, zb)
        return out

    return jax.lax.map(lambda ab: one(ab[0], ab[1]), jnp.stack([first, second], axis=1))


def _pair_values(runs: np.ndarray, z_runs: np.ndarray) -> dict[str, list[float | None]]:
    """Each estimator over every ordered pair (a, b) of runs: a plays the forecast
    (``binned_kl`` is ``None`` above 3 observed dimensions)."""
    pairs = np.asarray(list(itertools.permutations(range(len(runs)), 2)))
    values = _pair_arrays(jnp.asarray(runs), jnp.asarray(z_runs), pairs[:, 0], pairs[:, 1])
    out: dict[str, list[float | None]] = {}
    for name in ESTIMATORS:
        if name in values:
            out[name] = [float(v) for v in np.asarray(values[name])]
        else:
            out[name] = [None] * len(pairs)
    return out


def truth_floors(
    system: AbstractSystem,
    y_end,
    t_end: float,
    period: float,
    max_lyapunov: float,
    dt: float,
    mean: np.ndarray,
    std: np.ndarray,
    settings: Any,
    integ: IntegratorSettings | None = None,
    coordinates: Any = None,
) -> dict[str, Any]:
    """The truth floors of ``system`` (see the module docstring).

    **Arguments:**

    - `system`: the system.
    - `y_end`, `t_end`: a state on the attractor and its time (the end of the facts' orbit).
    - `period`, `max_lyapunov`: the facts (they set the separation).
    - `dt`: the benchmark's sampling interval.
    - `mean`, `std`: the observed attractor statistics (for z-scoring, as D_stsp does).
    - `settings`: the :class:`chaosbench.catalogue._facts.FactsSettings` (``floor_runs``,
      ``floor_steps``, ``floor_perturbation``, tolerances).
    - `integ`: the integrator (default: dopri8 at the settings' tolerances).
    - `coordinates`: the observed coordinates the distances are taken on (``None``: all;
      `mean` and `std` are then of these coordinates): a one-variable task's floors
      (:mod:`chaosbench.catalogue._coordinate_floors`).

    **Returns:**

    A JSON-serialisable dict: the median over pairs for each estimator name in
    :data:`ESTIMATORS` (``binned_kl`` is ``None`` above 3 observed dimensions, where
    D_stsp does not use it), ``pairs`` (every pair's value per estimator), ``runs``,
    ``steps``, ``dt`` and ``separation``.
    """
    if integ is None:
        integ = IntegratorSettings(solver="dopri8", rtol=settings.rtol, atol=settings.atol)
    y_end = np.asarray(y_end, dtype=float)
    rng = np.random.default_rng(0)
    kicks = rng.standard_normal((settings.floor_runs, y_end.size))
    starts = y_end + settings.floor_perturbation * kicks * (np.abs(y_end) + 1.0)
    separation = Protocol().separation({"period": period, "max_lyapunov": max_lyapunov})
    y = advance_batch(system, jnp.asarray(starts), t_end, separation, integ)
    t0s = jnp.full((settings.floor_runs,), t_end + separation)
    runs = np.asarray(
        system.wrap_phases(sample_batch_from(system, y, t0s, dt, settings.floor_steps, integ))
    )
    if coordinates is not None:
        runs = runs[..., list(coordinates)]
    z_runs = (runs - np.asarray(mean)) / np.asarray(std)
    pairs = _pair_values(runs, z_runs)
    floors: dict[str, Any] = {}
    for name, values in pairs.items():
        finite = [v for v in values if v is not None and np.isfinite(v)]
        floors[name] = float(np.median(finite)) if finite else None
    return {
        **floors,
        "pairs": pairs,
        "runs": settings.floor_runs,
        "steps": settings.floor_steps,
        "dt": float(dt),
        "separation": float(separation),
    }
