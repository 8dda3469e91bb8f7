/**
 * The permission matrix: every RPC of every application service, read from the descriptors, called over
 * native gRPC, gRPC-Web, Connect and each of its REST bindings — as a user whose role lacks the RPC's permission
 * (PERMISSION_DENIED / 403) and with no token at all (UNAUTHENTICATED / 401). Requests are empty
 * messages: auth runs before any handler, so validation never gets the chance to refuse first.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { signIn } from "../support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "../support/test-server.js";
import { callAny } from "./support/any-call.js";
import { mapLimited } from "./support/map-limited.js";
import { type CallOutcome, frame, type Protocol, RawClient } from "./support/raw-client.js";
import { type CatalogRpc, hasBody, isNamedPermission, restPath, rpcCatalog } from "./support/rpc-catalog.js";
import {
  createAccount,
  createRole,
  demoAccounts,
  nearestMiss,
  permissionNames,
} from "./support/test-accounts.js";

/** Connect-ES client transports of the three RPC protocols (REST has its own probes above). */
function streamTransports(baseUrl: string): [string, Transport][] {
  return [
    ["gRPC", createGrpcTransport({ baseUrl })],
    ["gRPC-Web", createGrpcWebTransport({ baseUrl, httpVersion: "1.1" })],
    ["Connect", createConnectTransport({ baseUrl, httpVersion: "1.1" })],
  ];
}

/** Calls in flight at once: enough to keep the server busy, few enough for a loaded 2-core machine. */
const CONCURRENCY = 8;

/** One call of the matrix and the refusal it must get. */
interface Probe {
  rpc: CatalogRpc;
  protocol: Protocol;
  /** For REST: "VERB /path". */
  binding?: string;
  token: string | undefined;
  expected: Code.PermissionDenied | Code.Unauthenticated;
}

const catalog = rpcCatalog();

/** Every way to call an RPC: gRPC, gRPC-Web, Connect and each REST binding. */
function probesOf(rpc: CatalogRpc, token: string | undefined, expected: Probe["expected"]): Probe[] {
  return [
    { rpc, protocol: "grpc", token, expected },
    { rpc, protocol: "grpc-web", token, expected },
    { rpc, protocol: "connect", token, expected },
    ...rpc.routes.map((route) => ({
      rpc,
      protocol: "rest" as const,
      binding: `${route.httpMethod} ${restPath(route)}`,
      token,
      expected,
    })),
  ];
}

async function call(client: RawClient, probe: Probe): Promise<CallOutcome> {
  const { method } = probe.rpc;
  if (probe.protocol === "grpc") return client.grpc(method, frame(new Uint8Array()), probe.token);
  if (probe.protocol === "grpc-web") return client.grpcWeb(method, frame(new Uint8Array()), probe.token);
  if (probe.protocol === "connect") return client.connect(method, "{}", "json", probe.token);
  const [verb, path] = (probe.binding ?? "").split(" ");
  const route = probe.rpc.routes.find((r) => `${r.httpMethod} ${restPath(r)}` === probe.binding);
  return client.rest(verb, path, route && hasBody(route) ? "{}" : undefined, probe.token);
}

/** What went wrong with one probe, or undefined when it was refused as expected. */
function mismatch(probe: Probe, outcome: CallOutcome): string | undefined {
  const status = probe.expected === Code.PermissionDenied ? 403 : 401;
  const refused =
    outcome.code === probe.expected && (probe.protocol !== "rest" || outcome.httpStatus === status);
  if (refused) return undefined;
  const where = `${probe.rpc.id} over ${probe.protocol}${probe.binding ? ` (${probe.binding})` : ""}`;
  const got = `code ${outcome.code === undefined ? "none" : (Code[outcome.code] ?? outcome.code)}, HTTP ${outcome.httpStatus}`;
  return `${where}: expected ${Code[probe.expected]}, got ${got}: ${outcome.text.trim().slice(0, 160)}`;
}

for (const database of testDatabases()) {
  describe(`the permission matrix on ${database.name}`, { timeout: 120_000 }, () => {
    let server: TestServer;
    let client: RawClient;
    /** For each named permission, the token of a user whose role lacks it. */
    const deniedTokens = new Map<string, { username: string; token: string }>();

    before(async () => {
      // Watches end by themselves, so the administrator's WatchCases control does not hold a call open.
      server = await startTestServer(database.url, {
        ECT_WATCH_IDLE_MS: "300",
        ECT_WATCH_MAX_LIFETIME_MS: "1000",
      });
      client = new RawClient(server.url, 5_000);
      const accounts = await demoAccounts(server.db);
      const all = await permissionNames(server.db);
      const needed = new Set(catalog.map((rpc) => rpc.permission).filter(isNamedPermission));
      for (const permission of needed) {
        let username = nearestMiss(accounts, permission)?.username;
        if (!username) {
          // Every seeded role holds it (lodView): a role with every other permission is the nearest miss.
          username = `without-${permission.toLowerCase()}`;
          const roleId = await createRole(
            server.db,
            `Everything but ${permission}`,
            all.filter((name) => name !== permission),
          );
          await createAccount(server.db, { username, unitId: 10, roleId });
        }
        deniedTokens.set(permission, { username, token: await signIn(server.url, username) });
      }
    });
    after(async () => {
      client?.close();
      await server?.stop();
    });

    it("finds every RPC of every service with a declared permission and the REST route its annotation gives", () => {
      assert.ok(
        catalog.length >= 160,
        `expected the 160 RPCs of ect.v1 and WorkflowService, found ${catalog.length}`,
      );
      const undeclared = catalog.filter((rpc) => rpc.permission === undefined).map((rpc) => rpc.id);
      assert.deepEqual(undeclared, [], "RPCs without an (ect.v1.permission) option");
      const unrouted = catalog.filter((rpc) => rpc.routes.length === 0).map((rpc) => rpc.id);
      assert.deepEqual(unrouted, [], "RPCs without a google.api.http rule");
    });

    it("refuses every RPC that needs a named permission to a user whose role lacks it, on every protocol", async () => {
      const probes = catalog
        .filter((rpc) => isNamedPermission(rpc.permission))
        .flatMap((rpc) => probesOf(rpc, deniedTokens.get(rpc.permission!)!.token, Code.PermissionDenied));
      const started = Date.now();
      const outcomes = await mapLimited(probes, CONCURRENCY, (probe) => call(client, probe));
      const problems = probes.flatMap((probe, i) => mismatch(probe, outcomes[i]) ?? []);
      const users = [...deniedTokens]
        .map(([permission, { username }]) => `${permission}→${username}`)
        .join(", ");
      console.log(
        `permission matrix, denied (${database.name}): ${probes.length} calls over ${new Set(probes.map((p) => p.rpc)).size} RPCs in ${Date.now() - started} ms, ${problems.length} not refused; users: ${users}`,
      );
      assert.deepEqual(problems, [], "calls that a role without the permission was not refused");
    });

    it("refuses every server stream that needs a permission before sending a single item, over gRPC, gRPC-Web and Connect", async () => {
      // StreamCases and the …Stream twins through real client libraries, as a non-admin whose role lacks the
      // permission: the refusal is the stream's only answer, not an error after some rows.
      const streams = catalog.filter(
        (rpc) =>
          rpc.method.methodKind === "server_streaming" &&
          isNamedPermission(rpc.permission) &&
          !rpc.method.name.startsWith("Watch"),
      );
      assert.ok(
        streams.some((rpc) => rpc.id === "ect.v1.CaseService/StreamCases") &&
          streams.some((rpc) => rpc.id === "workflow.WorkflowService/GetAllLogsStream"),
        `StreamCases and the stream twins are probed: ${streams.map((rpc) => rpc.id).join(", ")}`,
      );
      const transports = streamTransports(server.url);
      const problems: string[] = [];
      for (const [protocol, transport] of transports) {
        await mapLimited(streams, CONCURRENCY, async (rpc) => {
          const denied = deniedTokens.get(rpc.permission!)!;
          const answer = await callAny(transport, rpc.method, {}, denied.token);
          if (answer.error?.code !== Code.PermissionDenied || answer.messages.length > 0) {
            problems.push(
              `${rpc.id} over ${protocol} as ${denied.username}: ${answer.messages.length} items, ${answer.error ? `${Code[answer.error.code]} ${answer.error.message}` : "no error"}`,
            );
          }
        });
      }
      assert.deepEqual(problems, [], "streams not refused up front");
      // The control: the same StreamCases call streams cases to a user holding lodView, on each protocol.
      const medtech = await signIn(server.url, "medtech");
      const streamCases = streams.find((rpc) => rpc.id === "ect.v1.CaseService/StreamCases")!;
      for (const [protocol, transport] of transports) {
        const answer = await callAny(transport, streamCases.method, {}, medtech);
        assert.equal(answer.error, undefined, `${protocol}: ${answer.error?.message}`);
        assert.ok(
          answer.messages.length > 0,
          `StreamCases streams the medical technician's cases over ${protocol}`,
        );
      }
    });

    it("lets an administrator, who holds every permission, past the same checks on the same calls", async () => {
      // The control: the refusals above come from the missing permission, not from the call itself.
      const admin = await signIn(server.url, "admin");
      const rpcs = catalog.filter((rpc) => isNamedPermission(rpc.permission));
      const outcomes = await mapLimited(rpcs, CONCURRENCY, (rpc) =>
        client.connect(rpc.method, "{}", "json", admin),
      );
      const refused = rpcs.flatMap((rpc, i) =>
        outcomes[i].code === Code.PermissionDenied || outcomes[i].code === Code.Unauthenticated
          ? `${rpc.id}: ${outcomes[i].text.slice(0, 160)}`
          : [],
      );
      assert.deepEqual(refused, [], "calls refused to an administrator");
    });

    it("refuses every RPC except the public ones without a token, on every protocol", async () => {
      const probes = catalog
        .filter((rpc) => rpc.permission !== "public")
        .flatMap((rpc) => probesOf(rpc, undefined, Code.Unauthenticated));
      const started = Date.now();
      const outcomes = await mapLimited(probes, CONCURRENCY, (probe) => call(client, probe));
      const problems = probes.flatMap((probe, i) => mismatch(probe, outcomes[i]) ?? []);
      console.log(
        `permission matrix, no token (${database.name}): ${probes.length} calls over ${new Set(probes.map((p) => p.rpc)).size} RPCs in ${Date.now() - started} ms, ${problems.length} not refused`,
      );
      assert.deepEqual(problems, [], "calls answered without a token");
      assert.ok(await client.alive(), "the server is alive after the matrix");
    });
  });
}
