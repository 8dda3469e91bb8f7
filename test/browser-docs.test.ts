import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { ensureWebBuilt } from "./e2e/build-web.js";
import { browserSuite, launchChromium } from "./support/chromium.js";
import { signIn } from "./support/clients.js";
import { type CuttingProxy, startCuttingProxy } from "./support/cutting-proxy.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

const ARTIFACTS = new URL("../test-artifacts/", import.meta.url);
/** Seeded process log rows, streamed one event per row by GET /v1/logs/stream. */
const LOG_ROWS = 600;

/** What the page saw of one EventSource: each event with the connection (open count) it arrived on. */
interface SeenEvents {
  events: { connection: number; id: number; logId: number }[];
  errors: number;
  readyState: number;
}

/**
 * Browser code (as text: the test runner's transpiler would add helpers the page lacks) that opens an
 * EventSource and resolves with what it saw once event `last` arrived, the source closed for good, or
 * 60 s passed.
 */
function eventSourceScript(url: string, last: number): string {
  return `new Promise((resolve) => {
    const source = new EventSource(${JSON.stringify(url)});
    const seen = { events: [], errors: 0, readyState: 0 };
    let connection = 0;
    function done() {
      clearTimeout(timer);
      seen.readyState = source.readyState;
      source.close();
      resolve(seen);
    }
    const timer = setTimeout(done, 60000);
    source.onopen = () => connection++;
    source.onerror = () => {
      seen.errors++;
      if (source.readyState === EventSource.CLOSED) done();
    };
    source.onmessage = (event) => {
      const id = Number(event.lastEventId);
      seen.events.push({ connection, id, logId: JSON.parse(event.data).logId });
      if (id === ${last}) done();
    };
  })`;
}

/**
 * Collects every Content Security Policy violation a page reports: the DOM event (recorded by a script
 * the browser injects, which the page's CSP does not govern) and the console message Chromium logs.
 */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const logged: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) logged.push(message.text());
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
    });
  });
  return async () => [
    ...logged,
    ...((await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations)) ?? []),
  ];
}

describe("the API in a headless browser", { timeout: 180_000, ...browserSuite }, () => {
  let server: TestServer;
  let browser: Browser;
  let proxy: CuttingProxy;
  let token: string;

  before(async () => {
    browser = await launchChromium();
    // The server serves the web client only if its bundle exists when it starts.
    await ensureWebBuilt();
    server = await startTestServer(undefined);
    token = await signIn(server.url, "admin");
    // ~20 KB is about a fifth of the stream: the first connection drops mid-stream.
    proxy = await startCuttingProxy(server.url, 20_000);
  });
  after(async () => {
    await browser?.close();
    await proxy?.close();
    await server?.stop();
  });

  async function newPage(): Promise<Page> {
    const page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    return page;
  }

  it("renders the /docs page with Swagger UI from the server's own assets, with no CSP violation", async () => {
    const page = await newPage();
    const violations = await watchCsp(page);
    const foreign: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith("data:")) {
        foreign.push(request.url());
      }
    });
    const res = await page.goto(`${server.url}/docs`);
    assert.equal(res?.status(), 200);
    await page.waitForSelector(".swagger-ui .opblock-tag");
    const tags = await page.locator(".swagger-ui .opblock-tag").allTextContents();
    for (const service of ["CaseService", "IdentityService", "WorkflowService"]) {
      assert.ok(
        tags.some((tag) => tag.includes(service)),
        `the ${service} tag is listed`,
      );
    }
    // Tags start collapsed; the filter box narrows them to one service, and opening it draws every operation.
    // (Opened below sixteen collapsed tags without the filter, Swagger UI 5 draws only the operations in view.)
    await page.locator(".swagger-ui .operation-filter-input").fill("WorkflowService");
    await page.waitForFunction(() => document.querySelectorAll(".swagger-ui .opblock-tag").length === 1);
    await page.locator(".swagger-ui .opblock-tag", { hasText: "WorkflowService" }).click();
    await page.waitForFunction(
      () => document.querySelectorAll(".swagger-ui .opblock").length >= 135,
      undefined,
      {
        timeout: 30_000,
      },
    );
    assert.match((await page.locator(".swagger-ui .info .title").textContent()) ?? "", /ECT/);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL("docs.png", ARTIFACTS).pathname, fullPage: false });
    assert.deepEqual(foreign, [], "the page loads nothing from outside the server");
    assert.match(res?.headers()["content-security-policy"] ?? "", /script-src 'self' 'sha256-/);
    assert.deepEqual(await violations(), [], "Swagger UI runs under the page CSP");
    await page.close();
  });

  it("keeps a token given to Swagger UI's Authorize out of localStorage", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/docs`);
    await page.locator(".swagger-ui .btn.authorize").first().click();
    await page.locator(".swagger-ui .modal-ux input").first().fill(token);
    await page.locator(".swagger-ui .modal-ux .btn.authorize").click();
    await page.locator(".swagger-ui .modal-ux .btn-done").click();
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    assert.ok(!stored.includes(token), "the token is not in localStorage");
    assert.equal(stored.includes("authorized"), false, "Swagger UI persisted no authorization");
    await page.close();
  });

  it("runs the web client under its CSP: sign in, inbox and dashboard with no violation", async () => {
    const page = await newPage();
    const violations = await watchCsp(page);
    const res = await page.goto(server.url);
    assert.match(res?.headers()["content-security-policy"] ?? "", /default-src 'self'/);
    await page.getByTestId("signin-admin").click();
    await page.getByTestId("current-role").waitFor();
    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.getByTestId("health-status").getByText("Healthy").waitFor();
    assert.deepEqual(await violations(), [], "the web client runs under the page CSP");
    await page.close();
  });

  it("streams a list to an EventSource, which reconnects with Last-Event-ID after a dropped connection", async () => {
    const page = await newPage();
    // A same-origin page under the page CSP (JSON answers allow no fetching at all): the docs.
    await page.goto(`${proxy.url}/docs`);
    const seen = (await page.evaluate(
      eventSourceScript(`/v1/logs/stream?access_token=${encodeURIComponent(token)}`, LOG_ROWS),
    )) as SeenEvents;
    await page.close();
    const first = seen.events.filter((event) => event.connection === 1);
    const second = seen.events.filter((event) => event.connection === 2);
    assert.ok(first.length > 0 && first.length < LOG_ROWS, `the first connection got part (${first.length})`);
    assert.ok(seen.errors >= 1, "the dropped connection was reported to the page");
    assert.equal(
      second[0]?.id,
      first[first.length - 1].id + 1,
      "the second connection continues after the last id",
    );
    assert.deepEqual(
      seen.events.map((event) => event.id),
      Array.from({ length: LOG_ROWS }, (_, index) => index + 1),
      "every row arrives once, in order",
    );
    assert.ok(
      seen.events.every((event) => event.logId === event.id),
      "each event carries its own row",
    );
    assert.equal(proxy.eventStreamRequests.length, 2, "the browser reconnected once");
    assert.match(
      proxy.eventStreamRequests[1],
      new RegExp(`^last-event-id: ${first[first.length - 1].id}$`, "im"),
      "the reconnect sent Last-Event-ID",
    );
  });

  it("refuses an EventSource without a token", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/docs`);
    const outcome = (await page.evaluate(eventSourceScript("/v1/logs/stream", LOG_ROWS))) as SeenEvents;
    await page.close();
    // A non-200 answer fails an EventSource for good (CLOSED) instead of retrying.
    assert.deepEqual(outcome, { events: [], errors: 1, readyState: 2 });
  });
});
