"""Golden checksums: the datasets of a few fixed specs must not change.

A dataset is a deterministic function of its spec; leaderboard rows are comparable only
while that stays true. If one of these fails, a change to a system's equations or
parameters, to the integrator or to the dataset layout has altered trajectories. Do not
update the checksum to make it pass: bump the version of what changed (``lorenz63-v2``
for a system, ``Protocol.version`` or ``FORMAT_VERSION`` for the harness) so that old and
new results are never mixed, and only then pin the new arrays here.

Each checksum is the SHA-256 of the float64 arrays (train, test, long, mean, std)
written with 10 significant digits, so harmless last-bit differences between BLAS/XLA
builds or CPUs do not trip it; the trajectories are short (a few time units after a
short burn-in, and under format 3 a short separation and jitter along the reference
orbit: about 8 time units in all) so such differences cannot grow to the 10th digit.
"""

import hashlib

import numpy as np
import pytest

import chaosbench as cb

SPEC = dict(
    n_train=64, n_test=2, context=16, horizon=32, n_long=64, seed=0, separation=1.0, jitter=0.5
)
GOLDEN = {  # re-pinned for Protocol v5 (dataset format 3: starts along one reference orbit)
    # system: (dt, burn_in, sha256)
    "lorenz63-v1": (0.01, 2.0, "c881696f02b4f27d11577bc63e842246bbfaf3608dc7f414a5d1309be2a698e2"),
    "rossler-v1": (0.05, 5.0, "567cfe92b903a1b20473afbf49266ba510813a155801be7063e9b97ceff6d158"),
    "lorenz96-v1": (0.01, 2.0, "1c086981209eae5cc79a8dae3ae0c4c1634c0eb9f2b9a2099379a2d3afc57dc4"),
}


def checksum(data: cb.Dataset) -> str:
    digest = hashlib.sha256()
    for name in ("train", "test", "long", "mean", "std"):
        array = np.asarray(getattr(data, name), dtype=np.float64)
        digest.update(f"{name}{array.shape}".encode())
        digest.update("\n".join(f"{x:.9e}" for x in array.ravel()).encode())
    return digest.hexdigest()


@pytest.mark.parametrize("system_id", list(GOLDEN))
def test_dataset_checksum_is_pinned(system_id):
    dt, burn_in, expected = GOLDEN[system_id]
    system = cb.get_system(system_id)
    spec = cb.DatasetSpec.create(system.id, system.parameters, dt=dt, burn_in=burn_in, **SPEC)
    found = checksum(cb.make_dataset(spec, use_cache=False))
    assert found == expected, (
        f"the dataset of {system_id} changed (sha256 {found}, pinned {expected}). A change to "
        f"the system, its parameters, the integrator or the dataset layout alters results: "
        f"bump the version (e.g. {system_id.rsplit('-v', 1)[0]}-v"
        f"{int(system_id.rsplit('-v', 1)[1]) + 1}, or Protocol.version / FORMAT_VERSION) "
        "rather than silently changing results, then pin the new checksum here."
    )
