"""The static web page (``index.html``) shows exactly the leaderboard's tables.

Built by ``write_leaderboard`` from the rows of ``web_fixture`` (see its docstring for
the hand-computed medians), parsed with ``html.parser``; the browser-side behaviour
(sorting, filters, per-system view) is checked by ``make test-browser``. The fixture's
variants: with the tuned and zero-shot tracks (``tracked``: the tuning gain, a refusal,
a system seen in pretraining), and with one task only (``one_task``: no curve).
"""

import base64
import json
import math
from html.parser import HTMLParser

import pandas as pd
import pytest
from web_fixture import REFUSAL, write_cells

from chaosbench.base import _api
from chaosbench.reporting import _leaderboard as lb
from chaosbench.reporting import _page_data, _page_sections, _web
from chaosbench.reporting._markdown import fmt


class Page(HTMLParser):
    """Tags with their attributes, the headline tables' cells and the inlined data."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.tables, self.data_text = [], {}, None
        self._table = self._row = self._cell = self._script = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "table" and "headline" in attrs.get("class", ""):
            self._table = self.tables.setdefault(attrs["data-task"], [])
        elif tag == "tr" and self._table is not None and "data-forecaster" in attrs:
            self._row = [attrs["data-forecaster"]]
            self._table.append(self._row)
        elif tag == "td" and self._row is not None:
            self._cell = []
        elif tag == "script" and attrs.get("id") == "data":
            self._script = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "script" and self._script is not None:
            self.data_text = "".join(self._script)
            self._script = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._script is not None:
            self._script.append(data)


class Tables(HTMLParser):
    """Every table of a page: its attributes and its rows' cell texts (``th`` and ``td``),
    the cells' attributes beside; and the ids of its sections."""

    def __init__(self, text):
        super().__init__()
        self.tables, self.sections, self._cell = [], [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.sections.append(attrs.get("id"))
        elif tag == "table":
            self.tables.append({"attrs": attrs, "rows": [], "row_attrs": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
            self.tables[-1]["row_attrs"].append(attrs)
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1]["rows"][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def find(self, cls, **attrs):
        """The tables of class ``cls`` (and the given ``data-*`` attributes)."""
        return [
            t
            for t in self.tables
            if cls in t["attrs"].get("class", "").split()
            and all(t["attrs"].get(f"data-{k}") == v for k, v in attrs.items())
        ]


def _build(out, **variant):
    paths = lb.write_leaderboard(write_cells(out, **variant))
    text = paths["html"].read_text()
    page = Page(text)
    return out, paths, page, json.loads(page.data_text), Tables(text)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("web"))[:4]


@pytest.fixture(scope="module")
def tracked(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("web-tracks"), tracks=True)


@pytest.fixture(scope="module")
def one_task(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("web-one"), tasks=("rich",))


def _value(v):
    return (
        {"inf": math.inf, "-inf": -math.inf, None: math.nan}.get(v, v)
        if not isinstance(v, (int, float))
        else v
    )


def _md_tables(text):
    """``leaderboard.md``'s ranked tables: task → (header, rows of cells)."""
    tables, task, lines = {}, None, text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("## Task `"):
            task = line.split("`")[1]
        elif task and line.startswith("| #"):
            header = [c.strip() for c in line.strip("|").split("|")]
            rows = []
            for body in lines[i + 2 :]:
                if not body.startswith("|"):
                    break
                rows.append([c.strip().replace("`", "") for c in body.strip("|").split("|")])
            tables[task], task = (header, rows), None
    return tables


def test_page_is_written_and_self_contained(built):
    out, paths, page, _ = built
    assert paths["html"] == out / "index.html"
    for tag, attrs in page.tags:
        assert tag != "link", "the page must not load stylesheets"
        if tag == "script":
            assert "src" not in attrs, "the page must not load scripts"
        if tag == "img":
            assert not attrs["src"].startswith(("http:", "https:", "//"))
    assert page.data_text is not None


def test_headline_cells_equal_the_csv_and_the_markdown(built):
    out, paths, page, data = built
    board = pd.read_csv(paths["leaderboard"])
    markdown = _md_tables(paths["markdown"].read_text())
    labels = {s["key"]: s["label"] for s in data["headline"]}
    assert set(page.tables) == set(board["task"]) == {"rich", "limited"}
    for task, rows in page.tables.items():
        csv = board[board["task"] == task].reset_index(drop=True)
        # every forecaster row, in the CSV's order
        assert [r[0] for r in rows] == list(csv["forecaster"])
        keys = [s["key"] for s in data["headline"]]
        for (forecaster, *cells), (_, r) in zip(rows, csv.iterrows()):
            cell = dict(zip(keys, cells))
            assert cell["forecaster"] == forecaster
            assert cell["vpt_lyap_median"] == fmt(r["vpt_lyap_median"])
            assert cell["vpt_lyap_ci"] == (
                f"{fmt(r['vpt_lyap_ci_low'])} – {fmt(r['vpt_lyap_ci_high'])}"
            )
            assert cell["vpt_lyap_iqr"] == f"{fmt(r['vpt_lyap_q25'])} – {fmt(r['vpt_lyap_q75'])}"
            assert cell["failures"] == f"{r['failures']}/{r['runs']}"
            for key in ("mean_rank", "d_stsp_norm_median", "d_h_norm_median", "fit_seconds_median"):
                assert cell[key] == fmt(r[key]), key
        # the same text as leaderboard.md, column by column
        header, md_rows = markdown[task]
        md_column = {"median VPT (t_λ)": "vpt_lyap_median", "95 % CI": "vpt_lyap_ci"}
        md_column |= {"IQR": "vpt_lyap_iqr", "mean rank": "mean_rank"}
        md_column |= {"D_stsp/floor": "d_stsp_norm_median", "D_H/floor": "d_h_norm_median"}
        md_column |= {"failures": "failures", "fit s": "fit_seconds_median"}
        md_column |= {"#": "position", "forecaster": "forecaster", "systems": "systems"}
        md_column |= {"λ error": "lyap_rel_error_median", "long run on/off/div": "long_run"}
        md_column |= {"VPT − persistence": "vpt_lyap_minus_persistence_median"}
        md_column |= {"vs next": "vs_next", "VPT dim 3": "vpt_lyap_dim3_median"}
        md_column |= {"VPT dim 4-6": "vpt_lyap_dim4to6_median"}
        md_column |= {"VPT dim 7+": "vpt_lyap_dim7plus_median"}
        for md_row, (forecaster, *cells) in zip(md_rows, rows):
            cell = dict(zip(keys, cells))
            for name, text in zip(header, md_row):
                assert cell[md_column[name]] == text, (task, forecaster, name)
                assert labels[md_column[name]]  # every Markdown column has a page column


def test_hand_computed_medians_and_infinite_scores(built):
    _, _, page, data = built
    keys = [s["key"] for s in data["headline"]]
    cell = {r[0]: dict(zip(keys, r[1:])) for r in page.tables["rich"]}
    assert cell["a-v1"]["vpt_lyap_median"] == "2"  # per-system medians 2, 6, 2
    assert cell["c-v1"]["vpt_lyap_median"] == "1"  # 2, 0, 1
    assert cell["c-v1"]["failures"] == "3/6"
    # normalised D_stsp over the runs on the attractor: c 4, (lorenz96: both seeds
    # failed, left out), 3; b's off-attractor run on toy is not in its median (2)
    assert cell["c-v1"]["d_stsp_norm_median"] == "3.5"
    assert cell["b-v1"]["d_stsp_norm_median"] == "3"
    assert (cell["a-v1"]["long_run"], cell["b-v1"]["long_run"]) == ("6/0/0", "5/1/0")
    assert cell["c-v1"]["long_run"] == "3/0/0" and cell["c-v1"]["on_attractor_rate"] == "0.5"
    assert cell["a-v1"]["vpt_lyap_minus_persistence_median"] == "–"  # no persistence here
    limited = {r[0]: dict(zip(keys, r[1:])) for r in page.tables["limited"]}
    assert limited["c-v1"]["vpt_lyap_median"] == "0.5"  # VPT halved


def test_inlined_tables_equal_the_csvs(built):
    _, paths, _, data = built
    for name, key in (("leaderboard", "leaderboard"), ("by_system", "by_system")):
        csv = pd.read_csv(paths[name])
        inlined = data[key]
        assert len(inlined["rows"]) == len(csv)
        for row, (_, r) in zip(inlined["rows"], csv.iterrows()):
            for column, v in zip(inlined["columns"], row):
                want, got = r[column], _value(v)
                if isinstance(want, str):
                    assert got == want
                elif math.isnan(want):
                    assert got is math.nan or math.isnan(got)
                else:
                    assert got == want, (name, column)
    wins = pd.read_csv(paths["winrate"])
    assert [r[-1] for r in data["winrate"]["rows"]] == list(wins["win_rate"])
    counts = {"long_run_on_attractor", "long_run_off_attractor", "long_run_diverged"}
    counts |= {"long_run_unjudged"}
    assert set(data["leaderboard"]["ints"]) == {"systems", "runs", "failures"} | counts


def test_whole_medians_stay_real_numbers_for_the_script():
    # pandas reads a column of whole medians (7) as integers; the page must still hand
    # them over as real numbers, or its script would truncate the medians it recomputes
    # for a filtered view (and round them as counts); counts stay integers
    frame = pd.DataFrame({"forecaster": ["a"], "vpt_lyap_median": [7], "systems": [3]})
    inlined = _page_data._columnar(frame, list(frame.columns))
    assert inlined["ints"] == ["systems"] and inlined["rows"] == [["a", 7.0, 3]]
    assert isinstance(inlined["rows"][0][1], float) and isinstance(inlined["rows"][0][2], int)


def test_metrics_ordered_and_unknown_ones_kept(built):
    _, _, _, data = built
    keys = [m["key"] for m in data["metrics"]]
    # a long-run metric with a truth floor: its normalised median first, then the raw
    assert keys == [
        "vpt_lyap",
        "d_stsp_norm",
        "d_stsp",
        "d_h_norm",
        "d_h",
        "lyap_rel_error",
        "nrmse_h1",
    ]
    labels = {m["key"]: m["label"] for m in data["metrics"]}
    assert (labels["d_stsp_norm"], labels["d_stsp"]) == ("D_stsp/floor", "D_stsp")


def test_system_facts_and_figures(built):
    _, _, _, data = built
    systems = data["systems"]
    assert set(systems) == {"lorenz63-v1", "lorenz96-v1", "toy-v1"}
    lorenz96 = systems["lorenz96-v1"]
    cls = _api.systems.get("lorenz96-v1")
    assert lorenz96["observed_dimension"] == cls().observed_dimension == 10
    assert lorenz96["citation"] == cls.citation
    assert lorenz96["family"] == getattr(cls, "family", None)
    # λ_max and Δ as the run used them (the rows'), the Lyapunov time from that λ_max
    assert lorenz96["max_lyapunov"] == 0.9 and lorenz96["dt"] == 0.01
    assert lorenz96["lyapunov_time"] == pytest.approx(1 / 0.9)
    assert lorenz96["lyapunov_times_per_period"] == pytest.approx(0.9 * lorenz96["period"])
    # the bins the page filters by are those of breakdowns.csv
    split = pd.read_csv(built[1]["breakdowns"])
    for kind, bin_ in lorenz96["bins"].items():
        assert bin_ in set(split.loc[split.breakdown == kind, "bin"]), kind
    assert lorenz96["bins"]["observed_dimension"] == "7+"
    assert systems["toy-v1"]["bins"]["observed_dimension"] == "unknown"
    assert set(data["bins"]["observed_dimension"]) == {"3", "7+", "unknown"}
    assert systems["lorenz63-v1"]["figures"] == ["figures/error_growth_lorenz63.png"]
    assert systems["lorenz96-v1"]["figures"] == []
    assert "citation" not in systems["toy-v1"]  # not registered: no registry facts


def test_stamp_on_the_page(built):
    _, _, _, data = built
    stamp = data["stamp"]
    assert stamp["git_commit"] == "abc123" and stamp["suite"] == "web-fixture"
    assert stamp["protocol_version"] == "3" and stamp["made"].endswith("UTC")


def test_inlined_json_cannot_close_its_script():
    text = _web._inline_json({"citation": "a </script><script>alert(1)</script> <!-- b"})
    assert "</script" not in text and "<!--" not in text
    assert json.loads(text) == {"citation": "a </script><script>alert(1)</script> <!-- b"}


def test_missing_tables_fail_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match="chaosbench leaderboard --out"):
        _web.write_index(tmp_path)
    with pytest.raises(FileNotFoundError, match="chaosbench run --out"):
        lb.write_leaderboard(tmp_path)


# --------------------------------------------------------------------------- tracks


def _headline_cells(page, data, task):
    keys = [s["key"] for s in data["headline"]]
    return {r[0]: dict(zip(keys, r[1:])) for r in page.tables[task]}


def test_every_headline_row_names_its_track(built, tracked):
    _, _, page, data = built
    assert {c["track"] for c in _headline_cells(page, data, "rich").values()} == {"defaults"}
    _, paths, page, data, tables = tracked
    board = pd.read_csv(paths["leaderboard"])
    for task in ("rich", "limited"):
        cells = _headline_cells(page, data, task)
        assert cells["tuned(a-v1)"]["track"] == "tuned"
        assert cells["dynamix-v1"]["track"] == "zero-shot"
        assert cells["a-v1"]["track"] == cells["c-v1"]["track"] == "defaults"
        want = dict(zip(board["forecaster"], board["track"]))
        assert {f: c["track"] for f, c in cells.items()} == want
    # the zero-shot rows are marked (the badge and the row), whatever the script does
    headline = [t for t in tables.find("headline") if t["attrs"]["data-task"] == "rich"][0]
    marks = {a["data-forecaster"]: a.get("class") for a in headline["row_attrs"][1:]}
    assert marks == dict.fromkeys(marks, None) | {"dynamix-v1": "zero-shot"}
    text = paths["html"].read_text()
    assert '<span class="track t-zero-shot">zero-shot</span>' in text


def test_systems_seen_in_pretraining_are_marked_for_zero_shot_rows(built, tracked):
    _, _, _, data = built
    assert "pretraining" not in data["bins"]
    assert not any("seen_in_pretraining" in info for info in data["systems"].values())
    _, paths, _, data, _ = tracked
    systems = data["systems"]
    # rossler-v1 is in dynamix's corpus; lorenz63-v1 and toy-v1 are not
    assert systems["rossler-v1"]["seen_in_pretraining"] == ["dynamix-v1"]
    assert "seen_in_pretraining" not in systems["lorenz63-v1"]
    assert data["bins"]["pretraining"] == ["seen", "unseen"]
    assert {s: i["bins"]["pretraining"] for s, i in systems.items()} == {
        "lorenz63-v1": "unseen",
        "lorenz96-v1": "unseen",
        "rossler-v1": "seen",
        "toy-v1": "unseen",
    }
    # the per-system view reads the flags from the inlined by_system rows
    by = data["by_system"]
    rows = [dict(zip(by["columns"], r)) for r in by["rows"]]
    seen = {(r["system"], r["forecaster"]) for r in rows if r["seen_in_pretraining"] is True}
    assert seen == {("rossler-v1", "dynamix-v1")}
    assert {r["track"] for r in rows if r["forecaster"] == "dynamix-v1"} == {"zero-shot"}


# --------------------------------------------------------------------------- tuning gain


def test_tuning_gain_section_when_tuned_rows_exist(built, tracked):
    _, _, _, _, tables = tracked
    assert "tuning" in tables.sections
    (table,) = tables.find("tuning")
    header, *rows = table["rows"]
    assert header[:2] == ["task", "forecaster"] and header[-3:] == [
        "gain (95 % CI)",
        "defaults kept",
        "search s / cell",
    ]
    # hand-computed (web_fixture): tuned(a) is a + 1 in rich, a + 0.5 in limited, with
    # hyperparameters other than a's in every cell (none kept)
    assert rows == [
        ["limited", "a", "3", "6", "1", "1.5", "+0.5 [+0.5, +0.5]", "0/6", "10"],
        ["rich", "a", "3", "6", "2", "3", "+1 [+1, +1]", "0/6", "10"],
    ]
    assert [a.get("data-task") for a in table["row_attrs"][1:]] == ["limited", "rich"]
    _, paths, _, _ = built
    assert "tuning_gain" not in paths  # no tuned rows: no table, no section
    assert 'id="tuning"' not in paths["html"].read_text()


# --------------------------------------------------------------------------- regimes


def _md_curve(markdown, title):
    lines = markdown[markdown.index(f"### {title}") :].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| forecaster"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def test_regimes_section_shows_each_curve_its_figure_and_points(tracked):
    out, paths, _, data, tables = tracked
    assert "regimes" in tables.sections
    (table,) = tables.find("curve", curve="data")
    header, *rows = table["rows"]
    assert header == ["forecaster", "track", "9 t_λ (1000 steps) (limited)",
                      "90 t_λ (10000 steps) (rich)"]  # fmt: skip
    # the points' cells are leaderboard.md's, the forecasters in its order
    markdown = _md_curve(paths["markdown"].read_text(), "Data efficiency")
    assert [r[0] for r in rows] == [r[0] for r in markdown]
    assert [r[2:] for r in rows] == [r[1:] for r in markdown]
    assert dict((r[0], r[1]) for r in rows)["dynamix"] == "zero-shot"
    assert rows[0][2] == "1 [1, 3] · 100 %"  # a on limited: VPT 1, every run on the attractor
    # the figure inlined once, as the page's other figures are, and only data curves drawn
    uri = base64.b64encode((out / "curve_data.png").read_bytes()).decode("ascii")
    html_text = paths["html"].read_text()
    assert html_text.count(uri) == 1
    assert f'src="data:image/png;base64,{uri}"' in html_text
    assert [t["attrs"]["data-curve"] for t in tables.find("curve")] == ["data"]
    assert "sections" not in data  # static HTML, not inlined as data


def test_refused_cells_are_listed(built, tracked):
    _, _, _, _, tables = tracked
    (table,) = tables.find("refusals")
    header, *rows = table["rows"]
    assert header == ["forecaster", "track", "task", "cells", "systems", "reason"]
    assert rows == [
        ["dynamix", "zero-shot", "limited", "2", "1", REFUSAL],
        ["dynamix", "zero-shot", "rich", "2", "1", REFUSAL],
    ]
    assert "refused" in tables.sections  # its own section, beside the regimes'
    _, paths, _, _ = built
    assert "refusals" not in paths and 'class="refusals"' not in paths["html"].read_text()


def test_no_regimes_section_without_two_points_of_a_curve(built, one_task):
    out, paths, _, _, tables = one_task
    assert "curves" not in paths and not (out / "curves.csv").exists()
    assert "regimes" not in tables.sections and not tables.find("curve")
    assert "tuning" not in tables.sections
    # the two-task fixture has a data curve (rich and limited), but nothing refused
    page = Tables(built[1]["html"].read_text())
    assert "regimes" in page.sections and len(page.find("curve", curve="data")) == 1
    assert not page.find("refusals") and 'id="refused"' not in built[1]["html"].read_text()


# --------------------------------------------------------------------------- cost per window


def test_forecast_seconds_per_window_beside_fit_and_forecast(tracked):
    _, paths, page, data, _ = tracked
    board = pd.read_csv(paths["leaderboard"])
    # every row forecast for 0.5 s; without per-window values a row counts the
    # protocol's 20 test windows
    assert set(board["forecast_seconds_per_window_median"]) == {0.5 / 20}
    keys = [s["key"] for s in data["headline"]]
    at = keys.index("forecast_seconds_per_window_median")
    assert keys[at - 1] == "forecast_seconds_median"
    assert keys.index("fit_seconds_median") < at
    labels = {s["key"]: s["label"] for s in data["headline"]}
    assert labels["forecast_seconds_per_window_median"] == "forecast s / window"
    cells = _headline_cells(page, data, "rich")
    assert {c["forecast_seconds_per_window_median"] for c in cells.values()} == {"0.025"}
    text = paths["markdown"].read_text()
    assert "| forecaster | fit s | forecast s | forecast s / window | compile s |" in text


def test_track_badges():
    for track in ("defaults", "tuned", "zero-shot"):
        assert _page_sections.track_badge(track) == (
            f'<span class="track t-{track}">{track}</span>'
        )
    assert _page_sections.track_badge(math.nan) == '<span class="track t-none">–</span>'
