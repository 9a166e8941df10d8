import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";

const DAY = 86400000;

export const BASE = process.env.BASE_URL || "http://127.0.0.1:3100";
export const PASSWORD = "reintegra-demo";

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

/** A phone-sized context (360×640) in a browser language. Every page notes what the content
 * security policy blocked, and `hydrated` fails on it. */
export async function phone(browser, locale = "en-US") {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, locale });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return context;
}

/** Waits until the wasm has attached to the page, so clicks reach the app; nothing of the page
 * may have been blocked by its content security policy. */
export async function hydrated(page) {
  await page.waitForFunction(() => window.__REINTEGRA_HYDRATED === true || !!document.querySelector("body[data-hydrated]"), null, { timeout: 20000 });
  assert.deepEqual(await page.evaluate(() => window.__cspViolations || []), [], "blocked by the content security policy");
}

/** Polls `fn` in the page until it resolves truthy. Unlike `waitForFunction`, it awaits what an
 * async `fn` returns (a promise is truthy, so `waitForFunction` would pass at once). */
export async function until(page, fn, arg, timeout = 30000) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await page.evaluate(fn, arg).catch(() => false);
    if (value) return value;
    if (Date.now() > end) throw new Error("timed out waiting for " + fn.toString().slice(0, 120));
    await page.waitForTimeout(200);
  }
}

/** The service worker has installed and controls the page. */
export async function controlled(page) {
  await until(page, async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return !!(reg && reg.active && navigator.serviceWorker.controller);
  });
}

export async function signIn(page, username, password = PASSWORD) {
  await signInAt(page, BASE, username, password);
}

/** Signs in on the server at `base` (a test that runs its own server). */
export async function signInAt(page, base, username, password = PASSWORD) {
  await page.goto(base + "/login");
  await hydrated(page);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
}

/** Signs in and waits until the home page has settled (hydrated, user shown). */
export async function signInAs(page, username) {
  await signIn(page, username);
  await page.waitForURL(BASE + "/");
  await page.getByTestId("user-name").waitFor();
  await hydrated(page);
}

/** Chooses `lang` with the language picker (stored for the user) and waits until the page is in it. */
export async function inLanguage(page, lang) {
  await page.getByTestId("language").selectOption(lang);
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
}

/** The names of the site's IndexedDB databases, as the browser lists them (sorted). */
export async function databases(page) {
  return (await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).sort();
}

/** Every key of store `store` of database `name` (record and change IDs stay plain; values are sealed). */
export async function rawKeys(page, name, store) {
  return page.evaluate(async ({ name, store }) => {
    const db = await new Promise((ok, err) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = err; });
    const all = await new Promise((ok) => { const r = db.transaction(store).objectStore(store).getAllKeys(); r.onsuccess = () => ok(r.result); });
    db.close();
    return all;
  }, { name, store });
}

/** The PIN every test user chooses on first opening the field app. */
export const PIN = "135790";

/** Opens the phone's data once the field app is on screen: chooses the PIN the first time on a
 * device, enters it after a reload, a restart or a lock. Returns what the gate asked:
 * "choose", "enter", or null when the data opened without a PIN (right after an online sign-in). */
export async function unlock(page, pin = PIN) {
  const loaded = page.locator('[data-testid="field-app"][data-loaded="true"]');
  const form = page.getByTestId("unlock-form");
  await loaded.or(form).first().waitFor({ timeout: 30000 });
  if (!(await form.isVisible())) return null;
  const mode = await form.getAttribute("data-mode");
  await page.getByTestId("pin").fill(pin);
  if (mode === "choose") await page.getByTestId("pin-again").fill(pin);
  await page.getByTestId("pin-submit").click();
  await loaded.waitFor({ timeout: 30000 });
  return mode;
}

/** Opens the field app (at `hash`) once the phone's store has loaded. */
export async function openField(page, hash = "", pin = PIN) {
  if (!page.__logged) {
    page.__logged = true;
    page.on("pageerror", (e) => console.log("# page error:", e.message));
    page.on("console", (m) => m.type() === "error" && console.log("# console:", m.text()));
  }
  await page.goto(BASE + "/field" + hash);
  await hydrated(page);
  return unlock(page, pin);
}

/** Syncs now and waits until nothing is pending and the sync has ended. */
export async function synced(page) {
  await page.getByTestId("sync-now").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="pending-count"]')?.textContent === "0", null, { timeout: 30000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid="sync-now"]')?.disabled, null, { timeout: 30000 });
}

/** Draws every line of the caseload (it draws 50 at first, more on request). */
export async function showAllCases(page) {
  const more = page.getByTestId("show-more");
  while (await more.count()) await more.click();
}

/** Opens the case of the family living in `village` from the caseload. */
export async function openCase(page, village) {
  await page.goto(BASE + "/field#");
  await unlock(page);
  await page.getByTestId("search").fill(village.toLowerCase());
  await page.getByTestId("case-line").first().locator("a").click();
  await page.getByTestId("case-view").waitFor();
}

/** A family that returned `returnedDaysAgo` days ago, with its visit and needs assessment,
 * sent by the field worker's phone. Returns the case ID. */
export async function assessedFamily(page, village, head, returnedDaysAgo = 60) {
  const [c, h, adult, child, ret, visit, assessment] = Array.from({ length: 7 }, () => randomUUID());
  const device = randomUUID();
  const now = new Date();
  const day = (n) => new Date(now - n * DAY).toISOString().slice(0, 10);
  const change = (kind, record_id, fields) => ({
    change_id: randomUUID(), device_id: device, kind, record_id, case_id: c, base_version: null, fields,
    made_at: now.toISOString(),
  });
  const changes = [
    change("case", c, { household_id: h }),
    change("household", h, { village, address: "Rr. Dëshmorët 12" }),
    change("member", adult, { household_id: h, first_name: head[0], last_name: head[1], birth_date: "1984-03-02", sex: "female", relationship: "head" }),
    change("member", child, { household_id: h, first_name: "Jelena", last_name: "Гаши", birth_date: day(365 * 9), sex: "female", relationship: "child" }),
    change("return_event", ret, { household_id: h, category: "repatriated", country: "Deutschland", event_date: day(returnedDaysAgo), members: [adult, child] }),
    change("visit", visit, { visited_at: new Date(now - (returnedDaysAgo - 2) * DAY).toISOString(), kind: "initial", village }),
    change("assessment", assessment, {
      form_version: 1, visit_id: visit, completed_at: new Date(now - (returnedDaysAgo - 2) * DAY).toISOString(), answers: {
        household: { documents_complete: false, documents_missing: "Letërnjoftimi", housing_tenure: "with_relatives", housing_condition: "good",
          housing_at_risk: false, chronic_illness: false, disability: false, psychosocial_signs: false, receives_assistance: false, has_land: false },
        members: {
          [adult]: { employed: false, employment_office_registered: false },
          [child]: { school_enrolled: true, school_grade: 3, instruction_language: "sq", certificates_missing: false },
        },
        needs: [
          { section: "civil_documents", priority: "high", note: "Letërnjoftim për nënën" },
          { section: "work", priority: "medium", note: "Punë" },
        ],
      },
    }),
  ];
  const res = await page.request.post(BASE + "/api/sync/v1/push", { data: { changes } });
  const body = await res.json();
  for (const r of body.results) assert.equal(r.status, "applied", JSON.stringify(r));
  return c;
}


/** The supervisor appoints the demo case manager to the family's case by decision `number`. */
export async function appointCaseManager(page, village, number) {
  await openField(page);
  await openCase(page, village);
  const appoint = page.getByTestId("appoint");
  await appoint.locator('select[data-field="case_manager_id"]').selectOption({ label: "Dragana Jovanović" });
  await appoint.locator('input[data-field="case_manager_decision"]').fill(number);
  await appoint.getByTestId("appoint-send").click();
  await appoint.locator("p").waitFor();
}
