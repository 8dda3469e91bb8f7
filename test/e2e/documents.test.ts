import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { Browser, Download, Page } from "playwright-core";
import { CaseService } from "../../src/gen/ect/v1/case_service_pb.js";
import { assertNoSeriousViolations } from "../support/axe.js";
import { SMALL_PDF } from "../support/case-documents.js";
import { browserSuite, launchChromium } from "../support/chromium.js";
import { signIn as apiSignIn, grpcClient } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { openTab } from "./af348-fill.js";
import { ensureWebBuilt } from "./build-web.js";

const run = promisify(execFile);

/** The bytes a browser download saved. */
async function savedBytes(download: Download): Promise<Buffer> {
  const path = await download.path();
  assert.ok(path, "the download was saved");
  return readFile(path);
}

describe("documents in Chromium", { timeout: 300_000, ...browserSuite }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let caseName = "";
  let caseNumber = "";

  before(async () => {
    browser = await launchChromium();
    await ensureWebBuilt();
    server = await startTestServer(undefined);
    const cases = grpcClient(server.url, CaseService, await apiSignIn(server.url, "medtech"));
    const { rows } = await server.db.query<{ id: number }>(
      "SELECT id FROM members WHERE unit_id = 102 ORDER BY id LIMIT 1",
    );
    const created = await cases.createCase({
      memberId: rows[0].id,
      incidentDescription: "Cut a hand on a panel",
    });
    caseName = created.name;
    caseNumber = created.caseNumber;
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    context.setDefaultTimeout(30_000);
    page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId("signin-medtech").click();
    await page.getByTestId("current-role").waitFor();
    await page.goto(`${server.url}/${caseName}`);
    await page.getByRole("tablist").waitFor();
    await openTab(page, "documents");
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("uploads a file chosen with the file input, lists it with size, type, who and when, and passes axe", async () => {
    await assertNoSeriousViolations(page, "Documents tab");
    // Offered only what the medical technician may add at Medical Technician Review, never the memos.
    const offered = await page.getByTestId("upload-category").locator("option").allTextContents();
    assert.ok(offered.includes("Medical Records"), `${offered}`);
    assert.ok(!offered.some((text) => /Memo/.test(text)), `no memo category offered: ${offered}`);
    await page.getByTestId("upload-submit").click();
    await page
      .getByTestId("upload-error")
      .getByText(/category/)
      .waitFor();
    await page.getByTestId("upload-category").selectOption({ label: "Medical Records" });
    await page.getByTestId("upload-file").setInputFiles({
      name: "clinic-record.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from(SMALL_PDF),
    });
    await page.getByTestId("upload-chosen").getByText("clinic-record.pdf").waitFor();
    await page.getByTestId("upload-submit").click();
    await page.getByTestId("upload-done").waitFor();
    assert.equal(
      await page.getByTestId("upload-progress").getAttribute("value"),
      "1",
      "progress reached 100 %",
    );
    const row = page.getByTestId("document-row").filter({ hasText: "clinic-record.pdf" });
    await row.waitFor();
    const cells = await row.locator("td").allTextContents();
    assert.equal(cells[1], "Medical Records");
    assert.equal(cells[2], "application/pdf");
    assert.equal(cells[3], `${SMALL_PDF.length} bytes`);
    assert.equal(cells[4], "medtech");
    assert.match(cells[5], /\d/, "when");
    await assertNoSeriousViolations(page, "Documents tab with a document");
  });

  it("uploads a file dropped on the drop zone", async () => {
    const dataTransfer = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(["Orders: UTA 5-6 October\n"], "orders.txt", { type: "text/plain" }));
      return transfer;
    });
    await page.getByTestId("upload-drop").dispatchEvent("drop", { dataTransfer });
    await page.getByTestId("upload-chosen").getByText("orders.txt").waitFor();
    await page.getByTestId("upload-category").selectOption({ label: "Orders" });
    await page.getByTestId("upload-submit").click();
    await page.getByTestId("document-row").filter({ hasText: "orders.txt" }).waitFor();
  });

  it("downloads a document byte for byte", async () => {
    const row = page.getByTestId("document-row").filter({ hasText: "clinic-record.pdf" });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      row.getByTestId("document-download").click(),
    ]);
    assert.equal(download.suggestedFilename(), "clinic-record.pdf");
    assert.deepEqual(new Uint8Array(await savedBytes(download)), SMALL_PDF);
  });

  it("withdraws a document only with a reason, and it leaves the list", async () => {
    const row = page.getByTestId("document-row").filter({ hasText: "orders.txt" });
    await row.getByTestId("withdraw-open").click();
    await row.getByTestId("withdraw-submit").click();
    await row
      .getByTestId("withdraw-error")
      .getByText(/reason/)
      .waitFor();
    await row.getByTestId("withdraw-reason").fill("Uploaded to the wrong case");
    await row.getByTestId("withdraw-submit").click();
    await page.getByTestId("document-row").filter({ hasText: "orders.txt" }).waitFor({ state: "detached" });
    const { rows } = await server.db.query<{ withdraw_reason: string }>(
      "SELECT withdraw_reason FROM documents WHERE file_name = 'orders.txt'",
    );
    assert.deepEqual(rows, [{ withdraw_reason: "Uploaded to the wrong case" }], "kept, with its reason");
  });

  it("prints the AF 348 as a PDF from the case page", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("print-form").click(),
    ]);
    assert.equal(download.suggestedFilename(), `AF348-${caseNumber}.pdf`);
    const path = await download.path();
    const bytes = await readFile(path);
    assert.equal(bytes.subarray(0, 5).toString(), "%PDF-");
    const { stdout } = await run("pdftotext", [path, "-"]);
    assert.ok(stdout.includes(caseNumber), "the printed form names the case");
  });
});
