"""Storage of rows: one JSON file per cell, group locks, and merging output directories.

Each row is written atomically to ``OUT/cells/<run id>.json`` the moment its group is
scored, so an interrupted run keeps every finished cell. A group being worked on holds a
lock file under ``OUT/locks`` so that two runs on one directory never compute it twice.
A cell that a run's plan replaces — the same (task, system, forecaster, seed) under another
run id, because the code, a hyperparameter, the data or the protocol changed since it was
computed — is moved to ``OUT/superseded`` (:func:`set_aside_superseded`), so the tables
never mix a stale row with its replacement (re-scored external forecasts replace their
rows the same way, :func:`set_aside_replaced`); so are the rows of a system that the chaos
check has come to refuse (:func:`set_aside_left_out`). A cell counts as finished only when its file
holds a whole row with its run id and a status that is not a failure: failed cells
(error, timeout, oom) and torn or foreign files are recomputed. :func:`load_rows` reads an
output directory back as the rows its tables are made of.
"""

from __future__ import annotations

import errno
import json
import os
import platform
import threading
import warnings
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..base._cache import atomic_write_text
from ..base._spec import short_label
from ..numerics._rows import Row, is_failure, same_result
from ._plan import Cell, RunOptionsError

ID_COLUMNS = ["task", "system", "forecaster", "seed"]  # what a row is a cell of


class DamagedCellError(RunOptionsError):
    """A cell file that is not a whole row (torn write, foreign or edited file)."""


def cell_path(out: Path, cell: Cell) -> Path:
    return Path(out) / "cells" / f"{cell.run_id}.json"


def read_row(path: Path) -> dict:
    """The row in ``path``, or :class:`DamagedCellError` naming the file and the fix."""
    try:
        row = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise DamagedCellError(
            f"{path} is not a whole row ({error}); re-run the suite (or re-run that shard) "
            "into its --out: a re-run recomputes that cell"
        ) from None
    if not isinstance(row, dict) or row.get("run_id") != Path(path).stem:
        raise DamagedCellError(
            f"{path} is not a whole row (torn or foreign file: its run_id does not match its "
            "name); re-run the suite (or re-run that shard) into its --out: a re-run "
            "recomputes that cell"
        )
    return row


def stored_row(out: Path, cell: Cell) -> dict | None:
    """The whole row stored for ``cell``, or None (missing, torn or foreign)."""
    try:
        return read_row(cell_path(out, cell))
    except DamagedCellError:
        return None


def finished(out: Path, cell: Cell, *, keep_failures: bool = False) -> bool:
    """Whether ``cell`` has a whole row under ``out`` that need not be recomputed: a
    failed cell is not finished unless ``keep_failures``."""
    row = stored_row(out, cell)
    return row is not None and (keep_failures or not is_failure(row))


def check_output_dir(out: Path) -> None:
    """Create ``out/cells`` and check that it is writable, or raise with the fix."""
    try:
        (Path(out) / "cells").mkdir(parents=True, exist_ok=True)
        probe = Path(out) / "cells" / f".probe-{os.getpid()}"
        probe.write_text("ok")
        probe.unlink()
    except OSError as error:
        raise RunOptionsError(
            f"output directory {out} is not writable ({error.strerror or error}); choose "
            "another with --out or fix its permissions"
        ) from None


def _move_aside(out: Path, path: Path) -> bool:
    """Move the row file ``path`` to ``out/superseded``; False if another process of the
    same run (``--jobs``) moved it first."""
    aside = Path(out) / "superseded"
    aside.mkdir(exist_ok=True)
    try:
        os.replace(path, aside / path.name)
    except FileNotFoundError:
        return False
    return True


def _stored(out: Path):
    """(path, row) of every whole row under ``out/cells`` (torn or foreign files are left
    for the run to report)."""
    for path in sorted((Path(out) / "cells").glob("*.json")):
        try:
            yield path, read_row(path)
        except DamagedCellError:
            continue


def set_aside_superseded(out: Path, cells: Sequence[Cell]) -> int:
    """Move the rows under ``out/cells`` that ``cells`` replace (same task, system,
    forecaster and seed, another run id) to ``out/superseded``; return how many moved."""
    return set_aside_replaced(
        out, {(c.task, c.system_id, c.forecaster_id, c.seed): c.run_id for c in cells}
    )


def set_aside_replaced(out: Path, replacements: Mapping[tuple, str]) -> int:
    """Move the rows under ``out/cells`` of each (task, system, forecaster, seed) in
    ``replacements`` whose run id is not the one given there (the row replacing them) to
    ``out/superseded``; return how many moved. A run (:func:`set_aside_superseded`) and
    re-scored external forecasts (``chaosbench score``) replace stale rows this way."""
    ids = set(replacements.values())
    moved = 0
    for path, row in _stored(out):
        key = tuple(row.get(c) for c in ID_COLUMNS)
        if path.stem not in ids and key in replacements:
            moved += _move_aside(out, path)
    return moved


def set_aside_left_out(out: Path, system_ids: Collection[str]) -> dict[str, int]:
    """Move every row under ``out/cells`` of the systems ``system_ids`` (ones the chaos
    check now refuses: a row of such a system is no longer the suite's) to
    ``out/superseded``; return how many moved, by system."""
    moved: dict[str, int] = {}
    for path, row in _stored(out) if system_ids else ():
        if row.get("system") in system_ids and _move_aside(out, path):
            moved[row["system"]] = moved.get(row["system"], 0) + 1
    return moved


def write_rows(out: Path, rows: Sequence[Row | Mapping], stamp: Mapping[str, str]) -> None:
    """Write each row (with the stamp) atomically to ``out/cells/<its run id>.json``: its
    columns (:meth:`chaosbench.numerics._rows.Row.columns`), one JSON object."""
    for row in rows:
        columns = row.stamped(stamp).columns() if isinstance(row, Row) else {**row, **stamp}
        path = Path(out) / "cells" / f"{columns['run_id']}.json"
        atomic_write_text(path, json.dumps(columns, indent=1, default=float))


class Lock:
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


def merge(sources: Sequence[Path], out: Path) -> int:
    """Copy the rows of several runs' output directories into ``out``; returns rows added.

    Two rows with the same run id must agree apart from timing and stamp columns; a
    conflict raises rather than silently picking one. A failed row never replaces a
    finished one, and a finished row replaces a failed one.
    """
    check_output_dir(Path(out))
    added = 0
    for source in sources:
        files = sorted((Path(source) / "cells").glob("*.json"))
        if not files and not (Path(source) / "cells").is_dir():
            raise RunOptionsError(f"{source} has no cells/ directory: is it a run's --out?")
        for file in files:
            target = Path(out) / "cells" / file.name
            row = read_row(file)
            if target.exists():
                existing = read_row(target)
                if is_failure(existing) and not is_failure(row):
                    atomic_write_text(target, file.read_text())  # a finished row wins
                elif not is_failure(row) and not same_result(existing, row):
                    raise RunOptionsError(
                        f"conflicting rows for run id {file.stem} in {source} and {out}"
                    )
                continue
            atomic_write_text(target, file.read_text())
            added += 1
    return added


SESSIONS = "sessions.csv"
SESSION_COLUMNS = (
    "started",
    "wall_seconds",
    "jobs",
    "shard",
    "planned",
    "finished",
    "failed",
    "written",
    "git_commit",
    "chaosbench_version",
)


def log_session(out: Path, record: dict) -> Path:
    """Append one line per ``chaosbench run`` to ``out/sessions.csv``: when it started,
    its wall time, its processes and shard, and the planned, finished (not failed),
    failed and newly written cells after it. A suite run in several sittings (the
    catalogue, in shards across working sessions) adds up its wall time from here."""
    path = Path(out) / SESSIONS
    line = ",".join(str(record.get(c, "")) for c in SESSION_COLUMNS) + "\n"
    new = not path.exists()
    with open(path, "a") as f:
        if new:
            f.write(",".join(SESSION_COLUMNS) + "\n")
        f.write(line)
    return path


def count_cells(out: Path, cells: Sequence[Cell], since: float) -> dict[str, int]:
    """How many of ``cells`` under ``out`` are finished, failed, and written since the
    time stamp ``since`` (seconds since the epoch)."""
    counts = {"planned": len(cells), "finished": 0, "failed": 0, "written": 0}
    for cell in cells:
        row = stored_row(out, cell)
        if row is None:
            continue
        counts["failed" if is_failure(row) else "finished"] += 1
        counts["written"] += cell_path(out, cell).stat().st_mtime >= since
    return counts


# --------------------------------------------------------------------------- reading back


def load_rows(out: Path) -> pd.DataFrame:
    """All rows under ``out/cells`` as a data frame sorted by task, system, forecaster, seed."""
    files = sorted((Path(out) / "cells").glob("*.json"))
    if not files:
        raise FileNotFoundError(
            f"no results under {out}/cells: run `chaosbench run --out {out}` first"
        )
    rows = pd.DataFrame([read_row(f) for f in files])
    rows = _newest_protocol(rows, out)
    rows = _newest_versions(rows, out)
    _refuse_duplicates(rows, out)
    return rows.sort_values(ID_COLUMNS, kind="stable").reset_index(drop=True)


class DuplicateRowsError(ValueError):
    """Two rows for one (task, system, forecaster, seed): a stale one beside its update."""


def _refuse_duplicates(rows: pd.DataFrame, out: Path) -> None:
    """Refuse to aggregate two rows of one (task, system, forecaster, seed): they come from
    different code or hyperparameters under one name, and one of them is stale."""
    twice = rows[rows.duplicated(ID_COLUMNS, keep=False)]
    if twice.empty:
        return
    examples = "; ".join(
        f"{k[1]} × {k[2]} seed {k[3]} ({', '.join(g.run_id)})"
        for k, g in list(twice.groupby(ID_COLUMNS, sort=True))[:3]
    )
    raise DuplicateRowsError(
        f"{twice.groupby(ID_COLUMNS).ngroups} (task, system, forecaster, seed) have more "
        f"than one row under {out}/cells, e.g. {examples}: rows computed by different code "
        "or hyperparameters under one name. Re-run the suite into this --out (`chaosbench "
        "run` moves the rows its plan replaces to superseded/), or delete the stale cells"
    )


def _newest_protocol(rows: pd.DataFrame, out: Path) -> pd.DataFrame:
    """Only the rows of the newest protocol version under ``out`` (rows written before
    the column existed are version 1): results of different protocols are never mixed."""
    if "protocol_version" not in rows.columns:
        rows["protocol_version"] = 1
    version = rows["protocol_version"].fillna(1).astype(int)
    rows["protocol_version"] = version
    newest = int(version.max())
    old = int((version < newest).sum())
    if old:
        warnings.warn(
            f"{old} rows under {out}/cells come from an older protocol than v{newest} and are "
            "left out of the tables; delete them (or use a fresh --out) to silence this",
            stacklevel=3,
        )
    return rows[version == newest].copy()


ID_PARTS = ("forecaster", "system")


def _newest_versions(rows: pd.DataFrame, out: Path) -> pd.DataFrame:
    """Only the rows of the newest version of each forecaster and each system under
    ``out``: a superseded version (``alrnn-v2`` once ``alrnn-v3`` has rows) is no longer
    what its name means, and ranking both would count one method twice."""
    keep = np.ones(len(rows), dtype=bool)
    for column in ID_PARTS:
        versions = f"{column}_version"
        if versions not in rows.columns:
            continue
        name = rows[column].map(short_label)  # esn-v2[size=8] → esn[size=8]; tuned(...)
        version = rows[versions].astype(int)
        keep &= (version == version.groupby(name).transform("max")).to_numpy()
    if old := int((~keep).sum()):
        superseded = sorted(
            set().union(*(set(rows.loc[~keep, c]) - set(rows.loc[keep, c]) for c in ID_PARTS))
        )
        warnings.warn(
            f"{old} rows under {out}/cells come from superseded versions "
            f"({', '.join(superseded)}) and are left out of the tables; delete them (or use "
            "a fresh --out) to silence this",
            stacklevel=3,
        )
    return rows[keep].copy()
