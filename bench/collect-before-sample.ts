/**
 * Preloaded (with --expose-gc) into the server of the memory scenario's live-heap measurement: every
 * reading of the process' memory (prom-client reads `process.memoryUsage()` for /metrics) first runs a
 * full collection, so each sample counts what the server holds, not garbage V8 has not collected yet.
 * For that measurement only: a full collection per sample costs CPU.
 */
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("bench/collect-before-sample.ts needs node --expose-gc");
const memoryUsage = process.memoryUsage.bind(process);
process.memoryUsage = Object.assign(
  () => {
    gc();
    return memoryUsage();
  },
  { rss: process.memoryUsage.rss },
);
