"""Benchmark suites: small typed definitions, not code branches."""

from __future__ import annotations

import dataclasses

from ..base._cache import content_hash
from ..numerics._protocol import Protocol


@dataclasses.dataclass(frozen=True)
class Suite:
    """Which cells a benchmark run contains.

    **Arguments:**

    - `name`: the suite's name.
    - `systems`, `forecasters`: ids or bare names; ``("all",)`` means every registered one.
    - `tasks`: task names (see ``chaosbench.numerics._protocol.TASKS``).
    - `seeds`: number of seeds per cell (0, 1, …); seed s draws its own dataset (training
      data, test windows, long run) and its own model initialisation (protocol v5).
    - `protocol`: the benchmark protocol.
    """

    name: str
    systems: tuple[str, ...]
    forecasters: tuple[str, ...]
    tasks: tuple[str, ...] = ("rich",)
    seeds: int = 3
    protocol: Protocol = Protocol()

    def as_dict(self) -> dict:
        out = dataclasses.asdict(self)
        out["protocol"] = self.protocol.as_dict()
        return out

    @property
    def hash(self) -> str:
        return content_hash(self.as_dict())


ALL = ("all",)

SUITES: dict[str, Suite] = {
    "smoke": Suite(
        "smoke",
        systems=("lorenz63", "rossler", "lorenz96"),
        forecasters=("persistence", "climatology", "esn"),
        seeds=2,
    ),
    # Every forecaster on four systems of different dimension (3, 3, 4, 10) and timescale
    # (λ_max · period from 0.4 to 0.7): the nightly benchmark, ~30 min on 2 cores.
    "default": Suite(
        "default",
        systems=("lorenz63", "rossler", "hyper_rossler", "lorenz96"),
        forecasters=ALL,
        seeds=3,
    ),
    # The committed headline: every system that passes the chaos check × every forecaster,
    # the data-rich task, three seeds (`make bench SUITE=catalogue`, run in shards).
    "catalogue": Suite("catalogue", systems=ALL, forecasters=ALL, tasks=("rich",), seeds=3),
    "full": Suite(
        "full", systems=ALL, forecasters=ALL, tasks=("rich", "limited", "noisy"), seeds=5
    ),
}
