import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { ManualClock } from "../../src/domain/investigation/calendar-clock.js";
import { addDays } from "../../src/domain/investigation/suspense.js";
import { CaseService } from "../../src/gen/ect/v1/case_service_pb.js";
import { FormService } from "../../src/gen/ect/v1/form_service_pb.js";
import { InvestigationService } from "../../src/gen/ect/v1/investigation_service_pb.js";
import { ActionKind } from "../../src/gen/ect/v1/resources_pb.js";
import { fillPart, type RouteUser, route } from "../support/af348-parts.js";
import { assertNoSeriousViolations } from "../support/axe.js";
import { addMedicalRecord } from "../support/case-documents.js";
import { browserSuite, launchChromium } from "../support/chromium.js";
import { signIn as apiSignIn, grpcClient } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { FILL, openTab } from "./af348-fill.js";
import { ensureWebBuilt } from "./build-web.js";
import { fillReport } from "./formal-fill.js";

/** The day the server's investigation calendar starts on (ECT_IO_CLOCK): today, so the form's dates agree. */
const START = new Date().toISOString().slice(0, 10);
const artifacts = "test-artifacts/e2e";
const updateScreenshots = process.env.ECT_UPDATE_SCREENSHOTS === "1";

describe("formal investigations in Chromium", { timeout: 420_000, ...browserSuite }, () => {
  let server: TestServer;
  let browser: Browser;
  let clock: ManualClock;
  const tokens = new Map<string, string>();
  const cases = (user: string) => grpcClient(server.url, CaseService, tokens.get(user));
  const form = (user: string) => grpcClient(server.url, FormService, tokens.get(user));

  before(async () => {
    browser = await launchChromium();
    await ensureWebBuilt();
    mkdirSync(artifacts, { recursive: true });
    server = await startTestServer(undefined, { ECT_IO_CLOCK: START });
    clock = server.config.investigations.clock as ManualClock;
    for (const user of route) tokens.set(user, await apiSignIn(server.url, user));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A fresh browser context signed in as a demo user. */
  async function signIn(username: string, width = 1280): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId(`signin-${username}`).click();
    await page.getByTestId("current-role").waitFor();
    return page;
  }

  async function openCase(page: Page, name: string) {
    await page.goto(`${server.url}/${name}`);
    await page.getByRole("tablist").waitFor();
  }

  /** Saves a screenshot under test-artifacts, and into docs/screenshots when ECT_UPDATE_SCREENSHOTS=1. */
  async function screenshot(page: Page, name: string) {
    const path = `${artifacts}/formal-${name}.png`;
    await page.screenshot({ path, fullPage: true });
    if (updateScreenshots) copyFileSync(path, `docs/screenshots/formal-${name}.png`);
  }

  /** Over the API, as the demo users would: the role fills its part (unless told not to), signs and forwards. */
  async function forwardOverApi(user: RouteUser, name: string, fill = true) {
    if (fill) await fillPart(form(user), user, name);
    // The medical officer's forward requires a medical record (required_documents).
    if (user === "medofficer") await addMedicalRecord(server.url, tokens.get("medofficer"), name);
    const before = await cases(user).getNextActions({ name });
    if (!before.signedByCaller) await cases(user).signCase({ name });
    const next = await cases(user).getNextActions({ name });
    const advance = next.actions.find((action) => action.kind === ActionKind.ADVANCE);
    assert.ok(advance, `${user} may forward`);
    await cases(user).takeAction({ name, optionId: advance.optionId });
  }

  /** In the browser: signs as the page's user and takes the first forward. */
  async function signAndForward(page: Page) {
    await page.getByTestId("sign").click();
    await page.getByTestId("signed").waitFor();
    await page.getByTestId("forward").first().click();
    await page.getByTestId("no-actions").waitFor();
  }

  /** A new LOD for an enlisted member of the 729th Airlift Squadron (so the groups' officers are outside its chain), at the wing commander. */
  async function caseAtWingCommander(incident: string) {
    const { rows } = await server.db.query<{ id: number }>(
      "SELECT id FROM members WHERE unit_id = 102 AND grade LIKE 'E-%' ORDER BY id LIMIT 1",
    );
    const created = await cases("medtech").createCase({
      memberId: rows[0].id,
      incidentDescription: incident,
    });
    for (const user of route.slice(0, route.indexOf("wingcc"))) await forwardOverApi(user, created.name);
    return created;
  }

  it("the wing commander directs, the IO reports, the formal reviews and the board decide, to Complete", async () => {
    clock.set(START);
    const created = await caseAtWingCommander("Fell from a maintenance stand; misconduct alleged");
    const name = created.name;

    // The appointing authority directs a formal investigation: only eligible officers are offered, with grade.
    const wingcc = await signIn("wingcc");
    await openCase(wingcc, name);
    await wingcc.getByTestId("direct-formal").click();
    const picker = wingcc.getByTestId("io-picker");
    await picker.locator("option", { hasText: "Walsh" }).waitFor({ state: "attached" });
    const offered = await picker.locator("option").allTextContents();
    assert.ok(
      offered.some((text) => /Walsh \(O-3\)/.test(text)),
      `Capt Walsh offered with grade: ${offered}`,
    );
    assert.ok(
      offered.some((text) => /Reyes/.test(text)),
      `Maj Reyes offered: ${offered}`,
    );
    assert.ok(!offered.some((text) => /Kim/.test(text)), `the 2d Lt (too junior) is not offered: ${offered}`);
    // Refused without a reason: said in an alert and at the field.
    await wingcc.getByTestId("direct-submit").click();
    await wingcc
      .getByTestId("direct-error")
      .getByText(/reason/)
      .waitFor();
    assert.equal(await wingcc.getByTestId("direct-reason-input").getAttribute("aria-invalid"), "true");
    await wingcc
      .getByTestId("direct-reason-input")
      .fill("Misconduct alleged by a witness; duty status unclear");
    assert.equal(await wingcc.getByTestId("direct-error").count(), 0, "corrected, the error goes");
    await picker.selectOption({ label: offered.find((text) => /Walsh/.test(text)) });
    await assertNoSeriousViolations(wingcc, "Direct formal investigation");
    await screenshot(wingcc, "direct");
    await wingcc.getByTestId("direct-submit").click();
    await wingcc.getByTestId("case-status").getByText("Investigating Officer").waitFor();
    await wingcc.getByTestId("case-suspense").getByText("50 days left").waitFor();
    await wingcc.context().close();

    // Two days past the suspense the IO's inboxes show it overdue, in words.
    clock.set(addDays(START, 52));
    const io = await signIn("iocapt");
    await io.getByRole("link", { name: "Investigations" }).click();
    const row = io.getByTestId("investigation-row").filter({ hasText: created.caseNumber });
    await row.getByText("Overdue by 2 days").waitFor();
    assert.equal(await row.getAttribute("data-overdue"), "true");
    await assertNoSeriousViolations(io, "Investigations (IO inbox)");
    await screenshot(io, "io-inbox");
    await io.getByRole("link", { name: "Inbox" }).click();
    await io
      .getByTestId("inbox-row")
      .filter({ hasText: created.caseNumber })
      .getByTestId("row-suspense")
      .getByText(/Overdue by 2 days/)
      .waitFor();

    // The appointing authority extends the suspense, with a reason.
    const aa = await signIn("wingcc");
    await openCase(aa, name);
    await aa
      .getByTestId("case-suspense")
      .getByText(/Overdue by 2 days/)
      .waitFor();
    await aa.getByTestId("extend-suspense").click();
    await aa.getByTestId("extend-date").fill(addDays(START, 80));
    await aa.getByTestId("extend-reason").fill("The key witness is deployed until next month");
    await aa.getByTestId("extend-submit").click();
    await aa.getByTestId("case-suspense").getByText("28 days left").waitFor();
    await aa.context().close();

    // The IO lands on the report, cannot forward it unfilled, fills it, signs and forwards.
    await io.getByTestId("inbox-row").filter({ hasText: created.caseNumber }).getByRole("link").click();
    await io.getByRole("tablist").waitFor();
    assert.equal(await io.getByTestId("tab-investigation").getAttribute("aria-selected"), "true");
    assert.match((await io.getByTestId("tab-investigation").textContent()) ?? "", /your part/);
    assert.equal(await io.getByTestId("field-report.place").getAttribute("aria-required"), "true");
    await io.getByTestId("sign").click();
    await io.getByTestId("signed").waitFor();
    await io.getByTestId("forward").first().click();
    await io
      .getByTestId("action-error")
      .getByText(/required fields missing/)
      .waitFor();
    const listed = await io.getByTestId("go-to-field").allTextContents();
    assert.ok(listed.includes("Report of investigation: Place"), `missing fields listed: ${listed}`);
    await assertNoSeriousViolations(io, "Report of investigation (editable)");
    await fillReport(io);
    // The signature taken before the report was filled no longer signs it, said in words.
    await io
      .getByTestId("section-report")
      .getByTestId("signature")
      .first()
      .getByText("✖ Invalid signature")
      .waitFor();
    await screenshot(io, "report");
    await signAndForward(io);
    await io.context().close();

    // The formal wing JA reviews the report's legal sufficiency.
    const ja = await signIn("wingja");
    await openCase(ja, name);
    assert.equal(await ja.getByTestId("tab-investigation").getAttribute("aria-selected"), "true");
    await ja.getByTestId("value-report.place").getByText("Hangar 3, March ARB").waitFor();
    assert.equal(await ja.getByTestId("save-report").count(), 0, "the report is read-only for the JA");
    await ja.getByTestId("field-legalReview.legallySufficient-yes").check();
    await ja.getByTestId("field-legalReview.concur-yes").check();
    await ja.getByTestId("save-legalReview").click();
    await ja
      .getByTestId("save-status-legalReview")
      .getByText(/^Saved 2 fields/)
      .waitFor();
    await assertNoSeriousViolations(ja, "Formal wing JA review");
    await screenshot(ja, "legal-review");
    await signAndForward(ja);
    await ja.context().close();

    // The appointing authority returns the case to the IO, who reads why, adds to the report and forwards again.
    const returning = await signIn("wingcc");
    await openCase(returning, name);
    const roles = await returning.getByTestId("rwoa-role").locator("option").allTextContents();
    const toIo = roles.find((role) => /^Investigating Officer/.test(role));
    assert.ok(toIo, `the IO is offered as a return target: ${roles}`);
    await returning.getByTestId("rwoa-reason").selectOption({ index: 1 });
    await returning.getByTestId("rwoa-role").selectOption({ label: toIo });
    await returning.getByTestId("rwoa-comment").fill("Attach the witness statement to the report.");
    await returning.getByTestId("rwoa").click();
    await returning.getByTestId("case-holder").getByText("Investigating Officer").waitFor();
    await returning.context().close();
    const back = await signIn("iocapt");
    await openCase(back, name);
    assert.equal(await back.getByTestId("tab-investigation").getAttribute("aria-selected"), "true");
    await back.getByTestId("field-report.remarks").fill("Witness statement of SSgt Park attached.");
    await back.getByTestId("save-report").click();
    await back.getByTestId("save-status-report").getByText("Saved 1 field.").waitFor();
    await openTab(back, "timeline");
    await back
      .getByTestId("timeline")
      .getByText(/Attach the witness statement/)
      .waitFor();
    await signAndForward(back);
    await back.context().close();
    await forwardOverApi("wingja", name, false);

    // The appointing authority concurs with the IO and records its finding on the AF 348.
    const commander = await signIn("wingcc");
    await openCase(commander, name);
    await commander.getByTestId("field-appointingAuthorityReview.concur-yes").check();
    await commander.getByTestId("save-appointingAuthorityReview").click();
    await commander
      .getByTestId("save-status-appointingAuthorityReview")
      .getByText(/^Saved 1 field/)
      .waitFor();
    await screenshot(commander, "appointing-authority");
    await FILL.wingcc(commander);
    await signAndForward(commander);
    await commander.context().close();

    // The board over the API (not the point here); the approving authority decides in the browser.
    for (const user of ["boardtech", "boardmed", "boardlegal"] as const) await forwardOverApi(user, name);
    const approver = await signIn("approver");
    await openCase(approver, name);
    await FILL.approver(approver);
    await signAndForward(approver);
    await approver.getByTestId("case-state").getByText("Completed").waitFor();
    await approver
      .getByTestId("case-suspense")
      .getByText(/case closed/)
      .waitFor();
    await openTab(approver, "investigation");
    await approver.getByTestId("value-appointingAuthorityReview.concur").getByText("Yes").waitFor();
    const signatures = approver.getByTestId("section-report").getByTestId("signature");
    await signatures.last().getByText("✔ Valid signature").waitFor();
    await assertNoSeriousViolations(approver, "Report of investigation (read-only)");
    await screenshot(approver, "complete");
    await approver.context().close();
  });

  it("the appointing authority appoints a different officer, whose inbox and phone screen then hold the report", async () => {
    clock.set(START);
    const created = await caseAtWingCommander("Injured during off-duty travel");
    await grpcClient(server.url, InvestigationService, tokens.get("wingcc")).directFormalInvestigation({
      name: created.name,
      reason: "Duty status unclear",
      investigatingOfficer: "iocapt",
    });

    const wingcc = await signIn("wingcc");
    await openCase(wingcc, created.name);
    await wingcc.getByTestId("reappoint").click();
    const picker = wingcc.getByTestId("reappoint-picker");
    await picker.locator("option", { hasText: "Reyes" }).waitFor({ state: "attached" });
    const offered = await picker.locator("option").allTextContents();
    assert.ok(
      !offered.some((text) => /Walsh/.test(text)),
      `the officer appointed now is not offered: ${offered}`,
    );
    assert.ok(!offered.some((text) => /Kim/.test(text)), `the 2d Lt is not offered: ${offered}`);
    await picker.selectOption({ label: offered.find((text) => /Reyes/.test(text)) });
    await wingcc.getByTestId("reappoint-submit").click();
    await wingcc
      .getByTestId("reappoint-error")
      .getByText(/reason/)
      .waitFor();
    await wingcc.getByTestId("reappoint-reason").fill("Capt Walsh deployed");
    assert.equal(await wingcc.getByTestId("reappoint-error").count(), 0, "corrected, the error goes");
    await assertNoSeriousViolations(wingcc, "Appoint a different officer");
    await screenshot(wingcc, "reappoint");
    await wingcc.getByTestId("reappoint-submit").click();
    await wingcc
      .getByTestId("aa-investigation")
      .getByText(/Investigating officer: Maj Victor Reyes/)
      .waitFor();
    await openTab(wingcc, "investigation");
    assert.equal(
      await wingcc.getByTestId("appointments").locator("li").count(),
      2,
      "both appointments listed",
    );
    await wingcc.context().close();

    const io = await signIn("iomaj", 390);
    await io.getByRole("link", { name: "Investigations" }).click();
    await io
      .getByTestId("investigation-row")
      .filter({ hasText: created.caseNumber })
      .getByRole("link")
      .click();
    await io.getByRole("tablist").waitFor();
    assert.equal(await io.getByTestId("tab-investigation").getAttribute("aria-selected"), "true");
    await io.getByTestId("field-report.place").waitFor();
    const width = await io.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 392, `no horizontal scrolling on the report at 390 px (width ${width})`);
    await io.context().close();
  });
});
