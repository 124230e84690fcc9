"""Test set-up: a benchmark process (threads and x64), a per-session cache directory, the
plug-in registries filled."""

import os
import tempfile

# Facts and datasets are cached per test session unless the caller chose a cache.
os.environ.setdefault(
    "CHAOSBENCH_CACHE", os.path.join(tempfile.gettempdir(), "chaosbench-test-cache")
)

import chaosbench  # noqa: E402

# Importing chaosbench configures nothing (tests/test_import_side_effects.py): the test
# suite configures itself as the CLI and its workers do, before anything computes with
# JAX: x64 on for every test, XLA's thread pool and OpenBLAS fixed so that rows are the
# bits of a `chaosbench run`.
chaosbench.configure()
chaosbench.load_plugins()
chaosbench.enable_compilation_cache()
