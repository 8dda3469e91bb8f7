import { createHash } from "node:crypto";
import type { DedicatedSession } from "../db/dedicated-session.js";
import { resourceExhausted } from "../errors.js";
import { retryDelayMs } from "./backoff.js";
import { Emitter, type Subscribe } from "./events.js";
import type { StreamLease, StreamLimiter, StreamRejection } from "./stream-limiter.js";

/** What the shared limit needs to know. */
export interface SharedStreamLimitSettings {
  /** Streams one caller may hold across every instance together. */
  readonly perCallerConcurrent: number;
  /** How long a stream start waits for another instance's stream of the caller to end. */
  readonly acquireTimeoutMs: number;
}

/** Seconds a client turned away is told to wait: slots free as streams end. */
const slotRetryAfterMs = 1_000;

/** Polling for a slot another instance holds: 20 ms at first, at most 250 ms apart. */
const POLL = { maxRetries: Number.POSITIVE_INFINITY, baseDelayMs: 20, maxDelayMs: 250, jitter: true };

/**
 * Picks the first of the caller's slots that is free across all instances and locks it in one round
 * trip. Slot n of a caller is the session advisory lock `(caller hash << 16) | n`. The session's own
 * slots are skipped before locking (CASE keeps the order: a session re-locking its own lock would
 * succeed and stack), and LIMIT 1 stops at the first lock taken.
 */
const TAKE_SLOT = `
  SELECT n FROM generate_series(0, $2::int - 1) AS n
  WHERE CASE WHEN n = ANY($3::int[]) THEN false ELSE pg_try_advisory_lock(($1::bigint << 16) | n) END
  LIMIT 1`;

/**
 * Per-caller stream concurrency shared by every instance on one PostgreSQL
 * (ECT_STREAM_LIMIT_SCOPE=shared): each stream holds, besides its local slot (process cap, item
 * budget), one of the caller's N slots as a session advisory lock on this process's dedicated
 * connection, so a caller cannot hold N streams through each of several instances. A stream ending
 * unlocks its slot; an instance dying ends its session and PostgreSQL frees all its slots at once. If
 * the dedicated connection is lost, its slots were freed with it: the ones still in use are locked
 * again on the next new session (best effort), and while the database cannot be reached the
 * per-instance limit alone applies (the stream would fail on its own queries anyway).
 */
export class SharedStreamLimiter {
  /** Slots this instance holds, per caller hash. */
  private readonly held = new Map<number, Set<number>>();
  /** One slot search per caller at a time: two searches on one session would pick the same slot. */
  private readonly turns = new Map<number, Promise<unknown>>();
  private generation: number | undefined;
  private readonly rejected = new Emitter<StreamRejection>();

  /** Fires whenever the shared limit turns a stream away. */
  readonly onRejected: Subscribe<StreamRejection> = this.rejected.subscribe;

  constructor(
    private readonly local: Pick<StreamLimiter, "acquire">,
    private readonly session: DedicatedSession,
    private readonly settings: SharedStreamLimitSettings,
  ) {}

  /** A local lease plus a shared slot; RESOURCE_EXHAUSTED when the caller's slots stay taken. */
  async acquire(caller: string, signal?: AbortSignal): Promise<StreamLease> {
    const lease = await this.local.acquire(caller, signal);
    const key = callerHash(caller);
    let slot: number | undefined;
    try {
      slot = await this.inTurn(key, () => this.takeSlot(caller, key, signal));
    } catch (error) {
      lease.release();
      throw error;
    }
    let released = false;
    return {
      caller: lease.caller,
      takeItems: (n, itemSignal) => lease.takeItems(n, itemSignal),
      tryTakeItems: (n) => lease.tryTakeItems(n),
      release: () => {
        if (released) return;
        released = true;
        lease.release();
        if (slot !== undefined) this.freeSlot(key, slot);
      },
    };
  }

  /** Locks one free slot, polling until the acquire timeout; undefined when the database is unreachable. */
  private async takeSlot(caller: string, key: number, signal?: AbortSignal): Promise<number | undefined> {
    const deadline = Date.now() + this.settings.acquireTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      let taken: number | undefined;
      try {
        const mine = [...(this.held.get(key) ?? [])];
        const { rows } = await this.session.query<{ n: number }>(TAKE_SLOT, [
          key,
          this.settings.perCallerConcurrent,
          mine,
        ]);
        taken = rows[0]?.n;
        await this.relockAfterReset();
      } catch {
        return undefined;
      }
      if (taken !== undefined) {
        const slots = this.held.get(key) ?? new Set<number>();
        slots.add(taken);
        this.held.set(key, slots);
        return taken;
      }
      const wait = retryDelayMs(attempt, POLL);
      if (Date.now() + wait > deadline) {
        this.rejected.emit({ kind: "slots", caller });
        throw resourceExhausted(
          `too many concurrent streams across instances (caller limit ${this.settings.perCallerConcurrent})`,
          slotRetryAfterMs,
        );
      }
      await sleep(wait, signal);
    }
  }

  private freeSlot(key: number, slot: number): void {
    const slots = this.held.get(key);
    slots?.delete(slot);
    if (slots?.size === 0) this.held.delete(key);
    const generation = this.session.generation;
    this.inTurn(key, async () => {
      // A slot of a lost session is already free (and may be someone else's now): unlock only our own.
      if (generation !== this.session.generation) return;
      await this.session.query("SELECT pg_advisory_unlock(($1::bigint << 16) | $2)", [key, slot]);
    }).catch(() => {});
  }

  /** After the session was lost, locks again the slots of streams still running here. */
  private async relockAfterReset(): Promise<void> {
    if (this.generation === this.session.generation) return;
    const first = this.generation === undefined;
    this.generation = this.session.generation;
    if (first) return;
    for (const [key, slots] of this.held) {
      for (const slot of slots) {
        await this.session.query("SELECT pg_try_advisory_lock(($1::bigint << 16) | $2)", [key, slot]);
      }
    }
  }

  private inTurn<T>(key: number, work: () => Promise<T>): Promise<T> {
    const previous = this.turns.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => {});
    this.turns.set(key, settled);
    settled.then(() => {
      if (this.turns.get(key) === settled) this.turns.delete(key);
    });
    return next;
  }
}

/** 47 bits of the caller's SHA-256: shifted left by 16 for the slot, the lock key stays a positive bigint. */
function callerHash(caller: string): number {
  return Number(createHash("sha256").update(`ect-stream:${caller}`).digest().readBigUInt64BE() >> 17n);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
