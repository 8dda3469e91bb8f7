/**
 * How an observed stream finished: ran to the end, failed, was stopped by its consumer (return), or
 * its call was aborted while the stream was idle (abort).
 */
export type StreamOutcome = "done" | "error" | "return" | "abort";

/** Hooks around an AsyncIterable, all synchronous so the hot path stays one promise per item. */
export interface StreamObserver {
  /** Runs each pull of the source (next/return/throw) inside a context, e.g. an AsyncLocalStorage run. */
  enter?: <R>(pull: () => R) => R;
  /** Called once per item the source yields, with that item. */
  item?: (value: unknown) => void;
  /** Called exactly once, when the stream ends, fails or is abandoned. */
  end?: (outcome: StreamOutcome, error: unknown) => void;
  /**
   * The call's signal: aborting it ends the observation even if nobody pulls or returns the stream
   * again (a cancelled client does not always make the transport call return()).
   */
  signal?: AbortSignal;
}

const direct = <R>(pull: () => R): R => pull();

/**
 * Wraps an AsyncIterable without buffering: every pull runs through `enter`, every item through
 * `item`, and `end` fires once however the stream stops.
 */
export function observeStream<T>(source: AsyncIterable<T>, observer: StreamObserver): AsyncIterable<T> {
  const enter = observer.enter ?? direct;
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const it = enter(() => source[Symbol.asyncIterator]());
      const { signal } = observer;
      let ended = false;
      const finish = (outcome: StreamOutcome, error: unknown): void => {
        if (ended) return;
        ended = true;
        signal?.removeEventListener("abort", aborted);
        observer.end?.(outcome, error);
      };
      const aborted = (): void => finish("abort", signal?.reason);
      if (signal?.aborted) aborted();
      else signal?.addEventListener("abort", aborted, { once: true });
      const failed = (error: unknown): never => {
        finish("error", error);
        throw error;
      };
      return {
        next(value?: unknown): Promise<IteratorResult<T>> {
          return enter(() => it.next(value)).then((result) => {
            if (result.done) finish("done", undefined);
            else observer.item?.(result.value);
            return result;
          }, failed);
        },
        return(value?: unknown): Promise<IteratorResult<T>> {
          const pulled = it.return
            ? enter(() => it.return!(value))
            : Promise.resolve({ done: true, value } as IteratorResult<T>);
          return pulled.then((result) => {
            finish("return", undefined);
            return result;
          }, failed);
        },
        throw(error?: unknown): Promise<IteratorResult<T>> {
          if (!it.throw) return Promise.reject(error).catch(failed);
          return enter(() => it.throw!(error)).then((result) => {
            if (result.done) finish("error", error);
            return result;
          }, failed);
        },
      };
    },
  };
}
