/* crossborder explorer: plain JavaScript on the JSON blob #cb-explorer-data, drawn with the
   Plotly.js embedded in the page. Every string from the data is set as text (textContent or a
   Plotly label), never parsed as HTML. */
(function () {
  "use strict";
  // Plotly's 4.8 MB of JavaScript travel in a script element of type text/plain (#cb-plotly-src), which
  // the browser keeps as text: the report is painted and usable at once, and Plotly is compiled
  // only when the explorer is opened (its button, a click or focus inside it, or #explore in the
  // address); a page holding only the explorer (data-lazy="0") opens it at once. Nothing is fetched.
  var root = document.getElementById("cb-explorer");
  if (!root || !document.getElementById("cb-explorer-data")) { return; }
  function run(id) {
    var src = document.getElementById(id);
    if (!src) { return; }
    var s = document.createElement("script");
    s.text = src.textContent;
    document.head.appendChild(s);      // a classic inline script: runs now, synchronously
  }
  function open() {
    if (root.getAttribute("data-plotly") !== "idle") { return; }
    root.setAttribute("data-plotly", "loading");
    var button = document.getElementById("cb-open");
    if (button) { button.disabled = true; }
    // let the browser paint "loading" before the main thread compiles Plotly
    window.requestAnimationFrame(function () {
      window.setTimeout(function () {
        performance.mark("cb-plotly-start");
        run("cb-plotly-src");
        draw();
        root.setAttribute("data-plotly", typeof Plotly === "undefined" ? "failed" : "ready");
        var bar = document.getElementById("cb-open-bar");
        if (bar) { bar.style.display = "none"; }
      }, 0);
    });
  }
  root.setAttribute("data-plotly", "idle");
  if (root.getAttribute("data-lazy") === "0" || window.location.hash === "#explore") {
    open();
  } else {
    var button = document.getElementById("cb-open");
    if (button) { button.addEventListener("click", open); }
    ["pointerdown", "focusin"].forEach(function (k) { root.addEventListener(k, open); });
    window.addEventListener("hashchange", function () {
      if (window.location.hash === "#explore") { open(); }
    });
  }

function draw() {
  var blob = document.getElementById("cb-explorer-data");
  if (!blob || typeof Plotly === "undefined") { return; }
  var D = JSON.parse(blob.textContent);
  // The map draws the regions' own polygons with no basemap; an empty world topology in Plotly's
  // asset cache keeps it from fetching its default one (cdn.plot.ly) for the hidden base layers.
  var EMPTY = {type: "GeometryCollection", geometries: []};
  var topo = {type: "Topology", arcs: [], objects: {}};
  ["countries", "land", "ocean", "lakes", "rivers", "coastlines", "subunits"].forEach(function (k) {
    topo.objects[k] = EMPTY;
  });
  window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};
  window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};
  ["world_110m", "world_50m"].forEach(function (name) {
    if (window.PlotlyGeoAssets.topojson[name] === undefined) { window.PlotlyGeoAssets.topojson[name] = topo; }
  });
  var S = D.strings;
  var nf = new Intl.NumberFormat(D.locale, {maximumSignificantDigits: 4});
  var T = D.years.length;
  var CONFIG = {displaylogo: false, responsive: true, showLink: false,
                modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"]};
  var DISC_SCALE = [[0, "#fde0c5"], [0.5, "#f0643c"], [1, "#5c0a0a"]];

  function fmt(v) { return v === null || v === undefined ? "\u2013" : nf.format(v); }
  function byId(id) { return document.getElementById(id); }
  function el(tag, text) { var e = document.createElement(tag); if (text !== undefined) { e.textContent = text; } return e; }
  function esc(s) {  // for Plotly's label markup (its hover templates parse a few tags)
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function quantile(xs, q) {
    if (!xs.length) { return null; }
    var s = xs.slice().sort(function (a, b) { return a - b; });
    var pos = (s.length - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  }
  function finite(rows) {
    var out = [];
    rows.forEach(function (r) { r.forEach(function (v) { if (v !== null) { out.push(v); } }); });
    return out;
  }

  var codes = D.regions.map(function (r) { return r.code; });
  var all = finite(D.values);
  var zmin = quantile(all, 0.02), zmax = quantile(all, 0.98);
  var discAll = finite(D.edges.map(function (e) { return e.disc; }));
  var dmax = Math.max(1.0001, quantile(discAll, 0.98) || 1.0001);

  function discColour(v) {
    if (v === null) { return "#999999"; }
    var x = Math.min(1, Math.max(0, (v - 1) / (dmax - 1)));
    var i = x <= 0.5 ? 0 : 1, f = (x - DISC_SCALE[i][0]) / 0.5;
    var a = DISC_SCALE[i][1], b = DISC_SCALE[i + 1][1];
    function ch(c, k) { return parseInt(c.substr(1 + 2 * k, 2), 16); }
    var rgb = [0, 1, 2].map(function (k) { return Math.round(ch(a, k) + (ch(b, k) - ch(a, k)) * f); });
    return "rgb(" + rgb.join(",") + ")";
  }

  function ranks(t) {
    var vals = [];
    D.values.forEach(function (row, i) { if (row[t] !== null) { vals.push([row[t], i]); } });
    vals.sort(function (a, b) { return b[0] - a[0]; });
    var r = codes.map(function () { return null; });
    vals.forEach(function (x, k) { r[x[1]] = k + 1; });
    return {rank: r, n: vals.length};
  }

  function mapTraces(t) {
    var rk = ranks(t);
    var z = D.values.map(function (row) { return row[t]; });
    var cd = D.regions.map(function (r, i) {
      return [esc(r.name), fmt(z[i]), rk.rank[i] === null ? "\u2013" : rk.rank[i] + " / " + rk.n,
              esc(r.country_name), r.code];
    });
    var traces = [{
      type: "choropleth", geojson: D.geojson, featureidkey: "properties.region", locations: codes,
      z: z, zmin: zmin, zmax: zmax, colorscale: "Viridis", customdata: cd, name: "",
      hovertemplate: "<b>%{customdata[0]}</b><br>" + esc(S.value) + ": %{customdata[1]}<br>" +
        esc(S.rank) + ": %{customdata[2]}<br>" + esc(S.country) + ": %{customdata[3]}<extra></extra>",
      marker: {line: {color: "#ffffff", width: 0.6}},
      colorbar: {title: {text: esc(D.unit), side: "right"}, len: 0.48, y: 0.76, thickness: 14}
    }];
    D.edges.forEach(function (e) {
      traces.push({type: "scattergeo", mode: "lines", lon: e.lon, lat: e.lat, hoverinfo: "skip",
                   showlegend: false, line: {width: 4, color: discColour(e.disc[t])}});
    });
    if (D.edges.length) {
      traces.push({
        type: "scattergeo", mode: "markers", showlegend: false, name: "",
        lon: D.edges.map(function (e) { return e.mid[0]; }),
        lat: D.edges.map(function (e) { return e.mid[1]; }),
        customdata: D.edges.map(function (e, k) { return [esc(e.label), fmt(e.disc[t]), k]; }),
        hovertemplate: "<b>%{customdata[0]}</b><br>" + esc(S.discontinuity) + ": %{customdata[1]}<extra></extra>",
        marker: {size: 10, color: D.edges.map(function (e) { return e.disc[t]; }), cmin: 1, cmax: dmax,
                 colorscale: DISC_SCALE, line: {color: "#222", width: 1},
                 colorbar: {title: {text: esc(S.discontinuity), side: "right"}, len: 0.45, y: 0.23,
                            thickness: 14}}
      });
    }
    return traces;
  }

  var mapLayout = {
    margin: {l: 0, r: 0, t: 30, b: 0},
    title: {text: esc(D.indicator) + ", " + D.years[T - 1], font: {size: 14}},
    geo: {fitbounds: D.view ? false : "locations", visible: false, projection: {type: "mercator"},
          lonaxis: D.view ? {range: [D.view[0], D.view[1]]} : {}, lataxis: D.view ? {range: [D.view[2], D.view[3]]} : {},
          resolution: 110, scope: "world",
          showframe: false, showland: false, showcountries: false, showcoastlines: false,
          bgcolor: "rgba(0,0,0,0)"},
    dragmode: false, separators: D.separators
  };

  function yearLine(t) {
    return [{type: "line", xref: "x", yref: "paper", x0: D.years[t], x1: D.years[t], y0: 0, y1: 1,
             line: {color: "#b42318", width: 1.5, dash: "dot"}}];
  }
  function lineLayout(title, t, extra) {
    var lay = {margin: {l: 55, r: 20, t: 35, b: 40}, title: {text: esc(title), font: {size: 13}, x: 0.02, xanchor: "left"},
               xaxis: {title: {text: esc(S.year)}}, shapes: yearLine(t),
               legend: {orientation: "h", y: -0.32}, separators: D.separators};
    if (extra) { Object.keys(extra).forEach(function (k) { lay[k] = extra[k]; }); }
    return lay;
  }

  var t = T - 1;
  var slider = byId("cb-year"), label = byId("cb-year-label");
  slider.max = String(T - 1);
  slider.value = String(t);
  label.textContent = String(D.years[t]);

  var mapDiv = byId("cb-map");
  var drawn = [Plotly.newPlot(mapDiv, mapTraces(t), mapLayout, CONFIG)];

  var sigmaDiv = byId("cb-sigma"), betweenDiv = byId("cb-between");
  if (D.sigma) {
    drawn.push(Plotly.newPlot(sigmaDiv, Object.keys(D.sigma).map(function (name) {
      return {type: "scatter", mode: "lines+markers", name: esc(name), x: D.years, y: D.sigma[name],
              hovertemplate: "%{x}: %{y:.3f}<extra>" + esc(name) + "</extra>"};
    }), lineLayout(S.sigma, t), CONFIG));
  } else { sigmaDiv.style.display = "none"; }
  if (D.between) {
    drawn.push(Plotly.newPlot(betweenDiv, [{type: "scatter", mode: "lines+markers", name: esc(S.between),
                                 x: D.years, y: D.between, line: {color: "#8a3ffc"},
                                 hovertemplate: "%{x}: %{y:.3f}<extra></extra>"}],
                   lineLayout(S.between, t, {yaxis: {rangemode: "tozero"}, showlegend: false}), CONFIG));
  } else { betweenDiv.style.display = "none"; }

  var seriesDiv = byId("cb-series");
  function reveal() {
    seriesDiv.style.display = "";
    var hint = byId("cb-series-hint");
    if (hint) { hint.style.display = "none"; }
  }
  function showRegion(i) {
    var r = D.regions[i];
    reveal();
    seriesDiv.setAttribute("data-kind", "region");
    seriesDiv.setAttribute("data-key", r.code);
    Plotly.react(seriesDiv, [{type: "scatter", mode: "lines+markers", name: esc(r.name),
                              x: D.years, y: D.values[i]}],
                 lineLayout(r.name + " (" + r.country_name + "): " + D.indicator, t,
                            {yaxis: {title: {text: esc(D.unit)}}, showlegend: true}), CONFIG);
  }
  function showPair(k) {
    var p = D.pairs[k];
    if (!p) { return; }
    reveal();
    seriesDiv.setAttribute("data-kind", "pair");
    seriesDiv.setAttribute("data-key", p.a + "|" + p.b);
    var ia = codes.indexOf(p.a), ib = codes.indexOf(p.b);
    var traces = [
      {type: "scatter", mode: "lines+markers", name: esc(D.regions[ia].name), x: D.years, y: D.values[ia]},
      {type: "scatter", mode: "lines+markers", name: esc(D.regions[ib].name), x: D.years, y: D.values[ib]},
      {type: "scatter", mode: "lines", name: esc(S.log_gap), x: D.years, y: p.log_gap, yaxis: "y2",
       line: {color: "#b42318", dash: "dash"}}
    ];
    Plotly.react(seriesDiv, traces, lineLayout(p.label, t, {
      yaxis: {title: {text: esc(D.unit)}},
      yaxis2: {title: {text: esc(S.log_gap)}, overlaying: "y", side: "right", zeroline: true},
      margin: {l: 55, r: 65, t: 35, b: 40}, showlegend: true}), CONFIG);
    Array.prototype.forEach.call(document.querySelectorAll("#cb-pairs button"), function (b) {
      b.classList.toggle("active", Number(b.getAttribute("data-pair")) === k);
    });
  }

  var pairsDiv = byId("cb-pairs");
  D.pairs.forEach(function (p, k) {
    var b = el("button", p.label);
    b.type = "button";
    b.setAttribute("data-pair", String(k));
    b.setAttribute("data-key", p.a + "|" + p.b);
    b.addEventListener("click", function () { showPair(k); });
    pairsDiv.appendChild(b);
  });

  var info = byId("cb-info");
  mapDiv.on("plotly_hover", function (ev) {
    var pt = ev.points[0];
    if (pt.data.type === "choropleth") {
      var i = pt.pointNumber, r = D.regions[i], v = D.values[i][t], rk = ranks(t);
      info.textContent = r.name + " (" + r.country_name + "), " + D.years[t] + ": " + S.value + " " +
        fmt(v) + " " + D.unit + "; " + S.rank + " " + (rk.rank[i] === null ? "\u2013" : rk.rank[i] + " / " + rk.n);
      info.setAttribute("data-region", r.code);
      info.setAttribute("data-value", v === null ? "" : String(v));
      info.setAttribute("data-rank", rk.rank[i] === null ? "" : String(rk.rank[i]));
    } else if (pt.customdata && pt.customdata.length === 3) {
      var e = D.edges[pt.customdata[2]];
      info.textContent = e.label + ", " + D.years[t] + ": " + S.discontinuity + " " + fmt(e.disc[t]);
      info.setAttribute("data-region", e.a + "|" + e.b);
      info.setAttribute("data-value", e.disc[t] === null ? "" : String(e.disc[t]));
      info.removeAttribute("data-rank");
    }
  });
  mapDiv.on("plotly_click", function (ev) {
    var pt = ev.points[0];
    if (pt.data.type === "choropleth") { showRegion(pt.pointNumber); }
    else if (pt.customdata && pt.customdata.length === 3) { showPair(pt.customdata[2]); }
  });

  function setYear(k) {
    t = k;
    label.textContent = String(D.years[t]);
    mapLayout.title.text = esc(D.indicator) + ", " + D.years[t];
    Plotly.react(mapDiv, mapTraces(t), mapLayout, CONFIG);
    [sigmaDiv, betweenDiv, seriesDiv].forEach(function (d) {
      if (d.data && d.layout) { Plotly.relayout(d, {shapes: yearLine(t)}); }
    });
    mapDiv.setAttribute("data-year", String(D.years[t]));
  }
  mapDiv.setAttribute("data-year", String(D.years[t]));
  slider.addEventListener("input", function () { setYear(Number(slider.value)); });
  // when the map, the charts and the grid are drawn (ms since navigation): the page is usable
  Promise.all(drawn).then(function () {
    window.requestAnimationFrame(function () {
      byId("cb-explorer").setAttribute("data-ready-ms", String(Math.round(performance.now())));
    });
  });

  // the robustness grid: filter (text, estimate), sort (header click), the first rows shown
  var G = D.grid, MAXROWS = 200;
  var table = byId("cb-grid"), count = byId("cb-grid-count");
  var filterBox = byId("cb-grid-filter"), estSel = byId("cb-grid-estimate");
  if (!G) {
    table.style.display = "none"; filterBox.style.display = "none"; estSel.style.display = "none";
    return;
  }
  // columnar in the blob (text columns as distinct values + an index per row): rows rebuilt here
  var names = G.columns.map(function (c) { return c.name; });
  var rowsAll = [];
  for (var i = 0; i < G.rows; i++) {
    rowsAll.push(G.columns.map(function (c) {
      if (c.levels) { var k = c.codes[i]; return k === null ? null : c.levels[k]; }
      return c.values[i];
    }));
  }
  var sortCol = -1, sortDir = 1;
  var estCol = names.indexOf("estimate");
  var ests = [];
  if (estCol >= 0) {
    rowsAll.forEach(function (r) { if (ests.indexOf(r[estCol]) < 0) { ests.push(r[estCol]); } });
  }
  var opt = el("option", S.all_estimates); opt.value = ""; estSel.appendChild(opt);
  ests.forEach(function (e) { var o = el("option", String(e)); o.value = String(e); estSel.appendChild(o); });
  if (estCol < 0) { estSel.style.display = "none"; }
  var headRow = el("tr");
  names.forEach(function (c, j) {
    var th = el("th", c);
    th.setAttribute("data-col", String(j));
    th.addEventListener("click", function () {
      sortDir = sortCol === j ? -sortDir : 1; sortCol = j; drawGrid();
    });
    headRow.appendChild(th);
  });
  table.tHead.appendChild(headRow);
  function cell(v) {
    if (v === null || v === undefined) { return "\u2013"; }
    if (typeof v === "number") { return Number.isInteger(v) && Math.abs(v) < 10000 ? String(v) : nf.format(v); }
    if (typeof v === "boolean") { return v ? "\u2713" : "\u2717"; }
    return String(v);
  }
  function cmp(a, b) {
    if (a === b) { return 0; }
    if (a === null || a === undefined) { return 1; }
    if (b === null || b === undefined) { return -1; }
    if (typeof a === "number" && typeof b === "number") { return (a - b) * sortDir; }
    return String(a).localeCompare(String(b)) * sortDir;
  }
  function drawGrid() {
    var q = filterBox.value.trim().toLowerCase(), est = estSel.value;
    var rows = rowsAll.filter(function (r) {
      if (est && String(r[estCol]) !== est) { return false; }
      if (!q) { return true; }
      return r.some(function (v) { return v !== null && String(v).toLowerCase().indexOf(q) >= 0; });
    });
    if (sortCol >= 0) {
      rows = rows.slice().sort(function (a, b) {
        var c = a[sortCol], d = b[sortCol];
        if (c === null || c === undefined) { return d === null || d === undefined ? 0 : 1; }
        if (d === null || d === undefined) { return -1; }
        return cmp(c, d);
      });
    }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, j) {
      th.classList.toggle("asc", j === sortCol && sortDir > 0);
      th.classList.toggle("desc", j === sortCol && sortDir < 0);
    });
    var body = document.createElement("tbody");
    rows.slice(0, MAXROWS).forEach(function (r) {
      var tr = el("tr");
      r.forEach(function (v) {
        var td = el("td", cell(v));
        if (typeof v === "number") { td.className = "num"; td.setAttribute("data-value", String(v)); }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.replaceChild(body, table.tBodies[0]);
    count.textContent = S.rows_shown.replace("{shown}", String(Math.min(MAXROWS, rows.length)))
      .replace("{total}", String(rows.length)) + (G.total > G.rows ? " (" + G.rows + " / " + G.total + ")" : "");
    count.setAttribute("data-matching", String(rows.length));
  }
  filterBox.addEventListener("input", drawGrid);
  estSel.addEventListener("change", drawGrid);
  drawGrid();
}
}());
