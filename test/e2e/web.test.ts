import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { route } from "../support/af348-parts.js";
import { assertNoSeriousViolations } from "../support/axe.js";
import { addMedicalRecord } from "../support/case-documents.js";
import { browserSuite, launchChromium } from "../support/chromium.js";
import { signIn as apiSignIn } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { FILL } from "./af348-fill.js";
import { ensureWebBuilt } from "./build-web.js";

const artifacts = "test-artifacts/e2e";
const updateScreenshots = process.env.ECT_UPDATE_SCREENSHOTS === "1";

describe("the web client in Chromium", { timeout: 300_000, ...browserSuite }, () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let shot = 0;

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

  /** Pages already scanned with axe-core: each is scanned once, the first time the walk reaches it. */
  const scanned = new Set<string>();
  async function scanOnce(page: Page, label: string) {
    if (scanned.has(label)) return;
    scanned.add(label);
    await assertNoSeriousViolations(page, label);
  }

  /** A fresh browser context signed in as a demo user, on the inbox. */
  async function signIn(username: string, width = 1280, height = 800): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height } });
    context.setDefaultTimeout(30_000);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId(`signin-${username}`).waitFor();
    await scanOnce(page, "sign-in page");
    await page.getByTestId(`signin-${username}`).click();
    await page.getByTestId("current-role").waitFor();
    await inboxLoaded(page);
    await scanOnce(page, "inbox");
    return page;
  }

  async function inboxLoaded(page: Page) {
    await page.waitForFunction(
      () => /cases in/.test(document.querySelector('[data-testid="inbox-status"]')?.textContent ?? ""),
      undefined,
      { timeout: 30_000 },
    );
  }

  async function screenshot(page: Page, name: string): Promise<string> {
    shot += 1;
    const path = `${artifacts}/${String(shot).padStart(2, "0")}-${name}.png`;
    await page.screenshot({ path, fullPage: true });
    return path;
  }

  async function close(page: Page) {
    await page.context().close();
  }

  /** Starts an LOD from the UI as the medical technician and returns its case number, on the case page. */
  async function startLod(page: Page, description: string): Promise<string> {
    await page.getByRole("link", { name: "Start new LOD" }).click();
    await page.getByTestId("member-search").fill("a");
    await page.getByTestId("member-option").first().locator("input").check();
    await page.getByTestId("incident").fill(description);
    await scanOnce(page, "new case page");
    await page.getByTestId("create-case").click();
    await page.waitForURL(/\/cases\/\d+$/);
    await page.getByTestId("case-number").waitFor();
    await scanOnce(page, "case page");
    return ((await page.getByTestId("case-number").textContent()) ?? "").trim();
  }

  /**
   * Fills `user`'s part of the AF 348 (when given: a case returned to a role already holds it), then signs
   * and forwards the case open on the page.
   */
  async function signAndForward(page: Page, user?: string) {
    if (user) await FILL[user](page);
    await page.getByTestId("sign").click();
    await page.getByTestId("signed").waitFor();
    await page.getByTestId("forward").first().click();
    await page.getByTestId("no-actions").waitFor();
  }

  const row = (page: Page, caseNumber: string) =>
    page.locator(`[data-testid="inbox-row"][data-case="${caseNumber}"]`);

  it("a new LOD moves through every role to final approval while a second browser watches live", async () => {
    const watcher = await signIn("admin");
    await watcher.getByRole("link", { name: "Dashboard" }).click();
    await watcher.getByTestId("health-status").getByText("Healthy").waitFor();
    await scanOnce(watcher, "dashboard");

    let page = await signIn("medtech");
    const caseNumber = await startLod(page, "Sprained ankle during unit PT");
    const casePath = new URL(page.url()).pathname;
    assert.match(caseNumber, /^\d{8}-\d+$/);
    await screenshot(page, "medtech-created");

    for (const [index, user] of route.entries()) {
      // The medical officer's forward requires a medical record (required_documents), added over the API.
      if (user === "medofficer")
        await addMedicalRecord(
          server.url,
          await apiSignIn(server.url, "medofficer"),
          `cases/${casePath.split("/").pop()}`,
        );
      if (index > 0) {
        // Opened before the previous role moved the case: the row arrived over WatchCases, without a reload.
        await row(page, caseNumber).waitFor({ timeout: 20_000 });
        if (user === "boardtech") {
          const inbox = await screenshot(page, `${user}-inbox`);
          if (updateScreenshots) copyFileSync(inbox, "docs/screenshots/inbox.png");
        }
        await row(page, caseNumber).getByRole("link").click();
        await page.getByTestId("case-number").getByText(caseNumber).waitFor();
      }
      const nextUser = route[index + 1];
      const next = nextUser ? await signIn(nextUser) : undefined;
      if (next) assert.equal(await row(next, caseNumber).count(), 0, `${nextUser} does not see it yet`);
      await signAndForward(page, user);
      await screenshot(page, `${String(index + 1).padStart(2, "0")}-${user}-forwarded`);
      await close(page);
      if (next) page = next;
    }

    const final = await signIn("admin");
    await final.goto(`${server.url}${casePath}`);
    await final.getByTestId("case-state").getByText("Completed").waitFor();
    await final.getByTestId("tab-audit").click();
    await final.getByRole("heading", { name: "Audit history" }).waitFor();
    // The audit view lists the case's audit rows, newest first, as the database holds them.
    const caseId = casePath.split("/").pop();
    const audited = await server.db.query<{ action: string; actor: string }>(
      `SELECT action, actor FROM audit_events WHERE entity_type = 'case' AND entity_id = $1
       ORDER BY id DESC LIMIT 100`,
      [caseId],
    );
    const forwards = audited.rows.filter((event) => event.action === "move").map((event) => event.actor);
    assert.deepEqual(forwards, [...route].reverse(), "the database audited each role's forward");
    const auditRows = final.locator('section[aria-labelledby="audit-title"] tbody tr');
    await final.waitForFunction(
      (count) =>
        document.querySelectorAll('section[aria-labelledby="audit-title"] tbody tr').length === count,
      audited.rows.length,
      { timeout: 30_000 },
    );
    const shown = await auditRows.evaluateAll((rows) =>
      rows.map((row) => {
        const cells = row.querySelectorAll("td");
        return { action: cells[1]?.textContent ?? "", actor: cells[2]?.textContent ?? "" };
      }),
    );
    assert.deepEqual(shown, audited.rows, "the audit view shows every audit row of the case");
    await scanOnce(final, "completed case page with its audit history");
    const casePage = await screenshot(final, "final-approval");
    if (updateScreenshots) copyFileSync(casePage, "docs/screenshots/case.png");
    await close(final);

    await watcher.getByTestId("recent-moves").getByText(caseNumber).first().waitFor();
    const moves = await watcher.getByTestId("moves-total").textContent();
    assert.ok(Number(/\d+/.exec(moves ?? "")?.[0]) >= route.length, `dashboard counted the moves: ${moves}`);
    await screenshot(watcher, "dashboard-live");
    await close(watcher);
  });

  it("returns a case without action and cancels a case from the UI", async () => {
    const medtech = await signIn("medtech");
    const caseNumber = await startLod(medtech, "Back strain lifting pallets");
    await signAndForward(medtech, "medtech");

    const officer = await signIn("medofficer");
    await row(officer, caseNumber).getByRole("link").click();
    await officer.getByTestId("rwoa-reason").selectOption({ index: 1 });
    await officer.getByTestId("rwoa").click();
    await officer.getByTestId("case-holder").getByText("Medical Technician").waitFor();
    await screenshot(officer, "rwoa");
    await close(officer);

    // Back with the technician, who signs and forwards it again; cancelling is the medical officer's call.
    await medtech.reload();
    await signAndForward(medtech);
    await close(medtech);

    const cancelling = await signIn("medofficer");
    await row(cancelling, caseNumber).getByRole("link").click();
    await cancelling.getByTestId("cancel-reason").selectOption({ index: 1 });
    await cancelling.getByTestId("cancel").click();
    await cancelling.getByTestId("case-state").getByText("Cancelled").waitFor();
    await screenshot(cancelling, "cancelled");
    await close(cancelling);
  });

  it("navigating between pages 50 times leaves the JS heap flat", async (t) => {
    const page = await signIn("admin");
    const cdp = await page.context().newCDPSession(page);
    const pages = ["Dashboard", "Logs", "Traces", "Administration", "Inbox"];
    const heading: Record<string, string> = { Inbox: "Inbox", Logs: "Process logs" };
    const visit = async (name: string) => {
      await page.getByRole("link", { name, exact: true }).click();
      await page.getByRole("heading", { level: 1, name: heading[name] ?? name }).waitFor();
    };
    const heap = async () => {
      await cdp.send("HeapProfiler.collectGarbage");
      return (await cdp.send("Runtime.getHeapUsage")).usedSize;
    };
    for (const name of pages) {
      await visit(name);
      await scanOnce(page, `${name} page`);
    }
    const baseline = await heap();
    const mb = (n: number) => (n / 1048576).toFixed(2);
    const figures: string[] = [];
    for (let i = 0; i < 50; i++) {
      await visit(pages[i % pages.length]);
      if (i % 10 === 9) figures.push(mb(await heap()));
    }
    await page.waitForTimeout(500);
    const end = await heap();
    t.diagnostic(
      `JS heap after GC: ${mb(baseline)} MB before, ${figures.join(", ")} every 10, ${mb(end)} MB after 50 navigations`,
    );
    // Measured (Chromium, 2026-11-27): 9.59 MB after the first round, then 9.86, 10.04, 10.09, 10.32 and
    // 10.39 MB every 10 navigations: 0.8 MB in all, about 16 KB a navigation. The 2 MB bound leaves 2.5 times
    // that and fails for anything holding 40 KB or more a navigation; the former bound (< 2x and < 20 MB)
    // let about 190 KB a navigation through.
    assert.ok(end - baseline < 2 * 1048576, `heap grew from ${mb(baseline)} MB to ${mb(end)} MB`);
    const supportId = await page.getByTestId("support-id").textContent();
    assert.match(supportId ?? "", /^corr-/, "the footer shows the last correlation id");
    await close(page);
  });

  it("fits a 390 px phone screen", async () => {
    const page = await signIn("unitcc", 390, 844);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 392, `no horizontal scrolling at 390 px (width ${overflow})`);
    await screenshot(page, "phone-inbox");
    await close(page);
  });
});
