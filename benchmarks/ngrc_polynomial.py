"""Where does NG-RC at its defaults win, and where does its free run diverge? A test of
one explanation against a results folder's tables: NG-RC's dictionary (a constant, the
delay taps and their monomials up to ``order`` 3) holds one step of an explicit
integrator of dy/dt = f(y) exactly when f is a polynomial of degree ≤ 3 in the state
(Gauthier et al. 2021, Nat. Commun. 12:5564, §Methods: the NVAR learns the flow's
increment; Zhang & Cornelius 2023, "Catch-22s of reservoir computing", Phys. Rev.
Research 5:033213, on how NG-RC depends on the dictionary matching the vector field).

For every system of the folder this script evaluates the vector field at random states
over the attractor's extent (its mean ± its standard deviation per coordinate, from the
facts table; a phase over its whole period) and random times (coordinates scaled to
unit spread), fits
each component by least squares on the monomials of the state up to degree 3, and calls
the field *polynomial* when the relative residual is below 1e-8 (exact up to rounding;
a non-polynomial field leaves a residual many orders larger), *near* when a cubic still
fits it within 10 % of its spread over the attractor, else *far*; and prints Spearman's ρ
between the residual and each forecaster's median VPT (no threshold). Systems above
``MAX_DIMENSION`` variables (too many monomials) are not tested. Then, per class, it
prints NG-RC's median VPT, how often its free run diverges, and the same for a control
forecaster (the ESN), from ``by_system.csv``.

Reads the tables only (no forecaster runs); evaluates each vector field once (a compiled
program per system: a few seconds each).

Run::

    python benchmarks/ngrc_polynomial.py --out results/catalogue
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np
import pandas as pd

MAX_DIMENSION = 10
DEGREE = 3
TOLERANCE = 1e-8  # below: the field is a polynomial of degree ≤ 3 (exact up to rounding)
NEAR = 0.1  # below: a cubic fits the field over the attractor to within 10 % of its spread


def monomials(x: np.ndarray, degree: int = DEGREE) -> np.ndarray:
    """Every monomial of the columns of ``x`` ``(n, d)`` up to ``degree``, with the
    constant: ``(n, C(d + degree, degree))``."""
    n, d = x.shape
    columns = [np.ones(n)]
    for k in range(1, degree + 1):
        for combo in itertools.combinations_with_replacement(range(d), k):
            columns.append(np.prod(x[:, combo], axis=1))
    return np.stack(columns, axis=1)


def polynomial_residual(field, y0: np.ndarray, scale: np.ndarray, *, seed: int = 0) -> float:
    """The largest relative least-squares residual, over the components of ``field``
    (``(t, y) → dy/dt``, vectorised over rows), of a degree-3 polynomial fit in y at
    random states ``y0 + scale · N(0, 1)`` and random times; NaN where too few states give
    a finite field. A component's residual is relative to its spread over the states (or
    to its size, for a constant component such as a phase's dθ/dt)."""
    rng = np.random.default_rng(seed)
    d = y0.shape[0]
    features = monomials(np.zeros((1, d))).shape[1]
    n = max(200, 4 * features)
    y = y0 + scale * rng.standard_normal((n, d))
    t = rng.uniform(0.0, 10.0, n)
    f = np.asarray(field(t, y), dtype=float)
    keep = np.all(np.isfinite(f), axis=1)
    if keep.sum() < 2 * features:
        return float("nan")
    z = (y[keep] - y0) / scale
    a = monomials(z)
    coef, *_ = np.linalg.lstsq(a, f[keep], rcond=None)
    resid = f[keep] - a @ coef
    spread = np.linalg.norm(f[keep] - f[keep].mean(axis=0), axis=0)
    size = np.linalg.norm(f[keep], axis=0)
    scale = np.where(spread > 1e-9 * size, spread, size) + 1e-300  # constant: by its size
    return float(np.max(np.linalg.norm(resid, axis=0) / scale))


def classify(system_ids) -> pd.DataFrame:
    import jax
    import jax.numpy as jnp

    import chaosbench as cb
    from chaosbench.harness._threads import configure

    configure()  # float64, as the benchmark integrates
    cb.load_plugins()
    records = []
    for system_id in system_ids:
        system = cb.get_system(system_id)
        if system.dimension > MAX_DIMENSION:
            records.append({"system": system_id, "dimension": system.dimension})
            continue
        field = jax.jit(jax.vmap(lambda t, y, s=system: s.vector_field(t, y, None)))
        facts = cb.get_facts(system)  # the attractor's mean and spread per coordinate
        d = system.dimension
        mean = np.asarray(facts["mean"], dtype=float)[:d].copy()
        std = np.asarray(facts["std"], dtype=float)[:d].copy()
        for i, period in zip(system.phase_indices, system.phase_periods):
            mean[i], std[i] = period / 2, period / 2  # a phase: its whole period
        residual = polynomial_residual(
            lambda t, y: field(jnp.asarray(t), jnp.asarray(y)), mean, np.maximum(std, 1e-12)
        )
        records.append({"system": system_id, "dimension": system.dimension, "residual": residual})
    out = pd.DataFrame(records)
    residual = out["residual"] if "residual" in out else pd.Series(np.nan, index=out.index)
    out["residual"] = residual
    out["polynomial"] = np.select(
        [residual.isna(), residual < TOLERANCE, residual < NEAR],
        ["not tested", "degree ≤ 3", f"cubic within {NEAR:g}"],
        f"cubic off by ≥ {NEAR:g}",
    )
    return out


def summary(by_system: pd.DataFrame, classes: pd.DataFrame, names) -> pd.DataFrame:
    """Per class and forecaster: systems, median VPT, share of runs whose free run
    diverged, share of systems where it beats persistence."""
    rows = by_system[by_system.task == "rich"].merge(classes, on="system")
    persistence = rows[rows.forecaster.str.startswith("persistence")].set_index("system")
    out = []
    for (label, forecaster), group in rows[rows.forecaster.isin(names)].groupby(
        ["polynomial", "forecaster"]
    ):
        runs = group[["long_run_on_attractor", "long_run_off_attractor", "long_run_diverged"]]
        base = persistence.vpt_lyap_median.reindex(group.system).to_numpy()
        out.append(
            {
                "vector field": label,
                "forecaster": forecaster,
                "systems": len(group),
                "median VPT": group.vpt_lyap_median.median(),
                "diverged runs": group.long_run_diverged.sum() / max(runs.to_numpy().sum(), 1),
                "beats persistence": float(np.mean(group.vpt_lyap_median.to_numpy() > base)),
            }
        )
    return pd.DataFrame(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="a suite's results folder")
    parser.add_argument("--control", default="esn", help="the control forecaster's name")
    args = parser.parse_args(argv)
    by_system = pd.read_csv(args.out / "by_system.csv")
    labels = sorted(by_system.forecaster.unique())
    names = [f for f in labels if f.split("-v")[0] in ("ngrc", args.control)]
    classes = classify(sorted(by_system.system.unique()))
    print(classes.polynomial.value_counts().to_string())
    print()
    pd.set_option("display.width", 200)
    print(summary(by_system, classes, names).to_string(index=False, float_format="%.3g"))
    print()
    rich = by_system[by_system.task == "rich"].merge(classes, on="system")
    vpt = rich[rich.residual.notna()].pivot(
        index="system", columns="forecaster", values="vpt_lyap_median"
    )
    residual = classes.set_index("system").residual.reindex(vpt.index)
    if len(names) == 2:
        ngrc, control = sorted(names, key=lambda n: not n.startswith("ngrc"))
        ahead = vpt[ngrc] - vpt[control]
        by_class = classes.set_index("system").polynomial.reindex(vpt.index)
        for label, group in ahead.groupby(by_class):
            print(
                f"{label}: {ngrc} ahead of {control} on {int((group > 0).sum())} of "
                f"{len(group)} systems, median difference {group.median():+.3g} t_λ"
            )
        rho = residual.rank().corr(ahead.rank())
        print(f"Spearman's ρ between the residual and {ngrc} − {control}: {rho:+.2f}")
    for name in names:
        mine = rich[(rich.forecaster == name) & rich.residual.notna()]
        rho = mine.residual.rank().corr(mine.vpt_lyap_median.rank())
        print(
            f"Spearman's ρ between the cubic fit's residual and {name}'s median VPT over "
            f"{len(mine)} systems: {rho:+.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
