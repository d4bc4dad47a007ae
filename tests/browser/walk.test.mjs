// End-to-end walk: every HTML page of the build, on every target (http, file://, and nginx under
// a sub-path when nginx.sh started it). Fails on any console error, uncaught exception, failed
// request, request to another host, broken internal link or #anchor, duplicate id, or axe-core
// violation (WCAG 2.1 A/AA). Each target walks in another colour scheme, so between them every
// page is scanned in light, dark (system) and dark (chosen with the toggle).
import { test } from "./lib/harness.mjs";
import { TARGETS, target, listPages } from "./lib/site.mjs";
import { walkSite } from "./lib/walk.mjs";

const SCHEME = {
  http: { colorScheme: "light", label: "light" },
  file: { colorScheme: "dark", label: "dark (system)" },
  nginx: { colorScheme: "light", theme: "dark", label: "dark (toggle)" },
};

for (const name of TARGETS) {
  test(`walk [${name}] every page: no console error, failed request, broken link or anchor, axe violation`, async t => {
    const tg = await target(name);
    const pages = listPages(tg.dir);
    const { problems, stats: s, scanned, axeMs, incomplete } = await walkSite(t, tg, pages, SCHEME[name]);
    t.log(`${pages.length} pages walked at ${tg.base} (${SCHEME[name].label}); ${scanned} axe scans in ${(axeMs / 1000).toFixed(1)}s`);
    t.log(`${s.links} links checked: ${s.internal} internal to ${s.targets.size} distinct files, ${s.fragments} with #anchors, ${s.external} external (not followed)`);
    if (incomplete.size) t.log(`axe "needs review" (not violations): ${[...incomplete].map(([k, v]) => `${k} on ${v} pages`).join(", ")}`);
    t.check(problems);
  }, { timeout: 30 * 60_000 });
}
