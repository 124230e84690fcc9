"""Dynamical-systems-reconstruction quality of shPLRNN + GTF and the AL-RNN.

Trains through the benchmark's real data path (``Protocol().dataset_spec`` on the
``rich`` task, ``make_dataset``, ``score``) and prints, per configuration, the median
over seeds of D_stsp, D_H, VPT (Lyapunov times) and the fit time, next to the
truth-vs-truth floor of the same metrics (the two halves of the long test trajectory
scored against each other: the metrics' sampling noise at that length), and the
training throughput (steps per second, the seeds vmapped) of the default
Lorenz-63 shPLRNN configuration. ``--steps`` trains every configuration longer.

Usage::

    python benchmarks/dsr_quality.py                    # registered default budgets
    python benchmarks/dsr_quality.py --steps 20000      # longer budget
    python benchmarks/dsr_quality.py --only shplrnn     # one family
    python benchmarks/dsr_quality.py --authors          # the authors' budgets and lr
    python benchmarks/dsr_quality.py --only shplrnn --long 200000   # scored on 200k points
    python benchmarks/dsr_quality.py --only alrnn --authors --set pwl_units=4   # any hyperparameter

The papers' targets (Lorenz-63 D_stsp ≤ 0.3, D_H ≤ 0.1) were measured with 100,000+
generated points and the authors' own binning; here D_stsp uses the benchmark's
50,000-point long trajectory (30 bins per z-scored coordinate), so read it next to the
printed floor.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import os
import time

os.environ.setdefault("CHAOSBENCH_CACHE", "/tmp/cbcache")

import equinox as eqx  # noqa: E402
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import chaosbench as cb  # noqa: E402
import chaosbench.forecasters  # noqa: E402, F401
import chaosbench.metrics  # noqa: E402, F401
import chaosbench.systems  # noqa: E402, F401
from chaosbench import fit_seeds, forecast_windows  # noqa: E402
from chaosbench.forecasters._alrnn import ALRNN  # noqa: E402
from chaosbench.forecasters._plrnn import ShPLRNNGTF  # noqa: E402
from chaosbench.metrics._attractor import hellinger_spectrum_distance, state_space_divergence  # noqa: E402

# (family, label, system, forecaster class, overrides, the authors' training budget): the
# authors' per-system settings; the budgets are their epochs × 50 batches and learning-rate
# ranges (shPLRNN: Hess et al. 2023; AL-RNN: the reference code's lorenz63/rossler settings)
CONFIGS = [
    (
        "shplrnn",
        "shPLRNN+GTF  M=3 H=100",
        "lorenz63",
        ShPLRNNGTF,
        {},
        dict(train_steps=100_000, lr_start=1e-3, lr_end=1e-6),
    ),
    (
        "alrnn",
        "AL-RNN M=20 P=2 tau=16",
        "lorenz63",
        ALRNN,
        {},
        dict(train_steps=100_000, lr_start=1e-3, lr_end=1e-5),
    ),
    (
        "alrnn",
        "AL-RNN M=20 P=1 tau=8 T=300",
        "rossler",
        ALRNN,
        dict(pwl_units=1, tau=8, seq_len=300),
        dict(train_steps=150_000, lr_start=5e-3, lr_end=1e-5),
    ),
]


def load(system_name: str, n_train: int | None = None):
    system = cb.get_system(system_name)
    facts = cb.get_facts(system)
    task = cb.TASKS["rich"]
    if n_train is not None:
        task = dataclasses.replace(task, name=f"rich_{n_train}", n_train=n_train)
    data = cb.make_dataset(cb.Protocol().dataset_spec(system, facts, task))
    return facts, data


def truth_floor(data, facts) -> tuple[float, float]:
    """D_stsp and D_H of the two halves of the long test trajectory against each other.

    Two independent stretches of the true attractor of equal length: the sampling noise
    of the metrics at that length. (The model's free run is scored at the full length, so
    its floor is somewhat lower still.)"""
    scoring = cb.ScoringFacts(
        dt=jnp.asarray(data.spec.dt),
        max_lyapunov=jnp.asarray(facts["max_lyapunov"]),
        period=jnp.asarray(facts["period"]),
        mean=jnp.asarray(data.mean),
        std=jnp.asarray(data.std),
    )
    half = data.long.shape[0] // 2
    a, b = jnp.asarray(data.long[:half]), jnp.asarray(data.long[half:])
    return (
        float(state_space_divergence(a, b, scoring)),
        float(hellinger_spectrum_distance(a, b, scoring)),
    )


def long_scores(model, data, facts, seeds, n: int) -> dict[str, float]:
    """D_stsp and D_H of ``n``-step free runs (one per seed, from the first test context)
    against an ``n``-point true trajectory, and the truth-vs-truth floor at that length
    (two true trajectories from different starts): the papers scored 100,000+ points."""
    system = cb.get_system(data.spec.system_id)
    if system.phase_indices:
        raise ValueError("--long supports systems without phase coordinates")
    settings = cb.IntegratorSettings(**dict(data.spec.integrator))
    starts = jnp.asarray(np.stack([data.long[-1], data.train[-1]]))
    starts = cb.advance_batch(system, starts, 0.0, 100 * facts["period"], settings)
    truth = cb.sample_batch(system, starts, 0.0, data.spec.dt, n, settings)
    scoring = cb.ScoringFacts(
        dt=jnp.asarray(data.spec.dt),
        max_lyapunov=jnp.asarray(facts["max_lyapunov"]),
        period=jnp.asarray(facts["period"]),
        mean=jnp.asarray(data.mean),
        std=jnp.asarray(data.std),
    )
    train = jnp.asarray(data.normalise(data.train))
    context = jnp.asarray(data.normalise(data.contexts[:1]))
    fitted_all, _ = fit_seeds(model, train, seeds)
    d_stsp, d_h = [], []  # per seed
    for fitted in fitted_all:
        z = np.asarray(forecast_windows(model, fitted, context, n))[0]
        if not np.isfinite(z).all():
            d_stsp.append(np.inf)
            d_h.append(1.0)
            continue
        run = jnp.asarray(data.denormalise(z))
        d_stsp.append(float(state_space_divergence(run, truth[0], scoring)))
        d_h.append(float(hellinger_spectrum_distance(run, truth[0], scoring)))
    return {
        "d_stsp": float(np.median(d_stsp)),
        "d_h": float(np.median(d_h)),
        "floor_stsp": float(state_space_divergence(truth[1], truth[0], scoring)),
        "floor_h": float(hellinger_spectrum_distance(truth[1], truth[0], scoring)),
        "per_seed": d_stsp,
        "per_seed_h": d_h,
    }


def steps_per_second(model, train, seeds, steps: int = 200) -> float:
    """Training steps per second of the compiled, seed-vmapped fit (compile excluded)."""
    model = dataclasses.replace(model, train_steps=steps)
    fit = eqx.filter_jit(eqx.filter_vmap(model.fit, in_axes=(0, None)))
    keys = jnp.stack([jax.random.PRNGKey(s) for s in seeds])
    compiled = fit.lower(keys, train).compile()
    start = time.perf_counter()
    jax.block_until_ready(compiled(keys, train))
    return steps / (time.perf_counter() - start)


def _key_value(item: str) -> tuple[str, object]:
    """``"pwl_units=4"`` → ``("pwl_units", 4)``; the value is a Python literal."""
    key, sep, value = item.partition("=")
    if not sep or not key:
        raise SystemExit(f"--set expects KEY=VALUE, got {item!r} (e.g. --set pwl_units=4)")
    try:
        return key, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        raise SystemExit(
            f"--set {item!r}: the value must be a Python literal (4, 1e-3, True)"
        ) from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help="training batches (default: each forecaster's registered default)",
    )
    parser.add_argument(
        "--lr",
        type=float,
        nargs=2,
        metavar=("START", "END"),
        default=None,
        help="learning rate decaying exponentially from START to END (default: registered)",
    )
    parser.add_argument(
        "--select-every",
        type=int,
        default=None,
        help="batches between checkpoint scores (default: registered; 0 = keep the last)",
    )
    parser.add_argument(
        "--select-starts",
        type=int,
        default=None,
        help="AL-RNN only: free runs (from observations spread over the training data) "
        "averaged in each checkpoint score (default: registered, 4)",
    )
    parser.add_argument(
        "--n-train",
        type=int,
        default=None,
        help="training points (default: the rich task's 10,000; the authors used 100,000)",
    )
    parser.add_argument(
        "--long",
        type=int,
        default=None,
        metavar="N",
        help="instead of the benchmark's scores: D_stsp and D_H of N-step free runs against "
        "an N-point true trajectory, beside the truth-vs-truth floor at N",
    )
    parser.add_argument(
        "--authors",
        action="store_true",
        help="train each configuration with its authors' budget and learning rates "
        "(100,000-150,000 batches; --steps/--lr still override)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="any other hyperparameter of the forecaster (a Python literal), e.g. "
        "--set pwl_units=4 --set adaptive_alpha=True; repeatable",
    )
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--only", choices=["shplrnn", "alrnn"], default=None)
    parser.add_argument("--system", choices=["lorenz63", "rossler"], default=None)
    args = parser.parse_args()
    settings = dict(_key_value(item) for item in args.set)
    seeds = list(range(args.seeds))
    metric_list = [cb.get_metric(m) for m in cb.list_metrics()]
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}, seeds {seeds}")
    print(
        f"overrides: steps={args.steps} lr={args.lr} select_every={args.select_every} "
        f"select_starts={args.select_starts} n_train={args.n_train} authors={args.authors} "
        f"set={settings}"
    )
    header = (
        f"{'configuration':30s} {'system':9s} {'steps':>6s} {'D_stsp':>7s} {'floor':>6s} "
        f"{'D_H':>6s} {'floor':>6s} {'VPT':>6s} {'fit s':>7s} {'cpu s':>7s} ok"
    )
    print(header)
    for family, label, system_name, cls, overrides, authors in CONFIGS:
        if (args.only and family != args.only) or (args.system and system_name != args.system):
            continue
        facts, data = load(system_name, args.n_train)
        if args.authors:
            overrides = dict(overrides, **authors)
        if args.steps is not None:
            overrides = dict(overrides, train_steps=args.steps)
        if args.lr is not None:
            overrides = dict(overrides, lr_start=args.lr[0], lr_end=args.lr[1])
        if args.select_every is not None:
            overrides = dict(overrides, select_every=args.select_every)
        if args.select_starts is not None and family == "alrnn":
            overrides = dict(overrides, select_starts=args.select_starts)
        known = {f.name for f in dataclasses.fields(cls)}
        if unknown := sorted(set(settings) - known):
            raise SystemExit(
                f"--set {', '.join(unknown)}: not a hyperparameter of {cls.__name__}; "
                f"known: {', '.join(sorted(known))}"
            )
        model = cls(**dict(overrides, **settings))
        if settings:  # the label names the registered configuration; say what differs
            label = f"{family} " + " ".join(f"{k}={v}" for k, v in settings.items())
        if args.long:
            start = time.perf_counter()
            r = long_scores(model, data, facts, seeds, args.long)
            print(
                f"{label:30s} {system_name:9s} {model.train_steps:6d} {r['d_stsp']:7.3f} "
                f"{r['floor_stsp']:6.3f} {r['d_h']:7.3f} {r['floor_h']:6.3f} "
                f"(N = {args.long}; D_stsp per seed "
                f"{' '.join(f'{x:.3f}' for x in r['per_seed'])}, D_H "
                f"{' '.join(f'{x:.3f}' for x in r['per_seed_h'])}; "
                f"{time.perf_counter() - start:.0f} s)",
                flush=True,
            )
            continue
        cpu = time.process_time()
        rows = cb.score(model, data, facts, seeds=seeds, metrics=metric_list)
        cpu = time.process_time() - cpu
        med = lambda k: float(np.median([r[k] for r in rows]))
        floor_stsp, floor_h = truth_floor(data, facts)
        ok = sum(r["status"] == "ok" for r in rows)
        print(
            f"{label:30s} {system_name:9s} {model.train_steps:6d} {med('d_stsp'):7.3f} "
            f"{floor_stsp:6.3f} {med('d_h'):7.3f} {floor_h:6.3f} {med('vpt_lyap'):6.2f} "
            f"{rows[0]['fit_seconds'] * len(seeds):7.1f} {cpu:7.1f} {ok}/{len(seeds)}",
            flush=True,
        )
        if family == "shplrnn" and system_name == "lorenz63":
            train = jnp.asarray(data.normalise(data.train))
            # a whole number of checkpoint epochs, so selection is timed too
            rate = steps_per_second(model, train, seeds, max(200, 2 * model.select_every))
            print(
                f"  throughput: {rate:.1f} training steps/s ({len(seeds)} seeds vmapped, "
                f"batch {model.batch_size} x {model.seq_len}; compile excluded)",
                flush=True,
            )
    print(
        "fit s: wall time of the vmapped fit of all seeds (compile included); cpu s: "
        "process CPU time of fit + forecasts + metrics (the machine may be shared)"
    )


if __name__ == "__main__":
    cb.configure()  # threads and x64, as the CLI does (importing chaosbench sets neither)
    main()
