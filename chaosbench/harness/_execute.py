"""Executing one group of cells: dataset, fit, forecast, metrics, rows; failures recorded.

A group is the seeds of one (system, task, forecaster); each seed draws its own dataset
(dataset seed = the cell's seed, protocol v5), and the seeds' models are fitted together by
one vmapped program of ``Protocol.fit_slots`` slots
(:func:`chaosbench.numerics._evaluate.fit_slots`), so a row is the same bits whether its
seed ran alone or in a group; a tuned spec's seeds tune one at a time. Whatever happens,
every cell of the group gets a row: a forecaster that raises is an ``error`` row, one that
runs past the time limit a ``timeout`` row, one that exhausts memory an ``oom`` row, each
scored at the metrics' failure values; the run goes on. A forecaster that cannot take the
cell's task (a context shorter than its ``min_context``, fewer observed variables than its
``min_observed``: :func:`chaosbench.numerics._task.refusal`) gets a ``refused`` row that
says why, before any data is made; it is finished, not failed. Every row carries its
resolved task (:meth:`chaosbench.numerics._task.ResolvedTask.columns`); a one-variable task
is scored against the truth floors of its coordinate
(:mod:`chaosbench.catalogue._coordinate_floors`). A tuned spec's cell tunes, then fits and
scores the chosen forecaster (:mod:`chaosbench.harness._tuned`); the time limit covers the
search.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from typing import Any

import jax

from ..base import _api
from ..base._cache import release_compiled_programs
from ..base._identity import hyperparameters
from ..base._spec import ForecasterSpec
from ..catalogue._coordinate_floors import observed_facts
from ..catalogue._independence import independence_columns
from ..numerics._dataset import make_dataset
from ..numerics._evaluate import score
from ..numerics._rows import Row, failure_result, make_row, refused_result
from ..numerics._task import get_task, refusal
from ._plan import Cell
from ._suite import Suite
from ._tuned import score_tuned

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


class CellTimeout(Exception):
    """A group of cells ran past its time limit."""


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


def failure_status(error: BaseException) -> str:
    if isinstance(error, CellTimeout):
        return "timeout"
    text = f"{type(error).__name__} {error}"
    if isinstance(error, MemoryError) or "RESOURCE_EXHAUSTED" in text or "Out of memory" in text:
        return "oom"
    return "error"


def execute_group(
    suite: Suite, cells: Sequence[Cell], facts: dict, timeout: float | None = None
) -> list[Row]:
    """Score one (system, task, forecaster) group; one row per cell. Never raises."""
    release_compiled_programs()  # a long run would otherwise exhaust the memory maps
    system_id, task, forecaster_id = cells[0].group
    metrics = [_api.metrics.get(m) for m in _api.metrics.ids()]
    named = ForecasterSpec.parse(forecaster_id)  # the label: its overrides applied
    forecaster = named.base.build()  # a tuned spec: where the tuner's search starts
    dt = float("nan")
    compiled_before = compile_seconds()
    # the group's time limit, as before v5: the seeds together get len(cells) × timeout
    budget = timeout * len(cells) if timeout else None
    results: dict[int, dict] = {}  # by the cell's position in the group
    hypers = {i: hyperparameters(forecaster) for i in range(len(cells))}
    columns: dict[int, dict] = {}  # the resolved task (its steps, t_λ, periods, coordinates)
    ready: list[tuple[int, Any, dict]] = []  # (position, dataset, scoring facts)

    def failed(i: int, error: BaseException) -> None:
        message = f"{type(error).__name__}: {error}".strip().replace("\n", " ")[:2000]
        status = failure_status(error)
        results[i] = {**failure_result(status, message, metrics, cells[i].seed), **columns[i]}
        results[i]["traceback"] = traceback.format_exc(limit=4)

    for i, cell in enumerate(cells):  # seed s draws its own dataset (protocol v5)
        columns[i] = {}
        try:
            # The dataset is the harness's work (and cached): outside the forecaster's limit.
            system = _api.systems.get(system_id)()
            resolved = suite.protocol.resolve(get_task(task), facts)
            columns[i] = resolved.columns()
            dt = suite.protocol.dt(facts)
            reason = refusal(forecaster, resolved, len(facts["std"]))
            if reason is not None:  # refused by name: a finished row, never retried
                results[i] = {**refused_result(reason, metrics, cell.seed), **columns[i]}
                continue
            spec = suite.protocol.dataset_spec(system, facts, resolved.task, seed=cell.seed)
            data = make_dataset(spec)
            ready.append((i, data, observed_facts(system, facts, resolved.observed)))
        except Exception as error:  # noqa: BLE001 - recorded, the run goes on
            failed(i, error)
    if named.tuned:  # each seed tunes on its own data: one at a time
        for i, data, scoring in ready:
            try:
                if budget is not None and budget <= 0:
                    raise CellTimeout(f"ran past the per-cell time limit of {timeout:g} s")
                start = time.perf_counter()
                with time_limit(budget):
                    result, hypers[i] = score_tuned(
                        forecaster, data, scoring, cells[i].seed, metrics, propagate=(CellTimeout,)
                    )
                results[i] = {**result, **independence_columns(data), **columns[i]}
                if budget is not None:
                    budget -= time.perf_counter() - start
            except Exception as error:  # noqa: BLE001 - recorded, the run goes on
                if isinstance(error, CellTimeout):
                    budget = 0.0  # the group's time is spent: its later seeds time out too
                failed(i, error)
    elif ready:  # the seeds share one fit program (Protocol.fit_slots), then score apart
        try:
            # the seeds' truth floors are the same (one system, one task's coordinates)
            with time_limit(budget):
                scored = score(
                    forecaster,
                    [data for _, data, _ in ready],
                    ready[0][2],
                    [cells[i].seed for i, _, _ in ready],
                    metrics,
                    suite.protocol.fit_slots,
                )
            for (i, data, _), result in zip(ready, scored):
                results[i] = {**result, **independence_columns(data), **columns[i]}
        except Exception as error:  # noqa: BLE001 - recorded, the run goes on
            for i, _, _ in ready:
                failed(i, error)
    # the group's compile time (dataset generation included), shared among its seeds
    compile_share = (compile_seconds() - compiled_before) / len(cells)
    return [
        make_row(
            run_id=cell.run_id,
            system=system_id,
            forecaster=forecaster_id,
            task=task,
            seed=cell.seed,
            protocol_version=suite.protocol.version,
            hyperparameters=hypers[i],
            dt=dt,
            max_lyapunov=facts["max_lyapunov"],
            result=results[i],
            compile_seconds=compile_share,
        )
        for i, cell in enumerate(cells)
    ]
