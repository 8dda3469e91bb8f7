import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { DescField, DescFile, DescMethod } from "@bufbuild/protobuf";
import { getExtension, hasExtension, ScalarType } from "@bufbuild/protobuf";
import { permission } from "../../src/gen/ect/v1/options_pb.js";
import { http } from "../../src/gen/google/api/annotations_pb.js";
import { file_workflow_workflow } from "../../src/gen/workflow/workflow_pb.js";

/** One row of the contract's RPC table, in the same shape the descriptors are reduced to. */
interface RpcShape {
  readonly name: string;
  readonly request: string;
  /** "stream Item" for server-streaming RPCs, as the contract writes it. */
  readonly response: string;
  /** "VERB /path" plus " body=*" when the rule has a body. */
  readonly http: string;
}

/** The contract as written: RPC rows in table order, messages as "number label type name" field lines. */
interface Contract {
  readonly declared: { readonly rpcs: number; readonly streaming: number; readonly messages: number };
  readonly rpcs: readonly RpcShape[];
  readonly messages: ReadonlyMap<string, readonly string[]>;
}

const CONTRACT_PATH = new URL("../../docs/contract/workflow-service.md", import.meta.url);
const PERMISSIONS = new Set([
  "authenticated",
  "memberSearch",
  "userAdmin",
  "workflowAdmin",
  "lodAct",
  "logAdmin",
  "logView",
]);

/** Reads the RPC table and the message bullet list of the contract markdown. */
function parseContract(markdown: string): Contract {
  const counts = /(\d+) RPCs \((\d+) server-streaming\)/.exec(markdown);
  const messageCount = /^## Messages \((\d+)\)/m.exec(markdown);
  assert.ok(counts && messageCount, "contract states its RPC and message counts");
  const rpcs: RpcShape[] = [];
  const messages = new Map<string, string[]>();
  for (const line of markdown.split("\n")) {
    const row =
      /^\| (\w+) \| (\w+) \| ((?:stream )?\w+) \| ([A-Z]+) \| `([^`]+)` \| *(?:`([^`]+)`)? *\|$/.exec(line);
    if (row) {
      const [, name, request, response, verb, path, body] = row;
      rpcs.push({ name, request, response, http: httpShape(verb, path, body ?? "") });
      continue;
    }
    const bullet = /^- \*\*(\w+)\*\*: (.+)$/.exec(line);
    if (bullet)
      messages.set(
        bullet[1],
        bullet[2].split(";").map((f) => f.trim().replace(/\s+/g, " ")),
      );
  }
  return {
    declared: { rpcs: Number(counts[1]), streaming: Number(counts[2]), messages: Number(messageCount[1]) },
    rpcs,
    messages,
  };
}

function httpShape(verb: string, path: string, body: string): string {
  return `${verb} ${path}${body ? ` body=${body}` : ""}`;
}

/** Strips our package so descriptor type names read like the contract's. */
function localName(typeName: string): string {
  return typeName.startsWith("workflow.") ? typeName.slice("workflow.".length) : typeName;
}

function rpcShape(method: DescMethod): RpcShape {
  const kind =
    method.methodKind === "server_streaming" ? "stream " : method.methodKind === "unary" ? "" : "?";
  let binding = "none";
  if (method.proto.options && hasExtension(method.proto.options, http)) {
    const rule = getExtension(method.proto.options, http);
    const { pattern } = rule;
    binding =
      pattern.case === undefined
        ? "none"
        : pattern.case === "custom"
          ? httpShape(pattern.value.kind.toUpperCase(), pattern.value.path, rule.body)
          : httpShape(pattern.case.toUpperCase(), pattern.value, rule.body);
    if (rule.additionalBindings.length > 0) binding += ` +${rule.additionalBindings.length} bindings`;
  }
  return {
    name: method.name,
    request: localName(method.input.typeName),
    response: kind + localName(method.output.typeName),
    http: binding,
  };
}

/** Writes a field the way the contract does: "999 optional int32 api_version". */
function fieldShape(field: DescField): string {
  let label = "";
  let type: string;
  switch (field.fieldKind) {
    case "scalar":
      type = ScalarType[field.scalar].toLowerCase();
      if (field.proto.proto3Optional) label = "optional ";
      break;
    case "message":
      type = localName(field.message.typeName);
      if (field.proto.proto3Optional) label = "optional ";
      break;
    case "enum":
      type = localName(field.enum.typeName);
      if (field.proto.proto3Optional) label = "optional ";
      break;
    case "list":
      label = "repeated ";
      type =
        field.listKind === "scalar"
          ? ScalarType[field.scalar].toLowerCase()
          : localName(field.listKind === "message" ? field.message.typeName : field.enum.typeName);
      break;
    case "map":
      type = "map";
      break;
  }
  return `${field.number} ${label}${type} ${field.name}`;
}

/** Every way the descriptors differ from the contract, each naming the RPC or message; empty when they agree. */
function contractMismatches(contract: Contract, file: DescFile): string[] {
  const problems: string[] = [];
  const methods = file.services.find((s) => s.name === "WorkflowService")?.methods ?? [];
  const actual = new Map(methods.map((m) => [m.name, rpcShape(m)]));
  for (const want of contract.rpcs) {
    const got = actual.get(want.name);
    if (!got) {
      problems.push(`rpc ${want.name}: missing from the proto`);
      continue;
    }
    for (const key of ["request", "response", "http"] as const) {
      if (got[key] !== want[key])
        problems.push(`rpc ${want.name}: ${key} is "${got[key]}", contract says "${want[key]}"`);
    }
  }
  const wanted = new Set(contract.rpcs.map((r) => r.name));
  for (const name of actual.keys()) if (!wanted.has(name)) problems.push(`rpc ${name}: not in the contract`);
  const order = methods.map((m) => m.name).filter((n) => wanted.has(n));
  const expectedOrder = contract.rpcs.map((r) => r.name).filter((n) => actual.has(n));
  const firstOutOfOrder = expectedOrder.findIndex((n, i) => order[i] !== n);
  if (firstOutOfOrder >= 0) {
    problems.push(
      `rpc order: position ${firstOutOfOrder} is ${order[firstOutOfOrder]}, contract has ${expectedOrder[firstOutOfOrder]}`,
    );
  }

  const messages = new Map(file.messages.map((m) => [m.name, m.fields.map(fieldShape)]));
  for (const [name, fields] of contract.messages) {
    const got = messages.get(name);
    if (!got) {
      problems.push(`message ${name}: missing from the proto`);
      continue;
    }
    for (const f of fields)
      if (!got.includes(f)) problems.push(`message ${name}: no field "${f}" (proto has ${got.join("; ")})`);
    for (const f of got)
      if (!fields.includes(f)) problems.push(`message ${name}: field "${f}" is not in the contract`);
  }
  for (const name of messages.keys())
    if (!contract.messages.has(name)) problems.push(`message ${name}: not in the contract`);
  return problems;
}

const contract = parseContract(readFileSync(CONTRACT_PATH, "utf8"));
const service = file_workflow_workflow.services.find((s) => s.name === "WorkflowService");

describe("workflow.proto matches the ECTSystem WorkflowService contract", () => {
  test("the contract document is read completely: 135 RPCs, 59 streaming, 207 messages", () => {
    assert.deepEqual(contract.declared, { rpcs: 135, streaming: 59, messages: 207 });
    assert.equal(contract.rpcs.length, contract.declared.rpcs, "RPC table rows parsed");
    const streaming = contract.rpcs.filter((r) => r.response.startsWith("stream ")).length;
    assert.equal(streaming, contract.declared.streaming, "streaming RPC rows parsed");
    assert.equal(contract.messages.size, contract.declared.messages, "message bullets parsed");
  });

  test("the proto service has 135 RPCs, 59 of them server-streaming and the rest unary", () => {
    assert.ok(service, "workflow.WorkflowService exists");
    assert.equal(file_workflow_workflow.proto.package, "workflow");
    assert.equal(service.methods.length, 135);
    assert.equal(service.methods.filter((m) => m.methodKind === "server_streaming").length, 59);
    assert.equal(service.methods.filter((m) => m.methodKind === "unary").length, 76);
  });

  test("every RPC and message agrees with the contract: types, streaming, HTTP binding, fields, order", () => {
    assert.deepEqual(contractMismatches(contract, file_workflow_workflow), []);
  });

  test("every RPC declares one of ECT's permissions", () => {
    const missing = (service?.methods ?? [])
      .map((m) => {
        const options = m.proto.options;
        const value = options && hasExtension(options, permission) ? getExtension(options, permission) : "";
        return { name: m.name, value };
      })
      .filter(({ value }) => !PERMISSIONS.has(value))
      .map(({ name, value }) => `${name}: "${value}"`);
    assert.deepEqual(missing, []);
  });

  test("a contract the proto does not follow is reported by RPC and message name", () => {
    const rpcs = contract.rpcs.map((r) =>
      r.name === "DeleteLogById"
        ? { ...r, http: "DELETE /v1/logs/{id}" }
        : r.name === "GetAllLocks"
          ? { ...r, response: "stream LockItem" }
          : r,
    );
    const messages = new Map(contract.messages);
    messages.set("LockItem", [
      "1 int32 lock_id",
      "2 optional int32 user_id",
      "3 string lock_type",
      "4 string lock_time",
    ]);
    messages.delete("HelloResponse");
    const altered: Contract = { ...contract, rpcs: [...rpcs.slice(1), rpcs[0]], messages };

    assert.deepEqual(contractMismatches(altered, file_workflow_workflow), [
      'rpc GetAllLocks: response is "GetAllLocksResponse", contract says "stream LockItem"',
      'rpc DeleteLogById: http is "DELETE /v1/logs/{log_id}", contract says "DELETE /v1/logs/{id}"',
      "rpc order: position 0 is GetReinvestigationRequests, contract has GetReinvestigationRequestsStream",
      'message LockItem: no field "2 optional int32 user_id" (proto has 1 int32 lock_id; 2 int32 user_id; 3 string lock_type; 4 string lock_time)',
      'message LockItem: field "2 int32 user_id" is not in the contract',
      "message HelloResponse: not in the contract",
    ]);
  });
});
