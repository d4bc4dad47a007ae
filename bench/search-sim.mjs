#!/usr/bin/env node
// Quick layout check without a browser: runs the built site's search client in Node (a fake
// document that "loads" index scripts from disk) and reports, for the first N known-item
// queries, the files a first query in the dialog (6 results) loads: requests, bytes (entry
// included) and request rounds (loads started after an earlier one finished).
//
//   node bench/search-sim.mjs SITE_DIR QUERIES_JSON [N]
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";

const [site, qfile, n = "500"] = process.argv.slice(2);
const queries = JSON.parse(fs.readFileSync(qfile, "utf8")).slice(0, +n);
const entry = fs.readFileSync(path.join(site, "search/fieldbook-search.js"), "utf8");

function fresh() {
  const log = [];
  let inflight = 0, round = 0, maxRound = 0;
  const head = {
    appendChild(s) {
      const name = s.src;
      const file = path.join(site, name);
      const r = round + 1;
      log.push([name, fs.statSync(file).size, r]);
      inflight++;
      setTimeout(() => {
        round = Math.max(round, r);
        maxRound = Math.max(maxRound, r);
        vm.runInContext(fs.readFileSync(file, "utf8"), ctx);
        inflight--;
        s.onload && s.onload();
      }, 1);
    },
  };
  const document = {
    readyState: "complete",
    currentScript: null,
    head,
    querySelector: () => ({ getAttribute: () => "" }),
    getElementById: () => null,
    addEventListener() {},
    createElement: () => ({ remove() {} }),
  };
  const window = { document, location: { protocol: "http:" } };
  window.window = window;
  const ctx = vm.createContext(Object.assign(window, { console, setTimeout, Promise, Map, Set }));
  vm.runInContext(entry, ctx);
  return { fb: window.fieldbook, log, rounds: () => maxRound };
}

const q50 = (a) => { const s = a.slice().sort((x, y) => x - y); return s[s.length >> 1]; };
const q90 = (a) => { const s = a.slice().sort((x, y) => x - y); return s[Math.floor(s.length * 0.9)]; };
const req = [], bytes = [], rounds = [], kinds = {};
const entryBytes = Buffer.byteLength(entry);
for (const q of queries) {
  const s = fresh();
  await s.fb.search(q.exact, { limit: 6 });
  req.push(1 + s.log.length);
  bytes.push(entryBytes + s.log.reduce((a, [, b]) => a + b, 0));
  rounds.push(s.rounds());
  for (const [name] of s.log) {
    const k = name.replace(/^search\//, "")[0];
    kinds[k] = (kinds[k] || 0) + 1 / queries.length;
  }
}
console.log(`${queries.length} queries: requests p50 ${q50(req)} p90 ${q90(req)}; bytes p50 ${(q50(bytes) / 1000).toFixed(1)} KB p90 ${(q90(bytes) / 1000).toFixed(1)} KB; rounds p50 ${q50(rounds)} p90 ${q90(rounds)}; entry ${(entryBytes / 1000).toFixed(1)} KB`);
console.log("files per query: " + Object.entries(kinds).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", "));
