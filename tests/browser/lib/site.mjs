// Where the built handbook is, how each target reaches it, and one page of each page type.
//
// Targets:
//   http   the build in FIELDBOOK_SITE (default: <repo>/public), served at / by lib/server.mjs
//   file   the same build opened from disk (file://)
//   nginx  FIELDBOOK_NGINX_URL (e.g. http://127.0.0.1:8123/handbook/), a real web server serving the
//          build in FIELDBOOK_NGINX_SITE under a sub-path (see nginx.sh); only when both are set
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { serveStatic } from "./server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, "../../..");
export const SITE_DIR = path.resolve(process.env.FIELDBOOK_SITE || path.join(REPO, "public"));
const NGINX_URL = process.env.FIELDBOOK_NGINX_URL || "";
const NGINX_SITE = process.env.FIELDBOOK_NGINX_SITE ? path.resolve(process.env.FIELDBOOK_NGINX_SITE) : "";

export function checkSite(dir = SITE_DIR) {
  if (!fs.existsSync(path.join(dir, "index.html")))
    throw new Error(`no built handbook in ${dir}: run \`FIELDBOOK_TODAY=2026-11-27 fieldbook build\` first, or set FIELDBOOK_SITE`);
}

/** Targets the suite runs against; nginx only when the CI script (nginx.sh) started it. */
export const TARGETS = ["http", "file", ...(NGINX_URL && NGINX_SITE ? ["nginx"] : [])];
export const LOCAL_TARGETS = ["http", "file"];

let httpServer = null;
/** { name, base (URL ending in "/"), dir (the files behind it), protocol } */
export async function target(name) {
  if (name === "http") {
    checkSite();
    httpServer ??= serveStatic(SITE_DIR);
    return { name, base: (await httpServer).url, dir: SITE_DIR, protocol: "http:" };
  }
  if (name === "file") {
    checkSite();
    return { name, base: pathToFileURL(SITE_DIR + path.sep).href, dir: SITE_DIR, protocol: "file:" };
  }
  if (name === "nginx") {
    if (!NGINX_URL) throw new Error("FIELDBOOK_NGINX_URL is not set (run the suite through nginx.sh)");
    checkSite(NGINX_SITE);
    return { name, base: NGINX_URL.endsWith("/") ? NGINX_URL : NGINX_URL + "/", dir: NGINX_SITE, protocol: "http:" };
  }
  throw new Error(`unknown target ${name}`);
}

export async function stopServers() {
  if (httpServer) { const s = await httpServer; httpServer = null; await s.close(); }
}

/** The URL a reader would use for a page given its site-relative URL ("playbooks/x/", "", "404.html").
 *  From disk a folder URL cannot open its index.html, so the file itself is named. */
export function pageUrl(t, rel) {
  if (t.protocol === "file:" && (rel === "" || rel.endsWith("/"))) rel += "index.html";
  return t.base + rel.split("/").map(encodeURIComponent).join("/");
}

/** Every HTML file of a build, as site-relative page URLs ("", "playbooks/x/", "404.html"), sorted. */
export function listPages(dir = SITE_DIR) {
  const out = [];
  const walk = d => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".html")) out.push(path.relative(dir, p).split(path.sep).join("/"));
    }
  };
  walk(dir);
  return out.map(f => (f === "index.html" ? "" : f.endsWith("/index.html") ? f.slice(0, -"index.html".length) : f)).sort();
}

/** One page per page type: [type, preferred URL, body class that identifies the template]. */
const TYPES = [
  ["home", "", "fb-home-page"],
  ["section", "playbooks/", "fb-pk-section"],
  ["page", "customers/icp/", "fb-pk-page"],
  ["playbook", "playbooks/discovery-call/", "fb-pk-playbook"],
  ["framework", "frameworks/meddpicc/", "fb-pk-framework"],
  ["coaching", "coaching/call-review/", "fb-pk-coaching"],
  ["stage", "stages/discover/", "fb-stage-page"],
  ["stages index", "stages/", "fb-stages-page"],
  ["process map", "process/", "fb-process-page"],
  ["role", "roles/ae/", "fb-role-page"],
  ["persona", "personas/cfo/", "fb-persona-page"],
  ["tag", "tags/discovery/", "fb-tag-page"],
  ["owner", "owners/enablement/", "fb-owner-page"],
  ["owners index", "owners/", "fb-tax-owners"],
  ["health", "health/", "fb-health-page"],
  ["what's new", "whats-new/", "fb-whats-new-page"],
  ["print", "print/", "fb-print-page"],
  ["404", "404.html", "fb-404-page"],
  ["search", "search/", "fb-search-page"],
];

function fileOf(dir, rel) { return path.join(dir, rel === "" || rel.endsWith("/") ? rel + "index.html" : rel); }
function bodyClasses(dir, rel) {
  const m = /<body[^>]*\sclass="([^"]*)"/.exec(fs.readFileSync(fileOf(dir, rel), "utf8"));
  return m ? m[1].split(/\s+/) : [];
}

let typesCache = null;
/** [{type, url}] for the build: the preferred page when it is of that type, else the first that is. */
export function pageTypes(dir = SITE_DIR) {
  if (typesCache) return typesCache;
  checkSite(dir);
  const pages = listPages(dir);
  typesCache = TYPES.map(([type, preferred, cls]) => {
    const ok = rel => fs.existsSync(fileOf(dir, rel)) && bodyClasses(dir, rel).includes(cls);
    const url = ok(preferred) ? preferred : pages.find(ok);
    if (url == null) throw new Error(`the build in ${dir} has no page of type "${type}" (body class ${cls})`);
    return { type, url };
  });
  return typesCache;
}
export const pageType = name => pageTypes().find(p => p.type === name).url;
