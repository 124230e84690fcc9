"""Invariants of a system computed by the suite itself: never hand-copied.

For each system: dominant period (power spectrum), sampling interval of the benchmark
(``min(period, 5 Lyapunov times) / points_per_period``), attractor mean and std, the
Lyapunov spectrum, λ_max, the Lyapunov time and the Kaplan–Yorke dimension, and the truth
floors of the long-run distances. The period and the spectrum are estimated from
``n_ics`` starts spread along one long orbit, each on its own stretch of ``n_period_samples``
samples (about 330 periods; the period is that of the median frequency of their averaged
spectrum, Welch),
and stored with their spread over the starts
(``period_per_start``, ``period_spread``, ``lyapunov_spectrum_per_ic``,
``max_lyapunov_spread``): a period that depends on where the orbit was cut shows there.
The truth floors (``truth_floor``) are the long-run distances (D_stsp by
:func:`chaosbench.numerics._divergence.attractor_divergence`, per estimator, and D_H by
:func:`~chaosbench.numerics._divergence.spectrum_distance`) between ``floor_runs``
independent true runs of ``floor_steps`` steps at the benchmark's Δ, started a protocol
separation apart (:meth:`chaosbench.numerics._protocol.Protocol.separation`): what a
forecast that is as good as the system itself scores. Rows are normalised by them.
Period, mean, std and boundedness are those of what the benchmark observes
(``system.wrap_phases``: phases as ``sin θ`` plus an appended ``cos θ``, as dysts'
statistics treat its ``unbounded_indices``); the Lyapunov spectrum is that of the
integrated state. Facts are looked up, in order, in the
table shipped with the package (``chaosbench/data/system_facts.json``), in the on-disk
cache, and otherwise computed and cached. Every entry is keyed by :func:`system_key`: the
system's own code and parameters, the settings, and :data:`FACTS_VERSION`, the explicit
version of the facts algorithm (this module, the integrator, the Lyapunov code). A change
to how facts are computed bumps it; a refactor that leaves the numbers alone does not, and
recomputes nothing. ``tests/test_facts_version.py`` guards the rule: it recomputes a
small case and fails, telling you to bump, when the numbers change under the same version.

This module is the science only; keeping the shipped table and ``results/systems.csv``
up to date is :mod:`chaosbench.catalogue._facts_table`.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import math
import threading
import time
from pathlib import Path
from typing import Any

import jax.numpy as jnp
import numpy as np

from ..base._cache import atomic_write_text, cache_dir, content_hash
from ..base._precision import float64
from ..base._stepped import AbstractSteppedSystem
from ..base._system import AbstractSystem
from ..numerics._integrate import IntegratorSettings, advance_batch, sample_batch
from ..numerics._lyapunov import dominant_period, lyapunov_spectrum_batch, n_exponents
from ..numerics._protocol import sampling_interval
from ._floors import truth_floors

TABLE = Path(__file__).parents[1] / "data" / "system_facts.json"

# The version of the facts algorithm: bump it when a change to how facts are computed (here,
# in the integrator or in the Lyapunov code) changes any number; every key then changes and
# every system is recomputed. History: 1 the first table; 2 the dominant period needs 8
# cycles in its window, phases observed; 3 period and spectrum from several starts along
# one orbit (median period, spreads stored), the clock of a forced system carried on, and
# truth floors of the long-run distances; 4 the period is that of the spectrum's median
# frequency, not its peak (a peak jumps between comparable bumps from start to start).
FACTS_VERSION = 4


@dataclasses.dataclass(frozen=True)
class FactsSettings:
    """How facts are computed (part of every facts key).

    **Arguments:**

    - `points_per_period`: the benchmark's sampling density; ``dt = min(period, 5 t_λ) /
      this`` (see :func:`chaosbench.numerics._protocol.sampling_interval`).
    - `probe_steps_per_hint`: first probe's sampling interval in units of ``dt_hint``.
    - `n_period_samples`: samples of each start's stretch of the orbit, from which its
      period is estimated (mean and std use all stretches).
    - `samples_per_period`: their density.
    - `n_ics`: starts along the orbit, one per stretch: the period is that of the median
      frequency of their averaged spectrum (Welch;
      :func:`chaosbench.numerics._lyapunov.dominant_period`),
      the Lyapunov spectrum the mean of theirs; each start's own estimates are stored.
    - `lyapunov_periods`: averaging time of each spectrum, in dominant periods.
    - `renorm_per_period`: QR re-orthonormalisations per period.
    - `rtol`, `atol`: tolerances of all integrations here.
    - `floor_runs`, `floor_steps`: independent true runs, and their length in steps of
      the benchmark's Δ, for the truth floors (``floor_steps`` is the protocol's long run).
    - `floor_perturbation`: relative kick that starts each floor run (then a protocol
      separation makes them independent).
    - `version`: of the facts algorithm, :data:`FACTS_VERSION`.
    """

    points_per_period: int = 100
    probe_steps_per_hint: int = 20
    n_period_samples: int = 2**14
    samples_per_period: int = 50
    n_ics: int = 4
    lyapunov_periods: int = 400
    renorm_per_period: int = 2
    rtol: float = 1e-9
    atol: float = 1e-9
    floor_runs: int = 6
    floor_steps: int = 50_000
    floor_perturbation: float = 1e-4
    version: int = FACTS_VERSION


_SOURCE_LOCK = threading.Lock()


@functools.cache
def _class_source(cls: type) -> str:
    """Source code of a class (its qualified name if the source is not available).

    Serialised by a lock: CPython 3.11's parser is not thread-safe (two threads parsing
    at once can raise "SystemError: AST constructor recursion depth mismatch",
    python/cpython#106905), and ``perf_systems.py`` asks for facts from worker threads.
    """
    with _SOURCE_LOCK:
        try:
            return inspect.getsource(cls)
        except (OSError, TypeError):
            return cls.__qualname__


@float64  # the initial condition is hashed as float64 whatever the caller's JAX mode
def system_key(system: AbstractSystem, settings: FactsSettings) -> str:
    """Hash of everything that determines ``system``'s facts.

    The key covers: the system's id, parameters and initial condition; the source code of
    its class (so an edited vector field is recomputed); and the settings
    (``FactsSettings``, all fields, among them ``version``, :data:`FACTS_VERSION`). The
    core's own source is not in it: a refactor recomputes nothing, and a change of the
    algorithm bumps :data:`FACTS_VERSION`.

    **Arguments:**

    - `system`: the system.
    - `settings`: how facts are computed.

    **Returns:**

    16 hex digits.
    """
    return content_hash(
        {
            "source": _class_source(type(system)),
            "id": system.id,
            "parameters": system.parameters,
            "initial_condition": np.asarray(system.initial_condition).tolist(),
            "settings": dataclasses.asdict(settings),
        }
    )


def _table() -> dict[str, Any]:
    """The shipped table (empty if the package has none)."""
    if TABLE.exists():
        return json.loads(TABLE.read_text())
    return {}


def facts_path(system_id: str, key: str) -> Path:
    """Where the facts of ``system_id`` under ``key`` are cached."""
    return cache_dir() / "facts" / f"{system_id}-{key}.json"


def stored_facts(
    system: AbstractSystem, settings: FactsSettings = FactsSettings()
) -> dict[str, Any] | None:
    """The facts of ``system`` from the shipped table or the cache, under its current key;
    ``None`` if neither has them (nothing is computed)."""
    key = system_key(system, settings)
    entry = _table().get(system.id)
    if entry is not None and entry.get("key") == key:
        return _with_sampling_interval(entry, settings)
    path = facts_path(system.id, key)
    if path.exists():
        try:
            return _with_sampling_interval(json.loads(path.read_text()), settings)
        except json.JSONDecodeError:
            path.unlink(missing_ok=True)  # a torn write: recompute
    return None


def get_facts(
    system: AbstractSystem, settings: FactsSettings = FactsSettings(), *, recompute: bool = False
) -> dict[str, Any]:
    """The facts of ``system``: from the shipped table, the cache, or computed now (and
    cached under :func:`system_key`).

    **Arguments:**

    - `system`: the system.
    - `settings`: how facts are computed.
    - `recompute`: compute them even if the table or the cache has them.

    **Returns:**

    The dict of :func:`compute_facts`, its ``dt`` derived by today's sampling rule.
    """
    if not recompute and (found := stored_facts(system, settings)) is not None:
        return found
    facts = compute_facts(system, settings)
    atomic_write_text(facts_path(system.id, facts["key"]), json.dumps(facts, indent=1))
    return facts


def _with_sampling_interval(entry: dict[str, Any], settings: FactsSettings) -> dict[str, Any]:
    """``entry`` with its ``dt`` derived by today's rule from its stored period and λ_max
    (stored facts outlive changes of the sampling rule; the expensive facts do not)."""
    if entry.get("period") is None or entry.get("max_lyapunov") is None:
        return entry
    dt = sampling_interval(entry["period"], entry["max_lyapunov"], settings.points_per_period)
    return {**entry, "dt": dt}


def _spread(values) -> float:
    """(max − min) / |median| of estimates from several starts (0: they agree)."""
    x = np.asarray(values, dtype=float)
    centre = abs(float(np.median(x)))
    return float((x.max() - x.min()) / centre) if centre > 0 else math.inf


def kaplan_yorke_dimension(spectrum: np.ndarray) -> float:
    """D_KY = k + (λ_1 + … + λ_k) / |λ_{k+1}|, k the largest with a non-negative sum."""
    spectrum = np.sort(np.asarray(spectrum))[::-1]
    sums = np.cumsum(spectrum)
    nonneg = np.nonzero(sums >= 0)[0]
    if len(nonneg) == 0:
        return 0.0
    k = int(nonneg[-1]) + 1
    if k >= len(spectrum):
        return float(len(spectrum))
    return float(k + sums[k - 1] / abs(spectrum[k]))


@float64
def observed_stretches(system: AbstractSystem, y0, settings: FactsSettings, integ):
    """The orbit the period and the spectra are estimated on, from the state ``y0``
    ``(1, dim)`` at ``t = 0``: ``(period0, dt_fine, traj, seen, t_end)``.

    1. A probe at a step set by the system's hint gives a first period estimate
       ``period0`` (unless the system declares its timescale).
    2. After 50 ``period0``, a long orbit resolved relative to it (``dt_fine = period0 /
       samples_per_period``), ``n_ics · n_period_samples`` samples: ``traj`` (integrated
       state) and ``seen`` (what datasets show: phases as sin θ, cos θ), ending at
       ``t_end`` (the clock of a forced system carries on).

    ``benchmarks/period_stability.py`` repeats exactly this from an independent start.
    """
    if system.timescale is None:
        probe_dt = system.dt_hint * settings.probe_steps_per_hint
        n_probe = 4096
        y = advance_batch(system, y0, 0.0, n_probe * probe_dt, integ)
        probe = sample_batch(system, y, 0.0, probe_dt, n_probe, integ)[0]
        period0 = dominant_period(system.wrap_phases(probe), probe_dt)
        y = probe[-1:]
    else:
        period0 = float(system.timescale)
        y = y0
    dt_fine = period0 / settings.samples_per_period
    t = 50 * period0
    y = advance_batch(system, y, 0.0, t, integ)
    n_total = settings.n_ics * settings.n_period_samples
    traj = sample_batch(system, y, t, dt_fine, n_total, integ)[0]
    t_end = t + (n_total - 1) * dt_fine
    seen = np.asarray(system.wrap_phases(traj))
    return period0, dt_fine, traj, seen, t_end


def compute_facts(system: AbstractSystem, settings: FactsSettings = FactsSettings()) -> dict:
    """Compute the facts of ``system`` (several seconds to a minute on a CPU), in float64
    whatever the caller's JAX configuration.

    **Arguments:**

    - `system`: the system.
    - `settings`: how facts are computed.

    **Returns:**

    A JSON-serialisable dict: ``key`` (:func:`system_key`), ``lyapunov_spectrum`` (mean
    over ``n_ics`` starts) and ``lyapunov_spectrum_per_ic``, ``max_lyapunov`` with its
    standard error and ``max_lyapunov_spread``, ``lyapunov_time``,
    ``kaplan_yorke_dimension``, ``period`` (median over the starts) with
    ``period_per_start`` and ``period_spread``, ``dt``, the observed ``mean``, ``std`` and
    ``max_abs``, ``finite``, ``truth_floor`` (:func:`chaosbench.catalogue._floors.truth_floors`;
    ``None`` for a system without chaos or with non-finite values), and the ``method``.

    **References:**

    The spectrum: Benettin et al. (1980), Shimada & Nagashima (1979), see
    :mod:`chaosbench.numerics._lyapunov`; D_KY: Kaplan & Yorke (1979), Functional Differential
    Equations and Approximation of Fixed Points, LNM 730.
    """
    start = time.perf_counter()
    integ = IntegratorSettings(solver="dopri8", rtol=settings.rtol, atol=settings.atol)
    y0 = jnp.asarray(system.initial_condition)[None]

    period0, dt_fine, traj, seen, t_end = observed_stretches(system, y0, settings, integ)
    stretches = seen.reshape(settings.n_ics, settings.n_period_samples, -1)
    if system.timescale is None:
        per_start = [dominant_period(x, dt_fine) for x in stretches]
        period = dominant_period(stretches, dt_fine)
    else:
        per_start = [period0] * settings.n_ics
        period = period0
    traj_np = np.asarray(traj)

    # 3. Lyapunov spectra from the start of each stretch.
    idx = np.arange(settings.n_ics) * settings.n_period_samples
    t_renorm = period / settings.renorm_per_period
    n_renorm = settings.lyapunov_periods * settings.renorm_per_period
    if isinstance(system, AbstractSteppedSystem):  # fixed-step maps: cap the step count
        cap = system.max_lyapunov_steps * float(system.step_size)
        n_renorm = max(1, min(n_renorm, int(cap / t_renorm)))
    spectra = np.asarray(lyapunov_spectrum_batch(system, traj_np[idx], t_renorm, n_renorm, integ))
    spectrum = spectra.mean(axis=0)
    lam_std = float(spectra[:, 0].std(ddof=1) / math.sqrt(len(spectra)))
    lam = float(spectrum[0])
    mean, std = seen.mean(axis=0), seen.std(axis=0)

    # 4. Truth floors: the long-run distances between independent true runs.
    floors = None
    if lam > 0 and np.isfinite(seen).all() and np.isfinite(spectra).all():
        dt = sampling_interval(period, lam, settings.points_per_period)
        floors = truth_floors(system, traj_np[-1], t_end, period, lam, dt, mean, std, settings)
    finite = bool(np.isfinite(seen).all() and np.isfinite(spectra).all())
    stepped = {}
    if isinstance(system, AbstractSteppedSystem):
        stepped = {
            "lyapunov_method": (
                f"discrete-time QR on the internal state of the step map: the leading "
                f"{n_exponents(system, system.dimension)} of {system.dimension} exponents"
            ),
            "n_exponents": n_exponents(system, system.dimension),
            "step_size": float(system.step_size),
            "integrator": "the system's own fixed-step scheme (tolerances unused)",
        }
    return {
        "id": system.id,
        "key": system_key(system, settings),
        "dimension": system.dimension,
        "parameters": system.parameters,
        "lyapunov_spectrum": spectrum.tolist(),
        "lyapunov_spectrum_per_ic": spectra.tolist(),
        "max_lyapunov": lam,
        "max_lyapunov_stderr": lam_std,
        "lyapunov_time": 1.0 / lam if lam > 0 else math.inf,
        "max_lyapunov_spread": _spread(spectra[:, 0]),
        "kaplan_yorke_dimension": kaplan_yorke_dimension(spectrum),
        "period": float(period),
        "period_per_start": [float(x) for x in per_start],
        "period_spread": _spread(per_start),
        "dt": sampling_interval(period, lam, settings.points_per_period),
        "phase_indices": list(system.phase_indices),
        "mean": mean.tolist(),
        "std": std.tolist(),
        "truth_floor": floors,
        "finite": finite,
        "max_abs": float(np.abs(seen).max()) if finite else math.inf,
        "method": {
            **dataclasses.asdict(settings),
            "integrator": integ.as_dict(),
            "lyapunov_time_per_ic": float(t_renorm * n_renorm),
            "t_renorm": float(t_renorm),
            **stepped,
        },
        "compute_seconds": time.perf_counter() - start,
    }
