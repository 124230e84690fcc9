"""The locked stack (requirements.lock), the stamp that records it, and the cap on the
instruction set XLA:CPU compiles for."""

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
from packaging.markers import Marker

import chaosbench as cb
from chaosbench.harness import _stack
from chaosbench.harness._runner import stamp
from chaosbench.harness._suite import SUITES
from chaosbench.harness._threads import XLA_MAX_ISA, blas_coretype

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not an exact pin (name==version)"
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_the_lock_pins_every_dependency_exactly():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    # the lock is resolved on CPython 3.11: a requirement whose marker excludes it needs no pin
    wanted = [r for r in wanted if ";" not in r or Marker(r.split(";", 1)[1]).evaluate()]
    missing = sorted({_name(r) for r in wanted} - set(_lock()))
    assert not missing, f"requirements.lock has no pin for {missing}: run `make lock`"


def test_make_installs_from_the_lock():
    recipe = (ROOT / "Makefile").read_text().split("$(STAMP):", 1)[1].split("\n\n", 1)[0]
    assert "$(LOCK)" in recipe.splitlines()[0], (
        "the environment must be rebuilt when the lock changes"
    )
    assert "pip install -q -r $(LOCK)" in recipe and "--no-deps -e ." in recipe


def test_this_environment_is_the_locked_numerical_stack():
    """What `make install` built: every numerical package at its locked version."""
    pins = _lock()
    for package in _stack.NUMERICAL_PACKAGES:
        assert importlib.metadata.version(package) == pins[package], (
            f"{package} {importlib.metadata.version(package)} is installed, the lock says "
            f"{pins[package]}: rebuild the environment with `make install`"
        )


def test_the_stamp_names_the_stack_and_the_cpu():
    record = stamp(SUITES["smoke"])
    parts = dict(p.split("=", 1) for p in record["stack"].split())
    assert set(parts) == {"python", "xla_cpu_isa", *_stack.NUMERICAL_PACKAGES}
    for package in _stack.NUMERICAL_PACKAGES:
        assert parts[package] == importlib.metadata.version(package)
    if _stack.host_isa() in ("AVX2", "AVX512"):  # configured by conftest.py: capped
        assert parts["xla_cpu_isa"] == XLA_MAX_ISA
    assert record["cpu"]


@pytest.mark.parametrize(
    "host, flags, seen",
    [
        ("AVX512", "--xla_cpu_max_isa=AVX2", "AVX2"),
        ("AVX512", "", "AVX512"),
        ("AVX2", "--xla_cpu_max_isa=AVX512", "AVX2"),
        ("AVX512", "--xla_cpu_max_isa=AMX_FP16", "AVX512"),
        ("AVX", "--xla_dump_to=/tmp/x --xla_cpu_max_isa=AVX2", "AVX"),
    ],
)
def test_the_isa_xla_compiles_for_is_the_lower_of_host_and_cap(monkeypatch, host, flags, seen):
    monkeypatch.setattr(_stack, "host_isa", lambda: host)
    monkeypatch.setenv("XLA_FLAGS", flags)
    assert _stack.xla_cpu_isa() == seen


def test_configure_caps_the_isa_and_keeps_a_cap_given(tmp_path):
    code = (
        "import os, chaosbench as cb, platform\n"
        "cb.configure()\n"
        "print(os.environ.get('XLA_FLAGS', ''))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    run = lambda env: subprocess.run(  # noqa: E731
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    import platform

    if platform.machine().lower() in ("x86_64", "amd64"):
        assert run(env) == f"--xla_cpu_max_isa={XLA_MAX_ISA}"
    kept = run({**env, "XLA_FLAGS": "--xla_cpu_max_isa=AVX512"})
    assert kept == "--xla_cpu_max_isa=AVX512"


def test_the_public_api_exports_configure():
    assert cb.configure.__module__ == "chaosbench.harness._threads"


@pytest.mark.parametrize(
    "isa, kernels",
    [("AVX512", "SKYLAKEX"), ("AVX2", "HASWELL"), ("AVX", None), ("aarch64", None)],
)
def test_openblas_kernels_follow_the_instruction_set(isa, kernels):
    assert blas_coretype(isa) == kernels


def _scipy_blas(code: str, coretype: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter whose environment names ``coretype`` as
    OpenBLAS's kernels (as this project's second AMD machine did), then print the kernels
    scipy's OpenBLAS (the one behind JAX's LAPACK calls) loaded with."""
    tail = (
        "import threadpoolctl\n"
        "print(next(i['architecture'] for i in threadpoolctl.threadpool_info()\n"
        "           if 'scipy.libs' in i['filepath']))\n"
    )
    env = {**os.environ, "OPENBLAS_CORETYPE": coretype}
    return subprocess.run(
        [sys.executable, "-c", code + tail], env=env, capture_output=True, text=True, check=True
    )


def test_configure_names_openblas_kernels_by_the_isa_and_warns_when_too_late():
    wanted = blas_coretype(_stack.host_isa())
    if wanted is None:
        pytest.skip(f"OpenBLAS chooses its own kernels on {_stack.host_isa()}")
    # SandyBridge (AVX) runs on every host that has a pinned kernel, and is never pinned
    done = _scipy_blas(
        "import chaosbench as cb, jax.numpy as jnp\n"
        "cb.configure()\n"
        "jnp.linalg.qr(jnp.eye(3) + 1.0)[1].block_until_ready()  # JAX loads scipy's BLAS\n",
        "SANDYBRIDGE",
    )
    assert done.stdout.strip().upper() == wanted
    late = _scipy_blas("import scipy.linalg, chaosbench as cb\ncb.configure()\n", "SANDYBRIDGE")
    assert late.stdout.strip().upper() == "SANDYBRIDGE"
    assert "RuntimeWarning" in late.stderr and f"could name {wanted}" in late.stderr
