"""dynamix-v1 without the published weights: our BSON reader and writer, a tiny DynaMix
written in the published file's layout and read back, one forward step against a value
computed by hand, the positional embedding, the dimension rule and the errors.

The published model's conformance (Lorenz-63 and Chua against the authors' notebooks)
is ``benchmarks/dynamix_conformance.py``; it needs the real file."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from dynamix_weights import N_OBS, PWL, tiny_arrays, tiny_document, write_tiny

import chaosbench as cb
from chaosbench.base._identity import hyperparameters
from chaosbench.forecasters import _bson, _dynamix


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """The tiny model's file, configured as the weights; its arrays."""
    path = write_tiny(tmp_path / _dynamix.WEIGHTS_FILE)
    monkeypatch.setenv(_dynamix.WEIGHTS_ENV, str(path))
    return path, tiny_arrays()


def _context(t: int = 40, d: int = 3, seed: int = 0) -> jax.Array:
    rng = np.random.default_rng(seed)
    time = np.arange(t)[:, None] * 0.3
    return jnp.asarray(np.sin(time * (1 + np.arange(d))) + 0.1 * rng.normal(size=(t, d)))


# ------------------------------------------------------------------------- the BSON layer


def test_bson_round_trips_every_element_type():
    doc = {"f": 1.5, "s": "ü", "d": {"i": -(2**40), "b": True}, "l": [None, b"\x00\x01", False]}
    data = _bson.write_bson(doc)
    assert _bson.read_bson(data) == doc
    assert _bson.write_bson(_bson.read_bson(data)) == data
    with pytest.raises(_bson.BSONError):
        _bson.read_bson(data[:-3])
    with pytest.raises(_bson.BSONError, match="0x07"):  # an ObjectId: not in the subset
        _bson.read_bson(b"\x14\x00\x00\x00\x07k\x00" + bytes(12) + b"\x00")


def test_julia_arrays_are_column_major_and_backrefs_resolve():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    node = _bson.julia_array(a)
    assert node["size"] == [2, 3] and node["data"] == a.T.tobytes()  # Julia's memory order
    doc = {
        "x": _bson.julia_struct(_bson.backref(1), node, {"tag": "tuple", "data": [1, 2]}),
        "_backrefs": [_bson.julia_type("M", "Thing")],
    }
    (thing,) = _bson.lower(_bson.read_bson(_bson.write_bson(doc))).values()
    assert thing.type.name == ("M", "Thing") and thing.fields[1] == (1, 2)
    np.testing.assert_array_equal(thing.fields[0], a)
    assert [p for p, _ in _bson.float_arrays({"x": thing})] == ["x<Thing>[0]"]


def test_tiny_model_reads_back_in_the_published_layout(tiny):
    path, arrays = tiny
    tree = _bson.lower(_bson.read_bson(path))
    assert [s.type.short for s in tree["model"]] == ["DynaMix", "Identity"]
    assert tree["model"][0].fields[3].type.short == "GatingNetwork"  # through a backref
    model = _dynamix.load_dynamix(path)
    for name, key in [("A", "A"), ("W", "W"), ("h", "h"), ("D", "D"), ("L", "L")]:
        np.testing.assert_array_equal(getattr(model, name), arrays[key])
    np.testing.assert_array_equal(model.conv_weight, arrays["conv_weight"])
    assert float(model.temperature_context) == arrays["temp1"][0]
    assert model.pwl_units == PWL and model.observed == N_OBS


def test_a_file_of_another_layout_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "other.bson"
    _bson.write_bson({"model": [1, 2]}, path)
    with pytest.raises(_dynamix.DynaMixWeightsError, match="not a DynaMix weights file"):
        _dynamix.load_dynamix(path)
    path.write_bytes(b"not bson")
    with pytest.raises(_dynamix.DynaMixWeightsError, match="not a readable BSON"):
        _dynamix.load_dynamix(path)


# ---------------------------------------------------------------------- the forward pass


def _by_hand(p: dict, context: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """One DynaMix step from a 3-D context, written out loop by loop from the paper's
    equations and the reference pipeline (Flux's Conv is a true convolution)."""
    p = {k: v.astype(np.float64) for k, v in p.items()}
    mean, std = context.mean(0), context.std(0, ddof=1)
    x = (context - mean) / std
    z = np.concatenate([x[-1], p["L"] @ x[-1]])
    read = p["D"] @ z + p["sigma"] * eps
    frames = len(x) - 1
    distance = np.array([sum(abs(x[t, n] - read[n]) for n in range(3)) for t in range(frames)])
    attention = np.exp(-distance / abs(p["temp1"][0]))
    attention /= attention.sum()
    encoded = np.zeros((frames, 3))
    for t in range(frames):
        for o in range(3):
            taps = (p["conv_weight"][k, i, o] * x[t + 1 - k, i] for k in range(2) for i in range(3))
            encoded[t, o] = p["conv_bias"][o] + sum(taps)
    embedding = sum(attention[t] * encoded[t] for t in range(frames))
    hidden = np.maximum(p["mlp1"] @ np.concatenate([embedding, z]), 0.0)
    logits = -(p["mlp2"] @ hidden) / abs(p["temp2"][0])
    weights = np.exp(logits - logits.max())
    weights /= weights.sum()
    phi = np.concatenate([z[:-PWL], np.maximum(z[-PWL:], 0.0)])
    z1 = sum(w * (p["A"][j] * z + p["W"][j] @ phi + p["h"][j]) for j, w in enumerate(weights))
    return z1[:3] * std + mean


@pytest.mark.parametrize("noise", [False, True])
def test_one_step_matches_the_hand_computation(tiny, noise):
    _, arrays = tiny
    context = _context(12)
    forecaster = _dynamix.DynaMix(gating_noise=noise)
    key = jax.random.PRNGKey(3)
    fitted = forecaster.fit(key, context)
    eps = np.asarray(jax.random.normal(jax.random.fold_in(key, 0), (1, 3), context.dtype))[0]
    expected = _by_hand(arrays, np.asarray(context), eps if noise else np.zeros(3))
    got = forecaster.forecast(fitted, context, 1)
    np.testing.assert_allclose(np.asarray(got)[0], expected, rtol=1e-10, atol=1e-12)


def test_the_state_carries_the_forecast_and_its_noise(tiny):
    forecaster, context = _dynamix.DynaMix(), _context()
    fitted = forecaster.fit(jax.random.PRNGKey(0), context)
    whole = forecaster.forecast(fitted, context, 30)
    state, first = forecaster.advance(fitted, forecaster.start(fitted, context), 12)
    _, rest = forecaster.advance(fitted, state, 18)
    np.testing.assert_allclose(np.concatenate([first, rest]), whole, rtol=1e-12)
    other = forecaster.forecast(forecaster.fit(jax.random.PRNGKey(1), context), context, 30)
    assert not np.allclose(other, whole)  # the seed draws the gate's noise


@pytest.mark.parametrize("stride", [2, 3])
def test_a_stride_runs_the_model_on_every_strideth_row_and_interpolates(tiny, stride):
    """With a stride s the model reads the context's every s-th row ending at its last and
    steps s·Δ: the forecast at steps s, 2s, … is the plain model's on that sub-sampled
    context (the same gate noise), the steps between are linear interpolations (from the
    context's last row at the start), and the state carries across calls that end
    between model steps."""
    context = _context(61)
    strided = _dynamix.DynaMix(stride=stride)
    fitted = strided.fit(jax.random.PRNGKey(2), context)
    out = np.asarray(strided.forecast(fitted, context, 30))
    plain = _dynamix.DynaMix()
    coarse = np.asarray(plain.forecast(fitted, context[(61 - 1) % stride :: stride], 30 // stride))
    np.testing.assert_allclose(out[stride - 1 :: stride], coarse, rtol=1e-12)
    nodes = np.concatenate([np.asarray(context)[-1:], coarse])
    between = np.stack(
        [
            nodes[k] + (j / stride) * (nodes[k + 1] - nodes[k])
            for k in range(len(coarse))
            for j in range(1, stride + 1)
        ]
    )
    np.testing.assert_allclose(out, between, rtol=1e-10, atol=1e-12)
    state, first = strided.advance(fitted, strided.start(fitted, context), 7)
    _, rest = strided.advance(fitted, state, 23)
    np.testing.assert_allclose(np.concatenate([first, rest]), out, rtol=1e-12)
    with pytest.raises(ValueError, match="positive integer"):
        _dynamix.DynaMix(stride=0)


# ------------------------------------------------------ embedding and the dimension rule


def test_positional_period_and_embedding_follow_the_reference():
    t = np.arange(400)
    series = jnp.asarray(np.sin(2 * np.pi * t / 47)[:, None])
    assert int(_dynamix.positional_period(series)) == 47  # the first peak beyond T/10 = 40
    shorter = jnp.asarray(np.sin(2 * np.pi * t / 40)[:, None])  # its first peak is not beyond
    assert int(_dynamix.positional_period(shorter)) == 80
    out = np.asarray(_dynamix.embed(series, 3))
    steps = np.arange(1, 401)
    np.testing.assert_allclose(out[:, 1], np.sin(2 * np.pi * steps / 47), atol=1e-12)
    np.testing.assert_allclose(out[:, 2], np.cos(2 * np.pi * steps / 47), atol=1e-12)
    two = np.asarray(_dynamix.embed(jnp.concatenate([series, series], axis=1), 3))
    np.testing.assert_allclose(two[:, 2], np.sin(2 * np.pi * steps / 47), atol=1e-12)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_forecasts_of_up_to_three_coordinates_are_finite(tiny, d):
    forecaster, context = _dynamix.DynaMix(), _context(64, d)
    fitted = cb.fit_seeds(forecaster, context, [0])[0][0]
    out = np.asarray(cb.forecast_windows(forecaster, fitted, jnp.stack([context] * 2), 50))
    assert out.shape == (2, 50, d) and np.isfinite(out).all()


def test_more_coordinates_are_refused_or_forecast_one_by_one(tiny):
    context = _context(64, 5)
    with pytest.raises(_dynamix.DynaMixDimensionError, match="channel_independent=True"):
        _dynamix.DynaMix().fit(jax.random.PRNGKey(0), context)
    forecaster = _dynamix.DynaMix(channel_independent=True, gating_noise=False)
    fitted = forecaster.fit(jax.random.PRNGKey(0), context)
    out = np.asarray(forecaster.forecast(fitted, context, 20))
    assert out.shape == (20, 5) and np.isfinite(out).all()
    alone = forecaster.forecast(fitted, context[:, 3:4], 20)  # coordinate 3 on its own
    np.testing.assert_allclose(out[:, 3], np.asarray(alone)[:, 0], rtol=1e-12)


# --------------------------------------------------------------- weights: errors, identity


@pytest.mark.parametrize("setting", [None, "/nonexistent/dynamix-3d-alrnn-v1.0.bson"])
def test_missing_weights_raise_a_clear_error(monkeypatch, setting):
    if setting is None:
        monkeypatch.delenv(_dynamix.WEIGHTS_ENV, raising=False)
    else:
        monkeypatch.setenv(_dynamix.WEIGHTS_ENV, setting)
    forecaster = cb.get_forecaster("dynamix")  # builds: the error comes when it is used
    assert forecaster.weights_sha256 == _dynamix.MISSING
    with pytest.raises(_dynamix.DynaMixWeightsError) as error:
        cb.fit_seeds(forecaster, _context(), [0])
    message = str(error.value)
    assert "dynamix-3d-alrnn-v1.0.bson" in message and "DurstewitzLab/DynaMix-julia" in message
    assert _dynamix.WEIGHTS_ENV in message and "--dynamix-weights" in message


def test_the_weights_digest_enters_the_run_identity(tmp_path, monkeypatch):
    from chaosbench.harness._plan import forecaster_identity

    digests = {}
    for seed in (0, 1):
        path = write_tiny(tmp_path / str(seed) / _dynamix.WEIGHTS_FILE, seed=seed)
        monkeypatch.setenv(_dynamix.WEIGHTS_ENV, str(path))
        digests[seed] = forecaster_identity("dynamix")
    one, two = (d["hyperparameters"]["weights_sha256"] for d in digests.values())
    assert len(one) == 64 and one != two and digests[0] != digests[1]
    built = cb.get_forecaster("dynamix")  # with seed 1's file; then the file changes
    _bson.write_bson(tiny_document(tiny_arrays(2)), tmp_path / "1" / _dynamix.WEIGHTS_FILE)
    with pytest.raises(_dynamix.DynaMixWeightsError, match="not the weights"):
        built.fit(jax.random.PRNGKey(0), _context())
    assert "weights_sha256" in hyperparameters(built)
    with pytest.raises(cb.SpecError):  # a digest is read from the file, never set by a spec
        cb.ForecasterSpec("dynamix", weights_sha256="0" * 64).resolve()


def test_a_run_without_weights_or_of_more_coordinates_refuses_the_cells(tmp_path, monkeypatch):
    """Through the runner: without the weights file every dynamix cell is a ``refused``
    row naming the file (so `make bench` on a machine without it is not a failure); with
    them, a 10-variable system is refused by its dimension (the model is 3-D)."""
    from reliability_helpers import read_rows, tiny_suite

    from chaosbench.harness import _runner

    monkeypatch.delenv(_dynamix.WEIGHTS_ENV, raising=False)
    suite = tiny_suite("nodyn", forecasters=("dynamix",), systems=("lorenz63",), seeds=1)
    _runner.run(suite, tmp_path / "a")
    (row,) = read_rows(tmp_path / "a").values()
    assert row["status"] == "refused" and "dynamix-3d-alrnn-v1.0.bson" in row["error"]
    monkeypatch.setenv(_dynamix.WEIGHTS_ENV, str(write_tiny(tmp_path / _dynamix.WEIGHTS_FILE)))
    suite = tiny_suite("dyn96", forecasters=("dynamix",), systems=("lorenz96",), seeds=1)
    _runner.run(suite, tmp_path / "b")
    (row,) = read_rows(tmp_path / "b").values()
    assert row["status"] == "refused" and "at most 3 observed variables" in row["error"]
