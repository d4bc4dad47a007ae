// fieldbook search client.
// This file is the body of `function (M, CSS)`: the build (src/search/loader.rs) embeds it,
// lightly minified, in the entry script after the manifest M (src/search/emit.rs) and the
// styles CSS (search.css). It is not a standalone script.
// Every index file is a classic script calling window.__fb_search_load(name, data), loaded by
// <script> injection, so search works from file:// as well as over HTTP (no fetch, no eval).
// Page text is only ever inserted with textContent / createTextNode.
var W = window, D = document;
var FB = W.fieldbook = W.fieldbook || {};
var rootMeta = D.querySelector('meta[name="fb-root"]');
var here = D.currentScript && D.currentScript.src;
// Site root relative to this page; without the meta tag, the absolute root of this script.
var ROOT = rootMeta ? rootMeta.getAttribute('content') || '' : here ? here.replace(/[^\/]*$/, '') + '../' : '';
var FILE = location.protocol === 'file:';
var cache = {}, waiting = {};

W.__fb_search_load = function (name, data) {
  var done = waiting[name];
  if (done) {
    delete waiting[name];
    done(data);
  }
};

function load(name) {
  if (!cache[name]) {
    cache[name] = new Promise(function (resolve, reject) {
      var s = D.createElement('script');
      waiting[name] = resolve;
      s.src = ROOT + 'search/' + name + '.js';
      s.onload = function () { s.remove(); };
      s.onerror = function () {
        delete cache[name];
        delete waiting[name];
        s.remove();
        reject(Error('fieldbook search: cannot load ' + name));
      };
      D.head.appendChild(s);
    });
  }
  return cache[name];
}

// Number lists: 5 bits per character, the 6th bit says "more characters follow".
var ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', DEC = [];
for (var i = 0; i < 64; i++) DEC[ALPHA.charCodeAt(i)] = i;
function ints(s) {
  var out = [], v = 0, c;
  for (var i = 0; i < s.length; i++) {
    c = DEC[s.charCodeAt(i)];
    v = v * 32 + (c & 31);
    if (c < 32) {
      out.push(v);
      v = 0;
    }
  }
  return out;
}

// The same folding as the index: lowercase, NFKD, no combining marks, plain apostrophes.
function fold(s) {
  return s.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').replace(/[\u2018\u2019\u02bc]/g, "'");
}
var WORD = /[\p{L}\p{N}_]+(?:['.:][\p{L}_]+|[',;.]\p{N}+)*/gu;
function words(s) {
  var out = [];
  (fold(s).match(WORD) || []).forEach(function (w) {
    if (M.ap && w.indexOf("'") >= 0) {
      w.split("'").forEach(function (p, j) {
        if (p.length > 2 || (j > 0 && p.length > 1)) out.push(p);
      });
    } else if (w.length <= 40) {
      out.push(w);
    }
  });
  return out;
}

// ---- term shards ----
function shardOf(key) {
  var lo = 0, hi = M.t.length - 1, mid;
  while (lo < hi) {
    mid = (lo + hi + 1) >> 1;
    if (M.t[mid] <= key) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
var shards = [];
function shard(i) {
  if (!shards[i]) {
    shards[i] = load('t-' + M.th[i]).then(function (d) {
      d.wi = new Map();
      d.ki = new Map();
      d.w.forEach(function (w, j) { d.wi.set(w, j); });
      d.k.forEach(function (k, j) { d.ki.set(k, j); });
      return d;
    });
  }
  return shards[i];
}
var terms = new Map();
function term(sh, j) {
  var s = sh.k[j], t = terms.get(s);
  if (!t) {
    var v = ints(sh.p[j]), doc = -1;
    t = { s: s, n: sh.n[j], d: [], sc: [], sec: [], f: sh.f[j] < 0 ? null : sh.F[sh.f[j]] };
    for (var i = 0; i < v.length; i += 3) {
      doc += v[i] + 1;
      t.d.push(doc);
      t.sc.push(v[i + 1]);
      t.sec.push(v[i + 2]);
    }
    terms.set(s, t);
  }
  return t;
}
// The best postings of a term, in the build's order (score, then page number).
function topDocs(t) {
  if (!t.top) {
    var idx = t.d.map(function (_, i) { return i; });
    idx.sort(function (a, b) { return t.sc[b] - t.sc[a] || t.d[a] - t.d[b]; });
    t.top = new Set(idx.slice(0, M.k).map(function (i) { return t.d[i]; }));
  }
  return t.top;
}
async function stemTerm(s) {
  var sh = await shard(shardOf(s)), j = sh.ki.get(s);
  return j === undefined ? null : term(sh, j);
}
// A word as typed: its surface form, else a stem spelled the same way.
async function exact(w) {
  var sh = await shard(shardOf(w)), j = sh.wi.get(w);
  if (j !== undefined) {
    var m = sh.m[j];
    return typeof m === 'number' ? term(sh, m) : stemTerm(m);
  }
  j = sh.ki.get(w);
  return j === undefined ? null : term(sh, j);
}
function from(list, w) {
  var lo = 0, hi = list.length, mid;
  while (lo < hi) {
    mid = (lo + hi) >> 1;
    if (list[mid] < w) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
// Completions of a prefix: the most frequent stems whose words start with it.
async function completions(w) {
  var a = shardOf(w), b = Math.min(shardOf(w + '\uffff'), a + 2), got = [], seen = new Set(), i, j;
  for (i = a; i <= b; i++) got.push(shard(i));
  got = await Promise.all(got);
  var found = [];
  for (i = 0; i < got.length; i++) {
    var sh = got[i];
    for (j = from(sh.w, w); j < sh.w.length && sh.w[j].startsWith(w); j++) {
      found.push(typeof sh.m[j] === 'number' ? term(sh, sh.m[j]) : stemTerm(sh.m[j]));
    }
    for (j = from(sh.k, w); j < sh.k.length && sh.k[j].startsWith(w); j++) found.push(term(sh, j));
  }
  found = (await Promise.all(found)).filter(function (t) {
    return t && !seen.has(t.s) && seen.add(t.s);
  });
  found.sort(function (x, y) { return y.n - x.n; });
  return found.slice(0, 6);
}

// ---- typo correction: Damerau-Levenshtein (optimal string alignment) ----
function distance(a, b, max) {
  var n = a.length, m = b.length, i, j, prev2 = [], prev = [], row, low, v;
  if (Math.abs(n - m) > max) return max + 1;
  for (j = 0; j <= m; j++) prev[j] = j;
  for (i = 1; i <= n; i++) {
    row = [i];
    low = i;
    for (j = 1; j <= m; j++) {
      v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      row[j] = v;
      if (v < low) low = v;
    }
    if (low > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[m];
}
async function corrections(w) {
  var n = w.length, max = n >= 8 ? 2 : n >= 4 ? 1 : 0, best = max + 1, out = [];
  if (!max || /[^\p{L}]/u.test(w)) return out;
  var lists = await Promise.all(M.lx.filter(function (c) {
    return c[1] >= n - max && c[0] <= n + max;
  }).map(function (c) { return load(c[2]); }));
  lists.forEach(function (l) {
    l.w.forEach(function (x) {
      var e = distance(w, x, Math.min(best, max));
      if (e < best) {
        best = e;
        out = [x];
      } else if (e === best && e <= max && out.length < 3) {
        out.push(x);
      }
    });
  });
  return out;
}

// One query word -> alternative terms with weights, and the correction made, if any.
async function resolve(w, last) {
  var t = await exact(w), alts = [], fix = null, i;
  if (t) alts.push({ t: t, x: 1 });
  if (last && w.length >= 2) {
    // A complete word keeps its meaning unless a completion is more common ("exam" -> "examples").
    (await completions(w)).forEach(function (c) {
      if (c !== t) alts.push({ t: c, x: !t || c.n > t.n ? 1 : 0.3 });
    });
  }
  // Unknown inflection ("escalates" when only "escalate" occurs): the longest stem it starts with.
  for (i = 1; !alts.length && i <= 3 && w.length - i >= 4; i++) {
    t = await exact(w.slice(0, -i));
    if (t) alts.push({ t: t, x: 0.9 });
  }
  if (!alts.length) {
    var fixes = await corrections(w);
    for (i = 0; i < fixes.length; i++) {
      t = await exact(fixes[i]);
      if (t) alts.push({ t: t, x: 0.9, w: fixes[i] });
    }
    if (alts.length) fix = alts[0].w;
  }
  return { w: w, alts: alts, fix: fix };
}

// ---- facets ----
var FACETS = ['kind', 'stage', 'role', 'persona', 'tag'], facetData = {};
function facet(name) {
  if (!facetData[name]) {
    facetData[name] = load(M.fx[name]).then(function (f) {
      f.sets = f.d.map(function (s) {
        var set = new Set(), doc = -1;
        ints(s).forEach(function (v) { set.add(doc += v + 1); });
        return set;
      });
      return f;
    });
  }
  return facetData[name];
}
function wanted(o, name) {
  var v = o[name];
  return v == null || v === '' ? null : [].concat(v).map(String);
}

// ---- ranking ----
async function rank(q, o) {
  var list = words(q), seen = new Set();
  var last = list.length && !/\s$/.test(q) ? list[list.length - 1] : null;
  list = list.filter(function (w) { return !seen.has(w) && seen.add(w); });
  var res = await Promise.all(list.map(function (w) { return resolve(w, w === last); }));
  var acc = new Map(), used = 0, stems = [], done = new Set();
  res.forEach(function (r) {
    var best = new Map();
    // Two words with one stem ("deal deals") count once.
    r.alts = r.alts.filter(function (a) { return !done.has(a.t.s); });
    r.alts.forEach(function (a) { done.add(a.t.s); });
    r.alts.forEach(function (a) {
      var t = a.t;
      if (!t.d.length) return;
      stems.push(t.s);
      for (var i = 0; i < t.d.length; i++) {
        var sc = t.sc[i] * a.x, b = best.get(t.d[i]);
        if (!b || sc > b[0]) best.set(t.d[i], [sc, t.sec[i], t]);
      }
    });
    if (!best.size) return;
    used++;
    best.forEach(function (b, doc) {
      var e = acc.get(doc);
      if (!e) acc.set(doc, e = { doc: doc, s: 0, m: 0, v: {}, t: [] });
      e.s += b[0];
      e.m++;
      e.v[b[1]] = (e.v[b[1]] || 0) + b[0];
      e.t.push(b[2]);
    });
  });
  var hits = [];
  acc.forEach(function (e) {
    e.score = Math.round(e.s * e.m / used * 100) / 100;
    var sec = 0, top = -1;
    for (var k in e.v) if (e.v[k] > top || (e.v[k] === top && +k < sec)) { top = e.v[k]; sec = +k; }
    e.sec = sec;
    hits.push(e);
  });
  for (var f = 0; f < FACETS.length; f++) {
    var want = wanted(o, FACETS[f]);
    if (!want) continue;
    var data = await facet(FACETS[f]), ok = new Set();
    want.forEach(function (v) {
      var j = data.v.indexOf(v);
      if (j >= 0) data.sets[j].forEach(function (d) { ok.add(d); });
    });
    hits = hits.filter(function (e) { return ok.has(e.doc); });
  }
  hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
  var fixed = res.some(function (r) { return r.fix; }) ? res.map(function (r) { return r.fix || r.w; }).join(' ') : null;
  return { hits: hits, fix: fixed, stems: stems, pre: last };
}

// ---- result data: cards and sections from fragments, else from page buckets ----
var cards = new Map(), secs = new Map();
function take(d) {
  var k;
  for (k in d.c) cards.set(+k, d.c[k]);
  if (d.e) {
    for (k in d.e) {
      d.e[k].forEach(function (e) {
        if (e[1]) secs.set(e[0] + '.' + e[1], { x: e[2], h: e[3], a: e[4] });
      });
    }
  }
  if (d.s) {
    for (k in d.s) {
      d.s[k].forEach(function (s, j) {
        var key = k + '.' + (j + 1);
        if (!secs.has(key)) secs.set(key, { h: s[0], a: s[1] });
      });
    }
  }
}
function ready(e) {
  return cards.has(e.doc) && (!e.sec || secs.has(e.doc + '.' + e.sec));
}
async function fill(hits) {
  // Cover the hits with as few fragment files as possible (greedy), then page buckets.
  for (var round = 0; round < 3; round++) {
    var need = hits.filter(function (e) { return !ready(e); }), votes = new Map(), best = null;
    if (!need.length) return;
    need.forEach(function (e) {
      e.t.forEach(function (t) {
        if (t.f && topDocs(t).has(e.doc)) votes.set(t.f, (votes.get(t.f) || 0) + 1);
      });
    });
    votes.forEach(function (n, f) { if (!best || n > votes.get(best)) best = f; });
    if (!best) break;
    take(await load(best));
  }
  var buckets = new Set();
  hits.forEach(function (e) { if (!ready(e)) buckets.add(Math.floor(e.doc / M.db)); });
  (await Promise.all(Array.from(buckets, function (b) { return load('d' + b + '-' + M.dg); }))).forEach(take);
}
function href(url, anchor) {
  if (FILE && /\/$|^$/.test(url)) url += 'index.html';
  url = ROOT + url + (anchor ? '#' + anchor : '');
  return url || './';
}
async function run(q, o) {
  o = o || {};
  var r = await rank(String(q || ''), o), limit = o.limit > 0 ? o.limit : 10;
  var hits = r.hits.slice(0, limit);
  await fill(hits);
  r.results = hits.map(function (e) {
    var c = cards.get(e.doc) || ['', '', '', '', ''], s = (e.sec && secs.get(e.doc + '.' + e.sec)) || {};
    return {
      url: href(c[1], s.a),
      title: c[0],
      kind: c[2],
      heading: s.h || '',
      snippet: s.x || c[4],
      score: e.score,
      b: c[3],
      doc: e.doc
    };
  });
  return r;
}

FB.search = function (query, opts) {
  return run(query, opts).then(function (r) {
    return r.results.map(function (x) {
      return { url: x.url, title: x.title, kind: x.kind, heading: x.heading, snippet: x.snippet, score: x.score };
    });
  });
};

// ---- UI ----
function el(tag, cls, text) {
  var e = D.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}
// Appends `text` to `node`, wrapping words that match the query in <mark>.
function marked(node, text, r) {
  var re = /[\p{L}\p{N}_']+/gu, at = 0, m;
  while ((m = re.exec(text))) {
    var w = fold(m[0]), hit = r.stems.some(function (s) {
      return w === s || (s.length >= 3 && w.startsWith(s));
    }) || (r.pre && r.pre.length >= 2 && w.startsWith(r.pre));
    if (!hit) continue;
    node.appendChild(D.createTextNode(text.slice(at, m.index)));
    node.appendChild(el('mark', '', m[0]));
    at = m.index + m[0].length;
  }
  node.appendChild(D.createTextNode(text.slice(at)));
  return node;
}
var styled = false, uid = 0;
function style() {
  if (styled) return;
  styled = true;
  D.head.appendChild(el('style', '', CSS));
}

// A search box with results; `page` is the full results page (more results, filters open).
function panel(host, page) {
  var id = 'fb-s' + uid++, state = { f: {}, seq: 0, active: -1, r: null };
  var input = el('input', 'fb-s-input');
  input.type = 'text';
  input.id = id + 'i';
  input.placeholder = 'Search the handbook';
  input.autocomplete = 'off';
  input.spellcheck = false;
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-label', 'Search');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', id + 'l');
  var status = el('p', 'fb-s-status');
  status.setAttribute('role', 'status');
  var toggle = el('button', 'fb-s-toggle', 'Filters');
  toggle.type = 'button';
  toggle.setAttribute('aria-expanded', 'false');
  toggle.setAttribute('aria-controls', id + 'f');
  var facets = el('div', 'fb-s-facets');
  facets.id = id + 'f';
  facets.hidden = true;
  var list = el('ul', 'fb-s-list');
  list.id = id + 'l';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Results');
  var bar = el('div', 'fb-s-bar');
  bar.appendChild(input);
  bar.appendChild(toggle);
  host.appendChild(bar);
  host.appendChild(facets);
  host.appendChild(status);
  host.appendChild(list);

  function activate(i) {
    var items = list.children;
    if (state.active >= 0 && items[state.active]) items[state.active].setAttribute('aria-selected', 'false');
    state.active = items.length ? (i + items.length) % items.length : -1;
    if (state.active < 0) return input.removeAttribute('aria-activedescendant');
    var it = items[state.active];
    it.setAttribute('aria-selected', 'true');
    input.setAttribute('aria-activedescendant', it.id);
    it.scrollIntoView({ block: 'nearest' });
  }
  function render(r) {
    list.textContent = '';
    state.active = -1;
    input.removeAttribute('aria-activedescendant');
    r.results.forEach(function (x, i) {
      var li = el('li', 'fb-s-item'), a = el('a'), head = el('span', 'fb-s-head');
      li.id = id + 'o' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      a.href = x.url;
      a.tabIndex = -1;
      head.appendChild(marked(el('span', 'fb-s-title'), x.title, r));
      if (x.kind) head.appendChild(el('span', 'fb-s-kind', x.kind));
      a.appendChild(head);
      if (x.heading || x.b) a.appendChild(el('span', 'fb-s-path', [x.b, x.heading].filter(Boolean).join(' › ')));
      if (x.snippet) a.appendChild(marked(el('span', 'fb-s-snip'), x.snippet, r));
      li.appendChild(a);
      li.onmousemove = function () { if (state.active !== i) activate(i); };
      list.appendChild(li);
    });
    input.setAttribute('aria-expanded', r.results.length ? 'true' : 'false');
    var n = r.hits.length;
    status.textContent = !input.value.trim() ? '' : (r.fix ? 'Showing results for “' + r.fix + '”. ' : '') +
      (n ? n + (n === 1 ? ' result' : ' results') : 'No results');
    if (!facets.hidden) counts(r);
  }
  function counts(r) {
    var seq = state.seq;
    Promise.all(FACETS.map(facet)).then(function (all) {
      if (seq !== state.seq) return;
      facets.textContent = '';
      all.forEach(function (f, k) {
        var name = FACETS[k], on = state.f[name], chips = [];
        f.v.forEach(function (v, j) {
          var n = 0;
          r.hits.forEach(function (e) { if (f.sets[j].has(e.doc)) n++; });
          if (n || on === v) chips.push([v, n]);
        });
        if (!chips.length) return;
        chips.sort(function (x, y) { return y[1] - x[1] || (x[0] < y[0] ? -1 : 1); });
        var group = el('div', 'fb-s-group');
        group.setAttribute('role', 'group');
        group.setAttribute('aria-label', name);
        group.appendChild(el('span', 'fb-s-gname', name));
        chips.slice(0, page ? 30 : 8).forEach(function (c) {
          var b = el('button', 'fb-s-chip', c[0].replace(/-/g, ' '));
          b.type = 'button';
          b.setAttribute('aria-pressed', on === c[0] ? 'true' : 'false');
          b.appendChild(el('span', 'fb-s-count', String(c[1])));
          b.onclick = function () {
            state.f[name] = on === c[0] ? null : c[0];
            update(0);
          };
          group.appendChild(b);
        });
        facets.appendChild(group);
      });
    });
  }
  var timer;
  function update(delay) {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var seq = ++state.seq, q = input.value, o = { limit: page ? 50 : 10 };
      FACETS.forEach(function (f) { if (state.f[f]) o[f] = state.f[f]; });
      if (page && history.replaceState) {
        var u = new URL(location.href);
        u.searchParams.set('q', q);
        history.replaceState(null, '', u);
      }
      if (!q.trim()) {
        render({ results: [], hits: [], stems: [] });
        return;
      }
      run(q, o).then(function (r) {
        if (seq === state.seq) render(state.r = r);
      }, function (err) {
        if (seq === state.seq) status.textContent = 'Search is unavailable: ' + err.message;
      });
    }, delay);
  }
  function showFilters(open) {
    facets.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open && state.r) counts(state.r);
  }
  toggle.onclick = function () { showFilters(facets.hidden); };
  input.oninput = function () { update(60); };
  input.onkeydown = function (e) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      activate(state.active + (e.key === 'ArrowDown' ? 1 : state.active < 0 ? 0 : -1));
    } else if (e.key === 'Enter') {
      var it = list.children[state.active >= 0 ? state.active : 0];
      e.preventDefault();
      if (it) location.href = it.firstChild.href;
    }
  };
  if (page) showFilters(true);
  return { input: input, update: update };
}

var dialog, box;
function open() {
  style();
  if (!dialog) {
    dialog = el('dialog', 'fb-s-dialog');
    dialog.setAttribute('aria-label', 'Search');
    box = panel(dialog, false);
    var foot = el('p', 'fb-s-foot'), all = el('a', '', 'All results');
    all.href = href('search/');
    all.onclick = function () { all.href = href('search/') + '?q=' + encodeURIComponent(box.input.value); };
    foot.appendChild(all);
    foot.appendChild(D.createTextNode(' · ↑↓ to move · Enter to open · Esc to close'));
    dialog.appendChild(foot);
    dialog.addEventListener('click', function (e) { if (e.target === dialog) dialog.close(); });
    (D.getElementById('fb-search') || D.body).appendChild(dialog);
  }
  if (!dialog.open) dialog.showModal();
  box.input.select();
  box.input.focus();
}
FB.openSearch = open;

function typing(t) {
  return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
}
function init() {
  var btn = D.getElementById('fb-search-open');
  if (btn) btn.addEventListener('click', open);
  D.addEventListener('keydown', function (e) {
    if (((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') ||
        (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target))) {
      e.preventDefault();
      open();
    }
  });
  var mount = D.getElementById('fb-search-page');
  if (mount) {
    style();
    var p = panel(mount, true);
    p.input.value = new URLSearchParams(location.search).get('q') || '';
    p.input.focus();
    p.update(0);
  }
}
if (D.readyState === 'loading') D.addEventListener('DOMContentLoaded', init);
else init();
