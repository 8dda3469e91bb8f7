import { createHash } from "node:crypto";

/** The part of an HTTP/1.1 or HTTP/2 response the headers are set on. */
interface HeaderTarget {
  setHeader(name: string, value: string): unknown;
}

/**
 * The CSP of everything that is not a page (RPC, REST, JSON, metrics, assets): nothing may load, and
 * nothing may frame it. A JSON body a browser is tricked into rendering runs nothing.
 */
export const API_CONTENT_SECURITY_POLICY =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Headers every response starts with (REQUIREMENTS §8). `Cache-Control: no-store` keeps personal
 * data out of browser and proxy caches; static assets and pages may replace it, and pages replace the
 * CSP with {@link pageContentSecurityPolicy}.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy": API_CONTENT_SECURITY_POLICY,
  // For browsers that predate frame-ancestors.
  "x-frame-options": "DENY",
  "cache-control": "no-store",
});

/** Sets {@link SECURITY_HEADERS} on a response before any handler writes it. */
export function applySecurityHeaders(res: HeaderTarget): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

/** What a page's CSP allows beyond its own origin. */
export interface PagePolicyOptions {
  /** CSP hashes (`'sha256-…'`) of the inline scripts the pages carry; see {@link inlineScriptHashes}. */
  readonly scriptHashes?: readonly string[];
  /** Other origins the pages may fetch from (the OIDC issuer's token endpoint). */
  readonly connectOrigins?: readonly string[];
}

/**
 * The CSP of the HTML pages (the web client, /docs): scripts, styles and fetches from this origin
 * only, inline scripts only by hash, images also as data: URLs (the favicon, Swagger UI's icons),
 * never framed.
 */
export function pageContentSecurityPolicy(options: PagePolicyOptions = {}): string {
  const scripts = ["'self'", ...(options.scriptHashes ?? [])];
  const connect = ["'self'", ...(options.connectOrigins ?? [])];
  return [
    "default-src 'self'",
    `script-src ${scripts.join(" ")}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src ${connect.join(" ")}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** CSP `'sha256-…'` sources for every inline `<script>` (one without `src`) in an HTML page. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/gi)) {
    if (/\ssrc\s*=/i.test(match[1] ?? "")) continue;
    hashes.push(`'sha256-${createHash("sha256").update(match[2], "utf8").digest("base64")}'`);
  }
  return hashes;
}
