// Problems that come from the generator (src/), not from the theme or the tests. Each is written
// up in tests/browser/FINDINGS.md; the suite reports it as "known" instead of failing, so the
// rest of the suite stays useful until it is fixed. When a run no longer sees one, the runner
// says so: delete the entry then. Keep this list short and every pattern narrow.
export const KNOWN = [
  // (none open: F1 and F3 are fixed, see FINDINGS.md)
];

const seen = new Set();
/** Splits problem lines into [real, known]; remembers which known issues were seen. */
export function splitKnown(problems) {
  const real = [], known = [];
  for (const p of problems) {
    const k = KNOWN.find(k => k.match.test(p));
    if (k) { seen.add(k.id); known.push(`${k.id}: ${p}`); } else real.push(p);
  }
  return [real, known];
}
export const unseenKnown = () => KNOWN.filter(k => !seen.has(k.id)).map(k => k.id);
