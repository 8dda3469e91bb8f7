import type { DescService } from "@bufbuild/protobuf";
import { Health } from "../gen/grpc/health/v1/health_pb.js";
import { ServerReflection } from "../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ServerReflectionAlpha } from "../gen/grpc/reflection/v1alpha/reflection_pb.js";

/**
 * The services that probes and tooling call: gRPC health and reflection (v1 and v1alpha). They carry no
 * ect permission option and answer without a token, and they get no spans or per-call logs: load
 * balancers poll them often enough to drown the real traffic.
 */
export const PROBE_SERVICES: readonly DescService[] = [Health, ServerReflection, ServerReflectionAlpha];

/** The probe services' full names (`grpc.health.v1.Health` …), to test a method's service against. */
export const PROBE_SERVICE_NAMES: ReadonlySet<string> = new Set(
  PROBE_SERVICES.map((service) => service.typeName),
);
