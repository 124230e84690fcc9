"""``chaosbench verify``: does this machine reproduce a results folder?

It recomputes a sample of the folder's committed cells into a scratch directory (never
into the folder) and compares them metric by metric
(:func:`chaosbench.harness._verify.verify`); it exits 0 when every exact forecaster's row
agrees bit for bit and every other row within the tolerance, 1 otherwise (the worst cells
named), 2 when it cannot run. The parser lives in :mod:`chaosbench.cli._cli`, which calls
:func:`add_command`.
"""

from __future__ import annotations

from pathlib import Path


def add_command(command) -> None:
    """Add ``verify`` with ``command(name, **kwargs)``, the parser factory of
    :func:`chaosbench.cli._cli.build_parser` (which adds ``--plugin``)."""
    from ..harness._verify import DEFAULT_SAMPLE, TOLERANCE

    p = command(
        "verify",
        help="recompute a sample of a results folder's cells here and compare them",
        description="Recompute a deterministic sample of the committed rows of a results "
        "folder on this machine, into a scratch directory, and compare each metric: the "
        "exact forecasters (closed-form fits and baselines) must agree bit for bit, the "
        f"others within {TOLERANCE:g} × the seed-to-seed spread of the same cell. Exits 0 "
        "when they do, 1 with the worst cells named when they do not.",
    )
    p.add_argument("--out", required=True, help="the results folder (read only)")
    p.add_argument(
        "--sample",
        type=int,
        default=DEFAULT_SAMPLE,
        help=f"how many rows to recompute (default {DEFAULT_SAMPLE}), spread over forecasters",
    )
    p.add_argument("--systems", nargs="+", help="only rows of these systems")
    p.add_argument("--forecasters", nargs="+", help="only rows of these forecasters")
    p.add_argument("--seed", type=int, default=0, help="seed of the sample (default 0)")
    p.add_argument(
        "--scratch", help="where the recomputed rows and verify.csv go (default: a temp dir)"
    )
    p.add_argument(
        "--suite",
        help="plan with this suite, a name or a suite file (default: the rows' stamp's)",
    )
    p.add_argument(
        "--dynamix-weights",
        metavar="PATH",
        help="the pretrained weights of dynamix-v1 (as for `chaosbench run`); without them "
        "its rows are not sampled, and the report says so",
    )
    p.set_defaults(func=verify)


def verify(args) -> int:
    from ..harness._suite import get_suite
    from ..harness._verify import verify as run_verify

    suite = get_suite(args.suite) if args.suite else None  # a built-in name or a suite file
    report = run_verify(
        Path(args.out),
        sample=args.sample,
        systems=args.systems,
        forecasters=args.forecasters,
        seed=args.seed,
        scratch=Path(args.scratch) if args.scratch else None,
        suite=suite,
    )
    print(report.text())
    print(f"wrote {report.csv_path}")
    return 0 if report.ok else 1
