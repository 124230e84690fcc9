"""Protocol v5's long-run states and truth floors.

A free run is ``on_attractor`` when its D_stsp is within ``ON_ATTRACTOR_FACTOR`` truth
floors (the D_stsp between two independent true runs, stored in the facts), else
``off_attractor``; one that blows up is ``diverged``. The true system is on its attractor;
persistence, climatology and a damped map are off it.
"""

import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench.numerics._evaluate import ON_ATTRACTOR_FACTOR, long_run_scores, scoring_facts
from chaosbench.numerics._protocol import TASKS, Protocol

LONG = [cb.get_metric("d_stsp"), cb.get_metric("d_h")]


@pytest.fixture(scope="module")
def lorenz_runs():
    """Two protocol datasets of Lorenz-63 (seeds 0 and 1: independent long runs)."""
    system = cb.get_system("lorenz63")
    facts = cb.get_facts(system)
    data = [
        cb.make_dataset(Protocol().dataset_spec(system, facts, TASKS["rich"], seed))
        for seed in (0, 1)
    ]
    return data, facts


_scoring = scoring_facts


def test_normalised_values_and_states_on_a_hand_case():
    truth = jnp.asarray(np.random.default_rng(0).standard_normal((4000, 3)))
    scoring = cb.ScoringFacts(
        dt=jnp.asarray(0.01),
        max_lyapunov=jnp.asarray(1.0),
        period=jnp.asarray(1.0),
        mean=jnp.zeros(3),
        std=jnp.ones(3),
    )
    floors = {"attractor_divergence": 0.5, "spectrum_distance": 0.25}
    row = long_run_scores(truth, truth, scoring, LONG, floors)
    assert row == {
        "long_run": "on_attractor",
        "d_stsp": 0.0,
        "d_stsp_norm": 0.0,
        "d_h": 0.0,
        "d_h_norm": 0.0,
    }
    shifted = truth + 1.0
    row = long_run_scores(shifted, truth, scoring, LONG, floors)
    raw = float(cb.attractor_divergence(shifted, truth))
    assert row["d_stsp"] == raw and row["d_stsp_norm"] == raw / 0.5
    expected = "on_attractor" if raw / 0.5 <= ON_ATTRACTOR_FACTOR else "off_attractor"
    assert row["long_run"] == expected
    # a floor ten times larger makes the same run ten times closer
    row10 = long_run_scores(shifted, truth, scoring, LONG, {**floors, "attractor_divergence": 5})
    assert row10["d_stsp_norm"] == pytest.approx(row["d_stsp_norm"] / 10)
    diverged = long_run_scores(None, truth, scoring, LONG, floors)
    assert diverged == {
        "long_run": "diverged",
        "d_stsp": np.inf,
        "d_stsp_norm": np.inf,
        "d_h": 1.0,
        "d_h_norm": 1.0,
    }


def test_missing_floor_is_a_clear_error():
    truth = jnp.zeros((100, 3)) + jnp.arange(100.0)[:, None]
    scoring = cb.ScoringFacts(
        dt=jnp.asarray(0.01),
        max_lyapunov=jnp.asarray(1.0),
        period=jnp.asarray(1.0),
        mean=jnp.zeros(3),
        std=jnp.ones(3),
    )
    with pytest.raises(ValueError, match="truth floor 'attractor_divergence'.*recompute"):
        long_run_scores(truth, truth, scoring, LONG, {})


def test_facts_store_floors_of_every_estimator():
    facts = cb.get_facts(cb.get_system("lorenz63"))
    floor = facts["truth_floor"]
    assert floor["steps"] == Protocol().n_long and floor["dt"] == pytest.approx(facts["dt"])
    assert floor["attractor_divergence"] == floor["binned_kl"]  # 3-D: the binned estimator
    for name in ("attractor_divergence", "gmm_kl", "spectrum_distance"):
        pairs = floor["pairs"][name]
        assert len(pairs) == floor["runs"] * (floor["runs"] - 1)
        assert floor[name] == pytest.approx(float(np.median(pairs)))
        assert 0 < floor[name] < 1
    # the protocol's note: two 50,000-step true Lorenz-63 runs differ by about 0.1 (binned)
    assert 0.03 < floor["binned_kl"] < 0.4


def test_the_true_system_is_on_its_attractor_and_simple_baselines_are_off(lorenz_runs):
    (data, other), facts = lorenz_runs
    scoring = _scoring(data, facts)
    truth = jnp.asarray(data.long)
    floors = facts["truth_floor"]

    def state(forecast):
        return long_run_scores(jnp.asarray(forecast), truth, scoring, LONG, floors)

    true_run = state(other.long)  # an independent true trajectory
    assert true_run["long_run"] == "on_attractor"
    assert 0.1 < true_run["d_stsp_norm"] < 5  # about one floor
    n, dim = data.long.shape
    persistence = np.broadcast_to(data.contexts[0, -1], (n, dim))
    rng = np.random.default_rng(0)
    climatology = data.mean + data.std * rng.standard_normal((n, dim))
    damped = np.empty((n, dim))  # x ← mean + 0.99 (x − mean): settles on a fixed point
    x = data.contexts[0, -1].copy()
    for t in range(n):
        x = data.mean + 0.99 * (x - data.mean)
        damped[t] = x
    for name, run in (
        ("persistence", persistence),
        ("climatology", climatology),
        ("damped", damped),
    ):
        row = state(run)
        assert row["long_run"] == "off_attractor", (name, row)
        assert row["d_stsp_norm"] > ON_ATTRACTOR_FACTOR
