"""A small results directory for the web page's tests (pytest and ``tests/browser``).

Two tasks, three systems (two registered: ``lorenz63-v1`` with observed dimension 3 and
``lorenz96-v1`` with 10; one unknown, ``toy-v1``), three forecasters, two seeds. VPT per
seed in task ``rich``:

| system      | a    | b    | c                  |
| ----------- | ---- | ---- | ------------------ |
| lorenz63-v1 | 1, 3 | 2, 2 | 0 (timeout), 4     |
| lorenz96-v1 | 5, 7 | 1, 1 | 0 (error), 0 (err) |
| toy-v1      | 2, 2 | 4, 6 | 1, 1               |

Per-system medians: a 2, 6, 2; b 2, 1, 5; c 2, 0, 1. Median over systems: a 2, b 2, c 1.
Task ``limited`` has the same rows with every VPT halved. Only ``lorenz63-v1`` gets a
figure file (``figures/error_growth_lorenz63.png``).

With ``tracks=True`` (:func:`write_cells`) the other tracks join, leaving the rows above
as they are: ``tuned(a-v1)`` (every VPT of ``a`` plus 1 in ``rich``, plus 0.5 in
``limited``; 10 search seconds per cell; hyperparameters other than ``a``'s: a gain of 1 in
``rich``, defaults 2, tuned 3, no cell kept at the defaults) and
the zero-shot ``dynamix-v1`` (VPT 1 everywhere; refused on ``lorenz96-v1``, ten observed
variables, and alone on a fourth system, ``rossler-v1``, which was in its pretraining
corpus). With ``tasks=("rich",)`` no curve has two points.

Every ``ok`` row's free run is on the attractor (D_stsp seed + 1, normalised 2 × (seed +
1)) except ``toy-v1``/``b`` seed 1's, off it. Per-system normalised D_stsp medians over
the runs on the attractor: a 3, 3, 3; b 3, 3, 2; c 4 (seed 1 only), none (both failed),
3. Median over systems: a 3, b 3, c 3.5. On/off/diverged: a 6/0/0, b 5/1/0, c 3/0/0.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from helpers import make_row

VPT = {
    ("lorenz63-v1", "a"): [1, 3],
    ("lorenz63-v1", "b"): [2, 2],
    ("lorenz63-v1", "c"): [0, 4],
    ("lorenz96-v1", "a"): [5, 7],
    ("lorenz96-v1", "b"): [1, 1],
    ("lorenz96-v1", "c"): [0, 0],
    ("toy-v1", "a"): [2, 2],
    ("toy-v1", "b"): [4, 6],
    ("toy-v1", "c"): [1, 1],
}
STATUS = {("lorenz63-v1", "c"): ["timeout", "ok"], ("lorenz96-v1", "c"): ["error", "error"]}
OFF_ATTRACTOR = {("toy-v1", "b", 1)}
STAMP = {
    "chaosbench_version": "0.1.0",
    "git_commit": "abc123",
    "suite": "web-fixture",
    "suite_hash": "feed",
    "jax_version": "0.0.1",
    "device": "cpu:cpu",
    "python": "3.11",
}
# a tiny valid PNG (1×1, grey), so that the page's figure link points at a real image
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
    "3a7e9b550000000a49444154789c6368000000820081dd0a6e3f0000000049454e44ae426082"
)


REFUSAL = "dynamix-v1 takes at most 3 observed variables; the task observes 10"


def _cell(task, system, forecaster, seed, vpt, status, label=None, **extra):
    ok = status == "ok"
    scale = 1.0 if task == "rich" else 0.5
    off = (system, forecaster, seed) in OFF_ATTRACTOR
    long_run = "off_attractor" if off else "on_attractor"
    return make_row(
        system,
        label or f"{forecaster}-v1",
        seed,
        run_id=f"{task}-{system}-{label or forecaster}-{seed}",
        task=task,
        protocol_version=3,
        stamp=STAMP,
        status=status,
        error="" if status != "error" else "RuntimeError: boom",
        fit_seconds=2.0 + seed if status != "error" else math.nan,
        forecast_seconds=0.5,
        vpt_lyap=scale * float(vpt),
        nrmse_h1=0.1 * (seed + 1) if ok else math.inf,
        long_run=long_run if ok else "",
        d_stsp=float(seed + 1) if ok else math.inf,
        d_h=0.1 if ok else 1.0,
        d_stsp_norm=2.0 * (seed + 1) if ok else math.inf,
        d_h_norm=2.0 if ok else math.inf,
        lyap_rel_error=0.25 * (seed + 1) if ok else math.inf,
        **extra,
    ).columns()


def _tracks(task):
    """The rows of the other tracks (see the module docstring)."""
    for (system, forecaster), values in VPT.items():
        if forecaster == "a":
            for seed, vpt in enumerate(values):
                tuned = dict(label="tuned(a-v1)", tuning_seconds=10.0, hyperparameters={"k": 2})
                yield _cell(task, system, "a", seed, vpt + 1, "ok", **tuned)
    for system in ("lorenz63-v1", "toy-v1", "rossler-v1"):
        for seed in (0, 1):
            yield _cell(task, system, "dynamix", seed, 1, "ok", label="dynamix-v1")
    for seed in (0, 1):
        yield make_row(
            "lorenz96-v1",
            "dynamix-v1",
            seed,
            run_id=f"{task}-lorenz96-v1-dynamix-{seed}",
            task=task,
            protocol_version=3,
            stamp=STAMP,
            status="refused",
            error=REFUSAL,
        ).columns()


def write_cells(
    out: Path, *, tasks: tuple[str, ...] = ("rich", "limited"), tracks: bool = False
) -> Path:
    """Write the fixture's cells (and one figure) under ``out``; returns ``out``. With
    ``tracks``, the tuned and zero-shot rows too."""
    out = Path(out)
    cells = out / "cells"
    cells.mkdir(parents=True, exist_ok=True)
    for task in tasks:
        for (system, forecaster), values in VPT.items():
            statuses = STATUS.get((system, forecaster), ["ok"] * len(values))
            for seed, (vpt, status) in enumerate(zip(values, statuses)):
                row = _cell(task, system, forecaster, seed, vpt, status)
                (cells / f"{row['run_id']}.json").write_text(json.dumps(row))
        for row in _tracks(task) if tracks else ():
            (cells / f"{row['run_id']}.json").write_text(json.dumps(row))
    (out / "figures").mkdir(exist_ok=True)
    (out / "figures" / "error_growth_lorenz63.png").write_bytes(PNG)
    return out
