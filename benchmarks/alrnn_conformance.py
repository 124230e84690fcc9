"""Conformance of our AL-RNN with the authors' trained Lorenz-63 model (issue 31).

Loads the AL-RNN the authors trained in their tutorial (``alrnn_python/models/
lorenz_m20_p2`` of DurstewitzLab/ALRNN-DSR, a PyTorch ``state_dict``) into our
:class:`chaosbench.forecasters._alrnn.ALRNNParams`, and checks that

1. our one-step map equals theirs on the same latent states (max abs difference);
2. our free run from the tutorial's initial state follows theirs until rounding
   differences, amplified by the chaos, separate them (the divergence time, in steps),
   and that the two runs then share the attractor statistics;
3. their model's D_stsp and D_H under *our* metrics (``d_stsp-v1``, ``d_h-v1``), on the
   tutorial's evaluation setting, sit beside the tutorial's printed 3.52 / 0.143 and beside
   the same numbers from a reimplementation of the tutorial's own metric code.

**Parameter mapping** (theirs → ours; the state dict holds ``A`` (M,), ``W`` (M, M),
``h`` (M,), ``B`` (N, M); P is a constructor argument, not stored: it is read from the
file name, ``..._p2``, or ``--pwl-units``):

- their step ``z' = A ⊙ z + Φ*(z) Wᵀ + h`` on a row vector, ReLU on the *last* P units:
  ours is ``A ⊙ z + W Φ*(z) + h`` on a column vector, ReLU on the last P units, so
  ``A``, ``W``, ``h`` carry over unchanged (no transpose);
- their initial state ``z₀ = x B`` with ``z₀[:N] = x`` (the first N columns of ``B`` are
  overwritten, so unused): ours is ``[x; L x]``, so ``L = B[:, N:]ᵀ`` (M − N, N);
- observation model: both read the first N latent units (identity);
- normalisation: none in either model. The tutorial's data files are already
  standardised (test: mean ≈ 0.1, std ≈ 1 per coordinate); its training file carries
  white observation noise of std ≈ 0.05, its test file none.

**What it needs:** the ``alrnn_python/`` folder of the authors' repository (the model
file and ``lorenz63_test.npy``), e.g. from a bare clone::

    git -C ALRNN-DSR.git archive HEAD alrnn_python | tar -x -C /tmp/alrnn_dsr

Our package's venv (JAX, SciPy). It does **not** need PyTorch: the model file is a zip
holding a pickle and raw float32 storages, read here by a restricted unpickler that
builds NumPy arrays (it accepts only ``OrderedDict``, torch's tensor-rebuild function
and storage types). Their forward map is reimplemented in NumPy from the tutorial.
Optionally, a small torch-only step cross-checks both the reader and that
reimplementation against ``torch.load`` and a PyTorch run of their map (PyTorch lives
in a scratch venv, never in the package's)::

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install numpy torch
    /tmp/torchenv/bin/python benchmarks/alrnn_conformance.py export \\
        --repo /tmp/alrnn_dsr --out /tmp/alrnn_torch.npz
    .venv/bin/python benchmarks/alrnn_conformance.py --repo /tmp/alrnn_dsr \\
        --reference /tmp/alrnn_torch.npz

Without ``--reference`` the comparison is against the NumPy reimplementation. The
repository path may also come from ``ALRNN_DSR_DIR``.

**The tutorial's evaluation** (``AL-RNN_tutorial.ipynb``, "Analysis"): test data
``lorenz63_test.npy[500:]`` as float32; a free run of 11,000 steps from its first row,
the first 1,000 dropped, leaves 10,000 states; D_stsp = binned KL (30 bins per
coordinate over the truth's range, Laplace smoothing 1e-5) against the whole test
series (99,500 rows); D_H (Gaussian smoothing σ = 20) against its first 10,000 rows.
Their binning drops bin 0 (``coordinates > 0``) and the truth's maximum, and smooths
with scipy's reflecting boundary; ours keeps bin 0, closes the range, and pads with
zeros (``chaosbench.numerics._divergence``). Both are printed.
"""

from __future__ import annotations

import argparse
import io
import os
import pickle
import re
import sys
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

TUTORIAL = {"d_stsp": 3.523789644241333, "d_h": 0.1432960321819651}  # its printed output
T_GEN, T_TRANSIENT, CUT = 10_000, 1_000, 500  # the tutorial's evaluation settings
N_PROBES = 2_000  # latent states for the one-step check

# --------------------------------------------------------------- reading their file

_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
}


def _rebuild_tensor(storage, offset, size, stride, *_):
    """``torch._utils._rebuild_tensor_v2`` for a NumPy storage (honours the strides:
    the tutorial's ``A`` is the strided diagonal view of a 20 × 20 storage)."""
    strides = tuple(s * storage.itemsize for s in stride)
    view = np.lib.stride_tricks.as_strided(storage[offset:], tuple(size), strides)
    return view.copy()


class _StateDictUnpickler(pickle.Unpickler):
    """Unpickles a PyTorch ``state_dict`` into NumPy arrays; refuses anything else."""

    def __init__(self, file, archive: zipfile.ZipFile, prefix: str, byteorder: str):
        super().__init__(file)
        self.archive, self.prefix, self.byteorder = archive, prefix, byteorder

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in _DTYPES:
            return name
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")

    def persistent_load(self, pid):
        kind, storage_type, key, _location, numel = pid
        if kind != "storage" or storage_type not in _DTYPES:
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        dtype = np.dtype(_DTYPES[storage_type]).newbyteorder(
            "<" if self.byteorder == "little" else ">"
        )
        raw = self.archive.read(f"{self.prefix}/data/{key}")
        return np.frombuffer(raw, dtype, count=numel).astype(dtype.newbyteorder("="))


def read_state_dict(path: Path) -> dict[str, np.ndarray]:
    """The arrays of a ``torch.save(model.state_dict(), path)`` zip file, without torch."""
    with zipfile.ZipFile(path) as archive:
        pkl = next(n for n in archive.namelist() if n.endswith("/data.pkl"))
        prefix = pkl[: -len("/data.pkl")]
        names = set(archive.namelist())
        order = f"{prefix}/byteorder"
        byteorder = archive.read(order).decode() if order in names else "little"
        unpickler = _StateDictUnpickler(io.BytesIO(archive.read(pkl)), archive, prefix, byteorder)
        return dict(unpickler.load())


def pwl_units_from_name(path: Path) -> int:
    match = re.search(r"_p(\d+)$", path.name)
    if not match:
        raise SystemExit(f"cannot read P from {path.name!r}: pass --pwl-units")
    return int(match.group(1))


# ------------------------------------------------------- their model, from the tutorial


def their_step(p: dict[str, np.ndarray], z: np.ndarray, pwl: int) -> np.ndarray:
    """The tutorial's ``AL_RNN.forward`` on a batch ``(b, M)``: ``A ⊙ z + Φ*(z) Wᵀ + h``."""
    phi = z.copy()
    phi[:, -pwl:] = np.maximum(phi[:, -pwl:], 0)
    return p["A"] * z + phi @ p["W"].T + p["h"]


def their_init(p: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """The tutorial's ``predict_free_sequence`` initial state: ``z = x B; z[:, :N] = x``."""
    z = x @ p["B"]
    z[:, : x.shape[1]] = x
    return z


def their_free_run(p, x0: np.ndarray, steps: int, pwl: int) -> np.ndarray:
    """``steps`` states after ``x0`` ``(N,)``: ``(steps, M)``, in ``x0``'s dtype."""
    p = {k: v.astype(x0.dtype) for k, v in p.items()}
    z = their_init(p, x0[None])
    out = np.empty((steps, z.shape[1]), x0.dtype)
    for t in range(steps):
        z = their_step(p, z, pwl)
        out[t] = z[0]
    return out


def their_d_stsp(x_gen: np.ndarray, x_true: np.ndarray, n_bins: int = 30) -> float:
    """The tutorial's ``state_space_divergence_binning`` (float32, torch semantics)."""
    x_gen, x_true = x_gen.astype(np.float32), x_true.astype(np.float32)
    lo, hi = x_true.min(0), x_true.max(0)

    def pdf(x):
        c = np.trunc(n_bins * (x - lo) / (hi - lo)).astype(np.int64)  # torch .long()
        c = c[np.all((c > 0) & (c < n_bins), axis=1)]  # their inlier test drops bin 0
        hist = np.zeros((n_bins,) * x.shape[1], np.float32)
        np.add.at(hist, tuple(c.T), 1.0)
        a = np.float32(10e-6)
        return (hist + a) / (hist.sum() + a * n_bins ** x.shape[1])

    p_true, p_gen = pdf(x_true), pdf(x_gen)
    return float(np.sum(p_true * np.log(p_true / p_gen)))


def their_d_h(x_gen: np.ndarray, x_true: np.ndarray, smoothing: float = 20) -> float:
    """The tutorial's ``power_spectrum_error`` (scipy's reflecting Gaussian filter)."""
    from scipy.ndimage import gaussian_filter1d

    def spectrum(x):
        x = (x - x.mean()) / x.std(ddof=1)  # torch's std is unbiased
        ps = np.abs(np.fft.rfft(x)) ** 2 * 2 / len(x)
        ps = gaussian_filter1d(ps, smoothing)
        return ps / ps.sum()

    dists = [
        np.sqrt(1 - np.sum(np.sqrt(spectrum(x_gen[:, i]) * spectrum(x_true[:, i]))))
        for i in range(x_true.shape[1])
    ]
    return float(np.mean(dists))


# --------------------------------------------------------------- the torch-only step


def probe_states(orbit: np.ndarray, m: int) -> np.ndarray:
    """Latent states for the one-step check: half from a free run (on the attractor),
    half Gaussian with twice its spread (every ReLU pattern, off the attractor)."""
    rng = np.random.default_rng(0)
    on = orbit[rng.choice(len(orbit), N_PROBES // 2, replace=False)]
    off = 2 * orbit.std(0) * rng.standard_normal((N_PROBES // 2, m)) + orbit.mean(0)
    return np.concatenate([on, off]).astype(np.float32)


def export(args) -> None:
    """Under PyTorch: ``torch.load`` the model, run their map in torch float32 (the
    tutorial's one-step map on probe states and its free run from the tutorial's initial
    state), and save params and runs to an ``.npz``."""
    import torch

    model_path, test_path = paths(args)
    sd = {k: v.detach() for k, v in torch.load(model_path, weights_only=True).items()}
    pwl = args.pwl_units or pwl_units_from_name(model_path)
    n = sd["B"].shape[0]

    @torch.no_grad()
    def step(z):  # the tutorial's forward: ReLU on a copy's last P units
        phi = z.clone()
        phi[:, -pwl:] = torch.relu(phi[:, -pwl:])
        return sd["A"] * z + phi @ sd["W"].t() + sd["h"]

    x0 = torch.tensor(np.load(test_path).astype(np.float32)[CUT:][:1])
    z = x0 @ sd["B"]
    z[:, :n] = x0
    orbit = torch.empty(args.steps, z.shape[1])
    for t in range(args.steps):
        z = step(z)
        orbit[t] = z[0]
    probes = probe_states(orbit[: T_GEN + T_TRANSIENT].numpy(), z.shape[1])
    np.savez(
        args.out,
        **{f"param_{k}": v.numpy() for k, v in sd.items()},
        pwl_units=pwl,
        probes=probes,
        probe_next=step(torch.tensor(probes)).numpy(),
        orbit=orbit.numpy(),
        torch_version=torch.__version__,
    )
    print(f"wrote {args.out}: torch {torch.__version__}, {args.steps} steps, P = {pwl}")


# ------------------------------------------------------------------- the comparison


def divergence_step(a: np.ndarray, b: np.ndarray, threshold: float) -> int | None:
    """First step (1-based) at which the observed units differ by more than
    ``threshold`` (max over coordinates), or None."""
    over = np.flatnonzero(np.max(np.abs(a - b), axis=1) > threshold)
    return int(over[0]) + 1 if over.size else None


def compare(args) -> None:
    import chaosbench as cb

    cb.configure()  # threads and x64, as the CLI does (the runs below pin float32)

    import jax
    import jax.numpy as jnp

    import chaosbench.metrics  # noqa: F401  (registers d_stsp-v1, d_h-v1)
    from chaosbench.forecasters._alrnn import ALRNN, ALRNNParams

    model_path, test_path = paths(args)
    theirs = read_state_dict(model_path)
    pwl = args.pwl_units or pwl_units_from_name(model_path)
    n, m = theirs["B"].shape
    print(f"{model_path}: " + ", ".join(f"{k} {v.shape} {v.dtype}" for k, v in theirs.items()))
    print(f"M = {m}, N = {n}, P = {pwl}; A in [{theirs['A'].min():.4f}, {theirs['A'].max():.4f}]")

    ref = np.load(args.reference) if args.reference else None
    if ref is not None:
        same = all(np.array_equal(theirs[k], ref[f"param_{k}"]) for k in theirs)
        print(f"reference {args.reference} (torch {ref['torch_version']}): ", end="")
        print(f"restricted unpickler == torch.load bitwise: {same}")
        if not same or int(ref["pwl_units"]) != pwl:
            raise SystemExit("the reference was exported from another model or P")

    ours = ALRNNParams(
        A=jnp.asarray(theirs["A"]),
        W=jnp.asarray(theirs["W"]),
        h=jnp.asarray(theirs["h"]),
        L=jnp.asarray(theirs["B"][:, n:].T),
        pwl_units=pwl,
    )
    test = np.load(test_path).astype(np.float32)[CUT:]  # the tutorial's X_test
    x0 = test[0]
    steps = max(args.steps, T_GEN + T_TRANSIENT)

    # 1. initial state and one step ------------------------------------------------
    print("\n1. one step")
    z0_theirs = their_init(theirs, x0[None])[0]
    z0_ours = np.asarray(ours.init_state(jnp.asarray(x0)))
    print(
        f"  initial state [x; L x] vs their x B (first N set to x): max |diff| = "
        f"{np.max(np.abs(z0_ours - z0_theirs)):.3g}"
    )
    numpy_run = their_free_run(theirs, x0, steps, pwl)
    if ref is not None:
        probes, next_theirs, label = ref["probes"], ref["probe_next"], "torch"
        next_numpy = their_step(theirs, probes.copy(), pwl)
        print(
            f"  NumPy reimplementation vs torch, one step on {len(probes)} states: "
            f"max |diff| = {np.max(np.abs(next_numpy - next_theirs)):.3g}"
        )
    else:
        probes = probe_states(numpy_run[: T_GEN + T_TRANSIENT], m)
        next_theirs, label = their_step(theirs, probes.copy(), pwl), "NumPy reimpl."
    next_ours = np.asarray(jax.jit(jax.vmap(ours.step))(jnp.asarray(probes)))
    diff = np.abs(next_ours - next_theirs)
    scale = np.max(np.abs(next_theirs))
    print(
        f"  ours vs their map ({label}), float32, {len(probes)} latent states "
        f"(half on the attractor, half off; ReLU patterns hit: "
        f"{len(np.unique(probes[:, -pwl:] > 0, axis=0))} of {2**pwl}):"
    )
    print(
        f"    max |diff| = {diff.max():.3g} (largest |z'| = {scale:.3g}; "
        f"float32 eps x |z'| = {np.finfo(np.float32).eps * scale:.3g})"
    )

    # 2. free runs ------------------------------------------------------------------
    print(f"\n2. free run, {steps} steps from the tutorial's initial state (test[{CUT}])")
    run = jax.jit(lambda p, x: p.generate(x[None], steps))
    ours32 = np.asarray(run(ours, jnp.asarray(x0)))
    theirs32 = ref["orbit"][:steps] if ref is not None else numpy_run
    ours64 = np.asarray(
        run(
            jax.tree_util.tree_map(lambda a: a.astype(jnp.float64), ours),
            jnp.asarray(x0, jnp.float64),
        )
    )
    numpy64 = their_free_run(theirs, x0.astype(np.float64), steps, pwl)
    pairs = [
        (f"ours f32 vs {label} f32", ours32, theirs32),
        ("ours f64 vs NumPy reimpl. f64", ours64, numpy64),
    ]
    if ref is not None:
        pairs.insert(1, ("NumPy reimpl. f32 vs torch f32", numpy_run, theirs32))
    for name, a, b in pairs:
        a, b = a[:, :n], b[:, :n]
        err = np.max(np.abs(a - b), axis=1)
        at = ", ".join(f"t={t}: {err[t - 1]:.2g}" for t in (1, 10, 100, 1000) if t <= steps)
        div = ", ".join(f">{thr:g} at {divergence_step(a, b, thr)}" for thr in (1e-4, 1e-2, 0.5))
        print(f"  {name}: max |diff| {at}; first step with |diff| {div}")
    print(f"  (the attractor spans about [{test.min():.1f}, {test.max():.1f}] per coordinate)")

    # 3. metrics --------------------------------------------------------------------
    print("\n3. the tutorial's evaluation: 10,000 states after a 1,000-step transient")
    d_stsp, d_h = cb.get_metric("d_stsp-v1"), cb.get_metric("d_h-v1")
    facts = cb.ScoringFacts(  # D_stsp z-scores with these (the binning is invariant)
        dt=jnp.asarray(jnp.nan),
        max_lyapunov=jnp.asarray(jnp.nan),
        period=jnp.asarray(jnp.nan),
        mean=jnp.asarray(test.mean(0), jnp.float64),
        std=jnp.asarray(test.std(0), jnp.float64),
    )
    truth64 = jnp.asarray(test, jnp.float64)

    def scores(x: np.ndarray) -> tuple[float, float, float, float]:
        """(ours D_stsp, ours D_H, tutorial D_stsp, tutorial D_H) of observed states."""
        f = jnp.asarray(x, jnp.float64)  # the benchmark scores float64 forecasts
        return (
            float(d_stsp.fn(f, truth64, facts)),
            float(d_h.fn(f, truth64[:T_GEN], facts)),
            their_d_stsp(x, test),
            their_d_h(x, test[:T_GEN]),
        )

    def window(z):
        return z[T_TRANSIENT : T_TRANSIENT + T_GEN, :n]

    rows = [
        (f"their model, {label} f32 run", window(theirs32)),
        ("their model, our AL-RNN f32 run", window(ours32)),
        ("their model, our AL-RNN f64 run", window(ours64)),
    ]
    # the forecaster's own path: infer the state from 65 context rows (forcing every
    # τ = 16 steps), then 10,000 free steps, no transient dropped, as the benchmark does
    forecaster = ALRNN(tau=16, min_context=65)
    forecast = forecaster.forecast(ours, jnp.asarray(test[:65]), T_GEN)
    rows.append(("their model, ALRNN.forecast (context 65)", np.asarray(forecast)))
    # a true 10,000-step segment of the test series itself (a subset of the truth, so a
    # lower bound on what a perfect model's 10,000 states score)
    segments = [test[s : s + T_GEN] for s in range(T_GEN, len(test) - T_GEN + 1, T_GEN)]
    print(f"  {'':44s} {'D_stsp ours':>11s} {'D_H ours':>9s} {'D_stsp tut.':>11s} {'D_H tut.':>9s}")
    print(
        f"  {'tutorial notebook (printed)':44s} {'':>11s} {'':>9s} "
        f"{TUTORIAL['d_stsp']:11.4f} {TUTORIAL['d_h']:9.4f}"
    )
    for i, (name, x) in enumerate(rows):
        values = scores(x)
        print(f"  {name:44s} " + " ".join(f"{v:{w}.4f}" for v, w in zip(values, (11, 9, 11, 9))))
        if i == 0 and ref is not None:
            print(
                f"  {'  (tutorial metrics minus the printed values:':44s} "
                f"D_stsp {values[2] - TUTORIAL['d_stsp']:+.1e}, "
                f"D_H {values[3] - TUTORIAL['d_h']:+.1e})"
            )

    # spread over initial states: 10,000-state runs are short for 27,000 bins
    starts = test[np.linspace(0, len(test) - 1, args.starts).astype(int)]
    many = jax.jit(jax.vmap(lambda x: ours.generate(x[None], T_GEN + T_TRANSIENT)))
    runs = np.asarray(many(jnp.asarray(starts)))
    spread = np.array([scores(window(z)) for z in runs])
    true_spread = np.array([scores(s) for s in segments])
    for name, s in (
        (f"their model, our f32 runs from {args.starts} test states", spread),
        (f"true test segments ({len(segments)} x 10,000 states)", true_spread),
    ):
        print(
            f"  {name:44s} "
            + " ".join(
                f"{mu:{w - 5}.3f}±{sd:<4.2f}"
                for mu, sd, w in zip(s.mean(0), s.std(0), (11, 9, 11, 9))
            )
        )
    # long runs: the model's own attractor, with little sampling noise
    long_ours = jnp.asarray(ours32[T_TRANSIENT:, :n], jnp.float64)
    long_theirs = jnp.asarray(theirs32[T_TRANSIENT:, :n], jnp.float64)
    if long_ours.shape[0] > T_GEN:
        print(
            f"  whole {long_ours.shape[0]}-state f32 runs, our metrics: "
            f"ours vs truth D_stsp {float(d_stsp.fn(long_ours, truth64, facts)):.4f}, "
            f"{label} vs truth {float(d_stsp.fn(long_theirs, truth64, facts)):.4f}, "
            f"ours vs {label} (the two runs, after they separated) "
            f"{float(d_stsp.fn(long_ours, long_theirs, facts)):.4f}"
        )


def paths(args) -> tuple[Path, Path]:
    root = Path(args.repo or os.environ.get("ALRNN_DSR_DIR", ""))
    if not str(root):
        raise SystemExit(
            "pass --repo (the ALRNN-DSR checkout, or its alrnn_python/) or set ALRNN_DSR_DIR"
        )
    base = root / "alrnn_python" if (root / "alrnn_python").is_dir() else root
    model, test = base / "models" / args.model, base / "lorenz63_test.npy"
    for f in (model, test):
        if not f.is_file():
            raise SystemExit(f"{f} not found: get DurstewitzLab/ALRNN-DSR (see the docstring)")
    return model, test


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", nargs="?", choices=["compare", "export"], default="compare")
    parser.add_argument("--repo", help="the ALRNN-DSR checkout (or env ALRNN_DSR_DIR)")
    parser.add_argument("--model", default="lorenz_m20_p2", help="file in alrnn_python/models")
    parser.add_argument("--pwl-units", type=int, help="P (default: from the file name)")
    parser.add_argument("--steps", type=int, default=100_000, help="free-run length")
    parser.add_argument("--starts", type=int, default=16, help="initial states for the spread")
    parser.add_argument("--reference", help="an .npz written by the export step (torch)")
    parser.add_argument("--out", default="/tmp/alrnn_torch.npz", help="export: the .npz")
    args = parser.parse_args(argv)
    (export if args.mode == "export" else compare)(args)


if __name__ == "__main__":
    main(sys.argv[1:])
