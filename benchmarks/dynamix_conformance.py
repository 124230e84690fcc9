"""dynamix-v1 against the DynaMix authors' saved notebook results.

Runs our DynaMix (``forecasters/_dynamix.py``) with the published weights on the
authors' test trajectories exactly as their DSR notebook does: the first ``CL`` rows are
the context, the model forecasts the next 10,000 steps, and the forecast is scored
against those true rows. Each system is forecast with several seeds of the gating
noise (the reference draws it at inference too, so its notebooks show one draw).

Printed per system, as median [min, max] over the seeds:

- D_stsp and D_H by the reference's own measures, re-implemented here in numpy from
  their definition in DynaMix-julia's ``src/measures`` (30 bins per coordinate over the
  truth's range widened by 0.1 std, Laplace α = 1e-5, KL(true ‖ generated); power
  spectra of z-scored coordinates smoothed by a Gaussian of σ = 20 bins, 161 taps,
  reflected at the edges, Hellinger distance averaged over coordinates) and their MASE
  (10 steps, naive lag 1);
- D_stsp and D_H by chaosbench's metrics (``chaosbench.attractor_divergence`` on
  coordinates z-scored by the truth, ``chaosbench.spectrum_distance``);
- the notebooks' saved values: DynaMix-julia's ``example_evaluation_DSR.ipynb`` (the
  weights read here) and DynaMix-python's (the same model from the authors' model hub;
  its D_stsp bins over the truth's range without the margin).

Neither the weights nor the trajectories are part of chaosbench (GPL-3.0): take
``models/dynamix-3d-alrnn-v1.0.bson`` and ``notebooks/test_data/*.npy`` from
https://github.com/DurstewitzLab/DynaMix-julia. Usage::

    python benchmarks/dynamix_conformance.py --weights /path/dynamix-3d-alrnn-v1.0.bson \\
        --data-dir /path/DynaMix-julia/notebooks/test_data [--seeds 8] [--systems lorenz63]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

import chaosbench as cb

HORIZON = 10_000
# system: (context length, {notebook: (D_stsp, D_H, MASE)}) as saved in the notebooks
NOTEBOOKS = {
    "lorenz63": (
        2000,
        {"julia": (0.84990335, 0.07706458, 0.40841), "python": (0.804136, 0.064380, 0.285144)},
    ),
    "chua": (
        1028,
        {"julia": (1.9843895, 0.0953209, 0.23023), "python": (2.205967, 0.087704, 0.365661)},
    ),
    "sprottM": (
        512,
        {"julia": (3.2473307, 0.09179375, 0.19407), "python": (3.324536, 0.097411, 0.179653)},
    ),
}


def reference_dstsp(truth: np.ndarray, generated: np.ndarray, bins: int = 30) -> float:
    """The reference's binned D_stsp (``state_space_divergence(X, X̃, n_bins)``)."""
    sigma = truth.std(axis=0, ddof=1)
    lo, hi = truth.min(axis=0) - 0.1 * sigma, truth.max(axis=0) + 0.1 * sigma
    edges = [np.linspace(a, b, bins + 1) for a, b in zip(lo, hi, strict=True)]
    p = np.histogramdd(truth, bins=edges)[0].ravel()
    q = np.histogramdd(generated, bins=edges)[0].ravel()
    if q.sum() == 0:
        return float("nan")
    alpha = 1e-5
    p = (p + alpha) / (p.sum() + alpha * p.size)
    q = (q + alpha) / (q.sum() + alpha * q.size)
    return float(np.sum(p * np.log(p / q)))


def _smoothed_spectrum(x: np.ndarray, sigma: float) -> np.ndarray:
    z = (x - x.mean()) / x.std(ddof=1)
    power = np.abs(np.fft.rfft(z)) ** 2
    half = int(4 * sigma)
    grid = np.arange(-half, half + 1)
    kernel = np.exp(-0.5 * (grid / sigma) ** 2)
    padded = np.pad(power, half, mode="reflect")
    smooth = np.convolve(padded, kernel / kernel.sum(), mode="valid")
    smooth = np.maximum(smooth, 0.0)
    return smooth / smooth.sum()


def reference_dh(truth: np.ndarray, generated: np.ndarray, sigma: float = 20.0) -> float:
    """The reference's D_H (``power_spectrum_error(X, X̃, σ)``)."""
    dists = []
    for i in range(truth.shape[1]):
        p, q = _smoothed_spectrum(truth[:, i], sigma), _smoothed_spectrum(generated[:, i], sigma)
        dists.append(np.sqrt(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2)) / np.sqrt(2))
    return float(np.mean(dists))


def reference_mase(truth: np.ndarray, generated: np.ndarray, steps: int = 10) -> float:
    """The reference's MASE (``MASE(X, X̃, steps)``)."""
    mae = np.abs(truth[:steps] - generated[:steps]).mean(axis=0)
    naive = np.abs(truth[1:] - truth[:-1]).mean(axis=0)
    return float(np.mean(mae / (naive + 1e-8)))


def ours(truth: np.ndarray, generated: np.ndarray) -> tuple[float, float]:
    mean, std = truth.mean(axis=0), truth.std(axis=0)
    zt, zg = (jnp.asarray((a - mean) / std) for a in (truth, generated))
    return float(cb.attractor_divergence(zg, zt)), float(cb.spectrum_distance(zg, zt))


def _summary(values: list[float]) -> str:
    v = np.asarray(values)
    return f"{np.median(v):6.3f} [{v.min():.3f}, {v.max():.3f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", required=True, help="dynamix-3d-alrnn-v1.0.bson")
    parser.add_argument("--data-dir", required=True, help="DynaMix-julia's notebooks/test_data")
    parser.add_argument("--seeds", type=int, default=8, help="draws of the gating noise")
    parser.add_argument("--systems", nargs="+", default=list(NOTEBOOKS), choices=list(NOTEBOOKS))
    args = parser.parse_args()
    cb.configure()
    cb.load_plugins()
    from chaosbench.forecasters import _dynamix

    _dynamix.set_weights_path(args.weights)
    forecaster = cb.get_forecaster("dynamix")
    print(f"dynamix-v1, weights sha256 {forecaster.weights_sha256}; {args.seeds} noise seeds")
    forecast = jax.jit(forecaster.forecast, static_argnums=2)
    for name in args.systems:
        context_length, saved = NOTEBOOKS[name]
        data = np.load(Path(args.data_dir) / f"{name}.npy").astype(np.float64)
        context = jnp.asarray(data[:context_length])
        truth = data[context_length : context_length + HORIZON]
        rows: dict[str, list[float]] = {
            k: [] for k in ("dstsp", "dh", "mase", "ours_dstsp", "ours_dh")
        }
        start = time.perf_counter()
        for seed in range(args.seeds):
            fitted = forecaster.fit(jax.random.PRNGKey(seed), context)
            generated = np.asarray(forecast(fitted, context, HORIZON))
            rows["dstsp"].append(reference_dstsp(truth, generated))
            rows["dh"].append(reference_dh(truth, generated))
            rows["mase"].append(reference_mase(truth, generated))
            a, b = ours(truth, generated)
            rows["ours_dstsp"].append(a)
            rows["ours_dh"].append(b)
        seconds = (time.perf_counter() - start) / args.seeds
        print(f"\n{name}: context {context_length}, horizon {HORIZON} ({seconds:.2f} s a forecast)")
        print(f"  {'':34s} {'D_stsp':>22s} {'D_H':>22s} {'MASE':>22s}")
        print(f"  {'ours, reference measures':34s} {_summary(rows['dstsp']):>22s} "
              f"{_summary(rows['dh']):>22s} {_summary(rows['mase']):>22s}")  # fmt: skip
        print(f"  {'ours, chaosbench metrics':34s} {_summary(rows['ours_dstsp']):>22s} "
              f"{_summary(rows['ours_dh']):>22s}")  # fmt: skip
        for notebook, (dstsp, dh, mase) in saved.items():
            label = f"notebook, DynaMix-{notebook} (one draw)"
            print(f"  {label:34s} {dstsp:>22.3f} {dh:>22.3f} {mase:>22.3f}")


if __name__ == "__main__":
    main()
