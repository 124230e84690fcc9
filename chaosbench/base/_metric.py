"""Metrics: pure functions of (forecast, truth, facts) registered with a direction."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Literal

import equinox as eqx

from ._types import Array, Scalar, Trajectory


class ScoringFacts(eqx.Module):
    """What a metric may know about the system and the data.

    **Arguments:**

    - `dt`: sampling interval (time units per step).
    - `max_lyapunov`: the system's largest Lyapunov exponent (per time unit).
    - `period`: the system's dominant period (time units; the facts' ``period``, from the
      power spectrum).
    - `mean`, `std`: per-dimension training statistics, shape `(dim,)`.
    """

    dt: Array
    max_lyapunov: Array
    period: Array
    mean: Array
    std: Array

    @property
    def lyapunov_times_per_step(self) -> Array:
        return self.dt * self.max_lyapunov

    @property
    def periods_per_step(self) -> Array:
        """Dominant periods per step, ``dt / period``."""
        return self.dt / self.period


MetricFn = Callable[[Trajectory, Trajectory, ScoringFacts], Scalar]


@dataclasses.dataclass(frozen=True)
class Metric:
    """A registered metric.

    **Arguments:**

    - `fn`: ``fn(forecast, truth, facts) -> scalar`` on trajectories in physical units.
    - `direction`: ``"higher"`` or ``"lower"`` is better.
    - `kind`: ``"short"`` scores a test window's forecast (the evaluator takes the median
      over windows); ``"long"`` scores a long free-running rollout against a long truth;
      ``"lyapunov"`` scores the forecaster's own largest Lyapunov exponent against λ_max.
    - `failure`: the score a failed forecast gets.
    - `reference`: a level figures draw beside the metric (the VPT's error threshold), if any.
    - `name`: the short name tables and figures show (``"VPT"``); default: the column.
    - `unit`: the unit shown after the name, if any (``"t_λ"``).
    - `description`: one line saying what the score is, for the web page's column titles.
    - `headline`: the short-term score the leaderboard orders and ranks by (exactly one
      registered metric has it).
    - `per_system`: the leaderboard names each system's best forecaster by this metric and
      breaks its median down by dimension, timescale and family (the headline always is).
    - `floor`: for a ``"long"`` metric, the name of its truth floor in the system's facts
      (``facts["truth_floor"][floor]``: its value between two independent true long runs).
      Rows then carry ``<column>_norm`` = value / floor (1: as close as another true
      trajectory) beside the raw ``<column>``; tables aggregate the normalised value.
    - `attractor`: this metric's normalised value decides whether a bounded free run is on
      the attractor (``<column>_norm`` ≤ ``ON_ATTRACTOR_FACTOR``, see
      :mod:`chaosbench.numerics._evaluate`). At most one registered metric has it.

    Where the leaderboard shows a metric follows from these: the headline first, then,
    beside it, every long-term metric (kind ``"long"`` or ``"lyapunov"``) in the order of
    registration. The core reads all of this from the registry and names no metric.
    """

    id: str
    fn: MetricFn
    direction: Literal["higher", "lower"]
    kind: Literal["short", "long", "lyapunov"]
    failure: float
    reference: float | None = None
    name: str = ""
    unit: str = ""
    description: str = ""
    headline: bool = False
    per_system: bool = False
    floor: str | None = None
    attractor: bool = False

    @property
    def column(self) -> str:
        return self.id.rsplit("-v", 1)[0]

    @property
    def normalised_column(self) -> str | None:
        """``<column>_norm`` for a metric with a truth floor, else ``None``."""
        return f"{self.column}_norm" if self.floor else None

    @property
    def short_name(self) -> str:
        """The name shown in tables: ``name``, else the column."""
        return self.name or self.column

    @property
    def label(self) -> str:
        """The name with its unit: ``"VPT (t_λ)"``."""
        return f"{self.short_name} ({self.unit})" if self.unit else self.short_name

    @property
    def long_term(self) -> bool:
        """Whether it scores the long free run (its attractor or its Lyapunov exponent)."""
        return self.kind != "short"

    def __call__(self, forecast: Trajectory, truth: Trajectory, facts: ScoringFacts) -> Scalar:
        return self.fn(forecast, truth, facts)
