import { TaskCancelledError } from "cockatiel";

/**
 * Settles with `work`, except that an abort while nothing is running (queued in the bulkhead or
 * sleeping between retries) rejects at once: cockatiel's queue and retry delay do not watch the
 * signal, and a cooperative timeout would otherwise wait for them.
 */
export function untilStarted<T>(
  work: Promise<T>,
  signal: AbortSignal,
  started: { running: number },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      if (started.running === 0) reject(new TaskCancelledError());
    };
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
