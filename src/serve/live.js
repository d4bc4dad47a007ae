(function () {
  "use strict";
  if (window.__fieldbookLive) return;
  window.__fieldbookLive = true;
  var KEY = "fieldbook-scroll:" + location.pathname;
  try {
    var saved = sessionStorage.getItem(KEY);
    if (saved !== null) {
      sessionStorage.removeItem(KEY);
      var xy = JSON.parse(saved);
      var restore = function () { window.scrollTo(xy[0], xy[1]); };
      if (document.readyState === "complete") restore(); else window.addEventListener("load", restore);
    }
  } catch (e) {}
  function ownPath() {
    var p = location.pathname;
    try { p = decodeURIComponent(p); } catch (e) {}
    p = p.replace(/^\/+/, "");
    if (p === "" || p.charAt(p.length - 1) === "/") p += "index.html";
    return p;
  }
  function reload() {
    try { sessionStorage.setItem(KEY, JSON.stringify([window.scrollX, window.scrollY])); } catch (e) {}
    location.reload();
  }
  function swapStyles() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var old = links[i];
      var url = new URL(old.href, location.href);
      url.searchParams.set("fieldbook-reload", String(Date.now()));
      var fresh = old.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", function (o) { return function () { o.remove(); }; }(old));
      fresh.addEventListener("error", function (o) { return function () { o.remove(); }; }(old));
      old.parentNode.insertBefore(fresh, old.nextSibling);
    }
  }
  var OVERLAY = "fieldbook-overlay";
  function hideOverlay() {
    var el = document.getElementById(OVERLAY);
    if (el) el.remove();
  }
  function el(tag, style, text) {
    var e = document.createElement(tag);
    if (style) e.setAttribute("style", style);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function showOverlay(report) {
    hideOverlay();
    var box = el("div", "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,24,.96);color:#eee;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:2rem");
    box.id = OVERLAY;
    box.setAttribute("role", "alert");
    var head = el("div", "display:flex;justify-content:space-between;align-items:baseline;gap:1rem;margin-bottom:1rem");
    var errors = report.errors || 0;
    head.appendChild(el("strong", "font-size:18px;color:#ff6b6b", "fieldbook: build failed with " + errors + " error" + (errors === 1 ? "" : "s") + (report.last_good_shown === false ? "; fix it and save" : "; the last good version is shown")));
    var close = el("button", "background:#333;color:#eee;border:1px solid #666;padding:.2rem .6rem;cursor:pointer", "Dismiss");
    close.addEventListener("click", hideOverlay);
    head.appendChild(close);
    box.appendChild(head);
    var list = report.diagnostics || [];
    for (var i = 0; i < list.length; i++) {
      var d = list[i];
      var item = el("div", "border-left:4px solid " + (d.severity === "error" ? "#ff6b6b" : "#f5c542") + ";padding:.5rem 1rem;margin:0 0 1rem;background:rgba(255,255,255,.05)");
      item.className = "fieldbook-diagnostic";
      var where = d.file ? d.file + (d.line ? ":" + d.line + ":" + (d.column || 1) : "") : "";
      if (where) item.appendChild(el("div", "color:#9cdcfe", where));
      item.appendChild(el("div", "font-weight:bold;white-space:pre-wrap", d.severity + "[" + d.code + "]: " + d.message));
      if (d.source_line) item.appendChild(el("pre", "margin:.3rem 0;color:#ccc;white-space:pre-wrap", d.source_line));
      if (d.hint) item.appendChild(el("div", "color:#b5e0a5;white-space:pre-wrap", "hint: " + d.hint));
      box.appendChild(item);
    }
    (document.body || document.documentElement).appendChild(box);
  }
  function handle(type, data) {
    if (type === "reload") {
      var msg = JSON.parse(data);
      hideOverlay();
      if (msg.css_only) { swapStyles(); return; }
      var paths = msg.paths || [];
      var mine = ownPath();
      for (var i = 0; i < paths.length; i++) {
        if (paths[i] === "*" || paths[i] === mine) { reload(); return; }
      }
    } else if (type === "build-error") {
      showOverlay(JSON.parse(data));
    } else if (type === "ok") {
      hideOverlay();
    }
  }
  function connect() {
    if (window.SharedWorker) {
      try {
        var worker = new SharedWorker("/__fieldbook/worker.js", { name: "fieldbook-live" });
        worker.port.onmessage = function (e) { handle(e.data.type, e.data.data); };
        worker.port.start();
        window.addEventListener("pagehide", function () { worker.port.postMessage("bye"); });
        return;
      } catch (e) {}
    }
    var source = new EventSource("/__fieldbook/events");
    ["reload", "build-error", "ok"].forEach(function (type) {
      source.addEventListener(type, function (e) { handle(type, e.data); });
    });
  }
  connect();
})();
