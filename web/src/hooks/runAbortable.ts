import { errorText, isAbort } from "../call-errors.js";

/** When an abortable run starts and whether it runs again. */
export interface AbortableOptions {
  /** Start this long after the run is set up (typing in a search box); 0 or unset starts at once. */
  delayMs?: number;
  /** Run again this long after each run ends, failed or not, until cancelled (polling). */
  repeatMs?: number;
}

/** A started run: cancel it, or wait for its first pass. */
export interface AbortableRun {
  /** Aborts the signal and stops the schedule; nothing is reported after it. */
  cancel(): void;
  /** Settles when the first pass of `work` ends, however it ends, or when the run is cancelled. */
  settled: Promise<void>;
}

/**
 * Runs `work` with an AbortSignal on the schedule `options` gives and reports each pass's outcome: the
 * error's text, or "" when it succeeded; never for a pass that was cancelled or aborted. The engine of
 * `useAbortable`, free of React.
 */
export function runAbortable(
  work: (signal: AbortSignal) => unknown,
  options: AbortableOptions,
  report: (error: string) => void,
): AbortableRun {
  const abort = new AbortController();
  const { signal } = abort;
  let settle = () => {};
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pass = async () => {
    timer = undefined;
    try {
      await work(signal);
      if (!signal.aborted) report("");
    } catch (error) {
      if (!isAbort(error, signal)) report(errorText(error));
    }
    settle();
    if (options.repeatMs !== undefined && !signal.aborted) timer = setTimeout(pass, options.repeatMs);
  };
  if (options.delayMs) timer = setTimeout(pass, options.delayMs);
  else void pass();
  return {
    cancel() {
      abort.abort();
      clearTimeout(timer);
      settle();
    },
    settled,
  };
}
