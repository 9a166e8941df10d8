// The offline field visit in the phones' other engines: Firefox ESR (geckodriver) and WebKit
// (WebKitGTK's WebKitWebDriver and MiniBrowser, under Xvfb), through classic WebDriver
// (webdriverio). Chromium runs the same scenario in field.test.js (Playwright).
//
// Sign in online; the network goes away (this test's own server process is stopped, so every
// request fails as on a phone without signal); register a household with its return, a visit,
// a needs assessment with a drawn signature and a photo; leave a second visit half-typed; close
// the browser and open it again, still offline; find the draft and save it; the network comes
// back (the server is started again on the same database); sync; exactly one of each record on
// the server, photos complete.
//
// Stand-ins, named: WebDriver has no network switch, so "offline" is the server stopped. WebKit's
// MiniBrowser keeps a session's website data in memory only under automation, so for WebKit
// "closing the browser" is closing its window after a new one was opened in the same process
// (the data and the service worker are the engine's, the page is new); Firefox closes and reopens
// for real on the same profile directory.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { remote } from "webdriverio";

const ROOT = new URL("../..", import.meta.url).pathname;
const PHOTO = join(ROOT, "public/icons/icon-192.png");
const PIN = "135790";
const MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

const freePort = () => new Promise((ok) => {
  const s = createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
});
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

async function waitHttp(url, ms = 30000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { if ((await fetch(url)).ok) return; } catch { /* not yet */ }
    await sleep(200);
  }
  throw new Error("no answer from " + url);
}

/** This test's own server: started, stopped (the network gone) and started again. */
class Server {
  constructor(port, db) { this.port = port; this.db = db; this.base = `http://127.0.0.1:${port}`; }
  async start() {
    this.proc = spawn(join(ROOT, "target/release/reintegra"), ["--demo"], {
      env: { ...process.env, DATABASE_URL: `sqlite://${this.db}`, REINTEGRA_ADDR: `127.0.0.1:${this.port}`,
        REINTEGRA_PUBLIC_URL: this.base, REINTEGRA_SITE_ROOT: join(ROOT, "target/site"), RUST_LOG: "warn" },
      stdio: "ignore",
    });
    await waitHttp(this.base + "/health");
  }
  async stop() {
    if (!this.proc) return;
    const done = new Promise((ok) => this.proc.once("exit", ok));
    this.proc.kill("SIGKILL");
    await done;
    this.proc = null;
  }
}

/** A WebDriver server for one engine, and how to open (and reopen) its browser. */
const ENGINES = {
  firefox: {
    async driver(port) {
      const bin = process.env.GECKODRIVER || "geckodriver";
      return spawn(bin, ["--port", String(port), "--binary", "/usr/bin/firefox-esr"], { stdio: "ignore" });
    },
    capabilities(profile) {
      return {
        browserName: "firefox",
        // Classic WebDriver in both engines: WebKitWebDriver refuses a BiDi session.
        "wdio:enforceWebDriverClassic": true,
        "moz:firefoxOptions": {
          binary: "/usr/bin/firefox-esr",
          args: ["-headless", "-profile", profile, "--width=360", "--height=640"],
          prefs: { "intl.accept_languages": "en-US", "dom.serviceWorkers.testing.enabled": true, "app.update.enabled": false },
        },
      };
    },
    realRestart: true,
  },
  webkit: {
    async driver(port, display) {
      return spawn("WebKitWebDriver", [`--port=${port}`], { stdio: "ignore", env: { ...process.env, DISPLAY: display } });
    },
    capabilities() {
      return {
        browserName: "MiniBrowser",
        "wdio:enforceWebDriverClassic": true,
        "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
      };
    },
    realRestart: false,
  },
};

let xvfb;
let display;
before(async () => {
  // WebKitGTK draws into an X display even under automation.
  display = ":" + (90 + Math.floor(Math.random() * 9));
  xvfb = spawn("Xvfb", [display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], { stdio: "ignore" });
  await sleep(500);
});
after(() => { xvfb?.kill(); });

async function session(engine, driverPort, profile) {
  return remote({
    hostname: "127.0.0.1", port: driverPort, path: "/", logLevel: "error", connectionRetryCount: 1,
    capabilities: ENGINES[engine].capabilities(profile),
  });
}

const byId = (b, id) => b.$(`[data-testid="${id}"]`);

async function hydrated(b) {
  await b.waitUntil(() => b.execute(() => !!document.querySelector("body[data-hydrated]")), { timeout: 30000, timeoutMsg: "never hydrated" });
}

/** Opens the phone's data: chooses the PIN the first time, enters it afterwards. */
async function unlock(b) {
  await b.waitUntil(async () => b.execute(() => !!document.querySelector('[data-testid="field-app"][data-loaded="true"], [data-testid="unlock-form"]')),
    { timeout: 30000, timeoutMsg: "neither the field app nor the gate" });
  const form = await byId(b, "unlock-form");
  if (!(await form.isExisting()) || !(await form.isDisplayed())) return null;
  const mode = await form.getAttribute("data-mode");
  await (await byId(b, "pin")).setValue(PIN);
  if (mode === "choose") await (await byId(b, "pin-again")).setValue(PIN);
  await (await byId(b, "pin-submit")).click();
  await (await b.$('[data-testid="field-app"][data-loaded="true"]')).waitForExist({ timeout: 30000 });
  return mode;
}

async function pending(b) {
  return Number(await (await byId(b, "pending-count")).getText());
}

async function saveAndExpect(b, next) {
  await (await byId(b, "save")).click();
  await b.waitUntil(async () => {
    if (await (await byId(b, "problems")).isExisting()) throw new Error("refused: " + (await (await byId(b, "problems")).getText()));
    return (await byId(b, next)).isExisting();
  }, { timeout: 20000, timeoutMsg: "not saved: " + next });
}

async function field(form, name, value) {
  const el = await form.$(`[data-field="${name}"]`);
  if ((await el.getTagName()) === "select") await el.selectByAttribute("value", value);
  else if ((await el.getAttribute("type")) === "date") await setDate(el, value);
  else await el.setValue(value);
}

/** A date typed as the browser's picker would give it: WebDriver's keys into a date field
 * depend on the engine and the locale's order of day, month and year. */
async function setDate(el, value) {
  await el.execute((input, v) => {
    input.value = v;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }, value);
}

async function answer(scope, key, value) {
  const q = await scope.$(`[data-q="${key}"]`);
  if (value === true || value === false) await (await q.$(`input[value="${value ? "yes" : "no"}"]`)).click();
  else if (await (await q.$("select")).isExisting()) await (await q.$("select")).selectByAttribute("value", value);
  else await (await q.$("input")).setValue(String(value));
}

const daysAgo = (n) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);

/** The server's records of the family, read by the field worker over HTTP. */
async function onServer(base, village) {
  const login = await fetch(base + "/api/login", {
    method: "POST", redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "username=field&password=reintegra-demo",
  });
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith("reintegra_session")).split(";")[0];
  const { records } = await (await fetch(base + "/api/sync/v1/pull?cursor=&limit=1000", { headers: { cookie } })).json();
  const household = records.find((r) => r.kind === "household" && r.fields.village === village);
  assert.ok(household, "the household reached the server");
  const mine = records.filter((r) => r.case_id === household.case_id);
  const photos = [];
  for (const a of mine.filter((r) => r.kind === "attachment")) {
    photos.push((await (await fetch(`${base}/api/sync/v1/blobs/${a.fields.sha256}/status`, { headers: { cookie } })).json()).complete);
  }
  const count = (kind) => mine.filter((r) => r.kind === kind).length;
  return {
    records: { case: count("case"), household: count("household"), member: count("member"), return_event: count("return_event"), visit: count("visit"), assessment: count("assessment"), attachment: count("attachment") },
    photos,
    names: mine.filter((r) => r.kind === "member").map((r) => `${r.fields.first_name} ${r.fields.last_name}`).sort(),
  };
}

for (const engine of Object.keys(ENGINES)) {
  test(`the offline field visit in ${engine === "firefox" ? "Firefox ESR" : "WebKit"}`, async () => {
    const started = Date.now();
    const tmp = mkdtempSync(join(tmpdir(), `reintegra-${engine}-`));
    const server = new Server(await freePort(), join(tmp, "server.db"));
    const BASE = server.base;
    const driverPort = await freePort();
    let driver;
    let b;
    const village = "Plemetin " + Date.now();
    // Everything started here is stopped in `finally`, whatever fails: a process left running
    // would keep the test runner waiting.
    try {
      await server.start();
      driver = await ENGINES[engine].driver(driverPort, display);
      await waitHttp(`http://127.0.0.1:${driverPort}/status`);
      // Firefox keeps its data in this profile across the restart; geckodriver needs it to exist.
      mkdirSync(join(tmp, "profile"));
      b = await session(engine, driverPort, join(tmp, "profile"));
      await b.setWindowSize(360, 640).catch(() => {});
      // Online: sign in, open the field app once, let the service worker take the page.
      await b.url(BASE + "/login");
      await hydrated(b);
      await (await b.$('input[name="username"]')).setValue("field");
      await (await b.$('input[name="password"]')).setValue("reintegra-demo");
      await (await b.$('button[type="submit"]')).click();
      await b.waitUntil(async () => (await b.getUrl()) === BASE + "/", { timeout: 20000, timeoutMsg: "not signed in" });
      await b.url(BASE + "/field");
      await hydrated(b);
      assert.equal(await unlock(b), "choose");
      await b.waitUntil(() => b.execute(() => !!navigator.serviceWorker?.controller), { timeout: 30000, timeoutMsg: "no service worker controls the page" });

      // The network goes away.
      await server.stop();
      await (await byId(b, "new-household")).click();
      const hh = await byId(b, "household-form");
      await hh.waitForExist();
      await field(hh, "village", village);
      await field(hh, "address", "Rr. Dëshmorët 12");
      const head = (await hh.$$('[data-testid="member"]'))[0];
      await field(head, "first_name", "Şükrije");
      await field(head, "last_name", "Gashi-Đurić");
      await field(head, "birth_date", "1984-03-02");
      await field(head, "sex", "female");
      await (await byId(b, "add-member")).click();
      await b.waitUntil(async () => (await hh.$$('[data-testid="member"]')).length === 2);
      const child = (await hh.$$('[data-testid="member"]'))[1];
      await field(child, "first_name", "Jelena");
      await field(child, "last_name", "Гаши");
      await field(child, "birth_date", daysAgo(365 * 10));
      await field(child, "sex", "female");
      await field(child, "relationship", "child");
      await field(hh, "category", "repatriated");
      await field(hh, "country", "Deutschland");
      await field(hh, "event_date", daysAgo(2));
      await saveAndExpect(b, "case-view");

      await (await byId(b, "new-visit")).click();
      await (await (await byId(b, "visit-form")).$('textarea[data-field="notes"]')).setValue("Familja sapo është kthyer.");
      await saveAndExpect(b, "case-view");

      await (await byId(b, "new-assessment")).click();
      const form = await byId(b, "assessment-form");
      await form.waitForExist();
      for (const [k, v] of [["documents_complete", true], ["housing_tenure", "owned"], ["housing_condition", "good"], ["housing_at_risk", false],
        ["chronic_illness", false], ["disability", false], ["psychosocial_signs", false], ["receives_assistance", false], ["has_land", false]]) {
        await answer(form, k, v);
      }
      const sections = await form.$$(".member-answers");
      const byName = async (name) => { for (const s of sections) if ((await s.getText()).toLowerCase().includes(name.toLowerCase())) return s; throw new Error(name); };
      const adult = await byName("Şükrije");
      await answer(adult, "employed", false);
      await answer(adult, "employment_office_registered", false);
      const kid = await (async () => { for (const s of await form.$$(".member-answers")) if ((await s.getText()).toLowerCase().includes("jelena") && (await (await s.$('[data-q="school_enrolled"]')).isExisting())) return s; throw new Error("child"); })();
      await answer(kid, "school_enrolled", true);
      await answer(kid, "school_grade", 4);
      await answer(kid, "instruction_language", "sq");
      await answer(kid, "certificates_missing", false);
      await (await byId(b, "signer")).setValue("Şükrije Gashi-Đurić");
      const pad = await byId(b, "signature-pad");
      await pad.scrollIntoView();
      await b.action("pointer", { parameters: { pointerType: "mouse" } })
        .move({ origin: pad, x: -80, y: -20 }).down()
        .move({ origin: pad, x: 0, y: 30, duration: 100 })
        .move({ origin: pad, x: 80, y: -10, duration: 100 })
        .up().perform();
      await (await byId(b, "keep-signature")).click();
      const attachments = await byId(b, "attachments");
      await b.waitUntil(async () => (await attachments.$$("li")).length >= 1, { timeoutMsg: "signature not kept" });
      await (await byId(b, "photo-input")).setValue(PHOTO);
      await b.waitUntil(async () => (await attachments.$$("li")).length >= 2, { timeout: 20000, timeoutMsg: "photo not kept" });
      await saveAndExpect(b, "case-view");
      // case, household, 2 members, return, visit, assessment, 2 attachments; and 2 files.
      assert.equal(await pending(b), 11);

      // A second visit left half-typed; then the browser is closed, once the draft is on disk
      // (its key in the user's drafts store; the value is sealed), and the last keystroke's
      // write has had time.
      const drafts = () => b.execute(async () => {
        const names = (await indexedDB.databases()).map((d) => d.name).filter((n) => n.startsWith("reintegra-"));
        let n = 0;
        for (const name of names) {
          const db = await new Promise((ok, err) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = err; });
          n += await new Promise((ok) => { const r = db.transaction("drafts").objectStore("drafts").count(); r.onsuccess = () => ok(r.result); r.onerror = () => ok(0); });
          db.close();
        }
        return n;
      });
      const draftsBefore = await drafts();
      await (await byId(b, "new-visit")).click();
      await (await (await byId(b, "visit-form")).$('textarea[data-field="notes"]')).setValue("Draft that must survive");
      await b.waitUntil(async () => (await drafts()) > draftsBefore, { timeout: 20000, timeoutMsg: "the draft never reached IndexedDB" });
      await sleep(500);
      if (ENGINES[engine].realRestart) {
        await b.deleteSession();
        b = await session(engine, driverPort, join(tmp, "profile"));
      } else {
        const old = await b.getWindowHandle();
        // WebDriver's own "new window" (webdriverio's newWindow opens one by script).
        const fresh = await b.createWindow("window");
        await b.switchToWindow(old);
        await b.closeWindow();
        await b.switchToWindow(fresh.handle);
      }
      // Still offline: the page comes from the service worker, the data opens with the PIN.
      await b.url(BASE + "/field");
      await hydrated(b);
      assert.equal(await unlock(b), "enter");
      // The server is down, so the page and its app came from the service worker. (The offline
      // banner follows the browser's own network state, which a stopped server does not change.)
      assert.equal(await fetch(BASE + "/health").then(() => "answered", () => "unreachable"), "unreachable");
      assert.equal(await pending(b), 11);
      await (await (await byId(b, "unfinished")).$("a")).click();
      const notes = await (await byId(b, "visit-form")).$('textarea[data-field="notes"]');
      assert.equal(await notes.getValue(), "Draft that must survive");
      await saveAndExpect(b, "case-view");
      assert.equal(await pending(b), 12);

      // The network is back: everything goes out, photos too, once.
      await server.start();
      await (await byId(b, "sync-now")).click().catch(() => {});
      await b.waitUntil(async () => (await pending(b)) === 0, { timeout: 60000, timeoutMsg: "still waiting to be sent" });
      await b.waitUntil(async () => !(await (await byId(b, "sync-now")).getAttribute("disabled")), { timeout: 30000 });
      await (await byId(b, "sync-now")).click();
      await sleep(1000);
      const seen = await onServer(BASE, village);
      assert.deepEqual(seen.records, { case: 1, household: 1, member: 2, return_event: 1, visit: 2, assessment: 1, attachment: 2 });
      assert.deepEqual(seen.photos, [true, true]);
      assert.deepEqual(seen.names, ["Jelena Гаши", "Şükrije Gashi-Đurić"]);
      console.log(`# ${engine}: the offline field visit took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await b?.deleteSession().catch(() => {});
      driver?.kill();
      await server.stop();
    }
  });
}
