// The light/dark theme toggle, over http and from file://: it switches, the choice is stored
// (localStorage "fb-theme") and applied before the first paint on the next page and after a
// reload, dark styles really apply (page, header, cards, code blocks, form fields: dark
// backgrounds with readable text), and without a stored choice the system setting wins.
import assert from "node:assert/strict";
import { test } from "./lib/harness.mjs";
import { LOCAL_TARGETS, pageType } from "./lib/site.mjs";

// Records the theme attribute at the moment <body> appears, i.e. before the first paint.
const RECORD_FIRST_PAINT = () => {
  new MutationObserver((_, o) => {
    if (document.body) { window.__fbThemeAtBody = document.documentElement.getAttribute("data-theme"); o.disconnect(); }
  }).observe(document, { childList: true, subtree: true });
};

/** Colours of the page and a few components, with luminance and contrast computed in the page. */
const look = () => {
  const rgb = c => { const m = c.match(/[\d.]+/g).map(Number); return m.length > 3 && m[3] === 0 ? null : m.slice(0, 3); };
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const bgOf = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c) return c; } return [255, 255, 255]; };
  const part = sel => {
    const e = document.querySelector(sel);
    if (!e) return null;
    const bg = bgOf(e), fg = rgb(getComputedStyle(e).color);
    return { bg: +lum(bg).toFixed(3), contrast: +ratio(bg, fg).toFixed(2) };
  };
  const t = document.getElementById("fb-theme-toggle");
  return {
    attr: document.documentElement.getAttribute("data-theme"), atBody: window.__fbThemeAtBody ?? "(not recorded)",
    scheme: getComputedStyle(document.documentElement).colorScheme, pressed: t.getAttribute("aria-pressed"), title: t.title,
    stored: (() => { try { return localStorage.getItem("fb-theme"); } catch (e) { return "(no storage)"; } })(),
    parts: Object.fromEntries(["body", ".fb-header", ".fb-brand", "main h1", ".fb-card", ".fb-content pre", "#fb-deal-name", "#fb-sc-form textarea", ".fb-footer a"]
      .map(s => [s, part(s)]).filter(([, v]) => v)),
  };
};

function assertTheme(l, dark, where) {
  for (const [sel, p] of Object.entries(l.parts)) {
    if (dark) assert.ok(p.bg < 0.06, `${where}: ${sel} background is not dark (luminance ${p.bg})`);
    else assert.ok(p.bg > 0.7, `${where}: ${sel} background is not light (luminance ${p.bg})`);
    assert.ok(p.contrast >= 4.5, `${where}: ${sel} text contrast ${p.contrast} < 4.5`);
  }
  assert.equal(l.scheme, dark ? "dark" : "light", `${where}: color-scheme (form controls, scrollbars)`);
  assert.equal(l.pressed, String(dark), `${where}: toggle aria-pressed`);
  assert.match(l.title, dark ? /light/ : /dark/, `${where}: toggle title names what it does`);
}

for (const name of LOCAL_TARGETS) {
  test(`theme [${name}] toggle switches to dark, persists across reload and pages, and back`, async t => {
    const ctx = await t.context({ colorScheme: "light" });
    await ctx.addInitScript(RECORD_FIRST_PAINT);
    const { page } = await t.open(name, "", { ctx });
    let l = await page.evaluate(look);
    assert.equal(l.attr, null, "no theme forced before any choice");
    assertTheme(l, false, "first visit, system light");

    await page.locator("#fb-theme-toggle").click();
    l = await page.evaluate(look);
    assert.equal(l.attr, "dark");
    assert.equal(l.stored, "dark", "choice stored");
    assertTheme(l, true, "after the toggle");

    await page.reload({ waitUntil: "load" });
    l = await page.evaluate(look);
    assert.equal(l.atBody, "dark", "dark applied before the first paint after a reload");
    assertTheme(l, true, "after reload");

    for (const type of ["playbook", "framework", "page"]) {
      const { page: p2 } = await t.open(name, pageType(type), { ctx });
      const l2 = await p2.evaluate(look);
      assert.equal(l2.atBody, "dark", `${type}: dark before the first paint`);
      assertTheme(l2, true, `${type} page, dark chosen`);
      await p2.close();
    }

    await page.locator("#fb-theme-toggle").click();
    l = await page.evaluate(look);
    assert.equal(l.stored, "light");
    assertTheme(l, false, "toggled back");
    await page.reload({ waitUntil: "load" });
    l = await page.evaluate(look);
    assert.equal(l.atBody, "light", "light choice applied before the first paint");
    assertTheme(l, false, "after reload, light chosen");
  });

  test(`theme [${name}] follows a dark system setting until the reader chooses light`, async t => {
    const ctx = await t.context({ colorScheme: "dark" });
    await ctx.addInitScript(RECORD_FIRST_PAINT);
    const { page } = await t.open(name, pageType("framework"), { ctx });
    let l = await page.evaluate(look);
    assert.equal(l.attr, null);
    assertTheme(l, true, "system dark, no choice");
    await page.locator("#fb-theme-toggle").click();
    l = await page.evaluate(look);
    assert.equal(l.attr, "light");
    assertTheme(l, false, "light chosen against a dark system");
    await page.reload({ waitUntil: "load" });
    l = await page.evaluate(look);
    assertTheme(l, false, "light choice kept after reload");
    // The system switching to light later keeps the reader's choice; switching it back too.
    await page.emulateMedia({ colorScheme: "light" });
    assertTheme(await page.evaluate(look), false, "system now light");
    await page.emulateMedia({ colorScheme: "dark" });
    assertTheme(await page.evaluate(look), false, "system dark again, choice still light");
  });
}
