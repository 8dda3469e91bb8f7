import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { parts, type RouteUser, route } from "./support/af348-parts.js";
import { addMedicalRecord } from "./support/case-documents.js";
import { signIn } from "./support/clients.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

const run = promisify(execFile);
const buf = new URL("../node_modules/.bin/buf", import.meta.url).pathname;

describe("a generic gRPC client that knows nothing but reflection", () => {
  let server: TestServer;
  const tokens = new Map<string, string>();

  before(async () => {
    server = await startTestServer(undefined);
    for (const user of route) tokens.set(user, await signIn(server.url, user));
  });
  after(async () => server?.stop());

  /** The role's part of the AF 348, sent as JSON through FormService as reflection describes it. */
  async function fillPartOverReflection(user: RouteUser, name: string): Promise<void> {
    const { section, finding } = parts[user];
    if (section) {
      const paths = Object.entries(section).flatMap(([part, fields]) =>
        Object.keys(fields).map((field) => `${part}.${field}`),
      );
      await call(user, "ect.v1.FormService/UpdateForm", {
        form: { name: `${name}/form`, ...section },
        updateMask: paths.join(","),
      });
    }
    if (finding) await call(user, "ect.v1.FormService/RecordFinding", { parent: name, finding });
  }

  async function call<T>(user: string, method: string, body: unknown): Promise<T> {
    const { stdout } = await run(
      buf,
      [
        "curl",
        "--protocol",
        "grpc",
        "--http2-prior-knowledge",
        "-H",
        `Authorization: Bearer ${tokens.get(user)}`,
        "-d",
        JSON.stringify(body),
        `${server.url}/${method}`,
      ],
      { timeout: 30_000 },
    );
    return JSON.parse(stdout) as T;
  }

  it("lists both services and the health and reflection services", async () => {
    const { stdout } = await run(
      buf,
      ["curl", "--protocol", "grpc", "--http2-prior-knowledge", "--list-services", server.url],
      {
        timeout: 30_000,
      },
    );
    for (const service of ["ect.v1.CaseService", "workflow.WorkflowService", "grpc.health.v1.Health"]) {
      assert.ok(stdout.includes(service), `${service} is listed`);
    }
    const methods = await run(
      buf,
      ["curl", "--protocol", "grpc", "--http2-prior-knowledge", "--list-methods", server.url],
      {
        timeout: 30_000,
      },
    );
    assert.ok(methods.stdout.includes("ect.v1.CaseService/TakeAction"));
    assert.equal(
      methods.stdout.split("\n").filter((line) => line.startsWith("workflow.WorkflowService/")).length,
      135,
    );
  });

  it("walks a case from creation to final approval", async () => {
    const members = await call<{ members: { id: number }[] }>(
      "medtech",
      "ect.v1.MemberService/SearchMembers",
      {
        query: "c",
        limit: 1,
      },
    );
    const created = await call<{ name: string }>("medtech", "ect.v1.CaseService/CreateCase", {
      memberId: members.members[0].id,
      incidentDescription: "Wrist fracture on the ramp",
    });
    for (const user of route) {
      // The medical officer's forward requires a medical record (required_documents).
      if (user === "medofficer") await addMedicalRecord(server.url, tokens.get("medofficer"), created.name);
      const next = await call<{
        actions: { optionId: number; kind: string }[];
        findings?: { id: number; code: string }[];
      }>(user, "ect.v1.CaseService/GetNextActions", { name: created.name });
      const forward = next.actions.find((action) => action.kind === "ACTION_KIND_ADVANCE");
      assert.ok(forward, `${user} can move the case on`);
      await fillPartOverReflection(user, created.name);
      await call(user, "ect.v1.CaseService/SignCase", { name: created.name });
      await call(user, "ect.v1.CaseService/TakeAction", {
        name: created.name,
        optionId: forward.optionId,
        findingId: next.findings?.find((finding) => finding.code === "ILOD")?.id,
      });
    }
    const final = await call<{ state: string; finding: string }>("approver", "ect.v1.CaseService/GetCase", {
      name: created.name,
    });
    assert.equal(final.state, "CASE_STATE_COMPLETED");
    assert.ok(final.finding);
  });
});
