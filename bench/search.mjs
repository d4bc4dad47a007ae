#!/usr/bin/env node
// Search benchmark for one built site (issue #4 targets), in headless Chromium (Debian's
// /usr/bin/chromium driven by the playwright-core of tests/browser/node_modules).
// bench/search.sh builds the corpora, starts the servers and calls this; run it directly with:
//
//   node bench/search.mjs --site DIR --content DIR --queries FILE --port N [--cold N] [--label L]
//
// --site     the built site, served by ../shared/bench/count_server.py on 127.0.0.1:--port
// --content  the site's content/ folder (page titles, to count pages with an identical title)
// --queries  known_item.py output ([{target, exact, typo, prefix}], targets as /path.html)
// --cold     how many queries get the fresh-context runs (default 100)
//
// Per query, in a fresh browser context each (so nothing is cached):
// - "UI": open the home page, press "/", put the query into the search field at once (as a
//   paste), and wait for the result list. Bytes and requests are every file under search/ that
//   the server sent for it: the entry script the page loaded, the dialog's code and styles, and
//   the index files. Then a second, different query in the same dialog: the "later" bytes.
// - "API": in another fresh context, the time of `fieldbook.search(query)` (10 results), then
//   the same call again (warm: every file already loaded).
// MRR@5 comes from one context and every query of the set (exact, typo, prefix), through
// `fieldbook.search(query, {limit: 5})`.
// Prints one JSON object on stdout.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../tests/browser/package.json"));
const { chromium } = require("playwright-core");

const opt = { cold: "100", label: "" };
for (let i = 2; i < process.argv.length; i += 2) opt[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
for (const k of ["site", "content", "queries", "port"]) if (!opt[k]) throw new Error(`missing --${k}`);
const base = `http://127.0.0.1:${opt.port}/`;
const queries = JSON.parse(fs.readFileSync(opt.queries, "utf8"));
const nCold = Math.min(+opt.cold, queries.length);

// known_item.py's URL (/a/b.html, /a/) -> fieldbook's ("a/b/", "a/").
const siteUrl = (t) => (t.endsWith(".html") ? t.slice(1, -5) + "/" : t.slice(1));

// Pages with the same title as the target are the same known item to a title query: the query
// cannot tell them apart. Titles are read as known_item.py reads them.
function titles(dir) {
  const byTitle = new Map();
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".md")) {
        const m = /^title:\s*"?(.*?)"?$/m.exec(fs.readFileSync(p, "utf8"));
        if (!m) continue;
        const rel = path.relative(dir, p).split(path.sep).join("/");
        const url = rel.endsWith("_index.md") ? rel.slice(0, -"_index.md".length) : rel.slice(0, -3) + "/";
        byTitle.set(m[1], [...(byTitle.get(m[1]) || []), url]);
      }
    }
  };
  walk(dir);
  return byTitle;
}
const byTitle = titles(opt.content);
const sameTitle = (q) => new Set(byTitle.get(q.title) || [siteUrl(q.target)]);

const stats = async () => (await (await fetch(base + "__stats")).json()).filter(([p]) => p.startsWith("/search/"));
const sum = (list) => list.reduce((a, [, b]) => a + b, 0);
const quantile = (a, q) => {
  const s = a.slice().sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * q))] : NaN;
};
const median = (a) => {
  const s = a.slice().sort((x, y) => x - y), n = s.length;
  return n ? (n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN;
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-extensions", "--disable-dev-shm-usage",
    // Only 127.0.0.1 resolves: the browser cannot reach any other host. This is done in the
    // resolver rather than with Playwright's request interception (`context.route`), which
    // sends every request through this Node process and added ~45 ms to a cold query here.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
});
// Requests for any other host are still recorded (passively), and fail the run.
const offHost = [];
const contexts = new Set();
const fresh = async () => {
  const ctx = await browser.newContext();
  contexts.add(ctx);
  ctx.on("close", () => contexts.delete(ctx));
  const page = await ctx.newPage();
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith("file:") && !url.startsWith("data:") && new URL(url).hostname !== "127.0.0.1") offHost.push(url);
  });
  page.on("pageerror", (e) => console.error("page error:", e.message));
  return { ctx, page };
};
const ready = (page) => page.waitForFunction(() => window.fieldbook && window.fieldbook.search, null, { timeout: 90000 });

// Puts `q` into the open dialog's field in one input event and resolves with the milliseconds
// until the result list or the status line changes, and the result URLs.
const ask = (page, q) => page.evaluate((q) => new Promise((resolve, reject) => {
  const input = document.querySelector("dialog[open] [role=combobox]");
  const list = document.getElementById(input.getAttribute("aria-controls"));
  const status = list.parentNode.querySelector("[role=status]");
  const t0 = performance.now();
  const obs = new MutationObserver(() => {
    obs.disconnect();
    resolve({ ms: performance.now() - t0, urls: [...list.querySelectorAll("a")].map((a) => a.href), status: status.textContent });
  });
  obs.observe(list, { childList: true });
  obs.observe(status, { childList: true, characterData: true, subtree: true });
  setTimeout(() => reject(new Error("no results after 20 s: " + q)), 20000);
  input.value = q;
  input.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste", data: q }));
}), q);

const ui = { first: [], firstReq: [], later: [], laterReq: [], ms: [], rr: [], kinds: {} };
const api = { cold: [], warm: [], file: [] };
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
let skipped = 0;
for (let i = 0; i < nCold; i++) {
  try {
    await coldRuns(i);
  } catch (e) {
    // A stall of the loaded machine (a page that takes minutes) says nothing about search:
    // the query is left out, and the number left out is reported.
    skipped++;
    for (const ctx of contexts) await ctx.close().catch(() => {});
    console.error(`query ${i} left out: ${String(e.message).split("\n")[0]}`);
  }
}
async function coldRuns(i) {
  const q = queries[i], next = queries[(i + 1) % queries.length];
  {
    const { ctx, page } = await fresh();
    await stats();
    await page.goto(base);
    await ready(page);
    await pause(50);
    const entry = await stats();
    await page.keyboard.press("/");
    await page.waitForSelector("dialog[open] [role=combobox]");
    const r = await ask(page, q.exact);
    // Anything still arriving for this query (nothing should) is counted too.
    await pause(150);
    const got = entry.concat(await stats());
    ui.first.push(sum(got));
    ui.firstReq.push(got.length);
    for (const [p] of got) {
      const k = p.replace(/^\/search\//, "").replace(/[-\d].*$/, "") || "?";
      ui.kinds[k] = (ui.kinds[k] || 0) + 1 / nCold;
    }
    ui.ms.push(r.ms);
    const want = sameTitle(q);
    const rank = r.urls.slice(0, 5).findIndex((u) => want.has(new URL(u).pathname.slice(1)));
    ui.rr.push(rank < 0 ? 0 : 1 / (rank + 1));
    await ask(page, next.exact);
    await pause(150);
    const later = await stats();
    ui.later.push(sum(later));
    ui.laterReq.push(later.length);
    await ctx.close();
  }
  {
    const { ctx, page } = await fresh();
    await page.goto(base);
    await ready(page);
    const [cold, warm] = await page.evaluate(async (q) => {
      let t = performance.now();
      await window.fieldbook.search(q);
      const cold = performance.now() - t;
      t = performance.now();
      await window.fieldbook.search(q);
      return [cold, performance.now() - t];
    }, q.exact);
    api.cold.push(cold);
    api.warm.push(warm);
    await ctx.close();
  }
  // The same from disk (file://), for every other query.
  if (i % 2 == 0) {
    const { ctx, page } = await fresh();
    await page.goto(pathToFileURL(path.join(opt.site, "index.html")).href);
    await ready(page);
    api.file.push(await page.evaluate(async (q) => {
      const t = performance.now();
      await window.fieldbook.search(q);
      return performance.now() - t;
    }, q.exact));
    await ctx.close();
  }
}

// MRR@5 over the whole set: strict (the target page itself) and by title (any page with the
// target's exact title counts), plus the strict ceiling that identical titles allow.
const mrr = {};
{
  const { ctx, page } = await fresh();
  await page.goto(base);
  await ready(page);
  const warm = [];
  for (const variant of ["exact", "typo", "prefix"]) {
    let strict = 0, title = 0;
    const misses = [];
    for (const q of queries) {
      const [ms, urls] = await page.evaluate(async (q) => {
        const t = performance.now();
        const r = await window.fieldbook.search(q, { limit: 5 });
        return [performance.now() - t, r.map((x) => new URL(x.url, location.href).pathname.slice(1))];
      }, q[variant]);
      if (variant == "exact") warm.push(ms);
      const target = siteUrl(q.target), same = sameTitle(q);
      const s = urls.indexOf(target), t = urls.findIndex((u) => same.has(u));
      strict += s < 0 ? 0 : 1 / (s + 1);
      title += t < 0 ? 0 : 1 / (t + 1);
      if (t != 0 && misses.length < 8) misses.push(`${q[variant]} -> ${t < 0 ? "miss" : "#" + (t + 1)}`);
    }
    mrr[variant] = { title: +(title / queries.length).toFixed(3), strict: +(strict / queries.length).toFixed(3), misses };
  }
  mrr.strictCeiling = +(mrrCeiling(queries) / queries.length).toFixed(3);
  mrr.warmMs = { p50: +median(warm).toFixed(1), p95: +quantile(warm, 0.95).toFixed(1) };
  await ctx.close();
}

// Expected strict MRR@5 of an engine that ranks pages with identical titles in random order
// and otherwise ranks the target first.
function mrrCeiling(qs) {
  let total = 0;
  for (const q of qs) {
    const k = sameTitle(q).size;
    let e = 0;
    for (let r = 0; r < Math.min(k, 5); r++) e += 1 / (r + 1) / k;
    total += e;
  }
  return total;
}

await browser.close();
if (offHost.length) throw new Error(`requests to other hosts: ${[...new Set(offHost)].slice(0, 5).join(", ")}`);
const r1 = (x) => +x.toFixed(1);
console.log(JSON.stringify({
  label: opt.label,
  queries: queries.length,
  coldRuns: nCold - skipped,
  leftOut: skipped,
  firstQuery: { bytesP50: median(ui.first), bytesP90: quantile(ui.first, 0.9), requestsP50: median(ui.firstReq), requestsP90: quantile(ui.firstReq, 0.9), filesPerQuery: Object.fromEntries(Object.entries(ui.kinds).map(([k, v]) => [k, +v.toFixed(2)])) },
  laterQuery: { bytesP50: median(ui.later), bytesP90: quantile(ui.later, 0.9), requestsP50: median(ui.laterReq) },
  coldMs: { apiP50: r1(median(api.cold)), apiP95: r1(quantile(api.cold, 0.95)), uiP50: r1(median(ui.ms)), uiP95: r1(quantile(ui.ms, 0.95)), fileP50: r1(median(api.file)), fileP95: r1(quantile(api.file, 0.95)) },
  warmMs: { repeatP50: r1(median(api.warm)), repeatP95: r1(quantile(api.warm, 0.95)) },
  // Every query of the set in one context: new words still load their shards.
  sameContextMs: { p50: mrr.warmMs.p50, p95: mrr.warmMs.p95 },
  mrr5: { exact: mrr.exact, typo: mrr.typo, prefix: mrr.prefix, strictCeiling: mrr.strictCeiling },
  uiMrr5ExactCold: +(ui.rr.reduce((a, b) => a + b, 0) / ui.rr.length).toFixed(3),
}));
