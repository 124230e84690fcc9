"""The runner: plan cells, skip finished ones, run the rest, write one row per cell.

A cell is one (system, forecaster, task, seed). Its run id is a hash of everything that
defines it, so a finished cell is recognised on a re-run and skipped. Each row is
written atomically to ``OUT/cells/<run id>.json`` the moment it is scored, so an
interrupted run keeps every finished cell. A cell whose forecaster diverges is recorded
with status ``diverged``; one that raises is recorded with status ``error`` and its
message, and the run goes on.
"""

from __future__ import annotations

import dataclasses
import json
import platform
import subprocess
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jax
import numpy as np
from tqdm.auto import tqdm

from . import _api
from ._cache import atomic_write_text, content_hash, enable_compilation_cache
from ._dataset import make_dataset
from ._evaluate import score
from ._facts import get_facts
from ._protocol import TASKS
from ._suite import Suite

__version__ = "0.1.0"


@dataclasses.dataclass(frozen=True)
class Cell:
    system_id: str
    forecaster_id: str
    task: str
    seed: int
    run_id: str


def _expand(requested: Sequence[str], registry) -> list[str]:
    if tuple(requested) == ("all",):
        return registry.ids()
    return [registry.resolve(r) for r in requested]


def plan(suite: Suite) -> list[Cell]:
    """Every cell of ``suite``, in a deterministic order, with its run id."""
    if suite.seeds < 1:
        raise ValueError(f"--seeds must be a positive integer, got {suite.seeds}")
    for task in suite.tasks:
        if task not in TASKS:
            raise ValueError(f"unknown task {task!r}; known tasks: {', '.join(TASKS)}")
    system_ids = _expand(suite.systems, _api.systems)
    forecaster_ids = _expand(suite.forecasters, _api.forecasters)
    if not system_ids or not forecaster_ids:
        raise ValueError(f"suite {suite.name!r} has no systems or no forecasters to run")
    cells = []
    protocol = suite.protocol.as_dict()
    for system_id in system_ids:
        system = _api.systems.get(system_id)()
        for task in suite.tasks:
            for forecaster_id in forecaster_ids:
                forecaster = _api.forecasters.get(forecaster_id)()
                for seed in range(suite.seeds):
                    run_id = content_hash({
                        "system": system_id, "parameters": system.parameters,
                        "forecaster": forecaster_id, "hyperparameters": repr(forecaster),
                        "task": dataclasses.asdict(TASKS[task]), "seed": seed,
                        "protocol": protocol,
                    })
                    cells.append(Cell(system_id, forecaster_id, task, seed, run_id))
    return cells


def stamp(suite: Suite) -> dict[str, str]:
    """What produced a result: package version, git commit, suite hash, jax, device."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True,
            cwd=Path(__file__).parent, timeout=10, check=False,
        ).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    device = jax.devices()[0]
    return {
        "chaosbench_version": __version__,
        "git_commit": commit,
        "suite": suite.name,
        "suite_hash": suite.hash,
        "jax_version": jax.__version__,
        "device": f"{device.platform}:{getattr(device, 'device_kind', '')}",
        "python": platform.python_version(),
    }


def cell_path(out: Path, cell: Cell) -> Path:
    return out / "cells" / f"{cell.run_id}.json"


@dataclasses.dataclass
class Summary:
    done: int = 0
    skipped: int = 0
    diverged: int = 0
    errors: int = 0
    elapsed: float = 0.0
    messages: list[str] = dataclasses.field(default_factory=list)

    def line(self) -> str:
        return (f"done {self.done}, skipped {self.skipped}, diverged {self.diverged}, "
                f"errors {self.errors}, elapsed {self.elapsed:.1f} s")


def run(
    suite: Suite,
    out: Path,
    *,
    force: bool = False,
    log: Callable[[str], None] = print,
    progress: bool = True,
) -> Summary:
    """Run every unfinished cell of ``suite`` and write its rows under ``out``."""
    enable_compilation_cache()
    start = time.perf_counter()
    out = Path(out)
    (out / "cells").mkdir(parents=True, exist_ok=True)
    cells = plan(suite)
    summary = Summary()
    todo = [c for c in cells if force or not cell_path(out, c).exists()]
    summary.skipped = len(cells) - len(todo)
    if summary.skipped:
        log(f"skipping {summary.skipped} finished cells (use --force to recompute)")
    groups: dict[tuple[str, str, str], list[Cell]] = {}
    for cell in todo:
        groups.setdefault((cell.system_id, cell.task, cell.forecaster_id), []).append(cell)
    run_stamp = stamp(suite)
    metrics = [_api.metrics.get(m) for m in _api.metrics.ids()]
    bar = tqdm(total=len(todo), disable=not progress, desc=f"suite {suite.name}", unit="cell")
    datasets: dict[tuple[str, str], Any] = {}
    for (system_id, task, forecaster_id), group in groups.items():
        base = {"system": system_id, "forecaster": forecaster_id, "task": task}
        known: dict[str, float] = {"dt": np.nan, "max_lyapunov": np.nan}
        try:
            system = _api.systems.get(system_id)()
            facts = get_facts(system)
            if (system_id, task) not in datasets:
                datasets.clear()  # keep one dataset in memory at a time
                spec = suite.protocol.dataset_spec(system, facts, TASKS[task])
                datasets[(system_id, task)] = make_dataset(spec)
            data = datasets[(system_id, task)]
            known = {"dt": data.spec.dt, "max_lyapunov": facts["max_lyapunov"]}
            forecaster = _api.forecasters.get(forecaster_id)()
            results = score(forecaster, data, facts, [c.seed for c in group], metrics)
        except Exception as error:  # noqa: BLE001 - recorded, the run goes on
            message = f"{type(error).__name__}: {error}".strip()
            detail = traceback.format_exc(limit=3)
            results = [{"seed": c.seed, "status": "error", "error": message,
                        "fit_seconds": np.nan, "forecast_seconds": np.nan} for c in group]
            results = [{**r, **{m.column: m.failure for m in metrics}} for r in results]
            summary.messages.append(f"{system_id} × {forecaster_id} ({task}): {message}")
            log(f"error in {system_id} × {forecaster_id} ({task}): {message}\n{detail}")
        for cell, result in zip(group, results):
            row = {
                "run_id": cell.run_id, **base,
                "system_version": int(system_id.rsplit("-v", 1)[1]),
                "forecaster_version": int(forecaster_id.rsplit("-v", 1)[1]),
                "error": "", **known, **result, **run_stamp,
            }
            atomic_write_text(cell_path(out, cell), json.dumps(row, indent=1, default=float))
            status = row["status"]
            summary.done += 1
            summary.diverged += status == "diverged"
            summary.errors += status == "error"
            bar.update(1)
            vpt = row.get("vpt_lyap", float("nan"))
            bar.write(f"{system_id:>22} {forecaster_id:>18} {task:>7} seed {cell.seed}: "
                      f"{status:8} VPT {vpt:6.2f} t_λ  D_stsp {row.get('d_stsp', np.nan):7.3f}"
                      f"  D_H {row.get('d_h', np.nan):6.3f}")
    bar.close()
    summary.elapsed = time.perf_counter() - start
    return summary
