// fieldbook search client: the engine, loaded by every page.
// This file is the body of `function (M, U)`: the build (src/search/loader.rs) minifies it and
// embeds it in the entry script with the manifest M (src/search/emit.rs) and U, the factory of
// the dialog and results page (search-ui.js, with search.css). It is not a standalone script.
// U runs on first use, so pages and programmatic searches pay only for parsing it.
// Every index file is a classic script calling window.__fb_search_load(name, data), loaded by
// <script> injection, so search works from file:// as well as over HTTP (no fetch, no eval).
// Page text is only ever inserted with textContent / createTextNode.
var W = window, D = document;
var FB = W.fieldbook = W.fieldbook || {};
var rootMeta = D.querySelector('meta[name="fb-root"]');
var here = D.currentScript && D.currentScript.src;
// The site root relative to this page; without the meta tag, the absolute root of this script.
var ROOT = rootMeta ? rootMeta.getAttribute('content') || '' : here ? here.replace(/[^/]*$/, '') + '../' : '';
var cache = {}, waiting = {};

W.__fb_search_load = (name, data) => {
  var done = waiting[name];
  delete waiting[name];
  if (done) done(data);
};
var load = (name) => cache[name] || (cache[name] = new Promise((resolve, reject) => {
  var s = D.createElement('script');
  waiting[name] = resolve;
  s.src = ROOT + 'search/' + name + '.js';
  s.onload = () => s.remove();
  s.onerror = () => {
    delete cache[name];
    s.remove();
    reject(Error('cannot load search index ' + name));
  };
  D.head.appendChild(s);
}));

// Number lists: 5 bits per character; values of 32 and more mean "more characters follow".
var ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', DEC = {};
for (var i = 0; i < 64; i++) DEC[ALPHA[i]] = i;
var ints = (s) => {
  var out = [], v = 0, c;
  for (var ch of s) {
    c = DEC[ch];
    v = v * 32 + (c & 31);
    if (c < 32) out.push(v), v = 0;
  }
  return out;
};
// Page numbers are stored as gaps: each is one more than the previous plus the gap.
var gaps = (list, step) => {
  for (var d = -1, j = 0; j < list.length; j += step) list[j] = d += list[j] + 1;
  return list;
};

// The index's folding: lowercase, NFKD, no combining marks, plain apostrophes.
var fold = (s) => s.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').replace(/[\u2018\u2019\u02bc]/g, "'");
var words = (s) => {
  var out = [];
  for (var w of fold(s).match(/[\p{L}\p{N}_]+(?:['.:][\p{L}_]+|[',;.]\p{N}+)*/gu) || []) {
    if (M.ap && w.includes("'")) w.split("'").forEach((p, j) => (p.length > 2 || (j && p.length > 1)) && out.push(p));
    else if (w.length <= 40) out.push(w);
  }
  return out;
};
var slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
var from = (list, w) => {
  var lo = 0, hi = list.length, mid;
  while (lo < hi) list[mid = (lo + hi) >> 1] < w ? lo = mid + 1 : hi = mid;
  return lo;
};

// ---- term shards: surface forms (w -> m), stems (k) with page counts (n), postings (p) ----
// Shard boundaries: the first key of each shard but the first, space-separated.
var bounds = M.t.split(' ');
var shardOf = (key) => from(bounds, key + '\0') - 1;
var shards = [], terms = new Map();
var shard = (i) => shards[i] || (shards[i] = load('t' + i + '-' + M.tg).then((d) => {
  d.wi = new Map(d.w.map((w, j) => [w, j]));
  d.ki = new Map(d.k.map((k, j) => [k, j]));
  return d;
}));
var term = (sh, j) => {
  var s = sh.k[j], t = terms.get(s);
  if (!t) {
    var v = gaps(ints(sh.p[j]), 3);
    t = { s: s, n: sh.n[j], d: [], sc: [], sec: [], f: sh.F[sh.f[j]] };
    for (var i = 0; i < v.length; i += 3) t.d.push(v[i]), t.sc.push(v[i + 1]), t.sec.push(v[i + 2]);
    terms.set(s, t);
  }
  return t;
};
// The pages whose cards the term's fragment holds: its best postings, in the build's order.
var topDocs = (t) => t.top || (t.top = new Set(t.d.map((d, i) => i)
  .sort((a, b) => t.sc[b] - t.sc[a] || t.d[a] - t.d[b]).slice(0, M.k).map((i) => t.d[i])));
var stemTerm = async (s) => {
  var sh = await shard(shardOf(s)), j = sh.ki.get(s);
  return j == null ? null : term(sh, j);
};
// A word as typed: a known surface form, else a stem spelled that way.
var exact = async (w) => {
  var sh = await shard(shardOf(w)), j = sh.wi.get(w);
  if (j != null) return typeof sh.m[j] == 'number' ? term(sh, sh.m[j]) : stemTerm(sh.m[j]);
  j = sh.ki.get(w);
  return j == null ? null : term(sh, j);
};
// Completions of a prefix: the most frequent stems with words starting with it. A complete
// word looks no further than its own shard; a fragment looks at up to three.
var completions = async (w, known) => {
  var a = shardOf(w), b = known ? a : Math.min(shardOf(w + '\uffff'), a + 2), found = [], seen = new Set();
  for (var i = a; i <= b; i++) {
    var sh = await shard(i), j;
    for (j = from(sh.w, w); sh.w[j] && sh.w[j].startsWith(w); j++) found.push(typeof sh.m[j] == 'number' ? term(sh, sh.m[j]) : stemTerm(sh.m[j]));
    for (j = from(sh.k, w); sh.k[j] && sh.k[j].startsWith(w); j++) found.push(term(sh, j));
  }
  return (await Promise.all(found)).filter((t) => t && !seen.has(t.s) && seen.add(t.s))
    .sort((x, y) => y.n - x.n).slice(0, 6);
};

// ---- typo correction: Damerau-Levenshtein (optimal string alignment), capped at `max` ----
var distance = (a, b, max) => {
  var n = a.length, m = b.length, prev2, prev = [], row, low, v, i, j;
  if (Math.abs(n - m) > max) return max + 1;
  for (j = 0; j <= m; j++) prev[j] = j;
  for (i = 1; i <= n; i++) {
    row = [low = i];
    for (j = 1; j <= m; j++) {
      v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]));
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      low = Math.min(low, row[j] = v);
    }
    if (low > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[m];
};
// Words of the lexicon nearest to `w`: 1 edit for 4-7 letters, 2 for 8 or more.
var corrections = async (w) => {
  var n = w.length, max = n > 7 ? 2 : n > 3 ? 1 : 0, best = max + 1, out = [];
  if (max && !/[^\p{L}]/u.test(w)) {
    for (var l of await Promise.all(M.lx.filter((c) => c[1] >= n - max && c[0] <= n + max).map((c) => load(c[2])))) {
      for (var x of l.w) {
        var e = distance(w, x, Math.min(best, max));
        if (e < best) best = e, out = [x];
        else if (e == best && e <= max && out.length < 3) out.push(x);
      }
    }
  }
  return out;
};

// One query word -> alternative terms with weights, and the correction made, if any.
var resolve = async (w, last) => {
  var t = await exact(w), alts = t ? [{ t: t, x: 1 }] : [], fix = null, i;
  // Prefixes of one or two letters match too much to be worth their requests.
  if (last && w.length > 2) {
    // A complete word keeps its meaning unless a completion is more common ("exam" -> "examples").
    for (var c of await completions(w, t)) if (c != t) alts.push({ t: c, x: !t || c.n > t.n ? 1 : 0.3 });
  }
  // An inflection the pages never use ("escalates"): the word minus an ending. In English only
  // real endings, so a typo ("discovry") goes to the lexicon rather than to a shorter stem
  // ("discov", of "discover") that it only happens to start with.
  for (i = 1; !alts.length && i < 4 && w.length - i > 3; i++) {
    if ((M.lang != 'en' || /^(s|es|ed|d|ing|ly|er|ers)$/.test(w.slice(-i))) && (t = await exact(w.slice(0, -i)))) alts.push({ t: t, x: 0.9 });
  }
  if (!alts.length) {
    for (var f of await corrections(w)) {
      if (t = await exact(f)) alts.push({ t: t, x: 0.9 }), fix = fix || f;
    }
  }
  return { w: w, alts: alts, fix: fix };
};

// ---- facets: one file per facet, values (v) and page lists (d) ----
var FACETS = ['kind', 'stage', 'role', 'persona', 'tag'], facets = {};
var facet = (name) => facets[name] || (facets[name] = load(M.fx[name]).then((f) => {
  f.sets = f.d.map((s) => new Set(gaps(ints(s), 1)));
  return f;
}));

// ---- ranking: sum over query words of the best posting among the word's terms ----
var rank = async (q, o) => {
  var list = words(q), last = /\s$/.test(q) ? null : list[list.length - 1];
  // Eight distinct words are plenty, and each may cost a request.
  list = [...new Set(list)].slice(0, 8);
  var res = await Promise.all(list.map((w) => resolve(w, w == last)));
  var acc = new Map(), used = 0, stems = [], done = new Set(), hits = [];
  for (var r of res) {
    var best = new Map();
    // Two words with one stem ("deal deals") count once.
    for (var a of r.alts) {
      var t = a.t;
      if (done.has(t.s) || !t.d.length) continue;
      done.add(t.s);
      stems.push(t.s);
      t.d.forEach((doc, i) => {
        var sc = t.sc[i] * a.x, b = best.get(doc);
        if (!b || sc > b[0]) best.set(doc, [sc, t.sec[i], t]);
      });
    }
    if (best.size) used++;
    best.forEach((b, doc) => {
      var e = acc.get(doc) || { doc: doc, s: 0, m: 0, v: {}, t: [] };
      acc.set(doc, e);
      e.s += b[0];
      e.m++;
      // Sections vote with the number of words they hold, then with score.
      e.v[b[1]] = (e.v[b[1]] || 0) + 1000 + b[0];
      e.t.push(b[2]);
    });
  }
  // Pages matching more of the words rank higher; the section holding most words is linked.
  acc.forEach((e) => {
    e.score = Math.round(e.s * e.m / used * 100) / 100;
    e.sec = 0;
    for (var k in e.v) if (e.v[k] > (e.v[e.sec] || 0)) e.sec = +k;
    hits.push(e);
  });
  for (var name of FACETS) {
    var want = o[name] == null || o[name] === '' ? null : [].concat(o[name]).map(String);
    if (!want) continue;
    var f = await facet(name), ok = new Set();
    want.forEach((v) => f.v.includes(v) && f.sets[f.v.indexOf(v)].forEach((d) => ok.add(d)));
    hits = hits.filter((e) => ok.has(e.doc));
  }
  hits.sort((a, b) => b.score - a.score || a.doc - b.doc);
  return {
    hits: hits,
    fix: res.some((r) => r.fix) ? res.map((r) => r.fix || r.w).join(' ') : null,
    stems: stems,
    pre: last
  };
};

// ---- result data: cards and sections from fragments (f-*) or page buckets (d*) ----
// Card: [title, dir, tail (0: slug of title + '/'), kind, breadcrumb, summary] over tables D, K, B.
var cards = new Map(), secs = new Map();
var addSec = (key, h, a, x) => {
  var s = secs.get(key);
  if (!s || (x && !s.x)) secs.set(key, { h: h, a: a === 0 ? slug(h) : a, x: x });
};
var take = (d) => {
  for (var k in d.c) {
    var c = d.c[k];
    cards.set(+k, { title: c[0], url: d.D[c[1]] + (c[2] === 0 ? slug(c[0]) + '/' : c[2]), kind: d.K[c[3]], b: d.B[c[4]], sum: c[5] });
  }
  for (k in d.e) d.e[k].forEach((e) => e[1] && addSec(e[0] + '.' + e[1], e[2], e[3], e[4]));
  for (k in d.s) for (var j = 0; j < d.s[k].length; j += 2) addSec(k + '.' + (j / 2 + 1), d.s[k][j], d.s[k][j + 1]);
};
var ready = (e) => cards.has(e.doc) && (!e.sec || secs.has(e.doc + '.' + e.sec));
// Covers the hits with as few fragment files as possible (greedy, at most 3), the rest with
// page buckets, and loads them all at once. A term's fragment holds its top pages, each with
// the section of that term's posting.
var fill = async (hits) => {
  var need = hits.filter((e) => !ready(e)), files = [];
  for (var round = 0; round < 3 && need.length; round++) {
    var votes = new Map(), best = null;
    need.forEach((e) => e.t.forEach((t) => t.f && topDocs(t).has(e.doc) && (!e.sec || t.sec[t.d.indexOf(e.doc)] == e.sec) &&
      votes.set(t.f, (votes.get(t.f) || []).concat(e))));
    votes.forEach((list, f) => { if (!best || list.length > votes.get(best).length) best = f; });
    // A fragment (~5 KB, many cards) saves requests but costs bytes: page buckets (~0.75 KB
    // each) are smaller for up to two results. Measured on the 2,000-page corpus: this rule
    // keeps later queries under 12 KB at the same median number of requests.
    if (!best || votes.get(best).length < 3) break;
    files.push(best);
    need = need.filter((e) => !votes.get(best).includes(e));
  }
  files.push(...new Set(need.map((e) => 'd' + Math.floor(e.doc / M.db) + '-' + M.dg)));
  (await Promise.all(files.map(load))).forEach(take);
};
// A site URL relative to this page; from disk, folders need an explicit index.html.
var href = (url, anchor) => {
  if (location.protocol == 'file:' && /(^|\/)$/.test(url)) url += 'index.html';
  return ROOT + url + (anchor ? '#' + anchor : '') || './';
};
// `alive` (optional) says whether the caller still wants the answer: the UI drops queries
// overtaken by typing before their result data is loaded.
var run = async (q, o, alive) => {
  o = o || {};
  var r = await rank(String(q || ''), o), hits = r.hits.slice(0, o.limit > 0 ? o.limit : 10);
  if (alive && !alive()) return null;
  await fill(hits);
  r.results = hits.map((e) => {
    var c = cards.get(e.doc) || { title: '', url: '' }, s = (e.sec && secs.get(e.doc + '.' + e.sec)) || {};
    return { url: href(c.url, s.a), title: c.title, kind: c.kind || '', heading: s.h || '', snippet: s.x || c.sum || '', score: e.score, b: c.b };
  });
  return r;
};

FB.search = (query, opts) => run(query, opts).then((r) => r.results.map((x) =>
  ({ url: x.url, title: x.title, kind: x.kind, heading: x.heading, snippet: x.snippet, score: x.score })));

// ---- UI: search-ui.js, set up when first needed ----
var ui;
var withUi = (f) => (ui || (ui = Promise.resolve().then(() => U({ run: run, href: href, fold: fold, facet: facet, FACETS: FACETS }))))
  .then(f, (err) => console.error(err));
var open = () => withUi((u) => u.open());
FB.openSearch = open;

var init = () => {
  var mount = D.getElementById('fb-search-page');
  // The header button, and any other element marked data-fb-search, opens the dialog.
  D.addEventListener('click', (e) => {
    if (e.target.closest && e.target.closest('#fb-search-open,[data-fb-search]')) {
      e.preventDefault();
      open();
    }
  });
  D.addEventListener('keydown', (e) => {
    var t = e.target, typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() == 'k' || (e.key == '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing)) {
      e.preventDefault();
      open();
    }
  });
  if (mount) withUi((u) => u.page(mount));
};
D.readyState == 'loading' ? D.addEventListener('DOMContentLoaded', init) : init();
