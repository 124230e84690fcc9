"""The ``chaosbench`` commands about systems: ``list``, ``describe``, ``check-system`` and
``systems`` (the table of computed invariants). The parser lives in :mod:`chaosbench.cli._cli`.
"""

from __future__ import annotations

import json
from pathlib import Path


def describe(args) -> int:
    from ..base import _api
    from ..catalogue._facts import get_facts

    system = _api.get_system(args.system)
    facts = get_facts(system, recompute=args.recompute)
    info = {
        "id": system.id,
        "aliases": list(system.aliases),
        "family": system.family,
        "dimension": system.dimension,
        "parameters": system.parameters,
        "initial_condition": [float(x) for x in system.initial_condition],
        "citation": system.citation,
        "description": system.description,
        "lyapunov_spectrum": facts["lyapunov_spectrum"],
        "max_lyapunov": facts["max_lyapunov"],
        "max_lyapunov_stderr": facts["max_lyapunov_stderr"],
        "lyapunov_time": facts["lyapunov_time"],
        "kaplan_yorke_dimension": facts["kaplan_yorke_dimension"],
        "period": facts["period"],
        "dt": facts["dt"],
        "mean": facts["mean"],
        "std": facts["std"],
    }
    if args.json:
        print(json.dumps(info, indent=1))
        return 0
    print_table(info)
    return 0


def print_table(info: dict) -> None:
    width = max(len(k) for k in info)
    for key, value in info.items():
        if isinstance(value, float):
            value = f"{value:.6g}"
        elif isinstance(value, list) and value and isinstance(value[0], float):
            value = "[" + ", ".join(f"{v:.6g}" for v in value) + "]"
        print(f"{key:>{width}}  {value}")


def list_ids(args) -> int:
    from ..base import _api

    if args.family is not None and args.what != "systems":
        raise ValueError("--family selects systems: use `chaosbench list systems --family NAME`")
    ids = {
        "systems": _api.list_systems,
        "forecasters": _api.list_forecasters,
        "metrics": _api.list_metrics,
    }[args.what]()
    if args.family is not None:
        families = sorted({_api.systems.get(i).family for i in ids})
        if args.family not in families:
            raise ValueError(
                f"unknown family {args.family!r}; known families: {', '.join(families)}"
            )
        ids = [i for i in ids if _api.systems.get(i).family == args.family]
    print("\n".join(ids))
    return 0


def check_system(args) -> int:
    from ..base import _api
    from ..catalogue._facts import get_facts
    from ..catalogue._validate import InvalidSystemError, twins, validate_system, verdict

    system = _api.get_system(args.system)
    print(f"checking {system.id} ({type(system).__name__}, dimension {system.dimension})")
    try:
        validate_system(system)
    except InvalidSystemError as error:
        print(f"verdict: FAIL: {error}")
        return 1
    print("vector field: well-formed and finite at the initial condition")
    for other, as_registered in twins(system):
        if as_registered:
            print(
                f"warning: its vector field equals {other}'s at random states: the same "
                f"system is already in the catalogue as {other}"
            )
        else:
            print(
                f"note: its vector field is {other}'s at this system's parameters (the same "
                f"equations as {other}, at other parameters)"
            )
    facts = get_facts(system, recompute=args.recompute)
    print_table(
        {
            k: facts[k]
            for k in (
                "lyapunov_spectrum",
                "max_lyapunov",
                "max_lyapunov_stderr",
                "lyapunov_time",
                "kaplan_yorke_dimension",
                "period",
                "dt",
                "mean",
                "std",
                "max_abs",
            )
        }
    )
    judged = verdict(facts)
    print(f"verdict: {judged}")
    for note in judged.notes:
        print(f"  ({note})")
    return 0 if judged.ok else 1


def write_systems_table(args) -> int:
    from ..catalogue._facts_table import TABLE, write_table

    paths = write_table(
        recompute=args.recompute,
        only=args.only,
        results=None if args.no_csv else Path(args.results),
        jobs=args.jobs,
        timeout=args.timeout,
        table=Path(args.table) if args.table else TABLE,
    )
    for path in paths:
        print(f"wrote {path}")
    return 0
