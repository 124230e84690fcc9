"""The tuner's validation split, carved from the training trajectory alone.

The tuner (:mod:`chaosbench.numerics._tuner`) receives only the training trajectory; the
test windows and the long run are other trajectories of the dataset, drawn from their own
starts (protocol v5), and never reach it. It splits the training trajectory in time:

```
train:  [0 ........................ fit_stop) [fit_stop ............. n_train)
         fitting part: every candidate's fit     held-out tail (`fraction` of it)
                         [context][---- horizon ----]      one validation window
```

- the first ``1 − fraction`` of the rows fit every candidate;
- the held-out tail, the last ``fraction`` of the rows, holds the forecast targets of
  ``windows`` validation windows, whose forecasts start at ``starts`` (spread evenly from
  ``fit_stop`` to ``n_train − horizon``) and run ``horizon`` steps;
- a window's context is the ``context`` rows before its start. It may reach back into the
  fitting part: a context is what a forecaster reads, never what it is fitted to, and the
  ``limited`` task's tail (200 rows) is shorter than the protocol's 500-row context. No
  forecast target lies in the fitting part.

The horizon is the protocol's (``horizon``, if given), capped at half the tail so that the
windows start at different phases of the orbit (rich task: a 2,000-row tail, horizons of
at most 1,000 steps; limited task: 200 rows, 100 steps). On the noisy task the training
trajectory is noisy and so are the validation targets: the tuner sees what a forecaster
may see, nothing cleaner.
"""

from __future__ import annotations

import dataclasses

import numpy as np

VALIDATION_FRACTION = 0.2
VALIDATION_WINDOWS = 5


class ValidationSplitError(ValueError):
    """A training trajectory too short for the validation split."""


@dataclasses.dataclass(frozen=True)
class ValidationSplit:
    """Where the fitting part ends and the validation windows lie, in training rows.

    **Arguments:**

    - `n_train`: rows of the training trajectory.
    - `fit_stop`: the fitting part is ``train[:fit_stop]``.
    - `context`: rows of context before each window's first forecast step.
    - `horizon`: forecast steps of each window.
    - `starts`: each window's first forecast row; its context is
      ``train[start − context : start]``, its truth ``train[start : start + horizon]``.
    """

    n_train: int
    fit_stop: int
    context: int
    horizon: int
    starts: tuple[int, ...]

    @classmethod
    def carve(
        cls,
        n_train: int,
        context: int,
        horizon: int | None = None,
        *,
        fraction: float = VALIDATION_FRACTION,
        windows: int = VALIDATION_WINDOWS,
    ) -> ValidationSplit:
        """The split of a training trajectory of ``n_train`` rows (see the module
        docstring): the last ``fraction`` of the rows are held out; ``windows`` windows of
        ``context`` rows and ``min(horizon, tail // 2)`` steps forecast into the tail."""
        if not 0 < fraction < 1:
            raise ValidationSplitError(
                f"the validation fraction must lie in (0, 1), not {fraction}"
            )
        if windows < 1 or context < 1:
            raise ValidationSplitError("the split needs at least one window and one context row")
        tail = int(round(n_train * fraction))
        fit_stop = n_train - tail
        steps = tail // 2 if horizon is None else min(int(horizon), tail // 2)
        if steps < 1 or fit_stop < context:
            raise ValidationSplitError(
                f"a training trajectory of {n_train} rows is too short for a validation "
                f"split of its last {fraction:.0%} with {context}-row contexts"
            )
        starts = np.linspace(fit_stop, n_train - steps, windows).round().astype(int)
        return cls(n_train, fit_stop, int(context), int(steps), tuple(int(s) for s in starts))

    def fit_part(self, train: np.ndarray) -> np.ndarray:
        """The rows every candidate is fitted to: ``train[:fit_stop]``."""
        self._check(train)
        return train[: self.fit_stop]

    def contexts(self, train: np.ndarray) -> np.ndarray:
        """The windows' contexts ``(windows, context, dim)``."""
        self._check(train)
        return np.stack([train[s - self.context : s] for s in self.starts])

    def truths(self, train: np.ndarray) -> np.ndarray:
        """The windows' forecast targets ``(windows, horizon, dim)``."""
        self._check(train)
        return np.stack([train[s : s + self.horizon] for s in self.starts])

    def target_rows(self) -> np.ndarray:
        """The training rows that are forecast targets (sorted, unique); all lie in
        ``[fit_stop, n_train)``."""
        rows = [np.arange(s, s + self.horizon) for s in self.starts]
        return np.unique(np.concatenate(rows))

    def as_dict(self) -> dict:
        """A JSON-able record of the split."""
        return dataclasses.asdict(self) | {"starts": list(self.starts)}

    def _check(self, train: np.ndarray) -> None:
        if train.shape[0] != self.n_train:
            raise ValidationSplitError(
                f"this split is of {self.n_train} training rows, not {train.shape[0]}"
            )
