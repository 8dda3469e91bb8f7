/** A background task run on a timer, one run at a time. */
export interface PeriodicTask {
  /** Runs again now (after the run in progress, if any) instead of at the next tick. */
  wake(): void;
  /** Stops the timer and waits for the run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `run` every `intervalMs` (the first run after `firstDelayMs`), never two at once: a wake during a run
 * queues one more run right after it. `run` answers true when it has more to do (a full batch), which runs it
 * again at once. Errors go to `onError` and the task keeps its schedule. The timer is unref'd: it never keeps
 * the process alive.
 */
export function periodicTask(
  intervalMs: number,
  run: () => Promise<boolean>,
  onError: (error: unknown) => void,
  firstDelayMs = intervalMs,
): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  function tick() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      let more = false;
      try {
        more = await run();
      } catch (error) {
        onError(error);
      }
      running = undefined;
      const now = more || again;
      again = false;
      schedule(now ? 0 : intervalMs);
    })();
  }
  schedule(firstDelayMs);
  return {
    wake() {
      if (running) again = true;
      else schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
