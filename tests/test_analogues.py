"""Context parroting and the method of analogues: exact copies, and skill on Lorenz-63."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from helpers import small_lorenz_dataset

KEY = jax.random.PRNGKey(0)


@pytest.fixture(scope="module")
def small():
    return small_lorenz_dataset()


@pytest.fixture(scope="module")
def lorenz(small):
    data, _ = small
    return jnp.asarray(data.normalise(data.train)), jnp.asarray(data.normalise(data.contexts))


def _sine(n, period=40):
    phase = 2 * np.pi * np.arange(n) / period
    return jnp.asarray(np.stack([np.sin(phase), np.cos(phase), np.sin(2 * phase)], -1))


def test_parroting_continues_a_periodic_signal_exactly():
    """A period of 40 steps, 200 context steps, forecast 25 periods ahead to 1e-8."""
    series = _sine(200 + 1000)
    parrot = cb.get_forecaster("parroting")
    out = jax.jit(parrot.forecast, static_argnums=2)((), series[:200], 1000)
    np.testing.assert_allclose(out, series[200:], atol=1e-8, rtol=0)


def _parrot_reference(context, d):
    """The definition, with loops: nearest non-overlapping earlier motif, copied periodically."""
    context = np.asarray(context)
    t = len(context)
    query = context[t - d :]
    best = min(range(d - 1, t - d), key=lambda e: ((context[e - d + 1 : e + 1] - query) ** 2).sum())
    return context[t - (t - 1 - best) :]  # the stretch after the match, repeated


def test_parroting_matches_its_definition_on_lorenz(lorenz):
    """Forecast = the last p context states repeated, p from the nearest earlier motif."""
    _, contexts = lorenz
    parrot = cb.get_forecaster("parroting")
    forecast = jax.jit(jax.vmap(parrot.forecast, (None, 0, None)), static_argnums=2)
    out = np.asarray(forecast((), contexts, 1200))
    for context, o in zip(np.asarray(contexts), out):
        stretch = _parrot_reference(context, parrot.embedding)
        assert parrot.embedding <= len(stretch) < len(context)
        np.testing.assert_array_equal(o, np.resize(stretch, o.shape))


def test_parroting_ignores_the_training_data(lorenz):
    train, contexts = lorenz
    parrot = cb.get_forecaster("parroting")
    noise = jax.random.normal(KEY, (300, 3))
    a = parrot.forecast(parrot.fit(KEY, train), contexts[0], 64)
    b = parrot.forecast(parrot.fit(jax.random.PRNGKey(1), noise), contexts[0], 64)
    np.testing.assert_array_equal(a, b)


def test_analogues_follow_the_training_trajectory_they_came_from(lorenz):
    """A context cut from the training data continues as the training data, across searches."""
    train, _ = lorenz
    analogues = cb.get_forecaster("analogues")
    out = analogues.forecast(analogues.fit(KEY, train), train[100:600], 300)
    assert 300 > 4 * analogues.segment  # several re-searches, each must find itself
    np.testing.assert_array_equal(out, train[600:900])


@pytest.mark.parametrize("embedding", [1, 3])
def test_analogue_free_run_past_the_end_of_training_copies_training_states(lorenz, embedding):
    """5,000 steps from 2,000 training states: every forecast state is a training state."""
    train, contexts = lorenz
    analogues = cb.get_forecaster("analogues", embedding=embedding)
    out = np.asarray(analogues.forecast(analogues.fit(KEY, train), contexts[0], 5000))
    assert out.shape == (5000, 3)
    distance = ((out[:, None, :] - np.asarray(train)[None, :, :]) ** 2).sum(-1).min(1)
    np.testing.assert_array_equal(distance, 0.0)
    assert len(np.unique(out, axis=0)) > 100  # it moves, it does not sit on one state


def test_analogues_beat_persistence_on_lorenz63(small):
    data, facts = small
    vpt = [cb.get_metric("vpt_lyap")]
    (analogues,) = cb.score(cb.get_forecaster("analogues"), data, facts, [0], vpt)
    (persistence,) = cb.score(cb.get_forecaster("persistence"), data, facts, [0], vpt)
    assert analogues["status"] == "ok"
    assert analogues["vpt_lyap"] >= 0.5  # measured 0.61 Lyapunov times (facts v3 data)
    assert analogues["vpt_lyap"] > 3 * persistence["vpt_lyap"]  # measured 0.13


def test_min_context_and_bad_input_are_named():
    assert cb.get_forecaster("parroting", embedding=7).min_context == 14
    assert cb.get_forecaster("analogues", embedding=5).min_context == 5
    with pytest.raises(ValueError, match="at least 2 × embedding = 20"):
        cb.get_forecaster("parroting").forecast((), jnp.zeros((19, 2)), 5)
    with pytest.raises(ValueError, match="at least embedding \\+ segment = 20 training states"):
        cb.get_forecaster("analogues").fit(KEY, jnp.zeros((19, 2)))
    with pytest.raises(ValueError, match="embedding ≥ 1"):
        cb.get_forecaster("parroting", embedding=0)
