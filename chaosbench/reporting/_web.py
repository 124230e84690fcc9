"""The static web leaderboard: ``OUT/index.html``, one self-contained page.

The page is built from the tables ``write_leaderboard`` has just written, read back from
disk (:func:`chaosbench.reporting._page_data.page_data`). They are inlined as JSON beside
a plain-JavaScript renderer and a stylesheet (``chaosbench/data/web/``); the page loads no
script, font or style from anywhere else and opens from the file system.

What it shows:

- the headline table (one per task, sortable by every column) with the medians'
  intervals and the difference from persistence, rendered here in Python with the same
  rounding as ``leaderboard.md`` (:mod:`._page_columns`) so the page reads without
  JavaScript, then re-rendered by the script; forecasters scored from forecasts made
  outside chaosbench are marked ``(external)``; each row's track (defaults, tuned,
  zero-shot: :mod:`._tracks`) is a badge, and a zero-shot row is marked;
- filters by task and by the breakdowns' bins (observed dimension ``3``, ``4-6``, ``7+``;
  λ_max · period; positive Lyapunov exponents; family, hidden when no system declares
  one; seen in a zero-shot forecaster's pretraining or not, shown when some system
  was); a filtered view recomputes each forecaster's medians, ranks and win rates from
  the ``by_system.csv`` rows of the systems that pass;
- a per-system view: every forecaster's metrics and track on the system (a zero-shot
  row marked "seen in pretraining" where its corpus held the system), the system's facts
  (registry and stored facts; λ_max and Δ as the run used them) and its figures where
  ``chaosbench plot`` wrote them (linked by relative path);
- the win-rate matrix as a heat map;
- skill beside cost: per task, median VPT against median cost per cell with the Pareto
  front (``skill_cost_<task>.png``, :mod:`._skill_cost`, inlined as a data URI; over all
  systems, not recomputed by the filters); the headline table carries the cost columns,
  the forecast seconds per test window among them;
- the tuning gain, the regimes (the curves across the task grid with their figures) and
  the refused cells: static HTML from :mod:`._page_sections`, each absent without rows;
- the paired tests over all systems (not recomputed by the filters): per task the
  Friedman test, the critical-difference diagram (``cd_diagram_<task>.png``, inlined as
  a data URI) and the matrix of Holm-corrected Wilcoxon p-values (``pairwise.csv``);
- the stamp.

Query parameters select a view (for links and for a headless browser): ``task``,
``system``, ``sort`` (a column key), ``dir`` (``asc``/``desc``), ``dim``, ``timescale``,
``exponents`` (a bin label of ``breakdowns.csv``: ``dim=4-6``, ``timescale=0.1-0.5``,
``exponents=2%2B``), ``family`` and ``selftest=1`` (the script checks its own rendering
and writes the verdict into ``#selftest``).
"""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path
from typing import Any

from ..base._cache import atomic_write_text
from ..numerics._rows import headline_metric
from ._page_columns import cell_text, track_text
from ._page_data import page_data
from ._page_sections import regimes_html, track_badge, tuning_html

TEMPLATE = Path(__file__).parents[1] / "data" / "web"


def _static_headline(data: dict[str, Any]) -> str:
    """The unfiltered headline tables as HTML (what the page shows before its script runs)."""
    columns = data["leaderboard"]["columns"]
    records = [
        {
            c: (math.inf if v == "inf" else -math.inf if v == "-inf" else v)
            for c, v in zip(columns, r)
        }
        for r in data["leaderboard"]["rows"]
    ]
    for record in records:
        for c, v in record.items():
            if v is None:
                record[c] = math.nan
            elif c in data["leaderboard"]["ints"]:
                record[c] = int(v)
    parts = []
    for task in sorted({r["task"] for r in records}):
        rows = [r for r in records if r["task"] == task]
        head = "".join(
            f'<th data-key="{s["key"]}">{html.escape(s["label"])}</th>' for s in data["headline"]
        )
        body = []
        for i, record in enumerate(rows, start=1):
            cells = "".join(
                f'<td data-key="{s["key"]}">'
                + (
                    track_badge(record.get("track"))
                    if s["kind"] == "track"
                    else html.escape(cell_text(s, record, i))
                )
                + "</td>"
                for s in data["headline"]
            )
            classes = ["external"] if record.get("external") is True else []
            classes += ["zero-shot"] if track_text(record.get("track")) == "zero-shot" else []
            mark = f' class="{" ".join(classes)}"' if classes else ""
            forecaster = html.escape(record["forecaster"])
            body.append(f'<tr data-forecaster="{forecaster}"{mark}>{cells}</tr>')
        parts.append(
            f"<h3>Task <code>{html.escape(task)}</code></h3>"
            f'<div class="scroll"><table class="headline" data-task="{html.escape(task)}">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        )
    return "\n".join(parts)


def _inline_json(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    # "<" occurs only inside JSON strings, where \u003c means the same: nothing in the data
    # can then close the <script> element or open an HTML comment
    return text.replace("<", "\\u003c")


def render_page(data: dict[str, Any]) -> str:
    """The page's HTML: template, stylesheet, script and data in one document."""
    sections = data.get("sections") or {"tuning_gain": [], "curves": [], "refusals": []}
    sections.setdefault("tracks", {})
    data = {k: v for k, v in data.items() if k != "sections"}  # static HTML, not data
    page = (TEMPLATE / "page.html").read_text()
    css = (TEMPLATE / "page.css").read_text()
    # the script names the headline metric by placeholders, filled from the registry
    headline = headline_metric()
    script = (TEMPLATE / "page.js").read_text()
    script = script.replace("__headline_name__", headline.short_name)
    script = script.replace("__headline__", headline.column)
    stamp = data["stamp"]
    subtitle = " · ".join(
        f"{k} {stamp[k]}"
        for k in ("suite", "chaosbench_version", "git_commit", "protocol_version", "made")
        if k in stamp
    )
    parts = {
        "/*{{CSS}}*/": css,
        "{{SUBTITLE}}": html.escape(subtitle),
        "<!--{{HEADLINE}}-->": _static_headline(data),
        "<!--{{TUNING}}-->": tuning_html(sections),
        "<!--{{REGIMES}}-->": regimes_html(sections),
        "{{DATA}}": _inline_json(data),
        "/*{{SCRIPT}}*/": script,
    }
    # one pass, so that nothing inserted is itself searched for placeholders
    pattern = "|".join(re.escape(k) for k in parts)
    return re.sub(pattern, lambda m: parts[m.group(0)], page)


def write_index(out: Path, made: str | None = None) -> Path:
    """Write ``out/index.html`` from the tables under ``out``; returns its path.

    **Arguments:**

    - `out`: a results directory holding ``leaderboard.csv``, ``by_system.csv`` and
      ``winrate.csv`` (``runs.csv``, ``stamp.json`` and ``figures/`` where present).
    - `made`: the date shown as when the results were made (default: the newest cell's
      modification time, UTC).
    """
    out = Path(out)
    missing = [
        n for n in ("leaderboard.csv", "by_system.csv", "winrate.csv") if not (out / n).exists()
    ]
    if missing:
        raise FileNotFoundError(
            f"{out} has no {', '.join(missing)}: run `chaosbench leaderboard --out {out}` first"
        )
    path = out / "index.html"
    atomic_write_text(path, render_page(page_data(out, made)))
    return path
