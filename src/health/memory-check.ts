import type { HealthCheck } from "./health-monitor.js";

const GiB = 1024 ** 3;

/**
 * Liveness view of memory: Degraded when the JavaScript heap in use exceeds `thresholdBytes` (default
 * 1 GiB). The heap, not the resident set, because the embedded database reserves a large, fixed WASM
 * memory that says nothing about leaks; the resident set is still reported.
 */
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
      return heapUsed > thresholdBytes
        ? { status: "Degraded", description: `JavaScript heap above ${thresholdBytes} bytes`, data }
        : { status: "Healthy", data };
    },
  };
}
