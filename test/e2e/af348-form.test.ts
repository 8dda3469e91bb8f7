import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { route } from "../support/af348-parts.js";
import { assertNoSeriousViolations } from "../support/axe.js";
import { addMedicalRecord } from "../support/case-documents.js";
import { browserSuite, launchChromium } from "../support/chromium.js";
import { signIn as apiSignIn } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { daysAgo, enter, FILL, openTab } from "./af348-fill.js";
import { ensureWebBuilt } from "./build-web.js";

/** The tab each user's screenshot shows (their own part of the form). */
const shotTab: Partial<Record<(typeof route)[number], string>> = {
  medtech: "member",
  medofficer: "medical",
  unitcc: "unit",
  wingja: "legal",
  wingcc: "commander",
  boardlegal: "board",
  approver: "determination",
};
const artifacts = "test-artifacts/e2e";
const updateScreenshots = process.env.ECT_UPDATE_SCREENSHOTS === "1";

describe("the AF 348 as a tabbed form in Chromium", { timeout: 420_000, ...browserSuite }, () => {
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
  async function signIn(username: string, width = 1280): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId(`signin-${username}`).click();
    await page.getByTestId("current-role").waitFor();
    return page;
  }

  /** Opens a case page by its path and waits until its form is shown. */
  async function openCase(page: Page, path: string) {
    await page.goto(`${server.url}${path}`);
    await page.getByRole("tablist").waitFor();
  }

  /** Saves a screenshot under test-artifacts, and into docs/screenshots when ECT_UPDATE_SCREENSHOTS=1. */
  async function screenshot(page: Page, name: string) {
    const path = `${artifacts}/af348-${name}.png`;
    await page.screenshot({ path, fullPage: true });
    if (updateScreenshots) copyFileSync(path, `docs/screenshots/af348-${name}.png`);
  }

  /** Scans the open tab with axe-core, once per tab and mode (editable or read-only). */
  const scanned = new Set<string>();
  async function scanTab(page: Page, tab: string) {
    const editable = (await page.locator(`[data-testid="panel-${tab}"] form`).count()) > 0;
    const label = `AF 348 ${tab} tab (${editable ? "editable" : "read-only"})`;
    if (scanned.has(label)) return;
    scanned.add(label);
    await assertNoSeriousViolations(page, label);
  }

  /** Starts an LOD as the medical technician on the page; returns the case page's path. */
  async function startLod(page: Page, incident: string): Promise<string> {
    await page.getByRole("link", { name: "Start new LOD" }).click();
    await page.getByTestId("member-search").fill("a");
    await page.getByTestId("member-option").first().locator("input").check();
    await page.getByTestId("incident").fill(incident);
    await page.getByTestId("create-case").click();
    await page.waitForURL(/\/cases\/\d+$/);
    await page.getByRole("tablist").waitFor();
    return new URL(page.url()).pathname;
  }

  async function signAndForward(page: Page) {
    await page.getByTestId("sign").click();
    await page.getByTestId("signed").waitFor();
    await page.getByTestId("forward").first().click();
    await page.getByTestId("no-actions").waitFor();
  }

  /** Attribute values of a field's control. */
  const attr = (page: Page, path: string, name: string) =>
    page.getByTestId(`field-${path}`).getAttribute(name);

  it("a new case is filled, signed and forwarded by every role in its own tab, to Complete", async () => {
    const medtech = await signIn("medtech");
    const casePath = await startLod(medtech, "Ankle injury during unit PT");

    // The medical technician lands on the first tab holding their part, marked as such.
    assert.equal(await medtech.getByTestId("tab-member").getAttribute("aria-selected"), "true");
    assert.match((await medtech.getByTestId("tab-member").textContent()) ?? "", /your part/);
    assert.equal(await attr(medtech, "member.dutyStatus", "aria-required"), "true");

    // Required fields are marked for the role that must fill them, and only for it.
    await openTab(medtech, "medical");
    assert.equal(await attr(medtech, "medical.treatmentFacility", "aria-required"), "true");
    assert.match(
      (await medtech.locator('label[for="f-medical-treatmentFacility"]').textContent()) ?? "",
      /\*$/,
      "a visible marker",
    );
    assert.equal(await attr(medtech, "medical.icd10Code", "aria-required"), "false", "the medical officer's");
    // The medical officer's fields of the section are shown to the technician, not offered for editing.
    assert.equal(await medtech.getByTestId("field-medical.psychiatricEvaluation").count(), 0);
    await medtech.getByTestId("value-medical.psychiatricEvaluation").getByText("Not answered").waitFor();

    // A value the server refuses is shown at its field, named for screen readers.
    await enter(medtech, { "medical.treatmentDate": "2999-01-01" });
    await medtech.getByTestId("save-medical").click();
    await medtech.getByTestId("save-error-medical").waitFor();
    assert.equal(await attr(medtech, "medical.treatmentDate", "aria-invalid"), "true");
    const describedBy = await attr(medtech, "medical.treatmentDate", "aria-describedby");
    assert.ok(describedBy, "the error is tied to the field");
    assert.match((await medtech.locator(`#${describedBy}`).textContent()) ?? "", /must not be in the future/);
    assert.equal(
      await medtech.evaluate(() => document.activeElement?.id),
      "f-medical-treatmentDate",
      "focus moves to the field in error",
    );
    await scanTab(medtech, "medical");
    await screenshot(medtech, "field-error");
    await enter(medtech, { "medical.treatmentDate": daysAgo(2) });
    await medtech.getByTestId("save-medical").click();
    await medtech.getByTestId("save-status-medical").getByText("Saved 1 field.").waitFor();
    assert.equal(
      await attr(medtech, "medical.treatmentDate", "aria-invalid"),
      "false",
      "fixed, the error goes",
    );

    await FILL.medtech(medtech);
    assert.match(
      (await medtech.getByTestId("icd10-chosen").textContent()) ?? "",
      /Sprain of unspecified ligament of right ankle/,
      "the picked code is described",
    );
    await scanTab(medtech, "member");
    await screenshot(medtech, "member");
    await signAndForward(medtech);
    await medtech.context().close();

    for (const user of route.slice(1)) {
      // The medical officer's forward requires a medical record (required_documents), added over the API.
      if (user === "medofficer")
        await addMedicalRecord(
          server.url,
          await apiSignIn(server.url, "medofficer"),
          `cases/${casePath.split("/").pop()}`,
        );
      const page = await signIn(user);
      await openCase(page, casePath);
      await FILL[user](page);
      if (user === "unitcc") {
        // Another role's section is shown read-only, with its signatures' state in words.
        await openTab(page, "medical");
        assert.equal(await page.getByTestId("save-medical").count(), 0);
        assert.match(
          (await page.getByTestId("value-medical.treatmentFacility").textContent()) ?? "",
          /452nd/,
        );
        await scanTab(page, "medical");
        await openTab(page, "unit");
      }
      if (user === "medofficer") {
        // The officer's own items leave the technician's signature on the medical section standing.
        const signatures = page.getByTestId("section-medical").getByTestId("signature");
        await signatures.first().getByText("✔ Valid signature").waitFor();
        assert.equal(await signatures.first().getAttribute("data-valid"), "true");
      }
      if (user === "approver") {
        const choices = await page
          .getByTestId("field-findings.approvingAuthority.finding")
          .locator("option")
          .allTextContents();
        assert.deepEqual(choices, [
          "Choose…",
          "In line of duty",
          "Not in line of duty, not due to misconduct",
          "Not in line of duty, due to misconduct",
          "Existed prior to service, LOD not applicable",
        ]);
      }
      const tab = shotTab[user];
      if (tab) {
        await openTab(page, tab);
        await scanTab(page, tab);
        await screenshot(page, tab);
      }
      await signAndForward(page);
      await page.context().close();
    }

    const admin = await signIn("admin");
    await openCase(admin, casePath);
    await admin.getByTestId("case-state").getByText("Completed").waitFor();
    for (const tab of ["member", "medical", "unit", "legal", "commander", "board", "determination"]) {
      await openTab(admin, tab);
      await scanTab(admin, tab);
    }
    assert.match(
      (await admin.getByTestId("value-findings.approvingAuthority.finding").textContent()) ?? "",
      /In line of duty/,
    );
    for (const tab of ["timeline", "signatures", "audit"]) {
      await openTab(admin, tab);
      await scanTab(admin, tab);
      await screenshot(admin, tab);
    }
    await openTab(admin, "timeline");
    const onTimeline = await admin.getByTestId("timeline-signature").count();
    assert.ok(onTimeline >= route.length, `each signature on the timeline (${onTimeline})`);
    await openTab(admin, "signatures");
    const listed = await admin.getByTestId("case-signature").count();
    assert.ok(listed >= route.length, `each signature listed (${listed})`);
    await admin.context().close();
  });

  it("a forward missing required fields names each at its field; RWOA goes back to the role chosen", async () => {
    const medtech = await signIn("medtech");
    const casePath = await startLod(medtech, "Forward before filling");
    await medtech.getByTestId("sign").click();
    await medtech.getByTestId("signed").waitFor();
    await medtech.getByTestId("forward").first().click();

    // Refused: every missing field is listed, counted on its tab and marked at the field itself.
    await medtech
      .getByTestId("action-error")
      .getByText(/required fields missing/)
      .waitFor();
    const listed = await medtech.getByTestId("go-to-field").allTextContents();
    for (const field of [
      "Member: Member status at the time",
      "Medical: Nature of the event",
      "Medical: First treatment date",
    ])
      assert.ok(listed.includes(field), `${field} is listed in ${JSON.stringify(listed)}`);
    assert.match((await medtech.getByTestId("tab-medical").textContent()) ?? "", /\d+ to fix/);
    await medtech.getByTestId("go-to-field").filter({ hasText: "Medical: First treatment date" }).click();
    assert.equal(await medtech.getByTestId("tab-medical").getAttribute("aria-selected"), "true");
    assert.equal(await medtech.evaluate(() => document.activeElement?.id), "f-medical-treatmentDate");
    assert.equal(await attr(medtech, "medical.treatmentDate", "aria-invalid"), "true");
    const describedBy = await attr(medtech, "medical.treatmentDate", "aria-describedby");
    assert.match(
      (await medtech.locator(`#${describedBy}`).textContent()) ?? "",
      /Required before the case can be forwarded/,
    );
    await scanTab(medtech, "medical");
    await screenshot(medtech, "forward-refused");

    // Filled after signing, the signature no longer signs the form: sign again, then the forward goes through.
    await FILL.medtech(medtech);
    await medtech.getByTestId("signature-broken").waitFor();
    await openTab(medtech, "medical");
    const medical = medtech.getByTestId("section-medical").getByTestId("signature").first();
    await medical.getByText("✖ Invalid signature").waitFor();
    assert.match((await medical.textContent()) ?? "", /the section changed after signing/);
    await screenshot(medtech, "signature-invalid");
    await signAndForward(medtech);
    await medtech.context().close();
    // The medical officer's forward requires a medical record (required_documents), added over the API.
    await addMedicalRecord(
      server.url,
      await apiSignIn(server.url, "medofficer"),
      `cases/${casePath.split("/").pop()}`,
    );
    for (const user of ["medofficer", "unitcc"] as const) {
      const page = await signIn(user);
      await openCase(page, casePath);
      await FILL[user](page);
      await signAndForward(page);
      await page.context().close();
    }

    const wingja = await signIn("wingja");
    await openCase(wingja, casePath);
    const roles = await wingja.getByTestId("rwoa-role").locator("option").allTextContents();
    assert.ok(
      roles.some((role) => /^Medical Officer/.test(role)),
      `earlier roles offered: ${JSON.stringify(roles)}`,
    );
    await wingja.getByTestId("rwoa-reason").selectOption({ index: 1 });
    await wingja
      .getByTestId("rwoa-role")
      .selectOption({ label: roles.find((role) => /^Medical Officer/.test(role)) });
    await wingja
      .getByTestId("rwoa-comment")
      .fill("The diagnosis does not match the circumstances; please review.");
    await screenshot(wingja, "rwoa");
    await wingja.getByTestId("rwoa").click();
    await wingja.getByTestId("case-holder").getByText("Medical Officer").waitFor();
    await wingja.context().close();

    const officer = await signIn("medofficer");
    await openCase(officer, casePath);
    await officer.getByTestId("case-holder").getByText("Medical Officer").waitFor();
    assert.ok(await officer.getByTestId("sign").count(), "the officer signs again");
    // The receiving role reads why: the reason on the case, the reason and explanation on the timeline.
    await openTab(officer, "timeline");
    await officer
      .getByTestId("timeline")
      .getByText(/The diagnosis does not match the circumstances/)
      .waitFor();
    await scanTab(officer, "timeline");
    await officer.context().close();
  });

  it("the tabs are used with the keyboard alone: one tab stop, arrows, Home and End, then into the panel", async () => {
    const page = await signIn("medtech");
    await startLod(page, "Keyboard check");
    const focused = () =>
      page.evaluate(() => ({
        role: document.activeElement?.getAttribute("role"),
        id: document.activeElement?.id,
        selected: document.activeElement?.getAttribute("aria-selected"),
      }));

    // Tab from the top of the page reaches the tab list once, at its selected tab.
    await page.locator("body").focus();
    let stops = 0;
    while ((await focused()).role !== "tab" && stops < 60) {
      await page.keyboard.press("Tab");
      stops += 1;
    }
    assert.deepEqual(await focused(), { role: "tab", id: "tab-member", selected: "true" });
    await page.keyboard.press("ArrowRight");
    assert.deepEqual(await focused(), { role: "tab", id: "tab-medical", selected: "true" });
    await page.getByTestId("panel-medical").waitFor();
    await page.keyboard.press("End");
    assert.deepEqual(await focused(), { role: "tab", id: "tab-notifications", selected: "true" });
    await page.keyboard.press("ArrowRight");
    assert.deepEqual(
      await focused(),
      { role: "tab", id: "tab-member", selected: "true" },
      "wraps to the first",
    );
    await page.keyboard.press("ArrowLeft");
    assert.equal((await focused()).id, "tab-notifications", "and back to the last");
    await page.keyboard.press("Home");
    assert.equal((await focused()).id, "tab-member");
    assert.equal(await page.getByTestId("tab-medical").getAttribute("tabindex"), "-1", "one tab stop");
    await page.keyboard.press("Tab");
    assert.deepEqual(await focused(), { role: "tabpanel", id: "panel-member", selected: null });
    await page.keyboard.press("Tab");
    assert.equal((await focused()).id, "f-member-dutyStatus", "then the panel's first field");
    await page.context().close();
  });

  it("fits a 390 px phone screen, every tab of the form", async () => {
    const page = await signIn("medtech", 390);
    await startLod(page, "Phone check");
    for (const tab of ["member", "medical", "unit", "board", "timeline", "signatures"]) {
      await openTab(page, tab);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 392, `no horizontal scrolling on the ${tab} tab at 390 px (width ${width})`);
    }
    await openTab(page, "medical");
    await screenshot(page, "phone-medical");
    await page.context().close();
  });
});
