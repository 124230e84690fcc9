// chaosbench static leaderboard: renders the inlined tables (no network, no libraries).
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("data").textContent);
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...kids) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else node.setAttribute(k, v);
    }
    for (const kid of kids) if (kid !== null && kid !== undefined) node.append(kid);
    return node;
  };

  // ------------------------------------------------------------------ numbers
  const value = (v) => (v === "inf" ? Infinity : v === "-inf" ? -Infinity : v === null ? NaN : v);
  function records(t) {
    return t.rows.map((r) => {
      const o = {};
      t.columns.forEach((c, i) => { o[c] = value(r[i]); });
      return o;
    });
  }

  // Python's format(x, ".<p>g") exactly (round half to even on the exact binary value).
  function pyG(x, p) {
    if (x === 0) return Object.is(x, -0) ? "-0" : "0";
    const neg = x < 0;
    const m = /^(\d)\.(\d+)e([+-]\d+)$/.exec(Math.abs(x).toExponential(p + 30));
    const digits = m[1] + m[2];
    let exp = parseInt(m[3], 10);
    const head = digits.slice(0, p).split("").map(Number);
    const next = Number(digits[p]);
    const rest = digits.slice(p + 1);
    const up = next > 5 || (next === 5 && (/[1-9]/.test(rest) || head[p - 1] % 2 === 1));
    if (up) {
      let i = p - 1;
      while (i >= 0 && head[i] === 9) { head[i] = 0; i--; }
      if (i >= 0) head[i]++;
      else { head.unshift(1); head.pop(); exp++; }
    }
    const str = head.join("");
    let out;
    if (exp >= -4 && exp < p) {
      const whole = exp >= 0 ? str.slice(0, exp + 1) : "0";
      const frac = (exp >= 0 ? str.slice(exp + 1) : "0".repeat(-exp - 1) + str).replace(/0+$/, "");
      out = frac ? whole + "." + frac : whole;
    } else {
      const frac = str.slice(1).replace(/0+$/, "");
      const e = Math.abs(exp);
      out = str[0] + (frac ? "." + frac : "") + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
    }
    return (neg ? "-" : "") + out;
  }
  // chaosbench._leaderboard._fmt
  function fmt(v, digits, isInt) {
    if (typeof v === "string") return v;
    if (v === null || v === undefined || Number.isNaN(v)) return "–";
    if (v === Infinity) return "∞";
    if (v === -Infinity) return "−∞";
    if (isInt) return String(Math.trunc(v));
    return pyG(v, digits || 3);
  }
  // chaosbench._leaderboard.quantile
  function quantile(values, p) {
    const x = values.filter((v) => !Number.isNaN(v)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (!x.length) return NaN;
    const pos = p * (x.length - 1);
    const lo = Math.floor(pos), hi = Math.ceil(pos), frac = pos - lo;
    if (frac === 0 || x[lo] === x[hi]) return x[lo];
    return x[lo] + frac * (x[hi] - x[lo]);
  }
  const median = (values) => quantile(values, 0.5);
  function sortedMedian(x) { // x sorted; inf-safe as _sorted_median
    const n = x.length, lo = x[(n - 1) >> 1], hi = x[n >> 1];
    return lo === hi ? lo : 0.5 * (lo + hi);
  }
  function mulberry32(seed) {
    return function () {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function hash(text) {
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    return h >>> 0;
  }
  // Bootstrap 95 % interval of the median, resampling the (per-system) values.
  function bootstrapCI(values, key) {
    const x = values.filter((v) => !Number.isNaN(v));
    if (!x.length) return [NaN, NaN];
    const rand = mulberry32(hash(key)), n = 2000, meds = new Array(n), pick = new Array(x.length);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < x.length; i++) pick[i] = x[Math.floor(rand() * x.length)];
      pick.sort((a, c) => (a < c ? -1 : a > c ? 1 : 0));
      meds[b] = sortedMedian(pick);
    }
    meds.sort((a, c) => (a < c ? -1 : a > c ? 1 : 0));
    return [meds[Math.floor(0.025 * (n - 1))], meds[Math.ceil(0.975 * (n - 1))]];
  }

  // ------------------------------------------------------------------ data
  const BOARD = records(DATA.leaderboard);
  const BY = records(DATA.by_system);
  const WINS = records(DATA.winrate);
  const PAIRS = DATA.pairwise ? records(DATA.pairwise) : [];
  const RANKS = DATA.ranking ? records(DATA.ranking) : [];
  const ORDERS = DATA.orders ? records(DATA.orders) : [];
  const DIMS = Object.entries(DATA.dimension_bins || {}); // [column infix, bin label]
  const SYSTEMS = DATA.systems;
  const HEAD = DATA.headline;
  // the long-run state counts (on, off, diverged, unjudged): the "states" column's
  const STATES = (HEAD.find((s) => s.kind === "states") || { cols: [] }).cols;
  const INTS = new Set([...DATA.leaderboard.ints, "failures", "runs", "systems", "seeds", ...STATES]);
  const GAIN = DATA.reference ? "__headline___minus_" + DATA.reference : "";
  const EXTERNAL = new Set([...BOARD, ...BY].filter((r) => r.external === true).map((r) => r.forecaster));
  const marked = (name) => (EXTERNAL.has(name) ? name + " (external)" : name);
  // each forecaster's track (leaderboard.csv's track: defaults, tuned, zero-shot), as a badge
  const TRACK = new Map(BOARD.filter((r) => typeof r.track === "string").map((r) => [r.forecaster, r.track]));
  const trackText = (t) => (typeof t === "string" && t ? t : "–"); // _page_columns.track_text
  const trackBadge = (t) => {
    const text = trackText(t);
    return el("span", { class: "track t-" + (["defaults", "tuned", "zero-shot"].includes(text) ? text : "none"), text });
  };
  const HAS_SEEN = ((DATA.bins || {}).pretraining || []).length > 0; // some system seen in pretraining
  // filters: query parameter → the breakdown (column of by_system.csv) whose bins it picks
  const FILTERS = [["dim", "observed_dimension"], ["timescale", "lyapunov_times_per_period"],
    ["exponents", "positive_exponents"], ["family", "family"], ["pretraining", "pretraining"]];
  const TASKS = [...new Set(BOARD.map((r) => r.task))].sort();
  const ALL_SYSTEMS = Object.keys(SYSTEMS).sort();
  const FAMILIES = [...new Set(ALL_SYSTEMS.map((s) => SYSTEMS[s].family).filter((f) => f))].sort();

  const params = new URLSearchParams(window.location.search);
  const state = {
    task: params.get("task") || "",
    dim: params.get("dim") || "",
    timescale: params.get("timescale") || "",
    exponents: params.get("exponents") || "",
    family: params.get("family") || "",
    pretraining: params.get("pretraining") || "",
    system: params.get("system") || "",
    sort: params.get("sort") || "",
    dir: params.get("dir") || "",
  };

  // A system passes when it is in the chosen bin of every filter (the bins of breakdowns.csv).
  function passes(id) {
    const bins = (SYSTEMS[id] || {}).bins || {};
    return FILTERS.every(([key, kind]) => !state[key] || bins[kind] === state[key]);
  }
  const filtered = () => FILTERS.some(([key]) => Boolean(state[key]));

  // Per-forecaster figures of one task recomputed from by_system rows of the chosen systems.
  function aggregate(task, chosen) {
    const rows = BY.filter((r) => r.task === task && chosen.has(r.system));
    const rank = new Map();
    const bySystem = new Map();
    for (const r of rows) {
      if (!bySystem.has(r.system)) bySystem.set(r.system, []);
      bySystem.get(r.system).push(r);
    }
    for (const group of bySystem.values()) {
      for (const r of group) {
        const v = r.__headline___median;
        if (Number.isNaN(v)) { rank.set(r, NaN); continue; }
        let above = 0, same = 0;
        for (const o of group) {
          if (o.__headline___median > v) above++;
          else if (o.__headline___median === v) same++;
        }
        rank.set(r, above + (same + 1) / 2);
      }
    }
    const forecasters = [...new Set(rows.map((r) => r.forecaster))].sort();
    const out = forecasters.map((f) => {
      const mine = rows.filter((r) => r.forecaster === f);
      const vpt = mine.map((r) => r.__headline___median);
      const ranks = mine.map((r) => rank.get(r)).filter((v) => !Number.isNaN(v));
      const rec = {
        task, forecaster: f, track: TRACK.get(f), external: EXTERNAL.has(f), systems: mine.length,
        runs: mine.reduce((a, r) => a + r.seeds, 0),
        failures: mine.reduce((a, r) => a + r.failures, 0),
        __headline___median: median(vpt), __headline___q25: quantile(vpt, 0.25), __headline___q75: quantile(vpt, 0.75),
        mean_rank: ranks.length ? ranks.reduce((a, b) => a + b, 0) / ranks.length : NaN,
      };
      [rec.__headline___ci_low, rec.__headline___ci_high] = bootstrapCI(vpt, task + "|" + f);
      for (const c of STATES) rec[c] = mine.reduce((a, r) => a + (r[c] || 0), 0);
      if (STATES.length) { // chaosbench.reporting._long_run.summary: on / runs, NaN if unjudged
        rec.on_attractor_rate = rec.runs && !rec[STATES[3]] ? rec[STATES[0]] / rec.runs : NaN;
      }
      for (const [infix, label] of DIMS) { // the median within each observed-dimension bin
        const inBin = mine.filter((r) => ((SYSTEMS[r.system] || {}).bins || {}).observed_dimension === label);
        rec["__headline___" + infix + "_median"] = median(inBin.map((r) => r.__headline___median));
      }
      // leaderboard.csv's X_median is the median over systems of by_system.csv's X_median
      // (a per-system median over seeds) or, where it has no such column, of its X
      for (const spec of HEAD) {
        for (const c of spec.cols) {
          if (c in rec || !c.endsWith("_median")) continue;
          const src = mine.length && c in mine[0] ? c : c.slice(0, -"_median".length);
          rec[c] = mine.length && src in mine[0] ? median(mine.map((r) => r[src])) : NaN;
        }
      }
      return rec;
    });
    out.sort((a, b) => cmp(a.mean_rank, b.mean_rank) || cmp(b.__headline___median, a.__headline___median) ||
      (a.forecaster < b.forecaster ? -1 : a.forecaster > b.forecaster ? 1 : 0));
    return out;
  }
  function cmp(a, b) { // NaN last
    const na = Number.isNaN(a), nb = Number.isNaN(b);
    if (na || nb) return na && nb ? 0 : na ? 1 : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  function winRates(task, chosen) {
    const rows = BY.filter((r) => r.task === task && chosen.has(r.system));
    const vpt = new Map();
    for (const r of rows) vpt.set(r.forecaster + "\u0000" + r.system, r.__headline___median);
    const names = [...new Set(rows.map((r) => r.forecaster))];
    const systems = [...new Set(rows.map((r) => r.system))];
    const out = new Map();
    for (const a of names) for (const b of names) {
      if (a === b) continue;
      let wins = 0, ties = 0, pairs = 0;
      for (const s of systems) {
        const x = vpt.get(a + "\u0000" + s), y = vpt.get(b + "\u0000" + s);
        if (x === undefined || y === undefined || Number.isNaN(x) || Number.isNaN(y)) continue;
        pairs++;
        if (x > y) wins++; else if (x === y) ties++;
      }
      out.set(a + "\u0000" + b, pairs ? (wins + 0.5 * ties) / pairs : NaN);
    }
    return out;
  }

  // ------------------------------------------------------------------ headline
  function cellText(spec, rec, position) {
    const c = spec.cols;
    if (spec.key === "position") return String(position);
    if (spec.kind === "forecaster") return marked(String(rec[c[0]]));
    if (spec.kind === "text") return String(rec[c[0]]);
    if (spec.kind === "track") return trackText(rec[c[0]]);
    if (spec.kind === "range") return fmt(rec[c[0]]) + " – " + fmt(rec[c[1]]);
    if (spec.kind === "failures") return fmt(rec[c[0]], 3, true) + "/" + fmt(rec[c[1]], 3, true);
    if (spec.kind === "states") return stateText(rec, c);
    if (spec.kind === "next") { // chaosbench.reporting._markdown.next_mark
      const v = rec[c[1]];
      return typeof v === "string" && v in NEXT_MARKS ? NEXT_MARKS[v] + " " + fmt(rec[c[0]], 2) : "–";
    }
    return fmt(rec[c[0]], 3, INTS.has(c[0]));
  }
  const NEXT_MARKS = { better: ">", worse: "<", indistinguishable: "≈" };
  // chaosbench.reporting._long_run.state_cell: on/off/diverged (+ n unjudged)
  function stateText(r, cols) {
    const [on, off, div, unjudged] = cols.map((c) => Math.trunc(r[c] || 0));
    return on + "/" + off + "/" + div + (unjudged ? " + " + unjudged + " unjudged" : "");
  }
  function specFor(key) {
    return HEAD.find((s) => s.key === key) || HEAD.find((s) => s.cols.includes(key));
  }
  function sortRecords(recs, key, dir) {
    const spec = specFor(key);
    if (!spec) return recs;
    const sign = dir === "desc" ? -1 : 1;
    const get = spec.key === "position" ? (r) => r._position : (r) => r[spec.cols[0]];
    return recs.slice().sort((a, b) => {
      const x = get(a), y = get(b);
      if (typeof x === "string") return sign * (x < y ? -1 : x > y ? 1 : 0);
      const na = Number.isNaN(x), nb = Number.isNaN(y);
      if (na || nb) return na && nb ? 0 : na ? 1 : -1; // missing last either way
      return sign * (x < y ? -1 : x > y ? 1 : 0) || a._position - b._position;
    });
  }
  function defaultDir(key) {
    return ["__headline___median", "__headline___ci", "__headline___iqr", GAIN + "_median", "systems"].includes(key) ? "desc" : "asc";
  }
  function headlineTable(task, recs) {
    const table = el("table", { class: "headline sortable", "data-task": task });
    const tr = el("tr");
    for (const spec of HEAD) {
      const th = el("th", { "data-key": spec.key, title: spec.title || null, text: spec.label });
      if (state.sort === spec.key) th.className = "sorted-" + state.dir;
      th.addEventListener("click", () => {
        if (state.sort === spec.key) state.dir = state.dir === "asc" ? "desc" : "asc";
        else { state.sort = spec.key; state.dir = defaultDir(spec.key); }
        update();
      });
      tr.append(th);
    }
    table.append(el("thead", {}, tr));
    const body = el("tbody");
    const shown = state.sort ? sortRecords(recs, state.sort, state.dir) : recs;
    for (const rec of shown) {
      const classes = [EXTERNAL.has(rec.forecaster) ? "external" : "", trackText(rec.track) === "zero-shot" ? "zero-shot" : ""];
      const row = el("tr", { "data-forecaster": rec.forecaster, class: classes.filter(Boolean).join(" ") || null });
      for (const spec of HEAD) {
        if (spec.kind === "track") { row.append(el("td", { "data-key": spec.key }, trackBadge(rec[spec.cols[0]]))); continue; }
        const td = el("td", { "data-key": spec.key, text: cellText(spec, rec, rec._position) });
        row.append(td);
      }
      body.append(row);
    }
    table.append(body);
    return el("div", { class: "scroll" }, table);
  }

  function tasksShown() { return state.task ? [state.task] : TASKS; }
  function chosenSystems() { return new Set(ALL_SYSTEMS.filter(passes)); }

  function renderHeadline() {
    const box = $("headline-tables");
    box.replaceChildren();
    const chosen = chosenSystems();
    for (const task of tasksShown()) {
      let recs = filtered() ? aggregate(task, chosen) : BOARD.filter((r) => r.task === task);
      recs = recs.map((r, i) => Object.assign({}, r, { _position: i + 1 }));
      box.append(el("h3", {}, "Task ", el("code", { text: task })));
      if (!recs.length) { box.append(el("p", { class: "note", text: "no rows for these filters" })); continue; }
      box.append(headlineTable(task, recs));
    }
  }

  // ------------------------------------------------------------------ win rates
  function heatColour(w) {
    if (Number.isNaN(w)) return ["#eee", "#666"];
    const lo = [202, 60, 50], mid = [247, 247, 247], hi = [33, 102, 172];
    const t = Math.abs(w - 0.5) * 2, end = w < 0.5 ? lo : hi;
    const c = mid.map((m, i) => Math.round(m + (end[i] - m) * t));
    return ["rgb(" + c.join(",") + ")", t > 0.55 ? "#fff" : "#1d2330"];
  }
  function renderWinrate() {
    const box = $("winrate-body");
    box.replaceChildren();
    const chosen = chosenSystems();
    for (const task of tasksShown()) {
      let names, rate;
      if (filtered()) {
        names = aggregate(task, chosen).map((r) => r.forecaster);
        rate = winRates(task, chosen);
      } else {
        names = BOARD.filter((r) => r.task === task).map((r) => r.forecaster);
        rate = new Map(WINS.filter((r) => r.task === task).map((r) => [r.forecaster + "\u0000" + r.opponent, r.win_rate]));
      }
      if (names.length < 2) continue;
      const short = (n) => n.replace(/-v\d+$/, "");
      const head = el("tr", {}, el("th", { class: "name", text: "row vs column" }));
      names.forEach((n, i) => head.append(el("th", { class: "col", text: String(i + 1), title: n })));
      const body = el("tbody");
      for (const [i, a] of names.entries()) {
        const tr = el("tr", {}, el("th", { class: "name", text: i + 1 + " " + short(a) + (EXTERNAL.has(a) ? " (external)" : ""), title: a }));
        for (const b of names) {
          if (a === b) { tr.append(el("td", { class: "diag", text: "·" })); continue; }
          const w = rate.has(a + "\u0000" + b) ? rate.get(a + "\u0000" + b) : NaN;
          const [bg, fg] = heatColour(w);
          tr.append(el("td", { style: "background:" + bg + ";color:" + fg, title: short(a) + " vs " + short(b), text: fmt(w, 2) }));
        }
        body.append(tr);
      }
      box.append(el("h3", {}, "Task ", el("code", { text: task })));
      box.append(el("div", { class: "scroll" }, el("table", { class: "heat", "data-task": task }, el("thead", {}, head), body)));
    }
  }

  // ------------------------------------------------------------------ skill and cost
  function renderCost() {
    const box = $("cost-body");
    box.replaceChildren();
    for (const task of tasksShown()) {
      const image = (DATA.skill_cost || {})[task];
      if (!image) continue;
      box.append(el("figure", { class: "cd", "data-task": task }, el("img", { src: image, alt: "median VPT against median cost per cell, task " + task }),
        el("figcaption", { class: "note", text: "skill_cost_" + task + ".png" })));
    }
    $("cost").hidden = !box.children.length;
  }

  // ------------------------------------------------------------------ paired tests
  function renderPaired() {
    const box = $("paired-body");
    box.replaceChildren();
    const short = (n) => n.replace(/-v\d+$/, "");
    const marks = { better: "▲", worse: "▼" };
    for (const task of tasksShown()) {
      const ranks = RANKS.filter((r) => r.task === task);
      const pairs = new Map(PAIRS.filter((r) => r.task === task).map((r) => [r.forecaster + "\u0000" + r.opponent, r]));
      const image = (DATA.cd_diagrams || {})[task];
      if (!ranks.length && !pairs.size && !image) continue;
      box.append(el("h3", {}, "Task ", el("code", { text: task })));
      if (ranks.length) {
        const r = ranks[0];
        const ranked = new Set(ranks.map((x) => x.forecaster));
        const leftOut = BOARD.filter((x) => x.task === task && !ranked.has(x.forecaster)).map((x) => x.forecaster);
        box.append(el("p", { class: "note", "data-task": task, text: "Friedman over the " + r.systems + " systems where all " +
          r.forecasters + " ranked forecasters have rows" +
          (leftOut.length ? " (" + leftOut.join(", ") + ", scored on too few systems, left out of it and compared pair by pair below)" : "") +
          ": χ² = " + fmt(r.friedman_statistic) + ", p = " + fmt(r.friedman_p) +
          " (Iman–Davenport F = " + fmt(r.iman_davenport_f) + ", p = " + fmt(r.iman_davenport_p) + "); Nemenyi CD = " +
          fmt(r.critical_difference) + " average ranks (α = 0.05)." }));
      }
      if (image) {
        box.append(el("figure", { class: "cd", "data-task": task }, el("img", { src: image, alt: "critical-difference diagram, task " + task }),
          el("figcaption", { class: "note", text: "cd_diagram_" + task + ".png" })));
      }
      const names = BOARD.filter((r) => r.task === task).map((r) => r.forecaster);
      if (names.length < 2 || !pairs.size) continue;
      const head = el("tr", {}, el("th", { class: "name", text: "row vs column" }));
      names.forEach((n, i) => head.append(el("th", { class: "col", text: String(i + 1), title: n })));
      const body = el("tbody");
      for (const [i, a] of names.entries()) {
        const tr = el("tr", {}, el("th", { class: "name", text: i + 1 + " " + short(a) + (EXTERNAL.has(a) ? " (external)" : ""), title: a }));
        for (const b of names) {
          const p = pairs.get(a + "\u0000" + b);
          if (a === b || !p) { tr.append(el("td", { class: "diag", text: "·" })); continue; }
          tr.append(el("td", { class: p.verdict, text: fmt(p.p_holm, 2) + (marks[p.verdict] || ""),
            title: short(a) + " vs " + short(b) + ": " + p.systems + " systems, " + p.wins + " wins, " + p.ties + " ties, " +
              p.losses + " losses; Wilcoxon p = " + fmt(p.p_value) + ", Holm p = " + fmt(p.p_holm) }));
        }
        body.append(tr);
      }
      box.append(el("div", { class: "scroll" }, el("table", { class: "pairs", "data-task": task }, el("thead", {}, head), body)));
      renderOrders(box, task);
    }
  }

  // How robust the order is (orders.csv): each forecaster's position under other aggregates and per seed.
  function renderOrders(box, task) {
    const rows = ORDERS.filter((r) => r.task === task);
    if (!rows.length) return;
    const seeds = Object.keys(rows[0]).filter((k) => k.startsWith("position_seed_") && rows.some((r) => !Number.isNaN(value(r[k]))));
    const held = rows.filter((r) => r.position_best === r.position_worst).length;
    box.append(el("p", { class: "note", "data-task": task, text: "How robust is the order? Over the " + rows[0].systems +
      " systems of the Friedman test, each forecaster's position by the median, the mean and the average rank of the per-system VPT, " +
      "and by each seed's dataset alone (orders.csv). Smallest Kendall τ between two aggregates' orders " + fmt(rows[0].tau_aggregates_min, 2) +
      ", between two seeds' " + fmt(rows[0].tau_seeds_min, 2) + "; " + held + " of " + rows.length + " forecasters hold one position under every choice." }));
    const head = el("tr", {}, el("th", { class: "name", text: "forecaster" }));
    for (const h of ["median", "mean", "average rank", ...seeds.map((k) => "seed " + k.slice("position_seed_".length)), "range"]) head.append(el("th", { text: h }));
    const body = el("tbody");
    const pos = (v) => (Number.isNaN(value(v)) ? "–" : String(v));
    for (const r of rows) {
      const range = r.position_best === r.position_worst ? String(r.position_best) : r.position_best + "–" + r.position_worst;
      const tr = el("tr", { "data-forecaster": r.forecaster }, el("th", { class: "name", text: r.forecaster }));
      for (const k of ["position_median", "position_mean", "position_average_rank", ...seeds]) tr.append(el("td", { text: pos(r[k]) }));
      tr.append(el("td", { class: r.position_best === r.position_worst ? "held" : "", text: range }));
      body.append(tr);
    }
    box.append(el("div", { class: "scroll" }, el("table", { class: "orders", "data-task": task }, el("thead", {}, head), body)));
  }

  // ------------------------------------------------------------------ systems
  function systemLink(id) {
    const a = el("a", { class: "sys", href: "?system=" + encodeURIComponent(id), text: id });
    a.addEventListener("click", (ev) => { ev.preventDefault(); state.system = id; update(); $("system-view").scrollIntoView(); });
    return a;
  }
  function renderSystems() {
    const box = $("systems-body");
    box.replaceChildren();
    const ids = ALL_SYSTEMS.filter(passes);
    const head = el("tr", {}, el("th", { class: "name", text: "system" }));
    const hasFamily = FAMILIES.length > 0;
    if (hasFamily) head.append(el("th", { class: "name", text: "family" }));
    for (const h of ["observed dim", "λ_max", "λ_max·period", "λ > 0", "forecasters", "figures"]) head.append(el("th", { text: h }));
    if (HAS_SEEN) head.append(el("th", { class: "name", text: "seen in pretraining by" }));
    const body = el("tbody");
    for (const id of ids) {
      const s = SYSTEMS[id];
      const tr = el("tr", {}, el("td", { class: "name" }, systemLink(id)));
      if (hasFamily) tr.append(el("td", { class: "name", text: s.family || "–" }));
      const n = new Set(BY.filter((r) => r.system === id).map((r) => r.forecaster)).size;
      tr.append(el("td", { text: fmt(s.observed_dimension, 3, true) }), el("td", { text: fmt(value(s.max_lyapunov)) }),
        el("td", { text: fmt(value(s.lyapunov_times_per_period)) }), el("td", { text: fmt(s.positive_exponents, 3, true) }),
        el("td", { text: String(n) }), el("td", { text: String((s.figures || []).length) }));
      if (HAS_SEEN) tr.append(el("td", { class: "name", text: (s.seen_in_pretraining || []).join(", ") || "–" }));
      body.append(tr);
    }
    box.append(el("div", { class: "scroll" }, el("table", { class: "systems" }, el("thead", {}, head), body)));
  }

  function renderSystemView() {
    const view = $("system-view");
    const id = state.system;
    if (!id || !(id in SYSTEMS)) { view.hidden = true; return; }
    view.hidden = false;
    $("system-title").textContent = id;
    const s = SYSTEMS[id];
    const body = $("system-body");
    body.replaceChildren();
    const facts = el("div", { class: "facts", id: "system-facts" });
    const fact = (label, v) => facts.append(el("div", { "data-fact": label }, el("span", { text: label }), v));
    if (s.family) fact("family", s.family);
    fact("dimension", fmt(s.dimension, 3, true) + (s.observed_dimension !== s.dimension && s.observed_dimension !== undefined ? " (observed " + s.observed_dimension + ")" : ""));
    fact("λ_max", fmt(value(s.max_lyapunov)));
    fact("Lyapunov time", fmt(value(s.lyapunov_time)));
    fact("period", fmt(value(s.period)));
    fact("Δ (dt)", fmt(value(s.dt)));
    fact("λ_max·period", fmt(value(s.lyapunov_times_per_period)));
    fact("positive exponents", fmt(s.positive_exponents, 3, true));
    if (s.kaplan_yorke_dimension !== undefined) fact("Kaplan–Yorke dim", fmt(value(s.kaplan_yorke_dimension)));
    if ((s.seen_in_pretraining || []).length) fact("seen in pretraining by", s.seen_in_pretraining.join(", "));
    body.append(facts);
    if (s.description) body.append(el("p", { class: "citation", text: s.description }));
    body.append(el("p", { class: "citation", text: s.citation ? "Citation: " + s.citation : "Citation: not in the registry of this build." }));
    for (const task of tasksShown()) {
      const rows = BY.filter((r) => r.task === task && r.system === id);
      if (!rows.length) continue;
      body.append(el("h3", {}, "Task ", el("code", { text: task })));
      body.append(systemTable(task, rows));
    }
    const figs = s.figures || [];
    body.append(el("h3", { text: "Figures" }));
    if (!figs.length) body.append(el("p", { class: "nofig", id: "no-figures", text: "no figures (run `chaosbench plot --system " + id + "`)" }));
    else {
      const gallery = el("div", { class: "gallery" });
      for (const f of figs) {
        gallery.append(el("figure", {}, el("a", { href: f }, el("img", { src: f, alt: f, loading: "lazy" })),
          el("figcaption", { text: f.replace(/^figures\//, "") })));
      }
      body.append(gallery);
    }
  }
  const systemSort = { key: "__headline__", dir: "desc" };
  function systemTable(task, rows) {
    const metrics = DATA.metrics;
    const cols = [{ key: "forecaster", label: "forecaster" }].concat(
      rows.some((r) => typeof r.track === "string") ? [{ key: "track", label: "track" }] : [],
      metrics.map((m) => ({ key: m.key, label: m.label, metric: true })),
      GAIN ? [{ key: GAIN, label: "__headline_name__ − " + DATA.reference }] : [],
      STATES.length ? [{ key: "long_run", label: "long run on/off/div" }] : [],
      [{ key: "failures", label: "failures" }, { key: "fit_seconds_median", label: "fit s" }],
      rows.some((r) => "forecast_seconds_per_window_median" in r) ? [{ key: "forecast_seconds_per_window_median", label: "forecast s / window" }] : []);
    const get = (r, key) => (key === "forecaster" ? r.forecaster : key in r ? r[key] : r[key + "_median"]);
    const sign = systemSort.dir === "desc" ? -1 : 1;
    const shown = rows.slice().sort((a, b) => {
      const x = get(a, systemSort.key), y = get(b, systemSort.key);
      if (typeof x === "string") return sign * (x < y ? -1 : x > y ? 1 : 0);
      return cmp(x, y) === 0 ? 0 : Number.isNaN(x) || Number.isNaN(y) ? cmp(x, y) : sign * cmp(x, y);
    });
    const head = el("tr");
    for (const c of cols) {
      const th = el("th", { "data-key": c.key, class: c.key === "forecaster" ? "name" : null, text: c.label });
      if (systemSort.key === c.key) th.classList.add("sorted-" + systemSort.dir);
      th.addEventListener("click", () => {
        if (systemSort.key === c.key) systemSort.dir = systemSort.dir === "asc" ? "desc" : "asc";
        else { systemSort.key = c.key; systemSort.dir = c.key === "__headline__" ? "desc" : "asc"; }
        renderSystemView();
      });
      head.append(th);
    }
    const body = el("tbody");
    for (const r of shown) {
      const seen = r.seen_in_pretraining === true;
      const tr = el("tr", { "data-forecaster": r.forecaster, class: r.track === "zero-shot" ? "zero-shot" : null, "data-seen": seen ? "true" : null });
      for (const c of cols) {
        if (c.key === "forecaster") tr.append(el("td", { class: "name", "data-key": c.key, text: marked(r.forecaster) }));
        else if (c.key === "track") {
          tr.append(el("td", { "data-key": c.key }, trackBadge(r.track),
            seen ? el("span", { class: "seen", title: "this system was in the forecaster's pretraining corpus", text: "seen in pretraining" }) : null));
        }
        else if (c.key === "failures") tr.append(el("td", { "data-key": c.key, text: fmt(r.failures, 3, true) + "/" + fmt(r.seeds, 3, true) }));
        else if (c.key === "long_run") tr.append(el("td", { "data-key": c.key, text: stateText(r, STATES) }));
        else if (c.metric) {
          const lo = r[c.key + "_ci_low"], hi = r[c.key + "_ci_high"];
          const censored = r[c.key + "_censored"] === true ? "≥ " : ""; // only a lower bound
          const td = el("td", { "data-key": c.key, text: censored + fmt(r[c.key + "_median"]) });
          if (lo !== undefined) td.append(el("br"), el("span", { class: "ci", text: fmt(lo) + " – " + fmt(hi) }));
          tr.append(td);
        } else tr.append(el("td", { "data-key": c.key, text: fmt(r[c.key]) }));
      }
      body.append(tr);
    }
    const note = el("p", { class: "note", text: "Medians over seeds with their bootstrap 95 % intervals (by_system.csv; " +
      "__headline_name__: seeds, then test windows, resampled; ≥ x: most windows stayed valid to the horizon)." });
    return el("div", {}, note, el("div", { class: "scroll" }, el("table", { class: "system sortable", "data-task": task }, el("thead", {}, head), body)));
  }

  // ------------------------------------------------------------------ controls, stamp
  function option(select, v, label) { select.append(el("option", { value: v, text: label })); }
  function setupControls() {
    $("controls").hidden = false;
    const task = $("f-task");
    option(task, "", "all tasks");
    for (const t of TASKS) option(task, t, t);
    for (const [key, kind] of FILTERS) {
      const select = $("f-" + key);
      option(select, "", "all");
      for (const b of (DATA.bins || {})[kind] || []) option(select, b, b);
    }
    if (!FAMILIES.length) $("family-label").hidden = true;
    if (!HAS_SEEN) $("pretraining-label").hidden = true;
    $("system-close").addEventListener("click", (ev) => { ev.preventDefault(); state.system = ""; update(); });
    const sys = $("f-system");
    for (const s of ALL_SYSTEMS) option(sys, s, s);
    for (const [id, key] of [["f-task", "task"], ...FILTERS.map(([k]) => ["f-" + k, k]), ["f-system", "system"]]) {
      $(id).value = state[key];
      $(id).addEventListener("change", () => { state[key] = $(id).value; update(); });
    }
  }
  function renderStamp() {
    const dl = $("stamp-body");
    const labels = { chaosbench_version: "version", git_commit: "commit", protocol_version: "protocol", suite: "suite", suite_hash: "suite hash", made: "date made (newest result)", jax_version: "jax", device: "device", python: "python" };
    for (const [k, v] of Object.entries(DATA.stamp)) dl.append(el("dt", { text: labels[k] || k }), el("dd", { "data-stamp": k, text: v }));
  }
  function renderFigures() {
    if (!DATA.vpt_figure) return;
    const box = $("figures-all");
    box.append(el("h2", { text: "__headline_name__ distribution" }), el("a", { href: DATA.vpt_figure }, el("img", { src: DATA.vpt_figure, alt: "__headline_name__ per forecaster over all rows", loading: "lazy" })));
  }
  function renderNote() {
    const note = $("filter-note");
    const chosen = chosenSystems();
    if (filtered()) {
      note.className = "note active";
      note.textContent = "Filtered view: " + chosen.size + " of " + ALL_SYSTEMS.length + " systems. The figures below are medians " +
        "recomputed in this page from by_system.csv over these systems (intervals: bootstrap over systems only); " +
        "the unfiltered view shows leaderboard.csv's numbers.";
    } else {
      note.className = "note";
      note.textContent = "Unfiltered: the numbers of leaderboard.csv and winrate.csv (" + ALL_SYSTEMS.length + " systems).";
    }
  }
  function syncURL() {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(state)) if (v) q.set(k, v);
    if (params.get("selftest")) q.set("selftest", params.get("selftest"));
    const s = q.toString();
    try { history.replaceState(null, "", s ? "?" + s : window.location.pathname); } catch (e) { /* file:// may refuse */ }
  }
  function renderTuning() { // static rows (Python-rendered): those of the chosen task only
    for (const tr of document.querySelectorAll("#tuning tbody tr[data-task]")) tr.hidden = Boolean(state.task) && tr.dataset.task !== state.task;
  }
  function update() {
    $("f-system").value = state.system;
    renderNote();
    renderHeadline();
    renderSystemView();
    renderWinrate();
    renderCost();
    renderTuning();
    renderPaired();
    renderSystems();
    syncURL();
  }

  // ------------------------------------------------------------------ self-test
  function staticHeadline() { // the Python-rendered cells, before the script replaces them
    const out = {};
    for (const t of document.querySelectorAll("#headline-tables table.headline")) {
      out[t.dataset.task] = [...t.tBodies[0].rows].map((r) => [...r.cells].map((c) => c.textContent));
    }
    return out;
  }
  function selftest(before) {
    const lines = [];
    const check = (ok, what) => lines.push((ok ? "ok   " : "FAIL ") + what);
    for (const [v, want] of DATA.fmt_cases || []) check(fmt(value(v)) === want, "fmt(" + v + ") = " + fmt(value(v)) + ", Python " + want);
    const tables = document.querySelectorAll("#headline-tables table.headline");
    const nonEmpty = tasksShown().filter((t) => (filtered() ? aggregate(t, chosenSystems()) : BOARD.filter((r) => r.task === t)).length);
    check(tables.length === nonEmpty.length, tables.length + " headline tables rendered (tasks with rows: " + nonEmpty.length + ")");
    for (const t of tables) {
      const rows = [...t.tBodies[0].rows];
      const expected = filtered() ? aggregate(t.dataset.task, chosenSystems()).length : BOARD.filter((r) => r.task === t.dataset.task).length;
      check(rows.length === expected, "task " + t.dataset.task + ": " + rows.length + " rows of " + expected);
      if (!state.sort && !filtered() && before[t.dataset.task]) {
        const now = rows.map((r) => [...r.cells].map((c) => c.textContent));
        check(JSON.stringify(now) === JSON.stringify(before[t.dataset.task]), "task " + t.dataset.task + ": script's cells equal Python's");
      }
      if (state.sort) {
        const spec = specFor(state.sort);
        const recs = rows.map((r) => (filtered() ? aggregate(t.dataset.task, chosenSystems()) : BOARD).find((b) => b.task === t.dataset.task && b.forecaster === r.dataset.forecaster));
        const vals = recs.map((r, i) => (spec.key === "position" ? Number(rows[i].cells[0].textContent) : r[spec.cols[0]]));
        let ok = true;
        for (let i = 1; i < vals.length; i++) {
          const a = vals[i - 1], b = vals[i];
          if (typeof a === "string") { if (state.dir === "asc" ? a > b : a < b) ok = false; continue; }
          if (Number.isNaN(a) && !Number.isNaN(b)) ok = false;
          if (!Number.isNaN(a) && !Number.isNaN(b) && (state.dir === "asc" ? a > b : a < b)) ok = false;
        }
        check(ok, "task " + t.dataset.task + ": sorted by " + spec.key + " " + state.dir);
      }
    }
    if (state.system) {
      const view = $("system-view");
      check(!view.hidden, "system view shown for " + state.system);
      const want = new Set(BY.filter((r) => r.system === state.system && tasksShown().includes(r.task)).map((r) => r.task + "/" + r.forecaster));
      const got = new Set([...view.querySelectorAll("table.system tbody tr")].map((r) => r.closest("table").dataset.task + "/" + r.dataset.forecaster));
      check(want.size > 0 && want.size === got.size && [...want].every((x) => got.has(x)), "system view: " + got.size + " forecaster rows of " + want.size);
      const figs = (SYSTEMS[state.system] || {}).figures || [];
      const imgs = view.querySelectorAll(".gallery img").length;
      check(figs.length ? imgs === figs.length : Boolean($("no-figures")), "system view: " + (figs.length ? imgs + " figures" : "no figures"));
    }
    for (const t of document.querySelectorAll("#winrate-body table.heat")) {
      const n = t.tBodies[0].rows.length;
      check(t.querySelectorAll("tbody td").length === n * n, "heat map " + t.dataset.task + ": " + n + "×" + n);
    }
    for (const t of document.querySelectorAll("#paired-body table.pairs")) {
      const n = t.tBodies[0].rows.length;
      const want = BOARD.filter((r) => r.task === t.dataset.task).length;
      check(n === want && t.querySelectorAll("tbody td").length === n * n, "pairwise matrix " + t.dataset.task + ": " + n + "×" + n);
    }
    for (const t of document.querySelectorAll("#paired-body table.orders")) {
      const want = ORDERS.filter((r) => r.task === t.dataset.task);
      const got = [...t.tBodies[0].rows].map((r) => r.dataset.forecaster);
      check(got.length === want.length && want.every((r, i) => r.forecaster === got[i]), "orders " + t.dataset.task + ": " + got.length + " forecasters as orders.csv");
    }
    for (const task of tasksShown()) {
      if (!(DATA.skill_cost || {})[task]) continue;
      const img = document.querySelector('#cost-body figure[data-task="' + task + '"] img');
      check(Boolean(img) && img.getAttribute("src") === DATA.skill_cost[task], "skill-cost figure " + task + " inlined");
    }
    for (const task of tasksShown()) {
      if (!(DATA.cd_diagrams || {})[task]) continue;
      const img = document.querySelector('#paired-body figure.cd[data-task="' + task + '"] img');
      check(Boolean(img) && img.getAttribute("src") === DATA.cd_diagrams[task], "critical-difference diagram " + task + " inlined");
    }
    if (TRACK.size) {
      const cells = [...document.querySelectorAll("#headline-tables table.headline tbody tr")];
      check(cells.every((r) => r.querySelector('td[data-key="track"]').textContent === trackText(TRACK.get(r.dataset.forecaster)) &&
        r.classList.contains("zero-shot") === (TRACK.get(r.dataset.forecaster) === "zero-shot")), "headline: every row's track as leaderboard.csv's, zero-shot rows marked");
    }
    if (state.pretraining) {
      const shown = [...chosenSystems()];
      check(shown.every((id) => ((SYSTEMS[id] || {}).bins || {}).pretraining === state.pretraining), "pretraining filter: " + shown.length + " " + state.pretraining + " systems");
    }
    if (state.system && (SYSTEMS[state.system] || {}).seen_in_pretraining) {
      const marks = [...document.querySelectorAll("#system-view table.system tr[data-seen] .seen")].map((m) => m.closest("tr").dataset.forecaster);
      const want = BY.filter((r) => r.system === state.system && r.seen_in_pretraining === true && tasksShown().includes(r.task)).length;
      check(marks.length === want && marks.every((f) => SYSTEMS[state.system].seen_in_pretraining.includes(f)), "system view: " + marks.length + " rows marked seen in pretraining");
    }
    for (const tr of document.querySelectorAll("#tuning tbody tr[data-task]")) {
      if (tr.hidden === (!state.task || tr.dataset.task === state.task)) { check(false, "tuning gain: row of task " + tr.dataset.task + " shown for task " + state.task); break; }
    }
    const pass = lines.every((l) => l.startsWith("ok"));
    const pre = $("selftest");
    pre.hidden = false;
    pre.dataset.result = pass ? "pass" : "fail";
    pre.textContent = "SELFTEST " + (pass ? "PASS" : "FAIL") + "\n" + lines.join("\n");
  }

  const before = staticHeadline();
  setupControls();
  renderStamp();
  renderFigures();
  update();
  if (params.get("selftest")) selftest(before);
})();
