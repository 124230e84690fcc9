"""The benchmark protocol: how a (system, task) pair becomes a dataset spec.

Protocol v1 (see DESIGN.md): 100 points per dominant period; test windows with a
500-step context and a horizon of at least 25 Lyapunov times (rounded up to a multiple
of 512 steps so that systems share compiled programs, and capped at ``max_horizon``);
a 50,000-step long trajectory for attractor statistics (500 periods: with 10,000 the
binned D_stsp of two true Lorenz-63 trajectories is 0.62, with 30,000 0.16, with 100,000
0.08: shorter runs make the metric measure sampling noise); a burn-in
of 100 periods.
"""

from __future__ import annotations

import dataclasses
import math

from ._dataset import DatasetSpec
from ._integrate import IntegratorSettings
from ._system import AbstractSystem


@dataclasses.dataclass(frozen=True)
class Task:
    """A data regime: training length and observation noise (fraction of the std)."""

    name: str
    n_train: int
    noise: float = 0.0


TASKS: dict[str, Task] = {
    "rich": Task("rich", 10_000),
    "limited": Task("limited", 1_000),
    "noisy": Task("noisy", 10_000, noise=0.05),
}


@dataclasses.dataclass(frozen=True)
class Protocol:
    """Protocol constants (versioned: change a value, bump ``version``)."""

    version: int = 1
    points_per_period: int = 100
    n_test: int = 20
    context: int = 500
    horizon_lyap: float = 25.0
    horizon_multiple: int = 512
    max_horizon: int = 16_384
    n_long: int = 50_000
    burn_in_periods: float = 100.0
    integrator: IntegratorSettings = IntegratorSettings()

    def horizon_steps(self, dt: float, max_lyapunov: float) -> int:
        steps = math.ceil(self.horizon_lyap / (dt * max_lyapunov))
        steps = self.horizon_multiple * math.ceil(steps / self.horizon_multiple)
        return min(steps, self.max_horizon)

    def dataset_spec(
        self, system: AbstractSystem, facts: dict, task: Task, seed: int = 0
    ) -> DatasetSpec:
        dt = facts["period"] / self.points_per_period
        return DatasetSpec.create(
            system.id,
            system.parameters,
            dt=dt,
            n_train=task.n_train,
            n_test=self.n_test,
            context=self.context,
            horizon=self.horizon_steps(dt, facts["max_lyapunov"]),
            n_long=self.n_long,
            burn_in=self.burn_in_periods * facts["period"],
            noise=task.noise,
            seed=seed,
            integrator=self.integrator,
        )

    def as_dict(self) -> dict:
        out = dataclasses.asdict(self)
        out["integrator"] = self.integrator.as_dict()
        return out
