// The end of a case: a family back 18 months ago; offline, the field worker records the rent the
// programme pays, the 12-month housing review, the final assessment and the signed social
// anamnesis report; the case manager requests closure; the supervisor approves it; the closed
// case leaves the field worker's phone at the next sync; the anamnesis and closure reports
// print on A4 in Albanian and Serbian.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { BASE, launch, phone, signInAs, openField, synced, openCase, assessedFamily, appointCaseManager, inLanguage, databases, rawKeys } from "./helpers.js";

let browser;
before(async () => { browser = await launch(); mkdirSync("screenshots", { recursive: true }); });
after(async () => { await browser?.close(); });

const DAY = 86400000;
const day = (n) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);

async function pending(page) {
  return Number(await page.getByTestId("pending-count").textContent());
}

async function save(page) {
  await page.getByTestId("save").click();
  await page.getByTestId("case-view").waitFor();
}

/** The report at `hash`, in `lang`, laid out on A4 for print: its text, a screenshot, a PDF. */
async function printed(page, hash, lang, name) {
  await page.goto(BASE + "/");
  await inLanguage(page, lang);
  await openField(page, hash);
  await page.setViewportSize({ width: 794, height: 1123 });
  await page.emulateMedia({ media: "print" });
  const text = await page.locator("article").textContent();
  assert.equal(await page.getByTestId("sync-bar").isVisible(), false);
  await page.screenshot({ path: `screenshots/${name}-${lang}.png`, fullPage: true });
  await page.pdf({ path: `screenshots/${name}-${lang}.pdf`, format: "A4" });
  await page.emulateMedia({ media: "screen" });
  await page.setViewportSize({ width: 360, height: 640 });
  return text;
}

test("housing review and final assessment offline, closure approved, the closed case leaves the phone, reports printed", async () => {
  const stamp = Date.now();
  const village = "Babimoc " + stamp;
  const head = ["Fatmire", "Berisha-" + stamp];
  const contexts = [];
  try {
    const fw = await phone(browser);
    contexts.push(fw);
    const pf = await fw.newPage();
    await signInAs(pf, "field");
    const caseId = await assessedFamily(pf, village, head, 560);

    const s = await phone(browser);
    contexts.push(s);
    const ps = await s.newPage();
    await signInAs(ps, "supervisor");
    await appointCaseManager(ps, village, "01-016/2026-311");

    // In the village, without signal.
    await openField(pf);
    await synced(pf);
    await fw.setOffline(true);
    await openCase(pf, village);
    await pf.getByTestId("open-housing").click();
    await pf.getByTestId("housing-view").waitFor();
    await pf.getByTestId("edit-housing").click();
    const housing = pf.getByTestId("form-housing");
    await housing.locator('select[data-field="situation"]').selectOption("rent_by_programme");
    await housing.locator('input[data-field="rent_from"]').fill(day(-540));
    await housing.locator('input[data-field="rent_to"]').fill(day(-200));
    await housing.locator('input[data-field="rent_monthly"]').fill("150");
    // The end of the rent before its start is said in words and nothing is queued.
    await housing.locator('input[data-field="rent_to"]').fill(day(-600));
    await pf.getByTestId("save").click();
    await pf.getByTestId("problems").waitFor();
    // The field worker works in Albanian.
    assert.match(await pf.getByTestId("problems").textContent(), /Qiraja deri — është para datës së fillimit/);
    await housing.locator('input[data-field="rent_to"]').fill(day(-200));
    await save(pf);

    // The 12-month housing review.
    await pf.getByTestId("open-housing").click();
    await pf.getByTestId("new-housing-review").click();
    const review = pf.getByTestId("form-housing_review");
    await review.locator('select[data-field="after_rent"]').selectOption("own_means");
    await save(pf);

    // The final assessment: it opened in the 17th month.
    await pf.getByTestId("fill-final-assessment").click();
    const fa = pf.getByTestId("form-final_assessment");
    const levels = { documents: "sustainable", housing: "partly", education: "sustainable", health: "sustainable",
      psychosocial: "partly", employment: "not_sustainable", social_assistance: "sustainable", overall: "partly" };
    for (const [field, level] of Object.entries(levels)) {
      await fa.locator(`select[data-field="${field}"]`).selectOption(level);
    }
    await pf.screenshot({ path: "screenshots/final-assessment.png", fullPage: true });
    await save(pf);
    assert.match(await pf.getByTestId("final-assessment").textContent(), /Pjesërisht/);

    // The social anamnesis report, signed by the social worker.
    await pf.getByTestId("write-anamnesis").click();
    const an = pf.getByTestId("form-anamnesis");
    await an.locator('textarea[data-field="family_history"]').fill("Familja jetoi 6 vjet në Suedi; u kthye me dy fëmijë.");
    await an.locator('textarea[data-field="current_situation"]').fill("Jetojnë me qira; nëna punon sezonalisht.");
    await an.locator('textarea[data-field="needs"]').fill("Punë e qëndrueshme; strehim pas qirasë.");
    await an.locator('textarea[data-field="opinion"]').fill("Riintegrim i pjesshëm, me përparim të mirë.");
    await an.getByTestId("signer").fill("Arben Hoxha");
    const pad = an.getByTestId("signature-pad");
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    await pf.mouse.move(box.x + 20, box.y + 30);
    await pf.mouse.down();
    await pf.mouse.move(box.x + 200, box.y + 100, { steps: 8 });
    await pf.mouse.up();
    await an.getByTestId("keep-signature").click();
    await an.getByTestId("signatures").locator("li").first().waitFor();
    await save(pf);
    // Housing, review, final assessment, report, its signature and the signature's bytes wait
    // for the network.
    assert.equal(await pending(pf), 6);
    const anamnesisHash = (await pf.getByTestId("print-anamnesis").getAttribute("href"));
    await fw.setOffline(false);
    await synced(pf);

    const pulled = await (await pf.request.get(BASE + "/api/sync/v1/pull?cursor=&limit=1000")).json();
    const mine = (kind) => pulled.records.filter((r) => r.case_id === caseId && r.kind === kind);
    assert.equal(mine("housing_review")[0].fields.after_rent, "own_means");
    assert.equal(mine("final_assessment")[0].fields.employment, "not_sustainable");
    assert.equal(mine("anamnesis")[0].fields.opinion, "Riintegrim i pjesshëm, me përparim të mirë.");
    assert.equal(mine("housing")[0].fields.rent_monthly, 150);

    // The case manager asks for closure.
    const m = await phone(browser);
    contexts.push(m);
    const pm = await m.newPage();
    await signInAs(pm, "manager");
    await openField(pm);
    await synced(pm);
    await openCase(pm, village);
    await pm.getByTestId("request-closure").click();
    await pm.getByTestId("form-closure").locator('select[data-field="reason"]').selectOption("stable_reintegration");
    await save(pm);
    await pm.getByTestId("closure-pending").waitFor();
    await synced(pm);

    // The supervisor finds it in the approvals queue and approves it.
    await openField(ps);
    await synced(ps);
    await ps.goto(BASE + "/field#approvals");
    await ps.getByTestId("closure-approval").filter({ hasText: village }).locator("a").click();
    await ps.getByTestId("decide-closure").waitFor();
    await ps.screenshot({ path: "screenshots/closure-decide.png", fullPage: true });
    await ps.getByTestId("approve-closure").click();
    await ps.getByTestId("case-view").waitFor();
    await synced(ps);
    await openCase(ps, village);
    await ps.getByTestId("case-closed").waitFor();
    // Read-only: no new visit, assessment or referral is offered on a closed case.
    assert.equal(await ps.getByTestId("case-actions").isVisible(), false);
    assert.equal(await ps.getByTestId("draft-plan").count(), 0);
    assert.equal(await ps.getByTestId("write-anamnesis").count(), 0);

    // At the field worker's next sync the closed case leaves the phone.
    await openField(pf);
    await synced(pf);
    await pf.getByTestId("search").fill(village.toLowerCase());
    await pf.waitForFunction(() => document.querySelectorAll('[data-testid="case-line"]').length === 0, null, { timeout: 10000 });
    // The field worker's own store (the only user of this phone) keeps none of the case's
    // records (their IDs are the store's keys; the values are sealed).
    const store = (await databases(pf)).find((n) => n.startsWith("reintegra-"));
    const caseRecords = new Set(pulled.records.filter((r) => r.case_id === caseId).map((r) => r.id));
    assert.ok(caseRecords.size >= 7, `${caseRecords.size} records of the case`);
    const kept = (await rawKeys(pf, store, "records")).filter((k) => caseRecords.has(k));
    assert.deepEqual(kept, []);

    // The reports for the paper file, in Albanian and Serbian, on A4.
    const closure = { sq: ["Raporti i mbylljes", "Riintegrim i qëndrueshëm", "Pjesërisht"], "sr-Latn": ["Izveštaj o zatvaranju", "Stabilna reintegracija", "Delimično"] };
    for (const [lang, [title, reason, level]] of Object.entries(closure)) {
      const text = await printed(ps, "#closure-print/" + caseId, lang, "closure-report");
      assert.match(text, new RegExp(title));
      assert.match(text, new RegExp(reason));
      assert.match(text, new RegExp(level));
      assert.match(text, new RegExp(head[1]));
      // No plan was ever made for this family: said so, not an empty table.
      assert.equal(await ps.getByTestId("no-plan").count(), 1);
    }
    const anamnesis = { sq: ["Raporti i anamnezës sociale", "Mendimi profesional"], "sr-Latn": ["Izveštaj socijalne anamneze", "Stručno mišljenje"] };
    for (const [lang, [title, opinion]] of Object.entries(anamnesis)) {
      const text = await printed(ps, anamnesisHash, lang, "anamnesis-report");
      assert.match(text, new RegExp(title));
      assert.match(text, new RegExp(opinion));
      assert.match(text, /Riintegrim i pjesshëm, me përparim të mirë\./);
      assert.match(text, /Arben Hoxha/);
    }
    await ps.goto(BASE + "/");
    await ps.getByTestId("language").selectOption("en");
    await ps.waitForFunction(() => document.documentElement.lang === "en");
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  }
});
