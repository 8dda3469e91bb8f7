import { ACTIVE_STREAM, type Recorded, type Rig, record, settle, target } from "./scenarios.js";
import { quantile } from "./stats.js";

/** Streams started together in the fairness scenario. */
const STREAMS = 50;

/**
 * Fairness (issue 15): 50 per-item streams started together, first on ONE HTTP/2 connection, then on
 * one connection each, every stream read until it has its share of items (20,000 quick, 100,000 full).
 * Records per mode the first-item p50/p99, the median and last completion, the aggregate items/s and,
 * from the last repeat, each stream's timeline for the report's chart.
 */
export async function fairness(rig: Rig, recorded: Recorded, log: (line: string) => void) {
  const t = target(rig.ect.url, ACTIVE_STREAM, "frames", rig.authorization);
  const stopAfter = rig.profile.name === "quick" ? 20_000 : 100_000;
  for (let repeat = 1; repeat <= rig.profile.repeats; repeat++) {
    for (const connections of ["one", "each"] as const) {
      const result = await rig.driver.run({
        kind: "fairness",
        target: t,
        streams: STREAMS,
        connections,
        stopAfter,
      });
      // Every stream is cancelled after its share: let the late cancels land before the next run.
      await settle();
      if (result.errors) {
        throw new Error(`fairness (${connections}): ${result.errors} streams failed: ${result.status}`);
      }
      const done = result.ttfiMs ?? [];
      const key = `fairness.${connections}`;
      record(recorded, `${key}.ttfiP50`, result.p50Ms!);
      record(recorded, `${key}.ttfiP99`, result.p99Ms!);
      record(recorded, `${key}.doneP50`, quantile(done, 0.5));
      record(recorded, `${key}.doneMax`, Math.max(...done));
      record(recorded, `${key}.itemsPerSecond`, result.itemsPerSecond!);
      recorded.timelines[connections] = result.timeline ?? [];
      log(
        `  ${STREAMS} streams on ${connections === "one" ? "one connection" : `${STREAMS} connections`} (${repeat}): ` +
          `first item p50 ${result.p50Ms!.toFixed(1)} ms, p99 ${result.p99Ms!.toFixed(1)} ms, ` +
          `done p50 ${quantile(done, 0.5).toFixed(0)} ms, max ${Math.max(...done).toFixed(0)} ms, ` +
          `${Math.round(result.itemsPerSecond!)} items/s`,
      );
    }
  }
}
