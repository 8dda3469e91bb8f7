import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import type { Browser, Page } from "playwright-core";
import { assertNoSeriousViolations } from "../support/axe.js";
import { browserSuite, launchChromium } from "../support/chromium.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { ensureWebBuilt } from "./build-web.js";

const artifacts = "test-artifacts/e2e";

/** The five reports as the page shows them: section id and REST route. */
const REPORTS: [string, string][] = [
  ["lod-statistics", "lodStatistics"],
  ["days-to-complete", "daysToComplete"],
  ["time-in-status", "timeInStatus"],
  ["suspense", "suspense"],
  ["rwoa-reasons", "rwoaReasons"],
];

describe("the Reports page in Chromium", { timeout: 300_000, ...browserSuite }, () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
    await ensureWebBuilt();
    mkdirSync(artifacts, { recursive: true });
    server = await startTestServer(undefined);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A fresh browser context signed in as a demo user. */
  async function signIn(username: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId(`signin-${username}`).click();
    await page.getByTestId("current-role").waitFor();
    return page;
  }

  it("shows each report's chart and tables, filters by unit, downloads a CSV, and passes axe", async () => {
    const page = await signIn("lodpm");
    await page.getByRole("link", { name: "Reports" }).click();
    await page.getByRole("heading", { name: "Reports", level: 1 }).waitFor();
    for (const [id] of REPORTS) {
      await page.getByTestId(`${id}-chart`).waitFor();
      assert.ok(
        (await page.getByTestId(`${id}-chart`).locator("canvas").count()) > 0,
        `${id} draws a uPlot chart`,
      );
      assert.ok(
        (await page.getByTestId(`${id}-chart-table`).locator("tbody tr").count()) > 0,
        `${id} chart table`,
      );
      assert.ok((await page.getByTestId(`${id}-rows`).locator("tbody tr").count()) > 0, `${id} rows table`);
    }
    await assertNoSeriousViolations(page, "Reports page");
    await page.screenshot({ path: `${artifacts}/reports-page.png`, fullPage: true });

    const download = page.waitForEvent("download");
    await page.getByTestId("rwoa-reasons-csv").click();
    const file = await download;
    assert.equal(file.suggestedFilename(), "rwoaReasons.csv");
    const records = parse(readFileSync((await file.path())!, "utf8")) as string[][];
    assert.ok(
      records[0].includes("reason") && records[0].includes("rate"),
      "the CSV starts with its header row",
    );
    const shown = await page.getByTestId("rwoa-reasons-rows").locator("tbody tr").count();
    assert.equal(records.length - 1, shown, "the CSV holds the rows the table shows");
    await page.getByTestId("rwoa-reasons-csv-status").getByText(`Downloaded ${shown} rows`).waitFor();

    // The unit filter narrows every report to one squadron.
    await page.getByTestId("report-unit").selectOption({ label: "729th Airlift Squadron" });
    await page.getByTestId("report-apply").click();
    await page.waitForFunction(() => {
      const cells = [
        ...document.querySelectorAll('[data-testid="lod-statistics-rows"] tbody tr td:nth-child(2)'),
      ];
      return cells.length > 0 && cells.every((cell) => cell.textContent === "729th Airlift Squadron");
    });
    await assertNoSeriousViolations(page, "Reports page filtered by unit");
  });

  it("is not offered to a role without reportView", async () => {
    const page = await signIn("medtech");
    await page.getByRole("link", { name: "Inbox" }).waitFor();
    assert.equal(await page.getByRole("link", { name: "Reports" }).count(), 0);
  });
});
