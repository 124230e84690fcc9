"""Shared test helpers: the registered ids to parametrise over, the dysts reference
catalogue, a small dataset, and hand-made result rows (from the production factory).

The tiny suite the runner tests share is ``reliability_helpers.tiny_suite``."""

import functools
import json
from importlib import resources

import chaosbench as cb
import chaosbench.forecasters  # noqa: F401
import chaosbench.metrics  # noqa: F401
import chaosbench.systems  # noqa: F401
from chaosbench.numerics import _rows

FOUNDATION_SYSTEMS = (
    "lorenz63-v1",
    "rossler-v1",
    "lorenz96-v1",
    "chen-v1",
    "thomas-v1",
    "halvorsen-v1",
    "aizawa-v1",
    "hyper_rossler-v1",
)
all_systems = tuple(cb.list_systems())
all_forecasters = tuple(cb.list_forecasters())

# dysts' catalogue, vendored in the package (chaosbench/data/dysts/, with its licence and
# a README): for cross-checking only. Tests read it from there, never from outside the
# repository, so a fresh clone runs them all.
DYSTS_CATALOGUE = resources.files("chaosbench") / "data" / "dysts" / "chaotic_attractors.json"


@functools.cache
def dysts_catalogue() -> dict:
    """The vendored dysts catalogue: ``{dysts name: entry}`` (parameters, initial
    conditions, citation and dysts' own estimates)."""
    return json.loads(DYSTS_CATALOGUE.read_text())


dysts_names = tuple(sorted(dysts_catalogue()))


def small_lorenz_dataset(
    n_train: int = 2000, n_test: int = 4, horizon: int = 512, seed: int = 0, system="lorenz63"
):
    """A short dataset of ``system`` (Lorenz-63 unless named) at the benchmark's sampling,
    for fast forecaster tests."""
    system = cb.get_system(system)
    facts = cb.get_facts(system)
    spec = cb.DatasetSpec.create(
        system.id,
        system.parameters,
        dt=facts["dt"],
        n_train=n_train,
        n_test=n_test,
        context=500,
        horizon=horizon,
        n_long=2048,
        burn_in=20 * facts["period"],
        seed=seed,
    )
    return cb.make_dataset(spec), facts


def make_row(
    system: str,
    forecaster: str,
    seed: int = 0,
    *,
    run_id: str,
    task: str = "rich",
    protocol_version: int = 1,
    hyperparameters: dict | None = None,
    dt: float = 0.01,
    max_lyapunov: float = 0.9,
    external: bool = False,
    stamp: dict | None = None,
    **result,
) -> _rows.Row:
    """A hand-made row, from the factory the runner and external scoring use
    (:func:`chaosbench.numerics._rows.make_row`). ``result`` holds its status, error,
    timing, metric and diagnostic columns (``status="ok"`` unless given); write it with
    ``row.columns()``."""
    return _rows.make_row(
        run_id=run_id,
        system=system,
        forecaster=forecaster,
        task=task,
        seed=seed,
        protocol_version=protocol_version,
        hyperparameters=hyperparameters or {},
        dt=dt,
        max_lyapunov=max_lyapunov,
        result={"status": "ok", **result},
        external=external,
        stamp=stamp,
    )
