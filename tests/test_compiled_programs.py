"""A long run gives compiled programs' memory maps back before the kernel's limit."""

import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import pytest

from chaosbench.base._cache import release_compiled_programs


def _maps() -> int:
    return len(Path("/proc/self/maps").read_text().splitlines())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_compiled_programs_are_released_above_the_threshold():
    for n in range(1, 101):  # 100 programs of distinct shapes
        jax.jit(lambda x: jnp.sin(x) @ x.T)(jnp.ones((n, 2))).block_until_ready()
    assert not release_compiled_programs(fraction=1.0)  # far below the limit: kept
    before = _maps()
    assert release_compiled_programs(fraction=0.0)
    assert _maps() < before - 150  # about 3 maps per program came back
