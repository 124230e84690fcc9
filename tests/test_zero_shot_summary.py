"""``benchmarks/catalogue_summary.py --zero-shot``: the zero-shot model against the trained
forecasters, on hand-made tables whose answers are counted by hand.

VPT (t_λ) per system; ``dynamix`` scores s1–s3 (s4 not: left out), s1 seen in pretraining:

    system  dynamix  parroting   a    b     c
    s1        5        1         4    2     1
    s2        0.5      1         3    2.5   0.1
    s3        2        1         1    3     0.5
    s4        –        1         9    –     –

Medians over s1–s3: a 3, b 2.5, dynamix 2, parroting 1, c 0.5 → dynamix 3rd of 5. It beats
c on all three systems, a on s1 and s3, b on s1 only: 2 of the 3 trained (a, c) beaten on
more than half.
Unseen s2, s3: median 1.25; seen s1: 5. Best of all on s1 only (5 > 4); above the median
trained forecaster on s1 (5 > 2) and s3 (2 > 1), not s2 (0.5 < 2.5): 2 of 3.

The zero-shot forecasters also run at a longer context (task ``long``), VPT per system:

    system  dynamix  parroting
    s1        9        1
    s2        1        2
    s3        2        6

Medians over s1–s3 (the systems dynamix scores): at ``rich`` dynamix 2, parroting 1; at
``long`` dynamix 2 (the mean would be 4), parroting 2 (the mean 3).
"""

import numpy as np
import pandas as pd
from benchmark_scripts import load

VPT = {
    "dynamix-v1": (5, 0.5, 2, np.nan),
    "parroting-v1": (1, 1, 1, 1),
    "a-v1": (4, 3, 1, 9),
    "b-v1": (2, 2.5, 3, np.nan),
    "c-v1": (1, 0.1, 0.5, np.nan),
}
ZERO_SHOT = ("dynamix-v1", "parroting-v1")


LONG = {"dynamix-v1": (9, 1, 2), "parroting-v1": (1, 2, 6)}


def _write(folder, names, long=False):
    rows = [
        {
            "task": task,
            "system": system,
            "forecaster": name,
            "track": "zero-shot" if name in ZERO_SHOT else "defaults",
            "seen_in_pretraining": name == "dynamix-v1" and system == "s1",
            "vpt_lyap_median": value,
            "d_stsp_norm_median": 1.5,
            "cost_seconds_median": 0.1 if name in ZERO_SHOT else 10.0,
            "forecast_seconds_per_window_median": 0.01,
        }
        for task, table in [("rich", VPT), *([("long", LONG)] if long else [])]
        for name in names
        for system, value in zip(("s1", "s2", "s3", "s4"), table[name])
        if not np.isnan(value)
    ]
    folder.mkdir()
    pd.DataFrame(rows).to_csv(folder / "by_system.csv", index=False)
    return folder


def test_the_zero_shot_finding_counts_where_the_pretrained_model_wins(tmp_path):
    shot = _write(tmp_path / "zero_shot", ZERO_SHOT)
    trained = _write(tmp_path / "trained", list(VPT))
    lines = load("catalogue_summary").zero_shot_summary(shot, trained, "rich")
    text = "\n".join(lines)
    assert lines[0].startswith("3 systems that `dynamix-v1` scores (1 of them seen in its ")
    order = [line.split("`")[1] for line in lines if line.startswith("| `")]
    assert order == ["a-v1", "b-v1", "dynamix-v1", "parroting-v1", "c-v1"]
    assert "`dynamix-v1` ranks 3 of 5 by median VPT on these systems" in text
    assert "it beats 2 of the 3 forecasters of the defaults track on more than half" in text
    assert "(`a-v1` and `c-v1`)" in text
    assert "did not see in pretraining its median VPT is 1.25 t_λ, on the 1 it saw 5." in text
    assert "It beats every trained forecaster on 1 system (`s1`)" in text
    assert "and the median trained forecaster on 2 of 3 (`s1` and `s3`)." in text


def test_the_zero_shot_contexts_table_gives_medians_over_the_systems(tmp_path):
    shot = _write(tmp_path / "zero_shot", ZERO_SHOT, long=True)
    trained = _write(tmp_path / "trained", list(VPT))
    lines = load("catalogue_summary").zero_shot_summary(shot, trained, "rich")
    start = lines.index("| forecaster | `rich` | `long` |")
    assert lines[start + 2 : start + 4] == [
        "| `dynamix-v1` | 2 | 2 |",
        "| `parroting-v1` | 1 | 2 |",
    ]


def test_the_longer_context_is_compared_with_the_context_curves_trained_forecasters(tmp_path):
    """The curve suites score a trained ``a`` at ``long`` on s1 and s2 only (VPT 3, 4) and
    parroting (its zero-shot row is the track's own, so the curve's copy is not read):
    on s1, s2 dynamix (9, 1) has median 5, a 3.5, parroting (1, 2) 1.5; dynamix beats a
    on s1 only and parroting on s1 only."""
    shot = _write(tmp_path / "zero_shot", ZERO_SHOT, long=True)
    trained = _write(tmp_path / "trained", list(VPT))
    curves = tmp_path / "curves"
    curves.mkdir()
    rows = [
        {"task": "long", "system": s, "forecaster": f, "track": t, "vpt_lyap_median": v}
        for f, t, values in [("a-v1", "defaults", (3, 4)), ("parroting-v1", "zero-shot", (7, 7))]
        for s, v in zip(("s1", "s2"), values)
    ]
    pd.DataFrame(rows).to_csv(curves / "by_system.csv", index=False)
    lines = load("catalogue_summary").zero_shot_summary(shot, trained, "rich", curves)
    start = next(i for i, line in enumerate(lines) if line.startswith("At `long`"))
    assert "on the 2 systems both score" in lines[start]
    assert lines[start + 4 :] == [
        "| `dynamix-v1` | 5 | · |",
        "| `a-v1` | 3.5 | 1/2 |",
        "| `parroting-v1` | 1.5 | 1/2 |",
    ]
