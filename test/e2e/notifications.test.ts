import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { CaseService } from "../../src/gen/ect/v1/case_service_pb.js";
import { FormService } from "../../src/gen/ect/v1/form_service_pb.js";
import { ActionKind } from "../../src/gen/ect/v1/resources_pb.js";
import { fillPart, type RouteUser } from "../support/af348-parts.js";
import { assertNoSeriousViolations } from "../support/axe.js";
import { browserSuite, launchChromium } from "../support/chromium.js";
import { signIn as apiSignIn, grpcClient } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { ensureWebBuilt } from "./build-web.js";

describe("in-app notifications in Chromium", { timeout: 300_000, ...browserSuite }, () => {
  let server: TestServer;
  let browser: Browser;
  const tokens = new Map<string, string>();
  const cases = (user: string) => grpcClient(server.url, CaseService, tokens.get(user));
  const form = (user: string) => grpcClient(server.url, FormService, tokens.get(user));

  before(async () => {
    browser = await launchChromium();
    await ensureWebBuilt();
    server = await startTestServer(undefined);
    for (const user of ["medtech", "medofficer"]) tokens.set(user, await apiSignIn(server.url, user));
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(username: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId(`signin-${username}`).click();
    await page.getByTestId("current-role").waitFor();
    return page;
  }

  async function forwardOverApi(user: RouteUser, name: string) {
    await fillPart(form(user), user, name);
    const before = await cases(user).getNextActions({ name });
    if (!before.signedByCaller) await cases(user).signCase({ name });
    const next = await cases(user).getNextActions({ name });
    const advance = next.actions.find((action) => action.kind === ActionKind.ADVANCE);
    assert.ok(advance, `${user} may forward`);
    await cases(user).takeAction({ name, optionId: advance.optionId });
  }

  /** The unread count the bell shows once its watch has reported. */
  async function bellCount(page: Page): Promise<number> {
    const bell = page.getByRole("link", { name: /^Notifications, \d+ unread$/ });
    await page
      .getByTestId("notification-announcement")
      .getByText(/unread/)
      .waitFor({ state: "attached" });
    const name = (await bell.getAttribute("aria-label")) ?? "";
    return Number(/(\d+) unread/.exec(name)?.[1]);
  }

  it("the bell counts up live when a case arrives, the feed marks it read, the case lists what was sent", async () => {
    const page = await signIn("medofficer");
    const before = await bellCount(page);
    assert.equal(
      await page.getByTestId("notification-announcement").getAttribute("aria-live"),
      "polite",
      "the count is announced politely",
    );

    // Another user moves a case to the medical officer: the bell rises without a reload.
    const { rows } = await server.db.query<{ id: number }>(
      "SELECT id FROM members WHERE unit_id = 10 ORDER BY id LIMIT 1",
    );
    const created = await cases("medtech").createCase({
      memberId: rows[0].id,
      incidentDescription: "Cut a hand on a cargo strap during loading",
    });
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    await forwardOverApi("medtech", created.name);
    await page.getByRole("link", { name: `Notifications, ${before + 1} unread` }).waitFor();
    assert.equal(
      await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
      true,
      "the page was not reloaded",
    );

    // The inbox shows how long the case has waited; past 10 days it is overdue, in words.
    const row = page.getByTestId("inbox-row").filter({ hasText: created.caseNumber });
    await row.getByTestId("status-age").getByText("0 days in status").waitFor();
    await server.db.query(
      "UPDATE tracking SET start_time = now() - interval '12 days' WHERE id = (SELECT max(id) FROM tracking WHERE case_id = $1)",
      [created.id],
    );
    // Back to the inbox in the app (a new stream), not a browser reload.
    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.getByRole("link", { name: "Inbox" }).click();
    await row.getByTestId("status-age").getByText("Overdue · 12 days in status").waitFor();
    await assertNoSeriousViolations(page, "Inbox with the bell and overdue badges");

    // The feed: the new notification on top, marked read from the page; the bell follows.
    await page.getByRole("link", { name: /^Notifications, \d+ unread$/ }).click();
    await page.getByRole("heading", { name: "Notifications", level: 1 }).waitFor();
    const item = page.getByTestId("notification").filter({ hasText: created.caseNumber }).first();
    await item.getByText("New").waitFor();
    await assertNoSeriousViolations(page, "Notifications feed");
    const count = await bellCount(page);
    await item.getByRole("button", { name: /Mark read/ }).click();
    await item.and(page.locator('[data-read="true"]')).waitFor();
    await page.getByRole("link", { name: `Notifications, ${count - 1} unread` }).waitFor();

    // Its link opens the case, whose Notifications tab lists what was sent, by name and role.
    await item.getByRole("link", { name: `Open case ${created.caseNumber}` }).click();
    await page.getByRole("tablist").waitFor();
    await page.getByRole("tab", { name: /Notifications/ }).click();
    const sent = page.getByTestId("case-notification").filter({ hasText: "Maj David Chen" });
    await sent.first().waitFor();
    assert.match((await sent.first().textContent()) ?? "", /Medical Officer/);
    assert.doesNotMatch((await page.getByTestId("case-notifications").textContent()) ?? "", /@/);
    await assertNoSeriousViolations(page, "Case notifications log");
    await page.context().close();
  });
});
