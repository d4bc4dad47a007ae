#!/usr/bin/env node
// Runs every tests/browser/*.test.mjs file (or the files named on the command line) in one
// headless Chromium, one test at a time, and ends with the line "N passed, N failed".
// Exit status: 0 when every test passed (and at least one ran), 1 otherwise.
//
//   node run.mjs [--grep REGEX] [FILE.test.mjs ...]
//
// Environment: FIELDBOOK_SITE (built handbook, default <repo>/public), FIELDBOOK_NGINX_URL and
// FIELDBOOK_NGINX_SITE (set by nginx.sh), CHROMIUM (default /usr/bin/chromium).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { registry, setCurrentFile, TestContext } from "./lib/harness.mjs";
import { closeBrowser, browser, isBrowserLoss } from "./lib/browser.mjs";
import { stopServers, TARGETS, SITE_DIR } from "./lib/site.mjs";
import { splitKnown, unseenKnown } from "./known-issues.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let grep = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--grep") grep = new RegExp(args[++i]);
  else if (args[i].startsWith("--grep=")) grep = new RegExp(args[i].slice(7));
  else files.push(path.resolve(args[i]));
}
const testFiles = files.length ? files : fs.readdirSync(here).filter(f => f.endsWith(".test.mjs")).sort().map(f => path.join(here, f));

const started = Date.now();
const secs = ms => (ms / 1000).toFixed(1) + "s";
let passed = 0, failed = 0, n = 0;
const failures = [];
const report = (ok, name, ms, detail = []) => {
  n++;
  if (ok) passed++; else { failed++; failures.push(name); }
  console.log(`${ok ? "ok" : "not ok"} ${n} - ${name} (${secs(ms)})`);
  for (const line of detail) console.log("    " + String(line).replace(/\n/g, "\n    "));
};
let stray = [];
process.on("unhandledRejection", e => { stray.push(`unhandled rejection: ${e?.stack || e}`); });

console.log(`# browser tests: site ${SITE_DIR}; targets ${TARGETS.join(", ")}`);
for (const f of testFiles) {
  setCurrentFile(path.basename(f));
  const before = registry.length;
  try {
    await import(pathToFileURL(f).href);
  } catch (e) {
    report(false, `load ${path.basename(f)}`, 0, [e?.stack || e]);
  }
  if (registry.length === before && !failures.includes(`load ${path.basename(f)}`)) console.log(`# ${path.basename(f)}: no tests`);
}
const selected = registry.filter(t => !grep || grep.test(t.name));
console.log(`# ${selected.length} tests from ${testFiles.length} files`);

if (selected.length) {
  try {
    const b = await browser();
    console.log(`# chromium ${b.version()}`);
  } catch (e) {
    report(false, "launch chromium", 0, [e?.message || e]);
  }
}

async function runOnce(t) {
  const ctx = new TestContext(t.name);
  let error = null, timer;
  try {
    await Promise.race([
      t.fn(ctx),
      new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`timed out after ${secs(t.timeout)}`)), t.timeout); }),
    ]);
  } catch (e) {
    error = e;
  } finally {
    clearTimeout(timer);
  }
  const [problems, known] = splitKnown([...ctx.problems(), ...stray.splice(0)]);
  await ctx.close();
  for (const k of known) ctx.log("known issue (tests/browser/FINDINGS.md): " + k);
  return { ctx, error, problems };
}

for (const t of selected) {
  if (failures.includes("launch chromium")) break;
  const t0 = Date.now();
  let { ctx, error, problems } = await runOnce(t);
  // Chromium lost mid-test (a renderer or the browser killed on a loaded machine) says nothing
  // about the site: start a fresh browser and run the test again (twice at most), and say so.
  const retries = [];
  while (error && isBrowserLoss(error) && retries.length < 2) {
    retries.push(String(error.message).split("\n")[0]);
    await closeBrowser();
    ({ ctx, error, problems } = await runOnce(t));
  }
  if (retries.length) ctx.logs.unshift(...retries.map(why => `retried with a fresh Chromium after: ${why}`));
  const detail = [...ctx.logs.map(l => "# " + l)];
  if (error?.brief) detail.push(error.message);
  else if (error) detail.push(error.stack ? error.stack.split("\n").filter(l => !/node_modules|node:internal/.test(l)).slice(0, 12).join("\n") : String(error));
  if (problems.length) detail.push(`${problems.length} problem(s) seen in the browser:`, ...problems.slice(0, 40).map(p => "- " + p), ...(problems.length > 40 ? [`- ... and ${problems.length - 40} more`] : []));
  report(!error && !problems.length, t.name, Date.now() - t0, detail);
}

await closeBrowser();
await stopServers();
if (selected.length && passed + failed >= selected.length && !grep && !files.length)
  for (const id of unseenKnown()) console.log(`# known issue "${id}" was not seen in this run: remove it from known-issues.mjs`);
if (failures.length) console.log(`# failed:\n${failures.map(f => "#   " + f).join("\n")}`);
console.log(`# total time ${secs(Date.now() - started)}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || !passed ? 1 : 0);
