"""Forecasts from outside chaosbench: a numpy-only NVAR for an exported suite.

A stand-in for a model written in any framework (PyTorch, Julia, …): it reads what
`chaosbench export` wrote, fits a next-generation reservoir computer (NVAR: a constant,
the last two states and their unique quadratic products, ridge regression on the
one-step increment; Gauthier et al., Nat. Commun. 12, 5564 (2021)), and writes the
forecast files that `chaosbench score` reads back::

    chaosbench export --suite default --out /tmp/export
    python examples/foreign_forecast/nvar_numpy.py /tmp/export
    chaosbench score /tmp/export --name nvar_numpy --description "numpy NVAR" --out results/default
    chaosbench leaderboard --out results/default

Everything is z-scored with the training statistics, as native forecasters see it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

DELAYS = 2
RIDGE = 1e-6


def features(window: np.ndarray) -> np.ndarray:
    """[1, x_t, x_{t-1}, unique quadratic products] of the last DELAYS states."""
    linear = window[-DELAYS:][::-1].reshape(-1)
    i, j = np.triu_indices(linear.size)
    return np.concatenate([[1.0], linear, linear[i] * linear[j]])


def fit(train: np.ndarray) -> np.ndarray:
    """Ridge weights mapping features(x_{t-1}, x_t) to x_{t+1} − x_t."""
    rows = np.stack(
        [features(train[t - DELAYS + 1 : t + 1]) for t in range(DELAYS - 1, len(train) - 1)]
    )
    targets = train[DELAYS:] - train[DELAYS - 1 : -1]
    gram = rows.T @ rows + RIDGE * np.eye(rows.shape[1])
    return np.linalg.solve(gram, rows.T @ targets)


def rollout(weights: np.ndarray, context: np.ndarray, steps: int) -> np.ndarray:
    """``steps`` states after ``context``; +inf from the step where the run blows up."""
    window = list(context[-DELAYS:])
    out = np.empty((steps, context.shape[1]))
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            state = window[-1] + features(np.asarray(window)) @ weights
            if not np.isfinite(state).all() or np.abs(state).max() > 1e6:
                out[t:] = np.inf  # blew up: infinite error from here on
                break
            out[t] = state
            window = [window[-1], state]
    return out


def forecast_export(directory: Path) -> int:
    """Write forecast_seed<K>.npz for every entry of an export directory; returns files."""
    top = json.loads((directory / "manifest.json").read_text())
    written = 0
    for entry in top["entries"]:
        where = directory / entry["path"]
        manifest = json.loads((where / "manifest.json").read_text())
        for seed in range(manifest["seeds"]):  # each seed has its own dataset
            with np.load(where / f"data_seed{seed}.npz") as data:
                train, contexts = data["train_z"], data["contexts_z"]
            weights = fit(train)
            windows = np.stack([rollout(weights, c, manifest["horizon"]) for c in contexts])
            long = rollout(weights, contexts[0], manifest["n_long"])
            np.savez(where / f"forecast_seed{seed}.npz", windows=windows, long=long)
            written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="a directory made by `chaosbench export`")
    args = parser.parse_args()
    print(f"wrote {forecast_export(args.directory)} forecast files under {args.directory}")


if __name__ == "__main__":
    main()
