"""The ESN at its defaults beside ``tuned(esn)`` (the one tuner) on one system.

Prints, for ``esn-v2`` at its defaults and for the ESN the tuner chooses per seed (on a
validation split of that seed's training trajectory; :func:`chaosbench.tune_dataset`), in
the same process: median VPT (Lyapunov times) over the seeds, one-Lyapunov-time NRMSE,
D_stsp, D_H, fit seconds (the tuned one's include its search), and the chosen
hyperparameters with their validation score.

Run: ``CHAOSBENCH_CACHE=/tmp/cbcache python benchmarks/esn_search.py [system] [task]``
"""

import os
import sys

os.environ.setdefault("CHAOSBENCH_CACHE", "/tmp/cbcache")

import numpy as np  # noqa: E402

import chaosbench as cb  # noqa: E402

SEEDS = [0, 1, 2]


def _line(name, rows):
    med = {k: np.median([r[k] for r in rows]) for k in ("vpt_lyap", "nrmse_h1", "d_stsp", "d_h")}
    print(
        f"{name:>11}: VPT {med['vpt_lyap']:.2f} (seeds {[round(r['vpt_lyap'], 2) for r in rows]}), "
        f"nrmse_h1 {med['nrmse_h1']:.2e}, d_stsp {med['d_stsp']:.3f}, d_h {med['d_h']:.4f}, "
        f"fit {np.median([r['fit_seconds'] for r in rows]):.1f} s/seed"
    )


def main():
    system_id = sys.argv[1] if len(sys.argv) > 1 else "lorenz63"
    task = sys.argv[2] if len(sys.argv) > 2 else "rich"
    system = cb.get_system(system_id)
    facts = cb.get_facts(system)
    metrics = [cb.get_metric(m) for m in cb.list_metrics()]
    plain, tuned = [], []
    for seed in SEEDS:
        data = cb.make_dataset(cb.Protocol().dataset_spec(system, facts, cb.TASKS[task], seed))
        plain += cb.score(cb.get_forecaster("esn"), data, facts, [seed], metrics)
        result = cb.tune_dataset("esn", data, facts, seed)
        (row,) = cb.score(result.build(), data, facts, [seed], metrics)
        row["fit_seconds"] += result.seconds
        tuned.append(row)
        best = max(t.score for t in result.trials)
        print(f"  seed {seed}: chose {result.best} (validation VPT {best:.2f} t_λ)")
    _line("esn", plain)
    _line("tuned(esn)", tuned)


if __name__ == "__main__":
    cb.configure()  # threads and x64, as the CLI does (importing chaosbench sets neither)
    cb.load_plugins()
    main()
