"""Test set-up: x64, a per-session cache directory, the plug-in registries filled."""

import os
import tempfile

# Facts and datasets are cached per test session unless the caller chose a cache.
os.environ.setdefault(
    "CHAOSBENCH_CACHE", os.path.join(tempfile.gettempdir(), "chaosbench-test-cache")
)

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

import chaosbench  # noqa: E402, F401
import chaosbench.forecasters  # noqa: E402, F401
import chaosbench.metrics  # noqa: E402, F401
import chaosbench.systems  # noqa: E402, F401
from chaosbench import enable_compilation_cache  # noqa: E402

enable_compilation_cache()
