"""The leaderboard takes its metrics from the registry: which one is the headline, which
long-term ones stand beside it, what they are called. The core names no metric, so a
metric registered by a plug-in gets its column, its name and its place without any edit
to ``chaosbench``.
"""

import contextlib

import jax.numpy as jnp
import pandas as pd
import pytest

import chaosbench as cb
from chaosbench.base import _api
from chaosbench.base._registry import RegistryError
from chaosbench.numerics import _rows
from chaosbench.reporting import _leaderboard as lb
from chaosbench.reporting._markdown import render_markdown


@contextlib.contextmanager
def registered_metric(id_, **options):
    """Register a throw-away metric for the duration of a test."""
    cb.register_metric(id_, **options)(lambda forecast, truth, facts: jnp.float64(0.0))
    try:
        yield _api.metrics.get(id_)
    finally:
        _api.metrics._entries.pop(id_, None)


def test_shipped_metrics_declare_the_headline_and_the_long_term_columns():
    assert _rows.headline_metric().column == "vpt_lyap"
    assert _rows.headline_metric().label == "VPT (t_λ)"
    assert [m.column for m in _rows.long_term_metrics()] == ["d_stsp", "d_h", "lyap_rel_error"]
    assert [m.short_name for m in _rows.long_term_metrics()] == ["D_stsp", "D_H", "λ error"]
    assert [m.column for m in _rows.per_system_metrics()] == ["vpt_lyap", "d_stsp"]
    # a metric without a display name shows its column
    assert _api.metrics.get("nrmse_h1").label == "nrmse_h1"


def _rows_with_a_toy_score() -> pd.DataFrame:
    """Two systems × two forecasters, one seed: VPT and a plug-in's long-term score."""
    values = {  # (system, forecaster): (vpt, toy score)
        ("s1", "a"): (1.0, 0.1),
        ("s1", "b"): (2.0, 0.4),
        ("s2", "a"): (3.0, 0.3),
        ("s2", "b"): (1.0, 0.2),
    }
    return pd.DataFrame(
        [
            {
                "run_id": f"{s}-{f}",
                "system": f"{s}-v1",
                "forecaster": f"{f}-v1",
                "task": "rich",
                "seed": 0,
                "status": "ok",
                "long_run": "stable",
                "fit_seconds": 1.0,
                "vpt_lyap": vpt,
                "toy_spread": toy,
            }
            for (s, f), (vpt, toy) in values.items()
        ]
    )


def test_a_plugin_long_term_metric_gets_its_leaderboard_column_and_name():
    with registered_metric(
        "toy_spread-v1", direction="lower", kind="long", name="spread", description="toy"
    ):
        assert _rows.long_term_metrics()[-1].column == "toy_spread"
        table = lb.by_system(_rows_with_a_toy_score())
        board = lb.leaderboard(table).set_index("forecaster")
        # median over systems of the per-system medians: a (0.1, 0.3), b (0.4, 0.2)
        assert board.loc["a-v1", "toy_spread_median"] == pytest.approx(0.2)
        assert board.loc["b-v1", "toy_spread_median"] == pytest.approx(0.3)
        # ordered by the headline: median VPT a (1, 3) = 2, b (2, 1) = 1.5
        assert list(board.index) == ["a-v1", "b-v1"]
        markdown = render_markdown(lb.leaderboard(table), {"suite": "toy"})
        header = next(line for line in markdown.splitlines() if line.startswith("| # |"))
        # a metric with a truth floor shows its normalised median; one without, its own
        assert header.split(" | ")[7:11] == ["D_stsp/floor", "D_H/floor", "λ error", "spread"]
    assert "toy_spread" not in [m.column for m in _rows.long_term_metrics()]


def test_one_headline_only():
    with pytest.raises(RegistryError, match="'vpt_lyap-v1' already holds"):
        cb.register_metric("toy_skill-v1", direction="higher", kind="short", headline=True)(
            lambda forecast, truth, facts: 0.0
        )
    assert "toy_skill" not in _api.metrics
    with pytest.raises(RegistryError, match="must be of kind 'short'"):
        cb.register_metric("toy_skill-v1", direction="lower", kind="long", headline=True)
    # a new version of the headline metric may take it over
    with registered_metric("vpt_lyap-v99", direction="higher", kind="short", headline=True):
        assert _rows.headline_metric().id == "vpt_lyap-v99"
    assert _rows.headline_metric().id == "vpt_lyap-v1"
