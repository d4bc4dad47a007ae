/* fieldbook default theme: theme toggle, search shortcuts, talk-track copy buttons, heading
   anchors, tables, TOC, and the qualification scorecard. No dependencies, works from file://. */
(() => {
"use strict";
const d = document, w = window, root = d.documentElement, fb = w.fieldbook = w.fieldbook || {};
const $ = (s, r) => (r || d).querySelector(s), $$ = (s, r) => [...(r || d).querySelectorAll(s)];
const on = (e, ev, f) => e && e.addEventListener(ev, f);
const el = (tag, attrs, text) => {
  const e = d.createElement(tag);
  for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
  if (text != null) e.textContent = text;
  return e;
};
const store = {
  get: k => { try { return localStorage.getItem(k); } catch (e) { return null; } },
  set: (k, v) => { try { localStorage.setItem(k, v); return true; } catch (e) { return false; } }
};
// file:// cannot open "dir/" as "dir/index.html"
const fileHref = fb.fileHref = u => {
  const m = location.protocol === "file:" && u.match(/^(?![a-z][a-z0-9+.-]*:|\/)([^?#]*\/)([?#].*)?$/i);
  return m ? m[1] + "index.html" + (m[2] || "") : u;
};

/* Theme: the inline script in <head> applies a stored choice before paint */
const mq = w.matchMedia("(prefers-color-scheme: dark)");
const isDark = () => { const t = root.getAttribute("data-theme"); return t ? t === "dark" : mq.matches; };
function initTheme() {
  const b = $("#fb-theme-toggle");
  if (!b) return;
  const sync = () => { const k = isDark(); b.setAttribute("aria-pressed", k); b.title = k ? "Switch to light theme" : "Switch to dark theme"; };
  sync();
  on(b, "click", () => { const t = isDark() ? "light" : "dark"; root.setAttribute("data-theme", t); store.set("fb-theme", t); sync(); });
  on(mq, "change", sync);
}

/* Search: the search module owns the UI; this wires extra buttons and a fallback. */
const hasSearch = () => !!(fb.search || fb.openSearch);
const openSearch = () => fb.openSearch ? fb.openSearch() : $("#fb-search-open") && $("#fb-search-open").click();
function initSearch() {
  const b = $("#fb-search-open");
  on(b, "click", e => { if (!e.defaultPrevented && !hasSearch() && b.dataset.searchUrl) location.href = fileHref(b.dataset.searchUrl); });
  $$("[data-fb-search]").forEach(x => on(x, "click", openSearch));
  // On window, so the search module's own handler (on document) runs first and can preventDefault.
  on(w, "keydown", e => {
    const t = e.target, typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    const hit = (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) || ((e.ctrlKey || e.metaKey) && !e.altKey && /^k$/i.test(e.key));
    if (hit && !e.defaultPrevented && hasSearch()) { e.preventDefault(); openSearch(); }
  });
  const st = $("#fb-search-page-status");
  if (st && !fb.search) st.hidden = false;
}

/* Clipboard, with a fallback for browsers that refuse navigator.clipboard (e.g. some file:// pages) */
function legacyCopy(t) {
  const a = el("textarea", { readonly: "", style: "position:fixed;top:0;opacity:0" });
  a.value = t; d.body.append(a); a.select();
  let ok = false; try { ok = d.execCommand("copy"); } catch (e) {}
  a.remove(); return ok;
}
const copyText = t => navigator.clipboard && navigator.clipboard.writeText
  ? navigator.clipboard.writeText(t).then(() => true, () => legacyCopy(t)) : Promise.resolve(legacyCopy(t));

/* Content: talk tracks, heading anchors, scrollable tables, print buttons */
function initContent() {
  $$(".fb-content h2").forEach(h => {
    if (!/^talk[ -]?tracks?$/i.test(h.textContent.replace(/[#¶§]\s*$/, "").trim())) return;
    for (let n = h.nextElementSibling; n && n.tagName !== "H2"; n = n.nextElementSibling) {
      if (n.tagName !== "BLOCKQUOTE") continue;
      const q = n, b = el("button", { type: "button", class: "fb-copy", "aria-label": "Copy talk track" }, "Copy");
      q.classList.add("fb-talk");
      on(b, "click", () => {
        const ps = $$("p,li", q), txt = ps.length ? ps.map(p => p.textContent.trim()).join("\n\n") : q.textContent.replace(/Copy$/, "").trim();
        copyText(txt).then(ok => { b.textContent = ok ? "Copied" : "Copy failed"; setTimeout(() => { b.textContent = "Copy"; }, 2000); });
      });
      q.prepend(b);
    }
  });
  $$(".fb-content :is(h2,h3,h4)[id]").forEach(h => {
    if (!$("a.fb-anchor,a.anchor,a.heading-anchor", h)) h.append(el("a", { class: "fb-anchor", href: "#" + h.id, "aria-label": "Link to this section" }, "#"));
  });
  $$(".fb-content table").forEach(t => {
    if (t.parentNode.classList.contains("fb-table-wrap")) return;
    const wr = el("div", { class: "fb-table-wrap" });
    t.before(wr); wr.append(t); t.classList.add("fb-wrapped");
  });
  markScrollable();
  let rt = 0;
  on(w, "resize", () => { clearTimeout(rt); rt = setTimeout(markScrollable, 150); });
  $$("[data-fb-print]").forEach(b => on(b, "click", () => w.print()));
}
/* A region that scrolls sideways (wide table, diagram, long code line) must be reachable by
   keyboard: focusable and named while it overflows, and plain again when it fits (resize). */
function markScrollable() {
  $$(".fb-table-wrap,.fb-diagram-scroll,.fb-content pre").forEach(wr => {
    const over = wr.scrollWidth > wr.clientWidth + 1, marked = wr.hasAttribute("data-fb-scroll");
    if (over && !marked && !wr.hasAttribute("tabindex")) {
      const what = wr.tagName === "PRE" ? "code" : wr.classList.contains("fb-diagram-scroll") ? "diagram" : "table";
      wr.tabIndex = 0; wr.setAttribute("data-fb-scroll", ""); wr.setAttribute("role", "region"); wr.setAttribute("aria-label", "Scrollable " + what);
    } else if (!over && marked) {
      ["tabindex", "data-fb-scroll", "role", "aria-label"].forEach(a => wr.removeAttribute(a));
    }
  });
}

/* TOC: open beside the text on wide screens, collapsed above it on narrow ones; marks the current section */
function initToc() {
  const toc = $(".fb-toc");
  if (!toc) return;
  const det = $("details", toc), wide = w.matchMedia("(min-width: 1200px)"), fit = () => { if (det) det.open = wide.matches; };
  fit(); on(wide, "change", fit);
  const links = $$("a[href^='#']", toc), items = links.map(a => [a, d.getElementById(decodeURIComponent(a.hash.slice(1)))]).filter(x => x[1]);
  let busy = false;
  const update = () => {
    busy = false;
    let cur = null;
    for (const [a, t] of items) if (t.getBoundingClientRect().top < 120) cur = a;
    links.forEach(a => a.classList.toggle("is-active", a === cur));
  };
  on(w, "scroll", () => { if (!busy) { busy = true; requestAnimationFrame(update); } });
  update();
}

/* Qualification scorecard: deals live in localStorage under one key per framework */
function initScorecard() {
  const box = $("#fb-scorecard"), data = $("#fb-scorecard-data");
  let fw;
  try { fw = box && JSON.parse(data.textContent); } catch (e) {}
  if (!fw) return;
  const crit = fw.criteria || [], scale = (fw.scale || []).slice().sort((a, b) => a.score - b.score), top = scale[scale.length - 1];
  const KEY = "fieldbook:scorecard:" + (fw.id || box.dataset.framework), UNT = "Untitled deal";
  const nameI = $("#fb-deal-name"), sel = $("#fb-deal-select"), form = $("#fb-sc-form"), sum = $("#fb-sc-summary"),
    status = $("#fb-sc-status"), out = $("#fb-export-output"), pr = $("#fb-sc-print");
  let st = null, warned = false;
  try { st = JSON.parse(store.get(KEY)); } catch (e) {}
  if (!st || !st.deals) st = { current: null, deals: {} };
  const isEmpty = x => !x.name && !Object.keys(x.scores).length && !Object.values(x.notes).some(Boolean);
  const cur = () => st.deals[st.current] || (st.deals[st.current = "d" + Date.now().toString(36) + Math.random().toString(36).slice(2, 6)] = { name: "", scores: {}, notes: {}, updated: 0 });
  const ordered = () => Object.keys(st.deals).sort((a, b) => (st.deals[b].updated || 0) - (st.deals[a].updated || 0));
  const label = s => { if (s == null) return "Not scored"; const x = scale.find(x => x.score === s); return x ? s + " · " + x.label : String(s); };
  const max = () => top ? top.score * crit.length : 0;
  const total = dl => crit.reduce((t, c) => dl.scores[c.id] == null ? t : [t[0] + dl.scores[c.id], t[1] + 1], [0, 0]);
  const gaps = dl => crit.filter(c => !top || dl.scores[c.id] == null || dl.scores[c.id] < top.score);
  const today = () => { const n = new Date(), p = x => ("0" + x).slice(-2); return n.getFullYear() + "-" + p(n.getMonth() + 1) + "-" + p(n.getDate()); };
  function save() {
    for (const k in st.deals) if (k !== st.current && isEmpty(st.deals[k])) delete st.deals[k];
    if (!store.set(KEY, JSON.stringify(st)) && !warned) { warned = true; say("This browser does not allow saving here: export the summary before you leave."); }
  }
  function say(msg, btn) {
    status.textContent = msg;
    if (btn) { const b = el("button", { type: "button", class: "fb-btn" }, btn[0]); on(b, "click", btn[1]); status.append(" ", b); }
  }
  function fill() {
    const dl = cur();
    nameI.value = dl.name || "";
    crit.forEach(c => {
      $$(`input[name="score-${c.id}"]`, form).forEach(r => { r.checked = r.value === String(dl.scores[c.id]); });
      const t = form.elements["notes-" + c.id]; if (t) t.value = dl.notes[c.id] || "";
    });
    sel.replaceChildren(...ordered().map(id => { const o = el("option", { value: id }, st.deals[id].name || UNT); o.selected = id === st.current; return o; }));
    render();
  }
  function render() {
    const dl = cur(), g = gaps(dl), [t, n] = total(dl);
    const heat = el("ul", { class: "fb-sc-heat", "aria-label": "Scores by criterion" });
    crit.forEach(c => {
      const s = dl.scores[c.id], li = el("li", { class: s == null ? "is-none" : top && s === top.score ? "is-top" : s === scale[0].score ? "is-0" : "is-low", title: c.name + ": " + label(s) });
      li.append(el("span", { class: "fb-letter fb-letter-sm", "aria-hidden": "true" }, c.letter || c.name[0]), el("span", { class: "fb-sr" }, c.name + ": "), el("span", null, s == null ? "–" : s));
      heat.append(li);
    });
    sum.replaceChildren(el("p", null, `${n} of ${crit.length} criteria scored · total ${t} of ${max()}` + (g.length ? ` · ${g.length} below ${top ? top.label : "the top score"}` : " · every criterion at the top score")), heat);
    if (g.length) {
      const ul = el("ul"), fl = el("ul", { class: "fb-sc-flags" });
      g.forEach(c => {
        ul.append(el("li", null, c.name + ": " + label(dl.scores[c.id])));
        if ((c.red_flags || []).length) { const li = el("li"); li.append(el("strong", null, c.name + ": "), c.red_flags.join("; ")); fl.append(li); }
      });
      sum.append(el("h3", null, "Gaps"), ul);
      if (fl.children.length) sum.append(el("h3", null, "Red flags to check"), fl);
    }
    renderPrint(dl);
  }
  function renderPrint(dl) {
    pr.replaceChildren();
    if (isEmpty(dl)) return;
    const tb = el("tbody"), [t] = total(dl);
    crit.forEach(c => {
      const r = el("tr");
      r.append(el("th", { scope: "row" }, (c.letter ? c.letter + " · " : "") + c.name), el("td", null, label(dl.scores[c.id])), el("td", null, dl.notes[c.id] || ""));
      tb.append(r);
    });
    const tbl = el("table");
    tbl.append(el("thead"), tb);
    tbl.tHead.innerHTML = "<tr><th>Criterion</th><th>Score</th><th>Evidence and notes</th></tr>";
    pr.append(el("h3", null, `${fw.title || fw.id} scorecard: ${dl.name || UNT}`), el("p", null, `Printed ${today()} · total ${t} of ${max()}`), tbl);
  }
  const cell = s => String(s || "").replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>").trim();
  function markdown() {
    const dl = cur(), [t, n] = total(dl), g = gaps(dl);
    const L = [`# ${fw.title || fw.id} scorecard: ${dl.name || UNT}`, "", `Exported ${today()}. Total ${t} of ${max()}; ${n} of ${crit.length} criteria scored.`, "",
      "| Criterion | Score | Evidence and notes |", "| --- | --- | --- |"];
    crit.forEach(c => L.push(`| ${cell((c.letter ? c.letter + " · " : "") + c.name)} | ${cell(label(dl.scores[c.id]))} | ${cell(dl.notes[c.id])} |`));
    L.push("", "## Gaps", "");
    if (!g.length) L.push("None: every criterion is at the top score.");
    g.forEach(c => {
      L.push(`- **${c.name}**: ${label(dl.scores[c.id])}` + (top ? ` (top: ${label(top.score)})` : ""));
      (c.red_flags || []).forEach(f => L.push("  - Red flag to check: " + f));
    });
    if (scale.length) L.push("", "## Scale", "", ...scale.map(s => `- ${s.score} · ${s.label}` + (s.meaning ? ": " + s.meaning : "")));
    return L.join("\n") + "\n";
  }
  const exportMd = () => (out.value = markdown());
  const touch = () => { const dl = cur(); dl.updated = Date.now(); save(); return dl; };

  on(form, "submit", e => e.preventDefault());
  on(form, "change", e => {
    const m = /^score-(.+)$/.exec(e.target.name);
    if (m && e.target.checked) { cur().scores[m[1]] = Number(e.target.value); touch(); render(); }
  });
  on(form, "input", e => {
    const m = /^notes-(.+)$/.exec(e.target.name);
    if (!m) return;
    const dl = cur();
    if (e.target.value) dl.notes[m[1]] = e.target.value; else delete dl.notes[m[1]];
    touch(); renderPrint(dl);
  });
  on(nameI, "input", () => {
    const dl = cur(), o = sel.options[sel.selectedIndex];
    dl.name = nameI.value.trim(); touch();
    if (o && o.value === st.current) o.textContent = dl.name || UNT; else fill();
    renderPrint(dl);
  });
  on(sel, "change", () => { st.current = sel.value; save(); fill(); say(`Showing “${cur().name || UNT}”.`); });
  on($("#fb-deal-new"), "click", () => { st.current = null; cur(); save(); fill(); out.value = ""; nameI.focus(); say("New deal started. Give it a name."); });
  on($("#fb-deal-delete"), "click", () => {
    const id = st.current, dl = st.deals[id];
    if (!dl) return;
    delete st.deals[id]; st.current = ordered()[0] || null; save(); fill(); out.value = "";
    say(`Deleted “${dl.name || UNT}”.`, ["Undo", () => { st.deals[id] = dl; st.current = id; save(); fill(); say("Restored."); }]);
  });
  on($("#fb-export"), "click", () => { exportMd(); say("Markdown summary ready below."); });
  on($("#fb-copy-export"), "click", () => copyText(exportMd()).then(ok => say(ok ? "Summary copied to the clipboard." : "Could not copy: select the summary below and copy it.")));
  on($("#fb-download"), "click", () => {
    const dl = cur(), slug = (dl.name || "deal").toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "deal";
    const a = el("a", { href: URL.createObjectURL(new Blob([exportMd()], { type: "text/markdown;charset=utf-8" })), download: `${slug}-${fw.id || "scorecard"}.md` });
    d.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 4000);
    say(`Downloaded ${a.download}.`);
  });
  on($("#fb-print"), "click", () => { renderPrint(cur()); d.body.classList.add("fb-printing-sc"); w.print(); });
  on(w, "afterprint", () => d.body.classList.remove("fb-printing-sc"));
  if (!st.deals[st.current]) st.current = ordered()[0] || null;
  fill();
  fb.scorecard = { markdown, state: () => st };
}

const init = () => { initTheme(); initSearch(); initContent(); initToc(); initScorecard(); };
if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", init); else init();
})();
