"""Cost and values of the two-trajectory λ_max of forecasters' own dynamics on Lorenz-63.

Each model (smoke hyperparameters unless ``--defaults``) is fitted on a 20 000-step
Lorenz-63 training trajectory at the benchmark's sampling; then, from one 500-step test
context, :func:`chaosbench.numerics._two_trajectory.forecaster_lyapunov` runs with the schedule
of :func:`~chaosbench.numerics._two_trajectory.lyapunov_schedule` (segments of 1 t_λ = 146 steps,
64 segments, 8 transient). Printed per model: λ̂ (true 0.9056), its d0, λ̂ with d0 × 10
and d0 / 10 (sensitivity), the wall time of the first call (compile included) and of a
second call (warm), next to the named comparison: the wall time of the benchmark's
50 000-step free run of the same model (``forecast_windows``, first call, warm call).

    PYTHONPATH=$PWD python benchmarks/forecaster_lyapunov.py [ids...] [--defaults]
"""

from __future__ import annotations

import argparse
import time

import jax
import jax.numpy as jnp

import chaosbench as cb
import chaosbench.forecasters  # noqa: F401
import chaosbench.systems  # noqa: F401
from chaosbench import enable_compilation_cache, fit_seeds, forecast_windows
from chaosbench.numerics._two_trajectory import (
    forecaster_lyapunov,
    lyapunov_schedule,
    working_precision_d0,
)

MODELS = ("persistence-v1", "esn-v4", "transformer-v3")


def timed(fn):
    start = time.perf_counter()
    out = jax.block_until_ready(fn())
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", default=list(MODELS))
    parser.add_argument("--defaults", action="store_true", help="registered defaults")
    parser.add_argument("--n-long", type=int, default=50_000)
    args = parser.parse_args()
    enable_compilation_cache()
    system = cb.get_system("lorenz63")
    facts = cb.get_facts(system)
    spec = cb.DatasetSpec.create(
        system.id,
        system.parameters,
        dt=facts["dt"],
        n_train=20_000,
        n_test=2,
        context=500,
        horizon=512,
        n_long=2048,
        burn_in=20 * facts["period"],
        seed=0,
    )
    data = cb.make_dataset(spec)
    train = jnp.asarray(data.normalise(data.train))
    context = jnp.asarray(data.normalise(data.contexts))[0]
    schedule = lyapunov_schedule(facts["dt"], facts["max_lyapunov"], context.shape[0])
    print(f"schedule {schedule}; true λ_max 0.9056 (table {facts['max_lyapunov']:.4f})")
    print(
        "| model | λ̂ | d0 | λ̂ (d0×10) | λ̂ (d0/10) | λ̂ first call s | warm s "
        f"| {args.n_long}-step free run first s | warm s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for model_id in args.ids:
        cls = type(cb.get_forecaster(model_id))
        forecaster = cls() if args.defaults else cls(**cls.smoke_hyperparameters)
        (fitted,), _ = fit_seeds(forecaster, train, [0])
        d0 = working_precision_d0(forecaster, fitted, context)
        kw = dict(dt=facts["dt"], **schedule)
        lam, first = timed(lambda: forecaster_lyapunov(forecaster, fitted, context, d0=d0, **kw))
        _, warm = timed(lambda: forecaster_lyapunov(forecaster, fitted, context + 1e-3, **kw))
        big = forecaster_lyapunov(forecaster, fitted, context, d0=10 * d0, **kw)
        small = forecaster_lyapunov(forecaster, fitted, context, d0=d0 / 10, **kw)
        _, long_first = timed(
            lambda: forecast_windows(forecaster, fitted, context[None], args.n_long)
        )
        _, long_warm = timed(
            lambda: forecast_windows(forecaster, fitted, context[None] + 1e-3, args.n_long)
        )
        print(
            f"| {model_id} | {lam:.4g} | {d0:.2g} | {big:.4g} | {small:.4g} | {first:.1f} "
            f"| {warm:.2f} | {long_first:.1f} | {long_warm:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    cb.configure()  # threads and x64, as the CLI does (importing chaosbench sets neither)
    main()
