import { type DependencyList, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { type AbortableOptions, type AbortableRun, runAbortable } from "./runAbortable.js";

/** What `useAbortable` gives its page. */
export interface Abortable {
  /** The error text of the latest pass: "" while none failed, after one succeeds and when the deps change. */
  error: string;
  /** Runs the work again now, aborting a pass in flight; settles when the new pass ends. */
  reload(): Promise<void>;
}

/**
 * Runs `work` as an effect: again whenever `deps` change, with a signal aborted when they change, on
 * `reload()` and when the component unmounts, so a page that moved on neither waits for nor shows an old
 * answer. `work` always reads the latest props and state; an aborted pass reports nothing.
 */
export function useAbortable(
  work: (signal: AbortSignal) => Promise<unknown>,
  deps: DependencyList,
  options: AbortableOptions = {},
): Abortable {
  const [error, setError] = useState("");
  const latest = useRef(work);
  useLayoutEffect(() => {
    latest.current = work;
  });
  const running = useRef<AbortableRun>(undefined);
  const start = useCallback((schedule: AbortableOptions) => {
    running.current?.cancel();
    running.current = runAbortable((signal) => latest.current(signal), schedule, setError);
    return running.current.settled;
  }, []);
  const { delayMs, repeatMs } = options;
  // The caller's deps decide when the work starts again; `latest` hands it the work of the latest render.
  useEffect(() => {
    setError("");
    start({ delayMs, repeatMs });
    return () => running.current?.cancel();
  }, [start, ...deps, delayMs, repeatMs]);
  const reload = useCallback(() => start({ repeatMs }), [start, repeatMs]);
  return { error, reload };
}
