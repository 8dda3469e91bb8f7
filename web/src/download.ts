import { loadSession } from "./session.js";

/** Hands a Blob to the browser as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL; release it once the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Fetches CSV from a REST route (Accept: text/csv) and hands it to the browser as a file; resolves with the
 * number of data rows, or rejects with the server's error text. A search is POSTed, so a full SSN never
 * travels in a URL.
 */
export async function downloadCsv(path: string, fileName: string, body?: unknown): Promise<number> {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      accept: "text/csv",
      authorization: `Bearer ${loadSession()?.token ?? ""}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Download failed (${response.status}): ${errorText(text)}`);
  saveBlob(new Blob([text], { type: "text/csv" }), fileName);
  return countCsvRows(text);
}

function errorText(text: string): string {
  try {
    return String((JSON.parse(text) as { message?: string }).message ?? text).slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

/** Data rows of an RFC 4180 text (quoted fields may hold line breaks), without the header row. */
export function countCsvRows(text: string): number {
  let rows = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (char === "\n" && !quoted) rows++;
  }
  return Math.max(0, rows - 1);
}
