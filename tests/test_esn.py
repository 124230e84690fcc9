"""The ESN keeps its defaults (its per-system choice is the one tuner's: ``tuned(esn)``)."""

from chaosbench.forecasters._esn import ESN


def test_esn_defaults_unchanged():
    esn = ESN()
    assert (esn.size, esn.spectral_radius, esn.leak, esn.input_scale) == (600, 0.1, 0.7, 1.5)
    assert (esn.bias_scale, esn.degree, esn.ridge, esn.washout) == (1.0, 30, 1e-10, 200)
    assert esn.units_per_input == 20
