"""The tuned ESN's built-in search on Lorenz-63 (rich task), next to the plain ESN.

Prints, for ``esn-v2`` and ``esn_tuned-v3`` in the same process: median VPT (Lyapunov
times), one-Lyapunov-time NRMSE, D_stsp, D_H and fit seconds per seed; and for the tuned
ESN, the hyperparameters its validation search chose for each seed with the winning
validation score (mean valid steps over the held-out windows).

Run: ``CHAOSBENCH_CACHE=/tmp/cbcache python benchmarks/esn_search.py [system] [task]``
"""

import os
import sys

os.environ.setdefault("CHAOSBENCH_CACHE", "/tmp/cbcache")

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import chaosbench as cb  # noqa: E402
import chaosbench.forecasters  # noqa: E402, F401
import chaosbench.metrics  # noqa: E402, F401
import chaosbench.systems  # noqa: E402, F401
from chaosbench import fit_seeds  # noqa: E402

SEEDS = [0, 1, 2]


def main():
    system_id = sys.argv[1] if len(sys.argv) > 1 else "lorenz63"
    task = sys.argv[2] if len(sys.argv) > 2 else "rich"
    system = cb.get_system(system_id)
    facts = cb.get_facts(system)
    data = cb.make_dataset(cb.Protocol().dataset_spec(system, facts, cb.TASKS[task]))
    metric_list = [cb.get_metric(m) for m in cb.list_metrics()]
    for fid in ("esn-v2", "esn_tuned-v3"):
        rows = cb.score(cb.get_forecaster(fid), data, facts, SEEDS, metric_list)
        med = {
            k: np.median([r[k] for r in rows]) for k in ("vpt_lyap", "nrmse_h1", "d_stsp", "d_h")
        }
        print(
            f"{fid:>13}: VPT {med['vpt_lyap']:.2f} "
            f"(seeds {[round(r['vpt_lyap'], 2) for r in rows]}), "
            f"nrmse_h1 {med['nrmse_h1']:.2e}, d_stsp {med['d_stsp']:.3f}, d_h {med['d_h']:.4f}, "
            f"fit {rows[0]['fit_seconds']:.1f} s/seed, status {[r['status'] for r in rows]}"
        )
    tuned = cb.get_forecaster("esn_tuned")
    fitted, _ = fit_seeds(tuned, jnp.asarray(data.normalise(data.train)), SEEDS)
    for seed, f in zip(SEEDS, fitted):
        rho, leak, sigma, beta, ridge = np.asarray(f.choice)
        print(
            f"  seed {seed}: ρ {rho:.3f}, leak {leak:.3f}, σ {sigma:.3f}, bias {beta:.3f}, "
            f"ridge {ridge:.0e}; validation valid steps {float(np.max(f.scores)):.0f} "
            f"(candidates: {np.round(np.max(np.asarray(f.scores), axis=1)).tolist()})"
        )


if __name__ == "__main__":
    cb.configure()  # threads and x64, as the CLI does (importing chaosbench sets neither)
    main()
