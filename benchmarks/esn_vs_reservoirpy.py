"""``esn`` next to reservoirpy on identical work: fit and forecast seconds, warm, and VPT.

The work (issue 17, part 5): Lorenz-63 (the suite's rich task: 10,000 z-scored training
points), 3 seeds, and 10 test windows of a 500-step warm-up (the context) plus a 2,000-step
closed-loop forecast. reservoirpy (0.4.x, installed by the optional extra
``pip install -e '.[bench-reservoirpy]'``) is configured to the ``esn`` defaults: the same
number of units, spectral radius (reservoirpy computes it with sparse Arnoldi
eigenvalues), leak, connections per unit (at random positions: reservoirpy's own sparse
normal matrix), a dense input matrix uniform in ±σ/√d, uniform bias of the same scale,
the same readout features [u; r; r²] with an unpenalised
intercept, the same increment target and ridge weight (times the number of samples). Its
forecast loops in Python over steps, as reservoirpy's own generative mode does.

Ours: ``fit`` jitted once (the compile is reported apart, not in the medians), then
timed for the 3 seeds one after another; ``forecast`` jitted and vmapped over the 10
windows. Each side is repeated ``--repeats`` times; the script prints the medians, the
ratios (reservoirpy / ours) and the median VPT of each over seeds × windows, all from the
same run. ``--record`` writes the rows to ``results/perf.csv``.

Run: ``CHAOSBENCH_CACHE=/tmp/cbcache python benchmarks/esn_vs_reservoirpy.py [--repeats 3]
[--record]``
"""

import argparse
import os
import time

os.environ.setdefault("CHAOSBENCH_CACHE", "/tmp/cbcache")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from _perf_io import record  # noqa: E402

import chaosbench as cb  # noqa: E402
import chaosbench.metrics  # noqa: E402, F401
import chaosbench.systems  # noqa: E402, F401
from chaosbench import forecasters  # noqa: E402

SEEDS = (0, 1, 2)
WINDOWS, WARMUP, HORIZON = 10, 500, 2000


def load():
    system = cb.get_system("lorenz63")
    facts = cb.get_facts(system)
    data = cb.make_dataset(cb.Protocol().dataset_spec(system, facts, cb.TASKS["rich"]))
    train = np.asarray(data.normalise(data.train))
    contexts = np.asarray(data.normalise(data.contexts))[:WINDOWS, -WARMUP:]
    truths = np.asarray(data.truths)[:WINDOWS, :HORIZON]
    assert contexts.shape[1] == WARMUP and truths.shape[1] == HORIZON, truths.shape
    scoring = cb.ScoringFacts(
        dt=jnp.asarray(data.spec.dt),
        max_lyapunov=jnp.asarray(facts["max_lyapunov"]),
        period=jnp.asarray(facts["period"]),
        mean=jnp.asarray(data.mean),
        std=jnp.asarray(data.std),
    )
    vpt = jax.jit(jax.vmap(cb.get_metric("vpt_lyap").fn, in_axes=(0, 0, None)))

    def score(z_forecasts):
        physical = np.asarray(data.denormalise(np.asarray(z_forecasts)))
        return np.asarray(vpt(jnp.asarray(physical), jnp.asarray(truths), scoring))

    return train, contexts, score


def ours(model, train, contexts, repeats):
    fit = jax.jit(model.fit)
    forecast = jax.jit(jax.vmap(model.forecast, in_axes=(None, 0, None)), static_argnums=2)
    t0 = time.perf_counter()
    fitted = jax.block_until_ready(fit(jax.random.PRNGKey(SEEDS[0]), train))
    jax.block_until_ready(forecast(fitted, contexts, HORIZON))
    compile_s = time.perf_counter() - t0
    fit_s, fc_s = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        fits = [jax.block_until_ready(fit(jax.random.PRNGKey(s), train)) for s in SEEDS]
        fit_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        outs = [jax.block_until_ready(forecast(f, contexts, HORIZON)) for f in fits]
        fc_s.append(time.perf_counter() - t)
    return np.median(fit_s), np.median(fc_s), compile_s, outs


def with_squares(r):
    return np.concatenate([r, r**2], axis=-1)


def reservoirpy_side(model, train, contexts, repeats):
    from reservoirpy import mat_gen
    from reservoirpy.nodes import Reservoir, Ridge

    dim = train.shape[1]
    n = forecasters._esn.reservoir_units(model.size, model.units_per_input, dim)

    def input_matrix(units, input_dim, input_scaling=1.0, seed=None, **_):
        rng = np.random.default_rng(seed)  # dense, uniform in ±σ/√d as esn
        return rng.uniform(-1, 1, (units, input_dim)) * input_scaling / np.sqrt(input_dim)

    def fit(seed):
        res = Reservoir(
            units=n,
            lr=model.leak,
            sr=model.spectral_radius,
            input_scaling=model.input_scale,
            rc_connectivity=model.degree / n,
            Win=input_matrix,
            W=mat_gen.normal,
            bias=mat_gen.uniform(low=-model.bias_scale, high=model.bias_scale),
            seed=seed,
        )
        states = res.run(train[:-1])
        x = np.concatenate([train[:-1], with_squares(states)], axis=1)[model.washout :]
        y = (train[1:] - train[:-1])[model.washout :]
        readout = Ridge(ridge=model.ridge * x.shape[0]).fit(x, y)
        return res, readout

    def forecast(res, readout, context):
        res.reset()
        res.run(context[:-1])
        u, out = context[-1], np.empty((HORIZON, dim))
        w, b = readout.Wout, readout.bias
        for t in range(HORIZON):
            r = res.step(u)
            u = u + np.concatenate([u, with_squares(r)]) @ w + b
            out[t] = u
        return out

    fit_s, fc_s = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        fits = [fit(s) for s in SEEDS]
        fit_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        outs = [np.stack([forecast(res, ro, c) for c in contexts]) for res, ro in fits]
        fc_s.append(time.perf_counter() - t)
    return np.median(fit_s), np.median(fc_s), outs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    import reservoirpy

    model = cb.get_forecaster("esn")
    train, contexts, score = load()
    fit_o, fc_o, compile_o, outs_o = ours(model, train, contexts, args.repeats)
    vpt_o = np.median(np.concatenate([score(o) for o in outs_o]))
    fit_r, fc_r, outs_r = reservoirpy_side(model, train, contexts, args.repeats)
    vpt_r = np.median(np.concatenate([score(o) for o in outs_r]))
    work = (
        f"Lorenz-63 rich, 10,000 training points, {len(SEEDS)} seeds, {WINDOWS} windows of "
        f"{WARMUP} warm-up + {HORIZON} closed-loop steps"
    )
    print(work)
    print(f"  {model.id} (jax {jax.__version__}): compile {compile_o:.1f} s (not counted)")
    tot_o, tot_r = fit_o + fc_o, fit_r + fc_r
    for part, o, r in (("fit", fit_o, fit_r), ("forecast", fc_o, fc_r), ("total", tot_o, tot_r)):
        print(f"  {part:<8} ours {o:7.2f} s   reservoirpy {r:7.2f} s   ratio {r / o:.2f}")
    print(f"  VPT (median t_λ over seeds x windows): ours {vpt_o:.2f}, reservoirpy {vpt_r:.2f}")
    if args.record:
        comparison = f"reservoirpy {reservoirpy.__version__} configured to the {model.id} defaults"
        note = f"; VPT ours {vpt_o:.2f} vs reservoirpy {vpt_r:.2f} t_λ"
        rows = [
            dict(
                benchmark="esn_vs_reservoirpy",
                what=f"{model.id} {part}, {work}, warm (median of {args.repeats}){note}",
                seconds_median=o,
                comparison=comparison,
                comparison_seconds_median=r,
                repeats=args.repeats,
                compile_seconds=compile_o if part == "fit" else None,
            )
            for part, o, r in (
                ("fit", fit_o, fit_r),
                ("forecast", fc_o, fc_r),
                ("fit + forecast", tot_o, tot_r),
            )
        ]
        print("recorded in", record(rows, replace_benchmarks=["esn_vs_reservoirpy"]))


if __name__ == "__main__":
    cb.configure()  # threads and x64, as the CLI does (importing chaosbench sets neither)
    main()
