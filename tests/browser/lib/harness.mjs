// The test registry and the per-test helper `t` that run.mjs hands to every test.
// A test file imports { test } and registers tests at import time:
//
//   test("scorecard [http] meddpicc: scores persist", async t => {
//     const { page } = await t.open("http", "frameworks/meddpicc/");
//     ...
//   }, { timeout: 60_000 });
//
// Every page opened with t.open() or t.newPage() is watched (lib/browser.mjs monitor): a console
// error, an uncaught exception, a failed request or a request to another host fails the test
// after its body has run, even when the body's own assertions passed.
import { newContext, monitor } from "./browser.mjs";
import { target, pageUrl } from "./site.mjs";
import { splitKnown } from "../known-issues.mjs";

export const registry = [];
let currentFile = "";
export function setCurrentFile(f) { currentFile = f; }

export function test(name, fn, { timeout = 120_000 } = {}) {
  if (registry.some(t => t.name === name)) throw new Error(`duplicate test name: ${name}`);
  registry.push({ name, fn, timeout, file: currentFile });
}

export class TestContext {
  constructor(name) {
    this.name = name;
    this.logs = [];
    this.contexts = [];
    this.monitors = [];
  }
  log(...args) { this.logs.push(args.join(" ")); }
  /** A new browser context (see lib/browser.mjs newContext), closed when the test ends. */
  async context(opts = {}) {
    const ctx = await newContext(opts);
    this.contexts.push(ctx);
    return ctx;
  }
  /** A watched page in `ctx` (a new context when omitted). */
  async newPage(ctx, opts = {}) {
    ctx ??= await this.context(opts);
    const page = await ctx.newPage();
    const mon = monitor(page);
    this.monitors.push(mon);
    return { page, ctx, mon };
  }
  /** Opens the page at site-relative URL `rel` on target `name` ("http", "file", "nginx"). */
  async open(name, rel, opts = {}) {
    const t = await target(name);
    const { page, ctx, mon } = await this.newPage(opts.ctx, opts);
    const url = pageUrl(t, rel);
    const resp = await page.goto(url, { waitUntil: "load" });
    if (t.protocol === "http:" && resp && resp.status() !== 200 && !opts.allowStatus) throw new Error(`GET ${url}: HTTP ${resp.status()}`);
    return { page, ctx, mon, target: t, url };
  }
  /** Fails the test with every problem in `problems` that is not a known generator issue
   *  (known-issues.mjs); known ones are logged. */
  check(problems, what = "problem") {
    const [real, known] = splitKnown(problems);
    for (const k of known) this.log("known issue (tests/browser/FINDINGS.md): " + k);
    if (real.length) {
      const shown = real.slice(0, 60).join("\n") + (real.length > 60 ? `\n... and ${real.length - 60} more` : "");
      const err = new Error(`${real.length} ${what}(s):\n${shown}`);
      err.brief = true; // the list says it all: no stack trace
      throw err;
    }
  }
  /** Problems seen by every monitor of this test (and clears them). */
  problems() { return this.monitors.flatMap(m => m.take()); }
  async close() {
    for (const c of this.contexts.splice(0)) await c.close().catch(() => {});
  }
}
