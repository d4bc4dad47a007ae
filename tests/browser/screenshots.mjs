#!/usr/bin/env node
// Screenshots for humans: one PNG per page type × width (390, 1280) × theme (light, dark),
// written to the folder given on the command line (not committed anywhere).
//
//   node screenshots.mjs OUTDIR [--site DIR] [--only TYPE,TYPE] [--widths 390,1280] [--themes light,dark]
//                        [--full] [--max-height PX] [--tile PX]
//
// Pages are served from 127.0.0.1 by lib/server.mjs; requests to other hosts are refused and
// reported, as are console errors. Page types are those of lib/site.mjs (home, section, page,
// playbook, framework, coaching, stage, ...). By default a shot covers the page from the top
// down to --max-height (default 2400 px); --full takes whole pages; --tile PX cuts each shot into
// pieces PX high (NAME-1.png, NAME-2.png, ...), small enough to read on a screen.
import fs from "node:fs";
import path from "node:path";
import { newContext, monitor, closeBrowser } from "./lib/browser.mjs";
import { serveStatic } from "./lib/server.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); if (i < 0) return dflt; const v = args[i + 1]; args.splice(i, 2); return v; };
const full = args.includes("--full") && (args.splice(args.indexOf("--full"), 1), true);
const site = opt("--site", null);
if (site) process.env.FIELDBOOK_SITE = site;
const only = (opt("--only", "") || "").split(",").filter(Boolean);
const maxHeight = Number(opt("--max-height", "2400"));
const tile = Number(opt("--tile", "0"));
const widths = opt("--widths", "390,1280").split(",").map(Number);
const themes = opt("--themes", "light,dark").split(",");
const out = args[0];
if (!out || args.length !== 1) {
  console.error("usage: node screenshots.mjs OUTDIR [--site DIR] [--only TYPE,TYPE] [--widths W,W] [--themes T,T] [--full] [--max-height PX] [--tile PX]");
  process.exit(2);
}
const { SITE_DIR, pageTypes, checkSite } = await import("./lib/site.mjs");
checkSite();
fs.mkdirSync(out, { recursive: true });
const server = await serveStatic(SITE_DIR);
const slug = s => s.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
let shots = 0, problems = [];
try {
  for (const theme of themes) {
    for (const width of widths) {
      const ctx = await newContext({ colorScheme: theme, width, height: width < 600 ? 844 : 900 });
      const page = await ctx.newPage();
      const mon = monitor(page);
      // The search page once more with a query, to see its results.
      const types = [...pageTypes(), { type: "search results", url: `${pageTypes().find(p => p.type === "search").url}?q=discovery` }];
      for (const { type, url } of types) {
        if (only.length && !only.includes(type)) continue;
        await page.goto(server.url + url, { waitUntil: "load" });
        if (url.includes("?q=")) await page.waitForFunction(() => document.querySelector("#fb-search-page a[href]"), null, { timeout: 15_000 }).catch(() => problems.push(`no search results shown on ${url}`));
        await page.evaluate(() => document.fonts && document.fonts.ready);
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        const name = `${slug(type)}-${width}-${theme}`;
        const bottom = full ? height : Math.min(height, maxHeight);
        const step = tile > 0 ? tile : bottom;
        for (let y = 0, i = 1; y < bottom; y += step, i++) {
          const file = path.join(out, tile > 0 ? `${name}-${i}.png` : `${name}.png`);
          await page.screenshot({ path: file, fullPage: true, timeout: 120_000, clip: { x: 0, y, width, height: Math.min(step, bottom - y) } });
          shots++;
        }
        problems.push(...mon.take());
      }
      await ctx.close();
    }
  }
} finally {
  await closeBrowser();
  await server.close();
}
console.log(`${shots} screenshots in ${out}`);
if (problems.length) { console.error(problems.join("\n")); process.exit(1); }
