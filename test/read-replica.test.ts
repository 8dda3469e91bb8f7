import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../src/config.js";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import type { Case } from "../src/gen/ect/v1/resources_pb.js";
import { type RunningServer, startServer } from "../src/server/start.js";
import { createLogger } from "../src/telemetry/logger.js";
import { collect, grpcClient, signIn } from "./support/clients.js";
import { until } from "./support/ect-instances.js";
import {
  type StreamingReplica,
  startStreamingReplica,
  streamingReplicaUnavailable,
} from "./support/streaming-replica.js";

const skip = process.env.ECT_TEST_DATABASE_URL
  ? streamingReplicaUnavailable()
  : "ECT_TEST_DATABASE_URL is not set (PostgreSQL only)";

/**
 * Issue 21 item 5: ECT on a primary with ECT_DATABASE_READ_URL on a streaming replica that this test
 * builds with Debian's tools. Replica lag is made by pausing WAL replay on the replica.
 */
describe("a read replica", { skip: skip ?? false, timeout: 600_000 }, () => {
  let replica: StreamingReplica;
  let server: RunningServer;
  const tokens = new Map<string, string>();
  const cases = (user: string) => grpcClient(server.url, CaseService, tokens.get(user));
  /** The case as a user's StreamCases shows it (stream pages read the replica unless the user just wrote). */
  /** The replica's health check as an operator (admin) sees it. */
  const replicaHealth = async () => {
    const response = await fetch(`${server.url}/healthz`, {
      headers: { authorization: `Bearer ${tokens.get("admin")}` },
    });
    const report = (await response.json()) as {
      checks: Record<string, { status: string; data?: { lagBytes?: number; replayPaused?: boolean } }>;
    };
    return report.checks.replica;
  };
  const streamed = async (user: string, name: string): Promise<Case | undefined> =>
    (await collect(cases(user).streamCases({})))
      .flatMap((batch) => batch.cases)
      .find((item) => item.name === name);

  before(async () => {
    replica = await startStreamingReplica();
    const config = loadConfig({
      ECT_HOST: "127.0.0.1",
      ECT_PORT: "0",
      ECT_LOG_LEVEL: "silent",
      ECT_DATABASE_URL: replica.primaryUrl,
      ECT_DATABASE_READ_URL: replica.replicaUrl,
      ECT_DB_POOL_MIN: "0",
      ECT_SHUTDOWN_GRACE_MS: "500",
      ECT_ANONYMOUS_RATE_PER_SECOND: "1000",
      ECT_ANONYMOUS_BURST: "1000",
    });
    server = await startServer(config, createLogger({ level: "silent", pretty: false }));
    for (const user of ["medtech", "unitcc", "admin"]) tokens.set(user, await signIn(server.url, user));
  });

  after(async () => {
    await server?.stop();
    await replica?.destroy();
  });

  it("streams read the replica, writes and the writer's reads the primary; a lagging replica shows readers the old row", async () => {
    const { rows } = await server.db.query<{ id: number }>(
      `SELECT m.id FROM members m JOIN users u ON u.username = 'medtech'
       JOIN unit_tree t ON t.ancestor_id = u.unit_id AND t.descendant_id = m.unit_id ORDER BY m.id LIMIT 1`,
    );
    const created = await cases("medtech").createCase({
      memberId: rows[0].id,
      incidentDescription: "Before: twisted knee on the stairs",
    });
    await replica.caughtUp(30_000);
    assert.equal(
      (await streamed("unitcc", created.name))?.incidentDescription,
      "Before: twisted knee on the stairs",
    );

    await replica.pauseReplay(true);
    try {
      await cases("medtech").updateCase({
        case: { name: created.name, incidentDescription: "After: torn ligament in the left knee" },
        updateMask: { paths: ["incident_description"] },
      });
      assert.equal(
        (await streamed("unitcc", created.name))?.incidentDescription,
        "Before: twisted knee on the stairs",
        "another user's stream reads the lagging replica",
      );
      assert.equal(
        (await streamed("medtech", created.name))?.incidentDescription,
        "After: torn ligament in the left knee",
        "the writer's stream reads the primary until the replica has their write",
      );
      assert.equal(
        (await cases("unitcc").getCase({ name: created.name })).incidentDescription,
        "After: torn ligament in the left knee",
        "a unary read uses the primary",
      );
      // Health results are cached briefly: poll until the paused replay shows.
      await until(
        15_000,
        "health reports the paused replica",
        async () => (await replicaHealth())?.data?.replayPaused === true,
      );
      const paused = await replicaHealth();
      assert.equal(paused.status, "Degraded", JSON.stringify(paused));
      assert.ok((paused.data?.lagBytes ?? 0) > 0, "the lag the replica has to replay");
    } finally {
      await replica.pauseReplay(false);
    }
    await until(30_000, "the replica catches up and readers see the new row", async () => {
      return (
        (await streamed("unitcc", created.name))?.incidentDescription ===
        "After: torn ligament in the left knee"
      );
    });
    await until(
      15_000,
      "health reports the replica healthy again",
      async () => (await replicaHealth())?.status === "Healthy",
    );
  });
});
