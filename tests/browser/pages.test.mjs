// One page of each page type, over http and from file://, at desktop (1280 px) and phone
// (390 px) width: the structure every page shares (language, title, one h1, one main landmark,
// skip link first, theme CSS and JS loaded, no sideways scrolling, every menu entry visible)
// and what each page type must show (breadcrumbs, kind badge, play panel, scorecard form, rubric,
// stage navigation, process map, health chart, what's new, print contents, 404 links, search mount).
// Also: clicking through the site works from file://, talk-track copy buttons copy, and the
// search keys and buttons cause no console error (with or without the search module).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "./lib/harness.mjs";
import { pageTypes, LOCAL_TARGETS, target, listPages, SITE_DIR } from "./lib/site.mjs";

/** Checks shared by every page; returns problem strings. Runs in the page. */
const common = () => {
  const p = [];
  const vis = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e); return r.width > 0 && r.height > 0 && s.visibility !== "hidden"; };
  if (!document.documentElement.lang) p.push("<html> has no lang");
  if (!document.title.trim()) p.push("empty <title>");
  const h1 = document.querySelectorAll("h1");
  if (h1.length !== 1 || !h1[0].textContent.trim()) p.push(`${h1.length} <h1> elements (want exactly one, not empty)`);
  const mains = document.querySelectorAll("main");
  if (mains.length !== 1 || mains[0].id !== "main") p.push(`want one <main id="main">, found ${mains.length}`);
  const first = document.querySelector("a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])");
  if (!first || !first.matches("a.fb-skip[href='#main']")) p.push(`first focusable element is ${first?.outerHTML.slice(0, 80)}, not the skip link`);
  if (!getComputedStyle(document.documentElement).getPropertyValue("--fb-bg").trim()) p.push("theme stylesheet not applied (--fb-bg unset)");
  const toggle = document.getElementById("fb-theme-toggle");
  if (typeof window.fieldbook !== "object" || !toggle || !/^(true|false)$/.test(toggle.getAttribute("aria-pressed")) || !/Switch to/.test(toggle.title)) p.push("theme script did not run (window.fieldbook / theme toggle not set up)");
  if (!document.querySelector("header nav[aria-label='Main']")) p.push("no main navigation");
  if (!document.querySelector("footer")) p.push("no footer");
  const over = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  if (over > 0) {
    const wide = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && vis(e) && !e.closest(".fb-topnav ul, .fb-table-wrap, .fb-diagram-scroll, pre, .fb-sr"));
    p.push(`page scrolls sideways by ${over}px at ${innerWidth}px: ${wide.slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ")[0] : "")).join(", ")}`);
  }
  for (const img of document.images) if (!img.complete || !img.naturalWidth) p.push(`image not loaded: ${img.getAttribute("src")}`);
  const root = document.querySelector("meta[name='fb-root']");
  if (!root) p.push("no <meta name=fb-root>");
  // Menu entries: all visible at desktop width (on a phone the menu scrolls sideways by design).
  if (innerWidth >= 1000) for (const a of document.querySelectorAll(".fb-topnav a")) {
    const r = a.getBoundingClientRect(), hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!vis(a) || r.right > innerWidth || r.left < 0 || !(hit === a || a.contains(hit))) p.push(`menu entry "${a.textContent.trim()}" is hidden or covered`);
  }
  return p;
};

/** Page-type checks; each returns problem strings. Run in the page with the type name. */
const byType = type => {
  const p = [];
  const $ = s => document.querySelector(s), $$ = s => [...document.querySelectorAll(s)];
  const text = s => ($(s)?.textContent || "").replace(/\s+/g, " ").trim();
  const h1 = text("h1");
  const need = (cond, msg) => { if (!cond) p.push(msg); };
  const crumbsEndAt = name => {
    const cur = $("nav.fb-crumbs [aria-current='page']");
    need(cur && cur.textContent.trim() === name, `breadcrumbs do not end at "${name}" (${cur?.textContent})`);
  };
  const sideCurrent = () => {
    const cur = $(".fb-sidenav a[aria-current='page']");
    need(cur && new URL(cur.href, location).pathname.replace(/index\.html$/, "") === location.pathname.replace(/index\.html$/, ""), "side navigation does not mark this page as current");
  };
  const kinds = { page: "Page", playbook: "Playbook", framework: "Framework", coaching: "Coaching guide" };
  if (type in kinds) {
    crumbsEndAt(h1);
    need(text(".fb-page-head .fb-kind") === kinds[type], `kind badge says "${text(".fb-page-head .fb-kind")}", want "${kinds[type]}"`);
    need($(".fb-meta"), "no owner/review metadata");
    need($(".fb-page-head .fb-fresh"), "no freshness badge");
    sideCurrent();
  }
  if (type === "playbook") {
    need($("#fb-play dt") && /Trigger/.test(text("#fb-play")) && /Goal/.test(text("#fb-play")), "no play panel with trigger and goal");
    need($(".fb-toc a[href='#fb-play']"), "table of contents lacks the play panel");
  }
  if (type === "framework") {
    const fw = JSON.parse($("#fb-scorecard-data").textContent);
    need(fw.criteria.length > 0, "framework has no criteria");
    for (const c of fw.criteria) {
      need(document.getElementById(c.id)?.matches("article.fb-crit"), `no criterion article #${c.id}`);
      need($$(`input[type=radio][name='score-${c.id}']`).length === fw.scale.length, `criterion ${c.id}: want ${fw.scale.length} score buttons`);
      need($(`textarea[name='notes-${c.id}']`), `criterion ${c.id}: no notes field`);
    }
    need($("#fb-deal-name") && $("#fb-export") && $("#fb-export-output"), "scorecard controls missing");
  }
  if (type === "coaching") need($$("#fb-rubric tbody tr").length >= 2, "rubric has fewer than 2 levels");
  if (type === "section") {
    crumbsEndAt(h1);
    need($$(".fb-card-title a").length > 0, "section lists no pages");
  }
  if (type === "stage") {
    crumbsEndAt(h1);
    need(text(".fb-sidenav a[aria-current='page']") === h1, "stage navigation does not mark this stage");
    need($$(".fb-group .fb-card").length > 0, "stage lists no content");
  }
  if (type === "stages index") need($$("main a[href*='stages/']").length >= 2, "stages index links to no stage");
  if (type === "process map") {
    const svg = $("svg.process-map");
    need(svg, "no process map diagram");
    if (svg) {
      const name = svg.getAttribute("aria-label") || (document.getElementById(svg.getAttribute("aria-labelledby"))?.textContent || "");
      need(name.trim(), "process map has no accessible name");
      const rows = $$(".fb-process-table tbody tr").length;
      need($$("svg.process-map a").length === rows, `process map has ${$$("svg.process-map a").length} stage links, the table ${rows} stages`);
      // Every label lies inside its shape (a chevron's slanted edges included): all four
      // corners of each text's box, with 2 px to spare, are in the shape's fill.
      for (const a of $$("svg.process-map a")) {
        const shape = a.querySelector(".stage-shape");
        if (!shape) continue;
        for (const tx of a.querySelectorAll("text")) {
          const b = tx.getBBox(), m = 2;
          const corners = [[b.x - m, b.y - m], [b.x + b.width + m, b.y - m], [b.x - m, b.y + b.height + m], [b.x + b.width + m, b.y + b.height + m]];
          const out = corners.filter(([x, y]) => !shape.isPointInFill(new DOMPoint(x, y)));
          if (out.length) p.push(`process map: text "${tx.textContent}" (${Math.round(b.width)}px wide) is not inside its stage shape`);
          if (/…/.test(tx.textContent)) p.push(`process map: text "${tx.textContent}" is cut short`);
        }
      }
    }
  }
  if (type === "health") {
    need($("svg.health-chart title")?.textContent.trim(), "no health chart with a title");
    need($$(".fb-tile").length >= 6, "no summary tiles");
  }
  if (type === "print") {
    const toc = $$(".fb-print-toc a").map(a => a.getAttribute("href").slice(1)), items = $$(".fb-print-item").map(s => s.id);
    need(toc.length > 10 && JSON.stringify(toc) === JSON.stringify(items), `print contents (${toc.length}) do not match its sections (${items.length})`);
  }
  if (type === "404") {
    need(/not found/i.test(h1), "404 page heading");
    need($$(".fb-explore-list a").length >= 2, "404 page offers no way on");
  }
  if (type === "search") {
    need($("#fb-search-page"), "no search mount #fb-search-page");
    if (!window.fieldbook?.search) need($("#fb-search-page-status") && !$("#fb-search-page-status").hidden, "search page says nothing while search is unavailable");
  }
  if (["role", "persona", "tag", "owner"].includes(type)) {
    crumbsEndAt(h1);
    need($$(".fb-card-title a, .fb-doclist a").length > 0, `${type} page lists no pages`);
  }
  if (type === "what's new") {
    crumbsEndAt(h1);
    need($("#fb-wn-changes") && $("#fb-wn-reviewed"), "no changes or reviewed sections");
    need($$("#fb-wn-reviewed ~ * a, .fb-doclist a").length > 0, "no recently reviewed pages listed");
  }
  if (type === "owners index") need($$("main a[href*='owners/']").length >= 2, "owners index links to no owner");
  return p;
};

for (const name of LOCAL_TARGETS) {
  for (const { type, url } of pageTypes()) {
    test(`page [${name}] ${type} (${url || "home"}): structure, landmarks, layout at 1280 and 390 px`, async t => {
      const problems = [];
      for (const width of [1280, 390]) {
        const { page } = await t.open(name, url, { width, height: 900 });
        problems.push(...(await page.evaluate(common)).map(x => `${width}px: ${x}`));
        if (width === 1280) problems.push(...await page.evaluate(byType, type));
      }
      t.check(problems);
    });
  }

  test(`page [${name}] clicking through the menu, breadcrumbs and cards reaches each page`, async t => {
    const { page } = await t.open(name, "");
    const h1 = () => page.locator("h1").innerText();
    const first = page.locator(".fb-topnav a").first();
    const label = (await first.innerText()).trim();
    await Promise.all([page.waitForEvent("load"), first.click()]);
    assert.equal((await h1()).trim(), label, "menu entry leads to its section");
    if (name === "file") assert.match(page.url(), /\/index\.html$/, "from disk, links name index.html");
    const card = page.locator(".fb-card-title a").first();
    const cardTitle = (await card.innerText()).trim();
    await Promise.all([page.waitForEvent("load"), card.click()]);
    assert.equal((await h1()).trim(), cardTitle, "a card leads to its page");
    await Promise.all([page.waitForEvent("load"), page.locator("nav.fb-crumbs a").last().click()]);
    assert.equal((await h1()).trim(), label, "the breadcrumb leads back to the section");
    await Promise.all([page.waitForEvent("load"), page.locator("a.fb-brand").click()]);
    assert.equal(await page.locator("body.fb-home-page").count(), 1, "the site title leads home");
  });

  test(`page [${name}] talk-track copy buttons copy the talk track`, async t => {
    const withTrack = listPages(SITE_DIR).find(rel => {
      if (!rel.startsWith("playbooks/")) return false;
      const html = fs.readFileSync(path.join(SITE_DIR, rel, "index.html"), "utf8");
      return /<h2[^>]*>Talk tracks?\b[\s\S]*?<blockquote/i.test(html.split(/<h2[^>]*>Talk tracks?\b/i)[0] + html.slice(html.search(/<h2[^>]*>Talk tracks?\b/i)).split(/<h2/i).slice(0, 2).join("<h2"));
    });
    assert.ok(withTrack, "no playbook with a talk-track blockquote in the build");
    const tg = await target(name);
    const ctx = await t.context(name === "http" ? { permissions: ["clipboard-read", "clipboard-write"] } : {});
    if (name === "http") await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(tg.base).origin });
    const { page } = await t.open(name, withTrack, { ctx });
    const btn = page.locator("blockquote.fb-talk .fb-copy").first();
    await btn.click();
    await page.waitForFunction(b => b.textContent !== "Copy", await btn.elementHandle());
    assert.equal(await btn.innerText(), "Copied");
    if (name === "http") {
      const clip = await page.evaluate(() => navigator.clipboard.readText());
      const quote = await page.locator("blockquote.fb-talk").first().evaluate(q => q.querySelector("p,li").textContent.trim());
      assert.ok(clip.includes(quote), `clipboard holds the talk track (got ${JSON.stringify(clip.slice(0, 80))})`);
      assert.ok(!/^Copy/.test(clip), "the button label is not copied");
    }
    t.log(`talk track on ${withTrack}`);
  });

  test(`page [${name}] search keys and buttons cause no console error`, async t => {
    // Only "no error": the search module's own behaviour is tested by its own tests. Its dialog
    // opens asynchronously, so wait after each key, and close it before clicking elsewhere.
    const settle = async page => { await page.waitForTimeout(300); await page.waitForLoadState("load"); };
    const closeDialogs = page => page.evaluate(() => document.querySelectorAll("dialog[open]").forEach(d => d.close()));
    for (const rel of ["", "playbooks/discovery-call/"]) {
      const { page } = await t.open(name, rel);
      for (const key of ["/", "Control+k"]) {
        await page.keyboard.press(key);
        await settle(page);
        await page.keyboard.press("Escape");
        await settle(page);
        await closeDialogs(page);
      }
      await page.locator("#fb-search-open").click();
      await settle(page);
      await closeDialogs(page);
    }
    const { page } = await t.open(name, "");
    await page.locator("[data-fb-search]").first().click();
    await settle(page);
  });
}
