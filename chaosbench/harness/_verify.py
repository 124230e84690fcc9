"""Does this machine reproduce a results folder? Recompute a sample of its cells and compare.

:func:`verify` reads the committed rows of a results folder (``DIR/cells`` where it holds
rows, else ``DIR/runs.csv``), draws a deterministic sample of its ``ok`` native rows
(:func:`sample_rows`), recomputes exactly those cells with this checkout's code into a
scratch directory (never into ``DIR``) and compares every registered metric:

- A row is matched to today's plan by its run id: the suite named in its stamp is planned
  with today's code (narrowed to the sampled systems, forecasters, tasks and seeds). A row
  whose run id is not in that plan was made by other code (another commit, edited
  hyperparameters, another protocol): it is reported *stale*, with its ``git_commit``.
- The matched cells are computed group by group as the runner computes them
  (:func:`~chaosbench.harness._execute.execute_group`: data, fit, forecast, score; the
  harness fits seeds one at a time, so a seed computed alone gives the bits it gives
  beside the others) and written to the scratch directory with today's stamp.
- Each metric agrees *identically* (bit for bit from ``cells/``; NaN equals NaN and ∞
  equals ∞) or differs by ``|new − committed|``, measured against the seed-to-seed spread
  of that cell in the committed rows: ``max − min`` over the seeds' finite values of the
  same (task, system, forecaster, metric). With fewer than two finite seed values or no
  spread, a difference has no scale and counts as beyond the tolerance.

``runs.csv`` keeps 6 significant digits (:data:`CSV_FLOAT_FORMAT`, the leaderboard's
format), so when the rows come from it, *identical* means equal to those digits (the new
value is rounded the same way); only ``cells/`` allows a bit-for-bit check.

The verdict: every row of a forecaster in :data:`EXACT` must agree identically on every
metric (a row made on another CPU model than this one: within :data:`ROUNDING` seed
spreads); every other row must lie within :data:`TOLERANCE` seed spreads on every metric;
no sampled row may be stale or fail to recompute. :attr:`Report.ok` says whether all holds.
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
import tempfile
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

import pandas as pd

from .._version import __version__
from ..base import _api
from ..base._cache import enable_compilation_cache
from ..base._identity import hyperparameters
from ..base._spec import ForecasterSpec, registered_label
from ..numerics._rows import OK, metric_columns
from ..numerics._task import is_task
from ._execute import execute_group
from ._plan import Cell, RunOptionsError, plan
from ._runner import check_systems, stamp
from ._stack import cpu_description
from ._store import read_row, write_rows
from ._suite import SUITES, Suite
from ._verify_compare import (
    EXACT,
    KEY,
    ROUNDING,
    TOLERANCE,
    _without_values,
    bare,
    compare,
)
from ._verify_report import Comparison, Report, stamp_differences

DEFAULT_SAMPLE = 16
# How runs.csv writes floats (chaosbench.reporting._leaderboard.FLOAT_FORMAT; a test keeps
# the two equal): rows read from it are compared at this precision.
CSV_FLOAT_FORMAT = "%.6g"


# --------------------------------------------------------------------------- reading


def _from_csv(path: Path) -> list[dict]:
    """The rows of a ``runs.csv``, every column read as text first (run ids and commits
    are hex strings that a type guess would turn into numbers), then typed."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    metrics = metric_columns(list(frame.columns))
    rows = []
    for record in frame.to_dict("records"):
        record["seed"] = int(record["seed"])
        record["external"] = record.get("external", "False") == "True"
        for column in metrics:
            record[column] = float(record[column]) if record[column] != "" else math.nan
        rows.append(record)
    return rows


def read_committed(out: Path) -> tuple[list[dict], Path, str | None]:
    """The rows of the results folder ``out``, where they came from, and the precision
    they keep (None: every bit, from ``cells/``; else the ``runs.csv`` float format)."""
    files = sorted((Path(out) / "cells").glob("*.json"))
    if files:
        return [read_row(f) for f in files], Path(out) / "cells", None
    if (Path(out) / "runs.csv").exists():
        return _from_csv(Path(out) / "runs.csv"), Path(out) / "runs.csv", CSV_FLOAT_FORMAT
    raise FileNotFoundError(f"no rows under {out}: neither cells/*.json nor runs.csv")


def _matches(id_: str, wanted: Sequence[str] | None) -> bool:
    return not wanted or id_ in wanted or bare(id_) in wanted


def sample_rows(
    rows: Sequence[dict],
    n: int = DEFAULT_SAMPLE,
    *,
    seed: int = 0,
    systems: Sequence[str] | None = None,
    forecasters: Sequence[str] | None = None,
    skip: Collection[str] = (),
) -> list[dict]:
    """A deterministic sample of ``n`` of the ``ok`` native rows (``systems`` and
    ``forecasters`` filter them by id or bare name; the forecasters in ``skip``, those
    that cannot run here, are left out), spread over forecasters, then systems.

    The forecasters take turns (in an order shuffled by ``seed``); each gives its next row,
    taken round-robin over its systems (each forecaster's systems and each system's rows
    shuffled by ``seed``). The same rows and ``seed`` give the same sample anywhere.
    """
    if n < 1:
        raise RunOptionsError(f"--sample must be a positive integer, got {n}")
    rng = random.Random(seed)
    pool: dict[str, dict[str, list[dict]]] = {}
    for row in sorted(rows, key=lambda r: tuple(str(r[k]) for k in KEY)):
        if row.get("status") != OK or row.get("external") or row["forecaster"] in skip:
            continue
        if _matches(row["system"], systems) and _matches(row["forecaster"], forecasters):
            pool.setdefault(row["forecaster"], {}).setdefault(row["system"], []).append(row)
    queues = {}
    for forecaster, by_system in sorted(pool.items()):
        order = sorted(by_system)
        rng.shuffle(order)
        for system in order:
            rng.shuffle(by_system[system])
        queue = []
        while any(by_system.values()):
            queue += [by_system[s].pop(0) for s in order if by_system[s]]
        queues[forecaster] = queue
    turns = sorted(queues)
    rng.shuffle(turns)
    picked: list[dict] = []
    while len(picked) < n and any(queues.values()):
        picked += [queues[f].pop(0) for f in turns if queues[f]][: n - len(picked)]
    return picked


def seed_spreads(rows: Sequence[dict], metrics: Sequence[str]) -> dict[tuple, float]:
    """``max − min`` over the seeds' finite values of each (task, system, forecaster,
    metric) of the ``ok`` native ``rows``; NaN where fewer than two are finite."""
    values: dict[tuple, list[float]] = {}
    for row in rows:
        if row.get("status") != OK or row.get("external"):
            continue
        for metric in metrics:
            value = float(row.get(metric, math.nan))
            if math.isfinite(value):
                key = (row["task"], row["system"], row["forecaster"], metric)
                values.setdefault(key, []).append(value)
    return {k: max(v) - min(v) if len(v) > 1 else math.nan for k, v in values.items()}


# --------------------------------------------------------------------------- recomputing


def suites_of(rows: Sequence[dict], suite: Suite | None = None) -> dict[str, list[dict]]:
    """``rows`` by the suite their stamp names (all under ``suite`` if given); refuses a
    suite that is not in ``SUITES``."""
    by_suite: dict[str, list[dict]] = {}
    for row in rows:
        name = suite.name if suite is not None else str(row.get("suite") or "")
        by_suite.setdefault(name, []).append(row)
    unknown = sorted(set(by_suite) - set(SUITES)) if suite is None else []
    if unknown:
        raise RunOptionsError(
            f"the rows name the suite(s) {', '.join(repr(n) for n in unknown)} in their "
            f"stamp; known suites: {', '.join(SUITES)} (pass --suite NAME to plan with one)"
        )
    return by_suite


def match_plan(rows: Sequence[dict], suite: Suite) -> tuple[Suite, dict[str, Cell]]:
    """``suite`` narrowed to the sampled systems, forecasters, tasks and seeds (those
    registered today), and its planned cells by run id."""
    systems = sorted({r["system"] for r in rows if r["system"] in set(_api.systems.ids())})
    forecasters = sorted({r["forecaster"] for r in rows if registered_label(r["forecaster"])})
    tasks = sorted({r["task"] for r in rows if is_task(r["task"])})
    if not (systems and forecasters and tasks):
        return suite, {}
    narrow = dataclasses.replace(
        suite,
        systems=tuple(systems),
        forecasters=tuple(forecasters),
        tasks=tuple(tasks),
        seeds=max(int(r["seed"]) for r in rows) + 1,
    )
    return narrow, {c.run_id: c for c in plan(narrow)}


def recompute(
    suite: Suite, cells: Sequence[Cell], scratch: Path, log: Callable[[str], None] = print
) -> tuple[dict[str, dict], dict[str, str]]:
    """Compute ``cells`` into ``scratch/cells`` as the runner does; return the new rows by
    run id (read back from their files) and, by run id, why a cell has none."""
    enable_compilation_cache()
    facts = check_systems(sorted({c.system_id for c in cells}), strict=False, log=log)
    groups: dict[tuple, list[Cell]] = {}
    missing = {}
    for cell in cells:
        if cell.system_id in facts:
            groups.setdefault(cell.group, []).append(cell)
        else:
            missing[cell.run_id] = f"system {cell.system_id} no longer passes the chaos check"
    run_stamp = stamp(suite)
    for (system, task, forecaster), group in groups.items():
        log(f"recomputing {system} × {forecaster} ({task}, seeds {[c.seed for c in group]})")
        write_rows(scratch, execute_group(suite, group, facts[system]), run_stamp)
    new = {}
    for group in groups.values():
        for cell in group:
            new[cell.run_id] = read_row(Path(scratch) / "cells" / f"{cell.run_id}.json")
    return new, missing


# --------------------------------------------------------------------------- stale rows


def _why_stale(row: dict, suite: Suite | None) -> str:
    """What of a stale row's identity visibly differs from today's (else: code)."""
    forecaster, system = row["forecaster"], row["system"]
    if not registered_label(forecaster):
        return f"{forecaster} is not registered today"
    if system not in set(_api.systems.ids()):
        return f"{system} is not registered today"
    reasons = []
    if str(row.get("chaosbench_version") or __version__) != __version__:
        reasons.append(f"chaosbench {row['chaosbench_version']} (today {__version__})")
    if suite is not None and int(row.get("protocol_version", 0)) != suite.protocol.version:
        reasons.append(f"protocol v{row['protocol_version']} (today v{suite.protocol.version})")
    spec = ForecasterSpec.parse(forecaster)  # a tuned row holds the tuner's choice
    today = json.loads(json.dumps(hyperparameters(spec.base.build()), sort_keys=True))
    if not spec.tuned and json.loads(row.get("hyperparameters") or "{}") != today:
        reasons.append(f"{forecaster}'s hyperparameters differ from today's")
    return "; ".join(reasons) or f"the code of {forecaster} or of {system} (or its facts) differs"


def unavailable_here(rows: Sequence[dict]) -> dict[str, str]:
    """The forecasters of the ``ok`` native ``rows`` that cannot run on this machine (a
    pretrained model without its weights file), with why and the fix
    (:meth:`~chaosbench.base._forecaster.Forecaster.unavailable`): their rows cannot be
    recomputed here, so they are not sampled, and the report says so."""
    out = {}
    labels = {r["forecaster"] for r in rows if r.get("status") == OK and not r.get("external")}
    for label in sorted(labels):
        if not registered_label(label):
            continue  # reported stale if sampled
        reason = ForecasterSpec.parse(label).base.build().unavailable()
        if reason:
            out[label] = reason
    return out


def stale(row: dict, suite: Suite | None = None) -> Comparison:
    """A sampled row that today's plan (of ``suite``) does not contain."""
    commit = row.get("git_commit") or "unknown"
    note = (
        f"stale: made by code other than this checkout's (commit {commit}: "
        f"{_why_stale(row, suite)}); check out that commit (git checkout "
        f"{commit.removesuffix('-dirty')}) and verify there, or re-run the suite to "
        "refresh the rows"
    )
    return _without_values(row, "stale", note)


def verify(
    out: Path,
    *,
    sample: int = DEFAULT_SAMPLE,
    systems: Sequence[str] | None = None,
    forecasters: Sequence[str] | None = None,
    seed: int = 0,
    scratch: Path | None = None,
    suite: Suite | None = None,
    log: Callable[[str], None] = print,
) -> Report:
    """Recompute a sample of the committed cells of ``out`` on this machine and compare.

    **Arguments:**

    - `out`: the results folder (read only).
    - `sample`: how many rows; `seed` draws them (:func:`sample_rows`); `systems`,
      `forecasters`: only these (ids or bare names).
    - `scratch`: where the recomputed rows and ``verify.csv`` go (default: a new
      temporary directory); never ``out`` or inside it.
    - `suite`: plan with this suite (default: the one the rows' stamp names, from
      ``SUITES``).

    **Returns:** the :class:`Report` (also written to ``scratch/verify.csv``).
    """
    out = Path(out)
    rows, source, precision = read_committed(out)
    absent = unavailable_here(rows)
    picked = sample_rows(
        rows, sample, seed=seed, systems=systems, forecasters=forecasters, skip=absent
    )
    if not picked:
        asked = [f for f in absent if _matches(f, forecasters)] if forecasters else []
        why = "".join(f"; {f} cannot run on this machine: {absent[f]}" for f in asked)
        raise RunOptionsError(f"no ok native rows under {source} match the filters{why}")
    scratch = Path(scratch) if scratch else Path(tempfile.mkdtemp(prefix="chaosbench-verify-"))
    if scratch.resolve() == out.resolve() or out.resolve() in scratch.resolve().parents:
        raise RunOptionsError(f"--scratch {scratch} is inside the results folder {out}")
    (scratch / "cells").mkdir(parents=True, exist_ok=True)
    planned: dict[str, Cell] = {}
    new: dict[str, dict] = {}
    missing: dict[str, str] = {}
    for name, rows_of_suite in suites_of(picked, suite).items():
        narrow, cells = match_plan(rows_of_suite, suite or SUITES[name])
        matched = [cells[r["run_id"]] for r in rows_of_suite if r["run_id"] in cells]
        commits = ", ".join(sorted({str(r.get("git_commit") or "unknown") for r in rows_of_suite}))
        log(
            f"verifying {len(rows_of_suite)} rows of {source} made at commit {commits} "
            f"({len(matched)} in today's plan of suite {narrow.name}); recomputing them "
            f"into {scratch}"
        )
        found, lacking = recompute(narrow, matched, scratch, log) if matched else ({}, {})
        planned |= {c.run_id: c for c in matched}
        new |= found
        missing |= lacking
    metrics = metric_columns(list(dict.fromkeys(c for row in rows for c in row)))
    spreads = seed_spreads(rows, metrics)
    comparisons = []
    here = cpu_description()
    other_cpu = {row["run_id"]: row.get("cpu") != here for row in picked}
    for row in picked:
        if row["run_id"] not in planned:
            comparisons.append(stale(row, suite or SUITES.get(str(row.get("suite")))))
        elif row["run_id"] in missing:
            comparisons.append(_without_values(row, "failed", missing[row["run_id"]]))
        else:
            comparisons += compare(
                row, new[row["run_id"]], spreads, metrics, precision,
                other_cpu=other_cpu[row["run_id"]],
            )  # fmt: skip
    stamps = stamp_differences([r for r in picked if r["run_id"] in new], list(new.values()))
    rounding = ROUNDING if any(other_cpu[r] for r in new) else None
    skipped = {
        f: (sum(r["forecaster"] == f and r.get("status") == OK for r in rows), why)
        for f, why in absent.items()
        if _matches(f, forecasters)
    }
    report = Report(
        comparisons, source, precision, scratch, EXACT, TOLERANCE, stamps, rounding, skipped
    )
    report.write_csv()
    return report
