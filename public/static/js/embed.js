// The embeddable views (/nhung/): every view works without this script.
// 1. Height: tells the page that embeds the view (the parent window) how tall
//    its content is, so the host's embed-host.js can set the iframe's height
//    and the view needs no scrollbar of its own. The message is
//    {type: "onestop-embed:height", height: <CSS pixels>}; it holds nothing
//    private, so it is sent to any origin ("*": a sandboxed frame cannot know
//    its host's origin, and the host checks which frame sent it).
// 2. Links: the markup opens them in a new window (<base target="_blank">),
//    which works without JavaScript and under every sandbox that allows
//    popups. A plain left click instead navigates the top window (the portal
//    page) when the frame may: not sandboxed, or sandboxed with
//    allow-top-navigation(-by-user-activation). Chromium refuses it in a
//    frame sandboxed without those flags by throwing a SecurityError from the
//    location setter (measured in tests/embed.rs): then the default, the new
//    window, happens. A click with a modifier key or another button is left
//    to the browser.
// 3. The catalogue view's filters (level, stage, field, text).
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.shiftKey || e.altKey || e.metaKey) return;
    var a = e.target.closest ? e.target.closest("a[href]") : null;
    if (!a || a.hasAttribute("download") || !/^https?:$/.test(a.protocol)) return;
    if (a.getAttribute("href").charAt(0) === "#") return;
    try {
      window.top.location.href = a.href;
    } catch (err) {
      return; // refused: the new window (target="_blank") opens instead
    }
    e.preventDefault();
  });
  if (window.parent !== window) {
    var last = -1;
    var send = function () {
      var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (h === last) return;
      last = h;
      window.parent.postMessage({ type: "onestop-embed:height", height: h }, "*");
    };
    if (window.ResizeObserver) new ResizeObserver(send).observe(document.documentElement);
    window.addEventListener("load", send);
    document.addEventListener("toggle", send, true);
    // The host script asks again when it starts after the view (a deferred script).
    window.addEventListener("message", function (e) {
      if (e.source === window.parent && e.data && e.data.type === "onestop-embed:ping") {
        last = -1;
        send();
      }
    });
    send();
  }

  var table = document.getElementById("oe-catalogue");
  var form = document.getElementById("oe-filters");
  if (!table || !form) return;
  var fold = function (s) {
    return s.normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d").toLowerCase();
  };
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  rows.forEach(function (r) { r._text = fold(r.cells[0].textContent + " " + r.cells[1].textContent); });
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var text = document.getElementById("oe-text");
  var status = document.getElementById("oe-status");
  var apply = function () {
    var q = fold(text.value.trim()).split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (r) {
      var ok = selects.every(function (s) { return !s.value || r.dataset[s.dataset.key] === s.value; }) &&
        q.every(function (w) { return r._text.indexOf(w) >= 0; });
      r.hidden = !ok;
      if (ok) shown++;
    });
    var d = status.dataset;
    status.textContent = d.showing + " " + shown + " " + d.of + " " + rows.length + " " + d.procedures;
  };
  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
})();
