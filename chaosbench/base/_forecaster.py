"""The forecaster protocol.

A forecaster is a registered, versioned, functional object: hyperparameters are its
fields; ``fit(key, train) -> fitted`` learns from a (z-scored) training trajectory and
returns a pytree; ``forecast(fitted, context, steps) -> trajectory`` rolls out
autoregressively from a context window. Both must be jittable: the evaluator wraps them
in ``eqx.filter_jit`` and ``jax.vmap`` (over seeds for ``fit`` when ``vmappable_fit``,
over test windows for ``forecast``).

A forecaster with a recurrent hidden state (a reservoir, an RNN, an SSM in recurrent
form) may also define the optional *state API*:

- ``start(fitted, context) -> state``: read the context ``(time, dim)``; return the model's
  whole state, a pytree of floating arrays;
- ``advance(fitted, state, steps) -> (state, outputs)``: continue ``steps`` (static)
  steps closed loop; the new state and the outputs ``(steps, dim)``;

with ``forecast(fitted, context, steps) == advance(fitted, start(fitted, context),
steps)[1]`` and a state that holds everything the future depends on (advancing ``a`` then
``b`` steps continues advancing ``a + b``). The Lyapunov metric then perturbs that state
instead of re-reading a context every segment (:mod:`chaosbench.numerics._two_trajectory`);
the conformance tests check the contract. Define both or neither.
"""

from __future__ import annotations

import abc
import inspect
from typing import Any, ClassVar

import equinox as eqx

from ._search import SearchSpace
from ._types import Key, Trajectory

_REQUIRED = {
    "fit": ("key", "train"),
    "forecast": ("fitted", "context", "steps"),
}


class MalformedForecasterError(TypeError):
    """Raised when a registered forecaster does not follow the protocol."""


class AbstractForecaster(eqx.Module):
    """Base class of forecasters.

    Class data: ``min_context`` (fewest context steps ``forecast`` accepts; may also be a
    property computed from hyperparameters), ``min_observed`` (fewest observed coordinates
    ``fit`` and ``forecast`` accept: a method that needs several variables says 2, and is
    refused one-variable tasks by name instead of failing), ``max_observed`` (most observed
    coordinates it accepts, ``None``: any; a pretrained model of fixed dimension),
    ``zero_shot`` (pretrained: ``fit`` learns nothing from the system, ``forecast`` reads
    the context alone; its rows are the zero-shot track) with ``pretraining_systems`` (the
    system names of its training corpus, flagged in the tables), ``vmappable_fit`` (the
    seeds of a group train in one program, ``fit`` ``jax.vmap``-ed over their keys and
    datasets, :func:`chaosbench.numerics._evaluate.fit_slots`: set by the forecasters
    whose training is many small steps, measured faster so; off by default, a seed then
    fits on its own),
    ``smoke_hyperparameters`` (overrides that make a cheap instance — e.g. few training
    steps — for the fast conformance tests; the benchmark always uses the defaults) and
    ``search_space`` (a learned forecaster's decisive hyperparameters and training budget,
    a :class:`chaosbench.SearchSpace`, for the one tuner; ``None``: not tuned).
    """

    min_context: ClassVar[int] = 1
    min_observed: ClassVar[int] = 1
    max_observed: ClassVar[int | None] = None
    zero_shot: ClassVar[bool] = False
    pretraining_systems: ClassVar[tuple[str, ...]] = ()
    vmappable_fit: ClassVar[bool] = False
    smoke_hyperparameters: ClassVar[dict[str, Any]] = {}
    search_space: ClassVar[SearchSpace | None] = None
    id: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()

    def unavailable(self) -> str | None:
        """Why this forecaster cannot run on this machine (e.g. a pretrained weights file
        that is not there), naming the fix; ``None``: it can. A cell of an unavailable
        forecaster is refused by name, not failed."""
        return None

    @abc.abstractmethod
    def fit(self, key: Key, train: Trajectory) -> Any:
        """Learn from ``train`` ``(time, dim)``; return the fitted state (a pytree)."""

    @abc.abstractmethod
    def forecast(self, fitted: Any, context: Trajectory, steps: int) -> Trajectory:
        """Continue ``context`` ``(time, dim)`` for ``steps`` steps: ``(steps, dim)``."""


_STATE_API = {"start": ("fitted", "context"), "advance": ("fitted", "state", "steps")}


def has_state(forecaster: Any) -> bool:
    """Whether a forecaster (class or instance) defines the optional state API
    (``start`` and ``advance``, see the module docstring)."""
    return all(callable(getattr(forecaster, name, None)) for name in _STATE_API)


def check_forecaster(id_: str, cls: Any) -> None:
    """Refuse a malformed forecaster class with a message naming what is missing."""
    if not isinstance(cls, type):
        raise MalformedForecasterError(
            f"forecaster {id_!r} must be a class (an eqx.Module subclassing "
            f"chaosbench.AbstractForecaster), got {type(cls).__name__}"
        )
    problems = []
    for method, params in _REQUIRED.items():
        fn = getattr(cls, method, None)
        if fn is None or not callable(fn):
            problems.append(f"missing method {method}(self, {', '.join(params)})")
            continue
        if getattr(fn, "__isabstractmethod__", False):
            problems.append(f"method {method} is still abstract: implement it")
            continue
        names = [p for p in inspect.signature(fn).parameters if p != "self"]
        if len(names) < len(params):
            problems.append(
                f"method {method} takes ({', '.join(names)}); it must take ({', '.join(params)})"
            )
    defined = [name for name in _STATE_API if callable(getattr(cls, name, None))]
    if len(defined) == 1:
        missing = next(name for name in _STATE_API if name not in defined)
        problems.append(
            f"defines {defined[0]} but not {missing}({', '.join(_STATE_API[missing])}): the "
            "optional state API needs both (or neither)"
        )
    for name in defined if len(defined) == 2 else ():
        params = _STATE_API[name]
        names = [p for p in inspect.signature(getattr(cls, name)).parameters if p != "self"]
        if len(names) < len(params):
            problems.append(
                f"method {name} takes ({', '.join(names)}); it must take ({', '.join(params)})"
            )
    if problems:
        raise MalformedForecasterError(
            f"forecaster {id_!r} ({cls.__name__}) is malformed: "
            + "; ".join(problems)
            + ". See CONTRIBUTING.md, 'Submitting a forecaster'."
        )
    try:
        cls()
    except Exception as error:  # noqa: BLE001 - reported with the fix
        raise MalformedForecasterError(
            f"forecaster {id_!r} ({cls.__name__}) cannot be built with its defaults "
            f"({type(error).__name__}: {error}); give every hyperparameter a default"
        ) from error
