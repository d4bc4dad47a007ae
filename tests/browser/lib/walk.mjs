// Visits pages of a target one after another in one tab and collects every problem: console
// errors, uncaught exceptions, failed requests, HTTP errors, requests to other hosts, broken
// links and anchors, duplicate ids, axe-core violations. Used by walk.test.mjs (the whole
// handbook) and selftest.test.mjs (a site with planted faults, to prove each check bites).
import { pageUrl } from "./site.mjs";
import { axeScan, formatViolations, isBrowserLoss } from "./browser.mjs";
import { collect, LinkChecker } from "./links.mjs";

/** t: the test context; tg: a target ({base, dir, protocol}); pages: site-relative URLs. */
export async function walkSite(t, tg, pages, { colorScheme = "light", theme = null, label = colorScheme, axe = true } = {}) {
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
      if (isBrowserLoss(e)) throw e; // the runner retries the test with a fresh Chromium
      problems.push(`cannot load ${url}: ${e.message.split("\n")[0]}`);
      continue;
    }
    if (tg.protocol === "http:" && resp?.status() !== 200) problems.push(`HTTP ${resp?.status()} for ${url}`);
    problems.push(...checker.add(page.url(), await collect(page)));
    if (axe) {
      const t0 = Date.now();
      const r = await axeScan(page);
      axeMs += Date.now() - t0;
      scanned++;
      problems.push(...formatViolations(`${rel || "(home)"} [${label}]`, r.violations));
      for (const id of r.incomplete) incomplete.set(id, (incomplete.get(id) || 0) + 1);
    }
    problems.push(...mon.take());
  }
  problems.push(...checker.check());
  await page.context().close();
  return { problems, stats: checker.stats, scanned, axeMs, incomplete };
}
