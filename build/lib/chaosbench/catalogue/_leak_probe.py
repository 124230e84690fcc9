"""The leak probe of a system: what ``chaosbench leaks`` computes.

Do the benchmark dataset's perturbed starts of a system stay on its attractor? The
system's dataset spec under the current protocol (task ``rich``; the other tasks
integrate the same starts for as long: ``n_long`` samples, noise aside), every start
integrated exactly as :func:`chaosbench.numerics._dataset.generate` does
(:func:`chaosbench.catalogue._leaks.probe`). The record says how many of the trajectories
failed (the solve ran out of its step budget or blew up), which, and where the first one
escaped; :func:`leak_record` adds the system's facts key, the protocol version, the
commit, the date and the wall time. A record without escapes is kept too (the system
was probed and is fine).
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from ..base._precision import float64
from ..base._system import AbstractSystem
from ..numerics._protocol import TASKS, Protocol
from ._facts import get_facts
from ._leaks import LEAK_COMMAND, probe
from ._validate import benchmark_facts, verdict


@float64
def leak_record(system: AbstractSystem, commit: str = "unknown") -> dict[str, Any]:
    """Probe the dataset starts of ``system`` and return its record of the leak table.

    The facts are those of :func:`chaosbench.get_facts` (computed if not stored) and the
    λ_max the runner would use (:func:`chaosbench.catalogue._validate.benchmark_facts`),
    whatever an earlier probe recorded.

    **Returns:** :func:`chaosbench.catalogue._leaks.probe`'s record, with ``key`` (the
    facts key), ``protocol_version``, ``seconds``, ``commit``, ``date`` and ``command``.
    """
    found = get_facts(system)
    facts = benchmark_facts(found, verdict(found, leaks={}))
    spec = Protocol().dataset_spec(system, facts, TASKS["rich"])
    start = time.perf_counter()
    record = probe(spec)
    return {
        "key": found["key"],
        **record,
        "protocol_version": Protocol().version,
        "seconds": time.perf_counter() - start,
        "commit": commit,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": f"{LEAK_COMMAND} {system.id}",
    }


TABLE_HEADER = (
    "| system | trajectories | escaped | which | first escape at t | max |x| | wall s |\n"
    "|---|---:|---:|---|---:|---:|---:|"
)


def table_row(system_id: str, record: dict[str, Any]) -> str:
    """One Markdown row of ``chaosbench leaks``'s table (see :data:`TABLE_HEADER`)."""
    where = (
        f"{record['escape_time']:.5g} | {record['escape_abs']:.3g}"
        if record["escaped"]
        else "· | ·"
    )
    return (
        f"| {system_id} | {record['trajectories']} | {record['escaped']} "
        f"| {record['failed'] or '·'} | {where} | {record['seconds']:.0f} |"
    )
