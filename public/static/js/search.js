// Search over data/search-index.json, as readers type: without diacritics,
// with abbreviations (GPXD), codes without dots (1009664), kí for ký, one-letter
// typos and extra words ("xin", "thủ tục", "how to apply for").
//
// The engine (prepare, search) is plain functions with no DOM: tests/search.rs
// runs it with node over the example's index. The page part below it only
// draws results. fold() must match text::fold in the generator: NFD, drop
// marks, đ→d, lower case.
(function () {
  "use strict";

  var fold = function (s) {
    return s.normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d").toLowerCase();
  };

  // Words of a text: a code's dots dropped (1.009664 → 1009664), C/O kept as
  // one word, split at everything that is not a letter, digit or mark.
  var words = function (s) {
    return s
      .replace(/(\d)\.(?=\d)/g, "$1")
      .replace(/(^|[^\p{L}\p{N}])c\/o(?![\p{L}\p{N}])/giu, "$1co")
      .split(/[^\p{L}\p{N}\p{M}]+/u)
      .filter(Boolean);
  };

  // i/y spellings of one syllable: kí = ký, lí = lý, mĩ = mỹ, tỉ = tỷ, qui = quy.
  var IY = /^(qu|[bdhklmnstv])y$/;
  var norm = function (w) {
    return IY.test(w) ? w.slice(0, -1) + "i" : w;
  };
  var terms = function (s) {
    return words(fold(s)).map(norm);
  };

  // Words a query may carry that titles do not: ignored when they do not match
  // (and worth little when they do). Phrases are matched as a whole.
  var STOP = new Set(
    ("xin lam cach muon can toi minh gi nao nhu the o ve cho cua va cac nhung de tai nop " +
      "how to do does apply applying for a an the of in on at my i we need get getting obtain what where is are and or with please procedure")
      .split(" ")
  );
  var STOP_PHRASES = [["thu", "tuc"], ["ho", "so"], ["nhu", "the", "nao"], ["o", "dau"], ["the", "nao"]];

  // Variants of a general procedure. A title naming one ranks below the general
  // procedure unless the query names it too ("gia hạn giấy phép xây dựng").
  var VARIANTS = [
    ["gia han", "extension", "extend", "renewal", "renew"],
    ["cap lai", "re issuance", "reissuance", "re issue", "reissue"],
    ["dieu chinh", "adjustment", "adjust", "amendment", "amend"],
    ["cap doi", "doi giay", "exchange"],
    ["hieu dinh", "dinh chinh", "correction", "correct"],
    ["sua chua", "cai tao", "repair", "renovation"],
    ["cham dut", "termination", "terminate"],
    ["ngung", "suspend", "suspension"],
    ["khong thuoc dien", "exempt", "exemption"],
  ];

  // Match qualities: a title (or keyword) match outranks any body match.
  var Q = { title: 10, titleTypo: 6, titlePrefix: 5, body: 3, bodyTypo: 2, bodyPrefix: 1.5, code: 100, codePart: 20 };
  var VARIANT_PENALTY = 4;
  var PHRASE_BONUS = 8;

  var has = function (o, k) {
    return Object.prototype.hasOwnProperty.call(o, k);
  };

  // True when a and b differ by at most one insertion, deletion, substitution
  // or swap of two neighbouring letters.
  var near = function (a, b) {
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (i === la && i === lb) return true;
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  };

  var contains = function (joined, phrase) {
    return joined.indexOf(" " + phrase + " ") >= 0;
  };

  // Words of the title (k: titles and keywords, " | " between them) and of
  // the body (summary and field), as sets and as " w w | w w " strings for phrases.
  // The questions from businesses (index.qa: question as title, answer as
  // body) are prepared the same way, with a vocabulary of their own.
  var prepareDocs = function (docs, fields, qa) {
    var vocab = new Set();
    docs.forEach(function (d) {
      // k is folded by the generator already.
      var segs = d.k.split(" | ").map(function (s) { return words(s).map(norm); });
      d._tw = [].concat.apply([], segs);
      d._ts = new Set(d._tw);
      d._tj = " " + segs.map(function (s) { return s.join(" "); }).join(" | ") + " ";
      var body = terms(d.s);
      d._bj = " " + body.join(" ") + " | " + (fields[d.f] || "") + " ";
      d._bw = fields[d.f] ? body.concat(fields[d.f].split(" ")) : body;
      d._bs = new Set(d._bw);
      d._code = qa ? "" : d.c.replace(/\./g, "");
      d._qa = qa;
      d._var = [];
      VARIANTS.forEach(function (g, gi) {
        if (g.some(function (p) { return contains(d._tj, p); })) d._var.push(gi);
      });
      d._tw.forEach(function (w) { vocab.add(w); });
      d._bw.forEach(function (w) { vocab.add(w); });
    });
    return vocab;
  };

  var prepare = function (index) {
    var fields = index.fields.map(function (f) { return terms(f).join(" "); });
    index._vocab = prepareDocs(index.docs, fields, false);
    index.qa = index.qa || [];
    index._qvocab = prepareDocs(index.qa, [], true);
    index._ab = {};
    Object.keys(index.ab || {}).forEach(function (k) {
      index._ab[k] = index.ab[k].map(terms);
    });
    return index;
  };

  // The query as terms: each with its alternatives (the word, or an
  // abbreviation's expansions), its typo neighbours, whether it is a code and
  // whether it is a stop-word.
  var parse = function (index, vocab, raw) {
    var folded = words(fold(raw));
    var shown = words(raw.normalize("NFC"));
    if (shown.length !== folded.length) shown = folded;
    var toks = folded.map(norm);
    var stop = toks.map(function (t) { return STOP.has(t); });
    STOP_PHRASES.forEach(function (p) {
      for (var i = 0; i + p.length <= toks.length; i++) {
        if (p.every(function (w, j) { return toks[i + j] === w; })) {
          for (var j = 0; j < p.length; j++) stop[i + j] = true;
        }
      }
    });
    var allStop = stop.every(Boolean);
    return toks.map(function (t, i) {
      var alts = [[t]];
      if (has(index._ab, folded[i])) alts = alts.concat(index._ab[folded[i]]);
      var typos = [];
      // A word of five letters or more that is in no procedure may be a typo of
      // one that is ("truog" → "truong", "dongg" → "dong").
      if (t.length >= 5 && !vocab.has(t) && !/^\d+$/.test(t)) {
        vocab.forEach(function (w) {
          if (w.length >= 4 && near(t, w)) typos.push(w);
        });
      }
      return {
        raw: shown[i],
        w: t,
        alts: alts,
        typos: typos,
        code: /^\d{5,}$/.test(t),
        stop: stop[i] && !allStop,
        last: i === toks.length - 1, // still being typed: any prefix counts
      };
    });
  };

  // The best way a term matches a document: { q: quality, w: the document's words }.
  var match = function (term, d) {
    var best = { q: 0, w: null };
    var take = function (q, w) {
      if (q > best.q) best = { q: q, w: w };
    };
    if (term.code) {
      if (d._code === term.w) take(Q.code, [term.w]);
      else if (d._code.indexOf(term.w) === 0 || (term.w.length >= 6 && d._code.slice(-term.w.length) === term.w)) take(Q.codePart, [term.w]);
    }
    term.alts.forEach(function (alt, ai) {
      var extra = ai > 0 ? 1 : 0; // an abbreviation's words say more than its letters
      if (alt.length > 1) {
        var p = alt.join(" ");
        if (contains(d._tj, p)) take(Q.title + extra, alt);
        else if (contains(d._bj, p)) take(Q.body + extra, alt);
        return;
      }
      var w = alt[0];
      if (d._ts.has(w)) return take(Q.title + extra, alt);
      if (d._bs.has(w)) take(Q.body + extra, alt);
      if (ai > 0) return;
      var typo = function (set) {
        for (var i = 0; i < term.typos.length; i++) if (set.has(term.typos[i])) return term.typos[i];
        return null;
      };
      var prefix = function (list) {
        if (w.length < 2 && !term.last) return null;
        for (var i = 0; i < list.length; i++) if (list[i].length > w.length && list[i].indexOf(w) === 0) return list[i];
        return null;
      };
      var x;
      if ((x = typo(d._ts))) take(Q.titleTypo, [x]);
      if ((x = prefix(d._tw))) take(Q.titlePrefix, [x]);
      if ((x = typo(d._bs))) take(Q.bodyTypo, [x]);
      if ((x = prefix(d._bw))) take(Q.bodyPrefix, [x]);
    });
    return best;
  };

  // Ranks the documents for a query: { hits: [{ d, s }], ignored: [words that
  // match no procedure at all] }. Every other word must match, stop-words
  // excepted; titles first, the whole query as a phrase in the title next, a
  // variant the query does not name last, then the shorter title.
  var searchDocs = function (index, docs, vocab, raw) {
    var ts = parse(index, vocab, raw);
    if (!ts.length) return { hits: [], ignored: [] };
    var qj = " " + ts.map(function (t) { return t.w; }).join(" ") + " ";
    var last = ts[ts.length - 1].w;
    var named = VARIANTS.map(function (g) {
      return g.some(function (p) {
        // "work permit exten": a variant word still being typed names it too.
        return contains(qj, p) || (last.length >= 3 && p.indexOf(" ") < 0 && p.indexOf(last) === 0);
      });
    });
    var table = docs.map(function (d) {
      return ts.map(function (t) { return match(t, d); });
    });
    var found = ts.map(function (t, i) {
      return table.some(function (row) { return row[i].q > 0; });
    });
    var ignored = [];
    ts.forEach(function (t, i) {
      if (!t.stop && !found[i]) ignored.push(t.raw);
    });
    var required = ts.filter(function (t, i) { return !t.stop && found[i]; }).length;
    if (!required) return { hits: [], ignored: [] };
    var hits = [];
    docs.forEach(function (d, di) {
      var row = table[di], s = 0, seq = [], pairs = 0;
      for (var i = 0; i < ts.length; i++) {
        var m = row[i];
        if (ts[i].stop) {
          s += m.q / 10;
          continue;
        }
        if (!found[i]) continue;
        if (!m.q) return;
        s += m.q;
        if (seq.length && contains(d._tj, seq[seq.length - 1] + " " + m.w[0])) pairs++;
        seq = seq.concat(m.w);
      }
      if (seq.length > 1 && contains(d._tj, seq.join(" "))) s += PHRASE_BONUS;
      else s += pairs;
      d._var.forEach(function (g) {
        if (!named[g]) s -= VARIANT_PENALTY;
      });
      hits.push({ d: d, s: s });
    });
    hits.sort(function (a, b) {
      return b.s - a.s || a.d.t.length - b.d.t.length || (a.d.c < b.d.c ? -1 : a.d.c > b.d.c ? 1 : 0);
    });
    return { hits: hits, ignored: ignored };
  };

  // The procedures, ranked, then the questions from businesses, ranked among
  // themselves: a question never pushes a procedure down, and a word only the
  // questions contain does not hide the procedures. Only when the questions
  // match more of the query's words than the procedures do ("trung tâm phục vụ
  // hành chính công") do they come first. Ignored: the words that match neither.
  var search = function (index, raw) {
    var r = searchDocs(index, index.docs, index._vocab, raw);
    if (!index.qa.length) return r;
    var q = searchDocs(index, index.qa, index._qvocab, raw);
    if (!q.hits.length) return r;
    if (!r.hits.length) return q;
    var ignored = r.ignored.filter(function (w) { return q.ignored.indexOf(w) >= 0; });
    var first = q.ignored.length < r.ignored.length ? q.hits.concat(r.hits) : r.hits.concat(q.hits);
    return { hits: first, ignored: ignored };
  };

  var engine = { fold: fold, terms: terms, near: near, prepare: prepare, search: search };
  if (typeof module === "object" && module.exports) module.exports = engine;
  if (typeof document === "undefined") return;

  // ---- the search page ----
  var form = document.getElementById("search-form");
  if (!form) return;
  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var facetsBox = document.getElementById("search-facets");
  var base = form.dataset.base;
  var index = null;
  var active = { l: null, g: null, f: null };

  var el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };

  var render = function () {
    list.textContent = "";
    facetsBox.textContent = "";
    if (!input.value.trim()) {
      status.textContent = "";
      return;
    }
    var result = search(index, input.value);
    var hits = result.hits;
    // Facets count the hits before the facet filter is applied (a question has a stage, no level or field).
    var counts = { l: {}, g: {}, f: {} };
    hits.forEach(function (h) {
      ["l", "g", "f"].forEach(function (k) {
        if (h.d[k] !== undefined) counts[k][h.d[k]] = (counts[k][h.d[k]] || 0) + 1;
      });
    });
    var shown = hits.filter(function (h) {
      return ["l", "g", "f"].every(function (k) { return active[k] === null || h.d[k] === active[k]; });
    });
    var nqa = shown.filter(function (h) { return h.d._qa; }).length, nproc = shown.length - nqa;
    var parts = [];
    if (nproc) parts.push(nproc + " " + (nproc === 1 ? status.dataset.countOne : status.dataset.count));
    if (nqa) parts.push(nqa + " " + (nqa === 1 ? status.dataset.qaOne : status.dataset.qa));
    var text = shown.length ? parts.join(" · ") : status.dataset.none;
    if (shown.length && result.ignored.length) text += ". " + status.dataset.ignored + " " + result.ignored.join(", ");
    status.textContent = text;
    shown.slice(0, 100).forEach(function (h) {
      var d = h.d, li = el("li");
      var a = el("a", "result-title", d.t);
      a.href = base + d.u;
      li.appendChild(a);
      var meta = el("p", "result-meta");
      if (d._qa) {
        meta.appendChild(el("span", "result-kind", status.dataset.qaLabel));
      } else {
        meta.appendChild(el("span", "code", d.c));
        var lv = index.levels[d.l];
        var badge = el("span", "badge", lv.label);
        badge.style.setProperty("--fill", lv.colour);
        badge.style.setProperty("--on-fill", lv.text);
        meta.appendChild(badge);
      }
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
      index = prepare(data);
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
  input.addEventListener("input", function () {
    if (index) {
      active = { l: null, g: null, f: null };
      render();
    }
  });
})();
