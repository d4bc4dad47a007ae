// Headless Chromium against `fieldbook serve`: an open page reloads by itself after an edit
// (keeping its scroll position), other pages do not, a stylesheet change swaps styles
// without a reload, and a broken build shows the overlay (text only) until it is fixed.
//
//   cargo build && cd tests/browser && npm ci && node --test live_reload.node.mjs
//
// (node:test, not run.mjs: the tests share one `serve` session and run in order.)
//
// Only 127.0.0.1 is contacted: every other request is aborted.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const bin = process.env.FIELDBOOK_BIN
  ? path.resolve(process.env.FIELDBOOK_BIN)
  : path.join(process.env.CARGO_TARGET_DIR || path.join(repo, "target"), "debug", "fieldbook");

let site, server, base, browser, context;

function write(rel, text) {
  fs.mkdirSync(path.dirname(path.join(site, rel)), { recursive: true });
  fs.writeFileSync(path.join(site, rel), text);
}

const longBody = Array.from({ length: 120 }, (_, i) => `Paragraph ${i} of a long page.\n`).join("\n");
const notes = (extra) => `---\ntitle: Notes\naliases: [/old/notes/]\n---\n${longBody}\n${extra}\n`;

before(async () => {
  site = fs.mkdtempSync(path.join(os.tmpdir(), "fieldbook-browser-"));
  fs.cpSync(path.join(repo, "tests/fixtures/kinds"), site, { recursive: true });
  fs.rmSync(path.join(site, "expected"), { recursive: true, force: true });
  write("content/notes.md", notes("First version."));
  write("static/fieldbook.css", "body { background-color: rgb(1, 2, 3); }\n");
  server = spawn(bin, ["serve", "--port", "0"], {
    cwd: site,
    env: { ...process.env, FIELDBOOK_TODAY: "2026-11-27", NO_COLOR: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  base = await new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`no URL from fieldbook serve:\n${text}`)), 60000);
    server.stderr.on("data", (chunk) => {
      text += chunk;
      const m = text.match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.on("exit", (code) => reject(new Error(`fieldbook serve exited with ${code}:\n${text}`)));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  context = await browser.newContext({ viewport: { width: 1000, height: 600 } });
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    return url.hostname === "127.0.0.1" ? route.continue() : route.abort();
  });
});

after(async () => {
  await browser?.close();
  server?.kill("SIGINT");
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

async function open(url) {
  const page = await context.newPage();
  await page.goto(base + url);
  // The live script is connected once its worker (or stream) is up; give it a moment.
  await page.waitForFunction(() => window.__fieldbookLive === true);
  await page.waitForTimeout(300);
  await page.evaluate(() => { window.__notReloaded = true; });
  return page;
}

test("an open page reloads by itself after an edit, keeping its scroll position", async () => {
  const page = await open("/notes/");
  const other = await open("/playbooks/discovery/");
  await page.evaluate(() => window.scrollTo(0, 1500));
  const before = await page.evaluate(() => window.scrollY);
  assert.ok(before > 1000, `the page scrolls (${before})`);

  write("content/notes.md", notes("Second version, saved in an editor."));
  await page.waitForFunction(() => !!document.body && document.body.innerText.includes("Second version"), null, { timeout: 20000 });
  assert.equal(await page.evaluate(() => window.__notReloaded), undefined, "the page was reloaded");
  await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 5, before, { timeout: 5000 });
  // A page that does not show the edited body stays as it is.
  await page.waitForTimeout(500);
  assert.equal(await other.evaluate(() => window.__notReloaded), true, "an unrelated page reloaded");
  await other.close();
  await page.close();
});

test("a stylesheet change swaps styles without reloading", async () => {
  const page = await open("/notes/");
  const color = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await color(), "rgb(1, 2, 3)");
  write("static/fieldbook.css", "body { background-color: rgb(4, 5, 6); }\n");
  await page.waitForFunction(() => !!document.body && getComputedStyle(document.body).backgroundColor === "rgb(4, 5, 6)", null, { timeout: 20000 });
  assert.equal(await page.evaluate(() => window.__notReloaded), true, "the page reloaded for CSS");
  await page.close();
});

test("a broken build shows the overlay, as text, until it is fixed", async () => {
  const page = await open("/notes/");
  write("content/notes.md", "---\ntitle: [<img src=x onerror=\"window.__pwned=1\">\n---\nBroken.\n");
  await page.waitForSelector("#fieldbook-overlay", { timeout: 20000 });
  const text = await page.textContent("#fieldbook-overlay");
  assert.match(text, /content\/notes\.md:\d+:\d+/);
  assert.match(text, /hint: /);
  assert.equal(await page.$("#fieldbook-overlay img"), null, "markup in a message became an element");
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  // The last good page is still what is shown and served.
  assert.ok((await page.textContent("body")).includes("Second version"));
  // A page opened now shows the overlay at once.
  const late = await context.newPage();
  await late.goto(base + "/");
  await late.waitForSelector("#fieldbook-overlay", { timeout: 20000 });
  await late.close();

  write("content/notes.md", notes("Third version, fixed."));
  await page.waitForFunction(() => !!document.body && document.body.innerText.includes("Third version"), null, { timeout: 20000 });
  assert.equal(await page.$("#fieldbook-overlay"), null);
  await page.close();
});

test("many open tabs all reload", async () => {
  const pages = [];
  for (let i = 0; i < 10; i++) pages.push(await open("/notes/"));
  write("content/notes.md", notes("Fourth version, for every tab."));
  for (const page of pages) {
    await page.waitForFunction(() => !!document.body && document.body.innerText.includes("Fourth version"), null, { timeout: 20000 });
  }
  // Every tab still loads pages (no connection starvation).
  const extra = await context.newPage();
  const response = await extra.goto(base + "/playbooks/discovery/");
  assert.equal(response.status(), 200);
  await extra.close();
  for (const page of pages) await page.close();
});
