"""How a benchmark process configures itself: fixed CPU threads, instruction set and BLAS
kernels, and float64.

Importing chaosbench changes nothing in the host program (no environment variables, no
JAX configuration). A process that computes benchmark rows calls :func:`configure` at
its entry instead: the CLI's ``main``, every ``--jobs`` child (a ``chaosbench`` process
itself), every Ray worker before it scores a group, the test suite's ``conftest.py`` and
the scripts under ``benchmarks/``. A library user who wants rows bit-identical to a
``chaosbench run`` calls it first thing too; one who only generates data or computes
facts needs nothing, those functions scope their float64 work themselves
(:mod:`chaosbench.base._precision`).
"""

from __future__ import annotations

import os
import platform
import warnings

from ._stack import host_isa

# Rows must be the same bits whatever the machine's core count or the launcher (Ray sets
# OMP_NUM_THREADS=1 in its workers): XLA's CPU thread pool takes its size from NPROC, and
# reductions split over that pool (and multithreaded OpenBLAS kernels behind LAPACK calls)
# round differently with another thread count. Measured on the ESN's fit: 1 core and 2
# cores gave different bits by default, the same bits with these two settings. Both are
# read once, when JAX starts its CPU backend (and when OpenBLAS is loaded).
THREAD_SETTINGS = {"NPROC": "2", "OPENBLAS_NUM_THREADS": "1"}

# Rows must also be the same bits on another x86 machine: XLA:CPU compiles for the host's
# instruction set, so an AVX-512 machine and an AVX2 one round trained float32 models
# differently (1e-5 relative after training, amplified by chaos; issue 27). Capping the
# instruction set XLA targets makes every x86-64 machine with AVX2 compile the same code.
# Measured on this project's AVX-512 machines: `python benchmarks/isa_cap.py` (the bits
# it changes, that no AVX-512 register is left in XLA's code, and the cost). A cap the
# user already put in XLA_FLAGS is kept.
XLA_MAX_ISA = "AVX2"

# And the same bits whatever kernels OpenBLAS would pick. scipy's OpenBLAS, which JAX's CPU
# LAPACK calls (QR, eigendecompositions, solves: the ridge readouts, EDMD, S5's HiPPO
# initialisation, every λ estimate), chooses its kernels when it loads, from the CPU or
# from OPENBLAS_CORETYPE if the environment sets it. On an AMD EPYC whose environment set
# `Haswell`, the ESN, NG-RC, linear AR and EDMD rows of results/catalogue and
# results/default differed from the published ones (made with `SkylakeX` kernels) in the
# last bits of their fits, and chaos carried that into every long-run score (D_H 2.7
# seed spreads); with SkylakeX named they were identical (issue 32). So the kernels follow
# the instruction set, as the published rows' machines chose them: SkylakeX on AVX-512
# hosts, Haswell (AVX2) elsewhere on x86. Set before scipy's OpenBLAS loads (JAX loads it
# at its first LAPACK call; numpy's own OpenBLAS, loaded with numpy, computes no row).
BLAS_CORETYPES = {"AVX512": "SKYLAKEX", "AVX2": "HASWELL"}


def blas_coretype(isa: str) -> str | None:
    """The OpenBLAS kernels rows are computed with on a host of instruction-set level
    ``isa`` (:func:`chaosbench.harness._stack.host_isa`); None where OpenBLAS chooses
    (not x86-64, or below AVX2)."""
    return BLAS_CORETYPES.get(isa)


def _scipy_blas_loaded_as() -> str | None:
    """The kernels of scipy's OpenBLAS if this process has loaded it already, else None."""
    import threadpoolctl

    for info in threadpoolctl.threadpool_info():
        if info.get("internal_api") == "openblas" and "scipy.libs" in info.get("filepath", ""):
            return str(info.get("architecture", ""))
    return None


def _backend_started() -> bool:
    try:
        from jax._src import xla_bridge
    except ImportError:  # pragma: no cover - a JAX without this private module
        return False
    return bool(getattr(xla_bridge, "_backends", None))


def configure() -> None:
    """Configure this process as a benchmark process: fix the CPU thread settings
    (``NPROC=2``, ``OPENBLAS_NUM_THREADS=1``), cap the instruction set XLA:CPU compiles
    for on x86 (``--xla_cpu_max_isa=AVX2`` in ``XLA_FLAGS``), name OpenBLAS's kernels by
    the instruction set on x86 (``OPENBLAS_CORETYPE``: :data:`BLAS_CORETYPES`, replacing
    the environment's; all inherited by child processes) and switch JAX's x64 mode on
    globally.

    Call it at the entry of a program, before it computes anything with JAX: a backend
    started earlier keeps the thread count it started with (a warning says so), and its
    rows may differ in the last bits from a ``chaosbench run``'s. Calling it again is
    harmless.
    """
    import jax
    import threadpoolctl  # here, not at import: importing it sets KMP_DUPLICATE_LIB_OK

    x86 = platform.machine().lower() in ("x86_64", "amd64")
    unset = {k: v for k, v in THREAD_SETTINGS.items() if os.environ.get(k) != v}
    coretype = blas_coretype(host_isa()) if x86 else None
    loaded = _scipy_blas_loaded_as() if coretype else None
    if loaded is not None and loaded.upper() != coretype:
        warnings.warn(
            f"scipy's OpenBLAS was loaded with {loaded} kernels before "
            f"chaosbench.configure() could name {coretype} (OPENBLAS_CORETYPE): results "
            "may differ in the last bits from a `chaosbench run`. Call "
            "chaosbench.configure() before importing scipy or computing with JAX.",
            RuntimeWarning,
            stacklevel=2,
        )
    if coretype:
        os.environ["OPENBLAS_CORETYPE"] = coretype
    if x86 and "--xla_cpu_max_isa" not in os.environ.get("XLA_FLAGS", ""):
        unset["XLA_FLAGS"] = f"--xla_cpu_max_isa={XLA_MAX_ISA}"
    if unset and _backend_started():
        warnings.warn(
            "JAX's backend was started before chaosbench.configure() was called, so the "
            f"CPU settings ({', '.join(f'{k}={v}' for k, v in unset.items())}) "
            "cannot take effect in this process: results may differ in the last bits from "
            "a `chaosbench run`. Call chaosbench.configure() before computing with JAX.",
            RuntimeWarning,
            stacklevel=2,
        )
    os.environ.update(THREAD_SETTINGS)
    flags = os.environ.get("XLA_FLAGS", "")
    if x86 and "--xla_cpu_max_isa" not in flags:
        os.environ["XLA_FLAGS"] = f"{flags} --xla_cpu_max_isa={XLA_MAX_ISA}".strip()
    # numpy's OpenBLAS was loaded (by `import numpy`) before this could set the variable:
    # limit the BLAS libraries already loaded as the variable limits those loaded later.
    threadpoolctl.threadpool_limits(
        limits=int(THREAD_SETTINGS["OPENBLAS_NUM_THREADS"]), user_api="blas"
    )
    jax.config.update("jax_enable_x64", True)
