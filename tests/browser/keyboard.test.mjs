// Keyboard use, over http and from file://, on one page of each page type: the first Tab
// reaches the skip link, which is then visible and moves focus to <main>; Tab reaches every
// interactive control of the page (links, buttons, fields, one stop per radio group, the summary
// of open/closed disclosures, scrollable regions) in a cycle, never stops on something invisible,
// and every stop shows a visible focus indicator. Then the theme toggle, the table of contents
// and the whole scorecard are operated with the keyboard alone.
import assert from "node:assert/strict";
import { test } from "./lib/harness.mjs";
import { LOCAL_TARGETS, pageTypes, pageType } from "./lib/site.mjs";

/** Identifies the focused element and how it shows focus (runs in the page). */
const focusInfo = () => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  window.__kbN = window.__kbN || 0;
  if (!e.dataset.kbId) e.dataset.kbId = String(++window.__kbN);
  const shows = x => {
    if (!x) return false;
    const s = getComputedStyle(x);
    return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow !== "none" && !/^none$/.test(s.boxShadow));
  };
  // The focus ring may be drawn on the element, its visible label (radio: the span after it),
  // an ancestor (:focus-within cards), or the shape inside an SVG link.
  let ring = shows(e) || (e.type === "radio" && shows(e.nextElementSibling));
  for (let a = e.parentElement, i = 0; a && i < 3 && !ring; a = a.parentElement, i++) ring = shows(a);
  if (!ring && e.namespaceURI === "http://www.w3.org/2000/svg") ring = [...e.querySelectorAll("*")].some(x => parseFloat(getComputedStyle(x).strokeWidth) >= 3);
  const box = (e.type === "radio" ? e.closest("label") : e).getBoundingClientRect();
  const visible = box.width >= 4 && box.height >= 4 && box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth;
  const desc = `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${e.getAttribute("href") ? `[href="${e.getAttribute("href")}"]` : ""}${e.name ? `[name=${e.name}]` : ""} "${(e.textContent || e.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ").slice(0, 40)}"`;
  return { id: e.dataset.kbId, key: e.type === "radio" ? "radio:" + e.name : "kb:" + e.dataset.kbId, desc, ring, visible, inMain: !!e.closest("main") };
};

/** Every control a keyboard user must be able to reach (runs in the page). */
const expected = () => {
  window.__kbN = window.__kbN || 0;
  const out = [];
  for (const e of document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]")) {
    if (e.disabled || e.tabIndex < 0 || e.closest("[inert]")) continue;
    if (!e.checkVisibility({ visibilityProperty: true }) && !e.matches(".fb-skip")) continue;
    if (e.closest("details:not([open])") && !e.matches("summary")) continue;
    if (!e.dataset.kbId) e.dataset.kbId = String(++window.__kbN);
    out.push({ key: e.type === "radio" ? "radio:" + e.name : "kb:" + e.dataset.kbId, desc: `${e.tagName.toLowerCase()} "${(e.textContent || e.name || "").trim().slice(0, 40)}"` });
  }
  return out;
};

async function tabCycle(page, max = 1500) {
  await page.evaluate(() => { document.activeElement?.blur?.(); window.scrollTo(0, 0); });
  // Focus leaves the page after its last control (to the browser's own UI), then comes back to
  // the first: go round once, from wherever sequential navigation starts, until a stop repeats.
  const stops = [];
  let outside = 0;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const f = await page.evaluate(focusInfo);
    if (!f) { if (++outside > 3) break; continue; }
    outside = 0;
    if (stops.length && f.id === stops[0].id) break;
    stops.push(f);
  }
  return stops;
}

for (const name of LOCAL_TARGETS) {
  for (const { type, url } of pageTypes()) {
    test(`keyboard [${name}] ${type} (${url || "home"}): skip link, every control reachable, visible focus`, async t => {
      const { page } = await t.open(name, url);
      // A page may focus a control on load (the search page focuses its search field): start
      // sequential navigation from the top of the page, as a reader arriving by Tab would.
      const auto = await page.evaluate(() => {
        const e = document.activeElement;
        if (!e || e === document.body) return null;
        const top = document.createElement("span");
        top.tabIndex = -1;
        top.id = "kb-test-top";
        document.body.prepend(top);
        top.focus();
        return `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}`;
      });
      if (auto) t.log(`the page focuses ${auto} on load`);
      // Skip link: first stop, visible when focused, moves focus into main.
      await page.keyboard.press("Tab");
      await page.evaluate(() => document.getElementById("kb-test-top")?.remove());
      const skip = await page.evaluate(focusInfo);
      assert.ok(skip && /^a\[href="#main"\] "Skip to content"/.test(skip.desc), `first Tab stop is ${skip?.desc}, not the skip link`);
      assert.ok(skip.visible && skip.ring, "the focused skip link is visible with a focus ring");
      await page.keyboard.press("Enter");
      assert.equal(await page.evaluate(() => document.activeElement.id), "main", "Enter on the skip link focuses <main>");
      assert.ok(page.url().endsWith("#main"));
      await page.keyboard.press("Tab");
      const next = await page.evaluate(focusInfo);
      if (next) assert.ok(next.inMain, `after skipping, Tab goes to ${next.desc}, outside main`);

      const stops = await tabCycle(page);
      const want = await page.evaluate(expected);
      const reached = new Set(stops.map(s => s.key));
      const problems = [
        ...want.filter(w => !reached.has(w.key)).map(w => `not reachable with Tab: ${w.desc}`),
        ...stops.filter(s => !s.visible && !/Skip to content/.test(s.desc)).map(s => `Tab stops on something not visible: ${s.desc}`),
        ...stops.filter(s => !s.ring).map(s => `no visible focus indicator: ${s.desc}`),
      ];
      t.log(`${stops.length} Tab stops, ${want.length} controls expected`);
      t.check(problems);
    }, { timeout: 5 * 60_000 });
  }

  test(`keyboard [${name}] theme toggle, table of contents and the scorecard work without a mouse`, async t => {
    const { page } = await t.open(name, pageType("framework"), { width: 390, height: 844 });
    const tabTo = async (pred, what, max = 400) => {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press("Tab");
        if (await page.evaluate(pred)) return;
      }
      throw new Error(`Tab never reached ${what}`);
    };
    // Theme toggle: Enter and Space.
    await tabTo(() => document.activeElement.id === "fb-theme-toggle", "the theme toggle");
    const theme = () => page.evaluate(() => document.documentElement.getAttribute("data-theme"));
    await page.keyboard.press("Enter");
    assert.equal(await theme(), "dark", "Enter on the toggle");
    await page.keyboard.press("Space");
    assert.equal(await theme(), "light", "Space on the toggle");
    // Table of contents: collapsed on a phone, opened with the keyboard, its links move focus.
    await tabTo(() => document.activeElement.matches(".fb-toc summary"), "the table of contents");
    assert.equal(await page.evaluate(() => document.querySelector(".fb-toc details").open), false, "contents collapsed at 390px");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.querySelector(".fb-toc details").open), true, "Enter opens the contents");
    // Scorecard by keyboard alone.
    await tabTo(() => document.activeElement.id === "fb-deal-name", "the deal name field");
    await page.keyboard.type("Keyboard deal");
    await tabTo(() => document.activeElement.type === "radio", "the first score");
    const group = await page.evaluate(() => document.activeElement.name);
    await page.keyboard.press("Space");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    const checked = await page.evaluate(g => document.querySelector(`input[name="${g}"]:checked`)?.value, group);
    assert.equal(checked, "2", "Space then two ArrowRight select the third score");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.tagName), "TEXTAREA", "Tab moves from the scores to the notes");
    await page.keyboard.type("Said so on the call");
    await tabTo(() => document.activeElement.id === "fb-export", "the export button");
    await page.keyboard.press("Enter");
    const md = await page.locator("#fb-export-output").inputValue();
    assert.match(md, /scorecard: Keyboard deal/);
    assert.match(md, /2 · [^|]+\| Said so on the call/);
    await page.reload({ waitUntil: "load" });
    assert.equal(await page.locator("#fb-deal-name").inputValue(), "Keyboard deal", "kept after reload");
  });
}
