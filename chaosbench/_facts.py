"""Invariants of a system computed by the suite itself: never hand-copied.

For each system: dominant period (power spectrum), sampling interval of the benchmark
(``min(period, 5 Lyapunov times) / points_per_period``), attractor mean and std, the
Lyapunov spectrum with an uncertainty from several initial conditions, λ_max, the
Lyapunov time and the Kaplan–Yorke dimension. Period, mean, std and boundedness are
those of what the benchmark observes (``system.wrap_phases``: phases as ``sin θ`` plus
an appended ``cos θ``, as dysts' statistics treat its ``unbounded_indices``); the
Lyapunov spectrum is that of the integrated state. Facts are looked up, in order, in the
table shipped with the package (``chaosbench/data/system_facts.json``), in the on-disk
cache, and otherwise
computed and cached. Every entry is keyed by a hash of the system's parameters, initial
condition and the settings below, so a changed system never reads stale facts.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import math
import os
import threading
import time
from pathlib import Path
from typing import Any

import jax.numpy as jnp
import numpy as np

from ._cache import atomic_write_text, cache_dir, content_hash
from ._integrate import IntegratorSettings, advance_batch, sample_batch
from ._lyapunov import dominant_period, lyapunov_spectrum_batch, n_exponents
from ._protocol import sampling_interval
from ._stepped import AbstractSteppedSystem
from ._system import AbstractSystem

TABLE = Path(__file__).parent / "data" / "system_facts.json"


@dataclasses.dataclass(frozen=True)
class FactsSettings:
    """How facts are computed (part of every facts key).

    **Arguments:**

    - `points_per_period`: the benchmark's sampling density; ``dt = min(period, 5 t_λ) /
      this`` (see :func:`chaosbench._protocol.sampling_interval`).
    - `probe_steps_per_hint`: first probe's sampling interval in units of ``dt_hint``.
    - `n_period_samples`: samples of the trajectory used for period, mean and std.
    - `samples_per_period`: their density.
    - `n_ics`: initial conditions for the Lyapunov spectrum (mean and spread).
    - `lyapunov_periods`: averaging time of each spectrum, in dominant periods.
    - `renorm_per_period`: QR re-orthonormalisations per period.
    - `rtol`, `atol`: tolerances of all integrations here.
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
    version: int = 2  # 2: dominant period needs 8 cycles in its window; phases observed


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


def system_key(system: AbstractSystem, settings: FactsSettings) -> str:
    """Hash of what determines the facts: id, parameters, initial condition, settings and
    the source code of the system's class (so an edited vector field is recomputed)."""
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
    if TABLE.exists():
        return json.loads(TABLE.read_text())
    return {}


def get_facts(
    system: AbstractSystem, settings: FactsSettings = FactsSettings(), *, recompute: bool = False
) -> dict[str, Any]:
    """The facts of ``system``: from the shipped table, the cache, or computed now."""
    key = system_key(system, settings)
    if not recompute:
        entry = _table().get(system.id)
        if entry is not None and entry.get("key") == key:
            return _with_sampling_interval(entry, settings)
        path = cache_dir() / "facts" / f"{system.id}-{key}.json"
        if path.exists():
            try:
                return _with_sampling_interval(json.loads(path.read_text()), settings)
            except json.JSONDecodeError:
                path.unlink(missing_ok=True)  # a torn write: recompute
    facts = compute_facts(system, settings)
    atomic_write_text(
        cache_dir() / "facts" / f"{system.id}-{key}.json", json.dumps(facts, indent=1)
    )
    return facts


def _with_sampling_interval(entry: dict[str, Any], settings: FactsSettings) -> dict[str, Any]:
    """``entry`` with its ``dt`` derived by today's rule from its stored period and λ_max
    (stored facts outlive changes of the sampling rule; the expensive facts do not)."""
    if entry.get("period") is None or entry.get("max_lyapunov") is None:
        return entry
    dt = sampling_interval(entry["period"], entry["max_lyapunov"], settings.points_per_period)
    return {**entry, "dt": dt}


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


def compute_facts(system: AbstractSystem, settings: FactsSettings = FactsSettings()) -> dict:
    """Compute the facts of ``system`` (several seconds to a minute on a CPU)."""
    start = time.perf_counter()
    integ = IntegratorSettings(solver="dopri8", rtol=settings.rtol, atol=settings.atol)
    y0 = jnp.asarray(system.initial_condition)[None]

    # 1. A probe at a step set by the system's hint gives a first period estimate
    #    (unless the system declares its timescale).
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

    # 2. A long trajectory resolved relative to that period: period, mean, std.
    dt_fine = period0 / settings.samples_per_period
    y = advance_batch(system, y, 0.0, 50 * period0, integ)
    traj = sample_batch(system, y, 0.0, dt_fine, settings.n_period_samples, integ)[0]
    seen = np.asarray(system.wrap_phases(traj))  # what datasets show: phases as sin θ, cos θ
    period = dominant_period(seen, dt_fine) if system.timescale is None else period0
    traj_np = np.asarray(traj)

    # 3. Lyapunov spectra from initial conditions spread along that trajectory.
    idx = np.linspace(0, len(traj_np) - 1, settings.n_ics).astype(int)
    t_renorm = period / settings.renorm_per_period
    n_renorm = settings.lyapunov_periods * settings.renorm_per_period
    if isinstance(system, AbstractSteppedSystem):  # fixed-step maps: cap the step count
        cap = system.max_lyapunov_steps * float(system.step_size)
        n_renorm = max(1, min(n_renorm, int(cap / t_renorm)))
    spectra = np.asarray(lyapunov_spectrum_batch(system, traj_np[idx], t_renorm, n_renorm, integ))
    spectrum = spectra.mean(axis=0)
    lam_std = float(spectra[:, 0].std(ddof=1) / math.sqrt(len(spectra)))
    lam = float(spectrum[0])
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
        "kaplan_yorke_dimension": kaplan_yorke_dimension(spectrum),
        "period": period,
        "dt": sampling_interval(period, lam, settings.points_per_period),
        "phase_indices": list(system.phase_indices),
        "mean": seen.mean(axis=0).tolist(),
        "std": seen.std(axis=0).tolist(),
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


REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "chaotic_attractors.json"
DISAGREEMENT = 0.2  # relative difference from dysts' λ_max that the table flags


def _dysts_reference() -> dict[str, Any]:
    if REFERENCE.exists():
        return json.loads(REFERENCE.read_text())
    return {}


def _update_table(entries: dict[str, Any], keep=lambda key: True) -> dict[str, Any]:
    """Merge ``entries`` into the table on disk under a lock (several writers may run)."""
    lock = TABLE.with_suffix(".lock")
    for _ in range(600):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            time.sleep(0.1)
    else:
        raise TimeoutError(f"{lock} is held by another writer; remove it if none runs")
    try:
        table = {k: v for k, v in {**_table(), **entries}.items() if keep(k)}
        atomic_write_text(TABLE, json.dumps(dict(sorted(table.items())), indent=1))
    finally:
        os.close(fd)
        lock.unlink(missing_ok=True)
    return table


def write_table(
    *,
    recompute: bool = False,
    only: list[str] | None = None,
    results: Path | None = None,
    jobs: int = 1,
    timeout: float | None = None,
) -> list[Path]:
    """(Re)compute the facts of every registered system into the shipped table.

    Entries whose key still matches are kept unless ``recompute``; the table is written
    after every system, so an interrupted regeneration keeps its progress. With ``jobs``
    > 1 or a ``timeout``, each system is computed in its own process (``jobs`` at a time);
    one that runs past ``timeout`` seconds is recorded as failing its check. Also writes
    ``results/systems.csv`` with the verdict and the comparison with dysts' estimates.
    """
    from . import _api
    from ._validate import verdict

    table = _table()
    ids = [_api.systems.resolve(s) for s in only] if only else _api.list_systems()
    settings = FactsSettings()
    todo = []
    for system_id in ids:
        key = system_key(_api.systems.get(system_id)(), settings)
        entry = table.get(system_id, {})
        timed_out = "took longer than" in entry.get("verdict", "")
        if recompute or timed_out or entry.get("key") != key:
            todo.append((system_id, key))
    if jobs > 1 or timeout:
        _compute_in_processes(todo, jobs, timeout)
    else:
        for system_id, key in todo:
            _update_table({system_id: _entry(system_id, key, settings)})
    known = set(_api.list_systems())
    table = _update_table({}, keep=lambda k: k in known)
    judged = {k: str(verdict(e)) for k, e in table.items() if "max_lyapunov" in e}
    stale = {  # verdicts judged, or dt derived, by an older rule: redo it on stored facts
        k: {**_with_sampling_interval(table[k], settings), "verdict": v}
        for k, v in judged.items()
        if table[k].get("verdict") != v
        or table[k].get("dt") != _with_sampling_interval(table[k], settings).get("dt")
    }
    if stale:
        table = _update_table(stale, keep=lambda k: k in known)
    if results is None:
        return [TABLE]
    import pandas as pd

    paths = [TABLE]
    reference = _dysts_reference()
    rows = []
    for system_id, entry in sorted(table.items()):
        aliases = _api.systems.aliases_of(system_id)
        dysts = next((reference[a] for a in aliases if a in reference), None)
        lam = entry.get("max_lyapunov", math.nan)
        ref_lam = dysts["maximum_lyapunov_estimated"] if dysts else math.nan
        rel = abs(lam - ref_lam) / abs(ref_lam) if dysts and ref_lam else math.nan
        rows.append(
            {
                "id": system_id,
                "aliases": " ".join(aliases),
                "dimension": entry.get("dimension"),
                "max_lyapunov": lam,
                "max_lyapunov_stderr": entry.get("max_lyapunov_stderr"),
                "lyapunov_time": entry.get("lyapunov_time"),
                "lyapunov_spectrum": " ".join(
                    f"{x:.5g}" for x in entry.get("lyapunov_spectrum", [])
                ),
                "kaplan_yorke_dimension": entry.get("kaplan_yorke_dimension"),
                "period": entry.get("period"),
                "dysts_period": dysts["period"] if dysts else math.nan,
                "dt": entry.get("dt"),
                "mean": " ".join(f"{x:.5g}" for x in entry.get("mean", [])),
                "std": " ".join(f"{x:.5g}" for x in entry.get("std", [])),
                "verdict": entry.get("verdict"),
                "dysts_max_lyapunov": ref_lam,
                "relative_difference_from_dysts": rel,
                "differs_from_dysts_by_over_20pct": bool(rel > DISAGREEMENT),
                "integration_time_per_ic": entry.get("method", {}).get("lyapunov_time_per_ic"),
                "rtol": entry.get("method", {}).get("rtol"),
                "atol": entry.get("method", {}).get("atol"),
                "n_ics": entry.get("method", {}).get("n_ics"),
                "compute_seconds": entry.get("compute_seconds"),
            }
        )
    path = Path(results) / "systems.csv"
    atomic_write_text(path, pd.DataFrame(rows).to_csv(index=False, float_format="%.6g"))
    paths.append(path)
    return paths


def _entry(system_id: str, key: str, settings: FactsSettings) -> dict[str, Any]:
    from . import _api
    from ._validate import InvalidSystemError, validate_system, verdict

    system = _api.systems.get(system_id)()
    try:
        validate_system(system)
        entry = compute_facts(system, settings)
        entry["verdict"] = str(verdict(entry))
    except (InvalidSystemError, FloatingPointError) as error:
        entry = {"id": system_id, "key": key, "verdict": f"FAIL: {error}"}
    print(
        f"{system_id}: λ_max {entry.get('max_lyapunov', float('nan')):.4g} "
        f"({entry.get('compute_seconds', 0):.0f} s) {entry['verdict']}",
        flush=True,
    )
    return entry


def _compute_in_processes(todo, jobs: int, timeout: float | None) -> None:
    """One ``chaosbench systems --only ID`` process per system, ``jobs`` at a time."""
    import subprocess
    import sys

    queue = list(todo)
    running: dict[subprocess.Popen, tuple[str, str, float]] = {}
    while queue or running:
        while queue and len(running) < max(jobs, 1):
            system_id, key = queue.pop(0)
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "chaosbench",
                    "systems",
                    "--recompute",
                    "--no-csv",
                    "--only",
                    system_id,
                ]
            )
            running[proc] = (system_id, key, time.monotonic())
        time.sleep(0.5)
        for proc, (system_id, key, started) in list(running.items()):
            if proc.poll() is not None:
                del running[proc]
            elif timeout and time.monotonic() - started > timeout:
                proc.kill()
                proc.wait()
                del running[proc]
                reason = f"FAIL: computing its facts took longer than {timeout:g} s"
                print(f"{system_id}: {reason}", flush=True)
                _update_table({system_id: {"id": system_id, "key": key, "verdict": reason}})
