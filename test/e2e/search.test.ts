/**
 * Case search in Chromium (issue 20): the medical technician searches by member name, the results stream into
 * the list with a count, a result opens the member's LOD history (also linked from the case page), and the
 * search downloads as a CSV that parses and round-trips an awkward name; axe on each page.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import type { Browser, Page } from "playwright-core";
import { CaseService } from "../../src/gen/ect/v1/case_service_pb.js";
import { assertNoSeriousViolations } from "../support/axe.js";
import { browserSuite, launchChromium } from "../support/chromium.js";
import { signIn as apiSignIn, grpcClient } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { ensureWebBuilt } from "./build-web.js";

const artifacts = "test-artifacts/e2e";
const LAST_NAME = 'Zyngier, "Z"';

describe("case search in Chromium", { timeout: 300_000, ...browserSuite }, () => {
  let server: TestServer;
  let browser: Browser;
  let memberId = 0;
  const caseNumbers: string[] = [];

  before(async () => {
    browser = await launchChromium();
    await ensureWebBuilt();
    mkdirSync(artifacts, { recursive: true });
    server = await startTestServer(undefined);
    const { rows } = await server.db.query<{ id: number }>(
      `INSERT INTO members (ssn, last_name, first_name, middle_name, grade, unit_id, date_of_birth, compo)
       VALUES ('918273700', $1, 'Ola', '', 'E-5', 102, '1991-05-06', (SELECT code FROM compos ORDER BY code LIMIT 1))
       RETURNING id`,
      [LAST_NAME],
    );
    memberId = rows[0].id;
    const cases = grpcClient(server.url, CaseService, await apiSignIn(server.url, "medtech"));
    for (const incident of ["Twisted knee on the flight line", "Burn from a hydraulic line"]) {
      caseNumbers.push((await cases.createCase({ memberId, incidentDescription: incident })).caseNumber);
    }
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

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

  it("searches, opens a member's history, downloads a CSV, and passes axe on each page", async () => {
    const page = await signIn("medtech");
    await page.getByRole("link", { name: "Search" }).click();
    await page.getByRole("heading", { name: "Search cases", level: 1 }).waitFor();
    await assertNoSeriousViolations(page, "Search page");

    await page.getByLabel("Case number, member name or SSN").fill("zyngier");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByTestId("search-status").getByText("Found 2 cases").waitFor();
    const shown = await page
      .getByTestId("search-row")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-case")));
    assert.deepEqual(shown, [...caseNumbers].reverse(), "newest first");
    await assertNoSeriousViolations(page, "Search results");
    await page.screenshot({ path: `${artifacts}/search-results.png`, fullPage: true });

    const download = page.waitForEvent("download");
    await page.getByTestId("search-csv").click();
    const file = await download;
    assert.equal(file.suggestedFilename(), "SearchCases.csv");
    const records = parse(readFileSync((await file.path())!, "utf8"), { columns: true }) as Record<
      string,
      string
    >[];
    assert.deepEqual(
      records.map((r) => [r.caseNumber, r["member.lastName"]]),
      [...caseNumbers].reverse().map((number) => [number, LAST_NAME]),
    );
    await page.getByTestId("search-csv-status").getByText("Downloaded 2 cases").waitFor();

    // A result's member link opens the member's LOD history.
    await page
      .getByRole("link", { name: /LOD history of Zyngier/ })
      .first()
      .click();
    await page.getByRole("heading", { name: /LOD history of Zyngier/, level: 1 }).waitFor();
    await page.getByTestId("history-status").getByText("2 cases in your units").waitFor();
    const history = await page
      .getByTestId("history-row")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-case")));
    assert.deepEqual(history, [...caseNumbers].reverse());
    assert.match((await page.getByTestId("history-member").textContent()) ?? "", /\*\*\*-\*\*-3700/);
    await assertNoSeriousViolations(page, "Member history page");

    // The case page links to the same history.
    await page.getByRole("link", { name: caseNumbers[0] }).click();
    await page.getByTestId("member-history-link").click();
    await page.waitForURL(`${server.url}/members/${memberId}`);
    await page.getByTestId("history-row").first().waitFor();
  });

  it("another wing's technician does not find them", async () => {
    const page = await signIn("medtech445");
    await page.getByRole("link", { name: "Search" }).click();
    await page.getByLabel("Case number, member name or SSN").fill("zyngier");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByTestId("search-status").getByText("Found 0 cases").waitFor();
  });
});
