"""What a row was computed with, beyond the code: the numerical stack and the machine.

Rows are a pure function of their run id on one machine with one stack; across machines
they are the same bits only where the stack and what XLA compiles for agree (issue 27).
So every row's stamp names them:

- ``stack``: the Python version, the versions of the numerical dependencies
  (:data:`NUMERICAL_PACKAGES`) and the instruction-set level XLA:CPU compiles for, in one
  string (``python=3.11.7 diffrax=0.7.2 … xla_cpu_isa=AVX2``). Tables refuse to pool rows
  whose ``stack`` differs (``chaosbench leaderboard --allow-mixed-stack`` pools them);
- ``cpu``: the host, as the kernel names it, and its own instruction-set level.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
from pathlib import Path

NUMERICAL_PACKAGES = ("jax", "jaxlib", "equinox", "diffrax", "optax", "lineax", "numpy")
# x86-64 levels as XLA's --xla_cpu_max_isa names them, lowest first, with the CPU flags
# (/proc/cpuinfo) each needs
ISA_LEVELS = (
    ("SSE4_2", {"sse4_2"}),
    ("AVX", {"avx"}),
    ("AVX2", {"avx2", "fma"}),
    ("AVX512", {"avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"}),
)


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def _cpu_flags() -> tuple[str, set[str]]:
    """The CPU's model name and flags from ``/proc/cpuinfo`` (empty elsewhere)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine(), set()
    fields = dict(
        line.split(":", 1) for line in text.splitlines()[:40] if ":" in line
    )  # the first processor's block
    name = " ".join(fields.get("model name\t", fields.get("model name", "")).split())
    flags = next((v for k, v in fields.items() if k.strip() == "flags"), "")
    return name or platform.machine(), set(flags.split())


def host_isa() -> str:
    """The host's x86-64 instruction-set level (the highest of :data:`ISA_LEVELS` whose
    flags it has), or the machine's architecture elsewhere."""
    _, flags = _cpu_flags()
    level = platform.machine()
    for name, needs in ISA_LEVELS:
        if needs <= flags:
            level = name
    return level


def xla_cpu_isa() -> str:
    """The instruction-set level XLA:CPU compiles for: the lower of the host's and the
    cap in ``XLA_FLAGS`` (``--xla_cpu_max_isa``, set by :func:`chaosbench.configure`)."""
    host = host_isa()
    cap = next(
        (f.split("=", 1)[1] for f in os.environ.get("XLA_FLAGS", "").split()
         if f.startswith("--xla_cpu_max_isa=")),
        None,
    )  # fmt: skip
    names = [name for name, _ in ISA_LEVELS]
    if cap is None or host not in names:
        return host
    if cap not in names:  # a level above AVX-512 (AVX512_VNNI, AMX, ...): no cap on AVX-512
        return host
    return names[min(names.index(host), names.index(cap))]


def numerical_stack() -> str:
    """``python=… jax=… jaxlib=… … xla_cpu_isa=…``: what, beside the code, decides a row's
    bits (see the module docstring)."""
    parts = [f"python={platform.python_version()}"]
    parts += [f"{p}={_version(p)}" for p in NUMERICAL_PACKAGES]
    parts.append(f"xla_cpu_isa={xla_cpu_isa()}")
    return " ".join(parts)


def cpu_description() -> str:
    """The host CPU's model and its own instruction-set level."""
    name, _ = _cpu_flags()
    return f"{name} ({platform.machine()}, {host_isa()})"
