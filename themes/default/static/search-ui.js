// fieldbook search UI: the search dialog (`/`, Ctrl-K) and the results page (search/?q=).
// This file is the body of `function (E)`: the build (src/search/loader.rs) minifies it into the
// entry script with the styles of search.css (as CSS); the engine (search.js) calls it on first
// use with its API E = {run, href, fold, facet, FACETS}. It returns {open, page}.
// Page text is only ever inserted with textContent / createTextNode.
var D = document, run = E.run, href = E.href, fold = E.fold, facet = E.facet, FACETS = E.FACETS;
var el = (tag, cls, text, attrs) => {
  var e = D.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  for (var k in attrs) e.setAttribute(k, attrs[k]);
  return e;
};
var add = (parent, ...kids) => (kids.forEach((k) => k && parent.appendChild(k)), parent);
// Text with the words that match the query wrapped in <mark>.
var marked = (node, text, r) => {
  var at = 0;
  for (var m of text.matchAll(/[\p{L}\p{N}_']+/gu)) {
    var w = fold(m[0]);
    if (r.stems.some((s) => w == s || (s.length > 2 && w.startsWith(s))) || (r.pre && r.pre.length > 1 && w.startsWith(r.pre))) {
      add(node, D.createTextNode(text.slice(at, m.index)), el('mark', '', m[0]));
      at = m.index + m[0].length;
    }
  }
  return add(node, D.createTextNode(text.slice(at)));
};
var styled, uid = 0;
var style = () => styled || (styled = add(D.head, el('style', '', CSS)));

// A search box with results; `page` is the results page (more results, filters shown).
var panel = (host, page) => {
  var id = 'fb-s' + uid++, filters = {}, seq = 0, active = -1, last, timer;
  var input = el('input', 'fb-s-input', null, {
    type: 'text', role: 'combobox', 'aria-label': 'Search', 'aria-autocomplete': 'list',
    'aria-expanded': 'false', 'aria-controls': id + 'l', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'Search the handbook'
  });
  var toggle = el('button', 'fb-s-toggle', 'Filters', { type: 'button', 'aria-expanded': 'false', 'aria-controls': id + 'f' });
  var facetBox = el('div', 'fb-s-facets', null, { id: id + 'f' });
  var status = el('p', 'fb-s-status', null, { role: 'status' });
  var list = el('ul', 'fb-s-list', null, { id: id + 'l', role: 'listbox', 'aria-label': 'Results' });
  add(host, add(el('div', 'fb-s-bar'), input, toggle), facetBox, status, list);

  var activate = (i) => {
    var items = list.children, it;
    if (items[active]) items[active].setAttribute('aria-selected', 'false');
    active = items.length ? (i + items.length) % items.length : -1;
    if (!(it = items[active])) return input.removeAttribute('aria-activedescendant');
    it.setAttribute('aria-selected', 'true');
    input.setAttribute('aria-activedescendant', it.id);
    it.scrollIntoView({ block: 'nearest' });
  };
  var render = (r) => {
    list.textContent = '';
    active = -1;
    input.removeAttribute('aria-activedescendant');
    r.results.forEach((x, i) => {
      var a = add(el('a', null, null, { href: x.url, tabindex: '-1' }),
        add(el('span', 'fb-s-head'), marked(el('span', 'fb-s-title'), x.title, r), x.kind && el('span', 'fb-s-kind', x.kind)),
        (x.b || x.heading) && el('span', 'fb-s-path', [x.b, x.heading].filter(Boolean).join(' › ')),
        x.snippet && marked(el('span', 'fb-s-snip'), x.snippet, r));
      var li = add(el('li', 'fb-s-item', null, { id: id + 'o' + i, role: 'option', 'aria-selected': 'false' }), a);
      li.onmousemove = () => active != i && activate(i);
      list.appendChild(li);
    });
    input.setAttribute('aria-expanded', String(!!r.results.length));
    var n = r.hits.length;
    status.textContent = !input.value.trim() ? '' : (r.fix ? 'Showing results for “' + r.fix + '”. ' : '') +
      (n ? n + (n > 1 ? ' results' : ' result') : 'No results');
    if (!facetBox.hidden) counts(r);
  };
  // Facet chips with counts over all matching pages; loaded only when filters are shown.
  var counts = (r) => {
    var mine = seq;
    Promise.all(FACETS.map(facet)).then((all) => {
      if (mine != seq) return;
      facetBox.textContent = '';
      all.forEach((f, k) => {
        var name = FACETS[k], on = filters[name];
        var chips = f.v.map((v, j) => [v, r.hits.filter((e) => f.sets[j].has(e.doc)).length])
          .filter((c) => c[1] || c[0] == on).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, page ? 40 : 8);
        if (!chips.length) return;
        var group = add(el('div', 'fb-s-group', null, { role: 'group', 'aria-label': name }), el('span', 'fb-s-gname', name));
        chips.forEach((c) => {
          var b = add(el('button', 'fb-s-chip', c[0].replace(/-/g, ' '), { type: 'button', 'aria-pressed': String(on == c[0]) }),
            el('span', 'fb-s-count', c[1]));
          b.onclick = () => {
            filters[name] = on == c[0] ? null : c[0];
            update(0);
          };
          group.appendChild(b);
        });
        facetBox.appendChild(group);
      });
    });
  };
  var update = (delay) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      // The dialog shows the best few (each costs result data); the results page shows more.
      var mine = ++seq, q = input.value, o = { limit: page ? 50 : 6 };
      FACETS.forEach((f) => { if (filters[f]) o[f] = filters[f]; });
      if (page) {
        var u = new URL(location.href);
        u.searchParams.set('q', q);
        history.replaceState(null, '', u);
      }
      if (!q.trim()) return render({ results: [], hits: [], stems: [] });
      run(q, o, () => mine == seq).then((r) => r && mine == seq && render(last = r),
        (err) => { if (mine == seq) status.textContent = 'Search is unavailable: ' + err.message; });
    }, delay);
  };
  var showFilters = (open) => {
    facetBox.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open && last) counts(last);
  };
  toggle.onclick = () => showFilters(facetBox.hidden);
  // Typing waits for a pause (60 ms); a query pasted or filled in at once runs at once.
  var typed = '';
  input.oninput = () => {
    var q = input.value, step = Math.abs(q.length - typed.length);
    typed = q;
    update(step > 1 ? 0 : 60);
  };
  input.onkeydown = (e) => {
    var k = e.key, it;
    if (k == 'ArrowDown' || k == 'ArrowUp') {
      e.preventDefault();
      activate(active + (k == 'ArrowDown' ? 1 : active < 0 ? 0 : -1));
    } else if (k == 'Enter' && (it = list.children[Math.max(active, 0)])) {
      e.preventDefault();
      location.href = it.firstChild.href;
    }
  };
  // The results page opens its filters, except on a phone, where they would push the first
  // result below the screen (the Filters button shows them).
  showFilters(page && !(window.matchMedia && matchMedia('(max-width: 600px)').matches));
  return { input: input, update: update };
};

var dialog, box;
var open = () => {
  style();
  if (!dialog) {
    dialog = el('dialog', 'fb-s-dialog', null, { 'aria-label': 'Search' });
    box = panel(dialog, false);
    var all = el('a', '', 'All results', { href: href('search/') });
    all.onclick = () => { all.href = href('search/') + '?q=' + encodeURIComponent(box.input.value); };
    add(dialog, add(el('p', 'fb-s-foot'), all, D.createTextNode(' · ↑↓ move · Enter opens · Esc closes')));
    dialog.onclick = (e) => e.target == dialog && dialog.close();
    (D.getElementById('fb-search') || D.body).appendChild(dialog);
  }
  if (!dialog.open) dialog.showModal();
  box.input.focus();
  box.input.select();
};
var page = (mount) => {
  style();
  var p = panel(mount, true);
  p.input.value = new URLSearchParams(location.search).get('q') || '';
  p.input.focus();
  p.update(0);
};
return { open: open, page: page };
