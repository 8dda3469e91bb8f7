import { type CaseEvent, CaseEventType } from "../../../src/gen/ect/v1/resources_pb.js";
import { api } from "../api.js";
import { useAbortable } from "./useAbortable.js";

/** Feeds each batch of WatchCases events to `onEvents` until `signal` aborts or the server ends the watch. */
export async function watchCaseEvents(
  signal: AbortSignal,
  onEvents: (events: CaseEvent[]) => void,
): Promise<void> {
  for await (const response of api.cases.watchCases({}, { signal })) onEvents(response.events);
}

/**
 * Watches case events for as long as the component is mounted, handing each batch to the latest
 * `onEvents`. Returns the text of the error that stopped the watch, or "".
 */
export function useCaseWatch(onEvents: (events: CaseEvent[]) => void): string {
  return useAbortable((signal) => watchCaseEvents(signal, onEvents), []).error;
}

/**
 * True when the server says events may have been missed (it re-established its database listener, or a
 * bulk change): whatever the page shows of cases must be read again.
 */
export function mustResync(events: readonly CaseEvent[]): boolean {
  return events.some((event) => event.type === CaseEventType.RESYNC);
}
