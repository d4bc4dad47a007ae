// Link and #anchor checking for a walk over a built site.
//
// For each visited page, `collect(page)` reads from the live DOM (after the theme's scripts ran,
// so file:// link fixing and script-made anchors count) every element id and every a[href],
// area[href] and link[href]. `LinkChecker.check()` then resolves each link:
//   - another host or scheme (https://git.example.com/..., mailto:) is external: not followed;
//   - an internal URL must stay under the target's base URL and name an existing FILE in the
//     build ("dir/" is dir/index.html over http; from file:// a "dir/" link is broken, since a
//     browser cannot open a folder's index.html, so the theme must have rewritten it);
//   - a #fragment must be an element id (or a[name]) on the target page: the live DOM ids of
//     walked pages, else the ids written in the target file.
import fs from "node:fs";
import path from "node:path";

export async function collect(page) {
  return page.evaluate(() => {
    const ids = [...document.querySelectorAll("[id]")].map(e => e.id);
    const names = [...document.querySelectorAll("a[name]")].map(e => e.getAttribute("name"));
    // SVG <a> elements have an SVGAnimatedString .href, so resolve the attribute against the base.
    const links = [...document.querySelectorAll("a[href], area[href], link[href]")].map(a => {
      const href = a.getAttribute("href");
      let abs = "";
      try { abs = new URL(href, document.baseURI).href; } catch (e) {}
      return { tag: a.tagName.toLowerCase(), rel: a.getAttribute("rel") || "", href, abs,
        text: (a.textContent || "").trim().replace(/\s+/g, " ").slice(0, 60) };
    });
    return { ids: [...ids, ...names], links, dupIds: ids.filter((x, i) => ids.indexOf(x) !== i) };
  });
}

const staticIds = html => {
  const ids = new Set();
  for (const m of html.matchAll(/\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) ids.add(decodeEntities(m[1] ?? m[2]));
  return ids;
};
const decodeEntities = s => s.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|#39|apos));/gi, (m, d, h, n) =>
  d ? String.fromCodePoint(+d) : h ? String.fromCodePoint(parseInt(h, 16)) : { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[n.toLowerCase()] ?? m);

export class LinkChecker {
  /** t: a target from lib/site.mjs ({base, dir, protocol}) */
  constructor(t) {
    this.t = t;
    this.base = new URL(t.base);
    this.pageIds = new Map();   // file (relative to dir) -> Set of ids from the live DOM
    this.links = [];            // {from, tag, href, abs, text}
    this.fileCache = new Map();
    this.idsByUrl = new Map();  // page URL as loaded (no #) -> Set of ids: same-page links use it
    this.stats = { links: 0, internal: 0, external: 0, fragments: 0, targets: new Set() };
  }
  /** Relative file in the build for an internal URL, or {external} / {error}. */
  resolve(abs) {
    let u;
    try { u = new URL(abs); } catch { return { error: "not a URL" }; }
    const sameSite = this.t.protocol === "file:" ? u.protocol === "file:" : u.origin === this.base.origin;
    if (!sameSite) return { external: true };
    if (!u.pathname.startsWith(this.base.pathname)) return { error: `leaves the site (${this.base.pathname})` };
    let rel;
    try { rel = decodeURIComponent(u.pathname.slice(this.base.pathname.length)); } catch { return { error: "bad %-encoding" }; }
    if (rel === "" || rel.endsWith("/")) {
      if (this.t.protocol === "file:") return { error: "folder link (from file:// it must name index.html)" };
      rel += "index.html";
    }
    return { rel, hash: u.hash };
  }
  isFile(rel) {
    if (!this.fileCache.has(rel)) {
      let ok = false;
      try { ok = fs.statSync(path.join(this.t.dir, rel)).isFile(); } catch {}
      this.fileCache.set(rel, ok);
    }
    return this.fileCache.get(rel);
  }
  idsOf(rel) {
    if (this.pageIds.has(rel)) return this.pageIds.get(rel);
    const ids = /\.html?$/.test(rel) ? staticIds(fs.readFileSync(path.join(this.t.dir, rel), "utf8")) : new Set();
    this.pageIds.set(rel, ids);
    return ids;
  }
  /** Records a walked page: `url` as loaded, `info` from collect(). Returns problems found on the page itself. */
  add(url, info) {
    const problems = [];
    const r = this.resolve(url);
    if (r.rel) this.pageIds.set(r.rel, new Set(info.ids));
    this.idsByUrl.set(url.split("#")[0], new Set(info.ids));
    for (const id of new Set(info.dupIds)) problems.push(`duplicate id "${id}" on ${url}`);
    for (const l of info.links) this.links.push({ from: url, ...l });
    return problems;
  }
  check() {
    const problems = [];
    for (const l of this.links) {
      this.stats.links++;
      if (l.href === "" || l.href === "#") { problems.push(`empty link ${JSON.stringify(l.href)} ("${l.text}") on ${l.from}`); continue; }
      const what = `${l.tag} href="${l.href}"${l.text ? ` ("${l.text}")` : ""} on ${l.from}`;
      const [absPage, frag] = l.abs.split("#");
      if (frag !== undefined && absPage === l.from.split("#")[0] && this.idsByUrl.has(absPage)) {
        // A link within the page itself (e.g. the skip link on a 404 page served for any URL).
        this.stats.internal++; this.stats.fragments++;
        let id; try { id = decodeURIComponent(frag); } catch { id = frag; }
        if (frag && !this.idsByUrl.get(absPage).has(id)) problems.push(`broken anchor: ${what}: no id "${id}" on the page`);
        continue;
      }
      const r = this.resolve(l.abs);
      if (r.external) { this.stats.external++; continue; }
      if (r.error) { problems.push(`broken link: ${what}: ${r.error}`); continue; }
      this.stats.internal++;
      if (!this.isFile(r.rel)) { problems.push(`broken link: ${what}: no file ${r.rel} in the build`); continue; }
      this.stats.targets.add(r.rel);
      if (r.hash && r.hash !== "#") {
        this.stats.fragments++;
        let id;
        try { id = decodeURIComponent(r.hash.slice(1)); } catch { id = r.hash.slice(1); }
        if (!this.idsOf(r.rel).has(id)) problems.push(`broken anchor: ${what}: no id "${id}" in ${r.rel}`);
      }
    }
    return problems;
  }
}
