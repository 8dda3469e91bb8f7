import { Code, ConnectError } from "@connectrpc/connect";
import { type Clock, systemClock } from "../resilience/clock.js";
import { Emitter, type Subscribe } from "../resilience/events.js";
import type { BreakerSettings } from "../resilience/settings.js";

/** Circuit state, named as the server's health reports it. */
export type ClientBreakerState = "closed" | "half-open" | "open";

/** Permission to make one call; hand it back with the call's outcome. */
export interface BreakerPermit {
  readonly trial: boolean;
}

/** How a call ended for the breaker: a failure of the server, a success, or neither (cancelled by us). */
export type CallOutcome = "success" | "failure" | "ignored";

/** Seconds resolution of the sliding window, as in cockatiel's SamplingBreaker. */
const bucketMs = 1_000;

/**
 * The client's circuit breaker, with the server's numbers: opens when ≥ ratio of at least
 * `minimumThroughput` calls in the window failed, stays open `breakDurationMs`, then lets one trial
 * call through. Written here rather than taken from cockatiel so the browser bundle stays small and
 * the clock can be injected.
 */
export class ClientCircuitBreaker {
  private state: ClientBreakerState = "closed";
  private openedAt = 0;
  private trialInFlight = false;
  private buckets: { start: number; failures: number; successes: number }[] = [];
  private readonly changed = new Emitter<ClientBreakerState>();

  /** Fires on every state change. */
  readonly onStateChange: Subscribe<ClientBreakerState> = this.changed.subscribe;

  constructor(
    private readonly settings: BreakerSettings,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Current state; an open circuit whose break has elapsed reports half-open. */
  current(): ClientBreakerState {
    if (this.state === "open" && this.clock.now() - this.openedAt >= this.settings.breakDurationMs) {
      return "half-open";
    }
    return this.state;
  }

  /** Lets a call through or throws UNAVAILABLE at once while the circuit is open or a trial is running. */
  admit(): BreakerPermit {
    const state = this.current();
    if (state === "closed") return { trial: false };
    if (state === "half-open" && !this.trialInFlight) {
      this.trialInFlight = true;
      this.move("half-open");
      return { trial: true };
    }
    const remaining = Math.max(0, this.openedAt + this.settings.breakDurationMs - this.clock.now());
    throw new ConnectError("service unavailable: client circuit open", Code.Unavailable, {
      "retry-after": String(Math.max(1, Math.ceil(remaining / 1000))),
    });
  }

  /** Records how a permitted call ended. */
  record(permit: BreakerPermit, outcome: CallOutcome): void {
    if (permit.trial) {
      this.trialInFlight = false;
      if (outcome === "failure") this.open();
      else if (outcome === "success") this.close();
      return;
    }
    if (outcome === "ignored" || this.state !== "closed") return;
    const bucket = this.bucket();
    if (outcome === "success") bucket.successes++;
    else bucket.failures++;
    if (outcome === "failure" && this.shouldOpen()) this.open();
  }

  private shouldOpen(): boolean {
    let failures = 0;
    let total = 0;
    for (const b of this.buckets) {
      failures += b.failures;
      total += b.failures + b.successes;
    }
    return total >= this.settings.minimumThroughput && failures >= this.settings.failureRatio * total;
  }

  private bucket() {
    const now = this.clock.now();
    const start = now - (now % bucketMs);
    this.buckets = this.buckets.filter((b) => b.start > now - this.settings.samplingWindowMs);
    let last = this.buckets[this.buckets.length - 1];
    if (!last || last.start !== start) {
      last = { start, failures: 0, successes: 0 };
      this.buckets.push(last);
    }
    return last;
  }

  private open(): void {
    this.openedAt = this.clock.now();
    this.buckets = [];
    this.move("open");
  }

  private close(): void {
    this.buckets = [];
    this.move("closed");
  }

  private move(state: ClientBreakerState): void {
    if (this.state === state) return;
    this.state = state;
    this.changed.emit(state);
  }
}
