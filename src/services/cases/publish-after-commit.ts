import type { Caller } from "../../auth/caller-context.js";
import type { CaseEventType } from "../../gen/ect/v1/resources_pb.js";
import type { CaseEvents } from "./case-events.js";
import type { CaseRow } from "./case-row.js";

/**
 * Tells WatchCases streams about a change to a case, made by the caller. Call it only once the
 * change's transaction committed: a watcher must never see a change that was rolled back.
 */
export function publishAfterCommit(
  events: CaseEvents,
  caller: Caller,
  type: CaseEventType,
  row: CaseRow,
  previous?: CaseRow,
): void {
  events.publish({ type, row, previous, actor: caller.username, time: new Date() });
}
