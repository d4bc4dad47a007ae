// One headless Chromium for the whole run, contexts that refuse every request to another host,
// a monitor of console errors / uncaught exceptions / failed requests, and the axe-core scan.
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
export const AXE_PATH = require.resolve("axe-core/axe.min.js");
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions", "--mute-audio",
  "--disable-dev-shm-usage", "--font-render-hinting=none", "--disable-quic"];

let browserP = null;
/** One launch, tried up to 3 times: on a loaded 2-core machine a start can time out or the
 *  new process can be killed before it answers, which says nothing about the site. */
async function launch() {
  let last;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, timeout: 120_000 });
    } catch (e) {
      last = e;
      if (!/ENOENT|no such file|not found/i.test(String(e?.message))) console.log(`# chromium launch ${attempt} failed: ${String(e?.message).split("\n")[0]}`);
      else break;
      await new Promise(r => setTimeout(r, 3000 * attempt));
    }
  }
  throw last;
}
/** The shared Chromium; launched again if the previous one went away (crash, OOM kill). */
export function browser() {
  if (!browserP) {
    const p = launch();
    browserP = p;
    p.then(b => b.on("disconnected", () => { if (browserP === p) browserP = null; }), () => { if (browserP === p) browserP = null; });
  }
  return browserP;
}
/** Errors that say the browser, not the page under test, failed. */
export const isBrowserLoss = e => /Target page, context or browser has been closed|Browser has been closed|browser has disconnected|Target closed|Page crashed|crashed|ECONNRESET|Protocol error/i.test(String(e?.message || e));
export async function closeBrowser() {
  if (!browserP) return;
  const b = await browserP.catch(() => null);
  browserP = null;
  await b?.close().catch(() => {});
}

/** Only this machine: 127.0.0.1 over http(s), files, and in-page data:/blob:/about: URLs. */
export function isLocalUrl(u) {
  let url;
  try { url = new URL(u); } catch { return false; }
  if (["file:", "data:", "blob:", "about:"].includes(url.protocol)) return true;
  return (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "ws:") && url.hostname === "127.0.0.1";
}

/**
 * A browser context with a request guard. Options: colorScheme ("light"|"dark"), theme (a stored
 * toggle choice, "light"|"dark", written to localStorage before every page's scripts), viewport
 * width/height. `ctx.fbExternal` lists every refused request to another host.
 */
export async function newContext({ colorScheme = "light", theme = null, width = 1280, height = 900, permissions = [] } = {}) {
  const ctx = await (await browser()).newContext({
    viewport: { width, height }, colorScheme, reducedMotion: "reduce", serviceWorkers: "block",
    acceptDownloads: true, permissions, locale: "en-US", timezoneId: "UTC",
  });
  ctx.fbExternal = [];
  await ctx.route("**/*", route => {
    const u = route.request().url();
    if (isLocalUrl(u)) return route.continue();
    ctx.fbExternal.push(u);
    return route.abort("blockedbyclient");
  });
  if (theme) await ctx.addInitScript(t => { try { localStorage.setItem("fb-theme", t); } catch (e) {} }, theme);
  // Generous: CI is 2 cores, and a developer's machine may be busy compiling beside the suite.
  ctx.setDefaultTimeout(30_000);
  ctx.setDefaultNavigationTimeout(60_000);
  return ctx;
}

/**
 * Watches a page for problems: console errors, uncaught exceptions, failed requests, HTTP
 * errors, dialogs, requests to other hosts. `allowStatus(pred)` accepts some HTTP errors
 * (a deliberate visit to a missing page); `take()` returns and clears the problems so far.
 */
export function monitor(page) {
  const problems = [];
  let allow = () => false;
  const where = () => { try { return page.url(); } catch { return "?"; } };
  page.on("console", m => {
    if (m.type() !== "error") return;
    const loc = m.location();
    const text = m.text();
    if (/^Failed to load resource: the server responded with a status of 404/.test(text) && allow({ status: 404, url: loc.url })) return;
    problems.push(`console error on ${where()}: ${text}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ""}`);
  });
  page.on("pageerror", e => problems.push(`uncaught exception on ${where()}: ${e.message}`));
  page.on("requestfailed", r => {
    if (!isLocalUrl(r.url())) return; // recorded by the context's guard
    const f = r.failure()?.errorText || "failed";
    // A download link's navigation is turned into a download, which Chromium reports as aborted.
    if (f === "net::ERR_ABORTED" && r.url().startsWith("blob:")) return;
    problems.push(`request failed on ${where()}: ${r.url()} (${f})`);
  });
  page.on("response", r => {
    if (r.status() >= 400 && !allow({ status: r.status(), url: r.url() })) problems.push(`HTTP ${r.status()} for ${r.url()} (from ${where()})`);
  });
  page.on("dialog", d => { problems.push(`unexpected ${d.type()} dialog on ${where()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  return {
    problems,
    allowStatus(pred) { allow = pred; },
    take() {
      const ext = page.context().fbExternal.splice(0).map(u => `request to another host (blocked): ${u}`);
      return [...problems.splice(0), ...ext];
    },
  };
}

/** Runs axe-core on the page with the WCAG 2.1 A/AA tags; returns {violations, incomplete}. */
export async function axeScan(page) {
  const has = await page.evaluate(() => typeof window.axe === "object");
  if (!has) await page.addScriptTag({ path: AXE_PATH });
  // From file:// axe cannot re-read stylesheets (CORS), which would log console errors: skip its preload there.
  const preload = !page.url().startsWith("file:");
  return page.evaluate(async ({ tags, preload }) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"], preload });
    const brief = v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({ target: n.target.join(" "), html: n.html.slice(0, 160), summary: (n.failureSummary || "").replace(/\s+/g, " ").slice(0, 300) })) });
    return { violations: r.violations.map(brief), incomplete: r.incomplete.map(v => v.id) };
  }, { tags: AXE_TAGS, preload });
}

/** Human-readable lines for axe violations. */
export function formatViolations(where, violations) {
  return violations.flatMap(v => v.nodes.map(n => `axe ${v.id} (${v.impact}) on ${where}: ${v.help} — ${n.target} ${n.html}${n.summary ? " — " + n.summary : ""}`));
}
