"""The web page's sections on the tracks and the regimes, rendered here as static HTML.

Both are over all systems of their tasks, so the page's filters do not recompute them
(the script only hides the tuning-gain rows of a task not chosen); each is left out of
the page when its table is absent or empty:

- **Tuning gain** (``tuning_gain.csv``, :mod:`._tracks`): per task and learned
  forecaster run on both tracks, the median VPT on defaults and tuned, the gain (tuned −
  defaults on the same datasets) with its 95 % interval, and the search seconds per cell.
- **Regimes** (``curves.csv`` and ``curve_<name>.png``, :mod:`._curves`): per curve of the
  task grid (data efficiency, noise, one observed variable, context length) its figure,
  inlined as a data URI as the page's other figures are, and its points as a table, the
  cells as ``leaderboard.md`` writes them; then the cells forecasters refused
  (``refusals.csv``).

A forecaster's track (``defaults``, ``tuned``, ``zero-shot``; :mod:`._tracks`) is drawn as
a badge (:func:`track_badge`), here and in the headline table.
"""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path
from typing import Any

import pandas as pd

from ..base._spec import short_label
from ..numerics._rows import headline_metric
from ._curves import CURVES, figure_name
from ._curves import _cell as curve_cell
from ._long_run import RATE
from ._markdown import fmt
from ._page_columns import track_text
from ._tracks import kept_text

NO_FILTER = "Over all systems of each task: the filters above do not apply."


def _records(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    frame = pd.read_csv(path, comment="#")
    return [] if frame.empty else frame.to_dict("records")


def _uri(path: Path) -> str | None:
    if not path.is_file():
        return None
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def sections_data(out: Path, tracks: dict[str, str]) -> dict[str, Any]:
    """What the sections show, read from the tables under ``out``: ``tuning_gain``,
    ``curves`` (per curve present: its name, title, axis, figure as a data URI and points)
    and ``refusals`` as lists of records, and ``tracks`` (forecaster → track, from
    ``leaderboard.csv``)."""
    out = Path(out)
    points = _records(out / "curves.csv")
    curves = []
    for curve in CURVES:
        mine = [p for p in points if p["curve"] == curve.name]
        if mine:
            figure = _uri(out / figure_name(curve.name))
            curves.append(
                {"name": curve.name, "title": curve.title, "axis": curve.axis, "points": mine}
            )
            curves[-1]["figure"] = figure
    return {
        "tuning_gain": _records(out / "tuning_gain.csv"),
        "curves": curves,
        "refusals": _records(out / "refusals.csv"),
        "tracks": tracks,
    }


def track_badge(track: Any) -> str:
    """A track as a badge (its text is :func:`track_text`'s)."""
    text = track_text(track)
    slug = text if text in ("defaults", "tuned", "zero-shot") else "none"
    return f'<span class="track t-{slug}">{html.escape(text)}</span>'


def _signed(value: Any) -> str:
    text = fmt(value)
    finite = isinstance(value, (int, float)) and math.isfinite(value)
    return "+" + text if finite and value > 0 else text


def gain_text(record: dict[str, Any]) -> str:
    """The gain cell: ``+1 [+0.5, +1.5]`` (median, then the 95 % interval)."""
    low, high = _signed(record["gain_ci_low"]), _signed(record["gain_ci_high"])
    return f"{_signed(record['gain_median'])} [{low}, {high}]"


def _row(cells: list[str], track: Any = None, **attrs: str) -> str:
    """A table row; a zero-shot forecaster's (``track``) marked as in the headline."""
    marks = "".join(f' {k.replace("_", "-")}="{html.escape(str(v))}"' for k, v in attrs.items())
    marks += ' class="zero-shot"' if track_text(track) == "zero-shot" else ""
    return f"<tr{marks}>{''.join(cells)}</tr>"


def _td(text: str, cls: str = "", title: str = "", raw: bool = False) -> str:
    attrs = (f' class="{cls}"' if cls else "") + (f' title="{html.escape(title)}"' if title else "")
    return f"<td{attrs}>{text if raw else html.escape(text)}</td>"


def _table(cls: str, head: list[str], body: list[str], **attrs: str) -> str:
    left = {h: ' class="left"' for h in ("task", "track", "reason")}
    left["forecaster"] = ' class="name"'
    cells = "".join(f"<th{left.get(h, '')}>{html.escape(h)}</th>" for h in head)
    marks = "".join(f' {k.replace("_", "-")}="{html.escape(v)}"' for k, v in attrs.items())
    return (
        f'<div class="scroll"><table class="{cls}"{marks}><thead><tr>{cells}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def tuning_html(data: dict[str, Any]) -> str:
    """The tuning-gain section (empty without ``tuning_gain.csv`` rows)."""
    rows = data["tuning_gain"]
    if not rows:
        return ""
    name = headline_metric().label
    body = []
    for r in rows:
        up, down = r["gain_ci_low"] > 0, r["gain_ci_high"] < 0
        cls = "up" if up else "down" if down else ""
        unpaired = int(r["unpaired"])
        cells = [
            _td(str(r["task"]), "left"),
            _td(str(r["forecaster"]), "name"),
            _td(str(int(r["systems"]))),
            _td(str(int(r["cells"])) + (f" (+{unpaired} unpaired)" if unpaired else "")),
            _td(fmt(r["defaults_median"])),
            _td(fmt(r["tuned_median"])),
            _td(gain_text(r), cls),
            _td(kept_text(r.get("kept"), r["cells"])),
            _td(fmt(r["tuning_seconds_median"])),
        ]
        body.append(_row(cells, data_task=str(r["task"]), data_forecaster=str(r["forecaster"])))
    head = ["task", "forecaster", "systems", "paired cells", f"defaults: median {name}"]
    head += [f"tuned: median {name}", "gain (95 % CI)", "defaults kept", "search s / cell"]
    note = (
        "Is it the method or the budget? Per learned forecaster run on both tracks: the "
        f"median {name} over systems (of the median over seeds) at its defaults and tuned "
        "per cell by the one tuner, on the same datasets (the same systems and seeds), and "
        "the gain, tuned − defaults, with its 95 % bootstrap interval (systems, then seeds "
        "resampled; coloured where it excludes 0). Defaults kept: the paired cells where "
        "the tuner chose the defaults' hyperparameters, whose tuned row is the defaults "
        "row's twin (gain 0). Search: median wall seconds of the "
        f"tuner's search per tuned cell (included in its fit seconds). {NO_FILTER} "
        "(tuning_gain.csv)"
    )
    return (
        '<section id="tuning">\n<h2>Tuning gain</h2>\n'
        f'<p class="note">{html.escape(note)}</p>\n'
        f"{_table('tuning', head, body, data_section='tuning')}\n</section>"
    )


def _curve_html(curve: dict[str, Any], tracks: dict[str, str]) -> str:
    headline = headline_metric().column
    points = curve["points"]
    tasks = list(
        dict.fromkeys(p["task"] for p in sorted(points, key=lambda p: (p["x"], p["task"])))
    )
    stated = {p["task"]: p["x_stated"] for p in points}
    head = ["forecaster", "track", *(f"{stated[t]} ({t})" for t in tasks)]
    body = []
    for forecaster in sorted({p["forecaster"] for p in points}):
        mine = {p["task"]: p for p in points if p["forecaster"] == forecaster}
        external = any(p.get("external") is True for p in mine.values())
        label = short_label(forecaster) + (" (external)" if external else "")
        badge = track_badge(tracks.get(forecaster))
        cells = [_td(label, "name", forecaster), _td(badge, "left", raw=True)]
        for task in tasks:
            p = mine.get(task)
            if p is None:
                cells.append(_td("–"))
                continue
            title = (
                f"{p['systems']} systems, {p['runs']} runs, {p['failures']} failures; "
                f"on-attractor rate 95 % CI {fmt(p[f'{RATE}_ci_low'], 2)} – "
                f"{fmt(p[f'{RATE}_ci_high'], 2)}"
            )
            cells.append(_td(curve_cell(pd.Series(p), headline), title=title))
        body.append(_row(cells, tracks.get(forecaster), data_forecaster=forecaster))
    parts = [f'<h3 id="curve-{curve["name"]}">{html.escape(curve["title"])}</h3>']
    if curve["figure"]:
        alt = f"{curve['title']}: one line per forecaster against {curve['axis']}"
        parts.append(
            f'<figure class="cd curve" data-curve="{curve["name"]}">'
            f'<img src="{curve["figure"]}" alt="{html.escape(alt)}">'
            f'<figcaption class="note">{figure_name(curve["name"])}</figcaption></figure>'
        )
    parts.append(_table("curve", head, body, data_curve=curve["name"]))
    return "\n".join(parts)


def _refusals_html(rows: list[dict[str, Any]], tracks: dict[str, str]) -> str:
    body = [
        _row(
            [
                _td(short_label(r["forecaster"]), "name", r["forecaster"]),
                _td(track_badge(tracks.get(r["forecaster"])), "left", raw=True),
                _td(str(r["task"]), "left"),
                _td(str(int(r["cells"]))),
                _td(str(int(r["systems"]))),
                _td(str(r["reason"]), "reason"),
            ],
            track=tracks.get(r["forecaster"]),
            data_task=str(r["task"]),
            data_forecaster=str(r["forecaster"]),
        )
        for r in rows
    ]
    note = (
        "A forecaster that cannot take a task (a context shorter than it needs, more or "
        "fewer observed variables than it takes) is refused by name: no score, not a "
        "failure, left out of every table above; the reason is one system's "
        "(refusals.csv)."
    )
    head = ["forecaster", "track", "task", "cells", "systems", "reason"]
    return (
        f'<section id="refused">\n<h2>Refused cells</h2>\n<p class="note">{html.escape(note)}</p>\n'
        f"{_table('refusals', head, body, data_section='refusals')}\n</section>"
    )


def regimes_html(data: dict[str, Any]) -> str:
    """The regimes section (each curve's figure and table; none without curves), then the
    refused cells' own section (none without refusals: a missing weights file refuses
    cells of any task, not only the grid's)."""
    curves, refused, tracks = data["curves"], data["refusals"], data["tracks"]
    after = [_refusals_html(refused, tracks)] if refused else []
    if not curves:
        return "\n".join(after)
    name = headline_metric().label
    note = (
        "Skill along the axes of the task grid, the other axes at the rich task's values. "
        f"Each cell: median {name} over systems [95 % bootstrap interval: systems, seeds, "
        "windows] · on-attractor rate (free runs on the attractor / all runs); columns are "
        "grid points (tasks) in the curve's order. One-variable points score the observed "
        "coordinate alone. The systems behind two points are the same only where every "
        f"cell ran (hover a cell for its counts). {NO_FILTER} (curves.csv)"
    )
    parts = [
        '<section id="regimes">',
        "<h2>Regimes</h2>",
        f'<p class="note">{html.escape(note)}</p>',
    ]
    parts += [_curve_html(c, tracks) for c in curves]
    return "\n".join([*parts, "</section>", *after])
