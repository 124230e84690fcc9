"""Where groups of cells run: this process (``local``) or a Ray cluster (``ray``).

Both hand each group's rows to the same ``record`` callback, which writes them; so the
rows, and the files, are the same whichever backend computed them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..base._cache import content_hash, enable_compilation_cache
from ._execute import execute_group
from ._plan import Cell, RunOptionsError
from ._store import Lock
from ._suite import Suite

Record = Callable[[Sequence[Cell], Sequence[dict]], None]


def run_local(
    suite: Suite,
    groups: dict[tuple[str, str, str], list[Cell]],
    facts: dict,
    timeout: float | None,
    out: Path,
    pending: Callable[[Cell], bool],
    record: Record,
    skip: Callable[[int], None],
) -> None:
    """Run each group in this process under its lock; a group another run holds is
    skipped (``skip(n_cells)``); cells that became finished meanwhile are not redone."""
    for key, cells in groups.items():
        lock = Lock(Path(out) / "locks" / f"{content_hash(list(key))}.lock")
        if not lock.acquire():
            skip(len(cells))
            continue
        try:
            todo = [c for c in cells if pending(c)]
            if todo:
                record(todo, execute_group(suite, todo, facts[key[0]], timeout))
        finally:
            lock.release()


def _ray_group(suite: Suite, cells: list[Cell], facts: dict, timeout, plugins: list[str]):
    """A Ray task: configure the worker (threads, x64) as the CLI configures itself, fill
    the registries (the driver's plug-ins too), then score one group."""
    from ._plugins import load_plugins
    from ._threads import configure

    configure()

    load_plugins(plugins)
    enable_compilation_cache()
    return execute_group(suite, cells, facts, timeout)


def run_ray(
    suite: Suite,
    groups: dict[tuple[str, str, str], list[Cell]],
    facts: dict,
    timeout: float | None,
    address: str | None,
    record: Record,
) -> None:
    try:
        import ray
    except ImportError:
        raise RunOptionsError("the ray backend needs Ray: pip install 'chaosbench[ray]'") from None
    from ._plugins import loaded

    started = not ray.is_initialized()
    if started:
        ray.init(
            address=address, include_dashboard=False, log_to_driver=False, configure_logging=False
        )
    try:
        remote = ray.remote(_ray_group)
        plugins = loaded()
        pending = {
            remote.remote(suite, cells, facts[key[0]], timeout, plugins): cells
            for key, cells in groups.items()
        }
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                record(pending.pop(ref), ray.get(ref))
    finally:
        if started:
            ray.shutdown()
