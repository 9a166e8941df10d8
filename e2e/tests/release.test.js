// Offline after one visit, and a new build released while a phone is away from signal.
//
// This test runs its own server (a copy of the release binary beside its own `hash.txt`, on its
// own database), so that it can release a second build: the same binary and site with the
// stylesheet changed, renamed to its new hash as cargo-leptos would name it, and `hash.txt`
// saying so. The service worker sees a new build identifier; the wasm and its script are the
// same files, so the phone must not download them again.
//
// The phone (a Chromium profile on disk) visits each screen once online; then, offline: every
// screen opens (sign-in, caseload with its agenda, case, visit, assessment, conflicts, and the
// supervisor's supervision page); a visit is saved (queued) and a second one left half-typed.
// The new build is released while the phone is still offline: the old build keeps working and
// its outbox and draft are intact. Back online, the phone installs the new build with only the
// changed file downloaded, moves to it on its next load, finds the draft and sends the outbox.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { chromium } from "playwright-core";
import { hydrated, signInAt, unlock, until } from "./helpers.js";

// The service worker's own fetches reported as the context's requests (Chromium).
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = "1";
const ROOT = new URL("../..", import.meta.url).pathname;
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"];

const freePort = () => new Promise((ok) => {
  const s = createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
});
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** A build: the release binary and its `hash.txt` in a directory of their own, and a site root. */
function firstBuild(dir) {
  const bin = join(dir, "bin");
  cpSync(join(ROOT, "target/release/reintegra"), join(bin, "reintegra"));
  copyFileSync(join(ROOT, "target/release/hash.txt"), join(bin, "hash.txt"));
  cpSync(join(ROOT, "target/site"), join(dir, "site"), { recursive: true });
  return { bin, site: join(dir, "site") };
}

/** The next release: only the stylesheet changed; its file renamed to its new hash, as cargo-leptos
 * does, and `hash.txt` naming it. Returns the build and the new stylesheet's file name. */
function nextBuild(previous, dir) {
  const build = { bin: join(dir, "bin"), site: join(dir, "site") };
  cpSync(previous.bin, build.bin, { recursive: true });
  cpSync(previous.site, build.site, { recursive: true });
  const pkg = join(build.site, "pkg");
  const css = readdirSync(pkg).find((f) => /^reintegra\.[^.]+\.css$/.test(f));
  const oldHash = css.split(".")[1];
  const text = readFileSync(join(pkg, css), "utf8") + "\n/* release 2 */\n";
  const newHash = createHash("sha256").update(text).digest("hex").slice(0, 20);
  const newCss = `reintegra.${newHash}.css`;
  for (const f of readdirSync(pkg).filter((f) => f.startsWith(css))) renameSync(join(pkg, f), join(pkg, f.replace(css, newCss)));
  writeFileSync(join(pkg, newCss), text);
  // The precompressed copies hold the old text: without them the server sends the plain file.
  for (const f of readdirSync(pkg).filter((f) => f.startsWith(newCss + "."))) rmSync(join(pkg, f));
  const hashes = readFileSync(join(build.bin, "hash.txt"), "utf8");
  assert.ok(hashes.includes(oldHash), "hash.txt names the stylesheet's hash");
  writeFileSync(join(build.bin, "hash.txt"), hashes.replace(oldHash, newHash));
  return { build, newCss };
}

/** This test's server: one database, any build. */
class Server {
  constructor(port, db) { this.port = port; this.db = db; this.base = `http://127.0.0.1:${port}`; this.requests = []; }
  async start(build) {
    this.proc = spawn(join(build.bin, "reintegra"), ["--demo"], {
      env: { ...process.env, DATABASE_URL: `sqlite://${this.db}`, REINTEGRA_ADDR: `127.0.0.1:${this.port}`,
        REINTEGRA_PUBLIC_URL: this.base, REINTEGRA_SITE_ROOT: build.site, RUST_LOG: "warn,tower_http=debug", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Every request this server was sent (the trace layer's log), so "downloaded" is what
    // reached the server, whatever the browser's caches did.
    this.requests = [];
    let rest = "";
    const take = (chunk) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop();
      for (const l of lines) {
        const m = l.match(/uri=(\S+?)[ }]/);
        if (m && l.includes("started processing request")) this.requests.push(m[1]);
      }
    };
    this.proc.stdout.on("data", take);
    this.proc.stderr.on("data", take);
    const end = Date.now() + 30000;
    while (Date.now() < end) {
      try { if ((await fetch(this.base + "/health")).ok) return; } catch { /* not yet */ }
      await sleep(200);
    }
    throw new Error("the server did not start");
  }
  async stop() {
    const done = new Promise((ok) => this.proc.once("exit", ok));
    this.proc.kill("SIGTERM");
    await done;
  }
}

/** A new document at `url` (a change of the hash alone would not load anything). */
async function load(page, url) {
  await page.goto("about:blank");
  await page.goto(url);
}

const pending = async (page) => Number(await page.getByTestId("pending-count").textContent());
const stylesheet = (page) => page.evaluate(() => [...document.querySelectorAll('link[rel="stylesheet"]')].map((l) => new URL(l.href).pathname).join(" "));
// The builds whose files the phone keeps: one cache each, named after the build.
const shellCaches = (page) => page.evaluate(async () => (await caches.keys()).filter((c) => c.startsWith("reintegra-shell-")).sort());

test("every screen opens offline after one visit; a build released while offline keeps the old one working, then replaces it keeping the outbox and the draft", async () => {
  const dir = mkdtempSync(join(tmpdir(), "reintegra-release-"));
  const one = firstBuild(join(dir, "one"));
  const server = new Server(await freePort(), join(dir, "phones.db"));
  await server.start(one);
  const BASE = server.base;
  const ctx = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS, viewport: { width: 360, height: 640 }, locale: "en-US",
  });
  // What the phone fetches from the network: the service worker's own fetches, and the page's
  // requests the worker did not answer itself.
  const fetched = [];
  ctx.on("requestfinished", async (r) => {
    const res = await r.response().catch(() => null);
    if (r.serviceWorker() || !res?.fromServiceWorker()) fetched.push(new URL(r.url()).pathname);
  });
  try {
    const page = ctx.pages()[0] || (await ctx.newPage());
    await signInAt(page, BASE, "field");
    await page.waitForURL(BASE + "/");
    await until(page, () => !!navigator.serviceWorker.controller);
    await load(page, BASE + "/field#");
    await hydrated(page);
    await unlock(page);
    // One online visit of each field screen.
    await page.getByTestId("case-line").first().locator("a").click();
    await page.getByTestId("case-view").waitFor();
    const caseHash = new URL(page.url()).hash;
    const oldCss = await stylesheet(page);
    assert.match(oldCss, /^\/pkg\/reintegra\.[^.]+\.css$/);

    // The first install downloaded the whole build (this is what is counted below).
    assert.ok(server.requests.some((p) => /^\/pkg\/.*\.wasm$/.test(p)), "the wasm was downloaded");
    console.log("# wasm requests on the first visit:", server.requests.filter((p) => /^\/pkg\/.*\.wasm$/.test(p)).length);

    // Offline from here on.
    await ctx.setOffline(true);
    const screens = [
      ["/login", async () => page.locator('input[name="username"]').waitFor()],
      ["/field#", async () => { await unlock(page); await page.getByTestId("case-line").first().waitFor(); await page.getByTestId("agenda").waitFor(); }],
      ["/field" + caseHash, async () => { await unlock(page); await page.getByTestId("case-view").waitFor(); }],
      ["/field#conflicts", async () => { await unlock(page); await page.getByTestId("conflicts").waitFor(); }],
    ];
    for (const [path, shown] of screens) {
      await load(page, BASE + path);
      await shown();
    }
    await load(page, BASE + "/field" + caseHash);
    await unlock(page);
    await page.getByTestId("new-assessment").click();
    await page.getByTestId("assessment-form").waitFor();
    await load(page, BASE + "/field" + caseHash);
    await unlock(page);
    await page.getByTestId("new-visit").click();
    await page.getByTestId("visit-form").locator('textarea[data-field="notes"]').fill("Vizita e ruajtur pa rrjet");
    await page.getByTestId("save").click();
    await page.getByTestId("case-view").waitFor();
    const queued = await pending(page);
    assert.ok(queued >= 1, "the visit waits in the outbox");
    await page.getByTestId("new-visit").click();
    await page.getByTestId("visit-form").locator('textarea[data-field="notes"]').fill("Shënim i papërfunduar — Незавршена белешка");
    await page.waitForTimeout(500);

    // The next build is released while the phone is offline.
    const { build: two, newCss } = nextBuild(one, join(dir, "two"));
    await server.stop();
    await server.start(two);
    const buildOne = await shellCaches(page);
    assert.equal(buildOne.length, 1);

    // Still offline: the old build opens, with its outbox and its draft.
    await load(page, BASE + "/field#");
    await unlock(page);
    await page.getByTestId("case-line").first().waitFor();
    assert.equal(await stylesheet(page), oldCss);
    assert.equal(await pending(page), queued);
    const draftLink = (p) => p.getByTestId("unfinished").locator('a[href^="#visit/"]');
    assert.equal(await draftLink(page).count(), 1);

    // Back online: the next load finds the new worker, which precaches the new build.
    await ctx.setOffline(false);
    const before = fetched.length;
    await load(page, BASE + "/field#");
    await unlock(page);
    // Installed (waiting for this page to go, or already active if the browser found no page
    // of the old build open at that instant): its files are all in its own cache.
    await until(page, async (old) => {
      const reg = await navigator.serviceWorker.getRegistration();
      return !!reg && !reg.installing && (await caches.keys()).some((c) => c.startsWith("reintegra-shell-") && c !== old);
    }, buildOne[0], 60000);
    const during = server.requests.filter((p) => p.startsWith("/pkg/"));
    // Only the changed file came over the network (the page asked for it too, hence a set).
    assert.deepEqual([...new Set(during)], [`/pkg/${newCss}`]);
    assert.deepEqual([...new Set(fetched.slice(before).filter((p) => p.startsWith("/pkg/")))], [`/pkg/${newCss}`], "as the browser saw it");
    assert.ok(!during.some((p) => p.endsWith(".wasm") || p.endsWith(".js")), "the wasm and its script were not downloaded again");

    // The load after that runs the new build; the draft and the outbox came along.
    await load(page, BASE + "/field#");
    await unlock(page);
    await until(page, async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return !!reg?.active && !reg.waiting && navigator.serviceWorker.controller?.scriptURL === reg.active.scriptURL && (await caches.keys()).length === 2;
    });
    await load(page, BASE + "/field#");
    await unlock(page);
    assert.equal(await stylesheet(page), `/pkg/${newCss}`);
    const buildTwo = await shellCaches(page);
    assert.equal(buildTwo.length, 1, "the old build's files are gone once the new one runs");
    assert.notEqual(buildTwo[0], buildOne[0]);
    await draftLink(page).click();
    assert.equal(await page.getByTestId("visit-form").locator('textarea[data-field="notes"]').inputValue(), "Shënim i papërfunduar — Незавршена белешка");
    await page.getByTestId("save").click();
    await page.getByTestId("case-view").waitFor();
    await page.getByTestId("sync-now").click().catch(() => {});
    await page.waitForFunction(() => document.querySelector('[data-testid="pending-count"]')?.textContent === "0", null, { timeout: 30000 });
    const pull = await (await page.request.get(BASE + "/api/sync/v1/pull?cursor=&limit=5000")).json();
    const notes = pull.records.filter((r) => r.kind === "visit").map((r) => r.fields.notes);
    assert.equal(notes.filter((n) => n === "Vizita e ruajtur pa rrjet").length, 1);
    assert.equal(notes.filter((n) => n === "Shënim i papërfunduar — Незавршена белешка").length, 1);

    // The supervisor's supervision (her caseload screen), after one online visit, opens offline too.
    const ps = page;
    await load(ps, BASE + "/");
    await ps.getByTestId("sign-out").click();
    await ps.waitForURL(BASE + "/login");
    await signInAt(ps, BASE, "supervisor");
    await ps.waitForURL(BASE + "/");
    await load(ps, BASE + "/field#");
    await unlock(ps);
    await ps.getByTestId("supervision").getByTestId("worker-load").first().waitFor();
    await ctx.setOffline(true);
    await load(ps, BASE + "/field#");
    await unlock(ps);
    await ps.getByTestId("supervision").getByTestId("worker-load").first().waitFor();
  } finally {
    await ctx.close().catch(() => {});
    await server.stop().catch(() => {});
  }
});
