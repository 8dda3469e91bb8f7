import { resourceExhausted } from "../errors.js";
import { type Clock, systemClock } from "./clock.js";

/** Rate and burst of a bucket; a rate of 0 disables it (every take succeeds at once). */
export interface TokenBucketOptions {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly clock?: Clock;
}

/** How long `take` may wait and what stops it early. */
export interface TakeOptions {
  readonly signal?: AbortSignal;
  /** Longest acceptable wait; past it `take` rejects at once with RESOURCE_EXHAUSTED. */
  readonly maxWaitMs: number;
}

/**
 * A token bucket that paces instead of dropping: `take` reserves its tokens up front (the balance
 * may go negative) and sleeps off the debt, so concurrent takers are served in arrival order
 * without polling, and an abort refunds the reservation.
 */
export class TokenBucket {
  private readonly rate: number;
  private readonly burst: number;
  private readonly clock: Clock;
  private tokens: number;
  private updatedAt: number;

  constructor(options: TokenBucketOptions) {
    if (options.ratePerSecond < 0 || !Number.isFinite(options.ratePerSecond)) {
      throw new RangeError(`ratePerSecond must be a finite number ≥ 0, got ${options.ratePerSecond}`);
    }
    if (options.ratePerSecond > 0 && !(options.burst >= 1)) {
      throw new RangeError(`burst must be ≥ 1, got ${options.burst}`);
    }
    this.rate = options.ratePerSecond / 1000;
    this.burst = options.burst;
    this.clock = options.clock ?? systemClock;
    this.tokens = options.burst;
    this.updatedAt = this.clock.now();
  }

  /** Whether the bucket limits anything at all. */
  get enabled(): boolean {
    return this.rate > 0;
  }

  /** Tokens available now (negative while takers are waiting off a debt). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Milliseconds until `n` tokens would be available (0 when they are now). */
  waitTimeMs(n = 1): number {
    if (!this.enabled) return 0;
    this.refill();
    return this.tokens >= n ? 0 : Math.ceil((n - this.tokens) / this.rate);
  }

  /** Takes `n` tokens if they are there now; never waits. */
  tryTake(n = 1): boolean {
    if (!this.enabled) return true;
    this.refill();
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /**
   * Takes `n` tokens, waiting for them if needed; resolves with the milliseconds waited.
   * Rejects with RESOURCE_EXHAUSTED (and `retry-after`) without taking anything when the wait would
   * exceed `maxWaitMs`, or with the signal's reason when aborted (the reservation is refunded).
   */
  async take(n: number, options: TakeOptions): Promise<number> {
    if (!this.enabled || n <= 0) return 0;
    options.signal?.throwIfAborted();
    const waitMs = this.waitTimeMs(n);
    if (waitMs === 0) {
      this.tokens -= n;
      return 0;
    }
    if (waitMs > options.maxWaitMs) {
      throw resourceExhausted(`rate limit: ${n} items need ${waitMs} ms of tokens`, waitMs);
    }
    this.tokens -= n;
    try {
      await this.clock.sleep(waitMs, options.signal);
    } catch (error) {
      // Refund so the next taker does not pay for a wait nobody used.
      this.tokens = Math.min(this.burst, this.tokens + n);
      throw error;
    }
    return waitMs;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = now - this.updatedAt;
    this.updatedAt = now;
    if (elapsed > 0) this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
  }
}
