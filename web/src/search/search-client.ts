import { createClient } from "@connectrpc/connect";
import { SearchService, SearchSort } from "../../../src/gen/ect/v1/search_service_pb.js";
import { transport } from "../api.js";
import { loadSession } from "../session.js";

/** The SearchService client of the search and member history pages, on the app's one transport. */
export const searchClient = createClient(SearchService, transport);

/** The search form as the page holds it (strings as typed; empty means unset). */
export interface SearchValues {
  query: string;
  reason: string;
  state: number;
  module: number;
  formal: "" | "formal" | "informal";
  determination: string;
  unitId: string;
  createdFrom: string;
  createdTo: string;
  completedFrom: string;
  completedTo: string;
  myCases: boolean;
  overdue: boolean;
  sort: SearchSort;
}

/** An empty search: every case in the caller's units, newest first. */
export const emptySearch: SearchValues = {
  query: "",
  reason: "",
  state: 0,
  module: 0,
  formal: "",
  determination: "",
  unitId: "",
  createdFrom: "",
  createdTo: "",
  completedFrom: "",
  completedTo: "",
  myCases: false,
  overdue: false,
  sort: SearchSort.UNSPECIFIED,
};

/** Whether the box holds a full SSN, which needs a reason (and the ssnSearch permission). */
export function isFullSsn(query: string): boolean {
  return /^\d{3}-?\d{2}-?\d{4}$/.test(query.trim());
}

/** The SearchCasesRequest of the form, in proto3 JSON (the REST body) and as RPC init fields alike. */
export function searchRequest(values: SearchValues) {
  return {
    query: values.query.trim(),
    reason: isFullSsn(values.query) ? values.reason.trim() : "",
    sort: values.sort,
    filter: {
      state: values.state,
      module: values.module,
      ...(values.formal && { formal: values.formal === "formal" }),
      determination: values.determination,
      unitId: Number(values.unitId) || 0,
      createdFrom: values.createdFrom,
      createdTo: values.createdTo,
      completedFrom: values.completedFrom,
      completedTo: values.completedTo,
      myCases: values.myCases,
      overdue: values.overdue,
    },
  };
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
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
  try {
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
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
