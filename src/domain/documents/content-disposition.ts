/**
 * The Content-Disposition of a download: always an attachment (a browser must never render an uploaded file
 * inline), the name in RFC 5987 `filename*` for any script, and an ASCII-only `filename` for old clients.
 */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(fileName)}`;
}

/** Percent-encodes everything but RFC 5987 attr-chars. */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
