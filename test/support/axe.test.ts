import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { assertNoSeriousViolations } from "./axe.js";
import { browserSuite, launchChromium } from "./chromium.js";

describe("the axe-core scan of the browser suites", { timeout: 60_000, ...browserSuite }, () => {
  let browser: Browser;
  let page: Page;

  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
  });
  after(async () => {
    await browser?.close();
  });

  it("fails naming each serious violation's rule, what it asks and where it is", async () => {
    await page.setContent(
      '<html lang="en"><head><title>t</title></head><body><main>' +
        '<button id="nameless"></button><input id="unlabelled" type="text"></main></body></html>',
    );
    await assert.rejects(assertNoSeriousViolations(page, "a broken page"), (error: Error) => {
      assert.match(error.message, /^a broken page: 2 serious accessibility violation\(s\)/);
      assert.match(
        error.message,
        /- button-name \(critical\): Buttons must have discernible text at .*#nameless/,
      );
      assert.match(error.message, /- label \(critical\): Form elements must have labels at .*#unlabelled/);
      return true;
    });
  });

  it("passes a page whose controls are named", async () => {
    await page.setContent(
      '<html lang="en"><head><title>t</title></head><body><main><h1>Title</h1>' +
        '<label>Name <input type="text"></label><button type="button">Save</button></main></body></html>',
    );
    await assertNoSeriousViolations(page, "a sound page");
  });
});
