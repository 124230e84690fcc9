"""Fit cost of Mamba and S5 with the parallel vs the sequential linear scan, on CPU.

Both scans compute the same recurrence x_k = a_k ⊙ x_{k−1} + b_k
(:func:`forecasters._ssm.associative_linear_scan`,
:func:`forecasters._ssm.sequential_linear_scan`);
:func:`forecasters._ssm.linear_scan` picks the sequential one on CPU. This script fits
each model on Lorenz-63's rich training set (z-scored) for `STEPS` optimiser steps with
each scan, in one process, and prints the warm fit time (the second of two calls: compile
excluded) and the compile + first-call time.

    CHAOSBENCH_CACHE=/tmp/cbcache .venv/bin/python benchmarks/ssm_scan_cost.py [steps]
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("CHAOSBENCH_CACHE", "/tmp/cbcache")

import equinox as eqx  # noqa: E402
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

import chaosbench as cb  # noqa: E402
import chaosbench.forecasters  # noqa: E402, F401
import chaosbench.forecasters._mamba as mamba_module  # noqa: E402
import chaosbench.forecasters._s5 as s5_module  # noqa: E402
import chaosbench.systems  # noqa: E402, F401
from chaosbench.forecasters._ssm import associative_linear_scan, sequential_linear_scan  # noqa: E402

SCANS = {"parallel": associative_linear_scan, "sequential": sequential_linear_scan}


def main(steps: int = 100) -> None:
    system = cb.get_system("lorenz63")
    spec = cb.Protocol().dataset_spec(system, cb.get_facts(system), cb.TASKS["rich"])
    data = cb.make_dataset(spec)
    train = jnp.asarray(data.normalise(data.train))
    print(f"backend {jax.default_backend()}, {steps} steps, Lorenz-63 rich ({train.shape})")
    for name, module in (("mamba", mamba_module), ("s5", s5_module)):
        for scan_name, scan in SCANS.items():
            module.linear_scan = scan  # this script only
            forecaster = cb.get_forecaster(name, steps=steps)
            fit = eqx.filter_jit(lambda k, x, f=forecaster: f.fit(k, x))  # a fresh trace
            start = time.perf_counter()
            jax.block_until_ready(fit(jax.random.PRNGKey(0), train))
            first = time.perf_counter() - start
            start = time.perf_counter()
            jax.block_until_ready(fit(jax.random.PRNGKey(1), train))
            warm = time.perf_counter() - start
            print(
                f"{name:6s} {scan_name:10s} warm fit {warm:6.2f} s "
                f"({1e3 * warm / steps:5.1f} ms/step)  first call {first:6.2f} s"
            )


if __name__ == "__main__":
    cb.configure()  # threads and x64, as the CLI does (importing chaosbench sets neither)
    main(*(int(a) for a in sys.argv[1:]))
