import { resourceExhausted } from "../errors.js";
import { type Clock, systemClock } from "./clock.js";
import { Emitter, type Subscribe } from "./events.js";
import type { KeyRateLimitSettings } from "./settings.js";
import { TokenBucket } from "./token-bucket.js";

/** Settings plus the clock the buckets read. */
export interface KeyRateLimiterOptions extends KeyRateLimitSettings {
  readonly clock?: Clock;
}

/**
 * A token bucket per key (a client address for unauthenticated calls) in a map bounded by
 * `maxKeys`: the least recently seen key is forgotten first. A forgotten key has usually
 * refilled anyway, so forgetting costs at most one extra burst.
 */
export class KeyRateLimiter {
  private readonly clock: Clock;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly rejected = new Emitter<string>();
  private rejections = 0;

  /** Fires with the key on every rejection. */
  readonly onRejected: Subscribe<string> = this.rejected.subscribe;

  constructor(private readonly settings: KeyRateLimiterOptions) {
    this.clock = settings.clock ?? systemClock;
  }

  /** Keys currently remembered. */
  get size(): number {
    return this.buckets.size;
  }

  /** Rejections since start, for metrics. */
  get rejectionCount(): number {
    return this.rejections;
  }

  /** Takes one request's token for `key`; returns 0 when allowed, else the milliseconds until it would be. */
  tryTake(key: string): number {
    if (this.settings.requestsPerSecond <= 0) return 0;
    const bucket = this.bucketFor(key);
    if (bucket.tryTake(1)) return 0;
    this.rejections++;
    this.rejected.emit(key);
    return Math.max(1, bucket.waitTimeMs(1));
  }

  /** Like `tryTake` but throws RESOURCE_EXHAUSTED with `retry-after` when over the limit. */
  check(key: string): void {
    const waitMs = this.tryTake(key);
    if (waitMs > 0) throw resourceExhausted(`too many requests from ${key}`, waitMs);
  }

  private bucketFor(key: string): TokenBucket {
    let bucket = this.buckets.get(key);
    if (bucket) {
      // Re-insert so Map order stays least-recently-seen first.
      this.buckets.delete(key);
    } else {
      bucket = new TokenBucket({
        ratePerSecond: this.settings.requestsPerSecond,
        burst: this.settings.burst,
        clock: this.clock,
      });
      if (this.buckets.size >= this.settings.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
    }
    this.buckets.set(key, bucket);
    return bucket;
  }
}
