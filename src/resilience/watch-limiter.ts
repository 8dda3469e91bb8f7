import { resourceExhausted } from "../errors.js";
import { type Clock, systemClock } from "./clock.js";

/**
 * Limits of open-ended watches (WatchCases; REQUIREMENTS §9), counted apart from the stream slots of §2:
 * a watch holds no stream slot, so idle watches cannot starve other users' streams.
 */
export interface WatchLimitSettings {
  /** Watches one user may hold open at once (per instance). */
  readonly maxPerUser: number;
  /** A watch that sent nothing for this long ends cleanly; the client reconnects. */
  readonly idleMs: number;
  /** Every watch ends cleanly after this long, however busy. */
  readonly maxLifetimeMs: number;
}

/** Settings plus the clock, injectable for tests. */
export interface WatchLimiterOptions extends WatchLimitSettings {
  readonly clock?: Clock;
}

/** Why a watch's limits ended it. */
export type WatchEnd = "idle" | "lifetime";

/** One open watch's hold on its user's allowance. */
export interface WatchLease {
  /** Aborts when the watch has sent nothing for `idleMs` or has been open `maxLifetimeMs`; the watch then ends with OK. */
  readonly signal: AbortSignal;
  /** Why `signal` fired; undefined while the watch may go on. */
  readonly ended: WatchEnd | undefined;
  /** The watch sent something: its idle time starts again. */
  touch(): void;
  /** Frees the allowance and stops the timers; safe to call more than once. */
  release(): void;
}

/** Counters for health details and metrics. */
export interface WatchLimiterStats {
  readonly open: number;
  readonly users: number;
  readonly rejections: number;
  readonly ended: { readonly idle: number; readonly lifetime: number };
}

/** A user at the cap is told to retry in this long: a watch of theirs must end first. */
const retryAfterMs = 1_000;

/** Per-user caps on open watches, with each watch's idle and lifetime limits. */
export class WatchLimiter {
  private readonly clock: Clock;
  private readonly byUser = new Map<string, number>();
  private open = 0;
  private rejections = 0;
  private readonly endings = { idle: 0, lifetime: 0 };

  constructor(private readonly settings: WatchLimiterOptions) {
    this.clock = settings.clock ?? systemClock;
  }

  /** Opens a watch for `user`; RESOURCE_EXHAUSTED naming the cap when the user already holds `maxPerUser`. */
  acquire(user: string): WatchLease {
    const held = this.byUser.get(user) ?? 0;
    if (held >= this.settings.maxPerUser) {
      this.rejections++;
      throw resourceExhausted(
        `too many open watches: at most ${this.settings.maxPerUser} per user (watches.maxPerUser, ECT_WATCH_MAX_PER_USER); close one first`,
        retryAfterMs,
      );
    }
    this.byUser.set(user, held + 1);
    this.open++;
    return this.lease(user);
  }

  /** Current counters; cheap enough for every health probe. */
  stats(): WatchLimiterStats {
    return {
      open: this.open,
      users: this.byUser.size,
      rejections: this.rejections,
      ended: { ...this.endings },
    };
  }

  private lease(user: string): WatchLease {
    const { clock, settings } = this;
    const controller = new AbortController();
    // Cancels the pending timers at release or at the first ending.
    const timers = new AbortController();
    let lastSent = clock.now();
    let ended: WatchEnd | undefined;
    let released = false;
    const end = (why: WatchEnd) => {
      if (ended !== undefined || released) return;
      ended = why;
      this.endings[why]++;
      timers.abort();
      controller.abort();
    };
    const ignore = () => undefined;
    clock.sleep(settings.maxLifetimeMs, timers.signal).then(() => end("lifetime"), ignore);
    // One timer re-armed for the remaining idle time, not one per event.
    const armIdle = (ms: number): void => {
      clock.sleep(ms, timers.signal).then(() => {
        const idle = clock.now() - lastSent;
        if (idle >= settings.idleMs) end("idle");
        else armIdle(settings.idleMs - idle);
      }, ignore);
    };
    armIdle(settings.idleMs);
    return {
      signal: controller.signal,
      get ended() {
        return ended;
      },
      touch: () => {
        lastSent = clock.now();
      },
      release: () => {
        if (released) return;
        released = true;
        timers.abort();
        this.open--;
        const left = (this.byUser.get(user) ?? 1) - 1;
        if (left > 0) this.byUser.set(user, left);
        else this.byUser.delete(user);
      },
    };
  }
}
