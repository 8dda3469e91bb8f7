/** Releases a turn once its bytes left for the socket (or its stream ended). */
export type ReleaseTurn = () => void;

/** One stream's sequence of turns at writing into its HTTP/2 session. */
export interface StreamTurns {
  /** Waits for this stream's next turn; rejects with the signal's reason if it aborts first. */
  take(signal?: AbortSignal): Promise<ReleaseTurn>;
}

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
  private active = 0;
  private round = 0;
  private seq = 0;

  constructor(private readonly concurrent: number) {}

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
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
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
  }
}

/** Whether `a` goes out after `b`: later round, or the same round and `b` is a first turn `a` is not. */
function after(a: Waiter, b: Waiter): boolean {
  return a.tag > b.tag || (a.tag === b.tag && b.first && !a.first);
}
