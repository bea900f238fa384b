// The GMV dashboard page: polls the JSON API and redraws. Query parameters of the page:
//   pipeline (default gmv-by-category), tz (default UTC), top (default 8),
//   at (a fixed moment, ISO or epoch ms; default: now, following the live windows), refresh (seconds, default 5).
(function () {
  "use strict";
  const params = new URLSearchParams(window.location.search);
  const pipeline = params.get("pipeline") || "gmv-by-category";
  const tz = params.get("tz") || "UTC";
  const top = params.get("top") || "8";
  const at = params.get("at");
  const refreshSeconds = Math.max(1, Number(params.get("refresh") || 5));
  const state = { chart: null, compare: null, consistency: null, refreshes: 0 };
  window.sluiceDashboard = state;   // read by the page test

  // Integer cents to "12,345.67" without floating point.
  function money(cents) {
    if (cents === null || cents === undefined) return "–";
    const negative = cents < 0;
    const abs = Math.abs(cents);
    const units = Math.floor(abs / 100).toLocaleString("en-US");
    const rest = String(abs % 100).padStart(2, "0");
    return (negative ? "-" : "") + units + "." + rest;
  }

  function percent(p) {
    if (p === null || p === undefined) return "n/a (no sales yesterday)";
    return (p > 0 ? "+" : "") + p.toFixed(1) + " % vs yesterday";
  }

  function time(ms) {
    return new Date(ms).toLocaleTimeString("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit" });
  }

  function setMoney(id, cents) {
    const el = document.getElementById(id);
    el.textContent = money(cents);
    el.dataset.cents = cents === null || cents === undefined ? "" : String(cents);
  }

  function setDiff(id, c) {
    const el = document.getElementById(id);
    el.textContent = percent(c.diffPercent);
    el.className = "diff " + (c.diffPercent === null ? "" : c.diffPercent >= 0 ? "up" : "down");
  }

  function renderCompare(body) {
    state.compare = body;
    document.getElementById("meta").textContent = pipeline + " · " + tz + " · "
      + (body.window === null ? "no window has fired today yet" : "last window " + time(body.window))
      + (at ? " (fixed)" : " · refreshing every " + refreshSeconds + " s");
    if (body.window !== null) {
      document.getElementById("current-window").textContent = time(body.window)
        + (body.current.final ? "" : " (early, not final)");
      setMoney("current-today", body.current.todayCents);
      setMoney("current-yesterday", body.current.yesterdayCents);
      setDiff("current-diff", body.current);
      setMoney("day-today", body.daySoFar.todayCents);
      setMoney("day-yesterday", body.daySoFar.yesterdayCents);
      setDiff("day-diff", body.daySoFar);
      const rows = body.topKeys.map(k => "<tr data-key=\"" + escape(k.key) + "\"><td>" + escape(k.key) + "</td>"
        + "<td data-cents=\"" + k.todayCents + "\">" + money(k.todayCents) + "</td>"
        + "<td data-cents=\"" + k.yesterdayCents + "\">" + money(k.yesterdayCents) + "</td>"
        + "<td class=\"" + (k.diffPercent === null ? "" : k.diffPercent >= 0 ? "up" : "down") + "\">"
        + (k.diffPercent === null ? "n/a" : (k.diffPercent > 0 ? "+" : "") + k.diffPercent.toFixed(1) + " %")
        + "</td></tr>");
      document.querySelector("#top-keys tbody").innerHTML = rows.join("");
    }
    drawChart(body);
  }

  function escape(s) {
    return String(s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" })[c]);
  }

  // One x axis (the minutes of today and of yesterday's aligned curve), two series in units (cents / 100).
  function drawChart(body) {
    const xs = Array.from(new Set(body.today.map(p => p.t).concat(body.yesterday.map(p => p.t)))).sort((a, b) => a - b);
    const today = new Map(body.today.map(p => [p.t, p.sumCents / 100]));
    const yesterday = new Map(body.yesterday.map(p => [p.t, p.sumCents / 100]));
    const data = [xs.map(t => t / 1000), xs.map(t => today.has(t) ? today.get(t) : null),
      xs.map(t => yesterday.has(t) ? yesterday.get(t) : null)];
    const el = document.getElementById("chart");
    const width = Math.max(400, el.clientWidth - 24);
    if (state.chart === null) {
      state.chart = new uPlot({
        width: width, height: 360, tzDate: ts => uPlot.tzDate(new Date(ts * 1e3), tz),
        series: [{}, { label: "today", stroke: "#2563eb", width: 2, spanGaps: false },
          { label: "yesterday", stroke: "#9ca3af", width: 2, dash: [6, 4], spanGaps: false }],
        axes: [{}, { values: (u, vals) => vals.map(v => v.toLocaleString("en-US")) , size: 80}],
      }, data, el);
    } else {
      state.chart.setData(data);
    }
  }

  function renderConsistency(body) {
    state.consistency = body;
    const card = document.getElementById("consistency");
    if (!body.present) {
      card.dataset.state = "none";
      document.getElementById("consistency-status").textContent = "no run yet";
      document.getElementById("consistency-detail").textContent = "the nightly recomputation has not reported";
      return;
    }
    const r = body.report;
    const ok = r.status === "CONSISTENT";
    card.dataset.state = ok ? "ok" : "bad";
    document.getElementById("consistency-status").textContent = r.status;
    document.getElementById("consistency-detail").textContent = "day " + body.day + ": "
      + r.windowsCompared + " windows compared, " + r.windowsDiffering + " differing"
      + (r.completedAt ? " · checked " + new Date(r.completedAt).toISOString().replace("T", " ").slice(0, 16) + " UTC" : "")
      + (ok || !r.firstDifferences || r.firstDifferences.length === 0 ? ""
        : " · first: " + r.firstDifferences[0].window + " " + (r.firstDifferences[0].key || ""));
  }

  async function fetchJson(path) {
    const response = await fetch(path);
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || response.statusText);
    return body;
  }

  async function refresh() {
    const q = "pipeline=" + encodeURIComponent(pipeline);
    try {
      const [compare, consistency] = await Promise.all([
        fetchJson("/api/compare?" + q + "&tz=" + encodeURIComponent(tz) + "&top=" + encodeURIComponent(top)
          + (at ? "&at=" + encodeURIComponent(at) : "")),
        fetchJson("/api/consistency?" + q)]);
      renderCompare(compare);
      renderConsistency(consistency);
      document.getElementById("error").textContent = "";
    } catch (e) {
      document.getElementById("error").textContent = "could not refresh: " + e.message;
    }
    state.refreshes++;
    document.body.dataset.refreshes = String(state.refreshes);
    window.setTimeout(refresh, refreshSeconds * 1000);
  }

  refresh();
})();
