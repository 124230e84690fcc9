"""Shared test helpers: the registered ids to parametrise over, and a small dataset."""

import chaosbench as cb
import forecasters  # noqa: F401
import metrics  # noqa: F401
import systems  # noqa: F401

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
