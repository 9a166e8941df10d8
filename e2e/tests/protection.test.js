// Protecting a victim: offline, the field worker notes that the mother is a victim of
// trafficking (the case screen says at once that the case is restricted) and reads the case;
// back online the category and the read reach the server. The colleague's caseload never shows
// the family; the supervisor finds the offline read and the restriction in the audit trail,
// lifts the restriction with a reason, and the trail keeps the reason.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { BASE, launch, phone, hydrated, signInAs, openField, synced, openCase, assessedFamily, inLanguage, databases } from "./helpers.js";

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
    await inLanguage(pf, "sq");
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
    // Another test may have left the supervisor's stored language elsewhere.
    await inLanguage(ps, "sq");
    await ps.getByTestId("open-audit").click();
    await ps.getByTestId("audit").waitFor();
    await ps.getByTestId("audit-case").fill(caseId);
    await ps.getByTestId("audit-search").click();
    // Rows of this case only (the unfiltered first answer may still be on the screen).
    const offlineRead = ps.locator('[data-testid="audit-row"][data-action="case.read_on_phone"]', { hasText: caseId });
    await offlineRead.first().waitFor();
    assert.match(await offlineRead.first().textContent(), /Arta Krasniqi/);
    assert.match(await offlineRead.first().getByTestId("audit-device").textContent(), /^[0-9a-f]{8}-[0-9a-f]{4}-7/);
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
    await ps.getByTestId("audit-action").selectOption("case.lift_restriction");
    await ps.getByTestId("audit-search").click();
    const lifted = ps.locator('[data-testid="audit-row"][data-action="case.lift_restriction"]', { hasText: caseId });
    await lifted.first().waitFor();
    assert.match(await lifted.first().getByTestId("audit-reason").textContent(), /zyrës së punësimit/);
    await ps.screenshot({ path: "screenshots/audit-trail.png", fullPage: true });
  } finally {
    for (const c of contexts) await c.close();
  }
});

/** Every value in database `name`, raw, whatever the store: whether it is sealed, and its
 * bytes read as text (UTF-8 and Latin-1, so no name hides in either). */
async function rawDump(page, name) {
  return page.evaluate(async (name) => {
    const db = await new Promise((ok, err) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = err; });
    const out = [];
    for (const store of ["records", "drafts", "outbox", "blobs", "meta"]) {
      const all = await new Promise((ok) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result); });
      for (const v of all) {
        const bytes = v instanceof Uint8Array ? v : v && v.s instanceof Uint8Array ? v.s : null;
        const text = typeof v === "string" ? v : bytes ? new TextDecoder().decode(bytes) + new TextDecoder("latin1").decode(bytes) : JSON.stringify(v);
        out.push({ store, sealed: !!(v && v.s instanceof Uint8Array), text });
      }
    }
    db.close();
    return out;
  }, name);
}

/** Signs out, accepting the question about unsent work if it is asked, and waits for the
 * sign-in page to have settled. */
async function signOut(page) {
  const accept = (d) => d.accept();
  page.on("dialog", accept);
  await page.getByTestId("sign-out").click();
  await page.waitForURL(/\/login/);
  await page.waitForLoadState("load");
  await hydrated(page);
  page.off("dialog", accept);
}

test("two users of one tablet each have their own store: neither sees the other's work, and what waits is sent by its owner", async () => {
  const stamp = Date.now();
  const village = "Hamidi " + stamp;
  const tablet = await phone(browser);
  try {
    const page = await tablet.newPage();
    await signInAs(page, "field");
    const caseId = await assessedFamily(page, village, ["Hava", "Krasniqi-" + stamp], 40);
    const me = (await (await page.request.get(BASE + "/api/sync/v1/pull?cursor=&limit=1")).json()).user_id;
    await openField(page);
    await synced(page);
    // Offline (so nothing is sent before it is counted), a store left by the earlier build: one
    // for all users, with a visit still queued in it.
    await tablet.setOffline(true);
    const visitId = randomUUID();
    await page.evaluate(async ({ me, caseId, visitId, village }) => {
      const db = await new Promise((ok, err) => {
        const r = indexedDB.open("reintegra", 1);
        r.onupgradeneeded = () => { for (const s of ["records", "drafts", "outbox", "blobs", "meta"]) r.result.createObjectStore(s); };
        r.onsuccess = () => ok(r.result);
        r.onerror = err;
      });
      const change = { change_id: crypto.randomUUID(), device_id: crypto.randomUUID(), kind: "visit", record_id: visitId,
        case_id: caseId, base_version: null, fields: { visited_at: new Date().toISOString(), kind: "monitoring", village },
        made_at: new Date().toISOString() };
      const item = { change, user_id: me, state: { Waiting: { note: null } }, attempts: 0 };
      await new Promise((ok) => {
        const tx = db.transaction(["outbox", "meta"], "readwrite");
        tx.objectStore("outbox").put(JSON.stringify(item), change.change_id);
        tx.objectStore("meta").put(me, "user_id");
        tx.oncomplete = ok;
      });
      db.close();
    }, { me, caseId, visitId, village });
    // The new build carries it into the user's own store, and sends it once online.
    await openField(page);
    assert.equal(Number(await page.getByTestId("pending-count").textContent()), 1);
    await tablet.setOffline(false);
    await synced(page);
    const afterUpgrade = await (await page.request.get(BASE + "/api/sync/v1/pull?cursor=&limit=1000")).json();
    assert.equal(afterUpgrade.records.filter((r) => r.id === visitId).length, 1);
    // Offline, a category noted for the mother waits in the outbox.
    await tablet.setOffline(true);
    await openCase(page, village);
    await page.getByTestId("add-category").click();
    const form = page.getByTestId("form-vulnerability");
    const head = await form.locator('select[data-field="member_id"] option', { hasText: "Hava" }).getAttribute("value");
    await form.locator('select[data-field="member_id"]').selectOption(head);
    await form.locator('select[data-field="category"]').selectOption("elderly_without_care");
    await page.getByTestId("save").click();
    await page.getByTestId("case-view").waitFor();
    assert.equal(Number(await page.getByTestId("pending-count").textContent()), 1);
    // Handed to a colleague without sending (the push held back, so the sync that starts when
    // the network returns cannot send it first): signing out asks first and keeps the work.
    await page.route("**/api/sync/v1/push", (r) => r.abort("internetdisconnected"));
    await tablet.setOffline(false);
    await page.goto(BASE + "/");
    await signOut(page);
    await page.unroute("**/api/sync/v1/push");

    await signInAs(page, "field2");
    await openField(page);
    await synced(page);
    assert.equal(Number(await page.getByTestId("pending-count").textContent()), 0);
    await page.getByTestId("search").fill(village.toLowerCase());
    assert.equal(await page.getByTestId("case-line").count(), 0);
    const names = await databases(page);
    const mine = names.filter((n) => n.startsWith("reintegra-"));
    assert.equal(mine.length, 2, names.join());
    assert.equal(names.includes("reintegra"), false, "the shared store is gone");
    // Both stores are sealed: no name, no answer, no category can be read in them raw, though
    // the first user's holds the family's records and the waiting change.
    const dumps = await Promise.all(mine.map((n) => rawDump(page, n)));
    for (const dump of dumps) {
      for (const v of dump) {
        assert.ok(v.sealed, `a ${v.store} value in plain text: ${v.text.slice(0, 80)}`);
        for (const plain of [village, "Krasniqi-" + stamp, "Hava", "Letërnjoftim", "documents_missing", "elderly_without_care"]) {
          assert.equal(v.text.includes(plain), false, `${plain} readable in ${v.store}`);
        }
      }
    }
    const sizes = dumps.map((d) => ({ records: d.filter((v) => v.store === "records").length, outbox: d.filter((v) => v.store === "outbox").length }));
    assert.deepEqual(sizes.map((s) => s.outbox).sort(), [0, 1], JSON.stringify(sizes));
    assert.ok(sizes.some((s) => s.records >= 7 && s.outbox === 1), JSON.stringify(sizes));
    await page.goto(BASE + "/");
    await signOut(page);

    // The first user comes back: the change that waited in their store goes (at once: they are
    // online), and once.
    await signInAs(page, "field");
    await openField(page);
    await synced(page);
    assert.equal(Number(await page.getByTestId("pending-count").textContent()), 0);
    const pulled = await (await page.request.get(BASE + "/api/sync/v1/pull?cursor=&limit=1000")).json();
    const noted = pulled.records.filter((r) => r.kind === "vulnerability" && r.fields.member_id === head);
    assert.equal(noted.length, 1);
    assert.equal(noted[0].fields.category, "elderly_without_care");
  } finally {
    await tablet.close();
  }
});

/** Answers every prompt of `page` with `text` until the returned function is called. */
function answering(page, text) {
  const answer = (d) => d.accept(text);
  page.on("dialog", answer);
  return () => page.off("dialog", answer);
}

test("what waits on a phone that cannot reach the server is written to a sealed file and sent once from another device", async () => {
  const stamp = Date.now();
  const village = "Sibovc " + stamp;
  const contexts = [];
  try {
    const stuck = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: "en-US", acceptDownloads: true });
    contexts.push(stuck);
    const ps = await stuck.newPage();
    await signInAs(ps, "field");
    await inLanguage(ps, "sq");
    await assessedFamily(ps, village, ["Mevlude", "Berisha-" + stamp], 20);
    await openField(ps);
    await synced(ps);
    await stuck.setOffline(true);
    await openCase(ps, village);
    await ps.getByTestId("add-category").click();
    const form = ps.getByTestId("form-vulnerability");
    const head = await form.locator('select[data-field="member_id"] option', { hasText: "Mevlude" }).getAttribute("value");
    await form.locator('select[data-field="member_id"]').selectOption(head);
    await form.locator('select[data-field="category"]').selectOption("special_needs");
    await ps.getByTestId("save").click();
    await ps.getByTestId("case-view").waitFor();
    assert.equal(Number(await ps.getByTestId("pending-count").textContent()), 1);

    // The file, sealed under a passphrase; the key derivation timed on a 4× slower CPU.
    const passphrase = "Lule-bore 2026";
    await ps.getByTestId("last-resort").locator("summary").click();
    const cdp = await stuck.newCDPSession(ps);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    const stop = answering(ps, passphrase);
    const started = Date.now();
    const [download] = await Promise.all([ps.waitForEvent("download"), ps.getByTestId("export-outbox").click()]);
    const file = "/tmp/reintegra-outbox-" + stamp + ".rntg";
    await download.saveAs(file);
    console.log(`# sealing the outbox (PBKDF2-SHA-256, 600,000 iterations + AES-GCM) on a 4x slowed CPU: ${Date.now() - started} ms`);
    stop();
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
    assert.match(await ps.getByTestId("last-resort-message").textContent(), /^1 ndryshime u shkruan/);
    const { readFileSync } = await import("node:fs");
    const bytes = readFileSync(file);
    assert.equal(bytes.subarray(0, 8).toString(), "RNTGSEAL");
    // Sealed: nothing of the change can be read in the file.
    for (const plain of ["special_needs", "vulnerability", head]) assert.equal(bytes.includes(plain), false, plain);

    // Another device, the same user.
    const other = await phone(browser);
    contexts.push(other);
    const po = await other.newPage();
    await signInAs(po, "field");
    await openField(po);
    await synced(po);
    await po.getByTestId("last-resort").locator("summary").click();
    let stopAnswering = answering(po, "not the passphrase");
    await po.getByTestId("import-outbox").setInputFiles(file);
    await po.getByTestId("last-resort-message").waitFor();
    assert.match(await po.getByTestId("last-resort-message").textContent(), /Fjalëkalimi është i gabuar/);
    stopAnswering();
    assert.equal(Number(await po.getByTestId("pending-count").textContent()), 0);
    stopAnswering = answering(po, passphrase);
    await po.getByTestId("import-outbox").setInputFiles(file);
    await po.waitForFunction(() => /^1 ndryshime u morën/.test(document.querySelector('[data-testid="last-resort-message"]')?.textContent || ""));
    stopAnswering();
    assert.equal(Number(await po.getByTestId("pending-count").textContent()), 1);
    await synced(po);

    // The stuck phone reaches the server at last: its copy of the change is the same change.
    await stuck.setOffline(false);
    await synced(ps);
    const pulled = await (await po.request.get(BASE + "/api/sync/v1/pull?cursor=&limit=1000")).json();
    const noted = pulled.records.filter((r) => r.kind === "vulnerability" && r.fields.member_id === head);
    assert.equal(noted.length, 1);
    assert.equal(noted[0].fields.category, "special_needs");
    assert.equal(noted[0].version, 1);
  } finally {
    for (const c of contexts) await c.close();
  }
});
