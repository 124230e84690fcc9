"""Does capping XLA:CPU's instruction set make rows machine-independent, and what does it cost?

Trained float32 models (Mamba, the transformer) gave rows that differed between two x86
machines at about 1e-5 relative, and chaos then amplified the difference (issue 27).
XLA:CPU generates code for the host's instruction set: AVX-512 on one machine, AVX2 on
another, with other vector widths and so other rounding in reductions. `chaosbench.configure`
caps the instruction set XLA targets (``--xla_cpu_max_isa``, :data:`chaosbench.harness.
_threads.XLA_MAX_ISA`) so that every x86-64 machine with AVX2 compiles the same code.

This script runs one fixed workload (fit and forecast of Mamba, the transformer, the
shPLRNN and the ESN on a short Lorenz-63 dataset) in fresh processes under two settings,
in turn, ``--repeats`` times each:

- ``host``: no effective cap (``--xla_cpu_max_isa=AMX_FP16``, the highest level XLA knows,
  so XLA uses whatever the host has), i.e. what two machines did before the cap;
- ``capped``: the cap that `configure` sets.

It prints, per forecaster, whether the forecasts of the two settings are bit-identical
(if not, the largest relative difference), whether the optimised LLVM IR of the capped
run still use AVX-512 registers (``zmm`` in the disassembled object files that XLA
dumps: they must not), and the
median wall time of the whole workload under each setting with their ratio.

    python benchmarks/isa_cap.py --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

WORKLOAD = ("mamba", "transformer", "shplrnn_gtf", "esn")
UNCAPPED = "AMX_FP16"


def child(out: str) -> None:
    """The workload: fit and forecast each forecaster once; save the forecasts."""
    import chaosbench as cb

    cb.configure()
    cb.load_plugins()
    system = cb.get_system("lorenz63")
    facts = cb.get_facts(system)
    spec = cb.DatasetSpec.create(
        system.id, system.parameters, dt=facts["dt"], n_train=2000, n_test=4, context=500,
        horizon=256, n_long=2048, burn_in=20 * facts["period"], seed=0,
    )  # fmt: skip
    data = cb.make_dataset(spec)
    forecasts = {}
    short = {
        "mamba": {"steps": 200},
        "transformer": {"steps": 200},
        "shplrnn_gtf": {"train_steps": 300},
    }
    for name in WORKLOAD:
        forecaster = cb.get_forecaster(name, **short.get(name, {}))
        fitted = cb.fit_seed(forecaster, data.train, 0)
        windows = cb.forecast_windows(forecaster, fitted, data.test[:, :500], 256)
        forecasts[name] = np.asarray(windows)
    np.savez(out, **forecasts)


def run(isa: str, out: Path, dump: Path | None) -> float:
    flags = f"--xla_cpu_max_isa={isa}"
    if dump is not None:
        flags += f" --xla_dump_to={dump}"
    env = {**os.environ, "XLA_FLAGS": flags}
    env["CHAOSBENCH_CACHE"] = str(out.parent / f"cache-{isa}")  # no compiled program shared
    start = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--child", str(out)], env=env, check=True)
    return time.perf_counter() - start


def avx512_objects(dump: Path) -> int | str:
    """How many of a dump's compiled object files use AVX-512 registers (``zmm``), read
    with binutils' objdump."""
    if shutil.which("objdump") is None:
        return "objdump not found"
    count = 0
    for obj in dump.glob("*.o"):
        text = subprocess.run(["objdump", "-d", str(obj)], capture_output=True, text=True).stdout
        count += "zmm" in text
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    from chaosbench.harness._threads import XLA_MAX_ISA

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        settings = (("host", UNCAPPED), ("capped", XLA_MAX_ISA))
        for label, isa in settings:  # one untimed run each that dumps the compiled IR
            run(isa, tmp / f"{label}-dump.npz", tmp / f"dump-{label}")
        walls: dict[str, list[float]] = {"host": [], "capped": []}
        for i in range(args.repeats):
            for label, isa in settings:
                walls[label].append(run(isa, tmp / f"{label}-{i}.npz", None))
        host, capped = np.load(tmp / "host-0.npz"), np.load(tmp / "capped-0.npz")
        report = {"forecasts": {}, "objects_using_avx512": {}, "wall_median_s": {}}
        for name in WORKLOAD:
            a, b = host[name], capped[name]
            same = bool(np.array_equal(a, b))
            rel = float(np.nanmax(np.abs(a - b)) / np.nanmax(np.abs(a)))
            report["forecasts"][name] = "bit-identical" if same else f"differ, max rel {rel:.2e}"
            repeat = np.load(tmp / f"capped-{args.repeats - 1}.npz")[name]
            assert np.array_equal(repeat, b), "the capped run does not repeat itself"
        for label in walls:
            report["objects_using_avx512"][label] = avx512_objects(tmp / f"dump-{label}")
            report["wall_median_s"][label] = round(statistics.median(walls[label]), 2)
        report["ratio_capped_over_host"] = round(
            report["wall_median_s"]["capped"] / report["wall_median_s"]["host"], 3
        )
        report["walls_s"] = {k: [round(w, 2) for w in v] for k, v in walls.items()}
        print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
