// Visits pages of a target one after another in one tab and collects every problem: console
// errors, uncaught exceptions, failed requests, HTTP errors, requests to other hosts, broken
// links and anchors, duplicate ids, axe-core violations. Used by walk.test.mjs (the whole
// handbook) and selftest.test.mjs (a site with planted faults, to prove each check bites).
import { pageUrl } from "./site.mjs";
import { axeScan, formatViolations, isBrowserLoss, closeBrowser } from "./browser.mjs";
import { collect, LinkChecker } from "./links.mjs";

/** t: the test context; tg: a target ({base, dir, protocol}); pages: site-relative URLs. */
export async function walkSite(t, tg, pages, { colorScheme = "light", theme = null, label = colorScheme, axe = true } = {}) {
  let { page, mon } = await t.newPage(null, { colorScheme, theme });
  const checker = new LinkChecker(tg);
  const problems = [];
  const incomplete = new Map();
  let scanned = 0, axeMs = 0, restarts = 0;
  for (let i = 0; i < pages.length; i++) {
    const rel = pages[i];
    const url = pageUrl(tg, rel);
    try {
      let resp;
      try {
        resp = await page.goto(url, { waitUntil: "load" });
      } catch (e) {
        if (isBrowserLoss(e)) throw e;
        problems.push(`cannot load ${url}: ${e.message.split("\n")[0]}`);
        continue;
      }
      if (tg.protocol === "http:" && resp?.status() !== 200) problems.push(`HTTP ${resp?.status()} for ${url}`);
      const info = await collect(page);
      let r = null;
      if (axe) {
        const t0 = Date.now();
        r = await axeScan(page);
        axeMs += Date.now() - t0;
      }
      // Recorded only once the page is done, so a page cut short by a lost browser is redone whole.
      problems.push(...checker.add(page.url(), info));
      if (r) {
        scanned++;
        problems.push(...formatViolations(`${rel || "(home)"} [${label}]`, r.violations));
        for (const id of r.incomplete) incomplete.set(id, (incomplete.get(id) || 0) + 1);
      }
      problems.push(...mon.take());
    } catch (e) {
      // Chromium (or this tab's renderer) lost on a loaded machine says nothing about the site:
      // start a fresh one and redo this page, up to 3 times per walk; the runner retries beyond.
      if (!isBrowserLoss(e) || ++restarts > 3) throw e;
      t.log(`walk: Chromium lost at ${rel || "(home)"} (${String(e.message).split("\n")[0]}); fresh browser, page redone`);
      mon.take();
      await closeBrowser();
      ({ page, mon } = await t.newPage(null, { colorScheme, theme }));
      i--;
    }
  }
  problems.push(...checker.check());
  await page.context().close();
  return { problems, stats: checker.stats, scanned, axeMs, incomplete };
}
