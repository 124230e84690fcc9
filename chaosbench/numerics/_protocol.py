"""The benchmark protocol: how a (system, task) pair becomes a dataset spec.

Protocol v1 (see DESIGN.md): 100 points per dominant period; test windows with a
500-step context and a horizon of at least 25 Lyapunov times (rounded up to a multiple
of 512 steps so that systems share compiled programs, and capped at ``max_horizon``);
a 50,000-step long trajectory for attractor statistics (500 periods: with 10,000 the
binned D_stsp of two true Lorenz-63 trajectories is 0.62, with 30,000 0.16, with 100,000
0.08: shorter runs make the metric measure sampling noise); a burn-in
of 100 periods.

Protocol v2: initial conditions are perturbed by 1e-4 (of ``|x| + 1``) instead of 1e-2.
The larger kicks pushed starts of Sprott Q and Sprott's jerk system over their basin
boundary (trajectories to infinity) and took Turchin–Hanski and the cell cycle off their
attractors, so their datasets were non-finite; at 1e-4 all 18 trajectories of each stay
finite. Trajectories still separate by a factor ``exp(λ · burn-in)`` before sampling, so
their independence needs ``λ · 100 periods ≫ ln 10⁴ ≈ 9``, true of all but the ~10
slowest-chaos systems of the catalogue (``λ · period < 0.1``).
Also new in v2: the sampling interval resolves the Lyapunov time as well as the period,
``Δ = min(period, 5 t_λ) / 100`` (:func:`sampling_interval`). For a dozen broadband
systems the spectral peak is a slow wandering far longer than their Lyapunov time
(Ikeda's delay system: period 300, t_λ 2.2), and one step of period/100 lasted more than
a Lyapunov time, so no forecast could be valid for even one step. The default suite's
systems (λ · period ≤ 2) are unaffected.

Protocol v3: the same protocol as v2, but each trajectory's burn-in and sampled stretch
are one adaptive solve (dataset format 2), which halves the compiling of a dataset; the
step sequence differs from v2's two solves, so the trajectories (chaos amplifies the
1e-10 differences) and results differ from v2's.

Protocol v4: skill and stability scored apart; the forecaster's own Lyapunov exponent;
each seed fitted on its own.

Protocol v5: independent starts and a dataset per seed (dataset format 3; see
:mod:`chaosbench.numerics._dataset` for the draw). v2–v4 started every trajectory of a
dataset from its own 1e-4 perturbation of one initial condition after the same 100-period
burn-in; where ``λ · 100 periods`` is small (``sprott_i``, ``bickley_jet``,
``nose_hoover``) the test windows stayed within 0.03–0.5 σ of the training trajectory, so a
method that looks the context up in the training data (analogues) scored the horizon
cap. Now one seeded start is burned in (100 periods) and followed along a reference orbit,
and the training trajectory, each test window and the long run start on it in turn, each
start a separation after the end of the previous trajectory:

    separation = min(max(K_λ · t_λ, K_p · period), K_max · period),
    K_λ = 20 Lyapunov times, K_p = 10 periods, K_max = 2,000 periods,

so that two starts differ by whatever the chaos has made of a difference of ``e^{-20}``
of the attractor's size (``e^{20} ≈ 5·10⁸``: a 1e-8 difference has grown to the
attractor's size) and by at least a few periods of decorrelation on fast systems. The
first start is a separation past the burn-in as well, so that two seeds (whose starts are
1e-4 apart) draw unrelated datasets: on ``sprott_i`` the v4 trajectories of seeds 0 and 1,
100 periods (13 t_λ) after their 1e-4 kicks, were still 0.03 σ apart (a kick along the
flow is a time shift, which chaos does not amplify). Every gap is lengthened by a random
fraction of one period (``jitter``), so that on nearly periodic attractors (80 % of
``sprott_i``'s power is at its dominant period, whose phase diffuses slowly) the starts
get random phases rather than the phase offsets of regular gaps. The cap
bounds the cost for systems with λ · period < 0.01 (λ ≤ 0 gets the cap); none of the
systems that pass the chaos check reaches it (the slowest, ``nose_hoover``, needs 1,326
periods), and a system that did would be caught by the per-system independence check
(:mod:`chaosbench.catalogue._independence`). The dataset seed is the
cell's seed (``harness/_execute.py``): seed s draws its own training data, windows and
long run, as well as its own model initialisation.

Also new in v5 (what a row means): rows keep the headline's value on every test window and
count the windows censored at the horizon (:mod:`chaosbench.numerics._evaluate`), and
give the VPT in dominant periods beside Lyapunov times; the long run's D_stsp and D_H are
divided by the system's truth floors (the same distances between independent true runs,
:mod:`chaosbench.catalogue._floors`), and the run is ``on_attractor`` (within
``ON_ATTRACTOR_FACTOR`` floors), ``off_attractor`` or ``diverged``; the λ error clips λ̂
at −λ_max, so it is finite for every bounded run. Facts v3 underlie it: the period from
several stretches of one orbit (Welch), with the spread of period and λ_max over them.

**Tasks** (:mod:`chaosbench.numerics._task`) are points of a grid: training length (steps
or Lyapunov times), observation noise, observed variables (all, or one) and context
length (steps or periods). **Observation noise is on the inputs only**: the training
trajectory and the test windows' contexts carry Gaussian noise of ``noise`` times each
coordinate's training std; the truths the forecasts are scored against (the windows'
horizons and the long run) are clean. A one-variable task shows the forecaster, and
scores, one coordinate of the same trajectories. The grid added no version: the named
tasks ``rich``, ``limited`` and ``noisy`` give the datasets, run ids and rows they gave
before it.
"""

from __future__ import annotations

import dataclasses
import math

from ..base._system import AbstractSystem
from ._dataset import DatasetSpec
from ._integrate import IntegratorSettings
from ._task import TASKS as TASKS
from ._task import ResolvedTask, Task, get_task, resolve

POINTS_PER_PERIOD = 100
MAX_PERIOD_LYAPUNOV_TIMES = 5.0


def sampling_interval(
    period: float,
    max_lyapunov: float,
    points_per_period: int = POINTS_PER_PERIOD,
    max_lyapunov_times: float = MAX_PERIOD_LYAPUNOV_TIMES,
) -> float:
    """The benchmark's step Δ: ``points_per_period`` points per dominant period, the
    period counted as at most ``max_lyapunov_times`` Lyapunov times (so every Lyapunov
    time gets ``points_per_period / max_lyapunov_times`` points or more)."""
    cap = max_lyapunov_times / max_lyapunov if max_lyapunov > 0 else math.inf
    return min(period, cap) / points_per_period


@dataclasses.dataclass(frozen=True)
class Protocol:
    """Protocol constants (versioned: change a value, bump ``version``)."""

    # 2: perturbation 1e-2 → 1e-4; Δ resolves the Lyapunov time too
    # 3: datasets burn in and sample in one adaptive solve (dataset format 2)
    # 4: skill and stability scored apart (a window that blows up has infinite error from
    #    that step on; a diverged free run no longer zeroes short-term scores, it is
    #    recorded as long_run = diverged); the forecaster's own Lyapunov exponent; each
    #    seed fitted on its own (rows independent of how seeds were grouped)
    # 5: independent starts far apart along one reference orbit (dataset format 3); the
    #    dataset seed is the cell's seed; per-window and censored VPT, VPT in periods;
    #    long-run scores over truth floors and three long-run states; finite λ error
    version: int = 5
    points_per_period: int = POINTS_PER_PERIOD
    max_period_lyapunov_times: float = MAX_PERIOD_LYAPUNOV_TIMES
    n_test: int = 20
    context: int = 500
    horizon_lyap: float = 25.0
    horizon_multiple: int = 512
    max_horizon: int = 16_384
    n_long: int = 50_000
    burn_in_periods: float = 100.0
    perturbation: float = 1e-4
    separation_lyapunov_times: float = 20.0
    separation_periods: float = 10.0
    max_separation_periods: float = 2_000.0
    integrator: IntegratorSettings = IntegratorSettings()
    fit_slots: int = 3
    """Seeds fitted together by one vmapped program
    (:func:`chaosbench.numerics._evaluate.fit_slots`): a group's seeds fill the slots,
    unused slots repeat a seed and are discarded, so a seed's model (and row) is the same
    bits whichever seeds share its program. Added within v5 (an execution setting, not a
    scoring rule: it changes the bits of trained models, so it is part of every run id);
    1.4× faster fits for the shPLRNN on this CPU."""

    def horizon_steps(self, dt: float, max_lyapunov: float) -> int:
        steps = math.ceil(self.horizon_lyap / (dt * max_lyapunov))
        steps = self.horizon_multiple * math.ceil(steps / self.horizon_multiple)
        return min(steps, self.max_horizon)

    def separation(self, facts: dict) -> float:
        """Time between the end of one trajectory of a dataset and the next start along
        the reference orbit: ``min(max(K_λ t_λ, K_p period), K_max period)``."""
        period, lam = facts["period"], facts["max_lyapunov"]
        lyapunov = self.separation_lyapunov_times / lam if lam > 0 else math.inf
        wanted = max(lyapunov, self.separation_periods * period)
        return float(min(wanted, self.max_separation_periods * period))

    def dt(self, facts: dict) -> float:
        """The system's sampling interval Δ (:func:`sampling_interval`)."""
        return sampling_interval(
            facts["period"],
            facts["max_lyapunov"],
            self.points_per_period,
            self.max_period_lyapunov_times,
        )

    def resolve(self, task: Task | str, facts: dict) -> ResolvedTask:
        """``task`` (a :class:`Task` or its name) for the system of ``facts``: its training
        and context lengths in steps, Lyapunov times and periods, and the observed
        coordinates (:mod:`chaosbench.numerics._task`)."""
        return resolve(get_task(task), facts, self.dt(facts), self.context)

    def dataset_spec(
        self, system: AbstractSystem, facts: dict, task: Task | str, seed: int = 0
    ) -> DatasetSpec:
        """The dataset of ``task`` (a :class:`Task` or its name) on ``system``: training
        data and contexts carry the task's observation noise, the truths none; a
        one-variable task's dataset is the all-variable one's projection on the observed
        coordinate (:class:`DatasetSpec`, ``observed``)."""
        resolved = self.resolve(task, facts)
        dt = self.dt(facts)
        return DatasetSpec.create(
            system.id,
            system.parameters,
            dt=dt,
            n_train=resolved.n_train,
            n_test=self.n_test,
            context=resolved.context,
            horizon=self.horizon_steps(dt, facts["max_lyapunov"]),
            n_long=self.n_long,
            burn_in=self.burn_in_periods * facts["period"],
            perturbation=self.perturbation,
            separation=self.separation(facts),
            jitter=facts["period"],
            noise=resolved.noise,
            seed=seed,
            integrator=self.integrator,
            observed=resolved.observed,
        )

    def as_dict(self) -> dict:
        out = dataclasses.asdict(self)
        out["integrator"] = self.integrator.as_dict()
        return out
