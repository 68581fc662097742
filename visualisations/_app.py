"""The page's own script and style (plain JS and CSS, no framework), inlined by `_page.render_page`.

The script reads the view's data from `<script type="application/json" id="catalyse-data">`, feeds vis-network
DataSets, and builds the side panel (search, filters, lists, legend) with `textContent` only. It exposes
`window.catalyseView` (used by the tests and the benchmark) and fires a `catalyse:ready` event on `document`
after the first drawing, with `window.catalyseReady.at` = `performance.now()` at that moment.

`DATA.frames` (the overseas insets of the geographic map: `{label, x0, y0, x1, y1}` in network coordinates) are
drawn on the canvas under the nodes, their labels with `fillText` (plain text, never markup); they take no
clicks, and fitting the view takes them in.
"""

APP_CSS = r"""
html, body { margin: 0; height: 100%; font-family: system-ui, "Segoe UI", "DejaVu Sans", Arial, sans-serif;
  color: #222; background: #fff; }
#cv-app { display: flex; height: 100vh; width: 100vw; }
#cv-panel { width: 300px; min-width: 300px; overflow-y: auto; box-sizing: border-box; padding: 12px 14px;
  border-right: 1px solid #ddd; background: #fafafa; font-size: 13px; line-height: 1.35; }
#cv-network { flex: 1; position: relative; min-width: 0; }
#cv-panel h1 { font-size: 17px; margin: 0 0 4px 0; overflow-wrap: anywhere; }
#cv-panel h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #555;
  margin: 14px 0 6px 0; }
#cv-panel p { margin: 2px 0; }
#cv-panel .cv-sub { color: #555; }
#cv-panel .cv-note { color: #8a5a00; }
#cv-panel label { display: block; margin: 6px 0 2px 0; color: #444; }
#cv-panel input[type=search], #cv-panel select { width: 100%; box-sizing: border-box; padding: 4px 6px;
  font: inherit; border: 1px solid #bbb; border-radius: 4px; background: #fff; }
#cv-panel button { font: inherit; cursor: pointer; }
.cv-buttons { margin-top: 8px; display: flex; gap: 6px; flex-wrap: wrap; }
.cv-buttons button { border: 1px solid #bbb; background: #fff; border-radius: 4px; padding: 3px 8px; }
ul.cv-list { list-style: none; margin: 4px 0; padding: 0; max-height: 220px; overflow-y: auto; }
ul.cv-list li button { display: block; width: 100%; text-align: left; border: 0; background: transparent;
  padding: 3px 4px; border-radius: 3px; overflow-wrap: anywhere; }
ul.cv-list li button:hover { background: #e8eef9; }
ul.cv-list li .cv-small { color: #666; font-size: 11px; display: block; }
.cv-count { color: #666; font-size: 12px; margin: 2px 0; }
ul.cv-legend { list-style: none; margin: 0; padding: 0; }
ul.cv-legend li { display: flex; align-items: center; gap: 8px; margin: 3px 0; }
.cv-swatch { display: inline-block; width: 12px; height: 12px; border-radius: 50%; flex: none;
  border: 1px solid rgba(0,0,0,.25); }
.cv-swatch.cv-box { border-radius: 2px; }
.cv-swatch.cv-diamond { border-radius: 1px; transform: rotate(45deg) scale(.85); }
.cv-line { display: inline-block; width: 26px; height: 0; flex: none; }
.cv-help { color: #666; font-size: 12px; margin-top: 12px; }
div.vis-tooltip { font-family: inherit; font-size: 12px; max-width: 360px; white-space: normal;
  overflow-wrap: anywhere; background: #fffff5; border: 1px solid #aaa; box-shadow: 0 2px 6px rgba(0,0,0,.15); }
"""

APP_JS = r"""
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("catalyse-data").textContent);
  var T = DATA.ui;
  var FADED = { background: "#ececec", border: "#d6d6d6",
                highlight: { background: "#ececec", border: "#d6d6d6" },
                hover: { background: "#ececec", border: "#d6d6d6" } };
  var FADED_FONT = "#c8c8c8";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function fold(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }
  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }

  var orgs = DATA.nodes || [], supers = DATA.supers || [], raw = DATA.edges || [];
  var frames = DATA.frames || [];
  var filterDefs = DATA.filters || [];
  var byId = new Map();
  orgs.forEach(function (n) { byId.set(n.id, n); n.fold = fold(n.search || n.label || ""); });
  supers.forEach(function (s) { s.isSuper = true; byId.set(s.id, s); });
  var expanded = new Set();
  var filters = {};
  var query = "";
  var focusId = null;

  function rep(id) {
    var n = byId.get(id);
    return (n.super !== undefined && n.super !== null && !expanded.has(n.super)) ? n.super : id;
  }
  function exempt(f, n) { return f.kinds && f.kinds.indexOf(n.kind) < 0; }
  /* A node a filter does not apply to (an alliance under a sector filter) is shown only when linked. */
  function needsLink(n) {
    return filterDefs.some(function (f) { return !f.edge && filters[f.key] && exempt(f, n); });
  }
  function nodeMatches(n) {
    for (var i = 0; i < filterDefs.length; i++) {
      var f = filterDefs[i], v = filters[f.key];
      if (f.edge || v === undefined || v === "" || exempt(f, n)) { continue; }
      var a = n[f.attr];
      if (Array.isArray(a)) { if (a.indexOf(v) < 0) { return false; } }
      else if (a !== v) { return false; }
    }
    return true;
  }
  function edgeFilterOn() {
    return filterDefs.some(function (f) { return f.edge && filters[f.key]; });
  }
  function edgeMatches(e) {
    for (var i = 0; i < filterDefs.length; i++) {
      var f = filterDefs[i], v = filters[f.key];
      if (!f.edge || !v) { continue; }
      if ((e.cats || []).indexOf(v) < 0) { return false; }
    }
    return true;
  }

  /* What should be drawn now: a list of node items and a list of edge items. */
  function compute() {
    var pass = new Map(), touched = new Set(), eOn = edgeFilterOn();
    orgs.forEach(function (n) { pass.set(n.id, nodeMatches(n)); });
    var direct = [], agg = new Map();
    raw.forEach(function (e) {
      if (!pass.get(e.from) || !pass.get(e.to) || !edgeMatches(e)) { return; }
      touched.add(e.from); touched.add(e.to);
      var a = rep(e.from), b = rep(e.to);
      if (a === e.from && b === e.to) { direct.push(e); return; }
      if (a === b) { return; }
      var lo = Math.min(a, b), hi = Math.max(a, b), k = "g" + lo + "-" + hi;
      var g = agg.get(k);
      if (!g) { g = { id: k, from: lo, to: hi, n: 0 }; agg.set(k, g); }
      g.n += 1;
    });
    function visibleOrg(n) { return pass.get(n.id) && ((!eOn && !needsLink(n)) || touched.has(n.id)); }
    var visNodes = [];
    orgs.forEach(function (n) { if (rep(n.id) === n.id && visibleOrg(n)) { visNodes.push(n); } });
    supers.forEach(function (s) {
      if (expanded.has(s.id)) { return; }
      var count = 0;
      s.members.forEach(function (m) { if (visibleOrg(byId.get(m))) { count += 1; } });
      s.count = count;
      if (count > 0) { visNodes.push(s); }
    });
    var visible = new Set(visNodes.map(function (n) { return n.id; }));
    var edges = direct.filter(function (e) { return visible.has(e.from) && visible.has(e.to); });
    agg.forEach(function (g) {
      if (!visible.has(g.from) || !visible.has(g.to)) { return; }
      edges.push({ id: g.id, from: g.from, to: g.to, color: "#9aa4b1", dashes: false,
                   width: Math.min(1 + Math.log(g.n) * 1.2, 9), title: fmt(T.links, { n: g.n }),
                   cats: [], aggregated: true });
    });

    var hits = null;
    if (query !== "") {
      hits = new Set();
      visNodes.forEach(function (n) {
        if (n.isSuper) {
          if (n.members.some(function (m) { return byId.get(m).fold.indexOf(query) >= 0; })) { hits.add(n.id); }
        } else if (n.fold.indexOf(query) >= 0) { hits.add(n.id); }
      });
    }
    var neigh = null;
    if (focusId !== null && visible.has(focusId)) {
      neigh = new Set([focusId]);
      edges.forEach(function (e) {
        if (e.from === focusId) { neigh.add(e.to); }
        if (e.to === focusId) { neigh.add(e.from); }
      });
    } else { focusId = null; }

    var nodeItems = visNodes.map(function (n) {
      var faded = (hits !== null && !hits.has(n.id)) || (neigh !== null && !neigh.has(n.id));
      var hit = hits !== null && hits.has(n.id);
      var label = n.label;
      if (n.isSuper && n.count !== n.members.length) { label = n.label + " (" + n.count + "/" + n.members.length + ")"; }
      return {
        id: n.id, label: label, title: n.title, shape: n.shape || "dot", size: n.size,
        color: faded ? FADED : n.color,
        font: { color: faded ? FADED_FONT : (n.fontColor || "#222222"), size: n.fontSize || 14,
                face: "system-ui, DejaVu Sans, Arial, sans-serif", strokeWidth: faded ? 0 : 3,
                strokeColor: "#ffffff", multi: false },
        borderWidth: hit ? 4 : (n.borderWidth || 1),
        x: n.x, y: n.y, _faded: faded, _hit: hit, _super: !!n.isSuper,
        shapeProperties: n.shapeProperties || { borderDashes: false }
      };
    });
    var edgeItems = edges.map(function (e) {
      var faded = (neigh !== null && !(e.from === focusId || e.to === focusId)) ||
                  (hits !== null && !(hits.has(e.from) || hits.has(e.to)));
      return {
        id: e.id, from: e.from, to: e.to, title: e.title, width: e.width || 1, dashes: e.dashes || false,
        arrows: e.arrows || "", color: { color: e.color, highlight: e.color, hover: e.color,
                                         opacity: faded ? 0.12 : (e.opacity || 0.85) },
        _faded: faded
      };
    });
    return { nodes: nodeItems, edges: edgeItems };
  }

  var nodes = new vis.DataSet(), edges = new vis.DataSet();
  var shown = { n: new Map(), e: new Map() };
  function sync(ds, seen, items, positional) {
    var want = new Map(), add = [], upd = [], rem = [];
    items.forEach(function (it) {
      var x = it.x, y = it.y;
      if (positional) { delete it.x; delete it.y; }
      var sig = JSON.stringify(it);
      want.set(it.id, sig);
      if (!seen.has(it.id)) {
        if (positional && x !== undefined) { it.x = x; it.y = y; }
        add.push(it);
      } else if (seen.get(it.id) !== sig) { upd.push(it); }
    });
    seen.forEach(function (sig, id) { if (!want.has(id)) { rem.push(id); } });
    if (rem.length) { ds.remove(rem); }
    if (upd.length) { ds.update(upd); }
    if (add.length) { ds.add(add); }
    seen.clear();
    want.forEach(function (sig, id) { seen.set(id, sig); });
  }
  var countEl = null;
  function render() {
    var want = compute();
    /* drop the edges that go away first, so that no drawn edge ever points to a removed node */
    var keepE = new Set(want.edges.map(function (e) { return e.id; })), gone = [];
    shown.e.forEach(function (sig, id) { if (!keepE.has(id)) { gone.push(id); } });
    if (gone.length) { edges.remove(gone); gone.forEach(function (id) { shown.e.delete(id); }); }
    sync(nodes, shown.n, want.nodes, true);
    sync(edges, shown.e, want.edges, false);
    if (countEl) {
      countEl.textContent = fmt(T.shown, { n: want.nodes.length, e: want.edges.length });
    }
    renderResults();
  }

  /* ---------- side panel ---------- */
  var panel = document.getElementById("cv-panel");
  panel.appendChild(el("h1", null, DATA.title));
  (DATA.subtitle || []).forEach(function (line) { panel.appendChild(el("p", "cv-sub", line)); });
  (DATA.notes || []).forEach(function (line) { panel.appendChild(el("p", "cv-note", line)); });
  countEl = el("p", "cv-count");
  panel.appendChild(countEl);

  var searchBox = el("input");
  searchBox.type = "search"; searchBox.id = "cv-search"; searchBox.placeholder = T.search_placeholder;
  searchBox.setAttribute("aria-label", T.search);
  var searchLabel = el("label", null, T.search); searchLabel.htmlFor = "cv-search";
  panel.appendChild(searchLabel); panel.appendChild(searchBox);
  var resultInfo = el("p", "cv-count"), results = el("ul", "cv-list");
  results.id = "cv-results";
  panel.appendChild(resultInfo); panel.appendChild(results);

  function renderResults() {
    while (results.firstChild) { results.removeChild(results.firstChild); }
    resultInfo.textContent = "";
    if (query === "") { return; }
    var found = orgs.filter(function (n) { return n.fold.indexOf(query) >= 0 && nodeMatches(n); });
    resultInfo.textContent = found.length ? fmt(T.matches, { n: found.length }) : T.no_match;
    found.slice(0, 30).forEach(function (n) {
      var li = el("li"), b = el("button", null, n.label);
      b.type = "button";
      b.addEventListener("click", function () { focusOrg(n.id); });
      li.appendChild(b); results.appendChild(li);
    });
  }
  var timer = null;
  searchBox.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { setSearch(searchBox.value, true); }, 120);
  });
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      setSearch(searchBox.value, true);
      var first = orgs.find(function (n) { return query !== "" && n.fold.indexOf(query) >= 0 && nodeMatches(n); });
      if (first) { focusOrg(first.id); }
    }
  });

  var selects = {};
  if (filterDefs.length) {
    panel.appendChild(el("h2", null, T.filters));
    filterDefs.forEach(function (f) {
      var id = "cv-filter-" + f.key;
      var lab = el("label", null, f.label); lab.htmlFor = id;
      var sel = el("select"); sel.id = id; sel.setAttribute("data-filter", f.key);
      sel.appendChild(new Option(T.all, ""));
      f.options.forEach(function (o) {
        sel.appendChild(new Option(o[2] !== undefined ? o[1] + " (" + o[2] + ")" : o[1], o[0]));
      });
      sel.addEventListener("change", function () { setFilter(f.key, sel.value, true); });
      selects[f.key] = sel;
      panel.appendChild(lab); panel.appendChild(sel);
    });
  }
  var buttons = el("div", "cv-buttons");
  var resetBtn = el("button", null, T.reset); resetBtn.type = "button"; resetBtn.id = "cv-reset";
  resetBtn.addEventListener("click", function () { reset(); });
  buttons.appendChild(resetBtn);
  if (supers.length) {
    var collapseBtn = el("button", null, T.collapse_all); collapseBtn.type = "button";
    collapseBtn.addEventListener("click", function () { collapseAll(); });
    buttons.appendChild(collapseBtn);
  }
  panel.appendChild(buttons);

  (DATA.lists || []).forEach(function (list) {
    panel.appendChild(el("h2", null, list.title));
    var ul = el("ul", "cv-list");
    list.items.forEach(function (it) {
      var li = el("li"), b = el("button", null, it.text);
      b.type = "button";
      if (it.sub) { b.appendChild(el("span", "cv-small", it.sub)); }
      if (it.node !== undefined && it.node !== null) {
        b.addEventListener("click", function () { focusOrg(it.node); });
      }
      li.appendChild(b); ul.appendChild(li);
    });
    panel.appendChild(ul);
  });

  (DATA.legend || []).forEach(function (section) {
    panel.appendChild(el("h2", null, section.title));
    var ul = el("ul", "cv-legend");
    section.items.forEach(function (it) {
      var li = el("li"), sw;
      if (it.type === "edge") {
        sw = el("span", "cv-line");
        sw.style.borderTop = Math.max(2, Math.min(it.width || 2, 5)) + "px " + (it.dashes ? "dashed" : "solid") + " " + it.color;
      } else {
        sw = el("span", "cv-swatch" + (it.shape === "box" ? " cv-box" : it.shape === "diamond" ? " cv-diamond" : ""));
        sw.style.background = it.color;
        if (it.border) { sw.style.border = "2px solid " + it.border; }
      }
      li.appendChild(sw); li.appendChild(el("span", null, it.label));
      ul.appendChild(li);
    });
    panel.appendChild(ul);
  });
  panel.appendChild(el("p", "cv-help", T.help_click));
  if (supers.length) { panel.appendChild(el("p", "cv-help", T.help_super)); }

  /* ---------- network ---------- */
  var container = document.getElementById("cv-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, DATA.options || {});
  if (frames.length) {
    network.on("beforeDrawing", function (ctx) {
      ctx.save();
      frames.forEach(function (f) {
        var w = f.x1 - f.x0, h = f.y1 - f.y0, size = Math.max(10, Math.round(w * 0.065));
        ctx.fillStyle = "rgba(236, 241, 246, 0.7)";
        ctx.fillRect(f.x0, f.y0, w, h);
        ctx.strokeStyle = "#90a4ae"; ctx.lineWidth = 2;
        ctx.strokeRect(f.x0, f.y0, w, h);
        ctx.fillStyle = "#37474f"; ctx.textAlign = "left"; ctx.textBaseline = "top";
        ctx.font = "600 " + size + "px system-ui, DejaVu Sans, Arial, sans-serif";
        ctx.fillText(String(f.label), f.x0 + w * 0.05, f.y0 + h * 0.04, w * 0.9);
      });
      ctx.restore();
    });
  }
  /* vis-network fits the nodes only: with frames, fit the box of the drawn nodes and the frames together */
  function fitAll() {
    if (!frames.length) { network.fit({ animation: false }); return; }
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    function grow(a, b, c, d) {
      x0 = Math.min(x0, a); y0 = Math.min(y0, b); x1 = Math.max(x1, c); y1 = Math.max(y1, d);
    }
    var at = network.getPositions();
    Object.keys(at).forEach(function (id) { grow(at[id].x - 20, at[id].y - 20, at[id].x + 20, at[id].y + 20); });
    frames.forEach(function (f) { grow(f.x0, f.y0, f.x1, f.y1); });
    var cw = container.clientWidth || 800, ch = container.clientHeight || 600;
    var scale = 0.95 * Math.min(cw / Math.max(x1 - x0, 1), ch / Math.max(y1 - y0, 1));
    network.moveTo({ position: { x: (x0 + x1) / 2, y: (y0 + y1) / 2 }, scale: scale, animation: false });
  }
  render();
  fitAll();

  function setSearch(q, fromUi) {
    query = fold(q || "");
    if (!fromUi) { searchBox.value = q || ""; }
    render();
  }
  function setFilter(key, value, fromUi) {
    filters[key] = value || "";
    if (!fromUi && selects[key]) { selects[key].value = value || ""; }
    render();
  }
  function expand(sid) {
    var s = byId.get(sid);
    if (!s || !s.isSuper) { return; }
    expanded.add(sid);
    focusId = null;
    render();
    var members = s.members.filter(function (m) { return nodes.get(m) !== null; });
    if (members.length) { network.fit({ nodes: members, animation: false }); }
  }
  function collapseAll() { expanded.clear(); focusId = null; render(); fitAll(); }
  function focusOrg(id) {
    var n = byId.get(id);
    if (!n) { return; }
    if (!n.isSuper && n.super !== undefined && n.super !== null && !expanded.has(n.super)) {
      expanded.add(n.super);
    }
    focusId = id;
    render();
    if (nodes.get(id) !== null) {
      network.selectNodes([id]);
      network.focus(id, { scale: Math.max(network.getScale(), 0.9), animation: false });
    }
  }
  function reset() {
    filters = {}; query = ""; focusId = null; searchBox.value = "";
    Object.keys(selects).forEach(function (k) { selects[k].value = ""; });
    render(); network.unselectAll(); fitAll();
  }
  network.on("click", function (p) {
    if (p.nodes.length) {
      var id = p.nodes[0], n = byId.get(id);
      if (n && n.isSuper) { expand(id); } else { focusId = id; render(); }
    } else if (!p.edges.length) { focusId = null; render(); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { focusId = null; render(); network.unselectAll(); }
  });

  window.catalyseView = {
    network: network, nodes: nodes, edges: edges, frames: frames,
    search: function (q) { setSearch(q, false); },
    filter: function (key, value) { setFilter(key, value, false); },
    expand: expand, collapseAll: collapseAll, reset: reset,
    focusKey: function (key) {
      var n = orgs.find(function (o) { return o.key === key; });
      if (n) { focusOrg(n.id); }
      return !!n;
    },
    focusNode: focusOrg,
    counts: function () {
      return { nodes: nodes.length, edges: edges.length,
               faded: nodes.get({ filter: function (n) { return n._faded; } }).length,
               hits: nodes.get({ filter: function (n) { return n._hit; } }).length,
               supers: nodes.get({ filter: function (n) { return n._super; } }).length };
    }
  };
  network.once("afterDrawing", function () {
    window.catalyseReady = { at: performance.now(), nodes: nodes.length, edges: edges.length };
    document.documentElement.setAttribute("data-ready", "1");
    document.dispatchEvent(new CustomEvent("catalyse:ready", { detail: window.catalyseReady }));
  });
})();
"""
