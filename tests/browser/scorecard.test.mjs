// The qualification scorecard on every framework page, over http and from file://: name a deal,
// score every criterion and write notes (typing and clicking, as a reader would), reload: the
// deal, scores and notes are back; the summary counts them; the Markdown export names the deal
// and every criterion with its score and notes; a second deal can be started and the first one
// picked again; deleting a deal can be undone; frameworks keep separate deals.
import assert from "node:assert/strict";
import { test } from "./lib/harness.mjs";
import { LOCAL_TARGETS, listPages, SITE_DIR } from "./lib/site.mjs";
import fs from "node:fs";
import path from "node:path";

const frameworks = () => listPages(SITE_DIR).filter(rel => rel.endsWith("/") &&
  /<body[^>]*class="[^"]*fb-pk-framework/.test(fs.readFileSync(path.join(SITE_DIR, rel, "index.html"), "utf8")) &&
  fs.readFileSync(path.join(SITE_DIR, rel, "index.html"), "utf8").includes('id="fb-scorecard"'));

const readForm = page => page.evaluate(() => {
  const fw = JSON.parse(document.getElementById("fb-scorecard-data").textContent);
  return {
    name: document.getElementById("fb-deal-name").value,
    scores: Object.fromEntries(fw.criteria.map(c => [c.id, document.querySelector(`input[name="score-${c.id}"]:checked`)?.value ?? null])),
    notes: Object.fromEntries(fw.criteria.map(c => [c.id, document.querySelector(`textarea[name="notes-${c.id}"]`).value])),
    selected: document.getElementById("fb-deal-select").selectedOptions[0]?.textContent,
  };
});

for (const name of LOCAL_TARGETS) {
  test(`scorecard [${name}] every framework: score a named deal, reload, export`, async t => {
    const list = frameworks();
    assert.ok(list.length >= 1, "no framework page with a scorecard in the build");
    const ctx = await t.context();
    for (const rel of list) {
      const { page } = await t.open(name, rel, { ctx });
      const fw = await page.evaluate(() => JSON.parse(document.getElementById("fb-scorecard-data").textContent));
      const scale = fw.scale.map(s => String(s.score));
      assert.ok(fw.criteria.length >= 3 && scale.length >= 2, `${rel}: criteria and scale`);
      const deal = `Contoso – ${fw.id} rollout | phase 2`;
      await page.locator("#fb-deal-name").click();
      await page.keyboard.type(deal);
      const want = { scores: {}, notes: {} };
      for (const [i, c] of fw.criteria.entries()) {
        if (i === fw.criteria.length - 1) { want.scores[c.id] = null; want.notes[c.id] = ""; continue; } // one left unscored: a gap
        const score = scale[i % scale.length];
        await page.locator(`input[name="score-${c.id}"][value="${score}"]`).check();
        const note = `Evidence for ${c.name}: email of ${i + 1} Nov\nsecond line`;
        await page.locator(`textarea[name="notes-${c.id}"]`).fill(note);
        want.scores[c.id] = score;
        want.notes[c.id] = note;
      }
      const stored = await page.evaluate(id => JSON.parse(localStorage.getItem("fieldbook:scorecard:" + id)), fw.id);
      assert.ok(stored && stored.deals[stored.current], `${rel}: state saved under fieldbook:scorecard:${fw.id}`);
      assert.equal(stored.deals[stored.current].name, deal);

      await page.reload({ waitUntil: "load" });
      const got = await readForm(page);
      assert.equal(got.name, deal, `${rel}: deal name after reload`);
      assert.deepEqual(got.scores, want.scores, `${rel}: scores after reload`);
      assert.deepEqual(got.notes, want.notes, `${rel}: notes after reload`);
      assert.equal(got.selected, deal, `${rel}: saved-deals list shows the deal`);
      const summary = await page.locator("#fb-sc-summary").innerText();
      assert.match(summary, new RegExp(`${fw.criteria.length - 1} of ${fw.criteria.length} criteria scored`), `${rel}: summary counts`);
      assert.match(summary, /Gaps/i, `${rel}: summary lists gaps`);

      await page.locator("#fb-export").click();
      const md = await page.locator("#fb-export-output").inputValue();
      assert.equal(md, await page.evaluate(() => window.fieldbook.scorecard.markdown()), `${rel}: export = scorecard.markdown()`);
      assert.ok(md.startsWith(`# ${fw.title || fw.id} scorecard: ${deal.replace("|", "|")}`), `${rel}: export title names the deal:\n${md.slice(0, 120)}`);
      const rows = md.split("\n").filter(l => l.startsWith("| ") && !/^\| (Criterion|---)/.test(l));
      assert.equal(rows.length, fw.criteria.length, `${rel}: one table row per criterion`);
      for (const [i, c] of fw.criteria.entries()) {
        const row = rows[i];
        assert.ok(row.includes(c.name), `${rel}: export row for ${c.name}: ${row}`);
        const label = want.scores[c.id] == null ? "Not scored" : `${want.scores[c.id]} · ${fw.scale.find(s => String(s.score) === want.scores[c.id]).label}`;
        assert.ok(row.includes(label), `${rel}: ${c.name} score "${label}" in ${row}`);
        if (want.notes[c.id]) assert.ok(row.includes(want.notes[c.id].replace("\n", "<br>")), `${rel}: ${c.name} notes in ${row}`);
        assert.equal(row.split(/(?<!\\)\|/).length, 5, `${rel}: row has 3 cells (pipes escaped): ${row}`);
      }
      assert.match(md, /## Gaps/);
      const last = fw.criteria[fw.criteria.length - 1];
      assert.match(md, new RegExp(`\\*\\*${last.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\*\\*: Not scored`), `${rel}: unscored criterion listed as a gap`);
      t.log(`${rel}: ${fw.criteria.length} criteria, scale ${scale.join("/")}, export ${md.length} chars`);
    }
  }, { timeout: 5 * 60_000 });

  test(`scorecard [${name}] several deals: new, switch, delete and undo; frameworks keep their own`, async t => {
    const [a, b] = frameworks();
    const ctx = await t.context();
    const { page } = await t.open(name, a, { ctx });
    const first = await page.evaluate(() => JSON.parse(document.getElementById("fb-scorecard-data").textContent).criteria[0].id);
    await page.locator("#fb-deal-name").fill("Deal one");
    await page.locator(`input[name="score-${first}"]`).first().check();
    await page.locator("#fb-deal-new").click();
    assert.equal(await page.locator("#fb-deal-name").inputValue(), "", "a new deal starts empty");
    assert.equal(await page.evaluate(() => document.activeElement.id), "fb-deal-name", "focus goes to the name field");
    await page.keyboard.type("Deal two");
    assert.equal(await page.locator(`input[name="score-${first}"]:checked`).count(), 0, "the new deal has no scores");
    await page.reload({ waitUntil: "load" });
    const options = await page.locator("#fb-deal-select option").allTextContents();
    assert.deepEqual(options.sort(), ["Deal one", "Deal two"], "both deals saved");
    await page.locator("#fb-deal-select").selectOption({ label: "Deal one" });
    assert.equal(await page.locator("#fb-deal-name").inputValue(), "Deal one");
    assert.equal(await page.locator(`input[name="score-${first}"]:checked`).count(), 1, "deal one's score is back");
    await page.locator("#fb-deal-delete").click();
    assert.equal(await page.locator("#fb-deal-name").inputValue(), "Deal two", "after delete the other deal shows");
    assert.match(await page.locator("#fb-sc-status").innerText(), /Deleted/);
    await page.locator("#fb-sc-status button", { hasText: "Undo" }).click();
    assert.equal(await page.locator("#fb-deal-name").inputValue(), "Deal one", "undo restores the deal");
    if (b) {
      const { page: p2 } = await t.open(name, b, { ctx });
      assert.equal(await p2.locator("#fb-deal-name").inputValue(), "", `${b} does not show ${a}'s deals`);
      assert.equal(await p2.locator("#fb-deal-select option").count(), 1);
    }
  });
}
