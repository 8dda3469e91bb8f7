import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { browserSuite, launchChromium } from "../support/chromium.js";
import { signIn } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { ensureWebBuilt } from "./build-web.js";

/** A span anyone with a telemetry-write token could post: it claims the approver signed a case. */
function forgedRequest(traceId: string): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "ect" } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId,
                spanId: "1234567890abcdef",
                name: "ect.v1.CaseService/SignCaseForged",
                kind: 2,
                startTimeUnixNano: `${Date.now()}000000`,
                endTimeUnixNano: `${Date.now() + 5}000000`,
                attributes: [{ key: "enduser.id", value: { stringValue: "approver" } }],
              },
            ],
          },
        ],
      },
    ],
  };
}

describe("the trace viewer in Chromium", { timeout: 180_000, ...browserSuite }, () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
    await ensureWebBuilt();
    server = await startTestServer(undefined);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("marks spans posted to /v1/traces as external, in the results and in the waterfall", async () => {
    const token = await signIn(server.url, "admin");
    const posted = await fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(forgedRequest("e".repeat(32))),
    });
    assert.equal(posted.status, 200, await posted.text());

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(30_000);
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await page.getByTestId("signin-admin").click();
      await page.getByTestId("current-role").waitFor();
      await page.getByRole("link", { name: "Traces", exact: true }).click();
      await page.getByTestId("trace-correlation").fill("");
      await page.getByLabel("Method contains").fill("SignCaseForged");
      await page.getByRole("button", { name: "Search" }).click();
      const badge = page.getByTestId("trace-results").getByTestId("trace-external");
      await badge.waitFor();
      assert.match((await badge.textContent()) ?? "", /^external: 1 of 1 spans sent by /);
      await page.getByRole("button", { name: "ect.v1.CaseService/SignCaseForged" }).click();
      const row = page.getByTestId("waterfall").getByTestId("span-external");
      await row.waitFor();
      const title = await page.getByTestId("waterfall").locator(".span-name").first().getAttribute("title");
      assert.match(title ?? "", /user approver \(claimed by the sender\)/);
      assert.match(title ?? "", /received over \/v1\/traces from /);
    } finally {
      await context.close();
    }
  });
});
