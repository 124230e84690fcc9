"""Cost and effect of protocol v5's starts: dataset generation, v4 draw against v5 draw.

For each system (default: Lorenz-63, sprott_i, nose_hoover, bickley_jet, Lorenz-96 and
Kuramoto–Sivashinsky), on the protocol's rich-task dataset of seed 0, in one process:

- the wall time of the v4 draw (22 starts, each a 1e-4 perturbation of one initial
  condition, burned in and sampled in one vmapped solve: ``generate_v4``) and of the v5
  draw (one seeded start, a reference orbit through the starts, then the vmapped sampler:
  ``generate``), each cold (first call in the process: tracing, compiling, running) and
  warm (the second call, compiled programs reused);
- the independence check of both datasets (:mod:`chaosbench.catalogue._independence`):
  the median time-aligned distance, in training σ, train–test and test–test, beside that
  of independent draws, and the verdict.

The persistent compilation cache is not enabled, so "cold" includes compiling. No dataset
cache is read or written.

Run: ``python benchmarks/dataset_starts.py [--systems lorenz63 sprott_i ...]``.
"""

from __future__ import annotations

import argparse
import time

import chaosbench as cb
from chaosbench import load_plugins
from chaosbench.catalogue._independence import check_dataset
from chaosbench.numerics._dataset import generate, generate_v4

DEFAULT = (
    "lorenz63",
    "sprott_i",
    "nose_hoover",
    "bickley_jet",
    "lorenz96",
    "kuramoto_sivashinsky",
)


def timed(fn, spec):
    start = time.perf_counter()
    data = fn(spec)
    return data, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", nargs="*", default=list(DEFAULT))
    args = parser.parse_args()
    cb.configure()
    load_plugins()
    print(
        f"{'system':24} {'sep/period':>10} {'sep/t_λ':>8} | {'v4 cold':>8} {'v4 warm':>8} | "
        f"{'v5 cold':>8} {'v5 warm':>8} | {'ref':>5} {'v4 tr-te':>8} {'v4 te-te':>8} "
        f"{'v5 tr-te':>8} {'v5 te-te':>8} v4/v5 pass"
    )
    for name in args.systems:
        system = cb.get_system(name)
        facts = cb.get_facts(system)
        spec = cb.Protocol().dataset_spec(system, facts, cb.TASKS["rich"])
        old, v4_cold = timed(generate_v4, spec)
        _, v4_warm = timed(generate_v4, spec)
        new, v5_cold = timed(generate, spec)
        _, v5_warm = timed(generate, spec)
        a, b = check_dataset(old), check_dataset(new)
        print(
            f"{system.id:24} {spec.separation / facts['period']:10.1f} "
            f"{spec.separation * facts['max_lyapunov']:8.1f} | {v4_cold:7.1f}s {v4_warm:7.1f}s | "
            f"{v5_cold:7.1f}s {v5_warm:7.1f}s | {b.reference:5.2f} {a.train_test_pooled:8.3f} "
            f"{a.test_test_pooled:8.3f} {b.train_test_pooled:8.3f} {b.test_test_pooled:8.3f} "
            f"{a.passed}/{b.passed}",
            flush=True,
        )


if __name__ == "__main__":
    main()
