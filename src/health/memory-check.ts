import type { HealthCheck } from "./health-monitor.js";

const GiB = 1024 ** 3;

/** Liveness view of memory: Degraded when the resident set exceeds `thresholdBytes` (default 1 GiB). */
export function memoryCheck(
  thresholdBytes: number = GiB,
  usage: () => NodeJS.MemoryUsage = () => process.memoryUsage(),
): HealthCheck {
  return {
    name: "memory",
    tags: ["live"],
    async run() {
      const { rss, heapUsed, heapTotal, external } = usage();
      const data = { rss, heapUsed, heapTotal, external, thresholdBytes };
      return rss > thresholdBytes
        ? { status: "Degraded", description: `resident set above ${thresholdBytes} bytes`, data }
        : { status: "Healthy", data };
    },
  };
}
