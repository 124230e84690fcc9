"""Tasks: points of a grid of data regimes, named in suite files and rows.

A task is one point of a grid of four axes (DESIGN.md, "The benchmark protocol"):

- **training length**, in steps (``train=1000``) or in Lyapunov times (``train=50lyap``,
  resolved per system: ``round(50 / (Δ · λ_max))`` steps);
- **observation noise** (``noise=0.05``, or ``noise=5%``): Gaussian noise of that fraction
  of each observed coordinate's std, added to the training data and to the test windows'
  contexts only; the truths the forecasts are scored against (the windows' horizons and
  the long run) stay clean (:mod:`chaosbench.numerics._dataset`);
- **observed variables** (``observe=all`` or ``observe=one``): with ``one`` the forecaster
  sees, and predicts, a single coordinate, chosen by :func:`observed_coordinate`, and
  every score uses it alone;
- **context length** of the test windows, in steps (``context=1700``) or in dominant
  periods (``context=17periods``, resolved per system); by default the protocol's
  (:attr:`chaosbench.numerics._protocol.Protocol.context`, 500 steps: 5 periods wherever
  a period is at most 5 Lyapunov times).

A grid point is written as ``key=value`` pairs joined by commas, e.g.
``train=50lyap,noise=0.05,observe=one,context=17periods`` (or, in a suite file, as a TOML
table with the same keys). Keys left out take the defaults: rich's 10,000 training steps,
no noise, every coordinate, the protocol's context. :func:`get_task` parses one;
:func:`task_name` gives its canonical name (keys in the order above, defaults left out,
and a point equal to a named one given by that name), which rows carry in ``task``.
``rich``, ``limited`` and ``noisy`` are named points (:data:`TASKS`): ``rich`` is
``train=10000``, ``limited`` ``train=1000``, ``noisy`` ``train=10000,noise=0.05``.

**The observed coordinate** of a one-variable task (:func:`observed_coordinate`) is the
first coordinate of the system's state, in the order its equations are written, that is
not a phase (a forcing clock or a torus angle, observed as ``sin θ``, whose motion is
regular, not the chaos) and that varies on the attractor (its std in the facts is
positive): ``x`` of Lorenz-63 and of Rössler. The rule needs no data and no model, so it
cannot be tuned to favour a method, and every seed and task of a system observes the same
coordinate. A change of the rule changes the numbers: bump :data:`OBSERVE_VERSION`, which
every one-variable task's identity holds.

**Identity.** :meth:`Task.identity` is what a run id hashes: the fields of the task, those
of the axes added with the grid (``train_lyap``, ``observe``, ``context``,
``context_periods``) only where they differ from their defaults, so that the named points
keep the identities (and rows) they had before the grid existed. A point stated in
Lyapunov times or periods resolves through the system's facts, which the run id hashes
already (their key).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from collections.abc import Mapping
from typing import Any

DEFAULT_TRAIN = 10_000  # rich's training length, in steps
OBSERVE = ("all", "one")
OBSERVE_VERSION = 1
"""Version of the one-variable rules: the choice of the coordinate
(:func:`observed_coordinate`) and its truth floors
(:mod:`chaosbench.catalogue._coordinate_floors`). Bump it when either changes."""
KEYS = ("train", "noise", "observe", "context")
FORMS = {
    "train": "steps (1000) or Lyapunov times (50lyap)",
    "noise": "a fraction of each coordinate's std (0.05, or 5%)",
    "observe": "all or one",
    "context": "steps (1700) or dominant periods (17periods)",
}
EXAMPLE = "train=50lyap,noise=0.05,observe=one,context=17periods"


class TaskError(ValueError):
    """A malformed or unknown task (the message lists the named points and the keys)."""


@dataclasses.dataclass(frozen=True)
class Task:
    """A point of the task grid (see the module docstring).

    **Arguments:**

    - `name`: its name (canonical for a grid point: :func:`task_name`).
    - `n_train`: training length in steps; or
    - `train_lyap`: training length in Lyapunov times (resolved per system).
    - `noise`: observation-noise std as a fraction of each observed coordinate's std, on
      the training data and the contexts only (the truths stay clean).
    - `observe`: ``"all"`` coordinates, or ``"one"`` (:func:`observed_coordinate`).
    - `context`: context length in steps; or `context_periods`: in dominant periods;
      neither: the protocol's.
    """

    name: str
    n_train: int | None = None
    noise: float = 0.0
    train_lyap: float | None = None
    observe: str = "all"
    context: int | None = None
    context_periods: float | None = None

    def __post_init__(self):
        if (self.n_train is None) == (self.train_lyap is None):
            raise TaskError(f"task {self.name!r}: give the training length in steps or in t_λ")
        if self.n_train is not None and not (isinstance(self.n_train, int) and self.n_train > 1):
            raise TaskError(f"task {self.name!r}: n_train must be an integer > 1")
        if self.train_lyap is not None and not self.train_lyap > 0:
            raise TaskError(f"task {self.name!r}: train_lyap must be positive")
        if not (math.isfinite(self.noise) and self.noise >= 0):
            raise TaskError(f"task {self.name!r}: noise must be a non-negative fraction")
        if self.observe not in OBSERVE:
            raise TaskError(f"task {self.name!r}: observe is one of {OBSERVE}")
        if self.context is not None and self.context_periods is not None:
            raise TaskError(f"task {self.name!r}: give the context in steps or in periods")
        if self.context is not None and not (isinstance(self.context, int) and self.context > 0):
            raise TaskError(f"task {self.name!r}: context must be a positive integer")
        if self.context_periods is not None and not self.context_periods > 0:
            raise TaskError(f"task {self.name!r}: context_periods must be positive")

    def identity(self) -> dict[str, Any]:
        """What a run id hashes of this task (see the module docstring): the named points'
        identities are those of the three-field tasks before the grid."""
        out: dict[str, Any] = {"name": self.name, "n_train": self.n_train, "noise": self.noise}
        if self.train_lyap is not None:
            out["train_lyap"] = self.train_lyap
        if self.observe != "all":
            out["observe"] = self.observe
            out["observe_version"] = OBSERVE_VERSION
        if self.context is not None:
            out["context"] = self.context
        if self.context_periods is not None:
            out["context_periods"] = self.context_periods
        return out

    def point(self) -> tuple:
        """The grid point, without the name (two tasks at one point are the same task)."""
        return dataclasses.astuple(self)[1:]


TASKS: dict[str, Task] = {
    "rich": Task("rich", 10_000),
    "limited": Task("limited", 1_000),
    "noisy": Task("noisy", 10_000, noise=0.05),
}


@dataclasses.dataclass(frozen=True)
class ResolvedTask:
    """A task resolved for one system: every axis in steps and in the system's units.

    **Arguments:** `task`; `n_train` steps and `train_lyap` Lyapunov times of training;
    `noise`; `observed` the observed coordinates (``None``: all); `context` steps and
    `context_periods` dominant periods of context.
    """

    task: Task
    n_train: int
    train_lyap: float
    noise: float
    observed: tuple[int, ...] | None
    context: int
    context_periods: float

    def columns(self) -> dict[str, Any]:
        """The row's columns that state the resolved task (diagnostics: functions of the
        task, the system's facts and the protocol, all in the run id)."""
        observed = "all" if self.observed is None else ",".join(map(str, self.observed))
        return {
            "task_train_steps": self.n_train,
            "task_train_lyap": self.train_lyap,
            "task_noise": self.noise,
            "task_observed": observed,
            "task_context_steps": self.context,
            "task_context_periods": self.context_periods,
        }


TASK_COLUMNS = (
    "task_train_steps",
    "task_train_lyap",
    "task_noise",
    "task_observed",
    "task_context_steps",
    "task_context_periods",
)
"""The columns of :meth:`ResolvedTask.columns`."""


def observed_coordinate(facts: Mapping[str, Any]) -> int:
    """The coordinate a one-variable task observes (see the module docstring): the first
    state coordinate that is not a phase and has a positive std on the attractor."""
    phases = set(facts.get("phase_indices") or ())
    std = facts.get("std") or []
    dimension = int(facts.get("dimension") or len(std))
    for k in range(dimension):
        if k not in phases and (k >= len(std) or std[k] > 0):
            return k
    system = facts.get("id", "the system")
    raise TaskError(f"{system} has no coordinate that a one-variable task can observe")


def resolve(task: Task, facts: Mapping[str, Any], dt: float, default_context: int) -> ResolvedTask:
    """``task`` for the system of ``facts`` sampled at ``dt`` (the protocol's Δ)."""
    lam, period = float(facts["max_lyapunov"]), float(facts["period"])
    if task.train_lyap is not None and not lam > 0:
        raise TaskError(f"task {task.name!r} states its training in t_λ; λ_max is {lam:g}")
    steps_per_lyap = 1.0 / (dt * lam) if lam > 0 else math.nan
    n_train = task.n_train or max(2, round(task.train_lyap * steps_per_lyap))
    if task.context is not None:
        context = task.context
    elif task.context_periods is not None:
        context = max(1, round(task.context_periods * period / dt))
    else:
        context = default_context
    observed = None if task.observe == "all" else (observed_coordinate(facts),)
    return ResolvedTask(
        task=task,
        n_train=int(n_train),
        train_lyap=float(n_train * dt * lam),
        noise=float(task.noise),
        observed=observed,
        context=int(context),
        context_periods=float(context * dt / period),
    )


def refusal(forecaster: Any, resolved: ResolvedTask, dimension: int | None = None) -> str | None:
    """Why ``forecaster`` cannot take ``resolved`` (``None``: it can): it is unavailable
    on this machine (:meth:`chaosbench.AbstractForecaster.unavailable`), a context shorter
    than its ``min_context``, fewer observed coordinates than its ``min_observed`` or
    more than its ``max_observed`` (``dimension``: the system's observed dimension, for a
    task that observes every coordinate)."""
    name = getattr(forecaster, "id", "") or type(forecaster).__name__
    where = f"task {resolved.task.name}"
    unavailable = getattr(forecaster, "unavailable", None)
    reason = unavailable() if callable(unavailable) else None
    if reason is not None:
        return f"{name} is unavailable: {reason}"
    if forecaster.min_context > resolved.context:
        return (
            f"{name} needs a context of at least {forecaster.min_context} steps; {where} "
            f"gives {resolved.context} ({resolved.context_periods:.3g} periods)"
        )
    observed = resolved.observed
    needed = getattr(forecaster, "min_observed", 1)
    if observed is not None and len(observed) < needed:
        return (
            f"{name} needs at least {needed} observed variables; {where} observes {len(observed)}"
        )
    seen = len(observed) if observed is not None else dimension
    most = getattr(forecaster, "max_observed", None)
    if most is not None and seen is not None and seen > most:
        return f"{name} takes at most {most} observed variables; {where} observes {seen}"
    return None


# --------------------------------------------------------------------------- names


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _fmt(value: float) -> str:
    return f"{value:g}"


def _malformed(text: str, why: str) -> TaskError:
    return TaskError(
        f"malformed task {text!r}: {why}. A task is a named point ({', '.join(TASKS)}) or "
        f"key=value pairs joined by commas, with the keys "
        + "; ".join(f"{k} ({v})" for k, v in FORMS.items())
        + f"; e.g. {EXAMPLE}"
    )


def _length(text: str, value: Any, key: str, unit: str) -> tuple[int | None, float | None]:
    """A length in steps (an integer, or ``<n>steps``) or in ``unit`` (``<x><unit>``)."""
    raw = str(value).strip().lower().replace(" ", "")
    try:
        if raw.endswith(unit):
            return None, _number(raw[: -len(unit)])
        steps = raw.removesuffix("steps")
        if not re.fullmatch(r"\d+", steps):
            raise ValueError(raw)
        return int(steps), None
    except ValueError:
        raise _malformed(text, f"{key}={value} is not {FORMS[key]}") from None


def _from_pairs(text: str, pairs: Mapping[str, Any]) -> Task:
    for key in pairs:
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise _malformed(text, f"unknown key {key!r}{hint}")
    n_train, train_lyap = DEFAULT_TRAIN, None
    if "train" in pairs:
        n_train, train_lyap = _length(text, pairs["train"], "train", "lyap")
    noise = pairs.get("noise", 0.0)
    try:
        raw = str(noise).strip()
        noise = _number(raw[:-1]) / 100 if raw.endswith("%") else _number(raw)
    except ValueError:
        raise _malformed(text, f"noise={pairs['noise']} is not {FORMS['noise']}") from None
    observe = str(pairs.get("observe", "all")).strip().lower()
    context, periods = None, None
    if "context" in pairs:
        context, periods = _length(text, pairs["context"], "context", "periods")
    try:
        task = Task("", n_train, noise, train_lyap, observe, context, periods)
    except TaskError as error:
        raise _malformed(text, str(error).split(": ", 1)[-1]) from None
    return dataclasses.replace(task, name=task_name(task))


def task_name(task: Task) -> str:
    """The canonical name of ``task``'s grid point: a named point's name, else its
    ``key=value`` pairs in the order train, noise, observe, context, defaults left out."""
    for named in TASKS.values():
        if named.point() == task.point():
            return named.name
    parts = [f"train={_fmt(task.train_lyap)}lyap" if task.train_lyap else f"train={task.n_train}"]
    if task.noise:
        parts.append(f"noise={_fmt(task.noise)}")
    if task.observe != "all":
        parts.append(f"observe={task.observe}")
    if task.context is not None:
        parts.append(f"context={task.context}")
    if task.context_periods is not None:
        parts.append(f"context={_fmt(task.context_periods)}periods")
    return ",".join(parts)


def get_task(entry: str | Mapping[str, Any] | Task) -> Task:
    """The task ``entry`` names: a named point (``"rich"``), a grid point as text
    (``"train=50lyap,noise=0.05"``) or as a mapping of the same keys (a TOML table), or a
    :class:`Task`; :class:`TaskError` (listing the valid forms) for anything else."""
    if isinstance(entry, Task):
        return entry
    if isinstance(entry, Mapping):
        return _from_pairs(str(dict(entry)), {str(k).strip(): v for k, v in entry.items()})
    if not isinstance(entry, str) or not entry.strip():
        raise _malformed(str(entry), "a task is a non-empty string or table")
    text = entry.strip()
    if text in TASKS:
        return TASKS[text]
    if "=" not in text:
        close = difflib.get_close_matches(text, TASKS, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise TaskError(
            f"unknown task {text!r}; known tasks: {', '.join(TASKS)}{hint}, or a point of "
            "the task grid: key=value pairs joined by commas, with the keys "
            + "; ".join(f"{k} ({v})" for k, v in FORMS.items())
            + f"; e.g. {EXAMPLE}"
        )
    pairs: dict[str, str] = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            what = repr(item.strip()) if item.strip() else "an empty item"
            raise _malformed(text, f"{what} is not key=value")
        if key.strip() in pairs:
            raise _malformed(text, f"key {key.strip()!r} is given twice")
        pairs[key.strip()] = value.strip()
    return _from_pairs(text, pairs)


def is_task(entry: Any) -> bool:
    """Whether ``entry`` names a task (:func:`get_task` would accept it)."""
    try:
        get_task(entry)
    except TaskError:
        return False
    return True
