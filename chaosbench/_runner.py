"""The runner: plan cells, skip finished ones, run the rest, write one row per cell.

A cell is one (system, forecaster, task, seed). Its run id is a hash of everything that
defines it, so a finished cell is recognised on a re-run and skipped. The seeds of a
(system, task, forecaster) *group* are fitted together (vmapped). Each row is written
atomically to ``OUT/cells/<run id>.json`` the moment its group is scored, so an
interrupted run keeps every finished cell; a group being worked on holds a lock file
under ``OUT/locks`` so that two runs on the same directory never compute it twice.

A cell whose forecaster diverges gets status ``diverged``; one that raises, ``error``;
one that runs past the time limit, ``timeout``; one that exhausts memory, ``oom``. In
every case the run goes on and the failure is scored as such.

Execution backends: ``local`` runs groups in this process; ``ray`` runs them as Ray tasks
on a local or remote cluster. ``shard=(k, n)`` keeps the k-th of n deterministic slices
of the groups, for job arrays; ``chaosbench merge`` combines the shards' outputs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import os
import platform
import signal
import subprocess
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import jax
import numpy as np
from tqdm.auto import tqdm

from . import _api, _facts
from ._cache import atomic_write_text, content_hash, enable_compilation_cache
from ._dataset import make_dataset
from ._evaluate import score
from ._facts import get_facts
from ._protocol import TASKS
from ._suite import Suite
from ._validate import InvalidSystemError, validate_bounded, validate_system, verdict

__version__ = "0.1.0"

TIMING_COLUMNS = ("fit_seconds", "forecast_seconds", "compile_seconds")

# JAX's own compile-time events: tracing to MLIR and the XLA backend compile.
_COMPILE_EVENTS = (
    "/jax/core/compile/jaxpr_to_mlir_module_duration",
    "/jax/core/compile/backend_compile_duration",
)
_compile_total = [0.0]


def _on_jax_event(event: str, duration: float, **_: Any) -> None:
    if event in _COMPILE_EVENTS:
        _compile_total[0] += duration


jax.monitoring.register_event_duration_secs_listener(_on_jax_event)


def compile_seconds() -> float:
    """Seconds this process has spent lowering and compiling JAX programs so far."""
    return _compile_total[0]


class RunOptionsError(ValueError):
    """Invalid options for a run (seeds, suite, shard, output directory)."""


class CellTimeout(Exception):
    """A group of cells ran past its time limit."""


@dataclasses.dataclass(frozen=True)
class Cell:
    system_id: str
    forecaster_id: str
    task: str
    seed: int
    run_id: str

    @property
    def group(self) -> tuple[str, str, str]:
        return (self.system_id, self.task, self.forecaster_id)


def _expand(requested: Sequence[str], registry) -> list[str]:
    if tuple(requested) == ("all",):
        return registry.ids()
    return list(dict.fromkeys(registry.resolve(r) for r in requested))


def plan(suite: Suite) -> list[Cell]:
    """Every cell of ``suite``, in a deterministic order, with its run id."""
    if not isinstance(suite.seeds, int) or suite.seeds < 1:
        raise RunOptionsError(f"seeds must be a positive integer, got {suite.seeds!r}")
    if not suite.tasks:
        raise RunOptionsError(f"suite {suite.name!r} has no tasks; known tasks: {', '.join(TASKS)}")
    for task in suite.tasks:
        if task not in TASKS:
            raise RunOptionsError(f"unknown task {task!r}; known tasks: {', '.join(TASKS)}")
    system_ids = _expand(suite.systems, _api.systems)
    forecaster_ids = _expand(suite.forecasters, _api.forecasters)
    if not system_ids or not forecaster_ids:
        raise RunOptionsError(
            f"suite {suite.name!r} is empty: it names no systems or no forecasters "
            "(pass --systems/--forecasters, or see `chaosbench list systems`)"
        )
    cells = []
    protocol = suite.protocol.as_dict()
    for system_id in system_ids:
        system = _api.systems.get(system_id)()
        for task in suite.tasks:
            for forecaster_id in forecaster_ids:
                forecaster = _api.forecasters.get(forecaster_id)()
                for seed in range(suite.seeds):
                    run_id = content_hash(
                        {
                            "system": system_id,
                            "parameters": system.parameters,
                            "forecaster": forecaster_id,
                            "hyperparameters": repr(forecaster),
                            "task": dataclasses.asdict(TASKS[task]),
                            "seed": seed,
                            "protocol": protocol,
                        }
                    )
                    cells.append(Cell(system_id, forecaster_id, task, seed, run_id))
    return cells


def parse_shard(text: str) -> tuple[int, int]:
    """``"K/N"`` → ``(K, N)`` with 1 ≤ K ≤ N, or a clear error."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise RunOptionsError(f"--shard must look like K/N (e.g. 2/8), got {text!r}") from None
    if not (n >= 1 and 1 <= k <= n):
        raise RunOptionsError(f"--shard {text}: K must be between 1 and N (N ≥ 1)")
    return k, n


def select_shard(cells: Sequence[Cell], shard: tuple[int, int]) -> list[Cell]:
    """The cells of the k-th of n slices; whole groups stay together (seeds vmap)."""
    k, n = shard
    order = list(dict.fromkeys(c.group for c in cells))
    mine = {g for i, g in enumerate(order) if i % n == k - 1}
    return [c for c in cells if c.group in mine]


def stamp(suite: Suite) -> dict[str, str]:
    """What produced a result: package version, git commit, suite hash, jax, device."""
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short=12", "HEAD"],
                capture_output=True,
                text=True,
                cwd=Path(__file__).parent,
                timeout=10,
                check=False,
            ).stdout.strip()
            or "unknown"
        )
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    device = jax.devices()[0]
    return {
        "chaosbench_version": __version__,
        "git_commit": commit,
        "suite": suite.name,
        "suite_hash": suite.hash,
        "jax_version": jax.__version__,
        "device": f"{device.platform}:{getattr(device, 'device_kind', '')}",
        "python": platform.python_version(),
    }


def cell_path(out: Path, cell: Cell) -> Path:
    return out / "cells" / f"{cell.run_id}.json"


def finished(out: Path, cell: Cell) -> bool:
    """Whether ``cell`` has a whole row under ``out``; a torn or foreign file does not count
    (it is recomputed and replaced)."""
    try:
        return json.loads(cell_path(out, cell).read_text()).get("run_id") == cell.run_id
    except (OSError, ValueError, AttributeError):
        return False


def _to_compute(out: Path, cell: Cell, force_before: float | None) -> bool:
    """Unfinished, or (with ``--force``) finished before this run began: a row written
    since then came from a process of the same run (``--jobs``) and is kept."""
    if not finished(out, cell):
        return True
    return force_before is not None and cell_path(out, cell).stat().st_mtime < force_before


# ``--jobs`` children share their parent's start time, so that ``--force`` recomputes
# each cell once, not once per child.
RUN_STARTED_ENV = "CHAOSBENCH_RUN_STARTED"


def check_output_dir(out: Path) -> None:
    """Create ``out/cells`` and check that it is writable, or raise with the fix."""
    try:
        (out / "cells").mkdir(parents=True, exist_ok=True)
        probe = out / "cells" / f".probe-{os.getpid()}"
        probe.write_text("ok")
        probe.unlink()
    except OSError as error:
        raise RunOptionsError(
            f"output directory {out} is not writable ({error.strerror or error}); choose "
            "another with --out or fix its permissions"
        ) from None


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
        facts[system_id] = found
    return facts


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`CellTimeout` in this thread after ``seconds`` (POSIX main thread).

    The alarm interrupts Python code and fires at the latest when a running compiled
    computation returns; a computation that never returns needs an external limit.
    """
    usable = (
        seconds
        and hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def handler(signum, frame):
        raise CellTimeout(f"ran past the per-cell time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _failure_status(error: BaseException) -> str:
    if isinstance(error, CellTimeout):
        return "timeout"
    text = f"{type(error).__name__} {error}"
    if isinstance(error, MemoryError) or "RESOURCE_EXHAUSTED" in text or "Out of memory" in text:
        return "oom"
    return "error"


def execute_group(
    suite: Suite, cells: Sequence[Cell], facts: dict, timeout: float | None = None
) -> list[dict[str, Any]]:
    """Score one (system, task, forecaster) group; one row per cell. Never raises."""
    system_id, task, forecaster_id = cells[0].group
    metrics = [_api.metrics.get(m) for m in _api.metrics.ids()]
    known: dict[str, float] = {"dt": np.nan, "max_lyapunov": facts["max_lyapunov"]}
    compiled_before = compile_seconds()
    try:
        # The dataset is the harness's work (and cached): outside the forecaster's limit.
        system = _api.systems.get(system_id)()
        spec = suite.protocol.dataset_spec(system, facts, TASKS[task])
        data = make_dataset(spec)
        known["dt"] = data.spec.dt
        with time_limit(timeout * len(cells) if timeout else None):
            forecaster = _api.forecasters.get(forecaster_id)()
            results = score(forecaster, data, facts, [c.seed for c in cells], metrics)
    except Exception as error:  # noqa: BLE001 - recorded, the run goes on
        status = _failure_status(error)
        message = f"{type(error).__name__}: {error}".strip().replace("\n", " ")[:2000]
        results = [
            {
                "seed": c.seed,
                "status": status,
                "error": message,
                "fit_seconds": np.nan,
                "forecast_seconds": np.nan,
                **{m.column: m.failure for m in metrics},
            }
            for c in cells
        ]
        results[0]["traceback"] = traceback.format_exc(limit=4)
    # the group's compile time (dataset generation included), shared among its seeds
    known["compile_seconds"] = (compile_seconds() - compiled_before) / len(cells)
    rows = []
    for cell, result in zip(cells, results):
        rows.append(
            {
                "run_id": cell.run_id,
                "system": system_id,
                "forecaster": forecaster_id,
                "task": task,
                "system_version": int(system_id.rsplit("-v", 1)[1]),
                "forecaster_version": int(forecaster_id.rsplit("-v", 1)[1]),
                "protocol_version": suite.protocol.version,
                "error": "",
                **known,
                **result,
            }
        )
    return rows


@dataclasses.dataclass
class Summary:
    planned: int = 0
    done: int = 0
    skipped: int = 0
    locked: int = 0
    diverged: int = 0
    errors: int = 0
    elapsed: float = 0.0
    compile: float = 0.0
    messages: list[str] = dataclasses.field(default_factory=list)

    def line(self) -> str:
        return (
            f"planned {self.planned}, done {self.done}, skipped {self.skipped} "
            f"(finished before), in other runs {self.locked}, diverged {self.diverged}, "
            f"errors {self.errors}, elapsed {self.elapsed:.1f} s (compiling "
            f"{self.compile:.1f} s = {self.compile / max(self.elapsed, 1e-9):.0%})"
        )


class _Lock:
    """An exclusive lock file for a group; a lock whose process is gone is taken over."""

    def __init__(self, path: Path):
        self.path = path
        self.held = False

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The lock appears with its owner already written (hard link of a finished
        # file), so no other run can read it half-made and take it for a stale one.
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}")
        tmp.write_text(f"{os.getpid()} {platform.node()}")
        try:
            for _ in range(2):
                try:
                    _create_from(tmp, self.path)
                except FileExistsError:
                    if self._stale():
                        self.path.unlink(missing_ok=True)
                        continue
                    return False
                self.held = True
                return True
            return False
        finally:
            tmp.unlink(missing_ok=True)

    def _stale(self) -> bool:
        try:
            pid_text, host = self.path.read_text().split(" ", 1)
            pid = int(pid_text)
        except (OSError, ValueError):
            return True
        if host != platform.node():
            return False
        try:
            os.kill(pid, 0)
        except OSError as error:
            return error.errno == errno.ESRCH
        return False

    def release(self) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)
            self.held = False


def _create_from(tmp: Path, path: Path) -> None:
    """Create ``path`` with ``tmp``'s content, raising FileExistsError if it exists."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # a filesystem without hard links: exclusive create, then write
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        with os.fdopen(fd, "w") as handle:
            handle.write(tmp.read_text())


def _write_rows(out: Path, rows: Sequence[dict], cells: Sequence[Cell], run_stamp: dict) -> None:
    for cell, row in zip(cells, rows):
        atomic_write_text(
            cell_path(out, cell), json.dumps({**row, **run_stamp}, indent=1, default=float)
        )


def run(
    suite: Suite,
    out: Path,
    *,
    force: bool = False,
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
    - `shard`: ``(k, n)``: run only the k-th of n deterministic slices.
    - `timeout`: per-cell time limit in seconds (a group of s seeds gets s times this).
    - `backend`: ``"local"`` or ``"ray"``; `ray_address` the cluster (default: a local one).
    """
    if backend not in ("local", "ray"):
        raise RunOptionsError(f"unknown backend {backend!r}; choose 'local' or 'ray'")
    if timeout is not None and not timeout > 0:
        raise RunOptionsError(f"--timeout must be positive seconds, got {timeout}")
    start = time.perf_counter()
    force_before = float(os.environ.get(RUN_STARTED_ENV, time.time())) if force else None
    compiled_before = compile_seconds()
    out = Path(out)
    cells = select_shard(plan(suite), shard)
    check_output_dir(out)
    enable_compilation_cache()
    summary = Summary(planned=len(cells))
    todo = [c for c in cells if force or not finished(out, c)]
    summary.skipped = len(cells) - len(todo)
    if summary.skipped:
        log(f"skipping {summary.skipped} finished cells (use --force to recompute)")
    facts = check_systems(
        list(dict.fromkeys(c.system_id for c in todo)),
        strict=tuple(suite.systems) != ("all",),
        log=log,
    )
    todo = [c for c in todo if c.system_id in facts]
    groups: dict[tuple[str, str, str], list[Cell]] = {}
    for cell in todo:
        groups.setdefault(cell.group, []).append(cell)
    run_stamp = stamp(suite)
    bar = tqdm(total=len(todo), disable=not progress, desc=f"suite {suite.name}", unit="cell")

    def record(group_cells: Sequence[Cell], rows: Sequence[dict]) -> None:
        _write_rows(out, rows, group_cells, run_stamp)
        for cell, row in zip(group_cells, rows):
            status = row["status"]
            summary.done += 1
            summary.diverged += status == "diverged"
            if status not in ("ok", "diverged"):
                summary.errors += 1
                summary.messages.append(
                    f"{cell.system_id} × {cell.forecaster_id} ({cell.task}, seed {cell.seed}): "
                    f"{status}: {row['error']}"
                )
            bar.update(1)
            bar.write(
                f"{cell.system_id:>22} {cell.forecaster_id:>18} {cell.task:>7} seed "
                f"{cell.seed}: {status:8} VPT {row.get('vpt_lyap', np.nan):6.2f} t_λ  "
                f"D_stsp {row.get('d_stsp', np.nan):7.3f}  D_H {row.get('d_h', np.nan):6.3f}"
            )
        if rows and rows[0].get("traceback"):
            log(rows[0]["traceback"])

    try:
        if backend == "ray":
            _run_ray(suite, groups, facts, timeout, ray_address, record)
        else:
            for key, group_cells in groups.items():
                lock = _Lock(out / "locks" / f"{content_hash(list(key))}.lock")
                if not lock.acquire():
                    summary.locked += len(group_cells)
                    bar.update(len(group_cells))
                    continue
                try:
                    pending = [c for c in group_cells if _to_compute(out, c, force_before)]
                    if pending:
                        record(pending, execute_group(suite, pending, facts[key[0]], timeout))
                finally:
                    lock.release()
    finally:
        bar.close()
        summary.elapsed = time.perf_counter() - start
        summary.compile = compile_seconds() - compiled_before
    return summary


def _ray_group(suite: Suite, cells: list[Cell], facts: dict, timeout: float | None):
    """A Ray task: fill the registries in the worker, then score one group."""
    import jax as _jax

    _jax.config.update("jax_enable_x64", True)
    from ._plugins import load_plugins

    load_plugins()
    enable_compilation_cache()
    return execute_group(suite, cells, facts, timeout)


def _run_ray(suite, groups, facts, timeout, address, record) -> None:
    try:
        import ray
    except ImportError:
        raise RunOptionsError("the ray backend needs Ray: pip install 'chaosbench[ray]'") from None
    started = not ray.is_initialized()
    if started:
        ray.init(
            address=address, include_dashboard=False, log_to_driver=False, configure_logging=False
        )
    try:
        remote = ray.remote(_ray_group)
        pending = {
            remote.remote(suite, cells, facts[key[0]], timeout): cells
            for key, cells in groups.items()
        }
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                record(pending.pop(ref), ray.get(ref))
    finally:
        if started:
            ray.shutdown()


def merge(sources: Sequence[Path], out: Path) -> int:
    """Copy the rows of several runs' output directories into ``out``; returns rows added.

    Two rows with the same run id must agree apart from timing and stamp columns; a
    conflict raises rather than silently picking one.
    """
    check_output_dir(Path(out))
    added = 0
    for source in sources:
        files = sorted((Path(source) / "cells").glob("*.json"))
        if not files and not (Path(source) / "cells").is_dir():
            raise RunOptionsError(f"{source} has no cells/ directory: is it a run's --out?")
        for file in files:
            target = Path(out) / "cells" / file.name
            row = _read_row(file)
            if target.exists():
                if not same_result(_read_row(target), row):
                    raise RunOptionsError(
                        f"conflicting rows for run id {file.stem} in {source} and {out}"
                    )
                continue
            atomic_write_text(target, file.read_text())
            added += 1
    return added


def _read_row(path: Path) -> dict:
    try:
        row = json.loads(path.read_text())
    except ValueError:
        row = None
    if not isinstance(row, dict) or row.get("run_id") != path.stem:
        raise RunOptionsError(
            f"{path} is not a whole row (torn or foreign file); delete it and re-run that "
            "shard to recompute the cell"
        )
    return row


STAMP_COLUMNS = (
    "chaosbench_version",
    "git_commit",
    "suite",
    "suite_hash",
    "jax_version",
    "device",
    "python",
    "traceback",
)


def same_result(a: dict, b: dict) -> bool:
    """Rows agree on everything but timing and stamp columns (NaN equals NaN)."""
    ignore = set(TIMING_COLUMNS) | set(STAMP_COLUMNS)
    keys = (set(a) | set(b)) - ignore
    for key in keys:
        x, y = a.get(key), b.get(key)
        if isinstance(x, float) and isinstance(y, float) and np.isnan(x) and np.isnan(y):
            continue
        if x != y:
            return False
    return True
