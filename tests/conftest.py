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

# dynamix-v1's pretrained weights are not in the repository (GPL-3.0, the authors'): unless
# the caller points at the real file, the conformance tests run it on a tiny synthetic model
# written in that file's layout (tests/dynamix_weights.py).
if "CHAOSBENCH_DYNAMIX_WEIGHTS" not in os.environ:
    from dynamix_weights import write_tiny  # noqa: E402

    os.environ["CHAOSBENCH_DYNAMIX_WEIGHTS"] = str(
        write_tiny(
            os.path.join(os.environ["CHAOSBENCH_CACHE"], "dynamix", "dynamix-3d-alrnn-v1.0.bson")
        )
    )
