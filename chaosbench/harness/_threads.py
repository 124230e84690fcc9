"""The thread settings that make results independent of the machine's core count.

``chaosbench/__init__.py`` fixes ``NPROC`` (the size of XLA's CPU thread pool) and
``OPENBLAS_NUM_THREADS`` before JAX starts its CPU backend. A backend started earlier
(a script that computed with JAX before importing chaosbench) keeps the thread count it
started with, and its rows may differ in the last bits from a benchmark run's.
"""

from __future__ import annotations

import warnings


def check_backend_not_started() -> None:
    """Warn when JAX's backends were started before chaosbench fixed its thread settings."""
    try:
        from jax._src import xla_bridge
    except ImportError:  # pragma: no cover - a JAX without this private module
        return
    if getattr(xla_bridge, "_backends", None):
        warnings.warn(
            "JAX's backend was started before chaosbench was imported, so chaosbench could "
            "not fix its CPU thread settings (NPROC, OPENBLAS_NUM_THREADS): results may "
            "differ in the last bits from a `chaosbench run`. Import chaosbench first.",
            RuntimeWarning,
            stacklevel=3,
        )
