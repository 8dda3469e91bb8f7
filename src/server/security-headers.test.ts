import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { openApiDocsPage } from "../transcoding/docs-page.js";
import {
  API_CONTENT_SECURITY_POLICY,
  applySecurityHeaders,
  inlineScriptHashes,
  pageContentSecurityPolicy,
} from "./security-headers.js";

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

describe("security headers", () => {
  it("sets nosniff, no-referrer, no framing, the API CSP and no-store", () => {
    const headers = new Map<string, string>();
    applySecurityHeaders({ setHeader: (name, value) => headers.set(name, value) });
    assert.equal(headers.get("x-content-type-options"), "nosniff");
    assert.equal(headers.get("referrer-policy"), "no-referrer");
    assert.equal(headers.get("x-frame-options"), "DENY");
    assert.equal(headers.get("cache-control"), "no-store");
    assert.equal(headers.get("content-security-policy"), API_CONTENT_SECURITY_POLICY);
    assert.match(API_CONTENT_SECURITY_POLICY, /default-src 'none'/);
    assert.match(API_CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
  });

  it("gives pages their own origin only, inline scripts by hash, and the extra fetch origins", () => {
    const policy = pageContentSecurityPolicy({
      scriptHashes: ["'sha256-abc'"],
      connectOrigins: ["https://sso.example.mil"],
    });
    const directives = new Map(
      policy.split("; ").map((directive) => {
        const [name, ...values] = directive.split(" ");
        return [name, values.join(" ")];
      }),
    );
    assert.equal(directives.get("default-src"), "'self'");
    assert.equal(directives.get("script-src"), "'self' 'sha256-abc'");
    assert.equal(directives.get("connect-src"), "'self' https://sso.example.mil");
    assert.equal(directives.get("frame-ancestors"), "'none'");
    assert.equal(directives.get("object-src"), "'none'");
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
  });

  it("hashes exactly the inline scripts of a page, not the ones loaded by src", () => {
    const html =
      '<script src="/a.js"></script><script>\nlet a = 1;\n</script><SCRIPT type="module">b()</SCRIPT>';
    assert.deepEqual(inlineScriptHashes(html), [sha256("\nlet a = 1;\n"), sha256("b()")]);
    assert.deepEqual(inlineScriptHashes("<p>no scripts</p>"), []);
  });

  it("hashes the docs page's Swagger UI bootstrap script, its only inline script", () => {
    const page = openApiDocsPage();
    const inline = /<script>([\s\S]*?)<\/script>/.exec(page)?.[1] ?? "";
    assert.match(inline, /SwaggerUIBundle\(/);
    assert.deepEqual(inlineScriptHashes(page), [sha256(inline)]);
    assert.match(inline, /persistAuthorization: false/, "the docs page does not keep tokens in localStorage");
  });
});
