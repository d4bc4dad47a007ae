/* fieldbook default theme: theme toggle, search shortcuts, copy buttons, heading anchors,
   TOC, tables, search page fallback and the qualification scorecard. No dependencies. */
(function () {
"use strict";
var d = document, w = window, root = d.documentElement;
var fb = w.fieldbook = w.fieldbook || {};
function $(s, r) { return (r || d).querySelector(s); }
function $$(s, r) { return Array.prototype.slice.call((r || d).querySelectorAll(s)); }
function el(tag, attrs, text) {
  var e = d.createElement(tag);
  for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
  if (text != null) e.textContent = text;
  return e;
}
function on(e, ev, f) { if (e) e.addEventListener(ev, f); }
var store = {
  get: function (k) { try { return w.localStorage.getItem(k); } catch (e) { return null; } },
  set: function (k, v) { try { w.localStorage.setItem(k, v); return true; } catch (e) { return false; } }
};
// file:// cannot open "dir/" as "dir/index.html"
function fileHref(u) {
  if (location.protocol !== "file:") return u;
  var m = u.match(/^(?![a-z][a-z0-9+.-]*:|\/)([^?#]*\/)([?#].*)?$/i);
  return m ? m[1] + "index.html" + (m[2] || "") : u;
}
fb.fileHref = fileHref;

/* Theme */
var mq = w.matchMedia && w.matchMedia("(prefers-color-scheme: dark)");
function isDark() { var t = root.getAttribute("data-theme"); return t ? t === "dark" : !!(mq && mq.matches); }
function syncTheme() {
  var b = $("#fb-theme-toggle"); if (!b) return;
  var dk = isDark();
  b.setAttribute("aria-pressed", String(dk));
  b.title = dk ? "Switch to light theme" : "Switch to dark theme";
}
function initTheme() {
  var b = $("#fb-theme-toggle"); if (!b) return;
  syncTheme();
  on(b, "click", function () {
    var t = isDark() ? "light" : "dark";
    root.setAttribute("data-theme", t);
    store.set("fb-theme", t);
    syncTheme();
  });
  if (mq && mq.addEventListener) mq.addEventListener("change", syncTheme);
}

/* Search: the search module owns the UI; this only wires secondary buttons and shortcuts. */
function hasSearch() { return !!(fb.search || fb.openSearch); }
function openSearch() {
  if (fb.openSearch) fb.openSearch(); else { var b = $("#fb-search-open"); if (b) b.click(); }
}
function initSearch() {
  var b = $("#fb-search-open");
  on(b, "click", function (e) {
    if (e.defaultPrevented || hasSearch()) return;
    var u = b.getAttribute("data-search-url"); if (u) location.href = fileHref(u);
  });
  $$("[data-fb-search]").forEach(function (x) { on(x, "click", openSearch); });
  // Listen on window so a handler of the search module (on document) runs first and can preventDefault.
  on(w, "keydown", function (e) {
    if (e.defaultPrevented) return;
    var t = e.target, n = t && t.tagName;
    var typing = n === "INPUT" || n === "TEXTAREA" || n === "SELECT" || (t && t.isContentEditable);
    var slash = e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey;
    var ck = (e.ctrlKey || e.metaKey) && !e.altKey && (e.key === "k" || e.key === "K");
    if (!slash && !ck) return;
    if (!hasSearch()) return;
    e.preventDefault(); openSearch();
  });
}

/* Clipboard */
function legacyCopy(t) {
  var a = el("textarea", { readonly: "", style: "position:fixed;top:0;left:0;opacity:0" });
  a.value = t; d.body.appendChild(a); a.select();
  var ok = false; try { ok = d.execCommand("copy"); } catch (e) {}
  a.remove(); return ok;
}
function copyText(t) {
  if (navigator.clipboard && navigator.clipboard.writeText)
    return navigator.clipboard.writeText(t).then(function () { return true; }, function () { return legacyCopy(t); });
  return Promise.resolve(legacyCopy(t));
}
function flash(btn, text) {
  var old = btn.getAttribute("data-label") || btn.textContent;
  btn.setAttribute("data-label", old); btn.textContent = text;
  setTimeout(function () { btn.textContent = old; }, 2000);
}

/* Talk tracks: blockquotes in the section under an H2 "Talk track" */
function initTalk() {
  $$(".fb-content h2").forEach(function (h) {
    if (!/^talk[ -]?tracks?$/i.test(h.textContent.trim())) return;
    for (var n = h.nextElementSibling; n && n.tagName !== "H2"; n = n.nextElementSibling) {
      if (n.tagName !== "BLOCKQUOTE") continue;
      n.classList.add("fb-talk");
      var b = el("button", { type: "button", "class": "fb-copy", "aria-label": "Copy talk track" }, "Copy");
      (function (q, b) {
        on(b, "click", function () {
          var ps = $$("p,li", q), txt = ps.length ? ps.map(function (p) { return p.textContent.trim(); }).join("\n\n") : q.textContent.replace(/Copy$/, "").trim();
          copyText(txt).then(function (ok) { flash(b, ok ? "Copied" : "Copy failed"); });
        });
      })(n, b);
      n.appendChild(b);
    }
  });
}

/* Heading anchors, scrollable tables */
function initContent() {
  $$(".fb-content h2[id], .fb-content h3[id], .fb-content h4[id]").forEach(function (h) {
    if ($("a.fb-anchor, a.anchor, a.heading-anchor", h)) return;
    h.appendChild(el("a", { "class": "fb-anchor", href: "#" + h.id, "aria-label": "Link to this section" }, "#"));
  });
  $$(".fb-content table").forEach(function (t) {
    if (t.parentNode.classList.contains("fb-table-wrap")) return;
    var wr = el("div", { "class": "fb-table-wrap" });
    t.parentNode.insertBefore(wr, t); wr.appendChild(t); t.classList.add("fb-wrapped");
  });
  $$(".fb-table-wrap, .fb-diagram-scroll").forEach(function (wr) {
    if (wr.scrollWidth > wr.clientWidth + 1) { wr.tabIndex = 0; wr.setAttribute("role", "region"); wr.setAttribute("aria-label", "Scrollable table"); }
  });
  $$("[data-fb-print]").forEach(function (b) { on(b, "click", function () { w.print(); }); });
}

/* Table of contents: open beside the text on wide screens, collapsed above it on narrow ones */
function initToc() {
  var toc = $(".fb-toc"); if (!toc) return;
  var det = $("details", toc), wide = w.matchMedia("(min-width: 1200px)");
  function fit() { if (det) det.open = wide.matches; }
  fit(); if (wide.addEventListener) wide.addEventListener("change", fit);
  var links = $$("a[href^='#']", toc), items = [];
  links.forEach(function (a) { var t = d.getElementById(decodeURIComponent(a.hash.slice(1))); if (t) items.push([a, t]); });
  var busy = false;
  function update() {
    busy = false; var cur = null;
    for (var i = 0; i < items.length; i++) if (items[i][1].getBoundingClientRect().top < 120) cur = items[i][0];
    links.forEach(function (a) { a.classList.toggle("is-active", a === cur); });
  }
  on(w, "scroll", function () { if (!busy) { busy = true; requestAnimationFrame(update); } });
  update();
}

/* Search page: the search module mounts itself in #fb-search-page; say so when it is missing. */
function initSearchPage() {
  var m = $("#fb-search-page"), st = $("#fb-search-page-status");
  if (m && st && !fb.search) st.hidden = false;
}

/* Qualification scorecard */
function initScorecard() {
  var box = $("#fb-scorecard"), data = $("#fb-scorecard-data");
  if (!box || !data) return;
  var fw; try { fw = JSON.parse(data.textContent); } catch (e) { return; }
  var crit = fw.criteria || [], scale = (fw.scale || []).slice().sort(function (a, b) { return a.score - b.score; });
  var top = scale.length ? scale[scale.length - 1] : null;
  var KEY = "fieldbook:scorecard:" + (fw.id || box.getAttribute("data-framework") || location.pathname);
  var nameI = $("#fb-deal-name"), sel = $("#fb-deal-select"), form = $("#fb-sc-form"), sum = $("#fb-sc-summary"),
      status = $("#fb-sc-status"), out = $("#fb-export-output"), pr = $("#fb-sc-print"), undo = null, saved = true;
  var st = (function () { try { var s = JSON.parse(store.get(KEY) || "null"); if (s && s.deals) return s; } catch (e) {} return { current: null, deals: {} }; })();
  function blank() { return { name: "", scores: {}, notes: {}, updated: 0 }; }
  function isEmpty(x) { return !x.name && !Object.keys(x.scores).length && !Object.keys(x.notes).some(function (k) { return x.notes[k]; }); }
  function cur() {
    if (!st.deals[st.current]) { st.current = "d" + Date.now().toString(36) + Math.random().toString(36).slice(2, 6); st.deals[st.current] = blank(); }
    return st.deals[st.current];
  }
  function save() {
    for (var k in st.deals) if (k !== st.current && isEmpty(st.deals[k])) delete st.deals[k];
    var ok = store.set(KEY, JSON.stringify(st));
    if (!ok && saved) { saved = false; say("This browser does not allow saving; export the summary before you leave."); }
  }
  function say(msg, btn) {
    status.textContent = msg;
    if (btn) { var b = el("button", { type: "button", "class": "fb-btn" }, btn[0]); on(b, "click", btn[1]); status.appendChild(d.createTextNode(" ")); status.appendChild(b); }
  }
  function label(s) {
    if (s == null) return "Not scored";
    for (var i = 0; i < scale.length; i++) if (scale[i].score === s) return s + " · " + scale[i].label;
    return String(s);
  }
  function ordered() {
    return Object.keys(st.deals).sort(function (a, b) { return (st.deals[b].updated || 0) - (st.deals[a].updated || 0); });
  }
  function fillSelect() {
    sel.innerHTML = "";
    ordered().forEach(function (id) {
      var o = el("option", { value: id }, st.deals[id].name || "Untitled deal");
      if (id === st.current) o.selected = true;
      sel.appendChild(o);
    });
  }
  function fill() {
    var dl = cur();
    nameI.value = dl.name || "";
    crit.forEach(function (c) {
      $$('input[name="score-' + c.id + '"]', form).forEach(function (r) { r.checked = dl.scores[c.id] != null && r.value === String(dl.scores[c.id]); });
      var t = form.elements["notes-" + c.id]; if (t) t.value = dl.notes[c.id] || "";
    });
    fillSelect(); render();
  }
  function gaps(dl) { return crit.filter(function (c) { return !top || dl.scores[c.id] == null || dl.scores[c.id] < top.score; }); }
  function total(dl) { var t = 0, n = 0; crit.forEach(function (c) { if (dl.scores[c.id] != null) { t += dl.scores[c.id]; n++; } }); return [t, n]; }
  function render() {
    var dl = cur(), g = gaps(dl), tn = total(dl), max = top ? top.score * crit.length : 0;
    sum.innerHTML = "";
    sum.appendChild(el("p", null, tn[1] + " of " + crit.length + " criteria scored · total " + tn[0] + " of " + max +
      (g.length ? " · " + g.length + " below " + (top ? top.label : "top score") : " · every criterion at the top score")));
    var heat = el("ul", { "class": "fb-sc-heat", "aria-label": "Scores by criterion" });
    crit.forEach(function (c) {
      var s = dl.scores[c.id], cls = s == null ? "is-none" : s === (top && top.score) ? "is-top" : s === scale[0].score ? "is-0" : "is-low";
      var li = el("li", { "class": cls, title: c.name + ": " + label(s) });
      li.appendChild(el("span", { "class": "fb-letter fb-letter-sm", "aria-hidden": "true" }, c.letter || c.name.charAt(0)));
      li.appendChild(el("span", { "class": "fb-sr" }, c.name + ": "));
      li.appendChild(el("span", null, s == null ? "–" : String(s)));
      heat.appendChild(li);
    });
    sum.appendChild(heat);
    if (g.length) {
      sum.appendChild(el("h3", null, "Gaps"));
      var ul = el("ul");
      g.forEach(function (c) { ul.appendChild(el("li", null, c.name + ": " + label(dl.scores[c.id]))); });
      sum.appendChild(ul);
      var flags = g.filter(function (c) { return (c.red_flags || []).length; });
      if (flags.length) {
        sum.appendChild(el("h3", null, "Red flags to check"));
        var fl = el("ul", { "class": "fb-sc-flags" });
        flags.forEach(function (c) {
          var li = el("li"); li.appendChild(el("strong", null, c.name + ": "));
          li.appendChild(d.createTextNode(c.red_flags.join("; "))); fl.appendChild(li);
        });
        sum.appendChild(fl);
      }
    }
    renderPrint(dl);
  }
  function renderPrint(dl) {
    pr.innerHTML = "";
    if (isEmpty(dl)) return;
    pr.appendChild(el("h3", null, (fw.title || fw.id) + " scorecard: " + (dl.name || "Untitled deal")));
    var tn = total(dl);
    pr.appendChild(el("p", null, "Printed " + today() + " · total " + tn[0] + " of " + (top ? top.score * crit.length : 0)));
    var t = el("table"), hr = el("tr");
    ["Criterion", "Score", "Evidence and notes"].forEach(function (h) { hr.appendChild(el("th", { scope: "col" }, h)); });
    t.appendChild(el("thead")).appendChild(hr);
    var tb = t.appendChild(el("tbody"));
    crit.forEach(function (c) {
      var r = el("tr"); r.appendChild(el("th", { scope: "row" }, (c.letter ? c.letter + " · " : "") + c.name));
      r.appendChild(el("td", null, label(dl.scores[c.id]))); r.appendChild(el("td", null, dl.notes[c.id] || "")); tb.appendChild(r);
    });
    pr.appendChild(t);
  }
  function today() { var n = new Date(); return n.getFullYear() + "-" + ("0" + (n.getMonth() + 1)).slice(-2) + "-" + ("0" + n.getDate()).slice(-2); }
  function cell(s) { return String(s || "").replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>").trim(); }
  function markdown() {
    var dl = cur(), tn = total(dl), g = gaps(dl), L = [];
    L.push("# " + (fw.title || fw.id) + " scorecard: " + (dl.name || "Untitled deal"), "");
    L.push("Exported " + today() + ". Total " + tn[0] + " of " + (top ? top.score * crit.length : 0) + "; " + tn[1] + " of " + crit.length + " criteria scored.", "");
    L.push("| Criterion | Score | Evidence and notes |", "| --- | --- | --- |");
    crit.forEach(function (c) { L.push("| " + cell((c.letter ? c.letter + " · " : "") + c.name) + " | " + cell(label(dl.scores[c.id])) + " | " + cell(dl.notes[c.id]) + " |"); });
    L.push("", "## Gaps", "");
    if (!g.length) L.push("None: every criterion is at the top score.");
    g.forEach(function (c) {
      L.push("- **" + c.name + "**: " + label(dl.scores[c.id]) + (top ? " (top: " + label(top.score) + ")" : ""));
      (c.red_flags || []).forEach(function (f) { L.push("  - Red flag to check: " + f); });
    });
    if (scale.length) {
      L.push("", "## Scale", "");
      scale.forEach(function (s) { L.push("- " + s.score + " · " + s.label + (s.meaning ? ": " + s.meaning : "")); });
    }
    return L.join("\n") + "\n";
  }
  function exportMd() { out.value = markdown(); return out.value; }
  function touch() { var dl = cur(); dl.updated = Date.now(); save(); return dl; }

  on(form, "submit", function (e) { e.preventDefault(); });
  on(form, "change", function (e) {
    var t = e.target, m = t.name && t.name.match(/^score-(.+)$/);
    if (m && t.checked) { cur().scores[m[1]] = Number(t.value); touch(); render(); }
  });
  on(form, "input", function (e) {
    var t = e.target, m = t.name && t.name.match(/^notes-(.+)$/);
    if (m) { var dl = cur(); if (t.value) dl.notes[m[1]] = t.value; else delete dl.notes[m[1]]; touch(); renderPrint(dl); }
  });
  on(nameI, "input", function () {
    cur().name = nameI.value.trim(); touch();
    var o = sel.options[sel.selectedIndex]; if (o) o.textContent = cur().name || "Untitled deal"; else fillSelect();
    renderPrint(cur());
  });
  on(sel, "change", function () { st.current = sel.value; save(); fill(); say("Showing “" + (cur().name || "Untitled deal") + "”."); });
  on($("#fb-deal-new"), "click", function () {
    st.current = null; cur(); save(); fill(); out.value = ""; nameI.focus(); say("New deal started. Give it a name.");
  });
  on($("#fb-deal-delete"), "click", function () {
    var id = st.current, dl = st.deals[id]; if (!dl) return;
    delete st.deals[id]; st.current = ordered()[0] || null; save(); fill(); out.value = "";
    undo = [id, dl];
    say("Deleted “" + (dl.name || "Untitled deal") + "”.", ["Undo", function () {
      if (!undo) return; st.deals[undo[0]] = undo[1]; st.current = undo[0]; undo = null; save(); fill(); say("Restored.");
    }]);
  });
  on($("#fb-export"), "click", function () { exportMd(); say("Markdown summary ready below."); });
  on($("#fb-copy-export"), "click", function () {
    var md = exportMd();
    copyText(md).then(function (ok) { say(ok ? "Summary copied to the clipboard." : "Could not copy: select the summary below and copy it."); });
  });
  on($("#fb-download"), "click", function () {
    var md = exportMd(), dl = cur();
    var slug = ((dl.name || "deal").toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "deal");
    var a = el("a", { href: URL.createObjectURL(new Blob([md], { type: "text/markdown;charset=utf-8" })), download: slug + "-" + (fw.id || "scorecard") + ".md" });
    d.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 4000);
    say("Downloaded " + a.download + ".");
  });
  on($("#fb-print"), "click", function () {
    renderPrint(cur()); d.body.classList.add("fb-printing-sc");
    on(w, "afterprint", function () { d.body.classList.remove("fb-printing-sc"); });
    w.print();
  });
  if (!st.deals[st.current]) st.current = ordered()[0] || null;
  fill();
  fb.scorecard = { markdown: markdown, state: function () { return st; } };
}

function init() { initTheme(); initSearch(); initTalk(); initContent(); initToc(); initSearchPage(); initScorecard(); }
if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", init); else init();
})();
