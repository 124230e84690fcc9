"""Bring your own forecasts: export what a forecaster may see, score what comes back.

A model written in another framework (PyTorch, Julia, …) is scored from its forecasts,
with the same code as native forecasters (:func:`chaosbench.numerics._evaluate.score_forecasts`).

Layout of an export directory (``chaosbench export --suite S --out DIR``)::

    DIR/manifest.json                 suite, protocol, entries (one per system × task)
    DIR/<system>/<task>/data.npz      train, train_z, contexts, contexts_z (float64)
    DIR/<system>/<task>/manifest.json system, task, protocol_version, spec_hash, dt,
                                      max_lyapunov, context, horizon, n_long, dimension,
                                      mean, std, seeds, what to write
    DIR/<system>/<task>/forecast_seed<K>.npz   written by the forecaster (see below)

``data.npz``: ``train`` ``(n_train, dim)`` is the training trajectory in physical units,
``train_z`` the same z-scored with the training mean and std (the statistics every native
forecaster sees); ``contexts`` ``(n_test, context, dim)`` are the test windows' contexts,
physical, and ``contexts_z`` z-scored. The truths are not exported.

A forecast file ``forecast_seed<K>.npz`` holds, z-scored with the same statistics:

- ``windows`` ``(n_test, horizon, dim)``: for each context, the next ``horizon`` states;
- ``long`` ``(n_long, dim)``: a free run of ``n_long`` states from ``contexts_z[0]``.

NaN is refused (it says nothing about when a forecast failed); a forecast that blew up
may write ±inf from that step on, which scores as the native blow-up does. External rows
have no Lyapunov-exponent score (it needs the model itself) and are marked ``external``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import jax.numpy as jnp
import numpy as np

from .._version import __version__
from ..base import _api
from ..base._cache import content_hash
from ..base._metric import ScoringFacts
from ..numerics._dataset import make_dataset
from ..numerics._evaluate import score_forecasts
from ..numerics._protocol import TASKS
from ..numerics._rows import identity
from ._plan import RunOptionsError, system_identity
from ._runner import check_systems, stamp
from ._store import check_output_dir, write_rows
from ._suite import Suite

FORMAT = 1


class ExternalForecastError(ValueError):
    """A forecast file that is missing, malformed or of the wrong shape."""


def _datasets(suite: Suite):
    from ._plan import _expand

    system_ids = _expand(suite.systems, _api.systems)
    facts = check_systems(system_ids, strict=tuple(suite.systems) != ("all",))
    for system_id, found in facts.items():
        system = _api.systems.get(system_id)()
        for task in suite.tasks:
            spec = suite.protocol.dataset_spec(system, found, TASKS[task])
            yield system_id, task, found, make_dataset(spec)


def export(suite: Suite, out: Path) -> list[dict[str, Any]]:
    """Write the data of every (system, task) of ``suite`` under ``out``; return the
    entries of the top-level manifest."""
    out = Path(out)
    entries = []
    for system_id, task, facts, data in _datasets(suite):
        where = out / system_id / task
        where.mkdir(parents=True, exist_ok=True)
        np.savez(
            where / "data.npz",
            train=data.train,
            train_z=data.normalise(data.train),
            contexts=data.contexts,
            contexts_z=data.normalise(data.contexts),
        )
        manifest = {
            "format": FORMAT,
            "system": system_id,
            "task": task,
            "protocol_version": suite.protocol.version,
            "spec_hash": data.spec.hash,
            "dt": data.spec.dt,
            "max_lyapunov": facts["max_lyapunov"],
            "lyapunov_time_steps": 1.0 / (data.spec.dt * facts["max_lyapunov"]),
            "context": data.spec.context,
            "horizon": data.spec.horizon,
            "n_long": data.spec.n_long,
            "n_test": data.spec.n_test,
            "dimension": int(data.train.shape[1]),
            "mean": data.mean.tolist(),
            "std": data.std.tolist(),
            "seeds": suite.seeds,
            "write": {
                "file": "forecast_seed<K>.npz, K = 0 … seeds − 1",
                "windows": "(n_test, horizon, dimension), z-scored: the next horizon states "
                "after each of contexts_z",
                "long": "(n_long, dimension), z-scored: a free run from contexts_z[0]",
            },
        }
        (where / "manifest.json").write_text(json.dumps(manifest, indent=1))
        entries.append({"system": system_id, "task": task, "path": f"{system_id}/{task}"})
    top = {
        "format": FORMAT,
        "suite": suite.name,
        "systems": list(suite.systems),
        "tasks": list(suite.tasks),
        "suite_hash": suite.hash,
        "protocol_version": suite.protocol.version,
        "chaosbench_version": __version__,
        "seeds": suite.seeds,
        "entries": entries,
    }
    (out / "manifest.json").write_text(json.dumps(top, indent=1))
    return entries


def _load_forecast(path: Path, manifest: dict) -> tuple[np.ndarray, np.ndarray]:
    if not path.exists():
        raise ExternalForecastError(
            f"missing forecast file {path}: write windows and long there (see the manifest "
            f"{path.parent / 'manifest.json'} and chaosbench/_external.py)"
        )
    try:
        with np.load(path) as npz:
            arrays = {name: np.asarray(npz[name], dtype=float) for name in ("windows", "long")}
    except KeyError as error:
        raise ExternalForecastError(f"{path} lacks the array {error}; it needs windows and long")
    except (OSError, ValueError) as error:
        raise ExternalForecastError(f"{path} is not a readable .npz file ({error})") from None
    dim = manifest["dimension"]
    expected = {
        "windows": (manifest["n_test"], manifest["horizon"], dim),
        "long": (manifest["n_long"], dim),
    }
    for name, shape in expected.items():
        if arrays[name].shape != shape:
            raise ExternalForecastError(
                f"{path}: {name} has shape {arrays[name].shape}, expected {shape}"
            )
        if np.isnan(arrays[name]).any():
            raise ExternalForecastError(
                f"{path}: {name} contains NaN; write ±inf from the step where a forecast blew "
                "up, or finite values"
            )
    return arrays["windows"], arrays["long"]


def score_directory(
    directory: Path, name: str, out: Path, *, description: str = "", suite: Suite | None = None
) -> list[dict[str, Any]]:
    """Score the forecasts under an export ``directory`` as forecaster ``name`` and write
    their rows under ``out/cells`` (marked ``external``). Every file is checked before
    any row is written."""
    from ..base._registry import parse_id

    directory = Path(directory)
    if "-v" not in name:
        name = f"{name}-v1"
    parse_id(name)  # a clear error for a malformed name
    if name in _api.forecasters:
        raise RunOptionsError(
            f"{name} is a registered forecaster; give external forecasts their own name"
        )
    try:
        top = json.loads((directory / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        raise RunOptionsError(
            f"{directory} is not an export directory ({error}); make one with "
            "`chaosbench export --suite S --out DIR`"
        ) from None
    metrics = [_api.metrics.get(m) for m in _api.metrics.ids()]
    pending = []
    for entry in top["entries"]:
        where = directory / entry["path"]
        manifest = json.loads((where / "manifest.json").read_text())
        for seed in range(manifest["seeds"]):
            path = where / f"forecast_seed{seed}.npz"
            pending.append((entry, manifest, seed, path, *_load_forecast(path, manifest)))
    from ._suite import SUITES

    if suite is None and top["suite"] in SUITES:
        suite = dataclasses.replace(
            SUITES[top["suite"]],
            systems=tuple(top["systems"]),
            tasks=tuple(top["tasks"]),
            seeds=top["seeds"],
        )
    if suite is None or suite.hash != top["suite_hash"]:
        raise RunOptionsError(
            f"the export in {directory} was made for suite {top['suite']!r} "
            f"(hash {top['suite_hash']}), which this chaosbench does not define the same way"
        )
    rows = []
    hyper = {"external": True, "description": description}
    datasets = {(s, t): (f, d) for s, t, f, d in _datasets(suite)}
    for entry, manifest, seed, path, windows, long in pending:
        facts, data = datasets[(entry["system"], entry["task"])]
        if data.spec.hash != manifest["spec_hash"]:
            raise RunOptionsError(
                f"{directory / entry['path']}: exported from another dataset (spec "
                f"{manifest['spec_hash']}, now {data.spec.hash}); export again and forecast"
            )
        scoring = ScoringFacts(
            dt=jnp.asarray(data.spec.dt),
            max_lyapunov=jnp.asarray(facts["max_lyapunov"]),
            mean=jnp.asarray(data.mean),
            std=jnp.asarray(data.std),
        )
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        run_id = content_hash(
            {
                **system_identity(entry["system"]),
                "forecaster": name,
                "external": digest,
                "task": entry["task"],
                "seed": seed,
                "protocol": suite.protocol.as_dict(),
                "package": __version__,
            }
        )
        row = identity(
            run_id=run_id,
            system=entry["system"],
            forecaster=name,
            task=entry["task"],
            seed=seed,
            protocol_version=suite.protocol.version,
            hyperparameters=hyper,
            dt=data.spec.dt,
            max_lyapunov=facts["max_lyapunov"],
        )
        result = score_forecasts(data, scoring, windows, long, None, metrics)
        rows.append({**row, "error": "", "external": True, **result})
    check_output_dir(Path(out))
    write_rows(Path(out), rows, stamp(suite))
    return rows
