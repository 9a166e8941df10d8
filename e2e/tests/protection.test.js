// Protecting a victim: offline, the field worker notes that the mother is a victim of
// trafficking (the case screen says at once that the case is restricted) and reads the case;
// back online the category and the read reach the server. The colleague's caseload never shows
// the family; the supervisor finds the offline read and the restriction in the audit trail,
// lifts the restriction with a reason, and the trail keeps the reason.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { BASE, launch, phone, signInAs, openField, synced, openCase, assessedFamily } from "./helpers.js";

let browser;
before(async () => { browser = await launch(); mkdirSync("screenshots", { recursive: true }); });
after(async () => { await browser?.close(); });

test("a victim's case is restricted offline, hidden from a colleague, and its reads and lifting are in the audit trail", async () => {
  const stamp = Date.now();
  const village = "Lajthishtë " + stamp;
  const head = ["Drita", "Hoxha-" + stamp];
  const contexts = [];
  try {
    const fw = await phone(browser);
    contexts.push(fw);
    const pf = await fw.newPage();
    await signInAs(pf, "field");
    const caseId = await assessedFamily(pf, village, head, 30);
    await openField(pf);
    await synced(pf);

    // In the village, without signal.
    await fw.setOffline(true);
    await openCase(pf, village);
    await pf.getByTestId("add-category").click();
    const form = pf.getByTestId("form-vulnerability");
    const person = await form.locator('select[data-field="member_id"] option', { hasText: head[0] }).getAttribute("value");
    await form.locator('select[data-field="member_id"]').selectOption(person);
    await form.locator('select[data-field="category"]').selectOption("trafficking");
    await pf.getByTestId("save").click();
    await pf.getByTestId("case-view").waitFor();
    // The phone applies the rule before the server does; the field worker works in Albanian.
    assert.match(await pf.getByTestId("restricted").textContent(), /Rast i kufizuar/);
    const line = await pf.getByTestId("category").first().textContent();
    assert.match(line, /Viktimë e trafikimit/);
    assert.match(line, /Arta Krasniqi/);
    await pf.screenshot({ path: "screenshots/protection-offline.png", fullPage: true });
    // The browser is closed in the village and opened again, still offline: the category waits.
    await pf.close();
    const again = await fw.newPage();
    await openField(again);
    assert.equal(Number(await again.getByTestId("pending-count").textContent()), 1);
    await fw.setOffline(false);
    await synced(again);

    // The colleague's caseload never shows the family.
    const colleague = await phone(browser);
    contexts.push(colleague);
    const pc = await colleague.newPage();
    await signInAs(pc, "field2");
    await openField(pc);
    await synced(pc);
    await pc.getByTestId("search").fill(village.toLowerCase());
    assert.equal(await pc.getByTestId("case-line").count(), 0);

    // The supervisor reads the trail: the read made offline, with its device, and the restriction.
    const sv = await phone(browser);
    contexts.push(sv);
    const ps = await sv.newPage();
    await signInAs(ps, "supervisor");
    await ps.getByTestId("open-audit").click();
    await ps.getByTestId("audit").waitFor();
    await ps.getByTestId("audit-case").fill(caseId);
    await ps.getByTestId("audit-search").click();
    // Rows of this case only (the unfiltered first answer may still be on the screen).
    const offlineRead = ps.locator('[data-testid="audit-row"][data-action="case.read_on_phone"]', { hasText: caseId });
    await offlineRead.first().waitFor();
    assert.match(await offlineRead.first().textContent(), /Arta Krasniqi/);
    assert.match(await offlineRead.first().textContent(), /Pajisja/);
    await ps.locator('[data-testid="audit-row"][data-action="case.restriction"]', { hasText: caseId }).first().waitFor();
    // The export carries the same rows.
    const csv = await ps.request.get(BASE + "/api/v1/audit.csv?case_id=" + caseId);
    assert.equal(csv.status(), 200);
    const text = await csv.text();
    assert.match(text, /case\.read_on_phone/);
    assert.match(text, /Arta Krasniqi/);

    // The supervisor lifts the restriction, with the reason.
    await openField(ps);
    await synced(ps);
    await openCase(ps, village);
    assert.match(await ps.getByTestId("restricted").textContent(), /Rast i kufizuar/);
    const why = "Ajo pranoi që dosja t'i ndahet zyrës së punësimit";
    ps.once("dialog", (d) => d.accept(why));
    await ps.getByTestId("lift-restriction").click();
    await ps.getByTestId("restriction-lifted").waitFor({ timeout: 30000 });
    assert.match(await ps.getByTestId("restriction-lifted").textContent(), /zyrës së punësimit/);
    await ps.screenshot({ path: "screenshots/protection-lifted.png", fullPage: true });

    await ps.goto(BASE + "/audit");
    await ps.getByTestId("audit").waitFor();
    await ps.getByTestId("audit-action").fill("case.lift_restriction");
    await ps.getByTestId("audit-search").click();
    const lifted = ps.locator('[data-testid="audit-row"][data-action="case.lift_restriction"]', { hasText: caseId });
    await lifted.first().waitFor();
    assert.match(await lifted.first().getByTestId("audit-reason").textContent(), /zyrës së punësimit/);
    await ps.screenshot({ path: "screenshots/audit-trail.png", fullPage: true });
  } finally {
    for (const c of contexts) await c.close();
  }
});
