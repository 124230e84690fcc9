"""Tuned cells: ``tuned(<spec>)`` chooses its hyperparameters per cell with the one tuner.

A tuned spec (``tuned(mamba)``, ``tuned(esn:size=1000)``: :mod:`chaosbench.base._spec`) is
a forecaster of its own in the rows and tables. Each of its cells (system, task, seed)
runs :func:`chaosbench.tune_dataset` on the cell's training trajectory alone (a validation
split carved from it; the test windows never reach the tuner), then fits the chosen
forecaster to the whole training trajectory and scores it exactly as a plain cell
(:func:`chaosbench.numerics._evaluate.score`). Its row:

- ``hyperparameters``: every field of the chosen forecaster;
- ``fit_seconds``: the whole search plus the final fit (``tuning_seconds``: the search);
- ``tuning``: the tuner's record (JSON: choice, space, budget, schedule, split, every
  trial), without wall times, so that a row stays a function of its run id.

Its run id hashes, beside what a plain cell's hashes (the base spec's hyperparameters and
the forecaster's code), the tuner's version, the budget and the search space
(:func:`tuning_identity`). Every tuned cell uses :data:`TUNING_BUDGET`, the default
:class:`chaosbench.Budget` (the same for every forecaster; a different budget is a
change of this constant, which changes every tuned run id). The cell's time limit
(``--timeout``) covers the whole search: when it fires, the search ends and the cell is a
``timeout`` row (it never counts as a failed candidate).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..base._forecaster import AbstractForecaster
from ..base._metric import Metric
from ..numerics._dataset import Dataset
from ..numerics._evaluate import score
from ..numerics._protocol import Protocol
from ..numerics._tuner import tune_dataset
from ..numerics._tuning import TUNER_VERSION, Budget

TUNING_BUDGET = Budget(divisor=27, free_run=Protocol.n_long)
"""The budget of every tuned cell and of the `defaults` track's choice (the same for every
forecaster): 9 candidates, η = 3, a free run of the protocol's long-run length (50,000
steps) from the last validation context that must stay bounded (a candidate whose run
diverges scores 0: the benchmark scores long runs too, and without this screen the
defaults choice took an ESN with ridge 1e-12 whose free runs diverged on Rössler,
hyper-Rössler and Lorenz-96 in all 9 cells of the default suite), and a full resource of
1/27 of each space's declared
budget (the authors' training lengths: AL-RNN 100,000 batches → 3,700; shPLRNN 250,000 →
9,300; the sequence models and the neural ODE 27,000 steps → 1,000). Measured on this
2-core CPU (the default suite's v5 fit times at the defaults' lengths), successive
halving at the declared budgets costs three full trainings per cell: about 1,500 s for
the AL-RNN, 4,400 s for the shPLRNN and 3,100 s for Mamba at width 32, some 12,000 s a
cell for the gradient-trained models together, i.e. 800 CPU hours for the `tuned` track
on `core` × 3 seeds. At 1/27 the same search costs about 1/27 of that. ``divisor=1``
(a change of this constant, which changes every tuned run id) runs the authors'
lengths where the hardware allows."""


def tuning_identity(cls: type, budget: Budget = TUNING_BUDGET) -> dict[str, Any]:
    """What a tuned cell's run id adds to its forecaster's identity: the tuner's version,
    the budget and the class's search space."""
    return {
        "tuner_version": TUNER_VERSION,
        "budget": budget.as_dict(),
        "space": cls.search_space.as_dict(),
    }


def score_tuned(
    forecaster: AbstractForecaster,
    data: Dataset,
    facts: dict,
    seed: int,
    metrics: Sequence[Metric],
    *,
    budget: Budget = TUNING_BUDGET,
    propagate: tuple[type[BaseException], ...] = (),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Tune ``forecaster`` (the base spec's forecaster) on ``data``'s training trajectory
    for ``seed``, then fit and score the chosen one as a plain cell.

    **Returns:** the scoring result (:func:`~chaosbench.numerics._evaluate.score`'s, with
    ``fit_seconds`` including the search, ``tuning`` and ``tuning_seconds``) and the
    chosen forecaster's hyperparameters. ``propagate``: exceptions that end the search
    (the cell's time limit) instead of failing a candidate.
    """
    result = tune_dataset(forecaster, data, facts, seed, budget=budget, propagate=propagate)
    (row,) = score(result.build(), data, facts, [seed], metrics)
    row["fit_seconds"] += result.seconds
    row["tuning_seconds"] = result.seconds
    row["tuning"] = json.dumps(result.record(seconds=False), sort_keys=True, separators=(",", ":"))
    return row, result.hyperparameters
