/** Releases a turn once its bytes left for the socket (or its stream ended). */
export type ReleaseTurn = () => void;

/** One stream's sequence of turns at writing into its HTTP/2 session. */
export interface StreamTurns {
  /** Waits for this stream's next turn; rejects with the signal's reason if it aborts first. */
  take(signal?: AbortSignal): Promise<ReleaseTurn>;
}

/**
 * No turn of a session finished for this long while others wait: the held ones wait for their
 * readers. Long enough that a loaded machine's pauses rarely count, short enough that a stream whose
 * client reads is held up only briefly behind clients that stopped reading.
 */
const STALL_MS = 50;

interface Waiter {
  readonly tag: number;
  /** A stream's first turn goes before the same round's turns of streams already writing. */
  readonly first: boolean;
  readonly seq: number;
  readonly grant: () => void;
}

/**
 * Fair turns at writing the pages of the streams of one HTTP/2 session. Node 24's nghttp2 (1.65 and
 * later) dropped RFC 7540 priorities and schedules the DATA of same-urgency streams one stream after
 * another (RFC 9218, non-incremental): whichever stream has bytes queued keeps the connection, and
 * with 50 streams on one connection most waited seconds for their first item while the first two
 * streams finished. So nghttp2 is only ever handed the chunks of `concurrent` turns at once, and
 * turns go out by start-time fair queueing: a stream's turns carry tags 1 apart and a stream that starts
 * takes the current round's tag, ahead of that round's other turns, so its first page goes out before
 * the later pages of the streams already writing (at most `concurrent` turns ahead of it), and long
 * streams alternate instead of queueing behind each other.
 */
export class WriteTurns {
  private readonly waiting: Waiter[] = [];
  /** Turns granted and not yet released; a turn whose chunk waits for its window stops counting. */
  private readonly holders = new Set<{ counted: boolean }>();
  private active = 0;
  private round = 0;
  private seq = 0;
  /** Turns finished so far: the stall watch compares it across its looks. */
  private finished = 0;
  private watching = false;

  /**
   * @param concurrent turns writing at once
   * @param stallMs while turns wait, a session where no held turn finished for this long is stalled:
   *   their chunks wait for flow-control windows (their clients do not read), so those turns stop
   *   counting and streams whose clients read are not held up behind them
   */
  constructor(
    private readonly concurrent: number,
    private readonly stallMs = STALL_MS,
  ) {}

  /** The turns of one new stream. */
  stream(): StreamTurns {
    let last = Number.NEGATIVE_INFINITY;
    return {
      take: (signal) => {
        const first = last === Number.NEGATIVE_INFINITY;
        const tag = Math.max(last + 1, this.round);
        last = tag;
        return this.take(tag, first, signal);
      },
    };
  }

  /** Turns waiting (for tests and metrics). */
  get queued(): number {
    return this.waiting.length;
  }

  private take(tag: number, first: boolean, signal?: AbortSignal): Promise<ReleaseTurn> {
    signal?.throwIfAborted();
    return new Promise<ReleaseTurn>((resolve, reject) => {
      const waiter: Waiter = {
        tag,
        first,
        seq: this.seq++,
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve(this.releaser());
        },
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      let at = this.waiting.length;
      while (at > 0 && after(this.waiting[at - 1], waiter)) at--;
      this.waiting.splice(at, 0, waiter);
      this.grant();
    });
  }

  private releaser(): ReleaseTurn {
    const holder = { counted: true };
    this.holders.add(holder);
    return () => {
      if (!this.holders.delete(holder)) return;
      this.finished++;
      if (holder.counted) this.active--;
      this.grant();
    };
  }

  private grant(): void {
    while (this.active < this.concurrent && this.waiting.length > 0) {
      const waiter = this.waiting.shift() as Waiter;
      this.active++;
      this.round = Math.max(this.round, waiter.tag);
      waiter.grant();
    }
    if (this.waiting.length > 0 && !this.watching) this.watch();
  }

  /**
   * While turns wait and every place is held, looks every `stallMs` whether a held turn finished
   * since the last look; if none did, the held turns stop counting (see the constructor). The watch
   * ends as soon as a place frees, so a session that keeps sending never pays more than a timer.
   */
  private watch(): void {
    this.watching = true;
    const finished = this.finished;
    setTimeout(() => {
      this.watching = false;
      if (this.waiting.length > 0 && this.active >= this.concurrent && this.finished === finished) {
        for (const holder of this.holders) holder.counted = false;
        this.active = 0;
      }
      this.grant();
    }, this.stallMs).unref();
  }
}

/** Whether `a` goes out after `b`: later round, or the same round and `b` is a first turn `a` is not. */
function after(a: Waiter, b: Waiter): boolean {
  return a.tag > b.tag || (a.tag === b.tag && b.first && !a.first);
}
