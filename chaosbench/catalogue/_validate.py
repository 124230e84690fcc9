"""Checks that a system is fit for the benchmark: well-formed, bounded, chaotic, new.

``validate_system`` is cheap (one vector-field evaluation) and runs before anything is
integrated; ``verdict`` judges computed facts and is what ``chaosbench check-system``
prints and what the runner refuses to run on. ``twins`` finds the registered systems
whose vector field is the new one's (the same system under another name), for
``check-system`` to warn about.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import jax
import numpy as np

from ..base._precision import float64
from ..base._system import AbstractSystem
from ._confirmation import CONFIRM_COMMAND, find_record, judge, tables
from ._leaks import MAX_ABS, leak_reason

MIN_SIGMAS = 3.0  # λ_max must exceed this many standard errors
MIN_LAMBDA_PERIOD = 0.03
"""The tangent screen's floor on λ_max · period.

λ_max · period is the fraction of a Lyapunov time that passes per dominant period (its
inverse is the Lyapunov time in periods). Below 0.03 a system's Lyapunov time is over
33 periods, and the facts' tangent-space estimate (4 starts × 400 periods, see
:class:`chaosbench.catalogue._facts.FactsSettings`) spans only about ten Lyapunov times: too few
to tell slow chaos from a torus or a long regular transient, whose finite-time exponent
decays like log T / T and is still positive at 400 periods. Measured: of the eight
systems that passed the old check (λ_max > 3 standard errors) with tangent λ_max · period
between 0.005 and 0.026, two-trajectory estimates over 2000 periods × 3 starts find five
regular (λ̂ · period ≤ 0.006: ``ca_two_plus_quasiperiodic-v1``, ``dequan_li-v1``,
``henon_heiles-v1``, ``kawczynski_strizhak-v1``, ``sprott_a-v1``) and three chaotic
(``bickley_jet-v2`` 0.022, ``nose_hoover-v1`` 0.092, ``sprott_more-v1`` 1.6): in that
range the tangent value does not separate them. The next system up,
``swinging_atwood-v2`` at 0.047, is chaotic by two trajectories too (0.050, flat). Below
the floor, the confirmation table decides (:mod:`chaosbench.catalogue._confirmation`)."""


class InvalidSystemError(ValueError):
    """A system is malformed, unbounded or not chaotic."""


def validate_system(system: AbstractSystem) -> None:
    """Raise :class:`InvalidSystemError` if the vector field is malformed at the IC."""
    name = system.id or type(system).__name__
    y0 = np.asarray(system.initial_condition, dtype=np.float64)
    if y0.ndim != 1 or y0.size == 0:
        raise InvalidSystemError(
            f"system {name}: initial_condition must be a non-empty 1-D vector, got shape "
            f"{y0.shape}; set default_initial_condition to a tuple of floats"
        )
    try:
        shape = jax.eval_shape(lambda y: system.vector_field(0.0, y, None), y0).shape
    except Exception as error:  # noqa: BLE001 - re-raised with the fix
        raise InvalidSystemError(
            f"system {name}: vector_field(t, y, args) fails on the initial condition of "
            f"length {y0.size} ({type(error).__name__}: {error}); check that "
            "default_initial_condition has one entry per state variable"
        ) from error
    if tuple(shape) != y0.shape:
        raise InvalidSystemError(
            f"system {name}: vector_field returns shape {tuple(shape)} for a state of shape "
            f"{y0.shape}; it must return one derivative per state variable (jnp.stack "
            "them), and default_initial_condition needs one entry per state variable"
        )
    value = np.asarray(system.vector_field(0.0, y0, None))
    if not np.isfinite(value).all():
        raise InvalidSystemError(
            f"system {name}: vector_field is not finite at the initial condition "
            f"({value.tolist()}); check the equations and the initial condition"
        )


TWIN_STATES = 8  # random states at which two vector fields are compared
TWIN_RTOL = 1e-9  # the same field up to rounding (its terms in another order)


@float64
def twins(system: AbstractSystem, *, seed: int = 0) -> list[tuple[str, bool]]:
    """The registered systems whose vector field equals ``system``'s: the same equations
    under another id (a duplicate of the catalogue, e.g. Lorenz-63 registered anew).

    Both fields are evaluated at the same ``TWIN_STATES`` random states of the same
    dimension (half drawn around each system's initial condition, spread 0.1 · (|x₀| + 1),
    at random times) and compared to a relative ``TWIN_RTOL``; states where either is not
    finite are left out, and a pair needs at least half of them to compare. Each other
    system is compared at its own defaults and, when it has the same parameter names, at
    ``system``'s parameters (the same equations at other parameters).

    **Returns:**

    ``(id, at_own_parameters)`` for each twin: ``True`` if the fields are equal as both
    are, ``False`` if only the other system's field at ``system``'s parameters equals it.
    """
    from ..base import _api

    y0 = np.asarray(system.initial_condition, dtype=np.float64)
    if y0.ndim != 1:
        return []
    rng = np.random.default_rng(seed)
    half = TWIN_STATES // 2

    def around(x0: np.ndarray) -> np.ndarray:
        return x0 + 0.1 * (np.abs(x0) + 1.0) * rng.standard_normal((half, x0.size))

    ours_at = _evaluator(system)
    found = []
    for other_id in _api.systems.ids():
        if other_id == system.id:
            continue
        try:
            other = _api.systems.get(other_id)()
            x0 = np.asarray(other.initial_condition, dtype=np.float64)
            if x0.shape != y0.shape:
                continue
            ts = rng.uniform(0.0, 10.0, TWIN_STATES)
            ys = np.concatenate([around(y0), around(x0)])
            ours = ours_at(ts, ys)
            if _equal(ours, _evaluator(other)(ts, ys)):
                found.append((other_id, True))
                continue
            names = set(other.parameters)
            if names and names == set(system.parameters) and other.parameters != system.parameters:
                moved = type(other)(**{name: getattr(system, name) for name in names})
                if _equal(ours, _evaluator(moved)(ts, ys)):
                    found.append((other_id, False))
        except Exception:  # noqa: BLE001 - a field that cannot be evaluated there is no twin
            continue
    return found


def _evaluator(system: AbstractSystem):
    field = jax.vmap(lambda t, y: system.vector_field(t, y, None))
    return lambda ts, ys: np.asarray(field(ts, ys), dtype=np.float64)


def _equal(a: np.ndarray, b: np.ndarray) -> bool:
    finite = np.isfinite(a).all(axis=1) & np.isfinite(b).all(axis=1)
    if finite.sum() < max(1, len(a) // 2):
        return False
    a, b = a[finite], b[finite]
    scale = max(float(np.abs(a).max()), float(np.abs(b).max()), 1e-300)
    return bool(np.all(np.abs(a - b) <= TWIN_RTOL * (np.abs(a) + np.abs(b) + scale)))


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The chaos check's answer: ``ok``, the ``reasons`` it fails, and ``notes`` on how
    it passed (e.g. by the confirmation table); ``str`` gives ``PASS`` or ``FAIL: ...``."""

    ok: bool
    reasons: tuple[str, ...]
    notes: tuple[str, ...] = ()
    #: the two-trajectory λ̂ that confirmed chaos below the tangent screen (else None): the
    #: benchmark's λ_max for the system (see :func:`benchmark_facts`)
    confirmed_max_lyapunov: float | None = None

    def __str__(self) -> str:
        return "PASS" if self.ok else "FAIL: " + "; ".join(self.reasons)


def verdict(
    facts: dict,
    confirmations: dict[str, Any] | None = None,
    leaks: dict[str, Any] | None = None,
) -> Verdict:
    """Judge computed facts: finite, bounded, not a fixed point, chaotic on the
    system's own timescale, and not leaking.

    Chaotic means: λ_max above zero by ``MIN_SIGMAS`` standard errors and λ_max · period
    at least :data:`MIN_LAMBDA_PERIOD` (the tangent screen). A system below the screen
    passes only if the confirmation table holds a two-trajectory estimate under its
    current facts key that confirms chaos (:func:`chaosbench.catalogue._confirmation.judge`); with
    none, or a stale one, it fails with a reason naming the command that confirms.

    **Arguments:**

    - `facts`: the system's facts (:func:`chaosbench.get_facts`; its ``id`` and ``key``
      find the confirmation).
    - `confirmations`: the confirmation table by system id (default: the user's table
      and the one shipped, ``chaosbench/data/two_trajectory.json``; see
      :func:`chaosbench.catalogue._confirmation.tables`).
    - `leaks`: the leak table by system id (default: the user's and the shipped
      ``chaosbench/data/leaks.json``): a system one of whose dataset's perturbed starts
      escapes the attractor fails (:mod:`chaosbench.catalogue._leaks`).

    **Returns:**

    A :class:`Verdict`.
    """
    reasons: list[str] = []
    notes: list[str] = []
    confirmed_lambda = None
    lam = facts.get("max_lyapunov", math.nan)
    err = facts.get("max_lyapunov_stderr", math.nan)
    period = facts.get("period") or math.nan
    if not facts.get("finite", False):
        reasons.append("the trajectory or its tangent dynamics became non-finite (unbounded?)")
    elif facts.get("max_abs", math.inf) > MAX_ABS:
        reasons.append(
            f"the trajectory reaches |x| = {facts['max_abs']:.3g} > {MAX_ABS:g}: unbounded"
        )
    if min(facts.get("std", [0.0])) <= 1e-9 * max(1.0, max(map(abs, facts.get("mean", [1.0])))):
        reasons.append("a coordinate has zero variance on the attractor: a fixed point")
    floor = (facts.get("truth_floor") or {}).get("attractor_divergence")
    if floor is not None and not floor > 0:
        reasons.append(
            f"the truth floor of D_stsp is {floor:.3g}, not positive: the estimator cannot "
            "tell two independent true runs apart, so scores normalised by it are undefined"
        )
    if not (lam > 0):
        screen = (
            f"λ_max = {lam:.4g} is not positive: not chaotic (fixed point, limit cycle or torus)"
        )
    elif not (lam > MIN_SIGMAS * err):
        screen = (
            f"λ_max = {lam:.4g} ± {err:.2g} is not clearly above zero "
            f"(needs > {MIN_SIGMAS:g} standard errors): a limit cycle or torus?"
        )
    elif not (lam * period >= MIN_LAMBDA_PERIOD):
        screen = (
            f"λ_max · period = {lam * period:.3g} is below {MIN_LAMBDA_PERIOD:g} (a Lyapunov "
            f"time of {1 / (lam * period):.3g} periods): too slow for the tangent estimate "
            "to tell slow chaos from a torus"
        )
    else:
        screen = None
    if screen is not None:
        system_id = facts.get("id", "SYSTEM")
        found = tables() if confirmations is None else [confirmations]
        record = find_record(found, system_id, facts.get("key"))
        command = f"`{CONFIRM_COMMAND} {system_id}`"
        if record is not None and record.get("key") == facts.get("key"):
            confirmed, why = judge(record)
            if confirmed:
                notes.append(f"{screen}; {why}")
                confirmed_lambda = float(record["lambda"])
            else:
                reasons.append(f"{screen}; {why}")
        elif record is not None:
            reasons.append(
                f"{screen}; its two-trajectory confirmation is stale (the system or its "
                f"facts changed since): run {command}"
            )
        elif lam > MIN_SIGMAS * err:
            reasons.append(f"{screen}; no two-trajectory confirmation: run {command}")
        else:
            reasons.append(screen)
    if leak := leak_reason(facts, leaks):
        reasons.append(leak)
    return Verdict(not reasons, tuple(reasons), tuple(notes), confirmed_lambda)


def benchmark_facts(facts: dict, judged: Verdict) -> dict:
    """The facts the benchmark scores a system with: ``facts`` as they are, except that a
    system that passed the check on a two-trajectory confirmation (below the tangent
    screen) gets that estimate as its ``max_lyapunov`` (the tangent one is kept as
    ``tangent_max_lyapunov``). λ_max sets the sampling interval, the horizon and every
    score in Lyapunov times, so it should be the estimate that passed the check. It
    matters where the tangent method is wrong: ``sprott_more-v1``, whose vector field
    jumps across z = 0 (tangent exponents miss the saltation matrix: 0.0038 against
    0.235), and ``nose_hoover-v1`` (0.0026 against 0.016; its chaotic sea is sticky).
    """
    if judged.confirmed_max_lyapunov is None:
        return facts
    return {
        **facts,
        "max_lyapunov": judged.confirmed_max_lyapunov,
        "tangent_max_lyapunov": facts["max_lyapunov"],
    }


PROBE_STEPS = 4096  # the facts' first probe spans PROBE_STEPS · 20 · dt_hint
PROBE_MAX_STEPS = 100_000


def validate_bounded(system: AbstractSystem) -> None:
    """Raise :class:`InvalidSystemError` if a quick, loose integration from the initial
    condition leaves the box ``|x| < MAX_ABS`` or fails.

    Run before the facts of a new system are computed: an unbounded system would
    otherwise drive the accurate integrators there to their step limit (minutes).
    Stiff systems are left to the facts computation.
    """
    from ..numerics._integrate import IntegratorSettings, advance_batch

    if system.stiff:
        return
    name = system.id or type(system).__name__
    duration = PROBE_STEPS * 20 * system.dt_hint
    loose = IntegratorSettings(solver="tsit5", rtol=1e-6, atol=1e-6, max_steps=PROBE_MAX_STEPS)
    y0 = np.asarray(system.initial_condition, dtype=np.float64)[None]
    end = np.asarray(system.wrap_phases(advance_batch(system, y0, 0.0, duration, loose)))
    if not np.isfinite(end).all():
        raise InvalidSystemError(
            f"system {name} is not fit for the benchmark: integrating it for {duration:g} time "
            f"units from its initial condition blows up or does not finish in "
            f"{PROBE_MAX_STEPS} steps (unbounded?); check the equations, parameters and "
            "initial condition"
        )
    if np.abs(end).max() > MAX_ABS:
        raise InvalidSystemError(
            f"system {name} is not fit for the benchmark: it reaches |x| = "
            f"{np.abs(end).max():.3g} > {MAX_ABS:g} within {duration:g} time units: "
            "unbounded; check the equations, parameters and initial condition"
        )
