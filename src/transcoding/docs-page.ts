import { createRequire } from "node:module";
import path from "node:path";

/** The directory holding the installed swagger-ui-dist assets, to serve under the docs asset prefix. */
export function swaggerUiAssetDir(): string {
  // Resolved from the installed package so the page works offline; no CDN.
  return path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
}

/** Settings for {@link openApiDocsPage}. */
export interface DocsPageOptions {
  /** Where the OpenAPI document is served. Default `/openapi.json`. */
  readonly specUrl?: string;
  /** URL prefix under which {@link swaggerUiAssetDir} is served. Default `/docs/assets`. */
  readonly assetBase?: string;
  /** Page title. Default "ECT API". */
  readonly title?: string;
}

/**
 * The HTML of the interactive API page (Swagger UI over the local assets). Its one inline script is
 * allowed by hash under the page CSP (see `inlineScriptHashes` in server/security-headers.ts).
 */
export function openApiDocsPage(options: DocsPageOptions = {}): string {
  const spec = JSON.stringify(options.specUrl ?? "/openapi.json");
  const assets = escapeHtml(options.assetBase ?? "/docs/assets");
  const title = escapeHtml(options.title ?? "ECT API");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="${assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${assets}/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({
  url: ${spec.replace(/</g, "\\u003c")},
  dom_id: "#swagger-ui",
  deepLinking: true,
  // A token typed into "Authorize" lives in this page only: persisting it would keep it in localStorage.
  persistAuthorization: false,
  // The default posts the spec to validator.swagger.io for a badge; the page must work offline.
  validatorUrl: null,
  // No top bar: its logo is an inline <style> the page CSP refuses, and its box loads other specs.
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  // 160 operations expanded at once stop rendering in Swagger UI 5; collapsed tags with a filter box work.
  docExpansion: "none",
  filter: true,
});
</script>
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
