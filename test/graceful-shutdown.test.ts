import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { MemberService } from "../src/gen/ect/v1/member_service_pb.js";
import { collect, grpcClient, signIn } from "./support/clients.js";
import { startTestServer } from "./support/test-server.js";

describe("graceful shutdown", () => {
  let dataDir: string;
  after(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("ends watch streams, refuses new calls and loses no acknowledged write", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "ect-shutdown-"));
    const env = {
      ECT_DATA_DIR: dataDir,
      ECT_SHUTDOWN_GRACE_MS: "20000",
      ECT_JWT_SECRET: "shutdown-test-secret-of-at-least-32-bytes",
    };
    const first = await startTestServer(undefined, env);
    const token = await signIn(first.url, "medtech");
    const cases = grpcClient(first.url, CaseService, token);
    const [batch] = await collect(
      grpcClient(first.url, MemberService, token).searchMembers({ query: "d", limit: 1 }),
    );
    const memberId = batch.members[0].id;

    // A watcher that never ends by itself: shutdown must end it after the grace period.
    const watch = (async () => {
      try {
        for await (const _ of cases.watchCases({})) {
          // keep reading
        }
        return "ended";
      } catch (error) {
        return Code[ConnectError.from(error).code];
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));

    const writes = Array.from({ length: 20 }, (_, index) =>
      cases.createCase({ memberId, incidentDescription: `Shutdown write ${index}` }).then(
        (created) => ({ ok: true as const, name: created.name }),
        (error: unknown) => ({ ok: false as const, code: Code[ConnectError.from(error).code] }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const started = Date.now();
    await first.stop();
    const stopMs = Date.now() - started;
    const results = await Promise.all(writes);
    assert.ok(stopMs < 20_000, `shutdown waited only for the calls in flight (${stopMs} ms)`);
    // The server completes the watch; the client may see that as the end or as the connection going away.
    assert.ok(
      ["ended", "Canceled", "Unavailable"].includes(await watch),
      "the watch stream ended at shutdown",
    );
    const acknowledged = results.flatMap((result) => (result.ok ? [result.name] : []));

    const second = await startTestServer(undefined, env);
    try {
      const reopened = grpcClient(second.url, CaseService, await signIn(second.url, "medtech"));
      for (const name of acknowledged) {
        const found = await reopened.getCase({ name });
        assert.equal(found.name, name, `${name} was acknowledged, so it must still exist`);
      }
      // A call refused at shutdown left nothing behind: exactly the acknowledged writes exist.
      const stored = (await collect(reopened.streamCases({}))).flatMap((batch) => batch.cases);
      const shutdownWrites = stored.filter((item) => item.incidentDescription.startsWith("Shutdown write"));
      assert.equal(shutdownWrites.length, acknowledged.length);
    } finally {
      await second.stop();
    }
  });
});
