"""Keeping the shipped table of system facts and ``results/systems.csv`` up to date.

The science (what the facts are, how they are computed and keyed) is
:mod:`chaosbench.catalogue._facts`; this module writes its results into the table shipped with the
package (``chaosbench/data/system_facts.json``), judges them (:func:`verdict`), compares
them with dysts' estimates in ``results/systems.csv``, and runs the computations in
worker processes with a time limit. It is not part of the facts keys: editing it never
makes stored facts stale.

dysts' catalogue is read from the copy vendored inside the package
(``chaosbench/data/dysts/chaotic_attractors.json``), never from outside the repository.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..base._cache import atomic_write_text
from ..base._system import AbstractSystem
from ._facts import (
    TABLE,
    FactsSettings,
    _with_sampling_interval,
    compute_facts,
    stored_facts,
    system_key,
)

REFERENCE = Path(__file__).parents[1] / "data" / "dysts" / "chaotic_attractors.json"
DISAGREEMENT = 0.2  # relative difference from dysts' λ_max that the table flags


def read_table(path: Path = TABLE) -> dict[str, Any]:
    """The facts table at ``path`` (empty if there is none yet)."""
    return json.loads(path.read_text()) if path.exists() else {}


def dysts_reference(path: Path = REFERENCE) -> dict[str, Any]:
    """dysts' catalogue (parameters, citations and its own estimates), by dysts name.

    Raises `FileNotFoundError` naming the file if it is missing: a table compared with
    nothing would silently blank every dysts column of ``results/systems.csv``.
    """
    if not path.exists():
        raise FileNotFoundError(
            f"dysts' reference catalogue {path} is missing; it ships with the package "
            "(chaosbench/data/dysts/): restore it with `git checkout -- chaosbench/data/dysts`, "
            "or pass --no-csv to update the facts table only"
        )
    return json.loads(path.read_text())


def _update_table(
    path: Path, entries: dict[str, Any], keep: Callable[[str], bool] = lambda key: True
) -> dict[str, Any]:
    """Merge ``entries`` into the table at ``path`` under a lock (several writers may run)."""
    lock = path.with_suffix(".lock")
    for _ in range(600):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            time.sleep(0.1)
    else:
        raise TimeoutError(f"{lock} is held by another writer; remove it if none runs")
    try:
        table = {k: v for k, v in {**read_table(path), **entries}.items() if keep(k)}
        atomic_write_text(path, json.dumps(dict(sorted(table.items())), indent=1))
    finally:
        os.close(fd)
        lock.unlink(missing_ok=True)
    return table


def write_table(
    *,
    recompute: bool = False,
    only: list[str] | None = None,
    results: Path | None = None,
    jobs: int = 1,
    timeout: float | None = None,
    table: Path = TABLE,
    reference: Path = REFERENCE,
) -> list[Path]:
    """(Re)compute the facts of registered systems into the table.

    Entries whose key still matches are kept unless ``recompute``; facts already cached
    under the current key (e.g. by ``chaosbench check-system``) are taken from the cache
    unless ``recompute``. The table is written after every system, so an interrupted
    regeneration keeps its progress. With ``jobs`` > 1 or a ``timeout``, each system is
    computed in its own process (``jobs`` at a time); one that runs past ``timeout``
    seconds is recorded as failing its check.

    Without ``only``, every registered system is brought up to date, entries of systems
    no longer registered are dropped and every verdict is re-judged. With ``only``,
    nothing but those systems' entries changes, in the table and in the CSV.

    **Arguments:**

    - `recompute`: recompute even current entries.
    - `only`: ids, names or aliases of the systems to update (default: all).
    - `results`: where ``systems.csv`` goes (``None``: the table only).
    - `jobs`, `timeout`: worker processes and their time limit in seconds.
    - `table`, `reference`: the facts table and dysts' catalogue.

    **Returns:**

    The paths written.
    """
    from ..base import _api

    ids = [_api.systems.resolve(s) for s in only] if only else _api.list_systems()
    if results is not None:
        dysts = dysts_reference(reference)  # before hours of computing, not after
    settings = FactsSettings()
    current = read_table(table)
    todo = []
    for system_id in ids:
        key = system_key(_api.systems.get(system_id)(), settings)
        entry = current.get(system_id, {})
        timed_out = "took longer than" in entry.get("verdict", "")
        if recompute or timed_out or entry.get("key") != key:
            todo.append((system_id, key))
    if jobs > 1 or timeout:
        _compute_in_processes(todo, jobs, timeout, table)
    else:
        for system_id, key in todo:
            _update_table(table, {system_id: _entry(system_id, key, settings, recompute)})
    known = set(_api.list_systems())
    keep = (lambda k: True) if only else (lambda k: k in known)
    current = _update_table(table, {}, keep=keep)
    current = _update_table(table, _rejudged(current, ids, settings), keep=keep)
    if results is None:
        return [table]
    path = Path(results) / "systems.csv"
    text = _csv_text(current, dysts)
    if only and path.exists():
        text = _merge_rows(path.read_text(), text, set(ids))
    atomic_write_text(path, text)
    return [table, path]


def _rejudged(table: dict[str, Any], ids: Iterable[str], settings: FactsSettings) -> dict:
    """Entries of ``ids`` whose verdict was judged, or dt derived, by an older rule: both
    redone on the stored facts."""
    from ._validate import verdict

    stale = {}
    for k in ids:
        entry = table.get(k, {})
        if "max_lyapunov" not in entry:
            continue
        judged = str(verdict(entry))
        dt = _with_sampling_interval(entry, settings).get("dt")
        if entry.get("verdict") != judged or entry.get("dt") != dt:
            stale[k] = {**entry, "dt": dt, "verdict": judged}
    return stale


def _csv_text(table: dict[str, Any], reference: dict[str, Any]) -> str:
    """``systems.csv``: one row per table entry, beside dysts' estimates."""
    import pandas as pd

    from ..base import _api

    known = set(_api.list_systems())
    rows = []
    for system_id, entry in sorted(table.items()):
        aliases = _api.systems.aliases_of(system_id) if system_id in known else ()
        dysts = next((reference[a] for a in aliases if a in reference), None)
        lam = entry.get("max_lyapunov", math.nan)
        ref_lam = dysts["maximum_lyapunov_estimated"] if dysts else math.nan
        rel = abs(lam - ref_lam) / abs(ref_lam) if dysts and ref_lam else math.nan
        method = entry.get("method", {})
        rows.append(
            {
                "id": system_id,
                "aliases": " ".join(aliases),
                "dimension": _dimension(system_id, entry, known),
                "max_lyapunov": lam,
                "max_lyapunov_stderr": entry.get("max_lyapunov_stderr"),
                "lyapunov_time": entry.get("lyapunov_time"),
                "lyapunov_spectrum": " ".join(
                    f"{x:.5g}" for x in entry.get("lyapunov_spectrum", [])
                ),
                "kaplan_yorke_dimension": entry.get("kaplan_yorke_dimension"),
                "period": entry.get("period"),
                "dysts_period": dysts["period"] if dysts else math.nan,
                "dt": entry.get("dt"),
                "mean": " ".join(f"{x:.5g}" for x in entry.get("mean", [])),
                "std": " ".join(f"{x:.5g}" for x in entry.get("std", [])),
                "verdict": entry.get("verdict"),
                "dysts_max_lyapunov": ref_lam,
                "relative_difference_from_dysts": rel,
                "differs_from_dysts_by_over_20pct": bool(rel > DISAGREEMENT),
                "integration_time_per_ic": method.get("lyapunov_time_per_ic"),
                "rtol": method.get("rtol"),
                "atol": method.get("atol"),
                "n_ics": method.get("n_ics"),
                "compute_seconds": entry.get("compute_seconds"),
            }
        )
    frame = pd.DataFrame(rows)
    frame["dimension"] = frame["dimension"].astype("Int64")  # an integer, empty if unknown
    return frame.to_csv(index=False, float_format="%.6g")


def _dimension(system_id: str, entry: dict[str, Any], known: set[str]) -> int | None:
    """The state dimension: the facts', else (facts that failed) the registered class's."""
    from ..base import _api

    if entry.get("dimension") is not None:
        return int(entry["dimension"])
    return _api.systems.get(system_id)().dimension if system_id in known else None


def _merge_rows(old: str, new: str, ids: set[str]) -> str:
    """The CSV ``old`` with the rows of ``ids`` taken from ``new`` (rows keyed by their
    first column, sorted); every other row stays as it was, byte for byte. If the columns
    changed, ``new`` whole."""
    old_rows = list(csv.reader(io.StringIO(old)))
    new_rows = list(csv.reader(io.StringIO(new)))
    if not old_rows or old_rows[0] != new_rows[0]:
        return new
    rows = {row[0]: row for row in old_rows[1:]}
    rows.update({row[0]: row for row in new_rows[1:] if row[0] in ids})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(new_rows[0])
    writer.writerows(row for _, row in sorted(rows.items()))
    return out.getvalue()


def _entry(system_id: str, key: str, settings: FactsSettings, recompute: bool) -> dict[str, Any]:
    from ..base import _api
    from ._validate import InvalidSystemError, validate_system, verdict

    system = _api.systems.get(system_id)()
    try:
        validate_system(system)
        entry = None if recompute else stored_facts(system, settings)
        entry = dict(entry) if entry is not None else compute_facts(system, settings)
        entry["verdict"] = str(verdict(entry))
    except (InvalidSystemError, FloatingPointError) as error:
        entry = {"id": system_id, "key": key, "verdict": f"FAIL: {error}"}
    print(
        f"{system_id}: λ_max {entry.get('max_lyapunov', float('nan')):.4g} "
        f"({entry.get('compute_seconds', 0):.0f} s) {entry['verdict']}",
        flush=True,
    )
    return entry


def _compute_in_processes(todo, jobs: int, timeout: float | None, table: Path) -> None:
    """One ``chaosbench systems --only ID`` process per system, ``jobs`` at a time."""
    import subprocess
    import sys

    queue = list(todo)
    running: dict[subprocess.Popen, tuple[str, str, float]] = {}
    while queue or running:
        while queue and len(running) < max(jobs, 1):
            system_id, key = queue.pop(0)
            command = ["systems", "--recompute", "--no-csv", "--table", str(table)]
            proc = subprocess.Popen(
                [sys.executable, "-m", "chaosbench", *command, "--only", system_id]
            )
            running[proc] = (system_id, key, time.monotonic())
        time.sleep(0.5)
        for proc, (system_id, key, started) in list(running.items()):
            if proc.poll() is not None:
                del running[proc]
            elif timeout and time.monotonic() - started > timeout:
                proc.kill()
                proc.wait()
                del running[proc]
                reason = f"FAIL: computing its facts took longer than {timeout:g} s"
                print(f"{system_id}: {reason}", flush=True)
                _update_table(table, {system_id: {"id": system_id, "key": key, "verdict": reason}})


def rekey(
    old_key: Callable[[AbstractSystem], str], *, table: Path = TABLE
) -> tuple[list[str], dict[str, str]]:
    """Carry table entries over to today's :func:`system_key` without recomputing them.

    For a change of the facts code (or of the key itself) that is proven not to change
    the numbers: ``old_key(system)`` must give the key that the code the entries were
    computed with gives ``system``. An entry is re-keyed only if its stored key equals
    it: proof that it was computed by that code with these settings; any other entry
    is left as it is (stale: ``make systems`` recomputes it).

    **Arguments:**

    - `old_key`: the previous key of a system.
    - `table`: the facts table.

    **Returns:**

    The ids re-keyed, and the others with the reason each was not.
    """
    from ..base import _api

    settings = FactsSettings()
    known = set(_api.list_systems())
    rekeyed, entries, left = [], {}, {}
    for system_id, entry in read_table(table).items():
        if system_id not in known:
            left[system_id] = "not a registered system"
            continue
        system = _api.systems.get(system_id)()
        new = system_key(system, settings)
        if entry.get("key") == new:
            left[system_id] = "already under today's key"
        elif entry.get("key") != old_key(system):
            left[system_id] = "its key is not the old key of today's system: stale"
        else:
            entries[system_id] = {**entry, "key": new}
            rekeyed.append(system_id)
    if entries:
        _update_table(table, entries)
    return rekeyed, left
