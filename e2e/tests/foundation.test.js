import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { BASE, launch, phone, signIn, hydrated, controlled } from "./helpers.js";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const ROLES = [
  ["field", "field_worker", "Arta Krasniqi"],
  ["manager", "case_manager", "Dragana Jovanović"],
  ["school", "school_team", "Mirjeta Berisha"],
  ["supervisor", "supervisor", "Besnik Hoxha"],
  ["partner", "partner", "Ayşe Yılmaz"],
  ["admin", "admin", "Luan Gashi"],
];

for (const [username, role, name] of ROLES) {
  test(`${username} signs in and sees the ${role} home`, async () => {
    const ctx = await phone(browser);
    const page = await ctx.newPage();
    await signIn(page, username);
    await page.waitForURL(BASE + "/");
    await page.locator(`section[data-role="${role}"]`).waitFor();
    assert.equal(await page.getByTestId("user-name").textContent(), name);
    // Only the sections of the user's own roles.
    assert.equal(await page.locator("section[data-role]").count(), 1);
    await ctx.close();
  });
}

test("a wrong password is refused with a clear message", async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await signIn(page, "field", "not-the-password");
  const error = page.getByTestId("login-error");
  await error.waitFor();
  assert.match(await error.textContent(), /Wrong username or password/);
  assert.equal(new URL(page.url()).pathname, "/login");
  await ctx.close();
});

test("the sign-in works before the app's script has run: a plain form, refused in words, then signed in", async () => {
  // JavaScript off stands for a phone on a slow link whose wasm has not arrived yet.
  const ctx = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: "sq-AL", javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(BASE + "/login");
  await page.fill('input[name="username"]', "field");
  await page.fill('input[name="password"]', "not-the-password");
  await page.click('button[type="submit"]');
  await page.waitForURL(/\/login\?/);
  assert.equal(await page.getByTestId("login-error").textContent(), "Emri i përdoruesit ose fjalëkalimi është i gabuar.");
  await page.fill('input[name="username"]', "field");
  await page.fill('input[name="password"]', "reintegra-demo");
  await page.click('button[type="submit"]');
  await page.waitForURL(BASE + "/");
  assert.equal(await page.getByTestId("user-name").textContent(), "Arta Krasniqi");
  await ctx.close();
});

test("pages and calls refuse anyone not signed in", async () => {
  const res = await fetch(BASE + "/", { redirect: "manual" });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "/login");
  // Server functions answer with the status that fits, and the typed error in the body.
  const users = await fetch(BASE + "/api/users/list", { method: "POST" });
  assert.equal(users.status, 401);
  assert.deepEqual(await users.json(), "NotSignedIn");
  const login = await fetch(BASE + "/api/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: "username=nobody-" + Date.now() + "&password=wrong-password",
  });
  assert.equal(login.status, 401);
  assert.deepEqual(await login.json(), "WrongCredentials");
});

test("a non-admin cannot open the user administration", async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await signIn(page, "field");
  await page.waitForURL(BASE + "/");
  await page.goto(BASE + "/admin/users");
  await page.getByRole("alert").waitFor();
  assert.equal(await page.getByTestId("user-list").count(), 0);
  await ctx.close();
});

test("after one visit online the app reloads offline with the user's name", async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await signIn(page, "field");
  await page.waitForURL(BASE + "/");
  await page.getByTestId("user-name").waitFor();
  await controlled(page);
  await page.reload();
  await page.getByTestId("user-name").waitFor();
  await ctx.setOffline(true);
  await page.reload();
  assert.equal(await page.getByTestId("user-name").textContent(), "Arta Krasniqi");
  await page.locator('section[data-role="field_worker"]').waitFor();
  await hydrated(page);
  await page.getByTestId("offline-banner").waitFor();
  await ctx.close();
});

test("the language picker switches all five languages and html lang follows", async () => {
  const ctx = await phone(browser, "en-US");
  const page = await ctx.newPage();
  await signIn(page, "supervisor");
  await page.waitForURL(BASE + "/");
  await hydrated(page);
  const heading = page.locator('section[data-role="supervisor"] h2');
  const expected = {
    sq: "Miratimet dhe afatet",
    "sr-Latn": "Odobrenja i rokovi",
    "sr-Cyrl": "Одобрења и рокови",
    tr: "Onaylar ve süreler",
    en: "Approvals and deadlines",
  };
  for (const [lang, text] of Object.entries(expected)) {
    await page.getByTestId("language").selectOption(lang);
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
    assert.equal(await heading.textContent(), text);
  }
  // Remembered for the user: a new browser session signs in in Turkish.
  await page.getByTestId("language").selectOption("tr");
  await page.waitForTimeout(500);
  const other = await phone(browser, "en-US");
  const p2 = await other.newPage();
  await signIn(p2, "supervisor");
  await p2.waitForURL(BASE + "/");
  await p2.waitForFunction(() => document.documentElement.lang === "tr");
  assert.equal(await p2.locator('section[data-role="supervisor"] h2').textContent(), expected.tr);
  await other.close();
  await ctx.close();
});

/** Fails when the page scrolls sideways or a named control lies outside the 360×640 screen. */
async function fitsThePhone(page, selectors) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, "the page scrolls sideways by " + overflow + " px");
  for (const selector of selectors) {
    const box = await page.locator(selector).first().boundingBox();
    assert.ok(box, selector + " is not shown");
    assert.ok(box.x >= 0 && box.x + box.width <= 360, `${selector} sticks out sideways: ${JSON.stringify(box)}`);
    assert.ok(box.y >= 0 && box.y + box.height <= 640, `${selector} is below the first screen: ${JSON.stringify(box)}`);
  }
}

test("the home and sign-in screens fit a 360×640 phone", async () => {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await signIn(page, "admin");
  await page.waitForURL(BASE + "/");
  await page.locator('section[data-role="admin"]').waitFor();
  mkdirSync("screenshots", { recursive: true });
  await page.screenshot({ path: "screenshots/home-360x640.png" });
  await fitsThePhone(page, ['[data-testid="user-name"]', '[data-testid="sign-out"]', '[data-testid="language"]', 'section[data-role="admin"] h2']);
  await page.goto(BASE + "/login");
  await ctx.clearCookies();
  await page.goto(BASE + "/login");
  await page.screenshot({ path: "screenshots/login-360x640.png" });
  await fitsThePhone(page, ['input[name="username"]', 'input[name="password"]', 'button[type="submit"]', '[data-testid="language"]']);
  await ctx.close();
});

test("the front end is served compressed, cached for a year, once per encoding", async () => {
  const ctx = await phone(browser);
  try {
    const page = await ctx.newPage();
    await page.goto(BASE + "/login");
    await hydrated(page);
    const wasm = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name).find((n) => n.endsWith(".wasm")));
    assert.ok(wasm, "the page loads a wasm file");
    for (const [accept, encoding] of [["br", "br"], ["gzip", "gzip"]]) {
      const res = await ctx.request.get(wasm, { headers: { "accept-encoding": accept } });
      assert.equal(res.status(), 200);
      const h = res.headers();
      assert.equal(h["content-encoding"], encoding);
      assert.match(h["vary"] || "", /accept-encoding/i);
      assert.match(h["cache-control"], /max-age=31536000, immutable/);
    }
  } finally {
    await ctx.close();
  }
});
