import type { DescService } from "@bufbuild/protobuf";
import { type Client, createClient } from "@connectrpc/connect";
import { createEctTransport } from "../../src/client/web.js";
import { AdminService } from "../../src/gen/ect/v1/admin_service_pb.js";
import { CaseService } from "../../src/gen/ect/v1/case_service_pb.js";
import { FormService } from "../../src/gen/ect/v1/form_service_pb.js";
import { Icd10Service } from "../../src/gen/ect/v1/icd10_service_pb.js";
import { IdentityService } from "../../src/gen/ect/v1/identity_service_pb.js";
import { InvestigationService } from "../../src/gen/ect/v1/investigation_service_pb.js";
import { MemberService } from "../../src/gen/ect/v1/member_service_pb.js";
import { TelemetryService } from "../../src/gen/ect/v1/telemetry_service_pb.js";
import { WorkflowService } from "../../src/gen/workflow/workflow_pb.js";
import { loadSession } from "./session.js";

/** The one transport of the app: gRPC-Web with the SDK's retries, breaker and correlation ids. */
export const transport = createEctTransport({
  baseUrl: window.location.origin,
  protocol: "grpc-web",
  token: () => loadSession()?.token,
});

function client<S extends DescService>(service: S): Client<S> {
  return createClient(service, transport);
}

/** Typed clients of every service the web client calls. */
export const api = {
  identity: client(IdentityService),
  cases: client(CaseService),
  form: client(FormService),
  icd10: client(Icd10Service),
  members: client(MemberService),
  investigations: client(InvestigationService),
  admin: client(AdminService),
  telemetry: client(TelemetryService),
  workflow: client(WorkflowService),
};
