"""Datasets: deterministic functions of their spec, cached under a content hash.

A dataset holds one training trajectory, ``n_test`` independent test windows (context
followed by horizon) and one long test trajectory for attractor statistics. Arrays are
float64 in physical units; ``mean`` and ``std`` are the training statistics used to
z-score what forecasters see. A system with phase coordinates is observed through
``system.wrap_phases`` (each phase θ as ``sin θ`` in its slot, ``cos θ`` appended), so its
arrays are ``system.observed_dimension`` wide.

**The draw of the starts (dataset format 3, protocol v5).** Every trajectory starts from
its own point of the attractor, far from the others along one reference orbit:

1. one seeded start: the system's initial condition ``x₀`` perturbed by
   ``perturbation · (|x₀| + 1) · N(0, 1)`` drawn from ``PRNGKey(seed)`` (so seed ``s``
   draws its own dataset);
2. a burn-in of ``burn_in`` time units onto the attractor;
3. a reference orbit from there, integrated in one compiled program (a ``lax.scan`` of
   solves, each advancing to the next start: no Python loop over starts or time, and the
   solver's step budget applies to each leg), that visits the ``n_test + 2`` starts in the
   order training, test windows 1…n_test, long run. The first start lies ``separation``
   past the burn-in, every other one ``separation`` (plus one sampling interval) after the
   *end* of the previous trajectory's stretch, so no trajectory overlaps another along the
   orbit and two consecutive starts are at least ``separation`` apart; each gap is
   lengthened by a random fraction of ``jitter`` (one period: a random phase for every
   start) drawn from the seed (:func:`start_times`);
4. each start is then sampled on its own (the batched sampler, vmapped over starts and
   their times, one program), so a trajectory is a function of its start alone.

The protocol sets ``separation`` so that any difference between two starts, however small,
has grown to the attractor's size (``e^{λ·separation} ≥ 1e8``: at least 20 Lyapunov times,
and at least 10 periods; :class:`chaosbench.numerics._protocol.Protocol`); then the
trajectories are as unrelated as independent draws from the invariant measure, and
:mod:`chaosbench.catalogue._independence` checks it per system. Stepped systems (delay
equations, Kuramoto–Sivashinsky) run the same draw with their own fixed-step scheme.
Phases are integrated unwrapped along the reference orbit and wrapped only when observed.
In a mixed phase space (a Hamiltonian system such as ``bickley_jet``: chaotic seas beside
regular islands) the reference orbit from one start keeps every start of a dataset on that
start's component, so all trajectories of a dataset explore the same chaotic sea and none
sits on a regular island or in another sea; seeds start within ``perturbation`` of the
same initial condition, so they share that sea too. The facts (λ, which sets the
separation; the period) are measured from starts near the same initial condition, so they
describe that sea (``bickley_jet``'s λ̂ is 5.2e-8 from its default start but 1.7–2.0e-7
from starts 0.05 away: a dataset drawn elsewhere would need its own facts).

``separation = 0`` lays the stretches end to end (tests only). Format 2 (protocols v3–v4)
started every trajectory from its own ``1e-4`` perturbation of one initial condition after
the same burn-in, which on slow-chaos systems left test windows near-copies of the
training trajectory.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..base._cache import atomic_write_bytes, cache_dir, content_hash
from ..base._precision import float64
from ._integrate import IntegratorSettings, burn_in_and_sample_batch
from ._starts import failed_trajectories, initial_conditions, integrate_starts

FORMAT_VERSION = 3  # 2: burn-in and sampling in one solve (protocol v3)
# 3: starts far apart along one reference orbit (protocol v5)


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """Everything that defines a dataset.

    **Arguments:**

    - `system_id`: a full versioned system id.
    - `parameters`: the system's parameters (a dict; sorted pairs are stored).
    - `dt`: sampling interval.
    - `n_train`: training points; `n_test`: test windows; `context`, `horizon`: their
      lengths in steps; `n_long`: length of the long test trajectory.
    - `burn_in`: time integrated from the seeded start before the reference orbit's
      first start (the training trajectory's).
    - `noise`: observation-noise std as a fraction of each dimension's std (added to the
      training data and contexts, never to the truth the forecasts are scored against).
    - `perturbation`: relative size of the seeded start's perturbation (of ``|x| + 1``;
      1e-2 pushed starts of basin-fragile systems off their attractors).
    - `separation`: time along the reference orbit between the end of one trajectory's
      stretch and the next start (see the module docstring; the protocol's choice is
      :meth:`chaosbench.numerics._protocol.Protocol.separation`).
    - `jitter`: each gap is lengthened by a uniform random fraction of this (the protocol:
      one dominant period), drawn from the seed (:func:`start_times`).
    - `seed`: PRNG seed for the start and the noise.
    - `integrator`: :class:`IntegratorSettings` as a dict.
    - `observed`: the coordinates a forecaster sees (``None``: all). The dataset is the
      all-coordinate one's projection on them (the same trajectories and noise, so one-
      and all-variable tasks are compared on the same data; the cache holds the
      all-coordinate arrays once). Left out of :meth:`as_dict` when ``None``, so the
      hashes of all-coordinate specs are those they had before the field existed.
    """

    system_id: str
    parameters: tuple[tuple[str, Any], ...]
    dt: float
    n_train: int
    n_test: int
    context: int
    horizon: int
    n_long: int
    burn_in: float
    noise: float = 0.0
    perturbation: float = 1e-4
    separation: float = 0.0
    jitter: float = 0.0
    seed: int = 0
    integrator: tuple[tuple[str, Any], ...] = tuple(sorted(IntegratorSettings().as_dict().items()))
    observed: tuple[int, ...] | None = None

    def __post_init__(self):
        if self.observed is not None:
            observed = tuple(int(k) for k in self.observed)
            if not observed or min(observed) < 0 or len(set(observed)) != len(observed):
                raise ValueError("DatasetSpec.observed must list distinct coordinates ≥ 0")
            object.__setattr__(self, "observed", observed)
        for name in ("n_train", "n_test", "context", "horizon", "n_long"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"DatasetSpec.{name} must be a positive integer")
        if not self.dt > 0:
            raise ValueError("DatasetSpec.dt must be positive")
        if self.noise < 0:
            raise ValueError("DatasetSpec.noise must be non-negative")
        if not (self.separation >= 0 and self.jitter >= 0):
            raise ValueError("DatasetSpec.separation and jitter must be non-negative")

    @classmethod
    def create(cls, system_id: str, parameters: dict[str, Any], **kwargs) -> DatasetSpec:
        integrator = kwargs.pop("integrator", IntegratorSettings())
        if isinstance(integrator, IntegratorSettings):
            integrator = integrator.as_dict()
        return cls(
            system_id=system_id,
            parameters=tuple(sorted((k, _freeze(v)) for k, v in parameters.items())),
            integrator=tuple(sorted(integrator.items())),
            **kwargs,
        )

    def as_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["parameters"] = dict(self.parameters)
        out["integrator"] = dict(self.integrator)
        out["format"] = FORMAT_VERSION
        if self.observed is None:
            del out["observed"]
        return out

    @property
    def hash(self) -> str:
        return content_hash(self.as_dict())


def _freeze(value):
    if isinstance(value, list | tuple | np.ndarray):
        return tuple(_freeze(v) for v in np.asarray(value).tolist())
    return value


@dataclasses.dataclass(frozen=True)
class Dataset:
    """Arrays of a dataset (physical units, float64)."""

    spec: DatasetSpec
    train: np.ndarray  # (n_train, dim): dim = system.observed_dimension
    test: np.ndarray  # (n_test, context + horizon, dim)
    long: np.ndarray  # (n_long, dim)
    mean: np.ndarray  # (dim,)
    std: np.ndarray  # (dim,)

    @property
    def contexts(self) -> np.ndarray:
        return self.test[:, : self.spec.context]

    @property
    def truths(self) -> np.ndarray:
        return self.test[:, self.spec.context :]

    def observe(self, coordinates: tuple[int, ...] | None) -> Dataset:
        """This dataset as seen through ``coordinates`` (``None``: all of them): every
        array projected on them, the spec saying so."""
        if coordinates is None:
            return self
        idx = list(coordinates)
        return Dataset(
            dataclasses.replace(self.spec, observed=tuple(coordinates)),
            self.train[:, idx],
            self.test[..., idx],
            self.long[:, idx],
            self.mean[idx],
            self.std[idx],
        )

    def normalise(self, x):
        return (x - self.mean) / self.std

    def denormalise(self, z):
        return z * self.std + self.mean


def dataset_system(spec: DatasetSpec):
    """The system instance that ``spec`` integrates (registry lookup with its parameters)."""
    from ..base._api import systems  # registry lookup only; the core never imports plug-ins

    return systems.get(spec.system_id)(**{k: _thaw(v) for k, v in spec.parameters})


@float64
def generate(spec: DatasetSpec) -> Dataset:
    """Integrate the dataset of ``spec`` (no cache), in float64 whatever the caller's JAX
    configuration."""
    if spec.observed is not None:
        return generate(dataclasses.replace(spec, observed=None)).observe(spec.observed)
    system = dataset_system(spec)
    trajs = integrate_starts(spec, system, initial_conditions(spec, system))
    return _assemble(spec, system, trajs)


@float64
def generate_v4(spec: DatasetSpec) -> Dataset:
    """The dataset ``spec`` would have had under dataset format 2 (protocols v3–v4): every
    trajectory from its own ``perturbation`` of the one initial condition, burned in for
    ``burn_in`` and sampled in one solve (``separation`` ignored). Kept only to measure
    what the v5 draw changed (the independence tests, ``benchmarks/dataset_starts.py``);
    never cached, never scored."""
    system = dataset_system(spec)
    base = jnp.asarray(system.initial_condition)
    key_ic, _ = jax.random.split(jax.random.PRNGKey(spec.seed))
    scale = spec.perturbation * (jnp.abs(base) + 1.0)
    ics = base + scale * jax.random.normal(key_ic, (spec.n_test + 2, base.shape[0]), base.dtype)
    n_max = max(spec.n_train, spec.context + spec.horizon, spec.n_long)
    settings = IntegratorSettings(**dict(spec.integrator))
    trajs = burn_in_and_sample_batch(system, ics, 0.0, spec.burn_in, spec.dt, n_max, settings)
    return _assemble(spec, system, np.asarray(trajs))


def _assemble(spec: DatasetSpec, system, trajs: np.ndarray) -> Dataset:
    """The dataset of ``spec`` from its sampled trajectories (state coordinates)."""
    _, key_noise = jax.random.split(jax.random.PRNGKey(spec.seed))
    failed = failed_trajectories(spec, trajs)
    if failed:
        raise FloatingPointError(
            f"integrating {spec.system_id} produced non-finite values in {len(failed)} of "
            f"its {len(trajs)} trajectories (indices {failed}: 0 is the training one, the "
            "last the long one): the solve ran out of its step budget or blew up (an "
            f"unbounded system, tolerances {dict(spec.integrator)} too loose or too tight, "
            "or an attractor that a perturbed start escapes from); check it with "
            f"`chaosbench check-system {spec.system_id}` and `chaosbench leaks --record "
            f"{spec.system_id}`, which records a leak so that the check refuses the system"
        )
    trajs = system.wrap_phases(trajs)  # phases (forcing, torus) as sin θ, cos θ
    train = trajs[0, : spec.n_train]
    test = trajs[1 : 1 + spec.n_test, : spec.context + spec.horizon]
    long = trajs[-1, : spec.n_long]
    if spec.noise > 0:
        k1, k2 = jax.random.split(key_noise)
        std = train.std(axis=0)
        train = train + spec.noise * std * np.asarray(jax.random.normal(k1, train.shape))
        noisy_ctx = test[:, : spec.context] + spec.noise * std * np.asarray(
            jax.random.normal(k2, test[:, : spec.context].shape)
        )
        test = np.concatenate([noisy_ctx, test[:, spec.context :]], axis=1)
    mean, std = train.mean(axis=0), train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return Dataset(spec, train, test, long, mean, std)


def _thaw(value):
    return list(value) if isinstance(value, tuple) else value


def _path(spec: DatasetSpec) -> Path:
    return cache_dir() / "datasets" / f"{spec.system_id}-{spec.hash}.npz"


@float64
def make_dataset(spec: DatasetSpec, *, use_cache: bool = True) -> Dataset:
    """The dataset of ``spec``: read from the cache if a verified copy exists, else made.

    A cache file is checked against the SHA-256 stored beside it; a corrupted or
    truncated file is discarded and regenerated, never read. A spec with ``observed``
    coordinates projects the all-coordinate dataset (cached under its own spec).
    """
    if spec.observed is not None:
        full = make_dataset(dataclasses.replace(spec, observed=None), use_cache=use_cache)
        return full.observe(spec.observed)
    path = _path(spec)
    if use_cache:
        cached = _read(path, spec)
        if cached is not None:
            return cached
    data = generate(spec)
    if use_cache:
        _write(path, data)
    return data


def _write(path: Path, data: Dataset) -> None:
    buffer = io.BytesIO()
    np.savez(
        buffer,
        train=data.train,
        test=data.test,
        long=data.long,
        mean=data.mean,
        std=data.std,
        spec=np.asarray(json.dumps(data.spec.as_dict(), sort_keys=True)),
    )
    payload = buffer.getvalue()
    atomic_write_bytes(path, payload)
    atomic_write_bytes(path.with_suffix(".sha256"), hashlib.sha256(payload).hexdigest().encode())


def _read(path: Path, spec: DatasetSpec) -> Dataset | None:
    checksum = path.with_suffix(".sha256")
    if not (path.exists() and checksum.exists()):
        return None
    payload = path.read_bytes()
    if hashlib.sha256(payload).hexdigest() != checksum.read_text().strip():
        path.unlink(missing_ok=True)
        checksum.unlink(missing_ok=True)
        return None
    with np.load(io.BytesIO(payload)) as npz:
        if json.loads(str(npz["spec"])) != json.loads(json.dumps(spec.as_dict(), sort_keys=True)):
            return None
        return Dataset(spec, npz["train"], npz["test"], npz["long"], npz["mean"], npz["std"])
