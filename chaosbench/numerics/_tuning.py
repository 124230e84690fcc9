"""The tuner's budget and its record: the schedule of successive halving, one validation
problem (a training trajectory carved into its fitting part and validation windows), one
trial, the result of a search (see :mod:`chaosbench.numerics._tuner` for the procedure).

**References:**

- K. Jamieson, A. Talwalkar. Non-stochastic best arm identification and hyperparameter
  optimization. AISTATS 2016 (successive halving).
- L. Li, K. Jamieson, G. DeSalvo, A. Rostamizadeh, A. Talwalkar. Hyperband: a novel
  bandit-based approach to hyperparameter optimization. JMLR 18 (2018).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..base._forecaster import AbstractForecaster
from ..base._identity import hyperparameters
from ..base._metric import ScoringFacts
from ..base._search import SearchSpace
from ._validation import VALIDATION_FRACTION, VALIDATION_WINDOWS, ValidationSplit

TUNER_VERSION = 1
"""Bump when a change to the tuner changes what it chooses (a tuned row's run id must
include it, with the budget and the search space)."""

OK, DIVERGED, FAILED, OVER_CAP = "ok", "diverged", "failed", "over_cap"


@dataclasses.dataclass(frozen=True)
class Budget:
    """The tuner's settings, the same for every forecaster.

    **Arguments:**

    - `candidates`: points drawn from the search space (9).
    - `eta`: successive halving's reduction factor η (3).
    - `fraction`, `windows`: the validation split (the last 20 % of the training rows, 5
      windows).
    - `free_run`: steps of a free run from the last validation context that must stay
      bounded (0: no such check; the protocol's long run is 50,000 steps).
    - `divisor`: the full resource is the space's declared budget (e.g. the authors'
      training length) divided by this, for every forecaster alike (1: the declared
      budget; see ``chaosbench.harness._tuned.TUNING_BUDGET`` for the benchmark's).
    """

    candidates: int = 9
    eta: int = 3
    fraction: float = VALIDATION_FRACTION
    windows: int = VALIDATION_WINDOWS
    free_run: int = 0
    divisor: int = 1

    def __post_init__(self):
        if self.candidates < 1 or self.eta < 2:
            raise ValueError("a budget needs at least one candidate and η ≥ 2")
        if isinstance(self.divisor, bool) or not isinstance(self.divisor, int) or self.divisor < 1:
            raise ValueError(f"the budget's divisor must be a positive int, got {self.divisor!r}")

    @property
    def rungs(self) -> int:
        """``K + 1``: one rung per power of η up to the number of candidates."""
        k = 0
        while self.eta ** (k + 1) <= self.candidates:
            k += 1
        return k + 1

    def fractions(self) -> tuple[float, ...]:
        """Each rung's share of the full budget: ``η^(k − K)`` (1/9, 1/3, 1)."""
        return tuple(self.eta ** (k - self.rungs + 1) for k in range(self.rungs))

    def schedule(self, space: SearchSpace) -> tuple[tuple[int, int | None], ...]:
        """``(candidates, resource)`` of every rung for ``space``: ``candidates // ηᵏ``
        trained at ``budget · η^(k − K)`` of the resource, rounded to the space's
        ``multiple`` (:meth:`chaosbench.SearchSpace.rung_resource`); the resource is
        ``None`` for a single-fidelity space (its full fit at every rung)."""
        n = min(self.candidates, space.size)
        return tuple(
            (max(1, n // self.eta**k), space.rung_resource(share / self.divisor))
            for k, share in enumerate(self.fractions())
        )

    def full_resource(self, space: SearchSpace) -> int | None:
        """The resource of the last rung (the chosen forecaster's): the declared budget
        over ``divisor``, rounded to the space's ``multiple``."""
        return space.rung_resource(1 / self.divisor)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {"tuner_version": TUNER_VERSION}


@dataclasses.dataclass(frozen=True)
class Trial:
    """One candidate trained at one rung: what it was and how it scored.

    ``candidate`` is its place in draw order, ``point`` its index in the grid,
    ``values`` its hyperparameters (the resource included, at ``resource``); ``score``
    the median headline over the validation windows (the failure value unless
    ``status`` is ``ok``), ``median`` and ``mean`` the headline's median and mean however
    the candidate ended (NaN if it failed), ``error`` the mean clipped normalised error,
    ``seconds`` the wall time of its fit and forecasts (0 when ``reused``), ``message``
    the error of a failed candidate (or why it is ``over_cap``), ``cell_seconds`` its
    projected cost at the full resource (``tune_many``'s ``max_cell_seconds``).
    """

    candidate: int
    point: int
    values: dict[str, Any]
    rung: int
    resource: int | None
    status: str
    score: float
    median: float
    mean: float
    error: float
    seconds: float
    reused: bool = False
    message: str = ""
    per_problem: tuple[float, ...] = ()
    cell_seconds: float = math.nan

    def as_dict(self, *, seconds: bool = True) -> dict[str, Any]:
        """A JSON-able record; ``seconds=False`` leaves the wall times out (what two runs
        of the tuner agree on bit for bit)."""
        out = dataclasses.asdict(self)
        out["values"] = hyperparameters_of(self.values)
        if not seconds:
            del out["seconds"], out["cell_seconds"]
        if not self.per_problem:
            del out["per_problem"]
        else:
            out["per_problem"] = list(self.per_problem)
        return out


def hyperparameters_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with tuples as lists (JSON-able)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


@dataclasses.dataclass(frozen=True)
class TuningResult:
    """What :func:`tune` chose and how.

    - `base`: the forecaster tuned (its other hyperparameters stay as given).
    - `best`: the chosen point, ``{name: value}`` over the space's axes, with the resource
      at the full budget.
    - `trials`: every trial, rung by rung, in evaluation order.
    - `seconds`: the wall time of the whole search, compilation included.
    """

    base: AbstractForecaster
    space: SearchSpace
    budget: Budget
    split: ValidationSplit
    best: dict[str, Any]
    trials: tuple[Trial, ...]
    seconds: float

    def build(self) -> AbstractForecaster:
        """The chosen forecaster: ``base`` with ``best`` applied, ready to fit."""
        return with_values(self.base, self.best)

    @property
    def hyperparameters(self) -> dict[str, Any]:
        """Every hyperparameter of the chosen forecaster (its row's ``hyperparameters``)."""
        return hyperparameters(self.build())

    def record(self, *, seconds: bool = True) -> dict[str, Any]:
        """A JSON-able record of the search: the choice, the space, the budget and its
        schedule, the split and every trial."""
        out = {
            "best": hyperparameters_of(self.best),
            "space": self.space.as_dict(),
            "budget": self.budget.as_dict(),
            "schedule": [list(rung) for rung in self.budget.schedule(self.space)],
            "split": self.split.as_dict(),
            "trials": [t.as_dict(seconds=seconds) for t in self.trials],
        }
        if seconds:
            out["seconds"] = self.seconds
        return out


def with_values(base: AbstractForecaster, values: Mapping[str, Any]) -> AbstractForecaster:
    """``base`` rebuilt with ``values`` overriding its hyperparameters."""
    kept = {f.name: getattr(base, f.name) for f in dataclasses.fields(base) if f.init}
    return type(base)(**(kept | dict(values)))


@dataclasses.dataclass(frozen=True)
class Problem:
    """One training trajectory the candidates are validated on: its split, the fitting
    part, the validation contexts and truths, and the headline's facts."""

    split: ValidationSplit
    fit_train: jax.Array
    contexts: jax.Array
    truths: jax.Array
    scoring: ScoringFacts

    @classmethod
    def carve(cls, train, context, horizon, scoring, budget: Budget) -> Problem:
        """Split the z-scored ``train`` ``(time, dim)`` (:class:`ValidationSplit`)."""
        train = jnp.asarray(train)
        split = ValidationSplit.carve(
            train.shape[0], context, horizon, fraction=budget.fraction, windows=budget.windows
        )
        host = np.asarray(train)
        dim = train.shape[-1]
        unit = jnp.ones((), train.dtype)
        facts = ScoringFacts(
            dt=unit if scoring is None else jnp.asarray(scoring.dt),
            max_lyapunov=unit if scoring is None else jnp.asarray(scoring.max_lyapunov),
            period=unit if scoring is None else jnp.asarray(scoring.period),
            mean=jnp.zeros(dim, train.dtype),
            std=jnp.ones(dim, train.dtype),
        )
        return cls(
            split,
            jnp.asarray(split.fit_part(host)),
            jnp.asarray(split.contexts(host)),
            jnp.asarray(split.truths(host)),
            facts,
        )
