"""shPLRNN + generalized teacher forcing (forecasters/_plrnn.py, _teacher_forcing.py,
_gtf.py)."""

import dataclasses

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import chaosbench as cb
import chaosbench.forecasters  # noqa: F401 - registers
from chaosbench.forecasters import _gtf
from chaosbench.forecasters import _teacher_forcing as forcing
from chaosbench.forecasters._plrnn import ShPLRNNGTF, ShPLRNNParams, init_shplrnn


def test_gtf_alpha_product_upper_bound_on_hand_built_jacobians():
    d = lambda a, b: jnp.diag(jnp.array([a, b]))
    rot = lambda s: s * jnp.array([[0.0, -1.0], [1.0, 0.0]])  # ‖·‖₂ = s, eigenvalues ±is
    jac = jnp.stack(
        [
            jnp.stack([d(2.0, 0.5), d(0.5, 2.0)]),  # norms 2, 2 -> geomean 2
            jnp.stack([d(4.0, 1.0), rot(1.0)]),  # norms 4, 1 -> geomean 2
            jnp.stack([rot(8.0), d(-2.0, 1.0)]),  # norms 8, 2 -> geomean 4 (the max)
        ]
    )
    np.testing.assert_allclose(_gtf.spectral_norms(jac), [[2, 2], [4, 1], [8, 2]], rtol=1e-6)
    alpha, g = _gtf.gtf_alpha(jac)
    assert float(g) == pytest.approx(4.0)
    assert float(alpha) == pytest.approx(0.75)
    # a contracting batch needs no forcing: α = max(0, 1 − 1/G) = 0
    alpha, g = _gtf.gtf_alpha(0.5 * jac[:2] / 4.0)
    assert float(g) < 1 and float(alpha) == 0.0


def test_spectral_norms_match_svd_on_random_matrices():
    j = jax.random.normal(jax.random.PRNGKey(0), (50, 3, 3))
    exact = np.linalg.norm(np.asarray(j), 2, axis=(-2, -1))
    np.testing.assert_allclose(_gtf.spectral_norms(j, iterations=200), exact, rtol=1e-3)


def test_alpha_annealing_rule():
    gamma = 0.9
    assert float(_gtf.anneal_alpha(0.2, 0.5, gamma)) == pytest.approx(0.5)  # larger: taken
    assert float(_gtf.anneal_alpha(0.5, 0.2, gamma)) == pytest.approx(0.9 * 0.5 + 0.1 * 0.2)


def _hand_params(clipped=False):
    return ShPLRNNParams(
        A=jnp.array([0.9, 0.5, -0.3]),
        W1=jnp.array([[1.0, -0.5], [0.2, 0.3], [-0.4, 1.0]]),
        W2=jnp.array([[1.0, 0.5, -1.0], [-0.5, 1.0, 0.2]]),
        h1=jnp.array([0.1, -0.2, 0.05]),
        h2=jnp.array([0.3, -0.1]),
        L=jnp.array([[0.5, -1.0]]),
        clipped=clipped,
    )


@pytest.mark.parametrize("clipped", [False, True])
def test_forced_state_equation(clipped):
    p = _hand_params(clipped)
    relu = lambda v: np.maximum(v, 0)

    def f(z):
        a, w1, w2 = map(np.asarray, (p.A, p.W1, p.W2))
        pre = w2 @ z
        phi = relu(pre + np.asarray(p.h2)) - (relu(pre) if clipped else 0)
        return a * z + w1 @ phi + np.asarray(p.h1)

    xs = np.array([[0.3, -0.7], [1.0, 0.4], [-0.5, 0.2], [0.1, 0.9]])
    alpha = 0.3
    z0 = np.concatenate([xs[0], np.asarray(p.L) @ xs[0]])  # [x₁; L x₁]
    np.testing.assert_allclose(p.init_state(jnp.asarray(xs[0])), z0)
    preds, states = forcing.forced_rollout(p.step, jnp.asarray(z0), jnp.asarray(xs[1:]), alpha)
    z = z0
    for t in range(1, len(xs)):
        pred = f(z)
        z_hat = np.concatenate([xs[t], pred[2:]])  # observed from data, rest from the model
        z = (1 - alpha) * pred + alpha * z_hat
        np.testing.assert_allclose(preds[t - 1], pred, rtol=1e-12)
        np.testing.assert_allclose(states[t - 1], z, rtol=1e-12)
    # the closed-form Jacobian agrees with autodiff
    for zz in np.random.default_rng(0).normal(size=(5, 3)):
        np.testing.assert_allclose(
            p.jacobian(jnp.asarray(zz)), jax.jacfwd(p.step)(jnp.asarray(zz)), rtol=1e-12
        )


def _tent_shplrnn(slope=1.9):
    """f(z) = slope·z − 2·slope·relu(z − ½): a chaotic tent map as a 1-unit shPLRNN."""
    return ShPLRNNParams(
        A=jnp.array([slope]),
        W1=jnp.array([[-2 * slope]]),
        W2=jnp.array([[1.0]]),
        h1=jnp.zeros(1),
        h2=jnp.array([-0.5]),
        L=jnp.zeros((0, 1)),
    )


def test_gtf_bounds_gradients_on_a_chaotic_sequence():
    """Hess et al.'s central claim on a small case: BPTT gradients on a chaotic sequence
    grow like G^T without forcing and stay bounded with α = 1 − 1/G."""
    p = _tent_shplrnn()
    data = forcing.free_rollout(p.step, jnp.array([0.2137]), 101)

    def grad_norm(alpha, length):
        seq = data[: length + 1]

        def loss(q):
            preds, _ = forcing.forced_rollout(q.step, q.init_state(seq[0]), seq[1:], alpha)
            return jnp.mean((preds - seq[1:]) ** 2)

        perturbed = eqx.tree_at(lambda q: q.A, p, p.A * 1.01)  # off the data's own map
        grads = jax.grad(loss)(perturbed)
        return float(jnp.sqrt(sum(jnp.sum(g**2) for g in jax.tree_util.tree_leaves(grads))))

    states = data[None, :100, :]
    alpha, g = _gtf.gtf_alpha(_gtf.batch_jacobians(p.step, states))
    assert float(g) == pytest.approx(1.9, rel=1e-6)
    assert float(alpha) == pytest.approx(1 - 1 / 1.9, rel=1e-6)
    free = [grad_norm(0.0, t) for t in (20, 80)]
    gtf = [grad_norm(float(alpha), t) for t in (20, 80)]
    assert free[1] / free[0] > 1e8  # explodes (≈ 1.9^60 ≈ 5e16)
    # bounded: with ‖(1 − α) J‖ = 1 the gradient grows at most polynomially, ≤ (80/20)²
    assert np.isfinite(gtf).all() and gtf[1] / gtf[0] < 20 and gtf[1] < 10


def test_fit_and_forecast_shapes_and_vmapped_seeds():
    train = jax.random.normal(jax.random.PRNGKey(0), (120, 3))
    model = ShPLRNNGTF(
        latent_dim=5,
        hidden_dim=8,
        train_steps=6,
        select_every=0,
        batch_size=2,
        seq_len=10,
        alpha_interval=2,
        min_context=4,
    )
    keys = jnp.stack([jax.random.PRNGKey(s) for s in range(2)])
    fitted = eqx.filter_vmap(model.fit_with_history, in_axes=(0, None))(keys, train)
    params, losses, alphas = fitted
    assert params.A.shape == (2, 5) and params.W1.shape == (2, 5, 8) and params.L.shape == (2, 2, 3)
    assert losses.shape == alphas.shape == (2, 6) and np.isfinite(losses).all()
    assert np.all((alphas >= 0) & (alphas <= 1))
    one = jax.tree_util.tree_map(lambda x: x[0] if eqx.is_array(x) else x, params)
    out = eqx.filter_jit(model.forecast)(one, train[:30], 7)
    assert out.shape == (7, 3) and out.dtype == train.dtype and np.isfinite(out).all()
    # latent size is at least the data dimension
    small = init_shplrnn(jax.random.PRNGKey(0), 3, max(2, 3), 4, clipped=True)
    assert small.A.shape == (3,) and small.L.shape == (0, 3)


def test_registered():
    model = cb.get_forecaster("shplrnn_gtf-v4")
    assert isinstance(model, ShPLRNNGTF) and model.vmappable_fit
    assert (model.latent_dim, model.hidden_dim, model.batch_size, model.seq_len) == (
        3,
        50,
        16,
        200,
    )


LR, SEED = 0.1, 1  # a constant rate at which the 4th checkpoint is worse than the 3rd


def test_checkpoint_selection_returns_the_best_scored_params():
    """With ``select_every`` the returned params are the checkpoint whose free run has the
    lowest D_stsp against the training data. With a constant learning rate a run of
    ``k·10`` steps reproduces the k-th checkpoint of a 40-step run, so the checkpoints can
    be scored independently."""
    t = jnp.arange(600) * 0.05
    train = jnp.stack([jnp.sin(t), jnp.cos(1.3 * t), jnp.sin(0.7 * t)], axis=1)
    train = train.astype(jnp.float32)
    model = ShPLRNNGTF(latent_dim=3, hidden_dim=6, batch_size=4, seq_len=20, lr_start=LR, lr_end=LR)
    k_init, k_train = jax.random.split(jax.random.PRNGKey(SEED))
    params0 = init_shplrnn(k_init, 3, 3, 6, False)
    init_fn = lambda p, x: p.init_state(x)

    def run(steps, select_every):
        cfg = dataclasses.replace(model, train_steps=steps, select_every=select_every)
        return forcing.train(
            k_train, params0, train, cfg.train_config(), lambda p, z: p.step(z), init_fn
        )[0]

    def score(p):
        zs = forcing.free_rollout(p.step, p.init_state(train[0]), 10_000)
        return float(cb.attractor_divergence(zs[:, :3], train))

    checkpoints = [run(k * 10, 0) for k in (1, 2, 3, 4)]
    scores = [score(p) for p in checkpoints]
    best = int(np.nanargmin(scores))
    selected = run(40, 10)
    flat = lambda p: np.concatenate([np.ravel(x) for x in jax.tree.leaves(p)])
    np.testing.assert_allclose(flat(selected), flat(checkpoints[best]), rtol=1e-5)
    assert best != 3  # the last checkpoint is not the best: selection changed the result
    with pytest.raises(ValueError, match="multiple of select_every"):
        run(45, 10)
