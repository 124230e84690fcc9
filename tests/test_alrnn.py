"""AL-RNN, sparse teacher forcing and the symbolic code (forecasters/_alrnn.py)."""

import dataclasses

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
from chaosbench import forecasters
from chaosbench.forecasters import _teacher_forcing as forcing
from chaosbench.forecasters._alrnn import (
    ALRNN,
    ALRNNParams,
    SymbolicCode,
    init_alrnn,
    symbolic_code,
)


def _random_params(m=5, p=2, n=2, seed=0):
    k = jax.random.split(jax.random.PRNGKey(seed), 4)
    return ALRNNParams(
        A=jax.random.uniform(k[0], (m,), minval=-1, maxval=1),
        W=jax.random.normal(k[1], (m, m)),
        h=jax.random.normal(k[2], (m,)),
        L=jax.random.normal(k[3], (m - n, n)),
        pwl_units=p,
    )


def test_linear_units_are_linear():
    params = _random_params()
    m, p = 5, 2
    z = jnp.array([0.3, -1.2, 0.7, 0.5, -0.4])  # ReLU units: one on, one off
    base = params.step(z)
    for i in range(m - p):  # linear units: exact affine response for either sign, any size
        for delta in (-5.0, -0.1, 0.1, 5.0):
            moved = params.step(z.at[i].add(delta))
            expect = delta * (params.W[:, i] + params.A[i] * jnp.eye(m)[i])
            np.testing.assert_allclose(moved - base, expect, rtol=1e-10, atol=1e-12)
    # a ReLU unit that is off only acts through A; once on, through W too (nonlinear)
    off = m - 1
    np.testing.assert_allclose(
        params.step(z.at[off].add(-3.0)) - base, -3.0 * params.A[off] * jnp.eye(m)[off], atol=1e-12
    )
    on = params.step(z.at[off].set(1.0)) - params.step(z.at[off].set(0.0))
    np.testing.assert_allclose(on, params.W[:, off] + params.A[off] * jnp.eye(m)[off], atol=1e-12)
    # Φ* itself: identity on the first M − P units, ReLU on the last P
    np.testing.assert_allclose(params.phi(z), [0.3, -1.2, 0.7, 0.5, 0.0])


def _rotating_alrnn():
    """M = 4, P = 2: the linear pair (z₀, z₁) rotates by 90° each step and the ReLU pair
    (z₂, z₃) copies it, so the ReLU units visit the four sign quadrants in a cycle."""
    w = jnp.zeros((4, 4))
    w = w.at[0, 1].set(-1.0).at[1, 0].set(1.0).at[2, 0].set(1.0).at[3, 1].set(1.0)
    return ALRNNParams(A=jnp.zeros(4), W=w, h=jnp.zeros(4), L=jnp.zeros((2, 2)), pwl_units=2)


def test_symbolic_code_of_a_hand_set_alrnn():
    params = _rotating_alrnn()
    z0 = jnp.array([1.0, 0.1, 1.0, 0.1])
    traj = forcing.free_rollout(params.step, z0, 12)
    code = symbolic_code(params, traj)
    # (z₂, z₃) at step t are the signs of (z₀, z₁) at t − 1: (+,+), (−,+), (−,−), (+,−), …
    # -> patterns 11, 01, 00, 10, … -> subregions 3, 1, 0, 2, …
    assert code.symbols.tolist() == [3, 1, 0, 2] * 3
    assert code.n_regions == 4 and code.regions == (3, 1, 0, 2)
    assert code.counts == {0: 3, 1: 3, 2: 3, 3: 3}
    assert code.transitions == {(3, 1): 3, (1, 0): 3, (0, 2): 3, (2, 3): 2}
    assert code.self_transitions == {}
    assert [code.pattern(r) for r in code.regions] == ["11", "01", "00", "10"]
    text = str(code)
    assert "4 of 4 linear subregions visited" in text and "01 -> 00: 3" in text
    # a trajectory that stays in one subregion
    still = symbolic_code(params, jnp.tile(jnp.array([0.0, 0.0, -1.0, 2.0]), (5, 1)))
    assert still.n_regions == 1 and still.self_transitions == {1: 4} and not still.transitions
    with pytest.raises(ValueError, match="latent states"):
        symbolic_code(params, traj[:, :2])
    assert forecasters.symbolic_code is symbolic_code and isinstance(code, SymbolicCode)


def test_sparse_forcing_replaces_observed_units_without_gradient():
    params = _random_params(m=4, p=1, n=2)
    xs = jax.random.normal(jax.random.PRNGKey(3), (9, 2))
    z0 = params.init_state(xs[0])
    preds, states = forcing.forced_rollout(params.step, z0, xs[1:], 1.0, tau=3)
    for t in range(1, 9):
        if t % 3 == 0:  # forced: observed units are the data, the others the prediction
            np.testing.assert_allclose(states[t - 1, :2], xs[t])
            np.testing.assert_allclose(states[t - 1, 2:], preds[t - 1, 2:])
        else:
            np.testing.assert_allclose(states[t - 1], preds[t - 1])
    jac = jax.jacfwd(lambda z: forcing.force(z, xs[1], 1.0))(preds[0])
    np.testing.assert_allclose(jac, jnp.diag(jnp.array([0.0, 0.0, 1.0, 1.0])))


def test_fit_forecast_generate_shapes():
    train = jax.random.normal(jax.random.PRNGKey(0), (150, 3))
    model = ALRNN(
        latent_dim=6,
        pwl_units=2,
        tau=4,
        train_steps=6,
        select_every=3,
        select_steps=50,
        batch_size=2,
        seq_len=12,
        min_context=9,
    )
    keys = jnp.stack([jax.random.PRNGKey(s) for s in range(2)])
    params, losses, _ = eqx.filter_vmap(model.fit_with_history, in_axes=(0, None))(keys, train)
    assert params.W.shape == (2, 6, 6) and params.L.shape == (2, 3, 3)
    assert losses.shape == (2, 6) and np.isfinite(losses).all()
    one = jax.tree_util.tree_map(lambda x: x[0] if eqx.is_array(x) else x, params)
    out = eqx.filter_jit(model.forecast)(one, train[:40], 11)
    assert out.shape == (11, 3) and out.dtype == train.dtype and np.isfinite(out).all()
    latent = one.generate(train[:9].astype(jnp.float32), 30, tau=4)
    assert latent.shape == (30, 6)
    assert symbolic_code(one, latent).n_regions <= 4
    # M is raised to the data dimension
    assert init_alrnn(jax.random.PRNGKey(0), 3, max(2, 3), 1).A.shape == (3,)


def test_registered():
    model = cb.get_forecaster("alrnn-v5")
    assert isinstance(model, ALRNN) and model.vmappable_fit
    assert (model.latent_dim, model.pwl_units, model.tau, model.seq_len) == (30, 2, 16, 200)
    assert model.select_starts == 4


def test_checkpoint_selection_over_several_starts():
    """``select_starts = K`` scores each checkpoint by the mean D_stsp of K free runs from
    observations spread over the training data. Here the last checkpoint is the best from
    the first observation but diverges from another start, so one start keeps it and three
    starts keep the one before (constant learning rate: a run of ``k·10`` steps reproduces
    the k-th checkpoint of a 40-step run)."""
    t = jnp.arange(600) * 0.05
    train = jnp.stack([jnp.sin(t), jnp.cos(1.3 * t), jnp.sin(0.7 * t)], axis=1)
    train = train.astype(jnp.float32)
    model = ALRNN(
        latent_dim=5,
        pwl_units=2,
        tau=4,
        batch_size=4,
        seq_len=20,
        lr_start=0.05,
        lr_end=0.05,
        noise=0.0,
        select_steps=2000,
    )
    k_init, k_train = jax.random.split(jax.random.PRNGKey(8))
    params0 = init_alrnn(k_init, 3, 5, 2)

    def run(steps, select_every=0, select_starts=1):
        cfg = dataclasses.replace(
            model, train_steps=steps, select_every=select_every, select_starts=select_starts
        )
        step, init = lambda p, z: p.step(z), lambda p, x: p.init_state(x)
        return forcing.train(k_train, params0, train, cfg.train_config(), step, init)[0]

    def score(p, x0):
        zs = forcing.free_rollout(p.step, p.init_state(x0), 2000)
        return float(cb.attractor_divergence(zs[:, :3], train))

    checkpoints = [run(k * 10) for k in (1, 2, 3, 4)]
    starts = train[np.array([0, 299, 599])]
    one = [score(p, train[0]) for p in checkpoints]
    three = [np.mean([score(p, x0) for x0 in starts]) for p in checkpoints]
    assert np.nanargmin(one) == 3 and np.nanargmin(three) == 2  # the case this test is for
    flat = lambda p: np.concatenate([np.ravel(x) for x in jax.tree.leaves(p)])
    np.testing.assert_allclose(flat(run(40, 10, 1)), flat(checkpoints[3]), rtol=1e-5)
    np.testing.assert_allclose(flat(run(40, 10, 3)), flat(checkpoints[2]), rtol=1e-5)
