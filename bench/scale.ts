import { ACTIVE_STREAM, type Recorded, type Rig, record, settle, target } from "./scenarios.js";
import { startEct } from "./servers.js";
import { quantile } from "./stats.js";

/** Instance counts compared; the total load stays the same. */
const INSTANCES = [1, 2, 3];

/**
 * Scale-out (issue 21): the same total of concurrent per-item streams (30 quick, 60 full) spread over
 * 1, 2 and 3 ECT processes on the one PostgreSQL, as a balancer would spread them. Records per count
 * the aggregate items/s and the p99 time to first item over every stream. On this 2-core machine the
 * instances, the load driver and PostgreSQL share the same cores, so the curve says what saturates
 * first rather than how far more cores would carry it (bench/README.md).
 */
export async function scale(rig: Rig, recorded: Recorded, log: (line: string) => void) {
  const streams = rig.profile.name === "quick" ? 30 : 60;
  // Two more instances; the shared max_connections (100) is why their pools are smaller.
  const env = { ...rig.ectEnv, ECT_DB_POOL_MAX: "15" };
  const extra = await Promise.all([
    startEct(rig.children, "ect-2", env),
    startEct(rig.children, "ect-3", env),
  ]);
  try {
    const urls = [rig.ect.url, ...extra.map((server) => server.url)];
    for (const url of urls.slice(1)) {
      await rig.driver.run({
        kind: "stream",
        target: target(url, ACTIVE_STREAM, "frames", rig.authorization),
        durationMs: 500,
      });
    }
    await settle();
    for (let repeat = 1; repeat <= rig.profile.repeats; repeat++) {
      for (const instances of INSTANCES) {
        const shares = urls.slice(0, instances).map((url, i) => ({
          url,
          streams: Math.floor(streams / instances) + (i < streams % instances ? 1 : 0),
        }));
        const results = await Promise.all(
          shares.map(({ url, streams: n }) =>
            rig.driver.run({
              kind: "concurrent",
              target: target(url, ACTIVE_STREAM, "frames", rig.authorization),
              streams: n,
              durationMs: rig.profile.concurrencyMs,
            }),
          ),
        );
        // Every stream is cancelled at the deadline: let the late cancels land before the next count.
        await settle();
        await settle();
        const errors = results.reduce((sum, r) => sum + (r.errors ?? 0), 0);
        if (errors > streams / 2) {
          throw new Error(
            `scale ${instances}: ${errors} streams failed: ${results.map((r) => r.status).join("; ")}`,
          );
        }
        const items = results.reduce((sum, r) => sum + (r.items ?? 0), 0);
        const ms = Math.max(...results.map((r) => r.ms ?? 0));
        const itemsPerSecond = (items / ms) * 1000;
        const ttfiP99 = quantile(
          results.flatMap((r) => r.ttfiMs ?? []),
          0.99,
        );
        record(recorded, `scale.${instances}`, itemsPerSecond);
        record(recorded, `scale.${instances}.ttfiP99`, ttfiP99);
        if (errors) recorded.notes.push(`scale ${instances} instances: ${errors} streams failed`);
        log(
          `  ${streams} streams on ${instances} instance${instances > 1 ? "s" : ""} (${repeat}): ` +
            `${Math.round(itemsPerSecond)} items/s, ttfi p99 ${ttfiP99.toFixed(1)} ms${errors ? `, ${errors} failed` : ""}`,
        );
      }
    }
  } finally {
    await Promise.all(extra.map((server) => rig.children.stop(server.child, 15_000)));
  }
}
