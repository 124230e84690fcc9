"""The one tuner: successive halving on a validation split of the training data.

Every learned forecaster declares a :class:`chaosbench.SearchSpace` (its few decisive
hyperparameters and the field that is its training budget). :func:`tune` chooses one
point of it for one training trajectory, with the same procedure and the same schedule
for every forecaster:

1. **Candidates.** ``Budget.candidates`` (9) distinct grid points, drawn without
   replacement from the space by a seeded sampler (the tuning key), in draw order.
2. **Schedule.** Successive halving (Jamieson & Talwalkar 2016) with reduction factor
   ``η = Budget.eta`` (3): rung ``k`` trains ``candidates // ηᵏ`` candidates (9, 3, 1)
   with the resource at ``η^(k − K)`` of the full budget (1/9, 1/3, 1 of it; ``K + 1``
   rungs; rounded to the space's ``multiple``); each rung keeps the best ``1/η`` of the
   previous one, so the winner is the best of the last rung. Every candidate is
   trained from scratch at its rung's budget (a learning-rate schedule depends on the
   length of training, so a shorter run is not a prefix of a longer one). The cost is
   ``K + 1`` full trainings (3). A single-fidelity (closed-form) forecaster is fitted
   once per candidate on all the fitting data; later rungs reuse that trial (marked
   ``reused``), so its search is a random search over 9 candidates. It is the first
   bracket of Hyperband (Li et al. 2018), the most aggressive one; one bracket keeps
   the budget fixed and equal.
3. **Validation.** Each candidate is fitted to the fitting part of the training
   trajectory and forecasts the validation windows of its held-out tail
   (:class:`chaosbench.numerics._validation.ValidationSplit`; the test windows are other
   trajectories and never reach the tuner). Every candidate of every rung is fitted with
   the same key (common random numbers: candidates differ in their hyperparameters only).
4. **Score.** The benchmark's headline metric (the registered metric with
   ``headline=True``: the valid prediction time), window by window in z-units, as
   :func:`chaosbench.numerics._evaluate.score_forecasts` scores test windows, and its
   median over the windows. A candidate whose fit or forecast raises, or whose
   validation forecasts turn non-finite or leave the training range by
   ``EXPLODE_FACTOR`` standard deviations (and, with ``Budget.free_run > 0``, whose free
   run of that many steps from the last validation context does), scores the metric's
   failure value (0): ``status`` is ``failed`` or ``diverged``, and the search goes on.
5. **Ranking.** By the score; ties (common when windows are censored at the validation
   horizon) by the mean over windows, then by the mean normalised error over the horizon
   (each step's error clipped at 1, i.e. twice the VPT threshold), then by draw order.

The result holds the chosen point (with the resource at the full budget), every trial,
the split and the wall time of the whole search (compilation included): a tuned cell's
fit time is this plus the final fit. :meth:`TuningResult.build` gives the chosen
forecaster, which the harness fits to the whole training trajectory as usual.

**References:**

- K. Jamieson, A. Talwalkar. Non-stochastic best arm identification and hyperparameter
  optimization. AISTATS 2016 (successive halving).
- L. Li, K. Jamieson, G. DeSalvo, A. Rostamizadeh, A. Talwalkar. Hyperband: a novel
  bandit-based approach to hyperparameter optimization. JMLR 18 (2018).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np

from ..base import _api
from ..base._cache import release_compiled_programs
from ..base._forecaster import AbstractForecaster
from ..base._metric import Metric, ScoringFacts
from ..base._precision import float64
from ..base._search import SearchSpace, check_search_space
from ._evaluate import blow_up_to_inf, diverged, forecast_windows, scoring_facts
from ._protocol import Protocol
from ._tuning import (
    DIVERGED,
    FAILED,
    OK,
    OVER_CAP,
    Budget,
    Problem,
    Trial,
    TuningResult,
    with_values,
)

ERROR_CLIP = 1.0


def headline_metric() -> Metric:
    """The registered headline metric (the valid prediction time)."""
    found = [_api.metrics.get(m) for m in _api.metrics.ids() if _api.metrics.get(m).headline]
    if not found:
        raise LookupError(
            "no headline metric is registered: load the plug-ins (chaosbench.load_plugins())"
        )
    return found[0]


def draw(space: SearchSpace, key: jax.Array, n: int) -> list[int]:
    """``min(n, space.size)`` distinct grid points, in the order a seeded draw without
    replacement gives them (the same key gives the same points)."""
    n = min(n, space.size)
    return [int(i) for i in jax.random.choice(key, space.size, (n,), replace=False)]


def _resolve(forecaster: str | type | AbstractForecaster) -> AbstractForecaster:
    if isinstance(forecaster, str):
        return _api.forecasters.get(forecaster)()
    if isinstance(forecaster, type):
        return forecaster()
    return forecaster


def _rank_key(trial: Trial, sign: float) -> tuple:
    """Higher is better: score, median, mean, then lower error, then earlier draw."""

    def value(x: float) -> float:
        return -math.inf if math.isnan(x) else sign * x

    err = math.inf if math.isnan(trial.error) else trial.error
    return (value(trial.score), value(trial.median), value(trial.mean), -err, -trial.candidate)


def _evaluate(base, values, key, data, metric, scoring, free_run, propagate):
    """Build ``base`` with ``values``, fit it to the fitting part and score its validation
    forecasts (``data``: fitting part, contexts, truths): ``(status, per-window headline,
    error, message, seconds)``; ``seconds`` is ``(fit, forecast)``: the fit's run time
    (compiled first, so without its compilation) and the wall time of the validation
    forecasts and the free run (NaN for a failed candidate)."""
    fit_train, contexts, truths = data
    horizon = truths.shape[1]
    # every candidate compiles its own programs: a search over five systems reached the
    # kernel's memory-map limit ("LLVM compilation error: Cannot allocate memory")
    release_compiled_programs()
    try:
        model = with_values(base, values)
        if contexts.shape[1] < model.min_context:
            raise ValueError(
                f"needs a context of {model.min_context} rows; validation gives {contexts.shape[1]}"
            )
        fit = eqx.filter_jit(model.fit).lower(key, fit_train).compile()
        began = time.perf_counter()
        fitted = jax.block_until_ready(fit(key, fit_train))
        fit_run = time.perf_counter() - began
        z = np.asarray(forecast_windows(model, fitted, contexts, horizon), dtype=float)
        long_ok = True
        if free_run > 0:
            run = forecast_windows(model, fitted, contexts[-1:], free_run)
            long_ok = not diverged(np.asarray(run, dtype=float))
        seconds = (fit_run, time.perf_counter() - began - fit_run)
    except propagate:
        raise
    except Exception as error:  # noqa: BLE001 - a failed candidate scores the failure value
        message = f"{type(error).__name__}: {error}".replace("\n", " ")[:500]
        return FAILED, None, math.nan, message, (math.nan, math.nan)
    windows = blow_up_to_inf(z)
    per_window = jax.vmap(metric.fn, in_axes=(0, 0, None))(windows, truths, scoring)
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.sqrt(np.mean((windows - np.asarray(truths)) ** 2, axis=-1))
    error = float(np.mean(np.minimum(np.nan_to_num(error, nan=ERROR_CLIP), ERROR_CLIP)))
    status = OK if long_ok and not diverged(z) else DIVERGED
    return status, np.asarray(per_window), error, "", seconds


def _resolve_space(base: AbstractForecaster, space: SearchSpace | None) -> SearchSpace:
    space = space if space is not None else type(base).search_space
    if space is None:
        raise ValueError(
            f"{type(base).__name__} declares no search_space: it cannot be tuned "
            "(see chaosbench.SearchSpace)"
        )
    check_search_space(type(base), space)
    return space


def _trial(base, values, key, problems, metric, budget, propagate, c, point, rung, resource,
           scale, cap):  # fmt: skip
    """Train one candidate on every problem and score it: on one problem the median over
    its validation windows; on several the median over problems of that median (``mean``
    and ``error``: their means over problems). A failure on any problem fails it.

    ``cell_seconds`` projects the candidate's cost at the full resource: its fit's run
    time scaled by ``scale`` (full resource over this rung's) plus the time of its
    validation forecasts and free run, the least over the problems (the first of a shape
    also pays for compiling the forecasts). With a ``cap`` (seconds), a candidate
    projected above it is ``over_cap`` and scores the failure value (:func:`tune_many`'s
    ``max_cell_seconds``)."""
    began = time.perf_counter()
    medians, means, errors, per_problem, costs = [], [], [], [], []
    status, message = OK, ""
    for problem in problems:
        data = (problem.fit_train, problem.contexts, problem.truths)
        outcome, scores, error, message, (fit_run, forecast) = _evaluate(
            base, values, key, data, metric, problem.scoring, budget.free_run, propagate
        )
        if outcome == FAILED:
            status, medians, means, errors = FAILED, [], [], []
            break
        status = DIVERGED if outcome == DIVERGED else status
        medians.append(float(np.median(scores)))
        means.append(float(np.mean(scores)))
        errors.append(error)
        per_problem.append(medians[-1])
        costs.append(fit_run * scale + forecast)
    median = float(np.median(medians)) if medians else math.nan
    cell_seconds = min(costs) if costs else math.nan
    if status != FAILED and cap is not None and cell_seconds > cap:
        status, message = OVER_CAP, f"projected {cell_seconds:.1f} s a cell > the cap {cap:g} s"
    return Trial(
        candidate=c,
        point=point,
        values=values,
        rung=rung,
        resource=resource,
        status=status,
        score=median if status == OK else float(metric.failure),
        median=median,
        mean=float(np.mean(means)) if means else math.nan,
        error=float(np.mean(errors)) if errors else math.nan,
        seconds=time.perf_counter() - began,
        message=message if status in (FAILED, OVER_CAP) else "",
        per_problem=tuple(per_problem) if len(problems) > 1 else (),
        cell_seconds=cell_seconds,
    )


def _halve(base, space, problems, key, budget, metric, propagate, cap=None):
    """Successive halving over ``budget.candidates`` drawn points: ``(best, trials)``.
    With a ``cap``, rung 0 admits only candidates projected within it (see
    :func:`_trial`)."""
    sign = 1.0 if metric.direction == "higher" else -1.0
    k_draw, k_fit = jax.random.split(key)
    points = draw(space, k_draw, budget.candidates)
    done: dict[tuple[int, int | None], Trial] = {}
    trials: list[Trial] = []
    survivors = list(range(len(points)))
    full = budget.full_resource(space)
    for rung, (n_keep, resource) in enumerate(budget.schedule(space)):
        scale = 1.0 if space.resource is None else full / resource
        survivors = survivors[:n_keep]
        results = []
        for c in survivors:
            values = space.point(points[c])
            if space.resource is not None:
                values[space.resource] = resource
            if (c, resource) in done:
                old = done[(c, resource)]
                trial = dataclasses.replace(old, rung=rung, seconds=0.0, reused=True)
            else:
                trial = _trial(
                    base, values, k_fit, problems, metric, budget, propagate,
                    c, points[c], rung, resource, scale, cap if rung == 0 else None,
                )  # fmt: skip
                done[(c, resource)] = trial
            trials.append(trial)
            results.append(trial)
        ranked = sorted(results, key=lambda t: _rank_key(t, sign), reverse=True)
        survivors = [t.candidate for t in ranked if t.status != OVER_CAP]
        if not survivors:
            raise ValueError(
                f"no candidate of {type(base).__name__}'s search space fits the cap of "
                f"{cap:g} s a cell (projected: "
                + ", ".join(f"{t.cell_seconds:.0f} s" for t in results)
                + "): raise the cap or add cheaper values to the space"
            )
    best = space.point(points[survivors[0]])
    if space.resource is not None:
        best[space.resource] = budget.full_resource(space)
    return best, trials


@float64
def tune(
    forecaster: str | type | AbstractForecaster,
    train: Any,
    key: jax.Array,
    *,
    context: int = Protocol.context,
    horizon: int | None = None,
    scoring: ScoringFacts | None = None,
    budget: Budget = Budget(),
    space: SearchSpace | None = None,
    metric: Metric | None = None,
    propagate: tuple[type[BaseException], ...] = (TimeoutError,),
) -> TuningResult:
    """Choose ``forecaster``'s hyperparameters for ``train`` (see the module docstring).

    **Arguments:**

    - `forecaster`: an id, a class or an instance (whose other hyperparameters are kept).
    - `train`: the z-scored training trajectory ``(time, dim)``, what ``fit`` receives.
    - `key`: the tuning key (the draw of candidates and every candidate's fit).
    - `context`, `horizon`: the validation windows' context rows and forecast steps (the
      protocol's; the horizon is capped at half the held-out tail).
    - `scoring`: the system's facts for the headline (``dt``, ``max_lyapunov``,
      ``period``; ``mean``/``std`` are ignored, the tuner scores in z-units); ``None``
      scores in steps (the same ranking).
    - `budget`: the candidates, η, the share of the declared budgets and the split (the
      same for every forecaster).
    - `space`: the search space (default: the class's ``search_space``).
    - `metric`: the selection score (default: the registered headline).
    - `propagate`: exceptions that end the search rather than fail a candidate (a
      cell's time limit).

    **Returns:** a :class:`TuningResult`.
    """
    problem = Problem.carve(train, context, horizon, scoring, budget)
    options = dict(budget=budget, space=space, metric=metric, propagate=propagate)
    return tune_many(forecaster, [problem], key, **options)


@float64
def tune_many(
    forecaster: str | type | AbstractForecaster,
    problems: Sequence[Problem],
    key: jax.Array,
    *,
    budget: Budget = Budget(),
    space: SearchSpace | None = None,
    metric: Metric | None = None,
    propagate: tuple[type[BaseException], ...] = (TimeoutError,),
    max_cell_seconds: float | None = None,
) -> TuningResult:
    """:func:`tune` with every candidate validated on several training trajectories
    (``problems``, e.g. the development systems of the `defaults` track) and ranked by
    the median over them of its median validation headline; each trial keeps the
    per-problem medians (``per_problem``). The result's ``split`` is the first
    problem's.

    ``max_cell_seconds`` (the `defaults` track's cost cap; tuned cells have none): rung 0
    admits only candidates whose projected cost at the full resource (``cell_seconds``:
    the fit's run time, without compilation, scaled from the rung's resource, plus the
    validation forecasts, the least over the problems) is within it; the others are
    ``over_cap`` and never promoted. A projection measures this machine, so a capped
    search is a recorded choice, not a function of its inputs. ``ValueError`` if no
    candidate fits."""
    start_time = time.perf_counter()
    base = _resolve(forecaster)
    space = _resolve_space(base, space)
    metric = metric or headline_metric()
    if not problems:
        raise ValueError("tune_many needs at least one problem")
    best, trials = _halve(
        base, space, list(problems), key, budget, metric, propagate, max_cell_seconds
    )
    return TuningResult(
        base=base,
        space=space,
        budget=budget,
        split=problems[0].split,
        best=best,
        trials=tuple(trials),
        seconds=time.perf_counter() - start_time,
    )


@float64
def tune_dataset(
    forecaster: str | type | AbstractForecaster,
    data: Any,
    facts: Mapping[str, Any],
    seed: int,
    *,
    budget: Budget = Budget(),
    **options: Any,
) -> TuningResult:
    """:func:`tune` on a :class:`chaosbench.Dataset`'s training trajectory alone (z-scored,
    as ``fit`` sees it), with the dataset's context and horizon, the system's facts and
    the key ``PRNGKey(seed)``: what a tuned cell runs before its final fit."""
    train = jnp.asarray(data.normalise(data.train))
    scoring = scoring_facts(data, facts)
    return tune(
        forecaster,
        train,
        jax.random.PRNGKey(seed),
        context=data.spec.context,
        horizon=data.spec.horizon,
        scoring=scoring,
        budget=budget,
        **options,
    )
