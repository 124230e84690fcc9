"""Datasets: deterministic functions of their spec, cached under a content hash.

A dataset holds one training trajectory, ``n_test`` independent test windows (context
followed by horizon) and one long test trajectory for attractor statistics. Every
trajectory starts from its own perturbation of the system's initial condition and is
burned in onto the attractor separately, so no test trajectory is a piece of the
training trajectory. Arrays are float64 in physical units; ``mean`` and ``std`` are the
training statistics used to z-score what forecasters see. A system with phase
coordinates is observed through ``system.wrap_phases`` (each phase θ as ``sin θ`` in its
slot, ``cos θ`` appended), so its arrays are ``system.observed_dimension`` wide.
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

FORMAT_VERSION = 2  # 2: burn-in and sampling in one solve (protocol v3)


@dataclasses.dataclass(frozen=True)
class DatasetSpec:
    """Everything that defines a dataset.

    **Arguments:**

    - `system_id`: a full versioned system id.
    - `parameters`: the system's parameters (a dict; sorted pairs are stored).
    - `dt`: sampling interval.
    - `n_train`: training points; `n_test`: test windows; `context`, `horizon`: their
      lengths in steps; `n_long`: length of the long test trajectory.
    - `burn_in`: time integrated from each perturbed initial condition before sampling.
    - `noise`: observation-noise std as a fraction of each dimension's std (added to the
      training data and contexts, never to the truth the forecasts are scored against).
    - `perturbation`: relative size of the initial-condition perturbations (of
      ``|x| + 1``; 1e-2 pushed starts of basin-fragile systems off their attractors).
    - `seed`: PRNG seed for perturbations and noise.
    - `integrator`: :class:`IntegratorSettings` as a dict.
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
    seed: int = 0
    integrator: tuple[tuple[str, Any], ...] = tuple(sorted(IntegratorSettings().as_dict().items()))

    def __post_init__(self):
        for name in ("n_train", "n_test", "context", "horizon", "n_long"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"DatasetSpec.{name} must be a positive integer")
        if not self.dt > 0:
            raise ValueError("DatasetSpec.dt must be positive")
        if self.noise < 0:
            raise ValueError("DatasetSpec.noise must be non-negative")

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

    def normalise(self, x):
        return (x - self.mean) / self.std

    def denormalise(self, z):
        return z * self.std + self.mean


def dataset_system(spec: DatasetSpec):
    """The system instance that ``spec`` integrates (registry lookup with its parameters)."""
    from ..base._api import systems  # registry lookup only; the core never imports plug-ins

    return systems.get(spec.system_id)(**{k: _thaw(v) for k, v in spec.parameters})


def initial_conditions(spec: DatasetSpec, system) -> jnp.ndarray:
    """The ``n_test + 2`` perturbed starts of ``spec``: training, test windows, long."""
    base = jnp.asarray(system.initial_condition)
    key_ic, _ = jax.random.split(jax.random.PRNGKey(spec.seed))
    scale = spec.perturbation * (jnp.abs(base) + 1.0)
    return base + scale * jax.random.normal(key_ic, (spec.n_test + 2, base.shape[0]), base.dtype)


def integrate_starts(spec: DatasetSpec, system, ics) -> np.ndarray:
    """Burn each start of ``ics`` in and sample it: ``(n_test + 2, n_max, dim)``, in
    state coordinates; a start whose solve fails or blows up is all NaN."""
    n_max = max(spec.n_train, spec.context + spec.horizon, spec.n_long)
    settings = IntegratorSettings(**dict(spec.integrator))
    return np.asarray(
        burn_in_and_sample_batch(system, ics, 0.0, spec.burn_in, spec.dt, n_max, settings)
    )


@float64
def generate(spec: DatasetSpec) -> Dataset:
    """Integrate the dataset of ``spec`` (no cache), in float64 whatever the caller's JAX
    configuration."""
    system = dataset_system(spec)
    _, key_noise = jax.random.split(jax.random.PRNGKey(spec.seed))
    trajs = integrate_starts(spec, system, initial_conditions(spec, system))
    failed = [i for i, t in enumerate(trajs) if not np.isfinite(t).all()]
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
    truncated file is discarded and regenerated, never read.
    """
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
