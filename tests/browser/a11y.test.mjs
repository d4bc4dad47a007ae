// axe-core (WCAG 2.1 A and AA tags) on one page of each page type, in every colour mode a reader
// can get: light and dark from the system setting, dark and light chosen with the theme toggle
// against the system setting, and the light/dark system modes again at phone width (390 px).
// Zero violations allowed (known generator issues aside, see known-issues.mjs).
import { test } from "./lib/harness.mjs";
import { pageTypes, target, pageUrl } from "./lib/site.mjs";
import { axeScan, formatViolations } from "./lib/browser.mjs";

const MODES = [
  { label: "light", colorScheme: "light" },
  { label: "dark", colorScheme: "dark" },
  { label: "dark (toggle)", colorScheme: "light", theme: "dark" },
  { label: "light (toggle)", colorScheme: "dark", theme: "light" },
  { label: "light 390px", colorScheme: "light", width: 390, height: 844 },
  { label: "dark 390px", colorScheme: "dark", width: 390, height: 844 },
];

for (const { type, url } of pageTypes()) {
  test(`axe [http] ${type} page (${url || "home"}): no WCAG 2.1 A/AA violation, light and dark`, async t => {
    const tg = await target("http");
    const problems = [];
    const incomplete = new Set();
    for (const m of MODES) {
      const { page, mon } = await t.newPage(null, m);
      const resp = await page.goto(pageUrl(tg, url), { waitUntil: "load" });
      if (resp.status() !== 200) problems.push(`HTTP ${resp.status()} for ${url}`);
      const dark = await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);
      if (dark !== (m.label.startsWith("dark") ? "dark" : "light")) problems.push(`[${m.label}] page is in color-scheme ${dark}`);
      const r = await axeScan(page);
      problems.push(...formatViolations(`${url || "(home)"} [${m.label}]`, r.violations), ...mon.take());
      r.incomplete.forEach(i => incomplete.add(i));
      await page.context().close();
    }
    if (incomplete.size) t.log(`axe "needs review": ${[...incomplete].join(", ")}`);
    t.check(problems);
  }, { timeout: 5 * 60_000 });
}
