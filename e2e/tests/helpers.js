import { chromium } from "playwright-core";

export const BASE = process.env.BASE_URL || "http://127.0.0.1:3100";
export const PASSWORD = "reintegra-demo";

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}

/** A phone-sized context (360×640) in a browser language. */
export async function phone(browser, locale = "en-US") {
  return browser.newContext({ viewport: { width: 360, height: 640 }, locale });
}

/** Waits until the wasm has attached to the page, so clicks reach the app. */
export async function hydrated(page) {
  await page.waitForFunction(() => window.__REINTEGRA_HYDRATED === true || !!document.querySelector("body[data-hydrated]"), null, { timeout: 20000 });
}

export async function signIn(page, username, password = PASSWORD) {
  await page.goto(BASE + "/login");
  await hydrated(page);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
}
