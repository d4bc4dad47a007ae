// Search (SPEC §6) in real Chromium, over http and from disk (file://):
// - the fixture tests/fixtures/search-site (built here with the release binary into a temporary
//   folder): known best results, deep links, typo correction ("Showing results for …"), synonyms
//   both ways (MEDDICC <-> MEDDPICC, ICP <-> ideal customer profile, a site synonym), facet
//   filtering through the API and the filter chips, the keyboard (/ and Ctrl-K, arrows, Enter,
//   Escape), and hostile titles, summaries, headings and bodies shown as text (no script runs:
//   a dialog or an injected element fails the test);
// - the starter handbook (every target, nginx under /handbook/ included): a few known results.
// Set FIELDBOOK_BIN to use another fieldbook binary (default: <repo>/target/release/fieldbook,
// else target/debug/fieldbook).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "./lib/harness.mjs";
import { REPO, TARGETS, LOCAL_TARGETS } from "./lib/site.mjs";
import { serveStatic } from "./lib/server.mjs";

const FIXTURE = path.join(REPO, "tests/fixtures/search-site");

let built = null;
/** The fixture, built once per run into a temporary folder. */
function fixtureDir() {
  if (built) return built;
  const bin = process.env.FIELDBOOK_BIN || ["release", "debug"].map(p => path.join(REPO, "target", p, "fieldbook")).find(f => fs.existsSync(f));
  if (!bin) throw new Error("no fieldbook binary: run `cargo build --release` first, or set FIELDBOOK_BIN");
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "fieldbook-search-test-"));
  execFileSync(bin, ["--quiet", "--root", FIXTURE, "build", "--output", path.join(out, "site")], {
    env: { ...process.env, FIELDBOOK_TODAY: "2026-11-27" }, stdio: ["ignore", "ignore", "inherit"],
  });
  process.on("exit", () => fs.rmSync(out, { recursive: true, force: true }));
  return (built = path.join(out, "site"));
}

let server = null;
/** Base URL of the fixture for "http" or "file". */
async function fixtureBase(name) {
  const dir = fixtureDir();
  if (name === "file") return pathToFileURL(dir + path.sep).href;
  server ??= serveStatic(dir);
  const s = await server;
  s.server?.unref?.();
  return s.url;
}
const at = (base, rel) => base + (base.startsWith("file:") && (rel === "" || rel.endsWith("/")) ? rel + "index.html" : rel);

/** Opens a fixture page (watched: console errors, failed requests and dialogs fail the test). */
async function open(t, name, rel = "") {
  const base = await fixtureBase(name);
  const { page } = await t.newPage();
  await page.goto(at(base, rel), { waitUntil: "load" });
  await page.waitForFunction(() => window.fieldbook && window.fieldbook.search);
  return { page, base };
}

/** `fieldbook.search` in the page, with URLs made site-relative ("playbooks/x/#steps"). */
const search = (page, base, q, opts = {}) => page.evaluate(async ([q, opts, base]) => {
  const list = await window.fieldbook.search(q, opts);
  return list.map(r => ({ ...r, rel: new URL(r.url, location.href).href.slice(base.length).replace(/(^|\/)index\.html(?=#|$)/, "$1") }));
}, [q, opts, base]);

/** Opens the dialog with `key`, types `q` and waits until the results for it are shown. */
async function ask(page, q, key = "/", t = null) {
  await page.keyboard.press(key);
  const input = page.locator("dialog[open] [role=combobox]");
  // Seen twice under heavy load, from file:// only, cause not found yet: the key after an
  // Escape did not open the dialog. Press once more, and say so in the test log.
  if (!(await input.waitFor({ timeout: 5000 }).then(() => true, () => false))) {
    t?.log(`"${key}" did not open the search dialog at once; pressed again (before "${q}")`);
    await page.keyboard.press(key);
  }
  await input.waitFor();
  assert.equal(await input.evaluate(e => e === document.activeElement), true, `${key} focuses the search field`);
  await input.fill("");
  await input.pressSequentially(q, { delay: 20 });
  await page.waitForFunction(q => {
    const d = document.querySelector("dialog[open]");
    const status = d && d.querySelector("[role=status]");
    return status && /result/.test(status.textContent) && d.querySelector("[role=combobox]").value === q &&
      d.querySelectorAll("[role=option]").length > 0;
  }, q);
  // The last keystroke's query may still be on its way: wait until the list stops changing.
  await page.waitForTimeout(250);
  return page.locator("dialog[open]");
}
/** Escape closes the dialog. */
async function close(page) {
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector("dialog[open]"));
}
const optionLinks = dialog => dialog.locator("[role=option] a").evaluateAll(as => as.map(a => a.getAttribute("href")));

for (const name of LOCAL_TARGETS) {
  test(`search [${name}] known best results, deep links, synonyms both ways`, async t => {
    const { page, base } = await open(t, name);
    const top = async (q, opts) => (await search(page, base, q, opts))[0]?.rel;
    assert.equal(await top("discovery call"), "playbooks/discovery-call/");
    assert.equal(await top("mutual close plan"), "playbooks/close-plan/");
    assert.equal(await top("champion"), "frameworks/meddpicc/#champion", "a framework criterion is a deep link");
    assert.equal(await top("talk track shelf empty"), "playbooks/discovery-call/#talk-track", "a section hit links its heading");
    // Synonyms, each way: the page that only says the other form is found.
    assert.equal(await top("MEDDICC"), "frameworks/meddpicc/", "MEDDICC finds the MEDDPICC page");
    assert.ok((await search(page, base, "MEDDPICC")).some(r => r.rel === "notes/legacy-qualification/"), "MEDDPICC finds the MEDDICC page");
    assert.ok((await search(page, base, "ICP")).some(r => r.rel === "notes/who-we-sell-to/"), "ICP finds 'ideal customer profile'");
    assert.ok((await search(page, base, "ideal customer profile")).some(r => r.rel === "notes/territory-planning/"), "'ideal customer profile' finds ICP");
    assert.equal(await top("contract signature route"), "notes/contracts/", "a site synonym from site.toml");
    const r = (await search(page, base, "discovery call"))[0];
    assert.equal(r.title, "Run a discovery call");
    assert.equal(r.kind, "playbook");
    assert.ok(r.score > 0 && typeof r.snippet === "string");
    assert.deepEqual(await search(page, base, "zzzqqqxxx"), []);
  });

  test(`search [${name}] typo correction and facets`, async t => {
    const { page, base } = await open(t, name);
    assert.equal((await search(page, base, "discovry call"))[0]?.rel, "playbooks/discovery-call/");
    const dialog = await ask(page, "discovry call");
    assert.match(await dialog.locator("[role=status]").textContent(), /Showing results for “discovery call”/);
    assert.match((await optionLinks(dialog))[0], /playbooks\/discovery-call\//);
    await close(page);

    // API facets: values within a facet are alternatives; facets combine.
    const kinds = async opts => (await search(page, base, "plan", opts)).map(x => x.kind);
    assert.ok((await kinds({})).some(k => k !== "playbook"), "unfiltered results hold other kinds");
    const only = await kinds({ kind: "playbook" });
    assert.ok(only.length >= 2 && only.every(k => k === "playbook"), `kind=playbook: ${only}`);
    assert.deepEqual((await search(page, base, "plan", { stage: "close" })).map(x => x.rel), ["playbooks/close-plan/"]);
    assert.deepEqual((await search(page, base, "plan", { kind: "playbook", role: "manager" })).map(x => x.rel), ["playbooks/close-plan/"]);
    assert.ok((await search(page, base, "qualify", { kind: ["framework", "page"] })).every(x => ["framework", "page"].includes(x.kind)));

    // Filter chips on the results page: counts, aria-pressed, results narrowed, URL keeps ?q=.
    await page.goto(at(base, "search/") + "?q=plan", { waitUntil: "load" });
    const chip = page.locator("#fb-search-page button.fb-s-chip", { hasText: /^playbook/ });
    await chip.waitFor();
    assert.match(await chip.textContent(), /playbook\s*2/);
    await chip.click();
    await page.waitForFunction(() => document.querySelector("#fb-search-page button.fb-s-chip[aria-pressed=true]"));
    await page.waitForTimeout(200);
    const links = await page.locator("#fb-search-page [role=option] a").evaluateAll(as => as.map(a => a.getAttribute("href")));
    assert.equal(links.length, 2, `two playbooks: ${links}`);
    assert.ok(links.every(h => /playbooks\//.test(h)), links.join(" "));
    assert.match(page.url(), /[?&]q=plan/);
  });

  test(`search [${name}] keyboard: / and Ctrl-K open, arrows move, Enter opens, Escape closes`, async t => {
    const { page, base } = await open(t, name, "notes/contracts/");
    let dialog = await ask(page, "plan", "/");
    const input = dialog.locator("[role=combobox]");
    const options = dialog.locator("[role=option]");
    assert.ok(await options.count() >= 2);
    assert.equal(await input.getAttribute("aria-expanded"), "true");
    await page.keyboard.press("ArrowDown");
    assert.equal(await options.nth(0).getAttribute("aria-selected"), "true");
    assert.equal(await input.getAttribute("aria-activedescendant"), await options.nth(0).getAttribute("id"));
    await page.keyboard.press("ArrowDown");
    assert.equal(await options.nth(1).getAttribute("aria-selected"), "true");
    assert.equal(await options.nth(0).getAttribute("aria-selected"), "false");
    await page.keyboard.press("ArrowUp");
    assert.equal(await options.nth(0).getAttribute("aria-selected"), "true");
    await close(page);

    dialog = await ask(page, "discovery call", "Control+k");
    const href = (await optionLinks(dialog))[0];
    await page.keyboard.press("ArrowDown");
    await Promise.all([page.waitForURL(u => /playbooks\/discovery-call\//.test(String(u))), page.keyboard.press("Enter")]);
    assert.ok(page.url().startsWith(new URL(href, at(base, "notes/contracts/")).href.replace(/#.*$/, "")));
    await page.waitForFunction(() => window.fieldbook && window.fieldbook.search);
    // "/" typed into a field is text, not a shortcut.
    dialog = await ask(page, "close", "/");
    await page.keyboard.type("/x");
    assert.equal(await dialog.locator("[role=combobox]").inputValue(), "close/x");
  });

  test(`search [${name}] hostile titles and bodies are shown as text, never run`, async t => {
    const { page, base } = await open(t, name);
    await page.evaluate(() => {
      window.__fbRan = [];
      window.alert = (m) => window.__fbRan.push(String(m));
    });
    const results = await search(page, base, "pricing objection discount");
    assert.equal(results[0].rel.replace(/#.*$/, ""), "notes/pricing-objection/");
    assert.equal(results[0].title, "<img src=x onerror=alert('title')> Pricing objection");
    for (const q of ["pricing objection", "talk track discount", "alert script", "hostile", "onerror img"]) {
      const dialog = await ask(page, q, "/", t);
      await page.waitForTimeout(300);
      const html = await dialog.evaluate(d => d.querySelector("[role=listbox]").innerHTML);
      const injected = await dialog.evaluate(d => [...d.querySelectorAll("[role=listbox] *")].map(e => e.localName).filter(n => !["li", "a", "span", "mark"].includes(n)));
      assert.deepEqual(injected, [], `only the result markup in the list for "${q}"`);
      assert.ok(!/<img|<script|<svg|onerror=|onload=/i.test(html.replace(/&lt;[^&]*&gt;/g, "")), `no live markup for "${q}": ${html.slice(0, 300)}`);
      const links = await optionLinks(dialog);
      assert.ok(links.every(h => !/^\s*javascript:/i.test(h)), links.join(" "));
      await close(page);
    }
    const dialog = await ask(page, "pricing objection");
    assert.match(await dialog.locator("[role=option]").first().textContent(), /<img src=x onerror=alert\('title'\)> Pricing objection/);
    await page.waitForTimeout(300);
    assert.deepEqual(await page.evaluate(() => window.__fbRan), [], "no alert() ran");
  });
}

for (const name of TARGETS) {
  test(`search [${name}] starter handbook: known best results`, async t => {
    const { page, target } = await t.open(name, "");
    await page.waitForFunction(() => window.fieldbook && window.fieldbook.search);
    const rel = async q => page.evaluate(async ([q, base]) => {
      const r = (await window.fieldbook.search(q))[0];
      return r && new URL(r.url, location.href).href.slice(base.length).replace(/(^|\/)index\.html(?=#|$)/, "$1");
    }, [q, target.base]);
    for (const [q, want] of [["discovery call", "playbooks/discovery-call/"], ["mutual close plan", "playbooks/mutual-close-plan/"],
      ["meddpicc", "frameworks/meddpicc/"], ["ideal customer profile", "customers/icp/"], ["win loss review", "playbooks/win-loss-review/"],
      ["discovry call", "playbooks/discovery-call/"]]) {
      assert.equal(await rel(q), want, `best result for "${q}"`);
    }
  });
}
