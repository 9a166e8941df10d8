// The school inclusion team: the field worker refers a returned child for schooling; the team
// accepts it online, then on a tablet with no network enrols the child in a class, enters a
// week of absences for the whole class, sees the child flagged with the reason, logs a home
// visit with its follow-up day and enrols a child who came without a referral; after sync the case worker sees the school summary on the case
// and the visit the flag put on the agenda. The administrator's registry of schools shows names
// in both scripts and says the thresholds are the defaults.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { BASE, launch, phone, hydrated, signInAs, openField, synced, openCase, assessedFamily } from "./helpers.js";

let browser;
before(async () => { browser = await launch(); mkdirSync("screenshots", { recursive: true }); });
after(async () => { await browser?.close(); });

const DAY = 86400000;
const day = (n) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);

async function pending(page) {
  return Number(await page.getByTestId("pending-count").textContent());
}

test("the school team offline enrols a child, enters a class's absences, sees the flag, logs a home visit; the case worker sees it all", async () => {
  const stamp = Date.now();
  const village = "Plemetin " + stamp;
  const head = ["Sanije", "Krasniqi-" + stamp];
  const contexts = [];
  try {
    const fw = await phone(browser);
    contexts.push(fw);
    const pf = await fw.newPage();
    await signInAs(pf, "field");
    const caseId = await assessedFamily(pf, village, head, 20);
    // The schooling referral to the municipality's education directorate.
    const page1 = await (await pf.request.get(BASE + "/api/sync/v1/pull?cursor=&limit=1")).json();
    const directorate = page1.institutions.find((i) => i.kind === "education_directorate").id;
    const referral = {
      change_id: randomUUID(), device_id: randomUUID(), kind: "referral", record_id: randomUUID(), case_id: caseId,
      base_version: null, made_at: new Date().toISOString(),
      fields: { kind: "schooling", institution_id: directorate, sent_on: day(0), note: "Klasa e 4-t" },
    };
    const sent = await (await pf.request.post(BASE + "/api/sync/v1/push", { data: { changes: [referral] } })).json();
    assert.equal(sent.results[0].status, "applied");

    // The team, on a tablet, accepts it online.
    const team = await browser.newContext({ viewport: { width: 800, height: 1280 } });
    contexts.push(team);
    const pt = await team.newPage();
    await signInAs(pt, "school");
    await pt.goto(BASE + "/referrals");
    await hydrated(pt);
    await pt.locator('[data-testid="incoming-referrals"][data-loaded="true"]').waitFor();
    await pt.getByTestId("incoming").filter({ hasText: head[1] }).locator('button[data-answer="accepted"]').click();
    await pt.locator('[data-testid="incoming"][data-state="accepted"]', { hasText: head[1] }).waitFor();

    // Its children, opened once online; the child of this family is among them.
    await openField(pt);
    await synced(pt);
    const child = pt.getByTestId("child").filter({ hasText: "Jelena Гаши" });
    assert.equal(await child.count(), 1);
    // The team sees no case: none of the family's other people reached the tablet.
    assert.equal(await pt.getByText(head[1]).count(), 0);

    // In the school, without network: the enrolment.
    await team.setOffline(true);
    await child.locator("a").click();
    await pt.getByTestId("child-view").waitFor();
    await pt.getByTestId("edit-schooling").click();
    const form = pt.getByTestId("form-schooling");
    await form.locator('select[data-field="school_id"]').selectOption({ label: 'SHFMU "Hasan Prishtina", Obiliq' });
    await form.locator('input[data-field="grade"]').fill("4");
    await form.locator('input[data-field="class_name"]').fill("IV-1");
    await form.locator('input[data-field="enrolled_on"]').fill(day(-10));
    await pt.getByTestId("save").click();
    await pt.getByTestId("child-view").waitFor();
    assert.match(await pt.getByTestId("placement").textContent(), /Hasan Prishtina.*IV-1/);

    // A week of absences for class IV-1: typed into the class list.
    await pt.getByTestId("child-view").locator('a[href="#"]').click();
    await pt.getByTestId("class-absences").click();
    const sheet = pt.getByTestId("class-attendance");
    await sheet.locator('select[data-field="school_id"]').selectOption({ label: 'SHFMU "Hasan Prishtina", Obiliq' });
    await sheet.locator('select[data-field="class_name"]').selectOption("IV-1");
    await sheet.locator('input[data-field="period_from"]').fill(day(-4));
    await sheet.locator('input[data-field="period_to"]').fill(day(0));
    const pupil = sheet.getByTestId("pupil").filter({ hasText: "Jelena Гаши" });
    // More absences than school days: said in words, nothing queued.
    await pupil.locator('input[data-field="absent_days"]').fill("6");
    await pt.getByTestId("save").click();
    await pt.getByTestId("problems").waitFor();
    assert.match(await pt.getByTestId("problems").textContent(), /Ditë mungesë — ka më shumë ditë se periudha/);
    await pupil.locator('input[data-field="absent_days"]').fill("5");
    await pupil.locator('input[data-field="longest_absence_run"]').fill("3");
    await pt.getByTestId("save").click();
    await pt.getByTestId("children").waitFor();

    // Flagged, with the reason and its figures (the default threshold of 5 days).
    const flagged = pt.locator('[data-testid="child"][data-at-risk="true"]', { hasText: "Jelena Гаши" });
    assert.match(await flagged.getByTestId("risk").textContent(), /Mungesa në 30 ditët e fundit: 5 \(pragu 5\)/);
    await flagged.locator("a").click();
    const reasons = await pt.getByTestId("risk-reasons").textContent();
    assert.match(reasons, /Mungesa në 30 ditët e fundit: 5 \(pragu 5\)/);
    assert.match(reasons, /Ditë mungesë radhazi: 3 \(pragu 3\)/);

    // A home visit, to look again in three days.
    await pt.getByTestId("log-action").click();
    const action = pt.getByTestId("form-school_action");
    await action.locator('select[data-field="action"]').selectOption("home_visit");
    await action.locator('textarea[data-field="outcome"]').fill("Prindërit premtuan se Jelena vjen të hënën.");
    await action.locator('input[data-field="follow_up_on"]').fill(day(3));
    await pt.getByTestId("save").click();
    await pt.getByTestId("child-view").waitFor();
    assert.match(await pt.getByTestId("actions").textContent(), /Vizitë në shtëpi/);
    assert.equal(await pending(pt), 3);
    await pt.screenshot({ path: "screenshots/school-child-tablet.png", fullPage: true });
    await pt.getByTestId("child-view").locator('a[href="#"]').click();
    const agenda = pt.getByTestId("team-agenda");
    assert.match(await agenda.textContent(), /Jelena Гаши/);
    await pt.screenshot({ path: "screenshots/school-children-tablet.png", fullPage: true });

    // A child who came to school without a referral: the team enrols them itself.
    await pt.getByTestId("enrol-child").click();
    const own = pt.getByTestId("form-schooling");
    await own.locator('input[data-field="first_name"]').fill("Ayşe");
    await own.locator('input[data-field="last_name"]').fill("Đokić-" + stamp);
    await pt.getByTestId("save").click();
    await pt.getByTestId("child-view").waitFor();
    assert.match(await pt.getByTestId("child-view").locator("h2").textContent(), /Ayşe Đokić-/);
    assert.equal(await pending(pt), 4);

    // Back online: sent (a refused change would stay pending).
    await team.setOffline(false);
    await synced(pt);

    // The case worker: the school summary on the case and the visit on the agenda.
    await openField(pf);
    await synced(pf);
    await openCase(pf, village);
    const summary = pf.getByTestId("school-summary");
    assert.match(await summary.getByTestId("enrolled-in").textContent(), /Hasan Prishtina", Obiliq · IV-1/);
    assert.match(await summary.getByTestId("risk").first().textContent(), /Në rrezik braktisjeje: Mungesa/);
    assert.match(await summary.getByTestId("last-action").textContent(), /Vizitë në shtëpi/);
    await pf.screenshot({ path: "screenshots/school-summary-phone.png", fullPage: true });
    await openField(pf);
    const visit = pf.locator('[data-testid="agenda-item"][data-kind="fu_school_risk"]', { hasText: head[1] });
    assert.equal(await visit.count(), 1);
    assert.equal(await visit.getAttribute("data-due"), day(7));
    // The team's own follow-up is not on the case worker's agenda.
    assert.equal(await pf.locator('[data-testid="agenda-item"][data-kind="fu_school_action"]').count(), 0);

    // The administrator's registry: names in both scripts; the thresholds are the defaults.
    const ad = await phone(browser);
    contexts.push(ad);
    const pa = await ad.newPage();
    await signInAs(pa, "admin");
    await pa.goto(BASE + "/admin/schools");
    await hydrated(pa);
    await pa.getByTestId("school").first().waitFor();
    const schools = await pa.getByTestId("schools").textContent();
    assert.match(schools, /Hasan Prishtina/);
    assert.match(schools, /ОШ „Свети Сава“, Обилић/);
    assert.match(await pa.getByTestId("thresholds-origin").textContent(), /vlerat e paracaktuara/);
    await pa.screenshot({ path: "screenshots/admin-schools.png", fullPage: true });
  } finally {
    for (const c of contexts) await c.close();
  }
});
