"""The `defaults` track: every learned forecaster's defaults, chosen once by the one tuner.

A forecaster's defaults are what every cell of the `defaults` track runs (the default,
catalogue and core suites' plain specs). They are not hand-picked: the one tuner
(:func:`chaosbench.tune_many`) chooses them, with the same budget as a tuned cell
(:data:`chaosbench.harness._tuned.TUNING_BUDGET`), on the training trajectories of the
:data:`DEVELOPMENT_SYSTEMS` — each candidate validated on all of them and ranked by the
median over the systems of its median validation VPT, among the candidates whose
projected cost fits :data:`CELL_SECONDS` — and the class's field defaults are then set
to the winner. A search whose winner still scores 0 at the full budget (its free runs
diverged on the development systems: every admitted candidate did) makes no choice: the
record keeps the class defaults and says so (``kept``). The record of that choice (which
systems, which candidates, every trial, what won) is committed as
``chaosbench/data/defaults.json``, written by ``python benchmarks/choose_defaults.py``;
``tests/test_defaults_record.py`` checks that every recorded forecaster's defaults are its
record's winner.

The development systems are none of the `core` or `default` suites' (a forecaster's
defaults are never chosen on the systems its defaults are scored on in those suites)
and span the catalogue's dimension bins: three-variable flows of two families (`chen`,
`arneodo`), a four-variable hyperchaotic one (`hyper_lorenz`), a six-variable cell cycle
(`cell_cycle`) and a ten-species competition model (`mac_arthur`), λ_max · period from
0.25 to 1.04 (facts v4). The first choice was made on the first three alone; the ESN's
winner there (leak 0.3, ridge 1e-12) diverged in free runs on Rössler and on systems
of six and more variables, which those three did not show.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import jax

from ..base import _api
from ..catalogue._facts import get_facts
from ..numerics._dataset import make_dataset
from ..numerics._evaluate import scoring_facts
from ..numerics._protocol import TASKS, Protocol
from ..numerics._tuner import tune_many
from ..numerics._tuning import Problem
from ._tuned import TUNING_BUDGET

DEVELOPMENT_SYSTEMS = ("chen", "arneodo", "hyper_lorenz", "cell_cycle", "mac_arthur")
"""Systems the defaults are chosen on (rich task, dataset seed 0)."""
DEFAULTS_TASK = "rich"
DEFAULTS_SEED = 0
RECORD = "defaults.json"
CELL_SECONDS = 30.0
"""The defaults' cost cap: a candidate is admitted to the choice only if its projected
cost on the development systems (``tune_many``'s ``max_cell_seconds``: its fit at the
full resource, without compilation, plus the validation forecasts and the 50,000-step
free run, on the machine that makes the choice) is at most this. Why: the defaults are
what the whole catalogue runs, 118 systems × 3 seeds of every forecaster, within 6 h
wall on a 2-core machine (issue 32), i.e. about 120 CPU seconds a system and seed for
all forecasters together; uncapped, the choice took the widest candidates (Mamba at
width 128: 345 s a cell, 35 CPU hours of the catalogue) for validation gains within the
noise of three systems. The tuned track has no cap: its gain over the defaults shows
what the cap costs."""


def development_problems(
    systems: tuple[str, ...] = DEVELOPMENT_SYSTEMS, protocol: Protocol = Protocol()
) -> list[Problem]:
    """The validation problems of the development systems: each system's training
    trajectory (rich task, seed 0, z-scored as ``fit`` sees it) carved by the tuner's
    split, scored with the system's facts."""
    problems = []
    for name in systems:
        system = _api.systems.get(name)()
        facts = get_facts(system)
        spec = protocol.dataset_spec(system, facts, TASKS[DEFAULTS_TASK], seed=DEFAULTS_SEED)
        data = make_dataset(spec)
        train = data.normalise(data.train)
        problems.append(
            Problem.carve(
                train, spec.context, spec.horizon, scoring_facts(data, facts), TUNING_BUDGET
            )
        )
    return problems


def choose_defaults(
    forecaster: str, problems: list[Problem], systems: tuple[str, ...] = DEVELOPMENT_SYSTEMS
) -> dict[str, Any]:
    """Run the tuner for ``forecaster`` (an id) on ``problems``: its record entry (the
    tuner's record plus the forecaster's versioned id, the systems, task and seed)."""
    cls = type(_api.forecasters.get(forecaster)())
    key = jax.random.PRNGKey(DEFAULTS_SEED)
    result = tune_many(cls, problems, key, budget=TUNING_BUDGET, max_cell_seconds=CELL_SECONDS)
    entry = {
        "forecaster": cls.id,
        "systems": list(systems),
        "task": DEFAULTS_TASK,
        "seed": DEFAULTS_SEED,
        "max_cell_seconds": CELL_SECONDS,
        **result.record(seconds=True),
    }
    final = entry["trials"][-1]  # the last rung's one candidate: the search's winner
    if final["status"] != "ok":  # it scored 0 (diverged or failed): no choice was made
        current = cls()
        entry["searched"] = entry["best"]
        entry["best"] = {k: _plain(getattr(current, k)) for k in entry["searched"]}
        entry["kept"] = (
            f"the search's winner is {final['status']} at the full budget (every admitted "
            "candidate scored 0), so it is no choice: the class defaults are kept"
        )
    return entry


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def defaults_record() -> dict[str, dict[str, Any]]:
    """The committed record, ``{forecaster name (no version): entry}`` (empty if none)."""
    path = resources.files("chaosbench") / "data" / RECORD
    if not path.is_file():
        return {}
    return json.loads(path.read_text())["forecasters"]
