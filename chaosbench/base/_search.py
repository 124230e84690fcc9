"""Search spaces: the few decisive hyperparameters of a learned forecaster, and its budget.

A learned forecaster declares, as the class data ``search_space``, the candidate values
of its few decisive hyperparameters and the field that is its training budget (the
*resource* of successive halving: optimiser steps or training batches). The one tuner
(:mod:`chaosbench.numerics._tuner`) draws candidates from this grid and trains them at
rising fractions of the budget; every forecaster gets the same number of candidates and
the same schedule of fractions, so the comparison measures the methods, not the effort
spent on each.

```python
from chaosbench import SearchSpace

class MyModel(AbstractForecaster):
    width: int = eqx.field(default=32, static=True)
    learning_rate: float = 3e-3
    steps: int = eqx.field(default=1500, static=True)
    search_space = SearchSpace(
        {"width": (32, 64, 128), "learning_rate": (1e-3, 3e-3, 1e-2)},
        resource="steps",
        budget=27_000,
    )
```

A forecaster fitted in closed form (a ridge solve: ESN, NG-RC, linear AR, EDMD) has no
training length to cut: ``resource=None`` makes it *single-fidelity*, fitted once per
candidate on all the fitting data at every rung (a ridge fitted on a fraction of the data
would prefer a different ridge weight than the same model fitted on all of it, so a
cheaper partial fit would rank candidates by the wrong criterion).

Names and values are checked against the class by :func:`check_search_space`: every name
is a hyperparameter (a field the constructor takes), every value has the field's type.

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


class SearchSpaceError(ValueError):
    """A malformed search space, or one that names what its forecaster does not have."""


@dataclasses.dataclass(frozen=True, init=False)
class SearchSpace:
    """The candidate values of a forecaster's decisive hyperparameters and its budget.

    **Arguments:**

    - `values`: ``{hyperparameter: (candidate, ...)}``, each a non-empty tuple of values
      of the field's type (the grid is their product, in the declared order).
    - `resource`: the field that is the training budget (``"train_steps"``,
      ``"steps"``), or ``None`` for a single-fidelity (closed-form) forecaster.
    - `budget`: the full budget, the resource's value at the last rung (e.g. the
      authors' training length); ``None`` exactly when `resource` is ``None``.
    - `multiple`: every rung's resource is rounded to a multiple of this (a model that
      scores checkpoints every 100 batches trains a multiple of 100); `budget` must be
      one.

    The axes are kept as a tuple of ``(name, values)`` pairs (``axes``), so a space is
    hashable and compares by value.
    """

    axes: tuple[tuple[str, tuple[Any, ...]], ...]
    resource: str | None
    budget: int | None
    multiple: int

    def __init__(
        self,
        values: Mapping[str, tuple[Any, ...]],
        *,
        resource: str | None = None,
        budget: int | None = None,
        multiple: int = 1,
    ):
        axes = []
        for name, options in dict(values).items():
            if not isinstance(options, tuple) or not options:
                raise SearchSpaceError(
                    f"search-space axis {name!r} must be a non-empty tuple of candidate "
                    f"values, got {options!r}"
                )
            if len(set(map(repr, options))) != len(options):
                raise SearchSpaceError(f"search-space axis {name!r} repeats a value: {options}")
            axes.append((name, options))
        if not axes:
            raise SearchSpaceError("a search space needs at least one axis")
        if (resource is None) != (budget is None):
            raise SearchSpaceError(
                "give both `resource` (the field that is the training budget) and `budget` "
                "(its full value), or neither (a single-fidelity forecaster)"
            )
        if resource is not None:
            if resource in dict(axes):
                raise SearchSpaceError(f"the resource {resource!r} cannot also be an axis")
            if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
                raise SearchSpaceError(f"budget must be a positive int, got {budget!r}")
        if isinstance(multiple, bool) or not isinstance(multiple, int) or multiple < 1:
            raise SearchSpaceError(f"multiple must be a positive int, got {multiple!r}")
        if budget is not None and budget % multiple:
            raise SearchSpaceError(f"the budget {budget} is not a multiple of {multiple}")
        object.__setattr__(self, "axes", tuple(axes))
        object.__setattr__(self, "resource", resource)
        object.__setattr__(self, "budget", budget)
        object.__setattr__(self, "multiple", multiple)

    @property
    def values(self) -> dict[str, tuple[Any, ...]]:
        """The axes as a dict ``{name: candidates}``."""
        return dict(self.axes)

    @property
    def names(self) -> tuple[str, ...]:
        """The hyperparameters searched, in declared order (not the resource)."""
        return tuple(name for name, _ in self.axes)

    @property
    def size(self) -> int:
        """The number of points of the grid."""
        return math.prod(len(options) for _, options in self.axes)

    def point(self, index: int) -> dict[str, Any]:
        """Grid point ``index`` (``0 ≤ index < size``; mixed radix, last axis fastest)."""
        if not 0 <= index < self.size:
            raise IndexError(f"grid point {index} of a space of {self.size}")
        chosen = {}
        for name, options in reversed(self.axes):
            index, digit = divmod(index, len(options))
            chosen[name] = options[digit]
        return {name: chosen[name] for name in self.names}

    def rung_resource(self, share: float) -> int | None:
        """The resource at ``share`` of the budget: rounded to the nearest multiple of
        ``multiple`` (at least one); ``None`` for a single-fidelity space."""
        if self.resource is None:
            return None
        return self.multiple * max(1, round(self.budget * share / self.multiple))

    def with_budget(self, budget: int) -> SearchSpace:
        """The same space with another full budget (a cheaper search for tests and
        smoke runs; the benchmark uses the declared one)."""
        if self.resource is None:
            raise SearchSpaceError("a single-fidelity space has no budget to change")
        return SearchSpace(
            self.values, resource=self.resource, budget=budget, multiple=self.multiple
        )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able record: ``{"values": {...}, "resource": ..., "budget": ...}``."""
        return {
            "values": {name: list(options) for name, options in self.axes},
            "resource": self.resource,
            "budget": self.budget,
            "multiple": self.multiple,
        }


def check_search_space(cls: type, space: SearchSpace | None = None) -> None:
    """Refuse a search space that names a hyperparameter ``cls`` does not have, or holds
    a value its constructor refuses. ``space`` defaults to ``cls.search_space``.

    Every axis and the resource must be a dataclass field the constructor takes; every
    candidate value must have that field's type (checked by building ``cls`` with each
    value alone, so a ``__post_init__`` check applies too, and by comparing its type with
    the default's: an ``int`` where a ``float`` is declared is refused, since it would
    give a different run id from the same value written as a float).
    """
    space = space if space is not None else getattr(cls, "search_space", None)
    if space is None:
        return
    if not isinstance(space, SearchSpace):
        raise SearchSpaceError(
            f"{cls.__name__}.search_space must be a chaosbench.SearchSpace, got {space!r}"
        )
    fields = [f.name for f in dataclasses.fields(cls) if f.init]
    names = list(space.names) + ([space.resource] if space.resource else [])
    unknown = [name for name in names if name not in fields]
    if unknown:
        raise SearchSpaceError(
            f"{cls.__name__}.search_space names {', '.join(map(repr, unknown))}, not "
            f"hyperparameters of the class; its hyperparameters: {', '.join(fields)}"
        )
    defaults = cls()
    trials = [(name, value) for name, options in space.axes for value in options]
    if space.resource:
        trials.append((space.resource, space.budget))
    for name, value in trials:
        default = getattr(defaults, name)
        if default is not None and not _same_kind(value, default):
            raise SearchSpaceError(
                f"{cls.__name__}.search_space gives {name}={value!r} "
                f"({type(value).__name__}); the field holds {type(default).__name__}"
            )
        try:
            cls(**{name: value})
        except Exception as error:  # noqa: BLE001 - reported with the value
            raise SearchSpaceError(
                f"{cls.__name__} refuses {name}={value!r} from its search space: "
                f"{type(error).__name__}: {error}"
            ) from error


def _same_kind(value: Any, default: Any) -> bool:
    """Whether ``value`` has the type of ``default`` (tuples element by element)."""
    if isinstance(default, tuple):
        return isinstance(value, tuple) and (
            not default or all(_same_kind(v, default[0]) for v in value)
        )
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    return type(value) is type(default) or (isinstance(default, float) and isinstance(value, float))
