"""The independence check: are a dataset's trajectories unrelated, as the protocol says?

Protocol v5 (:mod:`chaosbench.numerics._dataset`) starts every trajectory of a dataset
far from the others along one reference orbit. This module measures, for one dataset,
whether that made them as unrelated as two independent draws from the invariant measure.

**The distance.** Two trajectories ``a``, ``b`` of the same system, aligned at their first
sample, are compared step by step: ``d(t) = sqrt(mean_k ((a_k(t) − b_k(t)) / σ_k)²)``, the
RMS over the observed dimensions of the difference in units of the training std σ (the
normalised error the valid prediction time uses; VPT's threshold is 0.5). It is computed
over a test window's whole length (context + horizon) for

- every test window against the training trajectory (train–test), and
- every pair of test windows (test–test).

**The reference.** What two independent true runs give: the distance between the long
run and the long run re-ordered in time by a fixed random permutation (each step paired
with a far-away step of the same run: two draws from the invariant measure, independent
whatever the system's mixing time), :data:`REFERENCE_PAIRS` times; its median over steps
is ``reference`` (about 1.4 for a Gaussian-like attractor: √2), and ``reference_below``
is the fraction of those steps below 0.5.

**The criterion** (:data:`MIN_RATIO`, :data:`MAX_BELOW_FRACTION`). A dataset passes when

1. the median of ``d`` over all steps of all train–test pairs is at least
   ``MIN_RATIO = 0.5`` times ``reference``, and so is that of all test–test pairs, and
2. the test windows spend at most ``MAX_BELOW_FRACTION = 0.25`` of their context steps
   (pooled over the windows) within the VPT threshold (``d < 0.5``) of the training
   trajectory, or at most twice (plus 0.05) as many as independent draws do
   (``reference_below``), whichever is larger: a forecaster that looks its context up in
   the training data must not find it there.

The criterion pools the pairs on purpose: single pairs of independent trajectories of a
nearly periodic attractor (``sprott_i``: 80 % of its power at the dominant period) are
close whenever their phases happen to agree (a random phase within ±0.08 period puts a
sinusoid within 0.5 σ of another: one window in six), so a per-pair bound would fail
independent data; the pooled statistics of independent draws equal those of
``reference``. The per-pair medians and per-window fractions are kept as diagnostics.

Under the v4 draw (1e-4 perturbations, one burn-in) ``sprott_i``, ``bickley_jet`` and
``nose_hoover`` fail it (pooled train–test medians 0.03–0.16 against references
1.25–1.39); under v5 they pass (1.22–1.43; ``tests/test_independence.py``, whose docstring
has the figures, and ``benchmarks/dataset_starts.py``).
:func:`check_system` runs the check on a system's protocol dataset of one seed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..numerics._dataset import Dataset, make_dataset
from ..numerics._protocol import Protocol

MIN_RATIO = 0.5  # a pair's median distance, as a fraction of independent runs'
VPT_THRESHOLD = 0.5  # the normalised error at which a forecast stops being valid
MAX_BELOW_FRACTION = 0.25  # of the context a window may spend within VPT_THRESHOLD of train
REFERENCE_PAIRS = 4  # random re-orderings of the long run for the reference


def aligned_distance(a: np.ndarray, b: np.ndarray, std: np.ndarray) -> np.ndarray:
    """``d(t)``: RMS over dimensions of ``(a(t) − b(t)) / std``, over the common length
    of ``a`` and ``b`` ``(..., time, dim)`` (aligned at their first sample)."""
    n = min(a.shape[-2], b.shape[-2])
    z = (np.asarray(a)[..., :n, :] - np.asarray(b)[..., :n, :]) / np.asarray(std)
    return np.sqrt(np.mean(z**2, axis=-1))


@dataclasses.dataclass(frozen=True)
class Independence:
    """The check of one dataset (distances in units of the training std).

    - `reference`: median distance of independent draws of the long run;
      `reference_below`: their fraction of steps below :data:`VPT_THRESHOLD`.
    - `train_test`: per test window, the median over its length of its distance to the
      training trajectory; `test_test`: the same per pair of windows (i < j).
    - `below_context`: per test window, the fraction of its context within
      :data:`VPT_THRESHOLD` of the training trajectory.
    - `train_test_pooled`, `test_test_pooled`: the medians of ``d`` over all steps of all
      pairs (the criterion's statistics).
    - `passed`, `reasons`: the verdict of the criterion, and why not.
    """

    system_id: str
    seed: int
    reference: float
    reference_below: float
    train_test: tuple[float, ...]
    test_test: tuple[float, ...]
    below_context: tuple[float, ...]
    train_test_pooled: float
    test_test_pooled: float
    passed: bool
    reasons: tuple[str, ...]

    @property
    def ratio(self) -> float:
        """The smaller pooled median over ``reference`` (≥ :data:`MIN_RATIO` to pass)."""
        return min(self.train_test_pooled, self.test_test_pooled) / self.reference

    def summary(self) -> dict[str, Any]:
        """One row of a table: medians and minima, the verdict."""
        return {
            "system": self.system_id,
            "seed": self.seed,
            "reference": self.reference,
            "train_test": self.train_test_pooled,
            "test_test": self.test_test_pooled,
            "ratio": self.ratio,
            "train_test_pair_min": float(np.min(self.train_test)),
            "below_context": float(np.mean(self.below_context)),
            "below_context_max": float(np.max(self.below_context)),
            "passed": self.passed,
        }


def check_dataset(data: Dataset) -> Independence:
    """The independence check of ``data`` (see the module docstring)."""
    spec, std = data.spec, data.std
    test = np.asarray(data.test)
    train_test_d = aligned_distance(test, data.train[None], std)  # (n_test, time)
    train_test = tuple(float(np.median(d)) for d in train_test_d)
    below = tuple(float(np.mean(d[: spec.context] < VPT_THRESHOLD)) for d in train_test_d)
    i, j = np.triu_indices(len(test), k=1)
    test_test = tuple(
        float(np.median(aligned_distance(test[a], test[b], std))) for a, b in zip(i, j)
    )
    rng = np.random.default_rng(0)
    long = np.asarray(data.long)
    shuffled = [long[rng.permutation(len(long))] for _ in range(REFERENCE_PAIRS)]
    ref_d = np.concatenate([aligned_distance(long, other, std) for other in shuffled])
    reference = float(np.median(ref_d))
    reference_below = float(np.mean(ref_d < VPT_THRESHOLD))
    reasons = []
    pooled_train = float(np.median(train_test_d))
    pooled_test = (
        float(np.median([aligned_distance(test[a], test[b], std) for a, b in zip(i, j)]))
        if len(i)
        else float("inf")
    )
    for name, value in (("train–test", pooled_train), ("test–test", pooled_test)):
        if value < MIN_RATIO * reference:
            reasons.append(
                f"the median {name} distance {value:.3g} is below {MIN_RATIO:g} × that of "
                f"independent draws ({reference:.3g})"
            )
    allowed = max(MAX_BELOW_FRACTION, 2 * reference_below + 0.05)
    below_all = float(np.mean(below))
    if below_all > allowed:
        reasons.append(
            f"the test windows stay within {VPT_THRESHOLD:g} σ of the training trajectory for "
            f"{below_all:.0%} of their context steps (allowed {allowed:.0%})"
        )
    return Independence(
        system_id=spec.system_id,
        seed=spec.seed,
        reference=reference,
        reference_below=reference_below,
        train_test=train_test,
        test_test=test_test,
        below_context=below,
        train_test_pooled=pooled_train,
        test_test_pooled=pooled_test,
        passed=not reasons,
        reasons=tuple(reasons),
    )


def check_system(
    system, facts: dict, *, protocol: Protocol = Protocol(), task: str = "rich", seed: int = 0
) -> Independence:
    """The independence check of ``system``'s protocol dataset for ``task`` and ``seed``
    (made or read from the dataset cache)."""
    return check_dataset(make_dataset(protocol.dataset_spec(system, facts, task, seed)))


check_independence = check_dataset  # the public name (``chaosbench.check_independence``)

INDEPENDENCE_COLUMNS = ("independence_ratio", "independence_below", "independent")
_RECORDS: dict[str, dict[str, Any]] = {}


def independence_columns(data: Dataset) -> dict[str, Any]:
    """The check of ``data`` as the diagnostic columns of its rows (the runner adds them
    to every row, so every run records the check of every dataset it scored on):
    ``independence_ratio`` (:attr:`Independence.ratio`), ``independence_below`` (the
    fraction of context steps within the VPT threshold of the training trajectory) and
    ``independent`` (the verdict). Computed once per dataset in a process."""
    key = data.spec.hash
    if key not in _RECORDS:
        if len(_RECORDS) > 64:
            _RECORDS.clear()
        check = check_dataset(data)
        _RECORDS[key] = {
            "independence_ratio": check.ratio,
            "independence_below": float(np.mean(check.below_context)),
            "independent": check.passed,
        }
    return dict(_RECORDS[key])
