// Field work offline: register a family, visit, assess with a signature and a photo, survive a
// closed browser, sync exactly once; and two phones editing one field offline see a conflict.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { BASE, launch, phone, hydrated, signInAs, openField, unlock, controlled, synced, until } from "./helpers.js";

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"];
const PHOTO = new URL("../../public/icons/icon-192.png", import.meta.url).pathname;

let browser;
before(async () => { browser = await launch(); mkdirSync("screenshots", { recursive: true }); });
after(async () => { await browser?.close(); });

/** A browser with its profile on disk, so closing it really closes it (and IndexedDB stays). */
async function persistentPhone(dir) {
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ARGS,
    viewport: { width: 360, height: 640 },
    locale: "en-US",
  });
}


async function pending(page) {
  return Number(await page.getByTestId("pending-count").textContent());
}

async function saveAndExpect(page, next) {
  await page.getByTestId("save").click();
  const problems = page.getByTestId("problems");
  await Promise.race([
    page.getByTestId(next).waitFor(),
    problems.waitFor().then(async () => { throw new Error("refused: " + (await problems.textContent())); }),
  ]);
}

function daysAgo(n) {
  return new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);
}

/** Fills the household form: the head, a child and the return. */
async function registerHousehold(page, village) {
  await page.getByTestId("new-household").click();
  const form = page.getByTestId("household-form");
  await form.locator('input[data-field="village"]').fill(village);
  await form.locator('input[data-field="address"]').fill("Rr. Dëshmorët 12");
  const head = form.getByTestId("member").nth(0);
  await head.locator('input[data-field="first_name"]').fill("Şükrije");
  await head.locator('input[data-field="last_name"]').fill("Gashi-Đurić");
  await head.locator('input[data-field="birth_date"]').fill("1984-03-02");
  await head.locator('select[data-field="sex"]').selectOption("female");
  await form.getByTestId("add-member").click();
  const child = form.getByTestId("member").nth(1);
  await child.locator('input[data-field="first_name"]').fill("Jelena");
  await child.locator('input[data-field="last_name"]').fill("Гаши");
  await child.locator('input[data-field="birth_date"]').fill(daysAgo(365 * 10));
  await child.locator('select[data-field="sex"]').selectOption("female");
  await child.locator('select[data-field="relationship"]').selectOption("child");
  await form.locator('select[data-field="category"]').selectOption("repatriated");
  await form.locator('input[data-field="country"]').fill("Deutschland");
  await form.locator('input[data-field="event_date"]').fill(daysAgo(2));
  await form.locator('input[data-field="airport_registration"]').fill("PR-2026-0042");
  await saveAndExpect(page, "case-view");
}

async function answer(scope, key, value) {
  const q = scope.locator(`[data-q="${key}"]`).first();
  if (value === true || value === false) await q.locator(`input[value="${value ? "yes" : "no"}"]`).check();
  else if (await q.locator("select").count()) await q.locator("select").selectOption(value);
  else await q.locator("input").fill(String(value));
}

test("a family registered offline survives a closed browser and reaches the server exactly once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "reintegra-phone-"));
  const village = "Plemetin " + Date.now();
  let ctx = await persistentPhone(dir);
  try {
  let page = ctx.pages()[0] || (await ctx.newPage());
  await signInAs(page, "field");
  await controlled(page);
  await openField(page);
  await page.reload();
  await unlock(page);

  await ctx.setOffline(true);
  await registerHousehold(page, village);

  // Before any sync, the phone's agenda has the first visit due the third day after the return.
  const firstVisitDue = daysAgo(-1);
  await page.goto(BASE + "/field#");
  const due = page.getByTestId("agenda").locator(`[data-kind="fu_first_visit"][data-due="${firstVisitDue}"]`);
  await due.waitFor();
  await due.locator("a").click();
  await page.getByTestId("case-view").waitFor();

  // A visit.
  await page.getByTestId("new-visit").click();
  await page.getByTestId("visit-form").locator('textarea[data-field="notes"]').fill("Familja sapo është kthyer; fëmija nuk shkon në shkollë.");
  await saveAndExpect(page, "case-view");

  // A complete assessment with a signature and a photo.
  await page.getByTestId("new-assessment").click();
  const form = page.getByTestId("assessment-form");
  // Household questions have keys of their own: the whole form is their scope.
  const householdScope = form;
  for (const [k, v] of [["documents_complete", true], ["housing_tenure", "owned"], ["housing_condition", "needs_repair"], ["housing_at_risk", false],
    ["chronic_illness", false], ["disability", false], ["psychosocial_signs", false], ["receives_assistance", false], ["has_land", false]]) {
    await answer(householdScope, k, v);
  }
  const adult = form.locator(".member-answers", { hasText: "Şükrije" });
  await answer(adult, "employed", false);
  await answer(adult, "employment_office_registered", false);
  const child = form.locator(".member-answers", { hasText: "Jelena" });
  await answer(child, "school_enrolled", true);
  await answer(child, "school_grade", 4);
  await answer(child, "instruction_language", "sq");
  await answer(child, "certificates_missing", true);
  await form.getByTestId("add-need").click();
  await form.getByTestId("need-note").fill("Nostrifikimi i dëftesës nga Gjermania");
  await form.getByTestId("signer").fill("Şükrije Gashi-Đurić");
  const pad = form.getByTestId("signature-pad");
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  await page.mouse.move(box.x + 20, box.y + 30);
  await page.mouse.down();
  await page.mouse.move(box.x + 120, box.y + 110, { steps: 10 });
  await page.mouse.move(box.x + 240, box.y + 40, { steps: 10 });
  await page.mouse.up();
  await form.getByTestId("keep-signature").click();
  await form.getByTestId("attachments").locator("li").nth(0).waitFor();
  await form.getByTestId("photo-input").setInputFiles(PHOTO);
  await form.getByTestId("attachments").locator("li").nth(1).waitFor();
  await page.screenshot({ path: "screenshots/field-assessment.png", fullPage: true });
  await saveAndExpect(page, "case-view");
  // case, household, 2 members, return, visit, assessment, 2 attachments; and 2 files.
  assert.equal(await pending(page), 11);

  // A second visit left half-typed, then the browser is closed.
  await page.getByTestId("new-visit").click();
  await page.getByTestId("visit-form").locator('textarea[data-field="notes"]').fill("Draft that must survive");
  await page.waitForTimeout(300);
  await ctx.close();

  ctx = await persistentPhone(dir);
  await ctx.setOffline(true);
  page = ctx.pages()[0] || (await ctx.newPage());
  // Offline after a restart: the phone's data opens with the PIN alone.
  assert.equal(await openField(page), "enter");
  await page.getByTestId("offline-banner").waitFor();
  assert.equal(await pending(page), 11);
  await page.getByTestId("unfinished").locator("a").first().click();
  const notes = page.getByTestId("visit-form").locator('textarea[data-field="notes"]');
  assert.equal(await notes.inputValue(), "Draft that must survive");
  await saveAndExpect(page, "case-view");
  await page.screenshot({ path: "screenshots/field-case-offline.png", fullPage: true });

  // Back online: everything goes out, photos included; the push goes gzip-compressed.
  const pushes = [];
  page.on("request", (r) => {
    if (!r.url().includes("/api/sync/v1/push")) return;
    // The request line and headers as sent: part of what the change costs on the wire.
    const head = r.headersArray().catch(() => Object.entries(r.headers()).map(([name, value]) => ({ name, value }))).then((h) => `POST ${new URL(r.url()).pathname} HTTP/1.1\r\n`.length + h.reduce((n, x) => n + x.name.length + x.value.length + 4, 2));
    pushes.push({ encoding: r.headers()["content-encoding"], body: r.postDataBuffer() ?? Buffer.alloc(0), head });
  });
  await ctx.setOffline(false);
  await page.getByTestId("sync-now").click().catch(() => {});
  await page.waitForFunction(() => document.querySelector('[data-testid="pending-count"]')?.textContent === "0", null, { timeout: 30000 });
  assert.ok(pushes.length > 0, "a push was sent");
  assert.deepEqual([...new Set(pushes.map((p) => p.encoding))], ["gzip"]);
  // Issue 16's byte budget: what the pushes cost on the wire (headers and compressed bodies)
  // against each change's own JSON gzip-compressed alone, at most 1.5 times as much.
  const changes = new Map();
  for (const p of pushes) for (const c of JSON.parse(gunzipSync(p.body)).changes) changes.set(c.change_id, c);
  const own = [...changes.values()].reduce((n, c) => n + gzipSync(JSON.stringify(c)).length, 0);
  const heads = await Promise.all(pushes.map((p) => p.head));
  const wire = pushes.reduce((n, p, i) => n + heads[i] + p.body.length, 0);
  console.log(`# the pushes of ${changes.size} changes: ${pushes.map((p) => p.body.length).join(" + ")} bytes gzip-compressed, ${wire} on the wire with headers; each change alone gzip-compressed: ${own} bytes (${(wire / own).toFixed(2)}×)`);
  // case, household, 2 members, return, 2 visits, assessment, 2 attachments (the 2 files go
  // by the blob route, not the push).
  assert.equal(changes.size, 10);
  assert.ok(wire <= 1.5 * own, `${wire} bytes on the wire for ${own} bytes of compressed changes`);
  // Sending again changes nothing.
  await page.getByTestId("sync-now").click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="sync-now"]')?.disabled);

  const pull = await page.request.get(BASE + "/api/sync/v1/pull?cursor=&limit=1000");
  assert.equal(pull.status(), 200);
  const { records } = await pull.json();
  const household = records.find((r) => r.kind === "household" && r.fields.village === village);
  assert.ok(household, "household on the server");
  const mine = records.filter((r) => r.case_id === household.case_id);
  const count = (kind) => mine.filter((r) => r.kind === kind).length;
  assert.deepEqual(
    { case: count("case"), household: count("household"), member: count("member"), return_event: count("return_event"), visit: count("visit"), assessment: count("assessment"), attachment: count("attachment") },
    { case: 1, household: 1, member: 2, return_event: 1, visit: 2, assessment: 1, attachment: 2 },
  );
  assert.ok(mine.some((r) => r.kind === "member" && r.fields.last_name === "Gashi-Đurić"));
  for (const a of mine.filter((r) => r.kind === "attachment")) {
    const status = await (await page.request.get(`${BASE}/api/sync/v1/blobs/${a.fields.sha256}/status`)).json();
    assert.equal(status.complete, true, `${a.fields.purpose} uploaded`);
  }
  // The server computes the same deadline; the visit has fulfilled it.
  const followUps = await (await page.request.get(BASE + "/api/v1/follow-ups")).json();
  const first = followUps.find((f) => f.case_id === household.case_id && f.kind.kind === "first_visit");
  assert.equal(first.due_on, firstVisitDue);
  assert.equal(first.status, "done");
  await page.goto(BASE + "/field#");
  await page.getByTestId("agenda").waitFor();
  assert.equal(await page.getByTestId("agenda").locator(`[data-kind="fu_first_visit"][data-due="${firstVisitDue}"]`).count(), 0);
  await page.screenshot({ path: "screenshots/field-synced.png", fullPage: true });
  } finally {
    // A persistent browser left open would keep the test run alive.
    await ctx.close().catch(() => {});
  }
});

test("two phones change the same field offline: the conflict is shown to the worker and the supervisor", async () => {
  const village = "Babimoc " + Date.now();
  const contexts = [];
  try {
  const a = await phone(browser);
  contexts.push(a);
  const pa = await a.newPage();
  await signInAs(pa, "field");
  await openField(pa);
  await registerHousehold(pa, village);
  await pa.waitForFunction(() => document.querySelector('[data-testid="pending-count"]')?.textContent === "0", null, { timeout: 30000 });

  const b = await phone(browser);
  contexts.push(b);
  const pb = await b.newPage();
  await signInAs(pb, "field");
  await openField(pb);
  await pb.getByTestId("search").fill(village.toLowerCase());
  await pb.getByTestId("case-line").first().locator("a").click();
  await pb.getByTestId("case-view").waitFor();
  await pa.getByTestId("case-view").waitFor();

  await a.setOffline(true);
  await b.setOffline(true);
  for (const [page, phoneNo] of [[pa, "+383 44 111 222"], [pb, "+383 49 333 444"]]) {
    await page.getByTestId("edit-household").click();
    await page.getByTestId("household-form").locator('input[data-field="phone"]').first().fill(phoneNo);
    await saveAndExpect(page, "case-view");
  }
  await a.setOffline(false);
  await pa.getByTestId("sync-now").click();
  await pa.waitForFunction(() => document.querySelector('[data-testid="pending-count"]')?.textContent === "0", null, { timeout: 30000 });
  await b.setOffline(false);
  await pb.getByTestId("sync-now").click();
  await pb.waitForFunction(() => document.querySelector('[data-testid="pending-count"]')?.textContent === "0", null, { timeout: 30000 });

  await pb.getByTestId("conflicts-link").click();
  const conflict = pb.getByTestId("conflict").first();
  await conflict.waitFor();
  assert.equal(await conflict.getByTestId("conflict-current").textContent(), "+383 44 111 222");
  assert.equal(await conflict.getByTestId("conflict-proposed").textContent(), "+383 49 333 444");
  await pb.screenshot({ path: "screenshots/field-conflict.png", fullPage: true });

  const s = await phone(browser);
  contexts.push(s);
  const ps = await s.newPage();
  await signInAs(ps, "supervisor");
  await openField(ps);
  await ps.goto(BASE + "/field#conflicts");
  await unlock(ps);
  const seen = ps.getByTestId("conflict").filter({ hasText: "+383 49 333 444" });
  await seen.waitFor();
  // The supervisor chooses the phone's value; the conflict is gone for the worker too.
  await seen.locator("button").nth(1).click();
  await seen.waitFor({ state: "detached" });
  await pb.getByTestId("sync-now").click();
  await pb.getByTestId("conflict").filter({ hasText: "+383 49 333 444" }).waitFor({ state: "detached" });
  const pull = await (await pb.request.get(BASE + "/api/sync/v1/pull?cursor=&limit=1000")).json();
  const household = pull.records.find((r) => r.kind === "household" && r.fields.village === village);
  assert.equal(household.fields.phone, "+383 49 333 444");
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  }
});

test("a referral made on the phone is answered by the partner and the worker sees the answer after sync", async () => {
  const village = "Lajthishtë " + Date.now();
  const contexts = [];
  try {
    const w = await phone(browser);
    contexts.push(w);
    const pw = await w.newPage();
    await signInAs(pw, "field");
    await openField(pw);
    await registerHousehold(pw, village);
    await pw.getByTestId("new-referral").click();
    const form = pw.getByTestId("referral-form");
    await form.locator('select[data-field="kind"]').selectOption("employment");
    await form.locator('select[data-field="institution_id"]').selectOption({ label: "Zyra e Punësimit – Obiliq" });
    await form.locator('textarea[data-field="note"]').fill("Regjistrim si punëkërkuese");
    // Sent 40 days ago: employment referrals are followed up after 30.
    await form.locator('input[data-field="sent_on"]').fill(daysAgo(40));
    await saveAndExpect(pw, "case-view");
    await pw.waitForFunction(() => document.querySelector('[data-testid="pending-count"]')?.textContent === "0", null, { timeout: 30000 });
    assert.equal(await pw.getByTestId("referral").first().getAttribute("data-state"), "sent");

    // The supervisor sees the overdue referral, and each worker's load.
    const s = await phone(browser);
    contexts.push(s);
    const ps = await s.newPage();
    await signInAs(ps, "supervisor");
    await openField(ps);
    await ps.getByTestId("agenda-overdue").locator('[data-kind="fu_referral"]', { hasText: "Şükrije" }).first().waitFor();
    await ps.getByTestId("supervision").getByTestId("worker-load").first().waitFor();
    await ps.screenshot({ path: "screenshots/supervisor-field.png", fullPage: true });

    const p = await phone(browser);
    contexts.push(p);
    const pp = await p.newPage();
    await signInAs(pp, "partner");
    await pp.goto(BASE + "/referrals");
    await hydrated(pp);
    const item = pp.getByTestId("incoming").filter({ hasText: village });
    await item.waitFor();
    await item.getByTestId("feedback").fill("E regjistruar; kursi fillon në janar");
    await item.locator('button[data-answer="accepted"]').click();
    await pp.getByTestId("incoming").filter({ hasText: village }).and(pp.locator('[data-state="accepted"]')).waitFor();
    await pp.screenshot({ path: "screenshots/partner-referrals.png", fullPage: true });

    await pw.getByTestId("sync-now").click();
    await pw.getByTestId("referral").and(pw.locator('[data-state="accepted"]')).waitFor();
    assert.match(await pw.getByTestId("referral").first().textContent(), /kursi fillon në janar/);

    // She found work on her own: the worker closes the referral offline, and it is closed at once.
    await w.setOffline(true);
    await pw.getByTestId("close-referral").click();
    await pw.getByTestId("closing-note").fill("Gjeti punë vetë");
    await pw.getByTestId("confirm-close").click();
    await pw.getByTestId("referral").and(pw.locator('[data-state="closed"]')).waitFor();
    await w.setOffline(false);
    await pw.getByTestId("sync-now").click();
    await pw.waitForFunction(() => document.querySelector('[data-testid="pending-count"]')?.textContent === "0", null, { timeout: 30000 });
    await pp.reload();
    await hydrated(pp);
    await pp.getByTestId("incoming").filter({ hasText: village }).and(pp.locator('[data-state="closed"]')).waitFor();
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  }
});

test("a case given to another worker leaves the old phone only after its queued visit is sent", async () => {
  const village = "Millosheva " + Date.now();
  const contexts = [];
  const caseLines = async (page) => {
    await page.getByTestId("search").fill(village.toLowerCase());
    return page.getByTestId("case-line").count();
  };
  try {
    const a = await phone(browser);
    contexts.push(a);
    const pa = await a.newPage();
    await signInAs(pa, "field");
    await openField(pa);
    await registerHousehold(pa, village);
    await pa.waitForFunction(() => document.querySelector('[data-testid="pending-count"]')?.textContent === "0", null, { timeout: 30000 });

    // Offline in the village, the worker logs a visit: it waits on the phone.
    await a.setOffline(true);
    await pa.getByTestId("new-visit").click();
    await pa.getByTestId("visit-form").locator('textarea[data-field="notes"]').fill("Vizitë para ricaktimit");
    await saveAndExpect(pa, "case-view");
    assert.equal(await pending(pa), 1);

    // Meanwhile the supervisor gives the case to a colleague.
    const s = await phone(browser);
    contexts.push(s);
    const ps = await s.newPage();
    await signInAs(ps, "supervisor");
    await openField(ps);
    await ps.getByTestId("search").fill(village.toLowerCase());
    await ps.getByTestId("case-line").first().locator("a").click();
    const reassign = ps.getByTestId("reassign");
    await reassign.locator("select").selectOption({ label: "Dukagjin Morina" });
    await reassign.locator("button").click();
    await reassign.locator("p").waitFor();
    await ps.screenshot({ path: "screenshots/supervisor-reassign.png", fullPage: true });

    // The colleague's phone receives the whole case at its next sync.
    const b = await phone(browser);
    contexts.push(b);
    const pb = await b.newPage();
    await signInAs(pb, "field2");
    await openField(pb);
    await pb.getByTestId("sync-now").click();
    await pb.waitForFunction(() => document.querySelector('[data-testid="pending-count"]')?.textContent === "0", null, { timeout: 30000 });
    assert.equal(await caseLines(pb), 1);

    // Back online, the old phone sends its visit first, then forgets the case.
    await pa.goto(BASE + "/field#");
    await unlock(pa);
    assert.equal(await caseLines(pa), 1);
    await a.setOffline(false);
    await pa.getByTestId("sync-now").click();
    await pa.waitForFunction(() => document.querySelector('[data-testid="pending-count"]')?.textContent === "0", null, { timeout: 30000 });
    await pa.waitForFunction(() => document.querySelectorAll('[data-testid="case-line"]').length === 0, null, { timeout: 30000 });

    const pull = await (await pb.request.get(BASE + "/api/sync/v1/pull?cursor=&limit=1000")).json();
    const household = pull.records.find((r) => r.kind === "household" && r.fields.village === village);
    const visits = pull.records.filter((r) => r.kind === "visit" && r.case_id === household.case_id);
    assert.equal(visits.length, 1);
    assert.equal(visits[0].fields.notes, "Vizitë para ricaktimit");
  } finally {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
  }
});

test("a big caseload draws its first 50 lines and the rest on request; a new search starts again at 50", async () => {
  const village = "Dobërdoll " + Date.now();
  const ctx = await phone(browser);
  try {
    const page = await ctx.newPage();
    await signInAs(page, "field2");
    // 55 families of one village, sent as a phone would (each a case, household, head and return).
    const device = crypto.randomUUID();
    const now = new Date().toISOString();
    const changes = [];
    for (let i = 1; i <= 55; i++) {
      const [c, h, m, r] = Array.from({ length: 4 }, () => crypto.randomUUID());
      const change = (kind, record_id, fields) => ({ change_id: crypto.randomUUID(), device_id: device, kind, record_id, case_id: c, base_version: null, fields, made_at: now });
      changes.push(
        change("case", c, { household_id: h }),
        change("household", h, { village, address: `Rr. Nëna Terezë ${i}` }),
        change("member", m, { household_id: h, first_name: "Ardita", last_name: `Morina${i}`, birth_date: "1980-05-01", sex: "female", relationship: "head" }),
        change("return_event", r, { household_id: h, category: "repatriated", country: "Deutschland", event_date: now.slice(0, 10), members: [m] }),
      );
    }
    let applied = 0;
    for (let i = 0; i < changes.length; i += 100) { // a push carries at most 100 changes
      const sent = await (await page.request.post(BASE + "/api/sync/v1/push", { data: { changes: changes.slice(i, i + 100) } })).json();
      const refused = sent.results.filter((r) => r.status !== "applied");
      assert.equal(refused.length, 0, JSON.stringify(refused[0]));
      applied += sent.results.length;
    }
    assert.equal(applied, 220);
    await openField(page);
    await synced(page);
    const lines = page.getByTestId("case-line");
    const more = page.getByTestId("case-list-more");
    await page.getByTestId("search").fill(village.toLowerCase());
    await until(page, () => document.querySelector('[data-testid="case-list"]').dataset.matching === "55");
    assert.equal(await lines.count(), 50);
    assert.equal((await more.locator("span").textContent()).trim(), "50 / 55");
    await page.getByTestId("show-more").click();
    await until(page, () => document.querySelectorAll('[data-testid="case-line"]').length === 55);
    assert.equal(await more.count(), 0, "nothing more to show");
    // A search that finds a few shows them all; back to the village, the first 50 again.
    await page.getByTestId("search").fill("morina5");
    await until(page, () => document.querySelectorAll('[data-testid="case-line"]').length === 7); // Morina5, Morina50–55
    assert.equal(await more.count(), 0);
    await page.getByTestId("search").fill(village.toLowerCase());
    await until(page, () => document.querySelectorAll('[data-testid="case-line"]').length === 50);
    assert.equal(await more.count(), 1);
  } finally {
    await ctx.close();
  }
});
