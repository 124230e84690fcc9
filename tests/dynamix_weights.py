"""A tiny synthetic DynaMix written in the layout of the published weights file.

The published ``dynamix-3d-alrnn-v1.0.bson`` (DurstewitzLab/DynaMix-julia, GPL-3.0) is
not part of this repository. The tests build a small model in code (few experts, small
latent state; its values are ours, drawn from a fixed seed) and write it as BSON.jl
writes the real one: the top-level entry ``model`` holds the pair (``DSR.Model.DynaMix``,
``DSR.ObservationModels.Identity``) as Julia structs with their fields in declaration
order, the experts as lists of arrays, the gate's ``Flux.Conv`` with its weight
``(tap, in, out)``, and the gate's type stored once in ``_backrefs`` and referred to.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from chaosbench.forecasters import _bson

N_OBS, LATENT, EXPERTS, PWL = 3, 5, 3, 2


def tiny_arrays(seed: int = 0) -> dict[str, np.ndarray]:
    """The tiny model's arrays (float32): a contracting mixture, so free runs stay bounded."""
    rng = np.random.default_rng(seed)

    def f32(x):
        return np.asarray(x, np.float32)

    d = np.zeros((N_OBS, LATENT))
    d[:, :N_OBS] = np.eye(N_OBS)
    return {
        "A": f32(rng.uniform(0.3, 0.8, (EXPERTS, LATENT))),
        "W": f32(rng.normal(0, 0.15, (EXPERTS, LATENT, LATENT))),
        "h": f32(rng.normal(0, 0.1, (EXPERTS, LATENT))),
        "conv_weight": f32(rng.normal(0, 0.5, (2, N_OBS, N_OBS))),
        "conv_bias": f32(rng.normal(0, 0.1, N_OBS)),
        "temp1": f32([0.3]),
        "D": f32(d + rng.normal(0, 0.05, d.shape)),
        "mlp1": f32(rng.normal(0, 0.5, (EXPERTS, N_OBS + LATENT))),
        "mlp2": f32(rng.normal(0, 0.5, (EXPERTS, EXPERTS))),
        "temp2": f32([0.7]),
        "sigma": f32([0.05, 0.06, 0.07]),
        "L": f32(rng.normal(0, 0.3, (LATENT - N_OBS, N_OBS))),
    }


def tiny_document(arrays: dict[str, np.ndarray]) -> dict:
    """The BSON.jl document of a DynaMix with these arrays (see the module docstring)."""
    f32_type = _bson.julia_type("Core", "Float32")
    array_type = _bson.julia_type("Core", "Array", params=(f32_type, 1))
    identity_fn = _bson.julia_type("Main", "Base", "#identity")
    conv_type = _bson.julia_type("Flux", "Conv", params=(1, 2, identity_fn))
    gate_type = _bson.julia_type("DSR", "Model", "GatingNetwork", params=(conv_type,))
    conv = _bson.julia_struct(
        conv_type,
        _bson.julia_struct(identity_fn),
        _bson.julia_array(arrays["conv_weight"]),
        _bson.julia_array(arrays["conv_bias"]),
        {"tag": "tuple", "data": [1]},
        {"tag": "tuple", "data": [0, 0]},
        {"tag": "tuple", "data": [1]},
        1,
    )
    gate = _bson.julia_struct(
        _bson.backref(2),
        conv,
        *(_bson.julia_array(arrays[k]) for k in ("temp1", "D", "mlp1", "mlp2", "temp2", "sigma")),
    )
    dynamix = _bson.julia_struct(
        _bson.julia_type("DSR", "Model", "DynaMix", params=(_bson.backref(1),)),
        [_bson.julia_array(a) for a in arrays["A"]],
        [_bson.julia_array(w) for w in arrays["W"]],
        [_bson.julia_array(h) for h in arrays["h"]],
        gate,
        N_OBS,
        EXPERTS,
        PWL,
    )
    b = np.zeros((N_OBS, LATENT), np.float32)
    b[:, :N_OBS] = np.eye(N_OBS)
    identity = _bson.julia_struct(
        _bson.julia_type("DSR", "ObservationModels", "Identity"),
        _bson.julia_array(b),
        _bson.julia_array(np.zeros(N_OBS, np.float32)),
        False,
        _bson.julia_array(arrays["L"]),
    )
    return {"model": [dynamix, identity], "_backrefs": [array_type, gate_type]}


def write_tiny(path: str | os.PathLike, seed: int = 0) -> Path:
    """Write the tiny model of ``seed`` to ``path`` (atomically: parallel test workers
    write the same bytes); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    os.close(fd)
    _bson.write_bson(tiny_document(tiny_arrays(seed)), tmp)
    os.replace(tmp, path)
    return path
