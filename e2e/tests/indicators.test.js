// The supervisor's dashboard and the plan's indicator report: the dashboard draws its charts
// with the numbers beside them; the report's "families returned" equals a count made here from
// the records the supervisor pulls; the report downloads as XLSX, which a spreadsheet reader
// (Python's openpyxl) opens and finds the same figure in; the case list downloads as XLSX with
// an Albanian and a Serbian Cyrillic name byte-exact. The ministry's user sees the municipalities
// side by side and no case.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { BASE, launch, phone, signInAs, inLanguage } from "./helpers.js";

let browser;
before(async () => { browser = await launch(); mkdirSync("screenshots", { recursive: true }); });
after(async () => { await browser?.close(); });

/** Every row of a sheet of an XLSX file, as openpyxl reads it (dates as ISO days): Debian's
 * Python, where scripts/setup.sh installs python3-openpyxl. */
function xlsxRows(file) {
  const script = `
import json, sys, datetime, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
def cell(v):
    if isinstance(v, (datetime.date, datetime.datetime)): return "date:" + v.strftime("%Y-%m-%d")
    return v
print(json.dumps([[cell(v) for v in row] for row in ws.iter_rows(values_only=True)], ensure_ascii=False))
`;
  return JSON.parse(execFileSync(process.env.PYTHON || "/usr/bin/python3", ["-c", script, file], { encoding: "utf8" }));
}

/** Everything the signed-in user's pull holds. */
async function pullAll(page) {
  return page.evaluate(async () => {
    let cursor = "", records = [];
    for (;;) {
      const r = await fetch(`/api/sync/v1/pull?cursor=${encodeURIComponent(cursor)}`, { credentials: "same-origin" });
      const p = await r.json();
      records = records.concat(p.records);
      if (!p.more) return records;
      cursor = p.next_cursor;
    }
  });
}

test("the supervisor reads the dashboard and the report, and the XLSX downloads open with the same figures and names", async () => {
  const context = await phone(browser);
  try {
    const page = await context.newPage();
    await signInAs(page, "supervisor");
    await inLanguage(page, "sq");

    // The dashboard: charts drawn on the server, numbers beside them.
    await page.getByTestId("open-dashboard").click();
    const load = page.getByTestId("dash-caseload");
    await load.locator("svg").waitFor();
    const arta = load.locator("tr", { hasText: "Arta Krasniqi" });
    assert.ok(Number(await arta.locator("td.num").textContent()) > 0);
    assert.equal(await page.getByTestId("dash-first-visits").locator("tbody tr").count(), 12);
    assert.match(await page.getByTestId("dash-caseload").locator("h3").textContent(), /Rastet e hapura sipas punonjësit/);
    await page.screenshot({ path: "screenshots/dashboard-sq.png", fullPage: true });

    // The report for this year so far; "families returned" counted here from the pulled records.
    // Kosovo's today, as the screen's default period ends on it.
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Belgrade" }).format(new Date());
    const from = `${today.slice(0, 4)}-01-01`;
    const records = await pullAll(page);
    const returned = new Map();
    for (const r of records.filter((r) => r.kind === "return_event" && r.fields.event_date)) {
      const d = r.fields.event_date;
      if (!returned.has(r.case_id) || d < returned.get(r.case_id)) returned.set(r.case_id, d);
    }
    const expected = [...returned.values()].filter((d) => d >= from && d <= today).length;
    assert.ok(expected > 5, `the demo has returns this year: ${expected}`);

    await page.getByTestId("open-indicators").click();
    await page.getByTestId("ind-report").waitFor();
    assert.equal(Number(await page.getByTestId("ind-returns-num").textContent()), expected);
    const share = await page.getByTestId("ind-first_visit_72h-actual").textContent();
    assert.match(share, /^\d+,\d %$/, "a share as Albanian writes it");
    await page.screenshot({ path: "screenshots/indicators-sq.png", fullPage: true });

    const [report] = await Promise.all([page.waitForEvent("download"), page.getByTestId("ind-xlsx").click()]);
    const reportFile = `/tmp/reintegra-report-${Date.now()}.xlsx`;
    await report.saveAs(reportFile);
    const rows = xlsxRows(reportFile);
    const headers = rows.find((r) => r[0] === "Objektivi");
    assert.deepEqual(headers.slice(0, 4), ["Objektivi", "Treguesi", "Numëruesi", "Emëruesi"]);
    const returns = rows.find((r) => r[1] === "Familjet e kthyera");
    assert.equal(returns[2], expected, "the same figure, as a number");

    // The cases behind the figure: named on the screen, as far as the supervisor may open them.
    await page.getByTestId("ind-returns-num").click();
    await page.getByTestId("ind-cases").locator("li").first().waitFor();
    assert.equal(await page.getByTestId("ind-cases").locator("li").count(), expected);

    // The case list of the whole municipality: names byte-exact in both scripts.
    const cyrillic = records.find((r) => r.kind === "member" && /[\u0400-\u04FF]/.test(r.fields.first_name + r.fields.last_name));
    assert.ok(cyrillic, "the demo has a family written in Cyrillic");
    await page.goto(BASE + "/dashboard");
    await page.getByTestId("dash-exports").waitFor();
    const [list] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-cases-xlsx").click()]);
    const listFile = `/tmp/reintegra-cases-${Date.now()}.xlsx`;
    await list.saveAs(listFile);
    const cases = xlsxRows(listFile);
    assert.deepEqual(cases[0].slice(0, 3), ["Emri", "Fshati", "ID e rastit"]);
    const names = cases.slice(1).map((r) => r[0]);
    assert.ok(names.some((n) => /[ëçË]/.test(n)), "an Albanian name with its letters");
    const cyrillicHeads = names.filter((n) => /[\u0400-\u04FF]/.test(n));
    assert.ok(cyrillicHeads.length > 0, "a Serbian Cyrillic name");
    assert.ok(cases.slice(1).every((r) => r[3] === null || String(r[3]).length > 0));
    // Dates are dates, not text.
    assert.ok(cases.slice(1).some((r) => String(r[4]).startsWith("date:")));
  } finally {
    await context.close();
  }
});

test("the ministry's user sees every municipality side by side, small counts hidden, and no case", async () => {
  const context = await phone(browser);
  try {
    const page = await context.newPage();
    await signInAs(page, "national");
    await inLanguage(page, "sr-Latn");
    await page.getByTestId("open-national").click();
    const table = page.getByTestId("nat-table");
    await table.waitFor();
    const heads = await table.locator("thead th").allTextContents();
    assert.ok(heads.some((h) => h.startsWith("Obiliq")) && heads.some((h) => h.startsWith("Prizren")), heads.join(" | "));
    assert.match(await table.locator("tbody tr").first().locator("td").first().textContent(), /\S/);
    // The ministry's user has no case list and no municipality's report.
    const answer = await page.evaluate(async () => (await fetch("/api/v1/exports/cases.csv")).status);
    assert.equal(answer, 403);
    await page.screenshot({ path: "screenshots/national-sr.png", fullPage: true });
  } finally {
    await context.close();
  }
});
