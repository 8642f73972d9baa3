// dateline report: draws the pre-computed layout (lanes, axis, x positions as 0..1 fractions) as SVG.
// No dependencies, no network. Text from the data is only ever set with textContent.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var PALETTE = ["#3559e0", "#e07a1f", "#1b9e77", "#d1495b", "#7b61c9", "#0f9bb0", "#b5862a", "#c2469e",
                 "#4d7c0f", "#5b6b8c"];
  var MUTED = "#98a2b3";
  var AXIS_H = 30, LANE_PAD = 7;

  var data = JSON.parse(document.getElementById("timeline-data").textContent);
  var events = data.events, L = data.layout;
  var byId = {};
  events.forEach(function (e) { byId[e.id] = e; });
  var chart = document.getElementById("chart");
  var svg = document.getElementById("timeline-svg");
  var tip = document.getElementById("tip");

  function radius(n) { return 6 * Math.sqrt(Math.max(1, n)); }  // area proportional to sources

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function text(parent, value, attrs) {
    var t = el("text", attrs, parent);
    t.textContent = value;
    return t;
  }

  function fitText(t, maxWidth) {
    if (!t.getComputedTextLength || t.getComputedTextLength() <= maxWidth) return;
    var full = t.textContent;
    for (var n = full.length - 1; n > 1; n--) {
      t.textContent = full.slice(0, n) + "\u2026";
      if (t.getComputedTextLength() <= maxWidth) return;
    }
  }

  function byDate(a, b) {
    var ea = byId[a.id], eb = byId[b.id];
    return ea.start < eb.start ? -1 : ea.start > eb.start ? 1 :
           ea.end < eb.end ? -1 : ea.end > eb.end ? 1 :
           a.id < b.id ? -1 : a.id > b.id ? 1 : a.lane - b.lane;
  }

  function render() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    hideTip();
    if (!events.length) {
      document.getElementById("empty").hidden = false;
      svg.setAttribute("height", "0");
      return;
    }
    var W = chart.clientWidth || 1000;
    var labelW = Math.max(110, Math.min(210, Math.round(W * 0.19)));
    var left = labelW + 18, right = 16, plotW = Math.max(200, W - left - right);
    var X = function (f) { return left + f * plotW; };

    // Lanes: marks stacked in levels so circles of the same lane never overlap.
    var marks = [], y = AXIS_H, laneBoxes = [];
    L.lanes.forEach(function (lane, li) {
      var color = lane.kind === "actor" ? PALETTE[li % PALETTE.length] : MUTED;
      var items = lane.events.map(function (id) {
        return { id: id, lane: li, color: color, x0: X(L.x[id][0]), x1: X(L.x[id][1]), r: radius(byId[id].sources) };
      });
      items.sort(byDate);
      var levelEnds = [], maxR = 6;
      items.forEach(function (it) {
        var lv = 0;
        while (lv < levelEnds.length && levelEnds[lv] > it.x0 - it.r) lv++;
        levelEnds[lv] = it.x0 + it.r + 3;
        it.level = lv;
        maxR = Math.max(maxR, it.r);
      });
      var levelH = Math.max(22, 2 * maxR + 4);
      var h = Math.max(1, levelEnds.length) * levelH + 2 * LANE_PAD;
      items.forEach(function (it) { it.cy = y + LANE_PAD + levelH * (it.level + 0.5); });
      laneBoxes.push({ lane: lane, top: y, h: h, index: li });
      marks = marks.concat(items);
      y += h;
    });
    var H = y + 6;
    svg.setAttribute("height", String(H));
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);

    // Lane backgrounds and labels.
    var gl = el("g", { "class": "lanes" }, svg);
    laneBoxes.forEach(function (b) {
      el("rect", { "class": "lane-bg" + (b.index % 2 ? " odd" : ""), x: 0, y: b.top, width: W, height: b.h }, gl);
      var t = text(gl, b.lane.label, {
        "class": "lane-label" + (b.lane.kind === "actor" ? "" : " muted"),
        x: labelW, y: b.top + b.h / 2 + 4, "text-anchor": "end"
      });
      fitText(t, labelW - 4);
      var title = el("title", {}, t);
      title.textContent = b.lane.actors.length ? b.lane.actors.join(", ") : b.lane.label;
    });

    // Axis: ticks with grid lines, then breaks masking the grid where time was cut out.
    var ga = el("g", { "class": "axis" }, svg);
    var lastLabelEnd = -Infinity;
    L.ticks.forEach(function (tk) {
      var x = X(tk.x);
      var g = el("g", { "class": "tick" + (tk.major ? " major" : "") }, ga);
      el("line", { x1: x, x2: x, y1: AXIS_H - 6, y2: H }, g);
      var t = text(g, tk.label, { x: x, y: AXIS_H - 11, "text-anchor": "middle" });
      var w = t.getComputedTextLength ? t.getComputedTextLength() : 40;
      if (x - w / 2 < lastLabelEnd + 6) t.remove(); else lastLabelEnd = x + w / 2;
    });
    L.breaks.forEach(function (bk) {
      var g = el("g", { "class": "break" }, ga);
      var x0 = X(bk.x0), x1 = X(bk.x1), xm = X(bk.x);
      el("rect", { x: x0 + 1, y: AXIS_H - 6, width: Math.max(0, x1 - x0 - 2), height: H - AXIS_H + 6 }, g);
      var d = "";
      for (var yy = AXIS_H - 6; yy < H; yy += 12) {
        d += (d ? " L" : "M") + (xm - 3) + " " + yy + " L" + (xm + 3) + " " + (yy + 6);
      }
      el("path", { d: d }, g);
      el("title", {}, g).textContent = bk.label;
    });

    // Marks in date order (the DOM order is the chronological order).
    var gm = el("g", { "class": "marks" }, svg);
    marks.sort(byDate);
    marks.forEach(function (m) {
      var ev = byId[m.id];
      var g = el("g", {
        "class": "mark", tabindex: "0", role: "img", "data-id": m.id, "data-start": ev.start,
        "data-end": ev.end, "data-lane": String(m.lane), "data-sources": String(ev.sources),
        "aria-label": ev.when + ": " + ev.description
      }, gm);
      if (m.x1 - m.x0 > 2) {
        el("rect", { "class": "span", x: m.x0, y: m.cy - 3, width: m.x1 - m.x0, height: 6, rx: 3, fill: m.color }, g);
      }
      el("circle", { cx: m.x0, cy: m.cy, r: m.r.toFixed(2), fill: m.color }, g);
      g.addEventListener("mouseenter", function () { showTip(g, ev, m); });
      g.addEventListener("focus", function () { showTip(g, ev, m); });
      g.addEventListener("mouseleave", hideTip);
      g.addEventListener("blur", hideTip);
    });
  }

  function add(parent, tag, cls, value) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (value !== undefined) n.textContent = value;
    parent.appendChild(n);
    return n;
  }

  function showTip(g, ev, m) {
    Array.prototype.forEach.call(svg.querySelectorAll('.mark[data-id="' + ev.id + '"]'), function (n) {
      n.classList.add("linked");
    });
    tip.textContent = "";
    add(tip, "div", "when", ev.when + (ev.value && ev.value !== ev.when ? "  (" + ev.value + ")" : ""));
    add(tip, "div", "meta", ev.sources + (ev.sources === 1 ? " source" : " sources") +
        (ev.actors.length ? " \u00b7 " + ev.actors.join(", ") : ""));
    var q = add(tip, "blockquote", "sentence");
    q.appendChild(document.createTextNode(ev.sentence[0]));
    add(q, "mark", "", ev.sentence[1]);
    q.appendChild(document.createTextNode(ev.sentence[2]));
    if (ev.reported_by.length) {
      var ul = add(tip, "ul", "sources");
      ev.reported_by.forEach(function (a) {
        add(ul, "li", "", (a.title || a.file) + (a.published ? " (" + a.published.slice(0, 10) + ")" : ""));
      });
    }
    tip.hidden = false;
    var cw = chart.clientWidth, tw = tip.offsetWidth;
    var x = m.x0 + m.r + 10;
    if (x + tw > cw) x = Math.max(0, m.x0 - m.r - 10 - tw);
    tip.style.left = x + "px";
    tip.style.top = Math.max(0, m.cy - 16) + "px";
  }

  function hideTip() {
    tip.hidden = true;
    Array.prototype.forEach.call(svg.querySelectorAll(".mark.linked"), function (n) { n.classList.remove("linked"); });
  }

  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; render(); });
  });
  render();
  document.documentElement.setAttribute("data-rendered", "true");
})();
