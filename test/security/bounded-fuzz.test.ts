/**
 * A bounded, deterministic fuzz (seeded PRNG) of every REST route and every request message: malformed
 * JSON, wrong types, huge numbers, NUL and unicode, broken path parameters, garbage, cut-off and
 * mis-encoded protobuf over Connect and gRPC, broken gRPC frames and bodies over the 4 MiB limit. As an
 * administrator, so inputs reach the handlers. No answer may be a server error (HTTP 5xx, INTERNAL,
 * UNKNOWN, …), show a stack trace, a file path or SQL, and the server must be alive afterwards.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { startTestServer, type TestServer, testDatabases } from "../support/test-server.js";
import { type FuzzCase, fuzzCases } from "./support/fuzz-cases.js";
import { leaksIn } from "./support/leaks-in.js";
import { mapLimited } from "./support/map-limited.js";
import { type CallOutcome, RawClient } from "./support/raw-client.js";
import { rpcCatalog } from "./support/rpc-catalog.js";

const SEED = 0x5ec_0012;
const CONCURRENCY = 8;

/**
 * Codes that mean the server failed, not the input. UNIMPLEMENTED is left out: connect-node answers it
 * to a gRPC client that breaks the framing itself (no request message, or two for a unary call).
 */
const SERVER_FAULTS = new Set<Code>([
  Code.Unknown,
  Code.Internal,
  Code.DataLoss,
  Code.Unavailable,
  Code.DeadlineExceeded,
]);

/** What is wrong with one answer: [] when it is a proper refusal or a proper answer. */
function problemsOf(fuzz: FuzzCase, outcome: CallOutcome): string[] {
  const problems: string[] = [];
  const { code, httpStatus } = outcome;
  const rest = fuzz.category.startsWith("REST");
  // REST answers with HTTP statuses (405 is a proper answer there); RPCs with codes.
  const fault = rest
    ? httpStatus >= 500
    : httpStatus >= 500 || (code !== undefined && code !== 0 && SERVER_FAULTS.has(code));
  if (fault) problems.push(`server error ${httpStatus}${code ? ` ${Code[code]}` : ""}`);
  else if (code === undefined && !outcome.cutOff) {
    problems.push(
      rest ? `HTTP ${httpStatus} without a google.rpc.Status body` : `no status (HTTP ${httpStatus})`,
    );
  }
  for (const leak of leaksIn(outcome.text, code !== 0)) problems.push(`shows ${leak}`);
  if (fuzz.mustRefuse && !fuzz.oversize && code === 0)
    problems.push("accepted a non-decimal or out-of-range integer");
  if (fuzz.oversize) {
    const refused = rest
      ? httpStatus === 413 || httpStatus === 400
      : code === Code.ResourceExhausted || code === Code.InvalidArgument;
    if (!refused)
      problems.push(
        `oversize not refused (HTTP ${httpStatus}, ${code === undefined ? "no code" : (Code[code] ?? "OK")})`,
      );
  }
  return problems;
}

function codeName(outcome: CallOutcome): string {
  if (outcome.cutOff) return "open stream";
  if (outcome.code === undefined) return `HTTP ${outcome.httpStatus}`;
  return outcome.code === 0 ? "OK" : Code[outcome.code];
}

/** One line per category: inputs, failures by kind, and what the server answered. */
function summaries(
  cases: readonly FuzzCase[],
  outcomes: readonly CallOutcome[],
  problems: readonly string[][],
): string[] {
  const categories = [...new Set(cases.map((fuzz) => fuzz.category))];
  return categories.map((category) => {
    const rows = cases.flatMap((fuzz, i) => (fuzz.category === category ? [i] : []));
    const failed = rows.filter((i) => problems[i].length > 0);
    const kinds = count(failed.flatMap((i) => problems[i].map((p) => p.replace(/ \(.*$|: .*$/, ""))));
    const answers = count(rows.map((i) => codeName(outcomes[i])));
    return `fuzz ${category}: ${rows.length} inputs, ${failed.length} failures${kinds ? ` (${kinds})` : ""}; answers: ${answers}`;
  });
}

function count(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([value, n]) => `${n}× ${value}`)
    .join(", ");
}

for (const database of testDatabases()) {
  describe(`a bounded fuzz of every route and message on ${database.name}`, { timeout: 180_000 }, () => {
    let server: TestServer;
    let client: RawClient;
    const catalog = rpcCatalog();

    before(async () => {
      // Watches end by themselves so a well-formed WatchCases input does not hold a call open.
      server = await startTestServer(database.url, {
        ECT_WATCH_IDLE_MS: "300",
        ECT_WATCH_MAX_LIFETIME_MS: "1000",
      });
      client = new RawClient(server.url, 5_000);
    });
    after(async () => {
      client?.close();
      await server?.stop();
    });

    it("answers every malformed input with a proper refusal: no server error, stack trace or SQL, and stays alive", async () => {
      const cases = fuzzCases(catalog, SEED);
      const started = Date.now();
      // A fresh administrator token per call, from the server's own token authority (no sign-in round
      // trip), so an input that reaches Logout revokes only its own token.
      const admin = async () => (await server.app.tokens.issue("admin")).token;
      const outcomes = await mapLimited(cases, CONCURRENCY, async (fuzz) => fuzz.send(client, await admin()));
      const elapsed = Date.now() - started;
      const problems = cases.map((fuzz, i) => problemsOf(fuzz, outcomes[i]));
      for (const line of summaries(cases, outcomes, problems)) console.log(line);
      const failures = cases.flatMap((fuzz, i) =>
        problems[i].length > 0
          ? [
              `${fuzz.category} | ${fuzz.target} | ${fuzz.label} | ${problems[i].join("; ")} | ${outcomes[i].text.trim().slice(0, 160)}`,
            ]
          : [],
      );
      console.log(
        `fuzz total (${database.name}): ${cases.length} inputs in ${elapsed} ms, ${failures.length} failures`,
      );
      for (const failure of failures.slice(0, 200)) console.log(`  fuzz failure: ${failure}`);
      if (failures.length > 200) console.log(`  … and ${failures.length - 200} more`);
      assert.ok(await client.alive(), "GET /alive answers 200 after the fuzz");
      assert.deepEqual(
        failures,
        [],
        "inputs answered with a server error, internals, or an oversize accepted",
      );
    });
  });
}
