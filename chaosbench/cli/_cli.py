"""The ``chaosbench`` command: the composition root that fills the registries."""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from ..harness._plugins import load_plugins
from ..harness._threads import configure
from ._cli_catalogue import add_commands as add_catalogue_commands
from ._cli_systems import check_system, describe, list_ids, write_systems_table
from ._cli_verify import add_command as add_verify_command


def _suite_from_args(args):
    from ..harness._runner import RunOptionsError
    from ..harness._suite import get_suite

    suite = get_suite(args.suite)  # a built-in name, or a suite file (checked)
    changes = {}
    if args.systems:
        changes["systems"] = tuple(args.systems)
    if args.forecasters:
        changes["forecasters"] = tuple(args.forecasters)
    if args.tasks:
        changes["tasks"] = tuple(args.tasks)
    if args.seeds is not None:
        if args.seeds < 1:
            raise RunOptionsError(f"--seeds must be a positive integer, got {args.seeds}")
        changes["seeds"] = args.seeds
    return dataclasses.replace(suite, **changes)


def _run(args) -> int:
    from ..harness._runner import RunOptionsError, parse_shard, run

    suite = _suite_from_args(args)
    shard = parse_shard(args.shard) if args.shard else (1, 1)
    if args.jobs < 1:
        raise RunOptionsError(f"--jobs must be a positive integer, got {args.jobs}")
    if args.jobs > 1:
        return _run_jobs(args)
    started, child = time.time(), bool(os.environ.get(JOBS_CHILD_ENV))
    try:  # the parent of --jobs children logs the whole run; a refused run logs nothing
        summary = run(
            suite,
            Path(args.out),
            force=args.force,
            keep_failures=args.keep_failures,
            shard=shard,
            timeout=args.timeout,
            backend=args.backend,
            ray_address=args.ray_address,
            progress=not args.no_progress,
        )
    except KeyboardInterrupt:  # an interrupted run keeps its finished cells: log them
        if not child:
            _log_session(args, suite, started, time.time() - started, jobs=1, shard=args.shard)
        raise
    if not child:
        _log_session(args, suite, started, time.time() - started, jobs=1, shard=args.shard)
    if child and os.environ.get(JOBS_SUMMARY_ENV):  # the parent prints one summary for all
        summary.write(Path(os.environ[JOBS_SUMMARY_ENV]) / f"{os.getpid()}.json")
    else:
        print(f"suite {suite.name}: {summary.line()}")
    if child:
        return 0  # the parent counts the failures once every process has finished
    return _report_failures(summary.messages, args.out)


def _log_session(args, suite, started: float, wall: float, *, jobs=None, shard=None) -> None:
    """One line in ``OUT/sessions.csv`` for this run
    (:func:`chaosbench.harness._store.log_session`); a log that cannot be written is a
    warning, never a failed run."""
    from .._version import __version__
    from ..base._identity import git_commit
    from ..harness._plan import parse_shard, plan, select_shard
    from ..harness._store import count_cells, log_session

    jobs, shard = jobs or getattr(args, "jobs", 1) or 1, shard or "1/1"
    try:
        cells = select_shard(plan(suite), parse_shard(shard))
        record = {
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
            "wall_seconds": f"{wall:.1f}",
            "jobs": jobs,
            "shard": shard,
            **count_cells(Path(args.out), cells, started),
            "git_commit": git_commit(),
            "chaosbench_version": __version__,
        }
        log_session(Path(args.out), record)
    except OSError as error:
        print(
            f"warning: could not log the run in {args.out}/sessions.csv: {error}", file=sys.stderr
        )


JOBS_CHILD_ENV = "CHAOSBENCH_JOBS_CHILD"
JOBS_SUMMARY_ENV = "CHAOSBENCH_JOBS_SUMMARIES"  # where each child leaves its counts


def _report_failures(messages: list[str], out: str) -> int:
    if not messages:
        return 0
    print(
        f"{len(messages)} failed cells under {out} (a re-run recomputes them; "
        "--keep-failures keeps them):\n  " + "\n  ".join(messages),
        file=sys.stderr,
    )
    return 1


def _run_jobs(args) -> int:
    """Local parallelism: N processes on this machine working through the same plan.

    Each takes the next group that no other holds (the lock files every run on an
    output directory uses), so a slow group never leaves a process idle the way a
    fixed split (``--shard``) can; the rows are the same either way. Ctrl-C or ``kill PID``
    (SIGTERM; ``&`` makes a run ignore SIGINT) stops them all and logs the sitting.
    """
    import tempfile

    from ..harness._runner import RUN_STARTED_ENV, Summary, failure_messages

    if args.shard:
        raise ValueError("--jobs runs its own processes; don't combine it with --shard")
    start, started = time.perf_counter(), time.time()
    base = [sys.executable, "-m", "chaosbench"] + _strip(args.argv, "--jobs")
    summaries = Path(tempfile.mkdtemp(prefix="chaosbench-jobs-"))
    env = {**os.environ, RUN_STARTED_ENV: repr(started), JOBS_CHILD_ENV: "1"}
    env[JOBS_SUMMARY_ENV] = str(summaries)
    procs: list[subprocess.Popen] = []
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)  # kill PID = Ctrl-C
    try:
        for _ in range(args.jobs):
            procs.append(subprocess.Popen(base + ["--no-progress"], env=env))
        codes = [p.wait() for p in procs]
    except KeyboardInterrupt:  # stopped: log the sitting (the finished cells are kept)
        signal.signal(signal.SIGTERM, previous)  # a second SIGTERM ends the parent at once
        for p in procs:
            if p.poll() is None:
                p.terminate()
                p.wait()
        _log_session(args, _suite_from_args(args), started, time.perf_counter() - start)
        shutil.rmtree(summaries, ignore_errors=True)
        print("chaosbench: stopped, sitting logged; the same command resumes", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    wall = time.perf_counter() - start
    parts = [Summary.read(path) for path in sorted(summaries.glob("*.json"))]
    shutil.rmtree(summaries, ignore_errors=True)
    suite = _suite_from_args(args)
    if max(codes) <= 1:  # 2: the children refused the run before computing anything
        _log_session(args, suite, started, wall, jobs=args.jobs)
    messages = failure_messages(suite, Path(args.out)) if max(codes) <= 1 else []
    if parts:  # one summary for the whole run (a child that crashed reported nothing)
        missing = f" ({args.jobs - len(parts)} of them failed)" if len(parts) < args.jobs else ""
        combined = Summary.combine(parts, wall, messages)
        print(f"suite {suite.name}, {args.jobs} processes{missing}: {combined.line()}")
    if max(codes) != 0:
        return max(codes)
    return _report_failures(messages, args.out)


def _strip(argv: list[str], flag: str) -> list[str]:
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a == flag:
            skip = True
            continue
        if a.startswith(flag + "="):
            continue
        out.append(a)
    return out


def _merge(args) -> int:
    from ..harness._runner import merge

    added = merge([Path(s) for s in args.sources], Path(args.out))
    print(f"merged {added} new rows into {args.out}/cells")
    return 0


def _export(args) -> int:
    from ..harness._external import export

    suite = _suite_from_args(args)
    entries = export(suite, Path(args.out))
    print(
        f"exported {len(entries)} (system, task) entries of suite {suite.name} to {args.out}; "
        f"write forecast_seed<K>.npz beside each data_seed<K>.npz (see {args.out}/manifest.json), "
        f"then "
        f"`chaosbench score {args.out} --name NAME`"
    )
    return 0


def _score(args) -> int:
    from ..harness._external import score_directory

    rows = score_directory(
        Path(args.directory), args.name, Path(args.out), description=args.description, log=print
    )
    print(f"scored {len(rows)} external rows as {rows[0]['forecaster'] if rows else args.name}")
    print(
        f"wrote them under {args.out}/cells; `chaosbench leaderboard --out {args.out}` ranks them"
    )
    return 0


def _leaderboard(args) -> int:
    import pandas as pd

    from ..reporting._leaderboard import write_leaderboard

    paths = write_leaderboard(Path(args.out), allow_mixed_stack=args.allow_mixed_stack)
    for path in paths.values():
        print(f"wrote {path}")
    board = pd.read_csv(paths["leaderboard"], comment="#")
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(board.to_string(index=False))
    return 0


def _plot(args) -> int:
    from ..reporting._plot import plot

    paths = plot(
        Path(args.out),
        system=args.system,
        forecasters=args.forecasters,
        seed=args.seed,
        task=args.task,
    )
    for path in paths:
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chaosbench", description="Benchmark forecasters on chaotic dynamical systems."
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--plugin",
        action="append",
        default=[],
        metavar="MODULE_OR_PATH",
        help="import this module (a name, a .py file or a package directory) to register "
        "systems, forecasters or metrics; repeatable",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)

    def command(name: str, **kwargs) -> argparse.ArgumentParser:
        # every command fills the registries, so every command takes --plugin
        return subparsers.add_parser(name, parents=[common], **kwargs)

    p = command("list", help="list registered systems, forecasters or metrics")
    p.add_argument("what", choices=["systems", "forecasters", "metrics"])
    p.add_argument("--family", help="only the systems of this family (e.g. lorenz_like, delay)")
    p.set_defaults(func=list_ids)

    p = command("describe", help="a system's parameters and computed invariants")
    p.add_argument("system", help="id, bare name or dysts alias (e.g. lorenz63, Lorenz)")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.add_argument("--recompute", action="store_true", help="ignore cached facts")
    p.set_defaults(func=describe)

    p = command("check-system", help="integrate a system, judge boundedness and chaos")
    p.add_argument("system")
    p.add_argument("--recompute", action="store_true", help="ignore cached facts")
    p.set_defaults(func=check_system)

    add_catalogue_commands(command)  # confirm, leaks
    add_verify_command(command)  # verify

    p = command("systems", help="write the table of computed system invariants")
    p.add_argument("--recompute", action="store_true", help="recompute every entry")
    p.add_argument("--only", nargs="+", help="only these systems (nothing else changes)")
    p.add_argument("--results", default="results", help="where systems.csv goes")
    p.add_argument("--no-csv", action="store_true", help="update the table only")
    p.add_argument("--jobs", type=int, default=1, help="systems computed in parallel")
    p.add_argument("--timeout", type=float, help="per-system time limit in seconds")
    p.add_argument("--table", help="the facts table (default: the package's system_facts.json)")
    p.set_defaults(func=write_systems_table)

    def suite_arguments(p: argparse.ArgumentParser, *, forecasters: bool) -> None:
        p.add_argument(
            "--suite",
            default="default",
            help="a built-in suite (smoke, default, core, catalogue, full) or a suite file (.toml)",
        )
        p.add_argument("--systems", nargs="+", help="override the suite's systems")
        if forecasters:
            p.add_argument(
                "--forecasters",
                nargs="+",
                help="override the suite's forecasters: ids or specs, e.g. esn:size=800",
            )
        else:
            p.set_defaults(forecasters=None)
        p.add_argument("--tasks", nargs="+", help="override the suite's tasks")
        p.add_argument("--seeds", type=int, help="number of seeds per cell (forecast files)")

    p = command("run", help="run a benchmark suite, writing rows under --out")
    suite_arguments(p, forecasters=True)
    p.add_argument("--out", default="results", help="output directory (default: results)")
    p.add_argument("--force", action="store_true", help="recompute finished cells")
    p.add_argument(
        "--keep-failures",
        action="store_true",
        help="do not recompute failed cells (error, timeout, oom); by default they are",
    )
    p.add_argument("--shard", help="K/N: run the K-th of N deterministic slices of the cells")
    p.add_argument(
        "--jobs", type=int, default=1, help="N local processes sharing the work (lock files)"
    )
    p.add_argument("--timeout", type=float, help="per-cell time limit in seconds")
    p.add_argument("--backend", default="local", choices=["local", "ray"])
    p.add_argument("--ray-address", help="Ray cluster address (default: start a local one)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument(
        "--dynamix-weights",
        metavar="PATH",
        help="the pretrained weights of dynamix-v1, dynamix-3d-alrnn-v1.0.bson (from "
        "DurstewitzLab/DynaMix-julia, models/); sets CHAOSBENCH_DYNAMIX_WEIGHTS",
    )
    p.set_defaults(func=_run)

    p = command("export", help="write a suite's data for forecasters outside chaosbench")
    suite_arguments(p, forecasters=False)
    p.add_argument("--out", required=True, help="the export directory")
    p.set_defaults(func=_export)

    p = command("score", help="score forecasts written into an export directory")
    p.add_argument("directory", help="a directory made by `chaosbench export`")
    p.add_argument("--name", required=True, help="the forecaster's name (e.g. my_torch_rnn)")
    p.add_argument("--description", default="", help="one line on the model")
    p.add_argument("--out", default="results", help="where the rows go (a run's --out)")
    p.set_defaults(func=_score)

    p = command("merge", help="merge the rows of shard output directories")
    p.add_argument("sources", nargs="+", help="output directories of the shards")
    p.add_argument("--out", default="results")
    p.set_defaults(func=_merge)

    p = command("leaderboard", help="aggregate rows under --out into CSV tables")
    p.add_argument("--out", default="results")
    p.add_argument(
        "--allow-mixed-stack",
        action="store_true",
        help="pool rows computed with different numerical stacks (refused by default)",
    )
    p.set_defaults(func=_leaderboard)

    p = command("plot", help="figures of the rows under --out (refits for some)")
    p.add_argument("--out", default="results", help="the run's output directory")
    p.add_argument("--system", help="system of the refit figures (default: the run's first)")
    p.add_argument("--forecasters", nargs="+", help="forecasters to refit (default: the run's)")
    p.add_argument("--seed", type=int, default=0, help="forecaster seed of the refits")
    p.add_argument("--task", help="task of the refits (default: rich if the run has it)")
    p.set_defaults(func=_plot)
    return parser


def main(argv: list[str] | None = None) -> int:
    from ..base._registry import RegistryError

    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    args.argv = argv
    configure()  # threads and x64, before anything computes (importing chaosbench sets none)
    if getattr(args, "dynamix_weights", None):  # read by the plug-in (and --jobs workers)
        path = Path(args.dynamix_weights).expanduser().resolve()
        os.environ["CHAOSBENCH_DYNAMIX_WEIGHTS"] = str(path)
    try:
        load_plugins(args.plugin)
        return args.func(args)
    except (RegistryError, ValueError, FileNotFoundError, TypeError) as error:
        print(f"chaosbench: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
