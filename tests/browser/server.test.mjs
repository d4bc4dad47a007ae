// What a real web server adds: a missing URL answers 404 with the handbook's 404 page, styled and
// with working links (under nginx's /handbook/ sub-path the build has a base_url, so this holds at
// any depth), and a folder URL without its trailing slash is redirected to the page.
import assert from "node:assert/strict";
import { test } from "./lib/harness.mjs";
import { TARGETS, target } from "./lib/site.mjs";
import { collect, LinkChecker } from "./lib/links.mjs";

// Without base_url the 404 page links relative to the site root, which is right only for a
// missing URL one level deep (see FINDINGS.md F2); nginx's build has a base_url.
const MISSING = { http: ["no-such-page.html"], nginx: ["no-such-page.html", "no/such/page/", "playbooks/gone/deeper/"] };

for (const name of TARGETS.filter(n => n !== "file")) {
  test(`server [${name}] a missing URL answers 404 with the styled 404 page and working links`, async t => {
    const tg = await target(name);
    const problems = [];
    for (const rel of MISSING[name]) {
      const url = tg.base + rel;
      const { page, mon } = await t.newPage();
      mon.allowStatus(({ status, url: u }) => status === 404 && u === url);
      const resp = await page.goto(url, { waitUntil: "load" });
      assert.equal(resp.status(), 404, `${url}: status`);
      assert.match(await page.locator("h1").innerText(), /not found/i, `${url}: the handbook's 404 page`);
      const styled = await page.evaluate(() => !!getComputedStyle(document.documentElement).getPropertyValue("--fb-bg").trim() && typeof window.fieldbook === "object");
      if (!styled) problems.push(`${url}: 404 page without the theme's CSS or JS`);
      const checker = new LinkChecker(tg);
      checker.add(page.url(), await collect(page));
      problems.push(...checker.check().map(p => `${url}: ${p}`), ...mon.take());
      // The skip link must stay on this page (a <base> element would send "#main" elsewhere).
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      await page.waitForTimeout(300);
      await page.waitForLoadState("load");
      if (page.url() !== url + "#main" || await page.evaluate(() => document.activeElement.id) !== "main")
        problems.push(`${url}: the skip link went to ${page.url()} instead of #main on the same page`);
      await page.context().close();
    }
    t.check(problems);
  });

  test(`server [${name}] a folder URL without its slash is redirected to the page`, async t => {
    const tg = await target(name);
    const { page } = await t.newPage();
    const resp = await page.goto(tg.base + "playbooks", { waitUntil: "load" });
    assert.equal(resp.status(), 200);
    assert.equal(page.url(), tg.base + "playbooks/", "redirected to the folder URL, staying under the base");
    assert.equal(await page.locator("body.fb-pk-section").count(), 1);
    assert.ok(await page.evaluate(() => !!getComputedStyle(document.documentElement).getPropertyValue("--fb-bg").trim()), "styled");
  });
}
