"""Score the sequence forecasters (S4D, S5, Mamba, transformer) on Lorenz-63.

Runs the benchmark's own data path (protocol v1, data-rich task, `chaosbench.score`)
for each model with its registered defaults and three seeds, next to persistence as the
named comparison, and prints per model the median over seeds of VPT (Lyapunov times),
D_stsp, D_H, fit seconds (wall, per seed, compile included; each seed fitted on its
own) and the training-loss ratio (mean of the first 20 losses / mean of the last 50),
plus how many seeds' free runs diverged.

    CHAOSBENCH_CACHE=/tmp/cbcache .venv/bin/python benchmarks/sequence_models.py [ids...]

The loss history is read from the fitted states: `chaosbench.numerics._evaluate.fit_seed` is
wrapped here (in this script only) to keep what it returns, so nothing is fitted twice.
"diverged" counts seeds whose long free run blew up (protocol v4's `long_run`).
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("CHAOSBENCH_CACHE", "/tmp/cbcache")

import numpy as np  # noqa: E402

import chaosbench as cb  # noqa: E402
import chaosbench.forecasters  # noqa: E402, F401
import chaosbench.metrics  # noqa: E402, F401
import chaosbench.numerics._evaluate as evaluate  # noqa: E402
import chaosbench.systems  # noqa: E402, F401

MODELS = ("persistence-v1", "s4d-v3", "s5-v3", "mamba-v4", "transformer-v3")
SEEDS = (0, 1, 2)

_fit_seed = evaluate.fit_seed
_last_fitted: list = []


def _recording_fit_seed(forecaster, train, seed):
    fitted = _fit_seed(forecaster, train, seed)
    _last_fitted.append(fitted)
    return fitted


def loss_ratio(fitted) -> float:
    losses = getattr(fitted, "losses", None)
    if losses is None:
        return float("nan")
    losses = np.asarray(losses)
    return float(losses[:20].mean() / losses[-50:].mean())


def main(ids=MODELS) -> None:
    evaluate.fit_seed = _recording_fit_seed
    system = cb.get_system("lorenz63")
    facts = cb.get_facts(system)
    spec = cb.Protocol().dataset_spec(system, facts, cb.TASKS["rich"])
    data = cb.make_dataset(spec)
    chosen = [cb.get_metric(m) for m in cb.list_metrics()]
    print(
        f"lorenz63, task rich: {spec.n_train} train points, dt {spec.dt:.4g}, "
        f"horizon {spec.horizon} steps, seeds {list(SEEDS)}"
    )
    header = (
        f"{'model':<16}{'VPT':>7}{'D_stsp':>9}{'D_H':>8}{'fit_s':>8}"
        f"{'loss_first/last':>17}{'diverged':>10}{'total_s':>9}"
    )
    print(header)
    for fid in ids:
        start = time.perf_counter()
        _last_fitted.clear()
        rows = cb.score(cb.get_forecaster(fid), data, facts, seeds=list(SEEDS), metrics=chosen)
        total = time.perf_counter() - start
        ratios = [loss_ratio(f) for f in _last_fitted]

        def med(column):
            return float(np.median([r[column] for r in rows]))

        diverged = sum(r.get("long_run") == "diverged" for r in rows)
        print(
            f"{fid:<16}{med('vpt_lyap'):>7.2f}{med('d_stsp'):>9.2f}{med('d_h'):>8.3f}"
            f"{med('fit_seconds'):>8.1f}{np.median(ratios):>17.3g}{diverged:>10d}"
            f"{total:>9.1f}",
            flush=True,
        )
        print(
            "    per seed VPT:",
            [round(r["vpt_lyap"], 2) for r in rows],
            " loss ratio:",
            [round(x, 1) for x in ratios],
            flush=True,
        )


if __name__ == "__main__":
    cb.configure()  # threads and x64, as the CLI does (importing chaosbench sets neither)
    main(tuple(sys.argv[1:]) or MODELS)
