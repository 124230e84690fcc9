"""Pre-flight of the curve suites (or any suites): the projected wall time on this machine.

The curve suites (``chaosbench/data/suites/curves_*.toml``: data efficiency, noise, one
observed variable, context length) run every forecaster they name on the core suite's
systems with 3 seeds. Before running them, this script runs a few of their cells (one
seed) on 3 sample systems and projects each curve's wall time, so that the grid can be
sized to the budget (about 4 h on 2 cores):

1. it measures on each sample system, after a warm-up: the time to integrate a dataset
   at the shortest, the rich and the longest training length, and to compute the
   one-coordinate truth floors (both uncached); then, for each forecaster, the wall
   time of one seed's cell on the cached dataset (fit, forecasts, scores:
   ``execute_group``, as the runner runs it) and the compile seconds in it, at the
   measured points: by default each curve's two ends and ``rich`` (``--points all``:
   every point);
2. it projects every pending (system, forecaster, task) group of the curve suites: each
   core system takes the costs of the sample system nearest to it (log λ_max · period,
   then dimension); a group costs its compile once and its per-seed time per seed (a
   forecaster whose seeds share one fit program, ``Protocol.fit_slots``, pays its fit
   once per program: the measured seed-0 cell already ran the whole program); a
   point between two measured ones is interpolated linearly in its training or context
   steps (resolved for that system: a 150 t_λ task is 230,000 steps on ``nose_hoover``,
   7,400 on ``lorenz96``) or its noise level; a refused cell costs nothing; each
   dataset the cache lacks (one per system, training length, context and seed) and
   each system's floors are counted once, as ``(datasets)`` and ``(floors)``;
3. it prints per curve the pending groups, CPU hours and wall hours at ``--jobs``
   processes, the most expensive forecasters, and the total against ``--budget-hours``.

A group shared by two curves (``rich`` is a point of the noise, observed and context
curves) is counted once, in the first. With ``--out DIR`` (where the curves will run)
cells already finished there are not projected, and the pre-flight's own cells (real
cells: seed 0 of the suites, the same run ids) are written there, so they are not
computed twice. The sample systems and measured points are printed with their times.

Run (it takes tens of minutes on 2 cores; narrow it with ``--forecasters``)::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/curves_preflight.py --out results/curves

``--suites`` projects other suites the same way, e.g. the catalogue's final run (issue 32:
one sample system per observed-dimension bin, a delay system, Kuramoto–Sivashinsky and a
slow-chaos system; 6 h on 2 cores)::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/curves_preflight.py --suites catalogue \
        zero_shot --systems lorenz63 hyper_rossler lorenz96 mackey_glass \
        kuramoto_sivashinsky nose_hoover --budget-hours 6
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

import chaosbench as cb
from chaosbench.catalogue._coordinate_floors import _key as _floor_key
from chaosbench.catalogue._coordinate_floors import (
    compute_coordinate_floors,
    floors_path,
    observed_facts,
)
from chaosbench.catalogue._facts import FactsSettings
from chaosbench.harness import _runner
from chaosbench.harness._execute import execute_group
from chaosbench.harness._plan import plan
from chaosbench.harness._store import check_output_dir, stored_row, write_rows
from chaosbench.harness._suite import SUITES, Suite
from chaosbench.numerics._dataset import _path, generate, make_dataset
from chaosbench.numerics._rows import is_failure
from chaosbench.numerics._task import get_task, observed_coordinate

CURVES = ("curves_data", "curves_noise", "curves_observed", "curves_context")
SAMPLES = ("lorenz63", "nose_hoover", "lorenz96")  # typical; slowest chaos; dimension 10


def _size(protocol, task: str, facts: dict, curve: str) -> float:
    """What a point's cost grows with on its curve: training or context steps, or noise."""
    resolved = protocol.resolve(task, facts)
    if curve == "curves_context":
        return float(resolved.context)
    if curve == "curves_noise":
        return float(resolved.noise)
    return float(resolved.n_train)


def measured_points(suite: Suite, facts: dict, points: str) -> list[str]:
    """The tasks of ``suite`` to measure: all, or its two ends (by their size on a sample
    system) and ``rich``."""
    if points == "all":
        return list(suite.tasks)
    ordered = sorted(suite.tasks, key=lambda t: _size(suite.protocol, t, facts, suite.name))
    ends = [ordered[0], ordered[-1]] + (["rich"] if "rich" in suite.tasks else [])
    return list(dict.fromkeys(ends))


def measure(suite, system, forecaster, task, facts, out, log) -> tuple[float, float, str, float]:
    """``(wall, compile, status, fit)`` of seed 0 of one cell, as the runner computes it
    (``fit``: the row's fit seconds; for a forecaster fitted in slots, the whole
    ``Protocol.fit_slots``-slot program, which fits up to that many seeds at once)."""
    one = Suite("preflight", (system,), (forecaster,), tasks=(task,), seeds=1)
    cells = plan(one)
    start = time.perf_counter()
    (row,) = execute_group(one, cells, facts)
    wall = time.perf_counter() - start
    if out is not None and row["status"] != "error" and system in plan_systems(suite):
        write_rows(out, [row], _runner.stamp(suite))  # a real cell of the suite: kept
    compiled = float(row["compile_seconds"] or 0.0)
    what = f"({compiled:.1f} compiling; {row['status']})"
    log(f"  {system:>14} {forecaster:>14} {task:>30}: {wall:6.1f} s {what}")
    return wall, compiled, row["status"], float(row["fit_seconds"] or 0.0)


def data_seconds(protocol, system_id: str, facts: dict, task: str) -> float:
    """Seconds to integrate seed 0's dataset of ``task`` (uncached: what the real run pays
    per seed where the cache lacks it); the dataset is then cached for the cells."""
    spec = protocol.dataset_spec(cb.get_system(system_id), facts, task, 0)
    full = dataclasses.replace(spec, observed=None)  # one variable: the full one's projection
    start = time.perf_counter()
    generate(full)
    seconds = time.perf_counter() - start
    make_dataset(spec)
    return seconds


def floor_seconds(system_id: str, facts: dict) -> float:
    """Seconds to compute a system's one-coordinate truth floors (once per system)."""
    system = cb.get_system(system_id)
    start = time.perf_counter()
    compute_coordinate_floors(system, facts, [observed_coordinate(facts)])
    seconds = time.perf_counter() - start
    observed_facts(system, facts, (observed_coordinate(facts),))  # cached for the cells
    return seconds


def nearest_sample(facts: dict, samples: dict[str, dict]) -> str:
    """The sample system whose (log λ_max · period, dimension) is nearest ``facts``'."""

    def key(f):
        return (math.log(max(f["max_lyapunov"] * f["period"], 1e-6)), math.log(f["dimension"]))

    here = np.asarray(key(facts))
    return min(samples, key=lambda s: float(np.sum((np.asarray(key(samples[s])) - here) ** 2)))


def interpolate(sizes: dict[str, float], costs: dict[str, float], size: float) -> float:
    """A cost at ``size`` from the measured (size, cost) pairs: linear between the two
    nearest, and beyond them along the line through the two outermost (never below 0)."""
    pairs = sorted((sizes[t], costs[t]) for t in costs)
    xs, ys = np.asarray([p[0] for p in pairs]), np.asarray([p[1] for p in pairs])
    if xs[0] <= size <= xs[-1] or xs[-1] == xs[0]:
        return float(np.interp(size, xs, ys))
    slope = (ys[-1] - ys[0]) / (xs[-1] - xs[0])
    return float(max(0.0, ys[0] + slope * (size - xs[0])))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suites", nargs="+", default=list(CURVES), help="suites to project")
    parser.add_argument("--systems", nargs="+", default=list(SAMPLES), help="sample systems")
    parser.add_argument("--forecasters", nargs="+", help="measure only these (specs as named)")
    parser.add_argument("--points", choices=("ends", "all"), default="ends")
    parser.add_argument("--jobs", type=int, default=2, help="processes of the real run")
    parser.add_argument("--budget-hours", type=float, default=4.0)
    parser.add_argument("--out", type=Path, help="the curves' output directory")
    args = parser.parse_args(argv)
    cb.configure()
    cb.load_plugins()
    cb.enable_compilation_cache()
    suites = [SUITES[name] for name in args.suites]
    if args.out is not None:
        check_output_dir(args.out)
    samples = {cb.get_system(s).id: s for s in args.systems}
    sample_facts = _runner.check_systems(list(samples), log=print)
    core = [s for s in dict.fromkeys(x for suite in suites for x in plan_systems(suite))]
    core_facts = _runner.check_systems(core, strict=False, log=lambda message: None)

    # 1. measure, after a warm-up per sample system (tracing the dataset and the metrics:
    #    once per process in the real run, not once per cell)
    for sample in sample_facts:
        print(f"warm-up on {sample} (not counted)")
        measure(suites[0], sample, "persistence", "rich", sample_facts[sample], None, print)
        data_seconds(suites[0].protocol, sample, sample_facts[sample], "rich")  # its tracing
    protocol = suites[0].protocol
    tasks = list(dict.fromkeys(t for suite in suites for t in suite.tasks))
    data_cost: dict = {}  # sample -> {training steps: seconds of one dataset}
    floor_cost: dict = {}  # sample -> seconds of its one-coordinate floors
    for sample, facts in sample_facts.items():
        ends = sorted({protocol.resolve(t, facts).n_train for t in tasks})
        for task in tasks:  # the datasets of the shortest, the rich and the longest length
            n = protocol.resolve(task, facts).n_train
            if n in (ends[0], ends[-1], 10_000) and n not in data_cost.get(sample, {}):
                data_cost.setdefault(sample, {})[n] = data_seconds(protocol, sample, facts, task)
                print(f"  {sample:>14} dataset of {n} training steps: {data_cost[sample][n]:.1f} s")
            system = cb.get_system(sample)
            make_dataset(protocol.dataset_spec(system, facts, task, 0))  # not in the cells' time
        if any(get_task(t).observe == "one" for t in tasks):
            floor_cost[sample] = floor_seconds(sample, facts)
            print(f"  {sample:>14} one-coordinate floors: {floor_cost[sample]:.1f} s")
    # (curve, sample, forecaster, task) -> (per-seed seconds, compile, fit program seconds)
    cost: dict = {}
    for suite in suites:
        named = list(dict.fromkeys(c.forecaster_id for c in plan(suite)))  # "all" expanded
        forecasters = [f for f in named if _wanted(f, args.forecasters)]
        print(f"{suite.name}: measuring {', '.join(forecasters)}")
        for sample in sample_facts:
            points = measured_points(suite, sample_facts[sample], args.points)
            for forecaster in forecasters:
                for task in points:
                    found = _known(cost, sample, forecaster, task)
                    if found is None:
                        wall, compiled, status, fit = measure(
                            suite, sample, forecaster, task, sample_facts[sample], args.out, print
                        )
                        run = wall - compiled  # the fit's own compiling is in `compiled`
                        found = (0.0,) * 3 if status == "refused" else (run, compiled, fit)
                    cost[(suite.name, sample, forecaster, task)] = found

    # 2. project the pending groups, each once
    seen: set[tuple] = set()
    cpu = defaultdict(float)
    per_forecaster = defaultdict(float)
    groups = defaultdict(int)
    for suite in suites:
        pending = defaultdict(int)
        for cell in plan(suite):
            if not _wanted(cell.forecaster_id, args.forecasters, resolved=True):
                continue
            if args.out is not None and _finished(args.out, cell):
                continue
            pending[cell.group] += 1
        for (system, task, forecaster), seeds in pending.items():
            if (system, task, forecaster) in seen:
                continue
            seen.add((system, task, forecaster))
            facts = core_facts.get(system)
            if facts is None:
                continue
            sample = nearest_sample(facts, sample_facts)
            name = forecaster  # measured under the plan's labels too
            key = (suite.name, sample, name)
            mine = {t: c for (cv, s, f, t), c in cost.items() if (cv, s, f) == key}
            if not mine:
                continue
            fixed = suite.protocol
            sizes = {t: _size(fixed, t, sample_facts[sample], suite.name) for t in mine}
            if len(set(sizes.values())) < 2:  # one/all observed: the same steps
                per_seed, compiled, fit = mine.get(task, next(iter(mine.values())))
            else:  # cost against this system's own steps (or noise level)
                size = _size(fixed, task, facts, suite.name)
                per_seed, compiled, fit = (
                    interpolate(sizes, {t: c[i] for t, c in mine.items()}, size) for i in range(3)
                )
            seconds = compiled + seeds * per_seed
            if _slotted(name):
                # one program fits up to fit_slots seeds: its (compile-free) time once per
                # program, not per seed
                fit_run = max(0.0, min(fit - compiled, per_seed))
                programs = math.ceil(seeds / fixed.fit_slots)
                seconds -= (seeds - programs) * fit_run
            cpu[suite.name] += seconds
            per_forecaster[(suite.name, name)] += seconds
            groups[suite.name] += 1

    # datasets (each full spec once, unless cached) and one-coordinate floors (per system)
    made: set[str] = set()
    for suite in suites:
        for cell in plan(suite):
            facts = core_facts.get(cell.system_id)
            if facts is None:
                continue
            spec = protocol.dataset_spec(cb.get_system(cell.system_id), facts, cell.task, cell.seed)
            full = dataclasses.replace(spec, observed=None)
            if full.hash in made or _path(full).exists():
                continue
            made.add(full.hash)
            sample = nearest_sample(facts, sample_facts)
            sizes = {str(n): float(n) for n in data_cost[sample]}
            seconds = {str(n): t for n, t in data_cost[sample].items()}
            made_in = interpolate(sizes, seconds, float(spec.n_train))
            cpu[suite.name] += made_in
            per_forecaster[(suite.name, "(datasets)")] += made_in
        for system_id in {c.system_id for c in plan(suite) if get_task(c.task).observe == "one"}:
            facts = core_facts.get(system_id)
            if facts is None or system_id in made:
                continue
            made.add(system_id)
            coordinates = [observed_coordinate(facts)]
            cached = floors_path(system_id, _floor_key(facts, coordinates, FactsSettings()))
            if not cached.exists():
                seconds = floor_cost.get(nearest_sample(facts, sample_facts), 0.0)
                cpu[suite.name] += seconds
                per_forecaster[(suite.name, "(floors)")] += seconds

    # 3. report
    print(f"\nprojection on this machine, {args.jobs} processes (wall = CPU / jobs):")
    total = 0.0
    for suite in suites:
        hours = cpu[suite.name] / 3600
        total += hours
        tasks = ", ".join(suite.tasks)
        print(
            f"{suite.name:>16}: {groups[suite.name]:4d} groups pending, {hours:6.2f} CPU h, "
            f"{hours / args.jobs:6.2f} h wall  [{tasks}]"
        )
        top = sorted(
            ((s, f) for (c, f), s in per_forecaster.items() if c == suite.name), reverse=True
        )[:4]
        print("                  most: " + ", ".join(f"{f} {s / 3600:.2f} h" for s, f in top))
    wall = total / args.jobs
    verdict = "fits" if wall <= args.budget_hours else "exceeds"
    budget = f"{args.budget_hours:g} h budget"
    print(f"\ntotal: {total:.2f} CPU h, {wall:.2f} h wall: {verdict} the {budget}")
    if wall > args.budget_hours:
        print(
            "to fit: fewer forecasters in the curve suites (the costliest above), fewer or "
            "shorter training lengths (the longest dominate on slow-chaos systems), fewer "
            "noise levels, or --jobs matching the cores"
        )
    return 0


def plan_systems(suite: Suite) -> list[str]:
    return list(dict.fromkeys(c.system_id for c in plan(suite)))


def _wanted(spec: str, wanted: list[str] | None, resolved: bool = False) -> bool:
    if not wanted:
        return True
    labels = {str(cb.ForecasterSpec.parse(w).resolve()) for w in wanted}
    names = set(wanted)
    if resolved:
        return spec in labels
    return spec in names or str(cb.ForecasterSpec.parse(spec).resolve()) in labels


def _slotted(label: str) -> bool:
    """Whether the runner fits this forecaster's seeds together (``fit_slots``; a tuned
    spec's seeds tune one at a time)."""
    spec = cb.ForecasterSpec.parse(label)
    return not spec.tuned and type(spec.base.build()).vmappable_fit


def _known(cost: dict, sample: str, forecaster: str, task: str):
    """A measurement already made by another curve (``rich`` is on three)."""
    for (_, s, f, t), value in cost.items():
        if (s, f, t) == (sample, forecaster, task):
            return value
    return None


def _finished(out: Path, cell) -> bool:
    row = stored_row(out, cell)
    return row is not None and not is_failure(row)


if __name__ == "__main__":
    raise SystemExit(main())
