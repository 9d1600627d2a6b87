// onestop serve: live reload and the error overlay. The server adds this
// script to every page it serves; built sites never contain it.
(() => {
  const me = document.currentScript;
  let shownSite = Number(me.dataset.site);
  // This page's file in the output ("thu-tuc/x/index.html"), to match the server's list of changed files.
  const file = (() => {
    let p = decodeURIComponent(location.pathname).replace(/^\/+/, "");
    if (p === "" || p.endsWith("/")) p += "index.html";
    return p;
  })();
  const server = me.dataset.server;
  const ID = "onestop-errors";
  let source = null;
  let hiddenFor = null; // errors the editor dismissed (shown again when they change)

  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
  };

  function where(d) {
    let s = d.file || "";
    if (s && d.line > 0) s += ":" + d.line + ":" + d.col;
    return s;
  }

  function showErrors(errors) {
    const old = document.getElementById(ID);
    const key = JSON.stringify(errors);
    if (!errors.length || key === hiddenFor) {
      if (old) old.remove();
      return;
    }
    if (old && old.dataset.key === key) return;
    const n = errors.length;
    const box = el("section", {
      id: ID, role: "alert", "aria-labelledby": ID + "-title", tabindex: "0",
      style: "position:fixed;left:0;right:0;bottom:0;z-index:2147483647;max-height:60vh;overflow:auto;" +
        "margin:0;padding:1rem 1.25rem;background:#fff;color:#1b1b1b;border-top:6px solid #b00020;" +
        "box-shadow:0 -4px 16px rgba(0,0,0,.35);font:16px/1.5 system-ui,sans-serif;text-align:left",
    });
    box.dataset.key = key;
    const title = el("p", { id: ID + "-title", style: "margin:0 0 .25rem;font-weight:700;font-size:1.125rem;color:#8a0018" },
      "Trang chưa được cập nhật: " + n + " lỗi trong nội dung");
    const note = el("p", { style: "margin:0 0 .75rem" },
      "Đang hiển thị bản dựng tốt gần nhất. Sửa lỗi rồi lưu tệp: thông báo này tự đóng.");
    const list = el("ul", { style: "margin:0;padding-left:1.25rem" });
    for (const d of errors) {
      const item = el("li", { lang: "en", style: "margin:0 0 .5rem" });
      const loc = where(d);
      if (loc) item.append(el("code", { style: "font-weight:700;color:#1b1b1b;background:#f1f1f1;padding:0 .25rem" }, loc), " ");
      if (d.field) item.append(el("code", { style: "color:#1b1b1b" }, d.field), ": ");
      item.append(d.message, " ", el("span", { style: "color:#4d4d4d" }, "[" + d.code + "]"));
      if (d.hint) item.append(el("br"), el("span", { style: "color:#4d4d4d" }, "hint: " + d.hint));
      list.append(item);
    }
    const hide = el("button", { type: "button", style: "float:right;font:inherit;padding:.25rem .75rem;border:2px solid #1b1b1b;background:#fff;color:#1b1b1b;cursor:pointer" }, "Ẩn");
    hide.addEventListener("click", () => { hiddenFor = key; box.remove(); });
    box.append(hide, title, note, list);
    if (old) old.replaceWith(box); else document.body.append(box);
  }

  function connect() {
    if (source) source.close();
    source = new EventSource("/_onestop/events");
    source.addEventListener("state", (e) => {
      const s = JSON.parse(e.data);
      window.__onestopServe = { connected: true, site: s.site, errors: s.errors.length };
      // `changed` lists what build `site` changed since build `site - 1`: a page that missed a
      // build (the event stream only carries the newest state) cannot know, and reloads.
      const listed = s.site === shownSite + 1 && s.changed;
      if (s.server !== server || (s.site > shownSite && (!listed || s.changed.includes(file)))) {
        source.close();
        location.reload();
        return;
      }
      // A newer build that did not change this page (an edited record's page is shown
      // first, then the rest is rebuilt): nothing to reload.
      if (s.site > shownSite) shownSite = s.site;
      showErrors(s.errors);
    });
  }

  connect();
  addEventListener("pagehide", () => source && source.close());
  addEventListener("pageshow", (e) => { if (e.persisted) connect(); });
})();
