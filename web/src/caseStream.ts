import type { Case } from "../../src/gen/ect/v1/resources_pb.js";
import { CaseState } from "../../src/gen/ect/v1/resources_pb.js";
import { api } from "./api.js";
import { isAbort } from "./call-errors.js";
import type { Session } from "./session.js";

/** Filters the inbox offers, sent to StreamCases as its CaseFilter. */
export interface InboxFilter {
  state: CaseState;
  module: number;
  waitingOnMyRole: boolean;
}

/**
 * Streams cases into `onRows`, appending the batches that arrive within one animation frame at once,
 * so a 100,000-row stream costs one render per frame rather than one per batch.
 */
export async function streamCasesPerFrame(
  filter: InboxFilter,
  signal: AbortSignal,
  onRows: (rows: Case[], done: boolean) => void,
): Promise<void> {
  let pending: Case[] = [];
  let frame = 0;
  const flush = () => {
    frame = 0;
    const rows = pending;
    pending = [];
    if (!signal.aborted) onRows(rows, false);
  };
  signal.addEventListener("abort", () => frame && cancelAnimationFrame(frame), { once: true });
  try {
    for await (const batch of api.cases.streamCases(
      { filter: { state: filter.state, module: filter.module, waitingOnMyRole: filter.waitingOnMyRole } },
      { signal },
    )) {
      for (const item of batch.cases) pending.push(item);
      if (!frame) frame = requestAnimationFrame(flush);
    }
  } catch (error) {
    if (isAbort(error, signal)) return;
    throw error;
  }
  if (frame) cancelAnimationFrame(frame);
  const rows = pending;
  pending = [];
  if (!signal.aborted) onRows(rows, true);
}

/** Whether a case as it is now belongs in an inbox with this filter. */
export function matchesInbox(item: Case, filter: InboxFilter, session: Session): boolean {
  if (filter.waitingOnMyRole && item.status?.holderRoleId !== session.roleId) return false;
  if (filter.state && item.state !== filter.state) return false;
  if (filter.module && item.module !== filter.module) return false;
  return true;
}

/** Human text of a case state. */
export function stateText(state: CaseState): string {
  return state === CaseState.OPEN ? "Open" : state === CaseState.COMPLETED ? "Completed" : "Cancelled";
}
