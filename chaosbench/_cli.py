"""The ``chaosbench`` command: the composition root that fills the registries."""

from __future__ import annotations

import argparse
import dataclasses
import json

import sys
from pathlib import Path


def _load_plugins() -> None:
    import forecasters  # noqa: F401
    import metrics  # noqa: F401
    import systems  # noqa: F401


def _describe(args) -> int:
    from . import _api
    from ._facts import get_facts

    system = _api.get_system(args.system)
    facts = get_facts(system, recompute=args.recompute)
    info = {
        "id": system.id,
        "aliases": list(system.aliases),
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
    width = max(len(k) for k in info)
    for key, value in info.items():
        if isinstance(value, float):
            value = f"{value:.6g}"
        elif isinstance(value, list) and value and isinstance(value[0], float):
            value = "[" + ", ".join(f"{v:.6g}" for v in value) + "]"
        print(f"{key:>{width}}  {value}")
    return 0


def _run(args) -> int:
    from ._runner import run
    from ._suite import SUITES

    if args.suite not in SUITES:
        print(f"chaosbench: unknown suite {args.suite!r}; known suites: {', '.join(SUITES)}",
              file=sys.stderr)
        return 2
    suite = SUITES[args.suite]
    changes = {}
    if args.systems:
        changes["systems"] = tuple(args.systems)
    if args.forecasters:
        changes["forecasters"] = tuple(args.forecasters)
    if args.tasks:
        changes["tasks"] = tuple(args.tasks)
    if args.seeds is not None:
        if args.seeds < 1:
            print(f"chaosbench: --seeds must be a positive integer, got {args.seeds}",
                  file=sys.stderr)
            return 2
        changes["seeds"] = args.seeds
    suite = dataclasses.replace(suite, **changes)
    summary = run(suite, Path(args.out), force=args.force, progress=not args.no_progress)
    print(f"suite {suite.name}: {summary.line()}")
    if summary.errors:
        print("errors:\n  " + "\n  ".join(summary.messages), file=sys.stderr)
        return 1
    return 0


def _leaderboard(args) -> int:
    from ._leaderboard import write_leaderboard

    paths = write_leaderboard(Path(args.out))
    for name, path in paths.items():
        print(f"wrote {path}")
    import pandas as pd

    board = pd.read_csv(paths["leaderboard"])
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(board.to_string(index=False))
    return 0


def _list(args) -> int:
    from . import _api

    ids = {"systems": _api.list_systems, "forecasters": _api.list_forecasters,
           "metrics": _api.list_metrics}[args.what]()
    print("\n".join(ids))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chaosbench", description="Benchmark forecasters on chaotic dynamical systems."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="list registered systems, forecasters or metrics")
    p.add_argument("what", choices=["systems", "forecasters", "metrics"])
    p.set_defaults(func=_list)

    p = sub.add_parser("describe", help="a system's parameters and computed invariants")
    p.add_argument("system", help="id, bare name or dysts alias (e.g. lorenz63, Lorenz)")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.add_argument("--recompute", action="store_true", help="ignore cached facts")
    p.set_defaults(func=_describe)

    p = sub.add_parser("run", help="run a benchmark suite, writing rows under --out")
    p.add_argument("--suite", default="default", help="smoke, default or full")
    p.add_argument("--systems", nargs="+", help="override the suite's systems")
    p.add_argument("--forecasters", nargs="+", help="override the suite's forecasters")
    p.add_argument("--tasks", nargs="+", help="override the suite's tasks")
    p.add_argument("--seeds", type=int, help="number of seeds per cell")
    p.add_argument("--out", default="results", help="output directory (default: results)")
    p.add_argument("--force", action="store_true", help="recompute finished cells")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_run)

    p = sub.add_parser("leaderboard", help="aggregate rows under --out into CSV tables")
    p.add_argument("--out", default="results")
    p.set_defaults(func=_leaderboard)
    return parser


def main(argv: list[str] | None = None) -> int:
    from ._registry import RegistryError

    args = build_parser().parse_args(argv)
    _load_plugins()
    try:
        return args.func(args)
    except (RegistryError, ValueError, FileNotFoundError) as error:
        print(f"chaosbench: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
