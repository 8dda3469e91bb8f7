/**
 * "SSN always masked": one LOD case walked from creation to final approval with its steps spread over
 * native gRPC, gRPC-Web, Connect and REST, watched over all of them (REST as SSE and NDJSON), read back
 * over all of them (GetCase, StreamCases, tracking, signatures, the form, member search, the legacy
 * SearchMemberData/SearchMemberDataTest and their stream twins, the audit trail) — every byte the server
 * sends goes through a recording proxy and is scanned for any 9-digit SSN of the seed, as is the audit
 * trail's before/after data in the database. The control: the SSN the searches were made by is seen in
 * the request bytes, so the scan would find one in a response.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DescMethodStreaming, DescService, JsonValue } from "@bufbuild/protobuf";
import { type Client, createClient, type Interceptor, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { AdminService } from "../src/gen/ect/v1/admin_service_pb.js";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { FormService } from "../src/gen/ect/v1/form_service_pb.js";
import { MemberService } from "../src/gen/ect/v1/member_service_pb.js";
import { ActionKind, CaseState } from "../src/gen/ect/v1/resources_pb.js";
import { WorkflowService } from "../src/gen/workflow/workflow_pb.js";
import { type OpenWatch, openWatch } from "./security/support/open-watch.js";
import { fillPart, type RouteUser, route } from "./support/af348-parts.js";
import { addMedicalRecord } from "./support/case-documents.js";
import { collect, signIn } from "./support/clients.js";
import { type RecordingProxy, startRecordingProxy } from "./support/recording-proxy.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

type RpcProtocol = "gRPC" | "gRPC-Web" | "Connect";
const RPC_PROTOCOLS: readonly RpcProtocol[] = ["gRPC", "gRPC-Web", "Connect"];

/** The seeded SSNs found in `text`: any 9-digit window of a longer digit run, and the 123-45-6789 form. */
export function ssnsIn(text: string, ssns: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  for (const [run] of text.matchAll(/\d{9,}/g)) {
    for (let at = 0; at + 9 <= run.length; at++) {
      const window = run.slice(at, at + 9);
      if (ssns.has(window)) found.add(window);
    }
  }
  for (const [dashed] of text.matchAll(/\d{3}-\d{2}-\d{4}/g)) {
    const digits = dashed.replaceAll("-", "");
    if (ssns.has(digits)) found.add(digits);
  }
  return [...found];
}

/** A stream read in the background over REST until `close()`: its text so far. */
interface RestWatch {
  text(): string;
  close(): Promise<void>;
}

function restWatch(url: string, headers: Record<string, string>): RestWatch {
  const abort = new AbortController();
  let text = "";
  const reading = (async () => {
    try {
      const res = await fetch(url, { headers, signal: abort.signal });
      const decoder = new TextDecoder();
      const reader = res.body?.getReader();
      for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {
        text += decoder.decode(chunk.value, { stream: true });
      }
    } catch {
      // Closing aborts the read.
    }
  })();
  return {
    text: () => text,
    async close() {
      abort.abort();
      await reading;
    },
  };
}

// The promise does not depend on the database: run once, on PostgreSQL when there is one (it starts faster).
const database = testDatabases().at(-1)!;

describe(`no seeded SSN in any response of a full lifecycle over every protocol on ${database.name}`, {
  timeout: 300_000,
}, () => {
  let server: TestServer;
  let proxy: RecordingProxy;
  let ssns: Set<string>;
  const tokens = new Map<string, string>();
  const transports = new Map<string, Transport>();

  /** A transport of `protocol` through the proxy, signed in as `user`, without compression (bytes stay readable). */
  function transport(protocol: RpcProtocol, user: string): Transport {
    const key = `${protocol} ${user}`;
    let found = transports.get(key);
    if (!found) {
      const token = tokens.get(user) ?? assert.fail(`${user} signed in`);
      const auth: Interceptor = (next) => (req) => {
        req.header.set("authorization", `Bearer ${token}`);
        return next(req);
      };
      const options = { baseUrl: proxy.url, interceptors: [auth], acceptCompression: [] };
      found =
        protocol === "gRPC"
          ? createGrpcTransport(options)
          : protocol === "gRPC-Web"
            ? createGrpcWebTransport({ ...options, httpVersion: "1.1" })
            : createConnectTransport({ ...options, httpVersion: "1.1" });
      transports.set(key, found);
    }
    return found;
  }
  const client = <S extends DescService>(service: S, protocol: RpcProtocol, user: string): Client<S> =>
    createClient(service, transport(protocol, user));
  /** A REST call through the proxy as `user`; the body text (uncompressed: identity only). */
  async function rest(user: string, method: string, path: string, body?: unknown, accept?: string) {
    const response = await fetch(`${proxy.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens.get(user)}`,
        "accept-encoding": "identity",
        ...(accept ? { accept } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.equal(response.status, 200, `${method} ${path}: ${text.slice(0, 200)}`);
    return text;
  }

  before(async () => {
    server = await startTestServer(database.url);
    proxy = await startRecordingProxy(new URL(server.url));
    const { rows } = await server.db.query<{ ssn: string }>(
      "SELECT ssn FROM members UNION SELECT ssn FROM users WHERE ssn IS NOT NULL",
    );
    ssns = new Set(rows.map((row) => row.ssn.trim()).filter((ssn) => /^\d{9}$/.test(ssn)));
    assert.ok(ssns.size >= 50, `the seed's SSNs (${ssns.size})`);
    for (const user of [...route, "admin"]) tokens.set(user, await signIn(proxy.url, user));
  });
  after(async () => {
    await proxy?.close();
    await server?.stop();
  });

  it("walks, watches and reads a case over gRPC, gRPC-Web, Connect and REST without sending one", async () => {
    // Watches on every protocol, for a role of the case's wing and for the administrator.
    const watchMethod = CaseService.method.watchCases as DescMethodStreaming;
    const rpcWatches: [string, OpenWatch][] = RPC_PROTOCOLS.flatMap((protocol) =>
      ["medtech", "admin"].map(
        (user) =>
          [
            `${protocol} as ${user}`,
            openWatch(transport(protocol, user), watchMethod, {}, tokens.get(user)!),
          ] as [string, OpenWatch],
      ),
    );
    const restWatches = ["text/event-stream", "application/x-ndjson"].map((accept) =>
      restWatch(`${proxy.url}/ect/v1/cases:watch`, {
        authorization: `Bearer ${tokens.get("medtech")}`,
        "accept-encoding": "identity",
        accept,
      }),
    );
    try {
      // Member search on every protocol; a member the technician may start a case for.
      const found = await collect(
        client(MemberService, "Connect", "medtech").searchMembers({ query: "a", limit: 5 }),
      );
      const member =
        found.flatMap((batch) => batch.members)[0] ?? assert.fail("a member in the technician's units");
      for (const protocol of RPC_PROTOCOLS) {
        await collect(client(MemberService, protocol, "medtech").searchMembers({ query: "a", limit: 20 }));
      }
      await rest("medtech", "GET", "/ect/v1/members:search?query=a&limit=20");
      await rest("medtech", "GET", "/ect/v1/members:search?query=a&limit=20", undefined, "text/event-stream");
      const memberSsn = (
        await server.db.query<{ ssn: string }>("SELECT ssn FROM members WHERE id = $1", [member.id])
      ).rows[0].ssn;
      assert.equal(member.maskedSsn, `***-**-${memberSsn.slice(-4)}`);

      // The legacy searches, by the member's full SSN, on every protocol: they find the member, masked.
      for (const protocol of RPC_PROTOCOLS) {
        const legacy = client(WorkflowService, protocol, "medtech");
        const test = await legacy.searchMemberDataTest({ ssn: memberSsn });
        assert.deepEqual(
          test.items.filter((item) => item.memberId === member.id).map((item) => item.ssn),
          [member.maskedSsn],
          `SearchMemberDataTest over ${protocol} finds the member with a masked ssn`,
        );
        await collect(legacy.searchMemberDataTestStream({ ssn: memberSsn }));
        await legacy.searchMemberData({ ssn: memberSsn });
        await collect(legacy.searchMemberDataStream({ ssn: memberSsn }));
      }
      for (const path of ["search-test", "search-test/stream", "search", "search/stream"]) {
        const text = await rest("medtech", "GET", `/v1/members/${path}?ssn=${memberSsn}`);
        assert.ok(text.includes(String(member.id)), `GET /v1/members/${path} finds the member`);
      }

      // The lifecycle: each role's step over the next protocol in turn, every fourth over REST.
      const created = await client(CaseService, "Connect", "medtech").createCase({
        memberId: member.id,
        incidentDescription: "Twisted knee on the flight line",
      });
      for (const [index, user] of route.entries()) {
        // The medical officer's forward requires a medical record (required_documents).
        if (user === "medofficer") await addMedicalRecord(server.url, tokens.get("medofficer"), created.name);
        const protocol = RPC_PROTOCOLS[index % RPC_PROTOCOLS.length];
        const cases = client(CaseService, protocol, user);
        const next = await cases.getNextActions({ name: created.name });
        const forward = next.actions.find((action) => action.kind === ActionKind.ADVANCE);
        assert.ok(forward, `${user} has a forward option`);
        await fillPart(client(FormService, protocol, user), user as RouteUser, created.name);
        const findingId = forward.requiresFinding
          ? next.findings.find((f) => f.code === "ILOD")?.id
          : undefined;
        if (index % 4 === 3) {
          await rest(user, "POST", `/ect/v1/${created.name}:sign`, {});
          await rest(user, "POST", `/ect/v1/${created.name}:takeAction`, {
            optionId: forward.optionId,
            findingId,
          });
        } else {
          await cases.signCase({ name: created.name });
          await cases.takeAction({ name: created.name, optionId: forward.optionId, findingId });
        }
      }

      // Every read of the case, on every protocol, as the technician and the administrator.
      for (const user of ["medtech", "admin"]) {
        for (const protocol of RPC_PROTOCOLS) {
          const cases = client(CaseService, protocol, user);
          const read = await cases.getCase({ name: created.name });
          assert.equal(read.member?.maskedSsn, member.maskedSsn);
          assert.equal(read.state, CaseState.COMPLETED);
          await cases.listCases({ pageSize: 100 });
          await collect(cases.streamCases({}));
          await cases.listTracking({ name: created.name });
          await cases.listSignatures({ name: created.name });
          await cases.getNextActions({ name: created.name });
          await client(FormService, protocol, user).getForm({ name: `${created.name}/form` });
          await client(FormService, protocol, user).listFindings({ parent: created.name });
        }
        for (const path of [
          `/ect/v1/${created.name}`,
          "/ect/v1/cases?pageSize=100",
          "/ect/v1/cases:stream",
          `/ect/v1/${created.name}/tracking`,
          `/ect/v1/${created.name}/signatures`,
          `/ect/v1/${created.name}/form`,
          `/ect/v1/${created.name}/findings`,
        ]) {
          await rest(user, "GET", path);
        }
        await rest(user, "GET", "/ect/v1/cases:stream", undefined, "text/event-stream");
      }
      // The audit trail as the administrator reads it, on every protocol.
      for (const protocol of RPC_PROTOCOLS) {
        const audit = client(AdminService, protocol, "admin");
        const ofCase = await audit.listAuditEvents({
          entityType: "case",
          entityId: String(created.id),
          pageSize: 1000,
        });
        assert.ok(ofCase.events.length >= route.length, `the case's audit trail over ${protocol}`);
        await audit.listAuditEvents({ pageSize: 1000 });
      }
      await rest("admin", "GET", "/ect/v1/audit-events?pageSize=1000");

      // Every watch saw the case complete (so it carried the case's events), then closes.
      const carries = (message: JsonValue) => JSON.stringify(message).includes(created.caseNumber);
      for (const [name, watch] of rpcWatches) {
        assert.ok(await watch.until(carries, 10_000), `the watch over ${name} carried the case`);
      }
      for (const watch of restWatches) {
        const deadline = Date.now() + 10_000;
        while (!watch.text().includes(created.caseNumber) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.ok(watch.text().includes(created.caseNumber), "the REST watch carried the case");
      }

      // The control: the member's SSN went out in requests, so the scan sees an SSN on the wire.
      assert.deepEqual(ssnsIn(proxy.requests().join("\n"), ssns), [memberSsn]);
    } finally {
      for (const [, watch] of rpcWatches) watch.close();
      await Promise.all(restWatches.map((watch) => watch.close()));
    }
    const responses = proxy.responses();
    const bytes = responses.reduce((sum, text) => sum + text.length, 0);
    const leaks = responses.flatMap((text, connection) =>
      ssnsIn(text, ssns).map(
        (ssn) =>
          `connection ${connection}: ${ssn} near "${text.slice(Math.max(0, text.indexOf(ssn) - 80), text.indexOf(ssn) + 20)}"`,
      ),
    );
    console.log(
      `SSN scan (${database.name}): ${responses.length} connections, ${bytes} response bytes, ${ssns.size} seeded SSNs, ${leaks.length} found`,
    );
    assert.ok(bytes > 100_000, `the lifecycle's responses were scanned (${bytes} bytes)`);
    assert.deepEqual(leaks, [], "seeded SSNs in response bytes");
  });

  it("keeps every SSN out of the audit trail's before and after data", async () => {
    const { rows } = await server.db.query<{ action: string; data: string }>(
      "SELECT action, coalesce(before::text, '') || ' ' || coalesce(after::text, '') AS data FROM audit_events",
    );
    assert.ok(rows.length > route.length, `audit rows of the lifecycle (${rows.length})`);
    const leaks = rows.flatMap((row) => ssnsIn(row.data, ssns).map((ssn) => `${row.action}: ${ssn}`));
    assert.deepEqual(leaks, [], "seeded SSNs in the audit trail");
  });
});
