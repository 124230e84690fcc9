"""Planning a run: the cells of a suite, their run ids, and shards of them.

A cell is one (system, forecaster spec, task, seed); its ``forecaster_id`` is the spec's
label (``esn-v2``, or ``esn-v2[size=800]`` with overrides: :mod:`chaosbench.base._spec`),
the name its rows carry. Its run id hashes everything that decides its numbers, so that
a finished cell is recognised on a re-run and an edited model is recomputed:

- the system's facts key (its id, parameters, initial condition and class source, and the
  settings and code that compute its facts: λ_max and period fix the sampling interval,
  horizon and burn-in of its datasets);
- the forecaster's id, every hyperparameter (defaults included, overrides applied, read
  from its fields: :func:`chaosbench.base._identity.hyperparameters`; a spec equal to the
  defaults has the defaults' run id) and the source of its module and of the
  modules of its package that it uses (:func:`chaosbench.base._identity.code_digest`);
- the task (:meth:`chaosbench.numerics._task.Task.identity`: the named tasks hash as
  before the task grid), the seed, the protocol (every constant, its version included), the ids
  (with versions) of the registered metrics and the package version;
- for a tuned spec (``tuned(mamba-v2)``: its label), the base spec's hyperparameters as
  above plus the tuner's version, the budget and the search space
  (:func:`chaosbench.harness._tuned.tuning_identity`); a tuned cell never shares a run id
  with the plain one.

A change in core code that alters numbers bumps ``Protocol.version`` (or a metric's
version) rather than being hashed here, so a refactor of the harness does not force a
catalogue-wide recompute.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from .._version import __version__
from ..base import _api
from ..base._cache import content_hash
from ..base._identity import code_digest, hyperparameters
from ..base._spec import ForecasterSpec
from ..catalogue._confirmation import find_record, tables
from ..catalogue._facts import FactsSettings, system_key
from ..numerics._task import TASKS, TaskError, get_task
from ..numerics._tuning import Budget
from ._suite import Suite, expand_forecasters, expand_systems
from ._tuned import TUNING_BUDGET, tuning_identity


class RunOptionsError(ValueError):
    """Invalid options for a run (seeds, suite, shard, output directory)."""


@dataclasses.dataclass(frozen=True)
class Cell:
    system_id: str
    forecaster_id: str
    task: str
    seed: int
    run_id: str

    @property
    def group(self) -> tuple[str, str, str]:
        return (self.system_id, self.task, self.forecaster_id)


def forecaster_identity(spec: str | ForecasterSpec, budget: Budget = TUNING_BUDGET) -> dict:
    """What of a forecaster spec (or its label) goes into its cells' run ids: the
    versioned id, not the label; the overrides enter through the hyperparameters; a tuned
    spec adds its tuning (tuner version, ``budget``, search space)."""
    resolved = ForecasterSpec.parse(spec).resolve()
    forecaster = resolved.base.build()
    identity = {
        "forecaster": resolved.id,
        "hyperparameters": hyperparameters(forecaster),
        # the sources, not the module names: the same code loaded elsewhere is the same
        "code": sorted(code_digest(type(forecaster)).values()),
    }
    if resolved.tuned:
        identity["tuning"] = tuning_identity(type(forecaster), budget)
    return identity


def system_identity(system_id: str) -> dict:
    """What of a system goes into its cells' run ids (see :func:`system_key`), and the
    two-trajectory λ̂ recorded under that key if there is one (the benchmark's λ_max of
    a system confirmed chaotic below the tangent screen:
    :func:`chaosbench.catalogue._validate.benchmark_facts`)."""
    system = _api.systems.get(system_id)()
    identity = {"system": system_id, "facts_key": system_key(system, FactsSettings())}
    record = find_record(tables(), system.id, identity["facts_key"])
    if record is not None and record.get("key") == identity["facts_key"]:
        identity["confirmed_lambda"] = record["lambda"]
    return identity


def run_id(
    system: dict, forecaster: dict, task: str, seed: int, protocol: dict, metrics: list[str]
) -> str:
    return content_hash(
        {
            **system,
            **forecaster,
            "task": get_task(task).identity(),
            "seed": seed,
            "protocol": protocol,
            "metrics": metrics,
            "package": __version__,
        }
    )


def plan(suite: Suite) -> list[Cell]:
    """Every cell of ``suite``, in a deterministic order, with its run id."""
    if not isinstance(suite.seeds, int) or suite.seeds < 1:
        raise RunOptionsError(f"seeds must be a positive integer, got {suite.seeds!r}")
    if not suite.tasks:
        raise RunOptionsError(f"suite {suite.name!r} has no tasks; known tasks: {', '.join(TASKS)}")
    for task in suite.tasks:
        try:
            get_task(task)
        except TaskError as error:
            raise RunOptionsError(str(error)) from None
    system_ids = expand_systems(suite.systems)
    forecaster_ids = [str(spec) for spec in expand_forecasters(suite.forecasters)]
    if not system_ids or not forecaster_ids:
        raise RunOptionsError(
            f"suite {suite.name!r} is empty: it names no systems or no forecasters "
            "(pass --systems/--forecasters, or see `chaosbench list systems`)"
        )
    protocol = suite.protocol.as_dict()
    metrics = _api.metrics.ids()
    forecasters = {f: forecaster_identity(f) for f in forecaster_ids}
    cells = []
    for system_id in system_ids:
        system = system_identity(system_id)
        for task in suite.tasks:
            for forecaster_id in forecaster_ids:
                for seed in range(suite.seeds):
                    rid = run_id(system, forecasters[forecaster_id], task, seed, protocol, metrics)
                    cells.append(Cell(system_id, forecaster_id, task, seed, rid))
    return cells


def parse_shard(text: str) -> tuple[int, int]:
    """``"K/N"`` → ``(K, N)`` with 1 ≤ K ≤ N, or a clear error."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise RunOptionsError(f"--shard must look like K/N (e.g. 2/8), got {text!r}") from None
    if not (n >= 1 and 1 <= k <= n):
        raise RunOptionsError(f"--shard {text}: K must be between 1 and N (N ≥ 1)")
    return k, n


def select_shard(cells: Sequence[Cell], shard: tuple[int, int]) -> list[Cell]:
    """The cells of the k-th of n slices; whole groups stay together."""
    k, n = shard
    order = list(dict.fromkeys(c.group for c in cells))
    mine = {g for i, g in enumerate(order) if i % n == k - 1}
    return [c for c in cells if c.group in mine]
