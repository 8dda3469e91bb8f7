import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { MemberService } from "../src/gen/ect/v1/member_service_pb.js";
import { parsePrometheusText } from "../src/telemetry/prometheus-text.test-support.js";
import { collect, grpcClient, signIn } from "./support/clients.js";
import { type CommitCuttingProxy, startCommitCuttingProxy } from "./support/commit-cutting-proxy.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

// "Nothing applied twice" (docs/database-failures.md): the worst moment of an outage is a connection
// lost after PostgreSQL committed a write but before ECT heard it. A retry then writes it again. A write
// without a request_id must fail once with UNAVAILABLE; one with a request_id is retried and answered
// with the first case. Either way the database holds it once.

const databaseUrl = process.env.ECT_TEST_DATABASE_URL;

describe("a write whose commit answer is lost is applied once (PostgreSQL)", {
  skip: databaseUrl ? false : "needs ECT_TEST_DATABASE_URL",
  timeout: 120_000,
}, () => {
  let proxy: CommitCuttingProxy;
  let server: TestServer;
  let token: string;
  let adminToken: string;
  let memberId: number;

  before(async () => {
    proxy = await startCommitCuttingProxy(databaseUrl ?? "");
    server = await startTestServer(proxy.url, {
      ECT_RETRY_MAX: "2",
      ECT_RETRY_BASE_MS: "10",
      ECT_RETRY_CAP_MS: "50",
    });
    token = await signIn(server.url, "medtech");
    adminToken = await signIn(server.url, "admin");
    const [batch] = await collect(
      grpcClient(server.url, MemberService, token).searchMembers({ query: "a", limit: 1 }),
    );
    memberId = batch.members[0].id;
  });
  after(async () => {
    await server?.stop();
    await proxy?.close();
  });

  async function retries(): Promise<number> {
    const response = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.equal(response.status, 200);
    return parsePrometheusText(await response.text())
      .filter((sample) => sample.name === "ect_retries_total" && sample.labels.dependency === "database")
      .reduce((sum, sample) => sum + sample.value, 0);
  }

  /** The stored cases, and their audit rows, with this incident description. */
  async function stored(description: string): Promise<{ cases: number[]; audits: number }> {
    const { rows } = await server.db.query<{ case_id: number }>(
      "SELECT case_id FROM lod_details WHERE incident_description = $1 ORDER BY case_id",
      [description],
    );
    const cases = rows.map((row) => Number(row.case_id));
    const audit = await server.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events
         WHERE entity_type = 'case' AND action = 'create' AND entity_id = ANY($1::text[])`,
      [cases.map(String)],
    );
    return { cases, audits: audit.rows[0].n };
  }

  it("answers UNAVAILABLE for a create without request_id and does not retry it: one case, one audit row", async () => {
    const description = "Burn to the hand, commit answer lost, no request id";
    const retriesBefore = await retries();
    const cut = proxy.cutNextCommit();
    const outcome = await grpcClient(server.url, CaseService, token)
      .createCase({ memberId, incidentDescription: description })
      .then(
        () => "OK",
        (error: unknown) => Code[ConnectError.from(error).code],
      );
    await cut;
    assert.equal(outcome, "Unavailable", "the client is told the write's outcome is unknown");
    assert.equal(await retries(), retriesBefore, "the write was not retried");
    const { cases, audits } = await stored(description);
    assert.equal(cases.length, 1, "PostgreSQL committed it once, and ECT did not write it again");
    assert.equal(audits, 1, "one audit row");
  });

  it("retries a create with request_id and answers with the case it committed: one case, one audit row", async () => {
    const description = "Burn to the hand, commit answer lost, with a request id";
    const retriesBefore = await retries();
    const cut = proxy.cutNextCommit();
    const created = await grpcClient(server.url, CaseService, token).createCase({
      memberId,
      incidentDescription: description,
      requestId: "commit-lost-1",
    });
    await cut;
    assert.equal(await retries(), retriesBefore + 1, "the idempotent write was retried once");
    const { cases, audits } = await stored(description);
    assert.deepEqual(cases, [Number(created.id)], "the retry found the committed case, not a second one");
    assert.equal(audits, 1, "one audit row");
  });
});
