"""Bring your own forecasts: export what a forecaster may see, score what comes back.

A model written in another framework (PyTorch, Julia, …) is scored from its forecasts,
with the same code as native forecasters (:func:`chaosbench.numerics._evaluate.score_forecasts`).
The file format is documented for users in CONTRIBUTING.md ("Forecasts from another
framework"); in short, ``chaosbench export --suite S --out DIR`` writes::

    DIR/manifest.json                   format, suite, its hash, systems, tasks, seeds, entries
    DIR/<system>/<task>/data_seed<K>.npz train, train_z, contexts, contexts_z (float64) of
                                        seed K's dataset (protocol v5: a dataset per seed)
    DIR/<system>/<task>/manifest.json   format, system, task, protocol_version, dt,
                                        max_lyapunov, context, horizon, n_long, n_test,
                                        dimension, observed (a one-variable task's
                                        coordinate, else null), seeds, datasets (per
                                        seed: seed, file, spec_hash, mean, std), what
                                        to write

and the forecaster writes, beside each ``data_seed<K>.npz``, a ``forecast_seed<K>.npz``
(``np.savez``) holding, z-scored with that seed's exported ``mean`` and ``std``:

- ``windows`` ``(n_test, horizon, dimension)``, floating point: for each context, the
  next ``horizon`` states;
- ``long`` ``(n_long, dimension)``, floating point: a free run of ``n_long`` states from
  ``contexts_z[0]``.

Export format 2 (protocol v5) has one ``data_seed<K>.npz`` per seed; format 1 had one
``data.npz`` for all seeds.

``chaosbench score`` checks every file before it writes a row: a missing or damaged
manifest or archive, missing arrays, a non-floating dtype, a wrong shape or a NaN
(``±inf`` marks a blow-up and scores as the native one does) is
:class:`ExternalForecastError`, one line naming the file and the fix. Scoring again under
the same name replaces the earlier rows (moved to ``OUT/superseded``). External rows have
no Lyapunov-exponent score (it needs the model itself) and are marked ``external``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..base import _api
from ..base._cache import content_hash
from ..catalogue._coordinate_floors import observed_facts
from ..numerics._dataset import make_dataset
from ..numerics._evaluate import score_forecasts, scoring_facts
from ..numerics._rows import Row, make_row
from ._plan import RunOptionsError, system_identity
from ._runner import check_systems, stamp
from ._store import check_output_dir, set_aside_replaced, write_rows
from ._suite import Suite, expand_systems

FORMAT = 2  # 2: a dataset per seed (data_seed<K>.npz; protocol v5)
ARRAYS = ("windows", "long")  # what a forecast file holds
TOP_KEYS = ("format", "suite", "systems", "tasks", "suite_hash", "seeds", "entries")
ENTRY_KEYS = ("format", "datasets", "seeds", "dimension", "n_test", "horizon", "n_long")


class ExternalForecastError(ValueError):
    """A forecast file that is missing, malformed or of the wrong shape."""


def _datasets(suite: Suite):
    """``(system_id, task, facts, [dataset of seed 0, 1, …])`` for every (system, task)."""
    system_ids = expand_systems(suite.systems)  # ids, families, "all"
    facts = check_systems(system_ids, strict=suite.strict)
    for system_id, found in facts.items():
        system = _api.systems.get(system_id)()
        for task in suite.tasks:
            specs = [
                suite.protocol.dataset_spec(system, found, task, seed)
                for seed in range(suite.seeds)
            ]
            yield system_id, task, found, [make_dataset(spec) for spec in specs]


def export(suite: Suite, out: Path) -> list[dict[str, Any]]:
    """Write the data of every (system, task) of ``suite`` under ``out``; return the
    entries of the top-level manifest."""
    out = Path(out)
    entries = []
    for system_id, task, facts, per_seed in _datasets(suite):
        where = out / system_id / task
        where.mkdir(parents=True, exist_ok=True)
        datasets = []
        for seed, data in enumerate(per_seed):
            np.savez(
                where / f"data_seed{seed}.npz",
                train=data.train,
                train_z=data.normalise(data.train),
                contexts=data.contexts,
                contexts_z=data.normalise(data.contexts),
            )
            datasets.append(
                {
                    "seed": seed,
                    "file": f"data_seed{seed}.npz",
                    "spec_hash": data.spec.hash,
                    "mean": data.mean.tolist(),
                    "std": data.std.tolist(),
                }
            )
        data = per_seed[0]
        manifest = {
            "format": FORMAT,
            "system": system_id,
            "task": task,
            "protocol_version": suite.protocol.version,
            "dt": data.spec.dt,
            "max_lyapunov": facts["max_lyapunov"],
            "lyapunov_time_steps": 1.0 / (data.spec.dt * facts["max_lyapunov"]),
            "context": data.spec.context,
            "horizon": data.spec.horizon,
            "n_long": data.spec.n_long,
            "n_test": data.spec.n_test,
            "dimension": int(data.train.shape[1]),
            "observed": None if data.spec.observed is None else list(data.spec.observed),
            "seeds": suite.seeds,
            "datasets": datasets,
            "write": {
                "file": "forecast_seed<K>.npz beside data_seed<K>.npz, K = 0 … seeds − 1",
                "how": "np.savez(file, windows=..., long=...), floating point (float32 or "
                "float64), no NaN (±inf from the step where a forecast blew up)",
                "windows": "(n_test, horizon, dimension), z-scored: the next horizon states "
                "after each of data_seed<K>.npz's contexts_z (trained on its train_z)",
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


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _read_manifest(path: Path, keys: Sequence[str], fix: str) -> dict:
    """The JSON object in ``path`` with ``keys``, or :class:`ExternalForecastError`
    naming the file and ``fix``."""
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise ExternalForecastError(f"missing manifest {path}; {fix}") from None
    except (OSError, ValueError) as error:
        raise ExternalForecastError(
            f"{path} is not a readable manifest ({_one_line(error)}); {fix}"
        ) from None
    missing = [k for k in keys if not isinstance(manifest, dict) or k not in manifest]
    if missing:
        raise ExternalForecastError(f"{path} lacks {', '.join(missing)}; {fix}")
    if manifest["format"] != FORMAT:
        raise ExternalForecastError(
            f"{path} is export format {manifest['format']}, this chaosbench reads format "
            f"{FORMAT}; {fix}"
        )
    return manifest


def _load_forecast(path: Path, manifest: dict) -> tuple[np.ndarray, np.ndarray]:
    """The ``windows`` and ``long`` arrays of the forecast file ``path``, as float64, or
    :class:`ExternalForecastError` naming the file and the fix (never another error)."""
    write = (
        f"write it with np.savez({path.name!r}, windows=..., long=...) as "
        f"{path.parent / 'manifest.json'} says (CONTRIBUTING.md, 'Forecasts from another "
        "framework')"
    )
    if not path.is_file():
        raise ExternalForecastError(f"missing forecast file {path}: {write}")
    if not zipfile.is_zipfile(path):
        raise ExternalForecastError(
            f"{path} is not an .npz archive (truncated, or not written by np.savez); {write}"
        )
    try:
        with np.load(path, allow_pickle=False) as npz:
            names = sorted(npz.files)
            if sorted(set(names) & set(ARRAYS)) != sorted(ARRAYS):
                raise ExternalForecastError(
                    f"{path} holds the arrays {names or 'none'}; it needs the arrays "
                    f"{' and '.join(ARRAYS)}: {write}"
                )
            arrays = {name: npz[name] for name in ARRAYS}
    except ExternalForecastError:
        raise
    except Exception as error:  # noqa: BLE001 - any damage to a foreign file is named alike
        raise ExternalForecastError(
            f"{path} is a damaged .npz archive ({_one_line(error)}); {write}"
        ) from None
    dim = manifest["dimension"]
    expected = {
        "windows": ((manifest["n_test"], manifest["horizon"], dim), "(n_test, horizon, dimension)"),
        "long": ((manifest["n_long"], dim), "(n_long, dimension)"),
    }
    for name, (shape, meaning) in expected.items():
        array = arrays[name]
        if not np.issubdtype(array.dtype, np.floating):
            raise ExternalForecastError(
                f"{path}: {name} has dtype {array.dtype}; write floating-point states "
                "(float32 or float64), z-scored"
            )
        if array.shape != shape:
            raise ExternalForecastError(
                f"{path}: {name} has shape {array.shape}, expected {meaning} = {shape} "
                f"(see {path.parent / 'manifest.json'})"
            )
        if np.isnan(array).any():
            raise ExternalForecastError(
                f"{path}: {name} contains NaN; write ±inf from the step where a forecast blew "
                "up, or finite values"
            )
    return tuple(np.asarray(arrays[n], dtype=np.float64) for n in ARRAYS)


def _check_name(name: str) -> str:
    from ..base._registry import parse_id

    if "-v" not in name:
        name = f"{name}-v1"
    bare = parse_id(name)[0]  # a clear error for a malformed name
    taken = [f for f in _api.forecasters.ids() if parse_id(f)[0] == bare]
    if taken:  # another version would rank as that forecaster's old or new version
        raise RunOptionsError(
            f"{bare} is the name of a registered forecaster ({', '.join(taken)}); give "
            "external forecasts their own --name"
        )
    return name


def _suite_of(directory: Path, top: dict, suite: Suite | None, fix: str) -> Suite:
    from ._suite import SUITES

    if suite is None and top["suite"] in SUITES:
        suite = dataclasses.replace(
            SUITES[top["suite"]],
            systems=tuple(top["systems"]),
            tasks=tuple(top["tasks"]),
            seeds=top["seeds"],
        )
    if suite is None or suite.hash != top["suite_hash"]:
        raise ExternalForecastError(
            f"{directory / 'manifest.json'} was made for suite {top['suite']!r} (hash "
            f"{top['suite_hash']}), which this chaosbench does not define the same way; {fix}"
        )
    return suite


def score_directory(
    directory: Path,
    name: str,
    out: Path,
    *,
    description: str = "",
    suite: Suite | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> list[Row]:
    """Score the forecasts under an export ``directory`` as forecaster ``name`` and write
    their rows under ``out/cells`` (marked ``external``).

    Every file is checked before any row is written: a missing or damaged manifest or
    forecast file raises :class:`ExternalForecastError`, one line naming the file and the
    fix. Rows that earlier scorings under ``name`` wrote for the same (task, system, seed)
    from other forecast files are moved to ``out/superseded``, as ``chaosbench run`` does
    with stale cells (``log`` says how many).
    """
    directory = Path(directory)
    name = _check_name(name)
    fix = (
        f"make the export again with `chaosbench export --suite SUITE --out {directory}`, "
        "then write the forecasts"
    )
    if not directory.is_dir():
        raise ExternalForecastError(f"{directory} is not a directory; {fix}")
    top = _read_manifest(directory / "manifest.json", TOP_KEYS, fix)
    fix = fix.replace("--suite SUITE", f"--suite {top['suite']}")
    entries = top["entries"]
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and {"system", "task", "path"} <= set(e) for e in entries
    ):
        raise ExternalForecastError(f"{directory / 'manifest.json'} has damaged entries; {fix}")
    pending = []
    for entry in entries:
        manifest = _read_manifest(directory / entry["path"] / "manifest.json", ENTRY_KEYS, fix)
        for seed in range(manifest["seeds"]):
            path = directory / entry["path"] / f"forecast_seed{seed}.npz"
            pending.append((entry, manifest, seed, path, *_load_forecast(path, manifest)))
    suite = _suite_of(directory, top, suite, fix)
    metrics = [_api.metrics.get(m) for m in _api.metrics.ids()]
    hyper = {"external": True, "description": description}
    datasets = {(s, t): (f, d) for s, t, f, d in _datasets(suite)}
    rows = []
    for entry, manifest, seed, path, windows, long in pending:
        facts, per_seed = datasets[(entry["system"], entry["task"])]
        data = per_seed[seed]
        exported = manifest["datasets"]
        spec_hash = exported[seed].get("spec_hash") if seed < len(exported) else None
        if data.spec.hash != spec_hash:
            raise ExternalForecastError(
                f"{directory / entry['path'] / 'manifest.json'}: seed {seed} was exported "
                f"from another dataset (spec {spec_hash}, now {data.spec.hash}); {fix}"
            )
        scoring = scoring_facts(data, facts)
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
        system = _api.systems.get(entry["system"])()  # one coordinate: its own floors
        floors = observed_facts(system, facts, data.spec.observed).get("truth_floor")
        result = score_forecasts(data, scoring, windows, long, None, metrics, floors)
        result.update(suite.protocol.resolve(entry["task"], facts).columns())
        rows.append(
            make_row(
                run_id=run_id,
                system=entry["system"],
                forecaster=name,
                task=entry["task"],
                seed=seed,
                protocol_version=suite.protocol.version,
                hyperparameters=hyper,
                dt=data.spec.dt,
                max_lyapunov=facts["max_lyapunov"],
                result=result,
                external=True,
            )
        )
    out = Path(out)
    check_output_dir(out)
    replaced = {(r["task"], r["system"], r["forecaster"], r["seed"]): r["run_id"] for r in rows}
    if moved := set_aside_replaced(out, replaced):
        log(
            f"moved {moved} rows of an earlier scoring of {name} to {out / 'superseded'} "
            "(these rows replace them)"
        )
    write_rows(out, rows, stamp(suite))
    return rows
