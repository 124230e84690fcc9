"""`chaosbench plot` on a tiny run writes non-empty, readable PNG figures."""

import pytest
import reliability_helpers
from matplotlib.image import imread

from chaosbench.cli._cli import main
from chaosbench.harness import _suite


@pytest.fixture
def tiny_suite(monkeypatch):
    suite = reliability_helpers.tiny_suite("tiny-plot", seeds=1)  # the shared tiny suite
    monkeypatch.setitem(_suite.SUITES, "tiny-plot", suite)
    return suite


def test_plot_writes_every_figure_as_a_readable_non_blank_png(tmp_path, tiny_suite, capsys):
    out = tmp_path / "run"
    assert main(["run", "--suite", "tiny-plot", "--out", str(out), "--no-progress"]) == 0
    assert main(["plot", "--out", str(out), "--system", "Lorenz", "--seed", "1"]) == 0
    figures = out / "figures"
    expected = {
        "vpt_distribution.png",
        "error_growth_lorenz63.png",
        "forecast_lorenz63_persistence.png",
        "forecast_lorenz63_climatology.png",
        "attractor_lorenz63_persistence.png",
        "attractor_lorenz63_climatology.png",
    }
    assert {p.name for p in figures.glob("*.png")} == expected
    for name in expected:
        path = figures / name
        assert path.stat().st_size > 10_000, name
        image = imread(path)
        assert image.shape[0] > 300 and image.shape[1] > 300, name
        assert image[..., :3].std() > 0.01, name  # not a blank canvas
    assert "wrote" in capsys.readouterr().out


def test_plot_without_rows_fails_cleanly(tmp_path, capsys):
    assert main(["plot", "--out", str(tmp_path)]) == 2
    assert "chaosbench run" in capsys.readouterr().err
