import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import { type TakeActionResponse, TakeActionResponseSchema } from "../../gen/ect/v1/case_service_pb.js";
import { CaseEventType, TrackingEntrySchema } from "../../gen/ect/v1/resources_pb.js";
import type { CaseEvents } from "./case-events.js";
import { guardCaseWrite } from "./case-locks.js";
import { type MoveRequest, moveCase } from "./case-moves.js";
import { loadCaseRow } from "./case-queries.js";
import { caseFromRow } from "./case-row.js";
import { publishAfterCommit } from "./publish-after-commit.js";

/** What moving a case needs. */
export interface MoveDeps {
  db: Db;
  events: CaseEvents;
}

/**
 * Moves a case by a workflow option in one transaction, publishes the move once committed and answers
 * the case as it is now with the tracking entry the move opened.
 */
export async function applyMove(
  deps: MoveDeps,
  caller: Caller,
  request: MoveRequest,
): Promise<TakeActionResponse> {
  const result = await deps.db.transaction(async (tx) => {
    // In scope first (NOT_FOUND reveals no lock holder), then the lock: refused against another user's
    // lock in force, renewed when it is the caller's.
    await loadCaseRow(tx, caller, request.caseId, true);
    await guardCaseWrite(tx, request.caseId, caller.userId);
    return moveCase(tx, caller, request);
  });
  const after = caseFromRow(result.after);
  publishAfterCommit(deps.events, caller, CaseEventType.MOVED, result.after, result.before);
  return create(TakeActionResponseSchema, {
    case: after,
    tracking: create(TrackingEntrySchema, {
      id: result.tracking.id,
      status: after.status,
      startTime: timestampFromDate(result.tracking.startTime),
    }),
  });
}
