import type { Db } from "../db/db.js";
import { invalidArgument, notFound } from "../errors.js";
import { CaseService } from "../gen/ect/v1/case_service_pb.js";
import { WorkflowService } from "../gen/workflow/workflow_pb.js";
import { pagedStream } from "./paged-stream.js";

/** A table of ids 1..rows read a keyset page at a time; records each page's limit and signal. */
export function idTable(rows: number) {
  const limits: number[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  const db = {
    async page(_sql: string, params: readonly unknown[], options?: { signal?: AbortSignal }) {
      const [after, limit] = params as [number | null, number];
      limits.push(limit);
      signals.push(options?.signal);
      const from = (after ?? 0) + 1;
      const ids = Array.from({ length: Math.max(0, Math.min(limit, rows - from + 1)) }, (_, i) => from + i);
      return { rows: ids.map((id) => ({ id })), rowCount: ids.length };
    },
  } as unknown as Db;
  return { db, limits, signals };
}

const idQuery = {
  page: (after: number | undefined, limit: number) => ({ sql: "ids", params: [after ?? null, limit] }),
  keyOf: (row: { id: number }) => row.id,
};

/** A batch stream: each page is one StreamCasesResponse; a negative limit is INVALID_ARGUMENT. */
export const caseBatches = pagedStream({
  method: CaseService.method.streamCases,
  batch: "cases",
  read(request) {
    if (request.limit < 0) throw invalidArgument("limit", "must be 0 or more");
    return { query: idQuery, limit: request.limit };
  },
  item: (row: { id: number }) => ({ id: row.id, name: `cases/${row.id}` }),
});

/** An item stream: one ActiveCaseItem per row; no rows is NOT_FOUND. */
export const activeCases = pagedStream({
  method: WorkflowService.method.getActiveCasesStream,
  read: () => ({ query: idQuery }),
  item: (row: { id: number }) => ({ caseId: row.id }),
  notFound: (request) => notFound("case", request.refId ?? 0),
});
