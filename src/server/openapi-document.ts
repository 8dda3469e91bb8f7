import { readFileSync } from "node:fs";
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { buildOpenApiDocument, type OpenApiDocument } from "../transcoding/openapi.js";
import { commentsFromDescriptorSet } from "../transcoding/openapi-comments.js";
import { API_SERVICES } from "./services.js";

// `npm run generate` writes this descriptor set with source info, so proto comments become descriptions.
const descriptorsFile = new URL("../gen/descriptors.binpb", import.meta.url);

let cached: OpenApiDocument | undefined;

/** The OpenAPI 3.1 document of both services, built once from the descriptors. */
export function openApiDocument(): OpenApiDocument {
  cached ??= buildOpenApiDocument(API_SERVICES, {
    info: {
      title: "ECT — Electronic Case Tracking API",
      version: "1.0.0",
      description:
        "Line of Duty case tracking for the Air Force Reserve: the ect.v1 case API and the wire-compatible " +
        "workflow.WorkflowService. Every route is transcoded from the gRPC contract; streams answer as NDJSON, " +
        "or as Server-Sent Events with `Accept: text/event-stream` (resume with `Last-Event-ID` or `?lastEventId=`; " +
        "a browser EventSource, which cannot send headers, may pass its bearer token as `?access_token=` on " +
        "those GET stream requests only).",
    },
    comments: commentsFromDescriptorSet(fromBinary(FileDescriptorSetSchema, readFileSync(descriptorsFile))),
  });
  return cached;
}
