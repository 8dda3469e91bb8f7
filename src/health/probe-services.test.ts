import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { methodPermission } from "../interceptors/method-permission.js";
import { UNTRACED_SERVICES } from "../interceptors/tracing.js";
import { PROBE_SERVICE_NAMES, PROBE_SERVICES } from "./probe-services.js";

describe("the probe services", () => {
  test("are gRPC health and both reflection versions", () => {
    assert.deepEqual([...PROBE_SERVICE_NAMES].sort(), [
      "grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection",
    ]);
  });

  test("every probe method answers without a token", () => {
    for (const service of PROBE_SERVICES) {
      for (const method of service.methods) assert.equal(methodPermission(method), "public", method.name);
    }
  });

  test("the probes are the services the tracing and the per-call log leave out", () => {
    assert.equal(UNTRACED_SERVICES, PROBE_SERVICE_NAMES);
  });
});
