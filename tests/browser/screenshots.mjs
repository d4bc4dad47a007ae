#!/usr/bin/env node
// Screenshots for humans: one PNG per page type × width (390, 1280) × theme (light, dark),
// written to the folder given on the command line (not committed anywhere).
//
//   node screenshots.mjs OUTDIR [--site DIR] [--only TYPE,TYPE] [--full] [--max-height PX]
//
// Pages are served from 127.0.0.1 by lib/server.mjs; requests to other hosts are refused and
// reported, as are console errors. Page types are those of lib/site.mjs (home, section, page,
// playbook, framework, coaching, stage, ...). By default a shot covers the page from the top
// down to --max-height (default 2400 px); --full takes whole pages.
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
const out = args[0];
if (!out || args.length !== 1) {
  console.error("usage: node screenshots.mjs OUTDIR [--site DIR] [--only TYPE,TYPE] [--full] [--max-height PX]");
  process.exit(2);
}
const { SITE_DIR, pageTypes, checkSite } = await import("./lib/site.mjs");
checkSite();
fs.mkdirSync(out, { recursive: true });
const server = await serveStatic(SITE_DIR);
const slug = s => s.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
let shots = 0, problems = [];
try {
  for (const theme of ["light", "dark"]) {
    for (const width of [390, 1280]) {
      const ctx = await newContext({ colorScheme: theme, width, height: width < 600 ? 844 : 900 });
      const page = await ctx.newPage();
      const mon = monitor(page);
      for (const { type, url } of pageTypes()) {
        if (only.length && !only.includes(type)) continue;
        await page.goto(server.url + url, { waitUntil: "load" });
        await page.evaluate(() => document.fonts && document.fonts.ready);
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        const file = path.join(out, `${slug(type)}-${width}-${theme}.png`);
        await page.screenshot({ path: file, fullPage: true, timeout: 120_000, ...(full ? {} : { clip: { x: 0, y: 0, width, height: Math.min(height, maxHeight) } }) });
        shots++;
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
