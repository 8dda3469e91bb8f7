/** Where a page lane takes its connections from and gives them back (the shared pg pool). */
export interface LaneSource<C> {
  /** A connection: an idle one, or one the pool opens or frees for this call (may take long). */
  take(): Promise<C>;
  /** Hands a connection back to the pool; with an error the pool discards it. */
  give(connection: C, error?: Error): void;
  /** Idle connections the pool holds right now. */
  idle(): number;
  /** Whether calls outside the lane (unary queries) wait for a connection: they get freed ones first. */
  othersWaiting(): boolean;
}

/**
 * How many connections the lane asks the pool for at once while pages wait. Opened in bursts of 40
 * on a loaded two-core machine, connections took 1.5–3.5 s each; with 2 at a time the pool grew too
 * slowly for 50 short streams (aggregate 20–25 % lower in the bench's fairness scenario).
 */
export const LANE_MAX_TAKING = 8;

/**
 * Pages from the third on rank alike, first come first served: ranking every page by its index held
 * long streams in lock-step behind each other's prefetches (aggregate 20–25 % lower with 50 streams
 * on 50 connections in the bench's fairness scenario).
 */
const LAST_RANK = 2;

interface Waiter<C> {
  readonly rank: number;
  readonly seq: number;
  resolve(connection: C): void;
  reject(error: unknown): void;
}

/**
 * Connections for the keyset pages of server streams, lowest page index first. Measured on Node 24
 * with 50 streams starting together (bench fairness scenario): pg-pool binds a caller that finds no
 * idle connection to a NEW connection, whose handshake took 1.5–3.5 s on the loaded two-core machine
 * (≈ 45 ms of CPU each, 40 opened at once), while the streams that got a connection first kept
 * reading page after page; first items arrived after 2.5–4.7 s. Here a waiting page takes whichever
 * connection comes first, one another page frees or one the pool opens (at most LANE_MAX_TAKING asked
 * for at once), and a freed connection goes to the waiting page with the lowest index: every stream's
 * first page before any stream's second, its second before any third; later pages in arrival order.
 *
 * At most `maxRunning` pages hold a connection at once (ECT_STREAM_PAGE_CONCURRENCY), even while the pool
 * has connections to spare: with every page running at once, a new stream's first page shared PostgreSQL's
 * and the event loop's CPU with every running stream's 1,000-row pages. Measured on Node 24 with the bench's
 * fairness scenario (quick profile, 50 streams started together on one connection), interleaved runs on one
 * machine: first item p99 179–216 ms with no bound, 74 ms with 8, the aggregate within the runs' noise; a
 * separate run with 4 gave 43–56 ms.
 */
export class PageLane<C> {
  private readonly waiters: Waiter<C>[] = [];
  private taking = 0;
  /** Pages holding a connection now. */
  private running = 0;
  private seq = 0;

  /**
   * @param maxRunning pages that may hold a connection at once; more wait in line, first pages first, even
   *   while the pool has connections to spare (a first page then waits for one page, not for all of them).
   */
  constructor(
    private readonly source: LaneSource<C>,
    private readonly maxRunning = Number.POSITIVE_INFINITY,
  ) {}

  /** A connection for the page with this index (0: the stream's first page). */
  acquire(pageIndex: number, signal?: AbortSignal): Promise<C> {
    signal?.throwIfAborted();
    return new Promise<C>((resolve, reject) => {
      const waiter: Waiter<C> = {
        rank: Math.min(pageIndex, LAST_RANK),
        seq: this.seq++,
        resolve: (connection) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(connection);
        },
        reject,
      };
      const onAbort = () => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.insert(waiter);
      this.pump();
    });
  }

  /** Gives a page's connection to the next waiting page, or back to the pool (always, with an error). */
  release(connection: C, error?: Error): void {
    this.running--;
    if (error || this.waiters.length === 0 || this.source.othersWaiting()) {
      this.source.give(connection, error);
      this.pump();
      return;
    }
    this.handOff(connection);
  }

  /** Pages waiting for a connection (for tests and metrics). */
  get waiting(): number {
    return this.waiters.length;
  }

  private insert(waiter: Waiter<C>): void {
    // Sorted by (page index, arrival); a short linear scan from the end: new waiters mostly rank last.
    let at = this.waiters.length;
    while (at > 0 && this.waiters[at - 1].rank > waiter.rank) at--;
    this.waiters.splice(at, 0, waiter);
  }

  private handOff(connection: C): void {
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.source.give(connection);
      return;
    }
    this.running++;
    waiter.resolve(connection);
  }

  /**
   * Asks the pool for connections while more pages wait than are already asked for: as many as it holds
   * idle, and at most LANE_MAX_TAKING beyond that (the pool may open them). pg-pool hands an idle
   * connection over only on the next tick, so `taking` counts the idle ones already asked for.
   */
  private pump(): void {
    while (
      this.waiters.length > this.taking &&
      this.running + this.taking < this.maxRunning &&
      (this.taking < LANE_MAX_TAKING || this.source.idle() > this.taking)
    ) {
      this.taking++;
      this.source.take().then(
        (connection) => {
          this.taking--;
          this.handOff(connection);
          this.pump();
        },
        (error: unknown) => {
          this.taking--;
          // The pool cannot give a connection (PostgreSQL down, connect timeout): the first page in line
          // fails with the pool's error instead of waiting for the stream idle timeout.
          this.waiters.shift()?.reject(error);
          this.pump();
        },
      );
    }
  }
}
