"""Tracks and the tuning gain (chaosbench/reporting/_tracks.py) on hand-made rows."""

import numpy as np
import pandas as pd
import pytest

from chaosbench.reporting._tracks import track_of, tuning_gain, tuning_gain_markdown, with_track


def test_every_label_has_its_track():
    assert track_of("esn-v3") == "defaults"
    assert track_of("esn-v3[size=800]") == "defaults"
    assert track_of("tuned(esn-v3)") == "tuned"
    assert track_of("dynamix-v1") == "zero-shot"
    assert track_of("not_registered-v1") == "defaults"
    table = with_track(pd.DataFrame({"forecaster": ["esn-v3", "tuned(esn-v3)"], "x": [1, 2]}))
    assert list(table.columns) == ["forecaster", "track", "x"]
    assert list(table["track"]) == ["defaults", "tuned"]


def _rows():
    """Two systems × three seeds; tuned − defaults = +1 on system a, +3 on system b
    (seed 2 of b: the tuned cell failed)."""
    rows = []
    for system, offset in (("a", 1.0), ("b", 3.0)):
        for seed in range(3):
            base = 2.0 + seed
            rows.append(dict(task="rich", system=system, seed=seed, forecaster="esn-v3",
                             status="ok", vpt_lyap=base))  # fmt: skip
            failed = system == "b" and seed == 2
            rows.append(dict(task="rich", system=system, seed=seed, forecaster="tuned(esn-v3)",
                             status="error" if failed else "ok",
                             vpt_lyap=0.0 if failed else base + offset,
                             tuning_seconds=10.0 + seed))  # fmt: skip
    rows.append(dict(task="rich", system="a", seed=0, forecaster="persistence-v1",
                     status="ok", vpt_lyap=0.1))  # fmt: skip
    return pd.DataFrame(rows)


def test_the_gain_pairs_cells_and_takes_the_median_over_systems():
    (row,) = tuning_gain(_rows()).itertuples()
    assert (row.forecaster, row.systems, row.cells, row.unpaired) == ("esn", 2, 5, 1)
    assert row.gain_median == pytest.approx(2.0)  # median of (+1, +3)
    # defaults: a → median(2, 3, 4) = 3, b (paired seeds 0, 1) → 2.5; tuned: 4 and 5.5
    assert row.defaults_median == pytest.approx(2.75)
    assert row.tuned_median == pytest.approx(4.75)
    assert row.gain_ci_low == pytest.approx(1.0) and row.gain_ci_high == pytest.approx(3.0)
    assert row.tuning_seconds_median == pytest.approx(11.0)  # ok tuned cells: 10, 11, 12, 10, 11
    assert "`esn`" in tuning_gain_markdown(tuning_gain(_rows()))


def test_kept_counts_the_paired_cells_where_the_tuner_chose_the_defaults():
    rows = _rows()
    defaults = '{"leak": 0.5, "size": 8}'
    rows["hyperparameters"] = defaults
    tuned = rows["forecaster"] == "tuned(esn-v3)"
    # a, seed 1: the same choice written in another key order; b, seed 0: another choice
    rows.loc[tuned & (rows.system == "a") & (rows.seed == 1), "hyperparameters"] = (
        '{"size": 8, "leak": 0.5}'
    )
    rows.loc[tuned & (rows.system == "b") & (rows.seed == 0), "hyperparameters"] = (
        '{"leak": 0.9, "size": 8}'
    )
    (row,) = tuning_gain(rows).itertuples()
    assert (row.cells, row.kept) == (5, 4)  # b seed 2 is unpaired (its tuned cell failed)
    assert "| 4/5 |" in tuning_gain_markdown(tuning_gain(rows))
    (row,) = tuning_gain(_rows()).itertuples()  # no hyperparameters column: not counted
    assert np.isnan(row.kept)


def test_no_tuned_rows_no_gain():
    rows = _rows()
    assert tuning_gain(rows[~rows["forecaster"].str.startswith("tuned")]).empty
    assert tuning_gain_markdown(tuning_gain(rows.iloc[:0])) == ""


def test_zero_shot_rows_flag_the_systems_seen_in_pretraining():
    table = with_track(
        pd.DataFrame(
            {
                "system": ["rossler-v1", "lorenz63-v1", "rossler-v1"],
                "forecaster": ["dynamix-v1", "dynamix-v1", "esn-v3"],
            }
        )
    )
    assert list(table["track"]) == ["zero-shot", "zero-shot", "defaults"]
    assert list(table["seen_in_pretraining"]) == [True, False, False]
