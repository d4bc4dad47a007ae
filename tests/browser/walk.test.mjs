// End-to-end walk: every HTML page of the build, on every target (http, file://, and nginx under
// a sub-path when nginx.sh started it). Fails on any console error, uncaught exception, failed
// request, request to another host, broken internal link or #anchor, duplicate id, or axe-core
// violation (WCAG 2.1 A/AA). Each target walks in another colour scheme, so between them every
// page is scanned in light, dark (system) and dark (chosen with the toggle).
import { test } from "./lib/harness.mjs";
import { TARGETS, target, pageUrl, listPages } from "./lib/site.mjs";
import { axeScan, formatViolations } from "./lib/browser.mjs";
import { collect, LinkChecker } from "./lib/links.mjs";

const SCHEME = {
  http: { colorScheme: "light", label: "light" },
  file: { colorScheme: "dark", label: "dark (system)" },
  nginx: { colorScheme: "light", theme: "dark", label: "dark (toggle)" },
};

for (const name of TARGETS) {
  test(`walk [${name}] every page: no console error, failed request, broken link or anchor, axe violation`, async t => {
    const tg = await target(name);
    const pages = listPages(tg.dir);
    const { colorScheme, theme, label } = SCHEME[name];
    const { page, mon } = await t.newPage(null, { colorScheme, theme });
    const checker = new LinkChecker(tg);
    const problems = [];
    const incomplete = new Map();
    let scanned = 0, axeMs = 0;
    for (const rel of pages) {
      const url = pageUrl(tg, rel);
      let resp;
      try {
        resp = await page.goto(url, { waitUntil: "load" });
      } catch (e) {
        problems.push(`cannot load ${url}: ${e.message.split("\n")[0]}`);
        continue;
      }
      if (tg.protocol === "http:" && resp?.status() !== 200) problems.push(`HTTP ${resp?.status()} for ${url}`);
      const info = await collect(page);
      problems.push(...checker.add(page.url(), info));
      const t0 = Date.now();
      const axe = await axeScan(page);
      axeMs += Date.now() - t0;
      scanned++;
      problems.push(...formatViolations(`${rel || "(home)"} [${label}]`, axe.violations));
      for (const id of axe.incomplete) incomplete.set(id, (incomplete.get(id) || 0) + 1);
      problems.push(...mon.take());
    }
    problems.push(...checker.check());
    const s = checker.stats;
    t.log(`${pages.length} pages walked at ${tg.base} (${label}); ${scanned} axe scans in ${(axeMs / 1000).toFixed(1)}s`);
    t.log(`${s.links} links checked: ${s.internal} internal to ${s.targets.size} distinct files, ${s.fragments} with #anchors, ${s.external} external (not followed)`);
    if (incomplete.size) t.log(`axe "needs review" (not violations): ${[...incomplete].map(([k, v]) => `${k} on ${v} pages`).join(", ")}`);
    t.check(problems);
  }, { timeout: 30 * 60_000 });
}
