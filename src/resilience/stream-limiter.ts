import { resourceExhausted } from "../errors.js";
import { type Clock, systemClock } from "./clock.js";
import { Emitter, type Subscribe } from "./events.js";
import type { StreamLimitSettings } from "./settings.js";
import { TokenBucket } from "./token-bucket.js";

/** One stream's hold on a slot and its caller's item budget. */
export interface StreamLease {
  readonly caller: string;
  /** Waits until `n` items may be sent (never skips them); RESOURCE_EXHAUSTED past the acquire timeout. */
  takeItems(n: number, signal?: AbortSignal): Promise<void>;
  /** Takes n item tokens if they are there now, without waiting (the streaming fast path). */
  tryTakeItems(n: number): boolean;
  /** Frees the slot; safe to call more than once. */
  release(): void;
}

/** Counters for health checks and metrics. */
export interface StreamLimiterStats {
  /** Streams holding a slot, all callers together. */
  readonly total: number;
  readonly activeByCaller: ReadonlyMap<string, number>;
  readonly waitingForSlot: number;
  readonly callers: number;
  readonly rejections: { readonly slots: number; readonly items: number };
  readonly waits: { readonly slots: number; readonly items: number };
}

/** Why a stream was turned away. */
export type StreamRejection = { readonly kind: "slots" | "items"; readonly caller: string };

/** Settings plus the clock; callers unseen for `idleMs` (with nothing open) are forgotten. */
export interface StreamLimiterOptions extends StreamLimitSettings {
  readonly clock?: Clock;
  /** Defaults to the longer of 60 s and the time the item bucket needs to refill. */
  readonly idleMs?: number;
  /** Streams allowed to wait for a slot at once; more are rejected at once. Defaults to the process cap. */
  readonly maxWaiting?: number;
}

interface CallerState {
  active: number;
  waiting: number;
  lastSeen: number;
  readonly items: TokenBucket;
}

interface Waiter {
  readonly state: CallerState;
  readonly caller: string;
  readonly grant: () => void;
}

/** Seconds a client rejected for lack of a slot is told to wait: slots free as streams end, so soon. */
const slotRetryAfterMs = 1_000;

/**
 * Per-caller and process-wide concurrent-stream slots with FIFO waiting, plus a per-caller item
 * token bucket. A waiter is granted the first freed slot it fits, so a caller at its own cap does
 * not block others queued behind it.
 */
export class StreamLimiter {
  private readonly clock: Clock;
  private readonly idleMs: number;
  private readonly maxWaiting: number;
  private readonly callers = new Map<string, CallerState>();
  private readonly waiters: Waiter[] = [];
  private active = 0;
  private lastSweep: number;
  private readonly counts = { slotRejections: 0, itemRejections: 0, slotWaits: 0, itemWaits: 0 };
  private readonly rejected = new Emitter<StreamRejection>();

  /** Fires on every RESOURCE_EXHAUSTED this limiter produces. */
  readonly onRejected: Subscribe<StreamRejection> = this.rejected.subscribe;

  constructor(private readonly settings: StreamLimiterOptions) {
    this.clock = settings.clock ?? systemClock;
    const refillMs =
      settings.perCallerItemsPerSecond > 0
        ? (settings.perCallerItemsBurst / settings.perCallerItemsPerSecond) * 1000
        : 0;
    // Forgetting a caller before its bucket refills would hand it a fresh burst.
    this.idleMs = Math.max(settings.idleMs ?? 60_000, refillMs);
    this.maxWaiting = settings.maxWaiting ?? settings.processConcurrent;
    this.lastSweep = this.clock.now();
  }

  /** Waits (FIFO, up to the acquire timeout) for a slot; RESOURCE_EXHAUSTED with `retry-after` past it. */
  async acquire(caller: string, signal?: AbortSignal): Promise<StreamLease> {
    signal?.throwIfAborted();
    this.sweep();
    const state = this.stateOf(caller);
    // Every release grants all waiters that fit, so whenever this caller fits no waiter could have
    // used the slot: taking it directly keeps the queue fair.
    if (this.fits(state)) return this.lease(caller, state);
    if (this.waiters.length >= this.maxWaiting) throw this.reject("slots", caller);

    this.counts.slotWaits++;
    state.waiting++;
    const timeout = new AbortController();
    const abandon = () => timeout.abort();
    signal?.addEventListener("abort", abandon, { once: true });
    let granted = false;
    const waiter: Waiter = {
      state,
      caller,
      grant: () => {
        granted = true;
        timeout.abort();
      },
    };
    this.waiters.push(waiter);
    try {
      await this.clock.sleep(this.settings.acquireTimeoutMs, timeout.signal).catch(() => undefined);
    } finally {
      signal?.removeEventListener("abort", abandon);
      state.waiting--;
      state.lastSeen = this.clock.now();
    }
    if (granted) {
      const lease = this.lease(caller, state, true);
      if (signal?.aborted) {
        lease.release();
        signal.throwIfAborted();
      }
      return lease;
    }
    this.waiters.splice(this.waiters.indexOf(waiter), 1);
    signal?.throwIfAborted();
    throw this.reject("slots", caller);
  }

  /** Current counters; cheap enough for every health probe. */
  stats(): StreamLimiterStats {
    const activeByCaller = new Map<string, number>();
    for (const [caller, state] of this.callers)
      if (state.active > 0) activeByCaller.set(caller, state.active);
    return {
      total: this.active,
      activeByCaller,
      waitingForSlot: this.waiters.length,
      callers: this.callers.size,
      rejections: { slots: this.counts.slotRejections, items: this.counts.itemRejections },
      waits: { slots: this.counts.slotWaits, items: this.counts.itemWaits },
    };
  }

  private fits(state: CallerState): boolean {
    return this.active < this.settings.processConcurrent && state.active < this.settings.perCallerConcurrent;
  }

  /** Builds a lease; `reserved` means the slot was already counted when the waiter was granted. */
  private lease(caller: string, state: CallerState, reserved = false): StreamLease {
    if (!reserved) {
      state.active++;
      this.active++;
    }
    let released = false;
    return {
      caller,
      tryTakeItems: (n) => state.items.tryTake(n),
      takeItems: async (n, signal) => {
        try {
          const waited = await state.items.take(n, { signal, maxWaitMs: this.settings.acquireTimeoutMs });
          if (waited > 0) this.counts.itemWaits++;
        } catch (error) {
          if (!signal?.aborted) {
            this.counts.itemRejections++;
            this.rejected.emit({ kind: "items", caller });
          }
          throw error;
        }
      },
      release: () => {
        if (released) return;
        released = true;
        state.active--;
        this.active--;
        state.lastSeen = this.clock.now();
        this.grantWaiters();
      },
    };
  }

  private grantWaiters(): void {
    for (let i = 0; i < this.waiters.length && this.active < this.settings.processConcurrent; ) {
      const waiter = this.waiters[i];
      if (!this.fits(waiter.state)) {
        i++;
        continue;
      }
      this.waiters.splice(i, 1);
      // Count the slot now so a newcomer cannot take it before the waiter wakes.
      waiter.state.active++;
      this.active++;
      waiter.grant();
    }
  }

  private reject(kind: "slots", caller: string) {
    this.counts.slotRejections++;
    this.rejected.emit({ kind, caller });
    return resourceExhausted(
      `too many concurrent streams (caller limit ${this.settings.perCallerConcurrent}, process limit ${this.settings.processConcurrent})`,
      slotRetryAfterMs,
    );
  }

  private stateOf(caller: string): CallerState {
    let state = this.callers.get(caller);
    if (!state) {
      state = {
        active: 0,
        waiting: 0,
        lastSeen: this.clock.now(),
        items: new TokenBucket({
          ratePerSecond: this.settings.perCallerItemsPerSecond,
          burst: this.settings.perCallerItemsBurst,
          clock: this.clock,
        }),
      };
      this.callers.set(caller, state);
    }
    state.lastSeen = this.clock.now();
    return state;
  }

  /** Drops callers with nothing open and nothing waiting, at most once per idle period, so memory stays bounded. */
  private sweep(): void {
    const now = this.clock.now();
    if (now - this.lastSweep < this.idleMs) return;
    this.lastSweep = now;
    for (const [caller, state] of this.callers) {
      if (state.active === 0 && state.waiting === 0 && now - state.lastSeen >= this.idleMs) {
        this.callers.delete(caller);
      }
    }
  }
}

/**
 * Paces a stream through its lease: each chunk (an array counts its length, anything else 1)
 * waits for its tokens before it is passed on, so nothing is skipped and a slow budget slows the
 * producer instead of filling a buffer.
 */
export async function* meter<T>(
  items: AsyncIterable<T>,
  lease: Pick<StreamLease, "takeItems">,
  signal?: AbortSignal,
): AsyncGenerator<T, void, undefined> {
  for await (const chunk of items) {
    await lease.takeItems(Array.isArray(chunk) ? chunk.length : 1, signal);
    yield chunk;
  }
}
