import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import { INVESTIGATING_OFFICER_ROLE_ID } from "../../domain/investigation/investigation-sections.js";
import { type WatchCasesResponse, WatchCasesResponseSchema } from "../../gen/ect/v1/case_service_pb.js";
import { CaseEventType, CaseState } from "../../gen/ect/v1/resources_pb.js";
import type { WatchLimiter } from "../../resilience/watch-limiter.js";
import type { CaseChange, CaseEvents } from "./case-events.js";
import type { CaseFilterValues } from "./case-queries.js";
import { visibleUnitIds } from "./case-queries.js";
import { type CaseRow, caseFromRow, statusFromRow } from "./case-row.js";

/** Most events one watcher may have queued; past it they are replaced by one resync. */
const MAX_PENDING = 10_000;

/** What a watcher has queued: changes, or a resync (changes may have been missed: re-read). */
type Pending = CaseChange | typeof RESYNC;
const RESYNC = "resync";

/** What a watch needs. */
export interface WatchDeps {
  db: Db;
  events: CaseEvents;
  /** Per-user cap, idle and lifetime limits; a watch takes no stream slot. */
  watches: WatchLimiter;
}

/**
 * Streams every committed case change the caller may see and the filter selects, batching whatever
 * arrived since the last message into one response, until the caller cancels, the server shuts down, or
 * the watch's limits end it: RESOURCE_EXHAUSTED past the per-user cap; after the idle time without an
 * event, or the lifetime, the stream completes normally and the client reconnects.
 */
export async function* watchCases(
  deps: WatchDeps,
  caller: Caller,
  filter: CaseFilterValues,
  signal: AbortSignal,
): AsyncGenerator<WatchCasesResponse> {
  const { db, events } = deps;
  const lease = deps.watches.acquire(`user:${caller.username}`);
  let pending: Pending[] = [];
  let wake: (() => void) | undefined;
  const onAbort = () => wake?.();
  let unsubscribe = () => {};
  let stopOnClose = () => {};
  try {
    const units = await visibleUnitIds(db, caller.unitId);
    const filterUnits = filter.unitId ? await visibleUnitIds(db, filter.unitId) : undefined;
    unsubscribe = events.subscribe(
      (change) => {
        if (!matches(change, caller, units, filterUnits, filter)) return;
        pending.push(change);
        // Dropping changes silently would leave the client wrong: it is told to re-read instead.
        if (pending.length > MAX_PENDING) pending = [RESYNC];
        wake?.();
      },
      () => {
        if (pending.at(-1) !== RESYNC) pending.push(RESYNC);
        wake?.();
      },
    );
    signal.addEventListener("abort", onAbort);
    lease.signal.addEventListener("abort", onAbort);
    let closed = events.isClosed;
    stopOnClose = events.onClose(() => {
      closed = true;
      wake?.();
    });
    while (!signal.aborted && !closed) {
      // Idle or at its lifetime: send what is queued, then end cleanly (OK); clients reconnect.
      const ending = lease.signal.aborted;
      if (pending.length > 0) {
        const batch = pending;
        pending = [];
        lease.touch();
        yield toResponse(batch);
        lease.touch();
        if (ending) break;
        continue;
      }
      if (ending) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    stopOnClose();
    unsubscribe();
    signal.removeEventListener("abort", onAbort);
    lease.signal.removeEventListener("abort", onAbort);
    lease.release();
  }
}

function toResponse(batch: Pending[]): WatchCasesResponse {
  return create(WatchCasesResponseSchema, {
    events: batch.map((change) =>
      change === RESYNC
        ? { type: CaseEventType.RESYNC, eventTime: timestampFromDate(new Date()) }
        : {
            type: change.type,
            case: caseFromRow(change.row),
            previousStatus: change.previous ? statusFromRow(change.previous) : undefined,
            actor: change.actor,
            eventTime: timestampFromDate(change.time),
          },
    ),
  });
}

/** Whether a case waits on the caller: at their role's status, or at the IO's status of an IO appointed to it. */
function waitsOn(row: CaseRow, caller: Caller): boolean {
  if (row.holder_role_id === INVESTIGATING_OFFICER_ROLE_ID) return row.io_user_id === caller.userId;
  return row.holder_role_id === caller.roleId;
}

function matches(
  change: CaseChange,
  caller: Caller,
  units: Set<number>,
  filterUnits: Set<number> | undefined,
  filter: CaseFilterValues,
): boolean {
  const row = change.row;
  // In scope as for reads (case-queries.ts inScope): the caller's units, or a case appointed to them as IO.
  if (!units.has(row.unit_id) && row.io_user_id !== caller.userId) return false;
  if (filterUnits && !filterUnits.has(row.unit_id)) return false;
  if (filter.module && row.module_id !== filter.module) return false;
  if (filter.workStatusIds.length > 0 && !filter.workStatusIds.includes(row.work_status_id)) return false;
  // A case that just left the caller's role still matters to an inbox: it must disappear from it.
  if (
    filter.waitingOnMyRole &&
    !waitsOn(row, caller) &&
    !(change.previous && waitsOn(change.previous, caller))
  ) {
    return false;
  }
  if (filter.state === CaseState.OPEN && row.is_final && !change.previous) return false;
  if (filter.state === CaseState.COMPLETED && !(row.is_final && !row.is_cancel)) return false;
  if (filter.state === CaseState.CANCELLED && !row.is_cancel) return false;
  return true;
}
