// Diacritic-insensitive search over data/search-index.json.
// fold() must match text::fold in the generator: NFD, drop marks, đ→d, lower case.
(function () {
  "use strict";
  var fold = function (s) {
    return s.normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d").toLowerCase();
  };
  var form = document.getElementById("search-form");
  if (!form) return;
  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var facetsBox = document.getElementById("search-facets");
  var base = form.dataset.base;
  var index = null;
  var active = { l: null, g: null, f: null };

  var score = function (doc, terms, phrase, raw) {
    var s = 0;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i];
      if (doc._words.indexOf(t) >= 0) s += 2;
      else if (doc._words.some(function (w) { return w.indexOf(t) === 0; })) s += 1;
      else if (doc.k.indexOf(t) >= 0) s += 0.5;
      else return 0; // every term must match
    }
    if (doc.ft.indexOf(phrase) >= 0) s += 5;
    if (doc.c === raw.trim()) s += 20;
    if (raw && doc.t.toLowerCase().indexOf(raw.toLowerCase()) >= 0) s += 1;
    return s - doc.t.length / 1000; // among equals, the shorter (more general) title first
  };

  var el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };

  var render = function () {
    var raw = input.value;
    var phrase = fold(raw.trim());
    var terms = phrase.split(/[^\p{L}\p{N}.]+/u).filter(Boolean);
    list.textContent = "";
    facetsBox.textContent = "";
    if (!terms.length) { status.textContent = ""; return; }
    var hits = [];
    index.docs.forEach(function (d) {
      var s = score(d, terms, phrase, raw);
      if (s > 0) hits.push({ d: d, s: s });
    });
    hits.sort(function (a, b) { return b.s - a.s || a.d.c.localeCompare(b.d.c); });
    // Facets count the hits before the facet filter is applied.
    var counts = { l: {}, g: {}, f: {} };
    hits.forEach(function (h) { ["l", "g", "f"].forEach(function (k) { counts[k][h.d[k]] = (counts[k][h.d[k]] || 0) + 1; }); });
    var shown = hits.filter(function (h) {
      return ["l", "g", "f"].every(function (k) { return active[k] === null || h.d[k] === active[k]; });
    });
    status.textContent = shown.length ? shown.length + " " + status.dataset.count : status.dataset.none;
    shown.slice(0, 100).forEach(function (h) {
      var d = h.d, li = el("li");
      var a = el("a", "result-title", d.t);
      a.href = base + d.u;
      li.appendChild(a);
      var meta = el("p", "result-meta");
      meta.appendChild(el("span", "code", d.c));
      var lv = index.levels[d.l];
      var badge = el("span", "badge", lv.label);
      badge.style.setProperty("--fill", lv.colour);
      badge.style.setProperty("--on-fill", lv.text);
      meta.appendChild(badge);
      meta.appendChild(el("span", null, index.stages[d.g]));
      li.appendChild(meta);
      li.appendChild(el("p", "result-summary", d.s));
      list.appendChild(li);
    });
    [["l", "levels", facetsBox.dataset.level], ["g", "stages", facetsBox.dataset.stage], ["f", "fields", facetsBox.dataset.field]].forEach(function (spec) {
      var k = spec[0], names = index[spec[1]];
      var keys = Object.keys(counts[k]);
      if (keys.length < 2 && active[k] === null) return;
      facetsBox.appendChild(el("h2", null, spec[2]));
      var ul = el("ul");
      var add = function (value, label, n) {
        var li = el("li"), b = el("button", null, label + (n != null ? " (" + n + ")" : ""));
        b.type = "button";
        b.setAttribute("aria-pressed", String(active[k] === value));
        b.addEventListener("click", function () { active[k] = value; render(); });
        li.appendChild(b);
        ul.appendChild(li);
      };
      add(null, facetsBox.dataset.all, null);
      keys.map(Number).sort(function (a, b) { return a - b; }).forEach(function (v) {
        var label = typeof names[v] === "string" ? names[v] : names[v].label;
        add(v, label, counts[k][v]);
      });
      facetsBox.appendChild(ul);
    });
  };

  var load = function () {
    return fetch(form.dataset.index).then(function (r) { return r.json(); }).then(function (data) {
      data.docs.forEach(function (d) { d._words = d.k.split(/[^\p{L}\p{N}.]+/u); });
      index = data;
    });
  };

  window.onestopSearch = function (q) {
    input.value = q;
    active = { l: null, g: null, f: null };
    return (index ? Promise.resolve() : load()).then(function () {
      render();
      return Array.prototype.map.call(list.querySelectorAll("a"), function (a) { return a.getAttribute("href"); });
    });
  };

  var q = new URLSearchParams(location.search).get("q") || "";
  input.value = q;
  load().then(render);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    active = { l: null, g: null, f: null };
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
    render();
  });
  input.addEventListener("input", function () { if (index) { active = { l: null, g: null, f: null }; render(); } });
})();
