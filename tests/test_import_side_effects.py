"""Importing chaosbench changes nothing in the host program; its float64 work is scoped.

Each check runs in a fresh Python process: this test process configured itself in
``conftest.py`` (x64 on, thread settings in the environment), which is exactly what an
import must not do to somebody else's program.
"""

import os
import subprocess
import sys
import textwrap

import numpy as np

import chaosbench as cb
from chaosbench.harness._threads import THREAD_SETTINGS

SPEC = """
system = cb.get_system("lorenz63")
spec = cb.DatasetSpec.create(
    system.id, system.parameters,
    dt=0.01, n_train=300, n_test=3, context=50, horizon=100, n_long=200, burn_in=10.0, seed=0,
)
"""


def run_fresh(code: str, tmp_path) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter whose environment has none of the thread
    settings (as a user's program would), with a private cache; assert it succeeds."""
    env = {k: v for k, v in os.environ.items() if k not in THREAD_SETTINGS and k != "XLA_FLAGS"}
    env["CHAOSBENCH_CACHE"] = str(tmp_path / "cache")
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_import_leaves_jax_and_the_environment_alone_and_data_is_still_float64(tmp_path):
    out = tmp_path / "data.npz"
    run_fresh(
        f"""
        import os
        import warnings
        warnings.simplefilter("error")  # e.g. "float64 requested ... truncated to float32"

        import jax
        import jax.numpy as jnp
        import numpy as np

        before = dict(os.environ)
        import chaosbench as cb
        assert jnp.ones(1).dtype == jnp.float32, jnp.ones(1).dtype
        assert not jax.config.jax_enable_x64
        assert dict(os.environ) == before, set(os.environ.items()) ^ set(before.items())

        cb.load_plugins()
        assert dict(os.environ) == before and jnp.ones(1).dtype == jnp.float32
        {textwrap.indent(SPEC, " " * 8).strip()}
        data = cb.make_dataset(spec, use_cache=False)
        for name in ("train", "test", "long", "mean", "std"):
            assert getattr(data, name).dtype == np.float64, (name, getattr(data, name).dtype)
        # fit and forecast run in float64 too, and hand back float64 states
        forecaster = cb.get_forecaster("linear_ar")
        fitted = cb.fit_seed(forecaster, data.normalise(data.train), 0)
        leaves = [x for x in jax.tree.leaves(fitted) if hasattr(x, "dtype")]
        assert leaves and all(x.dtype == jnp.float64 for x in leaves), leaves
        z = cb.forecast_windows(forecaster, fitted, data.normalise(data.contexts), 5)
        assert z.dtype == jnp.float64, z.dtype
        # ... and leave the caller's JAX as it was
        assert jnp.ones(1).dtype == jnp.float32 and not jax.config.jax_enable_x64
        assert dict(os.environ) == before
        np.savez({str(out)!r}, train=data.train, test=data.test, long=data.long)
        """,
        tmp_path,
    )
    # the scoped data are the bits of a configured process's (this one: global x64)
    namespace = {"cb": cb}
    exec(SPEC, namespace)
    here = cb.make_dataset(namespace["spec"], use_cache=False)
    with np.load(out) as there:
        for name in ("train", "test", "long"):
            assert np.array_equal(there[name], getattr(here, name)), name


def test_configure_sets_threads_and_x64_and_warns_when_too_late(tmp_path):
    run_fresh(
        """
        import os
        import warnings

        import jax
        import jax.numpy as jnp

        import chaosbench as cb

        with warnings.catch_warnings():
            warnings.simplefilter("error")
            cb.configure()  # before any computation: no warning
            cb.configure()  # again: harmless
        assert os.environ["NPROC"] == "2" and os.environ["OPENBLAS_NUM_THREADS"] == "1"
        assert jax.config.jax_enable_x64 and jnp.ones(1).dtype == jnp.float64
        """,
        tmp_path,
    )
    done = run_fresh(
        """
        import jax.numpy as jnp

        import chaosbench as cb

        jnp.ones(1).block_until_ready()  # the backend starts with the machine's threads
        cb.configure()
        """,
        tmp_path,
    )
    assert "RuntimeWarning" in done.stderr and "chaosbench.configure() before" in done.stderr
