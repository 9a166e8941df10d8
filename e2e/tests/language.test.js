// Nothing untranslated reaches a person: every screen of every role, in each of the five
// languages, server-rendered (JavaScript off) and hydrated. A text on the screen that equals
// its English source where the language's own file says something else is English leaking
// through; a snake_case or dotted code on the screen is a key or a reason never put into words.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { BASE, launch, phone, signInAs, hydrated, unlock } from "./helpers.js";

const locale = (name) => JSON.parse(readFileSync(new URL(`../../app/locales/${name}.json`, import.meta.url), "utf8"));
const en = locale("en");
const own = { sq: locale("sq"), "sr-Latn": locale("sr-Latn"), tr: locale("tr"), en };
// Serbian in Cyrillic is written from Serbian in Latin: its English leaks are the same texts.
own["sr-Cyrl"] = own["sr-Latn"];
const LANGUAGES = ["sq", "sr-Latn", "sr-Cyrl", "tr", "en"];

/** The English texts that must not appear in `lang`: its own text differs, and the English one
 * is not also a text of `lang` (a word two languages share). */
function englishLeaks(lang) {
  const mine = new Set(Object.values(own[lang]).map((t) => t.trim()));
  const out = new Set();
  for (const [key, text] of Object.entries(en)) {
    const t = text.trim();
    if (t.length < 3 || t.includes("{{") || own[lang][key] === text || mine.has(t)) continue;
    out.add(t);
  }
  return out;
}

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;
const DOTTED = /^(record|case|sync|follow_up|attachment|user|device|refused|indicator|export|plan|closure|school|duplicate|conflict|referral|audit)\.[a-z_.]+$/;

/** Every text node of the page and the texts people read in attributes. */
async function textsOf(page) {
  return page.evaluate(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement?.closest("script,style,template")) continue;
      const t = n.textContent.trim();
      if (t) out.push(t);
    }
    for (const el of document.querySelectorAll("[placeholder],[title],[aria-label],input[type=submit][value],input[type=button][value]")) {
      for (const a of ["placeholder", "title", "aria-label", "value"]) {
        const v = el.getAttribute(a);
        if (v && (a !== "value" || el.type === "submit" || el.type === "button")) out.push(v.trim());
      }
    }
    out.push(document.title.trim());
    return out;
  });
}

const problems = [];
async function check(page, lang, where) {
  const leaks = englishLeaks(lang);
  for (const t of await textsOf(page)) {
    if (lang !== "en" && leaks.has(t)) problems.push(`${lang} ${where}: English "${t}"`);
    if (SNAKE.test(t) || DOTTED.test(t)) problems.push(`${lang} ${where}: raw code "${t}"`);
  }
}

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function setLanguage(ctx, lang) {
  const { hostname } = new URL(BASE);
  await ctx.addCookies([{ name: "i18n_pref_locale", value: lang, domain: hostname, path: "/" }]);
}

/** Opens `path` in `lang` hydrated, and the same page with JavaScript off, and checks both. */
async function both(ctx, jsOff, lang, path, ready) {
  const page = ctx.pages()[0] || (await ctx.newPage());
  if (!page.__errors) {
    page.__errors = [];
    page.on("pageerror", (e) => page.__errors.push(e.message));
    page.on("response", async (r) => {
      if (r.request().isNavigationRequest()) {
        const h = await r.allHeaders();
        let body = "";
        try { body = (await r.text()).slice(0, 200); } catch { /* gone */ }
        page.__doc = { url: r.url(), sw: r.fromServiceWorker(), status: r.status(), h, body };
      }
    });
  }
  await page.goto(BASE + path);
  await hydrated(page).catch(async (e) => {
    const state = await page.evaluate(() => JSON.stringify({
      sw: !!navigator.serviceWorker.controller,
      pkg: performance.getEntriesByType("resource").filter((r) => r.name.includes("/pkg/")).map((r) => [r.name.slice(-30), Math.round(r.duration), r.transferSize, r.responseEnd > 0]),
      ready: document.readyState,
      csp: window.__cspViolations,
      scripts: [...document.scripts].map((s) => (s.nonce || "-") + ":" + (s.src || s.textContent.slice(0, 40))),
    })).catch((x) => String(x));
    throw new Error(`${lang} ${path}: ${e.message} ${page.__errors.join(" | ")} ${state} ${JSON.stringify(page.__doc)}`);
  });
  await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  if (ready) await ready(page);
  await check(page, lang, path + " (hydrated)");
  const plain = jsOff.pages()[0] || (await jsOff.newPage());
  await plain.goto(BASE + path);
  await check(plain, lang, path + " (server-rendered)");
}

/** A signed-in context and its JavaScript-off twin (same cookies). */
async function signedIn(username) {
  const ctx = await phone(browser);
  const page = await ctx.newPage();
  await signInAs(page, username);
  const jsOff = await browser.newContext({ viewport: { width: 360, height: 640 }, javaScriptEnabled: false, storageState: await ctx.storageState() });
  return { ctx, jsOff, page };
}

async function fieldScreen(page, lang, hash, testid) {
  await page.goto(BASE + "/field" + hash);
  await hydrated(page);
  await unlock(page);
  if (testid) await page.getByTestId(testid).first().waitFor();
  await check(page, lang, "/field" + hash);
}

test("every screen signed out, in every language", async () => {
  for (const lang of LANGUAGES) {
    const ctx = await phone(browser);
    await setLanguage(ctx, lang);
    const jsOff = await browser.newContext({ javaScriptEnabled: false });
    await setLanguage(jsOff, lang);
    await both(ctx, jsOff, lang, "/login");
    await both(ctx, jsOff, lang, "/no-such-page");
    await ctx.close();
    await jsOff.close();
  }
  assert.deepEqual(problems.splice(0), []);
});

test("the field worker's screens, in every language", async () => {
  const { ctx, jsOff, page } = await signedIn("field");
  await page.goto(BASE + "/field");
  await hydrated(page);
  await unlock(page);
  await page.getByTestId("case-line").first().locator("a").click();
  await page.getByTestId("case-view").waitFor();
  const caseId = new URL(page.url()).hash.split("/")[1];
  const fresh = () => crypto.randomUUID();
  for (const lang of LANGUAGES) {
    await setLanguage(ctx, lang);
    await setLanguage(jsOff, lang);
    await both(ctx, jsOff, lang, "/");
    await both(ctx, jsOff, lang, "/field", (p) => unlock(p));
    await fieldScreen(page, lang, "#", "agenda");
    await fieldScreen(page, lang, `#case/${caseId}`, "case-view");
    await fieldScreen(page, lang, `#household/${caseId}`, "household-form");
    await fieldScreen(page, lang, `#visit/${caseId}/${fresh()}`, "visit-form");
    await fieldScreen(page, lang, `#assessment/${caseId}/${fresh()}`, "assessment-form");
    await fieldScreen(page, lang, `#referral/${caseId}/${fresh()}`);
    await fieldScreen(page, lang, `#plan/${caseId}`);
    await fieldScreen(page, lang, `#housing/${caseId}`);
    await fieldScreen(page, lang, "#conflicts");
  }
  await ctx.close();
  await jsOff.close();
  assert.deepEqual(problems.splice(0), []);
});

const OFFICE = [
  ["supervisor", ["/", "/dashboard", "/indicators", "/audit"], ["#approvals", "#", "#conflicts"]],
  ["manager", ["/"], ["#"]],
  ["admin", ["/", "/admin/users", "/admin/services", "/admin/schools", "/indicators"], []],
  ["partner", ["/", "/referrals"], []],
  ["school", ["/", "/referrals"], ["#", "#attendance", "#literacy"]],
  ["national", ["/", "/national"], []],
];

for (const [username, pages, screens] of OFFICE) {
  test(`${username}'s screens, in every language`, async () => {
    const { ctx, jsOff, page } = await signedIn(username);
    for (const lang of LANGUAGES) {
      await setLanguage(ctx, lang);
      await setLanguage(jsOff, lang);
      for (const path of pages) await both(ctx, jsOff, lang, path);
      for (const hash of screens) await fieldScreen(page, lang, hash);
    }
    await ctx.close();
    await jsOff.close();
    assert.deepEqual(problems.splice(0), []);
  });
}
