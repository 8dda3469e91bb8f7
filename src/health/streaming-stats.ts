/** Settings for {@link StreamingStats}; the defaults are what the server uses. */
export interface StreamingStatsOptions {
  /** How many of the latest times to first item the percentiles are taken over. Default 1,000. */
  readonly firstItemSamples?: number;
  /** How far back a stream rejection still counts as recent. Default one minute. */
  readonly rejectionWindowMs?: number;
  /** Most rejections remembered within the window (a flood must not grow memory). Default 10,000. */
  readonly maxRejections?: number;
  /** The clock; tests pass their own. */
  readonly now?: () => number;
}

/** The figures {@link StreamingStats} adds to the streaming health check. */
export interface RecentStreaming {
  /** Streams the limiter turned away within the rejection window. */
  recentFailures: number;
  firstItemP50Ms: number;
  firstItemP99Ms: number;
}

/**
 * The streaming health check's recent history: the latest times to a stream's first item and the
 * stream rejections of the last minute. The check reports recent trouble, not all-time counts, so both
 * are bounded rings rather than counters.
 */
export class StreamingStats {
  private readonly firstItems: number[] = [];
  private readonly rejections: number[] = [];
  private readonly firstItemSamples: number;
  private readonly rejectionWindowMs: number;
  private readonly maxRejections: number;
  private readonly now: () => number;

  constructor(options: StreamingStatsOptions = {}) {
    this.firstItemSamples = options.firstItemSamples ?? 1000;
    this.rejectionWindowMs = options.rejectionWindowMs ?? 60_000;
    this.maxRejections = options.maxRejections ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Records how long a stream took to send its first item. */
  recordFirstItem(ms: number): void {
    if (this.firstItems.push(ms) > this.firstItemSamples) this.firstItems.shift();
  }

  /** Records a stream the limiter turned away. */
  recordRejection(): void {
    if (this.rejections.push(this.now()) > this.maxRejections) this.rejections.shift();
  }

  /** The rejections within the window and the first-item percentiles over the kept samples (0 when none). */
  recent(): RecentStreaming {
    const since = this.now() - this.rejectionWindowMs;
    while (this.rejections.length > 0 && this.rejections[0] < since) this.rejections.shift();
    const sorted = [...this.firstItems].sort((a, b) => a - b);
    return {
      recentFailures: this.rejections.length,
      firstItemP50Ms: sorted[Math.floor(sorted.length * 0.5)] ?? 0,
      firstItemP99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
    };
  }
}
