// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";
  var fold = function (s) {
    return s.normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d").toLowerCase();
  };

  // Catalogue: filter by level, stage, field, channel and text; sort by column.
  var table = document.getElementById("catalogue");
  var form = document.getElementById("catalogue-filters");
  if (table && form) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    rows.forEach(function (r) { r._text = fold(r.cells[0].textContent + " " + r.cells[1].textContent); });
    var status = document.getElementById("filter-status");
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var text = document.getElementById("f-text");
    var params = new URLSearchParams(location.search);
    selects.forEach(function (s) { if (params.has(s.dataset.key)) s.value = params.get(s.dataset.key); });
    if (params.has("q")) text.value = params.get("q");
    var apply = function () {
      var q = fold(text.value.trim()).split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (r) {
        var ok = selects.every(function (s) {
          if (!s.value) return true;
          var v = r.dataset[s.dataset.key] || "";
          return s.dataset.key === "channels" ? v.split(" ").indexOf(s.value) >= 0 : v === s.value;
        }) && q.every(function (w) { return r._text.indexOf(w) >= 0; });
        r.hidden = !ok;
        if (ok) shown++;
      });
      var d = status.dataset;
      status.textContent = d.showing + " " + shown + " " + d.of + " " + rows.length + " " + (rows.length === 1 ? d.procedureOne : d.procedures);
      var p = new URLSearchParams();
      selects.forEach(function (s) { if (s.value) p.set(s.dataset.key, s.value); });
      if (text.value.trim()) p.set("q", text.value.trim());
      var qs = p.toString();
      history.replaceState(null, "", qs ? "?" + qs : location.pathname);
    };
    form.hidden = false;
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    var printBtn = document.getElementById("print-catalogue");
    if (printBtn) printBtn.addEventListener("click", function () { window.print(); });
    apply();

    // Sorting: headers become buttons; aria-sort tells screen readers the state.
    var ths = Array.prototype.slice.call(table.tHead.rows[0].cells);
    ths.forEach(function (th, col) {
      var kind = th.dataset.sort;
      if (!kind) return;
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      b.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(b);
      b.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        ths.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        // Numeric columns sort by the cell's data-value (the processing time in working
        // days, see row.html). A time given only as text (empty data-value) and then
        // "no information" (no data-value) come last, whichever the direction.
        var key = function (r) {
          var c = r.cells[col];
          if (kind !== "num") return { rank: 0, v: c.textContent.trim() };
          var d = c.dataset.value;
          if (d === undefined) return { rank: 2, v: 0 };
          if (d === "") return { rank: 1, v: 0 };
          return { rank: 0, v: parseFloat(d) };
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          if (x.rank !== y.rank) return x.rank - y.rank;
          if (kind === "num") return (x.v - y.v) * dir;
          return x.v.localeCompare(y.v, "vi") * dir;
        });
        var body = table.tBodies[0];
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  // Journey: a "show all / hide all" control for the step-by-step.
  var toggle = document.getElementById("toggle-all");
  if (toggle) {
    var details = Array.prototype.slice.call(document.querySelectorAll(".step-by-step details"));
    toggle.parentNode.hidden = false;
    // A link to a step (/hanh-trinh/#dau-tu) opens it.
    var openTarget = function () {
      var id = decodeURIComponent(location.hash.slice(1));
      var step = id && document.getElementById(id);
      if (step && step.classList.contains("step")) step.querySelector("details").open = true;
    };
    openTarget();
    window.addEventListener("hashchange", openTarget);
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      details.forEach(function (d) { d.open = open; });
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = open ? toggle.dataset.hide : toggle.dataset.show;
    });
  }

  // Diagram zoom: the buttons scale the inline SVG inside its scroll box.
  Array.prototype.forEach.call(document.querySelectorAll(".diagram-section"), function (section) {
    var tools = section.querySelector(".diagram-tools");
    var box = section.querySelector(".diagram-scroll");
    if (!tools || !box) return;
    var zoom = 1;
    tools.hidden = false;
    tools.addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (!b) return;
      var z = b.dataset.zoom;
      zoom = z === "in" ? Math.min(zoom * 1.25, 4) : z === "out" ? Math.max(zoom / 1.25, 0.5) : 1;
      box.style.setProperty("--zoom", String(zoom));
    });
  });
})();
