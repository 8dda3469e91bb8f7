import { abortReason, type Clock } from "./clock.js";

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/** A manual clock for tests: time moves only through `advance`, which fires due sleepers in order. */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  /** Number of sleepers still waiting, so a test can tell a waiter is parked. */
  get pending(): number {
    return this.timers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, resolve };
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(abortReason(signal!));
      };
      timer.resolve = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.timers.push(timer);
    });
  }

  /** Moves time forward by `ms`, waking each due sleeper at its own time and letting its continuation run. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.resolve();
    }
    this.time = target;
    await settle();
  }
}

/** Lets pending promise continuations run (a macrotask boundary drains every microtask). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
