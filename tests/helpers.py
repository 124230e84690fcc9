"""Shared test helpers: the registered ids to parametrise over, the dysts reference
catalogue, and a small dataset."""

import functools
import json
from importlib import resources

import chaosbench as cb
import chaosbench.forecasters  # noqa: F401
import chaosbench.metrics  # noqa: F401
import chaosbench.systems  # noqa: F401

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


def small_lorenz_dataset(n_train: int = 2000, n_test: int = 4, horizon: int = 512, seed: int = 0):
    """A short Lorenz-63 dataset at the benchmark's sampling, for fast forecaster tests."""
    system = cb.get_system("lorenz63")
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
