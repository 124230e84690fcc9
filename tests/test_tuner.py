"""The one tuner (chaosbench/numerics/_tuner.py) and the search spaces it reads.

A toy problem with a known answer: the training series is a rotation in the plane, and
the test-only forecaster fits the rotation by least squares and forecasts it multiplied
by a damping coefficient ``c`` (its hyperparameter). Only ``c = 1`` forecasts the
rotation exactly; any other ``c`` leaves it after about ``ln 1.5 / |ln c|`` steps. The
forecaster is not registered (the registries stay as the plug-ins fill them).
"""

import dataclasses
import math
import time

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench.base import _api
from chaosbench.base._search import SearchSpaceError, check_search_space
from chaosbench.numerics._tuner import draw
from chaosbench.numerics._validation import ValidationSplit, ValidationSplitError
from helpers import all_forecasters

DAMPINGS = (0.9, 0.95, 0.98, 0.99, 1.0, 1.01, 1.02, 1.05, 1.1)
# Not learned, so not tuned: the baselines (persistence, climatology, context parroting,
# the method of analogues).
UNTUNED = {"persistence", "climatology", "parroting", "analogues"}
# Zero-shot forecasters (pretrained: dynamix) are not fitted to a system: not tuned either.
LEARNED = tuple(
    f
    for f in all_forecasters
    if f.rsplit("-v", 1)[0] not in UNTUNED
    and not getattr(_api.forecasters.get(f), "zero_shot", False)
)


class DampedRotation(cb.AbstractForecaster):
    """``u_{t+1} = c · u_t M`` with ``M`` fitted by least squares; ``steps`` is a budget
    field that changes nothing (the resource axis of the schedule)."""

    damping: float = 1.0
    tag: int = 0
    steps: int = eqx.field(default=90, static=True)
    search_space = cb.SearchSpace({"damping": DAMPINGS}, resource="steps", budget=90)

    def fit(self, key, train):
        del key
        if self.damping < 0:
            raise ValueError("a negative damping")
        return jnp.linalg.lstsq(train[:-1], train[1:])[0]

    def forecast(self, fitted, context, steps: int):
        def body(u, _):
            u = self.damping * (u @ fitted)
            return u, u

        return jax.lax.scan(body, context[-1], None, length=steps)[1]


def rotation(n: int = 1000, period: int = 40) -> jax.Array:
    """A z-scored rotation: ``√2 (cos ωt, sin ωt)``, ``(n, 2)``."""
    t = np.arange(n) * 2 * np.pi / period
    return jnp.asarray(np.sqrt(2) * np.stack([np.cos(t), np.sin(t)], axis=1))


def tune_toy(space=None, key=0, **options):
    return cb.tune(
        DampedRotation, rotation(), jax.random.PRNGKey(key), context=10, space=space, **options
    )


def test_the_tuner_finds_the_known_best_setting():
    result = tune_toy()
    assert result.best == {"damping": 1.0, "steps": 90}
    assert result.build() == DampedRotation(damping=1.0, steps=90)
    assert result.hyperparameters["damping"] == 1.0
    final = [t for t in result.trials if t.rung == 2]
    assert [t.values["damping"] for t in final] == [1.0]
    assert final[0].score == result.split.horizon  # in steps: never left the truth
    others = [t for t in result.trials if t.values["damping"] != 1.0]
    assert others and all(t.score < result.split.horizon for t in others)
    # the VPT in Lyapunov times when the facts are given: the same choice, scaled scores
    facts = cb.ScoringFacts(*(jnp.asarray(v) for v in (0.01, 2.0, 1.0, 0.0, 1.0)))
    scaled = tune_toy(scoring=facts)
    assert scaled.best == result.best
    assert scaled.trials[-1].score == pytest.approx(0.02 * result.trials[-1].score)


def test_successive_halving_runs_the_schedule():
    result = tune_toy()
    schedule = cb.Budget().schedule(DampedRotation.search_space)
    assert schedule == ((9, 10), (3, 30), (1, 90))
    for rung, (n, resource) in enumerate(schedule):
        trials = [t for t in result.trials if t.rung == rung]
        assert len(trials) == n and {t.resource for t in trials} == {resource}
        assert all(t.values["steps"] == resource for t in trials)
    # each rung keeps the best third of the previous one
    first = sorted(
        (t for t in result.trials if t.rung == 0), key=lambda t: -t.score
    )  # no ties here
    second = [t.candidate for t in result.trials if t.rung == 1]
    assert set(second) == {t.candidate for t in first[:3]}


def test_two_runs_give_identical_choices_and_trial_records():
    space = cb.SearchSpace({"damping": DAMPINGS, "tag": (0, 1, 2)}, resource="steps", budget=90)
    one, two = tune_toy(space, key=3), tune_toy(space, key=3)
    assert one.best == two.best
    assert one.record(seconds=False) == two.record(seconds=False)
    assert len(one.trials) == 13 and one.seconds > 0
    # the candidates are a seeded draw: another key draws others
    key = jax.random.PRNGKey(3)
    assert draw(space, key, 9) == draw(space, key, 9)
    assert draw(space, key, 9) != draw(space, jax.random.PRNGKey(4), 9)
    assert len(set(draw(space, key, 9))) == 9


def test_a_failing_or_diverging_candidate_scores_zero_and_the_search_goes_on():
    space = cb.SearchSpace(
        {"damping": (-1.0, math.nan, 0.9, 0.95, 0.99, 1.0, 1.01, 1.05, 1.1)},
        resource="steps",
        budget=90,
    )
    result = tune_toy(space)
    by_damping = {t.values["damping"]: t for t in result.trials if t.rung == 0}
    failed = by_damping[-1.0]
    assert (failed.status, failed.score) == ("failed", 0.0)
    assert "negative damping" in failed.message and math.isnan(failed.median)
    nan = next(t for d, t in by_damping.items() if math.isnan(d))
    assert (nan.status, nan.score) == ("diverged", 0.0)
    assert all(t.status == "ok" for t in result.trials if t.rung > 0)
    assert result.best["damping"] == 1.0
    # a candidate whose forecasts explode within the validation horizon diverges too
    exploding = tune_toy(cb.SearchSpace({"damping": (2.0,)}, resource="steps", budget=9))
    assert {t.status for t in exploding.trials} == {"diverged"}
    assert {t.score for t in exploding.trials} == {0.0}
    # with a free-run check, one that stays bounded over the horizon but not beyond it
    slow = cb.SearchSpace({"damping": (1.02,)}, resource="steps", budget=9)
    assert tune_toy(slow).trials[0].status == "ok"
    checked = tune_toy(slow, budget=cb.Budget(free_run=500)).trials[0]
    assert (checked.status, checked.score) == ("diverged", 0.0) and checked.median > 0


def test_a_time_limit_ends_the_search():
    class Timeout(DampedRotation):
        def fit(self, key, train):
            raise TimeoutError("the cell's time is up")

    with pytest.raises(TimeoutError):
        cb.tune(Timeout, rotation(), jax.random.PRNGKey(0), context=10)


def test_the_validation_split_lies_in_the_training_data():
    rich = ValidationSplit.carve(10_000, 500, 4096)
    assert (rich.fit_stop, rich.horizon, rich.starts[0]) == (8000, 1000, 8000)
    assert rich.starts[-1] + rich.horizon == 10_000 and len(rich.starts) == 5
    limited = ValidationSplit.carve(1000, 500, 4096)
    assert (limited.fit_stop, limited.horizon) == (800, 100)
    for split in (rich, limited):
        targets = split.target_rows()
        assert targets.min() >= split.fit_stop and targets.max() < split.n_train
        assert min(split.starts) - split.context >= 0
    assert ValidationSplit.carve(10_000, 500, 300).horizon == 300  # the protocol's, if shorter
    with pytest.raises(ValidationSplitError, match="too short"):
        ValidationSplit.carve(500, 500, 100)


def test_the_tuner_sees_the_training_trajectory_only():
    """On a real (tiny) dataset: every candidate is fitted to the first 80 % of the
    training rows, and no validation row is a row of a test window or of the long run."""
    system = cb.get_system("lorenz63")
    spec = cb.DatasetSpec.create(
        system.id,
        system.parameters,
        dt=0.01,
        n_train=1000,
        n_test=3,
        context=100,
        horizon=100,
        n_long=200,
        burn_in=10.0,
        separation=20.0,
    )
    data = cb.make_dataset(spec)
    seen = []

    class Spy(DampedRotation):
        def fit(self, key, train):
            jax.debug.callback(lambda x: seen.append(np.asarray(x)), train)
            return super().fit(key, train)

    space = cb.SearchSpace({"damping": (0.99, 1.0)}, resource="steps", budget=9)
    facts = {"max_lyapunov": 0.9, "period": 0.75}
    result = cb.tune_dataset(Spy, data, facts, 0, space=space)
    z = data.normalise(data.train)
    split = result.split
    assert split.n_train == 1000 and split.fit_stop == 800 and split.context == 100
    assert seen and all(np.array_equal(x, z[:800]) for x in seen)
    rows = np.concatenate([split.contexts(z).reshape(-1, 3), split.truths(z).reshape(-1, 3)])
    assert all(any(np.array_equal(r, t) for t in z) for r in rows[::50])  # training rows
    outside = data.normalise(np.concatenate([data.test.reshape(-1, 3), data.long]))
    nearest = np.min(np.abs(rows[:, None, :] - outside[None, :, :]).sum(-1), axis=1)
    assert nearest.min() > 0  # no validation row is a test or long-run row


def test_every_learned_forecaster_declares_a_valid_search_space():
    budget = cb.Budget()
    for fid in LEARNED:
        cls = _api.forecasters.get(fid)
        space = cls.search_space
        assert isinstance(space, cb.SearchSpace), f"{fid} declares no search space"
        check_search_space(cls)
        assert space.size >= budget.candidates, f"{fid}: fewer grid points than candidates"
        resource = {space.resource: space.budget} if space.resource else {}
        for i in range(space.size):
            forecaster = cb.get_forecaster(fid, **space.point(i), **resource)
            for name, value in space.point(i).items():
                assert getattr(forecaster, name) == value
        spec = cb.ForecasterSpec(fid, **space.point(space.size - 1), **resource).resolve()
        assert spec.build() == cb.get_forecaster(fid, **space.point(space.size - 1), **resource)


def test_the_schedule_is_the_same_for_every_forecaster():
    budget = cb.Budget()
    assert budget.rungs == 3 and budget.fractions() == (1 / 9, 1 / 3, 1)
    for fid in LEARNED:
        space = _api.forecasters.get(fid).search_space
        schedule = budget.schedule(space)
        assert [n for n, _ in schedule] == [9, 3, 1], fid
        if space.resource is None:  # closed form: the full fit at every rung
            assert [r for _, r in schedule] == [None, None, None], fid
        else:
            shares = [r / space.budget for _, r in schedule]
            tolerance = space.multiple / space.budget
            assert shares == pytest.approx(budget.fractions(), abs=tolerance), fid
            assert all(r % space.multiple == 0 for _, r in schedule), fid


def test_the_dsr_models_reach_their_authors_training_lengths():
    plrnn = _api.forecasters.get("shplrnn_gtf").search_space
    alrnn = _api.forecasters.get("alrnn").search_space
    assert (plrnn.resource, plrnn.budget) == ("train_steps", 250_000)  # Hess et al. 2023
    assert (alrnn.resource, alrnn.budget) == ("train_steps", 100_000)  # Brenner et al. 2024
    assert 1e-3 in plrnn.values["lr_start"] and 1e-6 in plrnn.values["lr_end"]
    assert 1e-3 in alrnn.values["lr_start"] and 1e-5 in alrnn.values["lr_end"]


def test_a_search_space_that_names_no_field_or_a_wrong_type_is_refused():
    with pytest.raises(SearchSpaceError, match="not hyperparameters"):
        check_search_space(DampedRotation, cb.SearchSpace({"dampnig": (1.0,)}))
    with pytest.raises(SearchSpaceError, match="holds float"):
        check_search_space(DampedRotation, cb.SearchSpace({"damping": (1,)}))
    with pytest.raises(SearchSpaceError, match="both"):
        cb.SearchSpace({"damping": (1.0,)}, resource="steps")
    with pytest.raises(SearchSpaceError, match="non-empty tuple"):
        cb.SearchSpace({"damping": [1.0]})
    space = cb.SearchSpace({"a": (1, 2), "b": ("x", "y", "z")})
    assert [space.point(i) for i in (0, 1, 3, 5)] == [
        {"a": 1, "b": "x"},
        {"a": 1, "b": "y"},
        {"a": 2, "b": "x"},
        {"a": 2, "b": "z"},
    ]
    assert dataclasses.replace(cb.Budget(), candidates=27).rungs == 4


def test_a_smoke_search_of_a_built_in_forecaster():
    """The linear AR (closed form, single-fidelity) on the rotation: 9 candidates, each
    fitted once; later rungs reuse those trials."""
    result = cb.tune("linear_ar", rotation(), jax.random.PRNGKey(0), context=20)
    assert [t.reused for t in result.trials].count(False) == 9
    assert all(t.reused and t.seconds == 0.0 for t in result.trials if t.rung > 0)
    assert set(result.best) == {"lags", "ridge"}
    assert result.build().lags == result.best["lags"]
    assert result.trials[-1].status == "ok"


def test_the_divisor_scales_every_rung_and_the_choice():
    """``Budget(divisor=3)``: a third of the declared budget at every rung, and the chosen
    forecaster trains at the declared budget over 3."""
    space = DampedRotation.search_space
    assert cb.Budget(divisor=3).schedule(space) == ((9, 3), (3, 10), (1, 30))
    assert cb.Budget(divisor=3).full_resource(space) == 30
    assert tune_toy(budget=cb.Budget(divisor=3)).best == {"damping": 1.0, "steps": 30}
    with pytest.raises(ValueError, match="divisor"):
        cb.Budget(divisor=0)


def test_tuning_on_several_problems_ranks_by_the_median_over_them():
    """One problem: exactly :func:`chaosbench.tune`. Two rotations of different periods:
    each trial keeps both per-problem medians, its score is their median, and the known
    best (no damping) wins on both."""
    key = jax.random.PRNGKey(0)
    one = cb.Problem.carve(rotation(), 10, None, None, cb.Budget())
    single = cb.tune_many(DampedRotation, [one], key)
    assert single.record(seconds=False) == tune_toy().record(seconds=False)
    two = cb.Problem.carve(rotation(period=25), 10, None, None, cb.Budget())
    both = cb.tune_many(DampedRotation, [one, two], key)
    assert both.best == {"damping": 1.0, "steps": 90}
    for trial in both.trials:
        assert len(trial.per_problem) == 2
        assert trial.median == pytest.approx(float(np.median(trial.per_problem)))
        assert trial.as_dict()["per_problem"] == list(trial.per_problem)
    slow = [t for t in both.trials if t.values["damping"] == 0.9 and t.rung == 0]
    assert slow and max(slow[0].per_problem) < both.split.horizon


class CostlyRotation(DampedRotation):
    """:class:`DampedRotation` whose fit of the known best (``damping = 1``) takes 20 ms a
    budget step (a host callback sleeps), the others' nothing."""

    def fit(self, key, train):
        delay = 2e-2 * self.steps if self.damping == 1.0 else 0.0

        def sleep():
            time.sleep(delay)
            return np.zeros((), np.float64)

        pause = jax.pure_callback(sleep, jax.ShapeDtypeStruct((), jnp.float64))
        return super().fit(key, train) + pause


def test_a_cost_cap_admits_only_candidates_projected_within_it():
    """The `defaults` track's cap: the known best costs 20 ms × 90 steps = 1.8 s at the
    full budget, projected from rung 0's 10 steps (the least over two problems of one
    shape, so compiling the forecasts is not counted); a 1 s cap leaves it at rung 0
    (``over_cap``, never promoted) and an admitted candidate wins; a cap nothing fits is
    refused."""
    key = jax.random.PRNGKey(0)
    problems = [cb.Problem.carve(rotation(period=p), 10, None, None, cb.Budget()) for p in (40, 25)]
    result = cb.tune_many(CostlyRotation, problems, key, max_cell_seconds=1.0)
    (best,) = [t for t in result.trials if t.rung == 0 and t.values["damping"] == 1.0]
    assert best.status == "over_cap" and best.score == 0 and "cap" in best.message
    assert 1.5 < best.cell_seconds < 5
    assert result.best["damping"] != 1.0  # another candidate, of those admitted
    assert all(t.values["damping"] != 1.0 for t in result.trials if t.rung > 0)
    assert "cell_seconds" not in best.as_dict(seconds=False)
    uncapped = cb.tune_many(CostlyRotation, problems, key)
    assert uncapped.best["damping"] == 1.0
    with pytest.raises(ValueError, match="fits the cap of 1e-09 s"):
        cb.tune_many(CostlyRotation, problems, key, max_cell_seconds=1e-9)
