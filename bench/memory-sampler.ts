/** One scrape of a server's /metrics: resident set and V8 heap in use. */
export interface MemorySample {
  ms: number;
  rss: number;
  heap: number;
}

const metric = (text: string, name: string) => {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, "m").exec(text);
  return match ? Number(match[1]) : Number.NaN;
};

/** Where a server's metrics are read: /metrics needs an operator's (operatorView) bearer token. */
export interface MetricsSource {
  url: string;
  authorization: string;
}

/** Scrapes process_resident_memory_bytes and nodejs_heap_size_used_bytes once. */
export async function scrapeMemory(metrics: MetricsSource, since: number): Promise<MemorySample> {
  const response = await fetch(metrics.url, { headers: { authorization: metrics.authorization } }).catch(
    (error: Error) => {
      throw new Error(`${metrics.url}: ${(error.cause as Error | undefined)?.message ?? error.message}`);
    },
  );
  if (!response.ok) throw new Error(`${metrics.url} answered ${response.status}`);
  const text = await response.text();
  return {
    ms: performance.now() - since,
    rss: metric(text, "process_resident_memory_bytes"),
    heap: metric(text, "nodejs_heap_size_used_bytes"),
  };
}

/** Samples a server's memory every `intervalMs` while `work` runs; returns the samples with its result. */
export async function sampleWhile<T>(
  metrics: MetricsSource,
  intervalMs: number,
  work: () => Promise<T>,
): Promise<{ result: T; samples: MemorySample[] }> {
  const since = performance.now();
  const samples: MemorySample[] = [await scrapeMemory(metrics, since)];
  let done = false;
  const loop = (async () => {
    while (!done) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      if (!done) samples.push(await scrapeMemory(metrics, since).catch(() => samples[samples.length - 1]));
    }
  })();
  try {
    const result = await work();
    return { result, samples };
  } finally {
    done = true;
    await loop;
    samples.push(await scrapeMemory(metrics, since));
  }
}

/** Growth over the first sample: peak RSS and peak heap minus where they started, in bytes. */
export function growth(samples: readonly MemorySample[]): { rss: number; heap: number } {
  const [first] = samples;
  return {
    rss: Math.max(...samples.map((s) => s.rss)) - first.rss,
    heap: Math.max(...samples.map((s) => s.heap)) - first.heap,
  };
}
