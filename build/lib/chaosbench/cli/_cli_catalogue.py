"""The ``chaosbench`` commands that write the catalogue's tables of record: ``confirm`` (the
two-trajectory confirmation of a system too slow for the tangent screen) and ``leaks``
(the leak probe of a system's dataset starts).

Without ``--record`` they print what they computed. With ``--record`` they also write each
system's record, under its facts key, into ``--table PATH`` or by default where the chaos
check reads it (:func:`chaosbench.catalogue._confirmation.destination`): the table shipped
in ``chaosbench/data/`` for a system that ships with chaosbench run from a writable source
checkout (the record is committed with it), else the user's table under
``$CHAOSBENCH_CACHE/catalogue/`` (a system from an installed plug-in package: its record
never touches the installed package, and ``chaosbench check-system`` reads it). The
parser lives in :mod:`chaosbench.cli._cli`, which calls :func:`add_commands`.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_commands(command) -> None:
    """Add ``confirm`` and ``leaks`` with ``command(name, **kwargs)``, the parser
    factory of :func:`chaosbench.cli._cli.build_parser` (which adds ``--plugin``)."""
    p = command(
        "confirm",
        help="two-trajectory λ_max of systems below the chaos check's tangent screen",
        description="Two-trajectory (Benettin) λ_max of each system, the confirmation that "
        "the chaos check asks for when λ_max · period is below its floor. The defaults "
        "make a record that can confirm chaos (2000 periods × 3 starts); shorter runs can "
        "only fail the check.",
    )
    _systems_and_table(p, "the confirmation table (two_trajectory.json)")
    p.add_argument("--ics", type=int, default=3, help="starts per system (default 3)")
    p.add_argument("--lyapunov-times", type=float, default=300.0)
    p.add_argument("--max-periods", type=float, default=2000.0)
    p.add_argument("--burn-periods", type=float, default=100.0)
    p.add_argument("--d0", type=float, help="separation / attractor std (default 1e-8)")
    p.add_argument("--rtol", type=float, help="solver tolerance (default 1e-10)")
    p.add_argument("--atol", type=float, help="solver tolerance (default 1e-10)")
    p.set_defaults(func=confirm)

    p = command(
        "leaks",
        help="probe whether the perturbed starts of systems' datasets leave the attractor",
        description="Integrate the starts of each system's benchmark dataset exactly as the "
        "runner does and report those that escape; a recorded escape makes the chaos "
        "check refuse the system.",
    )
    _systems_and_table(p, "the leak table (leaks.json)")
    p.set_defaults(func=leaks)


def _systems_and_table(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("systems", nargs="+", metavar="SYSTEM", help="ids, bare names or aliases")
    p.add_argument(
        "--record",
        action="store_true",
        help=f"write each record into {what}: the shipped one for a built-in system in a "
        "source checkout, else the user's under $CHAOSBENCH_CACHE/catalogue/",
    )
    p.add_argument("--table", help="with --record: write this table instead")


def _where(args, system, shipped: Path) -> Path:
    from ..catalogue._confirmation import destination

    return Path(args.table) if args.table else destination(system, shipped)


def confirm(args) -> int:
    from ..base import _api
    from ..base._cache import enable_compilation_cache
    from ..base._identity import git_commit
    from ..catalogue import _confirm
    from ..catalogue._confirmation import CONFIRMATIONS, judge, record_confirmations

    settings = _confirm.ConfirmSettings(
        ics=args.ics,
        lyapunov_times=args.lyapunov_times,
        max_periods=args.max_periods,
        burn_periods=args.burn_periods,
        d0=args.d0,
        rtol=args.rtol,
        atol=args.atol,
    )
    systems = [_api.get_system(s) for s in args.systems]  # unknown ids fail before any work
    enable_compilation_cache()
    commit = git_commit()
    print(_confirm.TABLE_HEADER)
    for system in systems:
        r = _confirm.confirm(system, settings)
        print(_confirm.table_row(r), flush=True)
        per_start = ", ".join(
            f"{full:.4g} (T/2: {half:.4g})" for full, half in zip(r["per_ic"], r["per_ic_half"])
        )
        print(f"<!-- {r['system']} per start: {per_start} -->", flush=True)
        record = _confirm.confirmation(r, settings, commit)
        print(f"  {system.id}: {judge(record)[1]}")
        if args.record:
            path = _where(args, system, CONFIRMATIONS)
            record_confirmations({system.id: record}, path)
            print(f"  recorded in {path}")
    return 0


def leaks(args) -> int:
    from ..base import _api
    from ..base._cache import enable_compilation_cache
    from ..base._identity import git_commit
    from ..catalogue._confirmation import record_confirmations
    from ..catalogue._leak_probe import TABLE_HEADER, leak_record, table_row
    from ..catalogue._leaks import LEAKS

    systems = [_api.get_system(s) for s in args.systems]
    enable_compilation_cache()
    commit = git_commit()
    print(TABLE_HEADER)
    for system in systems:
        record = leak_record(system, commit)
        print(table_row(system.id, record), flush=True)
        if args.record:
            path = _where(args, system, LEAKS)
            record_confirmations({system.id: record}, path)
            print(f"  recorded in {path}")
    return 0
