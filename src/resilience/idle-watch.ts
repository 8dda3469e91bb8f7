import type { Clock } from "./clock.js";

/**
 * The stream idle timeout: only time spent waiting on the database counts, not time the consumer
 * holds an item (backpressure is the transport's business). One timer re-arms itself instead of
 * one timer per item, which keeps the hot path to two clock reads.
 */
export class IdleWatch {
  fired = false;
  private since = 0;
  private active = false;
  private readonly stopper = new AbortController();
  private armed = false;

  constructor(
    private readonly clock: Clock,
    private readonly idleMs: number,
    private readonly onIdle: () => void,
  ) {}

  /** Marks the start (true) or end (false) of a wait on the source. */
  pulling(active: boolean): void {
    this.active = active;
    if (active) {
      this.since = this.clock.now();
      if (!this.armed) this.arm(this.idleMs);
    }
  }

  /** Cancels the timer for good. */
  stop(): void {
    this.stopper.abort();
  }

  private arm(ms: number): void {
    this.armed = true;
    this.clock.sleep(ms, this.stopper.signal).then(
      () => {
        this.armed = false;
        if (!this.active) return;
        const waited = this.clock.now() - this.since;
        if (waited >= this.idleMs) {
          this.fired = true;
          this.onIdle();
        } else {
          this.arm(this.idleMs - waited);
        }
      },
      () => undefined,
    );
  }
}
