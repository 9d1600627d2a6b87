// onestop: the host page's half of the embeddable views (/nhung/).
// Include it once on a page that has onestop iframes (marked data-onestop-embed):
//   <script src="https://<onestop site>/static/js/embed-host.js" defer></script>
// or copy this file's text into the page's own scripts. It sets each
// iframe's height to the height its view reports, so the view needs no
// scrollbar of its own. It trusts a message only when
//   * it comes from one of those iframes' windows (event.source), and
//   * its origin is that iframe's origin, or "null" when the iframe is
//     sandboxed without allow-same-origin (its documents then have no origin), and
//   * it has the shape {type: "onestop-embed:height", height: finite number};
// the height is clamped to 50–20000 px. It sets nothing else, and reads nothing from the page.
// It also asks each frame to report again ({type: "onestop-embed:ping"}), for
// views that reported before this script ran.
(function () {
  "use strict";
  var MIN = 50, MAX = 20000;
  var frames = function () { return document.querySelectorAll("iframe[data-onestop-embed]"); };
  var fit = function (f) {
    // Full width of the host's column (CSSOM, allowed under a strict style-src).
    f.style.width = "100%";
  };
  window.addEventListener("message", function (e) {
    var d = e.data;
    if (!d || typeof d !== "object" || d.type !== "onestop-embed:height") return;
    if (typeof d.height !== "number" || !isFinite(d.height)) return;
    var list = frames();
    for (var i = 0; i < list.length; i++) {
      var f = list[i];
      if (f.contentWindow !== e.source) continue;
      var origin;
      try { origin = new URL(f.src, location.href).origin; } catch (err) { return; }
      var opaque = f.sandbox && f.sandbox.length > 0 && !f.sandbox.contains("allow-same-origin");
      if (e.origin !== origin && !(opaque && e.origin === "null")) return;
      fit(f);
      f.height = String(Math.round(Math.min(MAX, Math.max(MIN, d.height))));
      return;
    }
  });
  // A view that reported its height before this script ran is asked again
  // ({type: "onestop-embed:ping"}, nothing else), now and whenever it loads.
  var ping = function (f) {
    if (f.contentWindow) f.contentWindow.postMessage({ type: "onestop-embed:ping" }, "*");
  };
  Array.prototype.forEach.call(frames(), function (f) {
    fit(f);
    f.addEventListener("load", function () { ping(f); });
    ping(f);
  });
})();
