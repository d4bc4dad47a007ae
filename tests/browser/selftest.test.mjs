// The checks themselves: a tiny site with planted faults (made from the build's own theme files)
// is walked over http and file://, and every fault must be reported, while a clean page next to
// them must report nothing. Guards against a walk that passes because it checks nothing.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "./lib/harness.mjs";
import { SITE_DIR, checkSite } from "./lib/site.mjs";
import { serveStatic } from "./lib/server.mjs";
import { walkSite } from "./lib/walk.mjs";

const page = (root, title, body, head = "") => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${root}static/fieldbook.css">${head}
<script defer src="${root}static/fieldbook.js"></script></head>
<body><a class="fb-skip" href="#main">Skip to content</a>
<header class="fb-header"><div class="fb-header-inner"><a class="fb-brand" href="${root}index.html">Self-test</a>
<button id="fb-theme-toggle" class="fb-icon-btn" type="button" aria-pressed="false" title="Dark theme"><span class="fb-sr">Dark theme</span></button></div></header>
<div class="fb-shell"><main id="main" class="fb-main" tabindex="-1"><h1>${title}</h1>${body}</main></div></body></html>`;

// [fault, file it is planted in, text that must appear in the report, only on this target]
const FAULTS = [
  ["broken internal link", "bad/index.html", /broken link: a href="\.\.\/missing\/index\.html".*no file missing\/index\.html/],
  ["broken anchor on another page", "bad/index.html", /broken anchor: a href="\.\.\/index\.html#nowhere"/],
  ["broken anchor on the same page", "bad/index.html", /broken anchor: a href="#not-here"/],
  ["empty link", "bad/index.html", /empty link ""/],
  ["link leaving the site", "bad/index.html", /broken link: a href="\/elsewhere\/x\.html"/],
  ["console error", "bad/index.html", /console error on .*planted console error/],
  ["uncaught exception", "bad/index.html", /uncaught exception on .*planted exception/],
  ["missing stylesheet", "bad/index.html", /(request failed|HTTP 404).*gone\.css/],
  ["request to another host", "bad/index.html", /request to another host \(blocked\): http:\/\/198\.51\.100\.7\/pixel\.png/],
  ["image without alt text (axe)", "bad/index.html", /axe image-alt \(critical\)/],
  ["unlabelled form field (axe)", "bad/index.html", /axe label \(critical\)/],
  ["low contrast (axe)", "bad/index.html", /axe color-contrast \(serious\)/],
  ["duplicate id", "bad/index.html", /duplicate id "twice"/],
  ["folder link from file:// (no index.html)", "bad/index.html", /broken link: a href="\.\.\/" .*folder link/, "file"],
];

function plant(dir) {
  fs.mkdirSync(path.join(dir, "bad"), { recursive: true });
  fs.cpSync(path.join(SITE_DIR, "static"), path.join(dir, "static"), { recursive: true });
  fs.writeFileSync(path.join(dir, "index.html"), page("", "Clean page",
    `<p id="intro">A clean page: <a href="bad/index.html">the bad page</a>, <a href="#intro">this paragraph</a>.</p>`));
  fs.writeFileSync(path.join(dir, "bad/index.html"), page("../", "Bad page", `
<p><a href="../missing/index.html">missing page</a> <a href="../index.html#nowhere">missing anchor</a>
<a href="#not-here">missing local anchor</a> <a href="../">folder</a> <a href="">empty</a> <a href="/elsewhere/x.html">outside</a></p>
<p><img src="../static/favicon.svg" width="16" height="16"> <img src="http://198.51.100.7/pixel.png" alt="remote pixel"></p>
<p><input type="text"></p>
<p style="color:#bbb;background:#fff">Hard to read</p>
<p id="twice">one</p><p id="twice">two</p>
<script>console.error("planted console error"); setTimeout(() => { throw new Error("planted exception"); });</script>`,
    `<link rel="stylesheet" href="../static/gone.css">`));
}

for (const name of ["http", "file"]) {
  test(`selftest [${name}] the walk reports every planted fault and nothing on a clean page`, async t => {
    checkSite();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fieldbook-selftest-"));
    let server = null;
    try {
      plant(dir);
      server = name === "http" ? await serveStatic(dir) : null;
      const tg = name === "http" ? { name, base: server.url, dir, protocol: "http:" } : { name, base: pathToFileURL(dir + path.sep).href, dir, protocol: "file:" };
      const clean = await walkSite(t, tg, [""]);
      assert.deepEqual(clean.problems, [], "the clean page reports nothing");
      const { problems } = await walkSite(t, tg, ["bad/"]);
      const faults = FAULTS.filter(f => !f[3] || f[3] === name);
      const missed = faults.filter(([, , re]) => !problems.some(p => re.test(p))).map(([f]) => f);
      t.log(`${faults.length - missed.length} of ${faults.length} planted faults reported (${problems.length} problem lines)`);
      assert.deepEqual(missed, [], `faults not reported:\n${missed.join("\n")}\n--- report:\n${problems.join("\n")}`);
    } finally {
      await server?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
