"""The runner: plan the cells of a suite, skip finished ones, run the rest, keep every row.

The pieces live in their own modules of this layer: planning and run ids (``_plan``),
executing a group of cells (``_execute``), storing rows, locks and merging (``_store``),
and the local and Ray backends (``_backends``).
This module ties them together: validate the systems, decide what to compute, run it on
a backend, count what happened.

Failed cells (``error``, ``timeout``, ``oom``) are not finished work: the next run
recomputes them unless ``keep_failures``; the summary counts every failed row of the
planned cells, old and new, and the command exits non-zero while any remain.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import jax
import numpy as np
from tqdm.auto import tqdm

from .._version import __version__
from ..base import _api
from ..base._cache import enable_compilation_cache
from ..base._identity import git_commit
from ..catalogue import _facts
from ..catalogue._facts import get_facts
from ..catalogue._validate import (
    InvalidSystemError,
    benchmark_facts,
    validate_bounded,
    validate_system,
    verdict,
)
from ..numerics._rows import headline_metric, is_failure, long_term_metrics, same_result
from ._backends import run_local, run_ray
from ._execute import compile_seconds
from ._plan import Cell, RunOptionsError, parse_shard, plan, select_shard
from ._stack import cpu_description, numerical_stack
from ._store import (
    Lock,
    cell_path,
    check_output_dir,
    merge,
    set_aside_left_out,
    set_aside_superseded,
    stored_row,
    write_rows,
)
from ._suite import Suite

__all__ = [
    "Cell",
    "Lock",
    "RunOptionsError",
    "Summary",
    "check_systems",
    "failure_messages",
    "merge",
    "parse_shard",
    "plan",
    "run",
    "same_result",
    "stamp",
]

# ``--jobs`` children share their parent's start time, so that ``--force`` recomputes
# each cell once, not once per child.
RUN_STARTED_ENV = "CHAOSBENCH_RUN_STARTED"


def stamp(suite: Suite) -> dict[str, str]:
    """What produced a result: package version, git commit (``-dirty`` when the tree has
    uncommitted changes), suite and its hash, jax, device, Python, the numerical stack
    and the CPU (:mod:`chaosbench.harness._stack`)."""
    device = jax.devices()[0]
    return {
        "chaosbench_version": __version__,
        "git_commit": git_commit(),
        "suite": suite.name,
        "suite_hash": suite.hash,
        "jax_version": jax.__version__,
        "device": f"{device.platform}:{getattr(device, 'device_kind', '')}",
        "python": platform.python_version(),
        "stack": numerical_stack(),
        "cpu": cpu_description(),
    }


def _facts_known(system) -> bool:
    """Whether ``get_facts`` finds ``system``'s facts without computing them."""
    key = _facts.system_key(system, _facts.FactsSettings())
    if _facts._table().get(system.id, {}).get("key") == key:
        return True
    return (_facts.cache_dir() / "facts" / f"{system.id}-{key}.json").exists()


def check_systems(
    system_ids: Sequence[str], *, strict: bool = True, log: Callable[[str], None] = print
) -> dict[str, dict]:
    """Validate each system and its facts; refuse unbounded or non-chaotic ones.

    With ``strict=False`` (a suite over "all" systems) a failing system is left out with
    a message instead; the returned dict then lacks it.
    """
    facts = {}
    for system_id in system_ids:
        system = _api.systems.get(system_id)()
        try:
            validate_system(system)
            if not _facts_known(system):
                validate_bounded(system)
            found = get_facts(system)
            judged = verdict(found)
            if not judged.ok:
                raise InvalidSystemError(
                    f"system {system_id} is not fit for the benchmark: "
                    f"{'; '.join(judged.reasons)}. Run `chaosbench check-system {system_id}` "
                    "for details, or leave it out"
                )
        except InvalidSystemError as error:
            if strict:
                raise
            log(f"leaving out {system_id}: {error}")
            continue
        facts[system_id] = benchmark_facts(found, judged)
    return facts


@dataclasses.dataclass
class Summary:
    """What a run did with its planned cells: computed (``done``), found finished
    (``skipped``), left to another run holding their group's lock (``locked``), left out
    with their system (``left_out``, a suite over all systems); ``errors`` counts every
    failed row of the planned cells after the run. ``processes``: how many processes this
    summary covers (``--jobs N``, :meth:`combine`)."""

    planned: int = 0
    done: int = 0
    skipped: int = 0
    locked: int = 0
    errors: int = 0
    elapsed: float = 0.0
    compile: float = 0.0
    messages: list[str] = dataclasses.field(default_factory=list)
    left_out: int = 0
    processes: int = 1

    def line(self) -> str:
        busy = max(self.elapsed * self.processes, 1e-9)
        compiling = f"compiling {self.compile:.1f} s = {self.compile / busy:.0%}"
        if self.processes > 1:
            compiling += f" of {self.processes} processes' time"
        return (
            f"planned {self.planned}, done {self.done}, skipped {self.skipped} "
            f"(finished before), in other runs {self.locked}, errors {self.errors}, "
            f"elapsed {self.elapsed:.1f} s ({compiling})"
        )

    @classmethod
    def combine(cls, parts: Sequence[Summary], elapsed: float, messages: list[str]) -> Summary:
        """One summary for the processes of one run sharing one plan (``--jobs N``).

        Each cell is computed by one process (the group locks), so ``done`` adds up. The
        first process to plan saw every cell this run computes as unfinished (no process
        writes before it has planned), so the fewest ``skipped`` and the most
        ``left_out`` are the run's; the cells none computed were held by another run.
        ``elapsed`` is the parent's wall time, ``messages`` the failed rows after the run.
        """
        planned = max(p.planned for p in parts)
        skipped = min(p.skipped for p in parts)
        left_out = max(p.left_out for p in parts)
        done = sum(p.done for p in parts)
        return cls(
            planned=planned,
            done=done,
            skipped=skipped,
            locked=max(0, planned - skipped - left_out - done),
            errors=len(messages),
            elapsed=elapsed,
            compile=sum(p.compile for p in parts),
            messages=list(messages),
            left_out=left_out,
            processes=len(parts),
        )

    def write(self, path: Path) -> None:
        """Save the counts (for the parent of ``--jobs`` children to :meth:`read`)."""
        fields = {k: v for k, v in dataclasses.asdict(self).items() if k != "messages"}
        Path(path).write_text(json.dumps(fields))

    @classmethod
    def read(cls, path: Path) -> Summary:
        return cls(**json.loads(Path(path).read_text()))


def scores(row: dict) -> str:
    """A row's headline and long-term scores for the progress line (names from the
    metric registry)."""
    headline = headline_metric()
    unit = f" {headline.unit}" if headline.unit else ""
    parts = [f"{headline.short_name} {row.get(headline.column, np.nan):6.2f}{unit}"]
    parts += [f"{m.short_name} {row.get(m.column, np.nan):7.3f}" for m in long_term_metrics()]
    return "  ".join(parts)


def _message(cell: Cell, row: dict) -> str:
    return (
        f"{cell.system_id} × {cell.forecaster_id} ({cell.task}, seed {cell.seed}): "
        f"{row['status']}: {row.get('error', '')}"
    )


def run(
    suite: Suite,
    out: Path,
    *,
    force: bool = False,
    keep_failures: bool = False,
    shard: tuple[int, int] = (1, 1),
    timeout: float | None = None,
    backend: str = "local",
    ray_address: str | None = None,
    log: Callable[[str], None] = print,
    progress: bool = True,
) -> Summary:
    """Run every unfinished cell of ``suite`` (this shard of it) and write rows under ``out``.

    **Arguments:**

    - `force`: recompute finished cells.
    - `keep_failures`: do not recompute failed cells (error, timeout, oom); by default
      they are recomputed.
    - `shard`: ``(k, n)``: run only the k-th of n deterministic slices.
    - `timeout`: per-cell time limit in seconds (a group of s seeds gets s times this, shared).
    - `backend`: ``"local"`` or ``"ray"``; `ray_address` the cluster (default: a local one).

    **Returns:** a :class:`Summary`; its ``errors`` count every failed row of the planned
    cells after the run (old rows kept by ``keep_failures`` included).
    """
    if backend not in ("local", "ray"):
        raise RunOptionsError(f"unknown backend {backend!r}; choose 'local' or 'ray'")
    if timeout is not None and not timeout > 0:
        raise RunOptionsError(f"--timeout must be positive seconds, got {timeout}")
    start = time.perf_counter()
    run_started = float(os.environ.get(RUN_STARTED_ENV, time.time()))
    force_before = run_started if force else None
    compiled_before = compile_seconds()
    out = Path(out)
    cells = select_shard(plan(suite), shard)
    check_output_dir(out)
    if moved := set_aside_superseded(out, cells):
        log(
            f"moved {moved} cells computed by older code, hyperparameters, data or protocol "
            f"to {out / 'superseded'} (this run recomputes them)"
        )
    enable_compilation_cache()
    summary = Summary(planned=len(cells))

    def pending(cell: Cell) -> bool:
        """Not finished; or, with ``--force``, finished before this run began. A row
        written since the run began came from a process of the same run (``--jobs``) and
        is kept, a failed one too: a failure is retried by the next run, not twice in
        this one."""
        row = stored_row(out, cell)
        if row is None:
            return True
        written = cell_path(out, cell).stat().st_mtime
        if is_failure(row):
            return not keep_failures and written < run_started
        return force_before is not None and written < force_before

    todo = [c for c in cells if pending(c)]
    summary.skipped = len(cells) - len(todo)
    if summary.skipped:
        log(f"skipping {summary.skipped} finished cells (use --force to recompute)")
    facts = check_systems(
        list(dict.fromkeys(c.system_id for c in todo)),
        strict=suite.strict,  # "all" and families leave failing systems out
        log=log,
    )
    left_out = {c.system_id for c in todo} - set(facts)
    if moved := set_aside_left_out(out, left_out):
        log(
            f"moved {sum(moved.values())} cells of {', '.join(sorted(moved))} (no longer "
            f"passing the check) to {out / 'superseded'}"
        )
    summary.left_out = sum(c.system_id not in facts for c in todo)
    todo = [c for c in todo if c.system_id in facts]
    groups: dict[tuple[str, str, str], list[Cell]] = {}
    for cell in todo:
        groups.setdefault(cell.group, []).append(cell)
    run_stamp = stamp(suite)
    bar = tqdm(total=len(todo), disable=not progress, desc=f"suite {suite.name}", unit="cell")

    def record(group_cells: Sequence[Cell], rows: Sequence[dict]) -> None:
        write_rows(out, rows, run_stamp)
        for cell, row in zip(group_cells, rows):
            summary.done += 1
            bar.update(1)
            bar.write(
                f"{cell.system_id:>22} {cell.forecaster_id:>18} {cell.task:>7} seed "
                f"{cell.seed}: {row['status']:7} {row.get('long_run') or '-':8} {scores(row)}"
            )
        if rows and rows[0].get("traceback"):
            log(rows[0]["traceback"])

    def skip(n: int) -> None:
        summary.locked += n
        bar.update(n)

    try:
        if backend == "ray":
            run_ray(suite, groups, facts, timeout, ray_address, record)
        else:
            run_local(suite, groups, facts, timeout, out, pending, record, skip)
    finally:
        bar.close()
        summary.elapsed = time.perf_counter() - start
        summary.compile = compile_seconds() - compiled_before
        summary.messages = failure_messages(suite, out, shard, cells)
        summary.errors = len(summary.messages)
    return summary


def failure_messages(
    suite: Suite, out: Path, shard: tuple[int, int] = (1, 1), cells: list[Cell] | None = None
) -> list[str]:
    """One line per failed row (error, timeout, oom) of the planned cells under ``out``."""
    cells = cells if cells is not None else select_shard(plan(suite), shard)
    messages = []
    for cell in cells:
        row = stored_row(out, cell)
        if row is not None and is_failure(row):
            messages.append(_message(cell, row))
    return messages
