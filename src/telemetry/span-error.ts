import { fileURLToPath } from "node:url";
import { Code, ConnectError } from "@connectrpc/connect";
import { type Attributes, type Span, SpanStatusCode } from "@opentelemetry/api";
import { knownError } from "../errors.js";
import { rpcOutcome } from "./rpc-outcome.js";

/** The repository root, "/…/ect/": paths under it are written relative to it. */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** An absolute path not inside a URL or another path (what follows "file://" is handled first). */
const ABSOLUTE_PATH = /(?<![\w/:.~-])\/[^\s()'"`,]+/g;

/**
 * Records a failure on a span as its "exception" event. A bug (INTERNAL, UNKNOWN, or an error that
 * will become INTERNAL) keeps its type, message and stack, with every file path made relative to the
 * repository; any other code (NOT_FOUND, INVALID_ARGUMENT, PERMISSION_DENIED, UNAVAILABLE, …) keeps
 * only its code and the message the client gets: a refused request needs no stack, and a database
 * error's own words stay out. The span's status turns ERROR only when the server is at fault.
 */
export function recordSpanError(span: Span, error: unknown): void {
  const meaning = knownError(error);
  const outcome = rpcOutcome(meaning ?? error);
  const connectError = outcome.error ?? ConnectError.from(error);
  const bug =
    meaning === undefined || connectError.code === Code.Internal || connectError.code === Code.Unknown;
  if (bug) {
    // The errors interceptor keeps what really failed as the cause of the INTERNAL it sends.
    const source = error instanceof ConnectError && error.cause instanceof Error ? error.cause : error;
    span.addEvent("exception", faultAttributes(source));
  } else {
    span.addEvent("exception", {
      "exception.type": outcome.name,
      "exception.message": connectError.rawMessage,
    });
  }
  if (outcome.serverFault || bug) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: withoutAbsolutePaths(connectError.rawMessage) });
  }
}

function faultAttributes(source: unknown): Attributes {
  if (!(source instanceof Error)) {
    return { "exception.type": typeof source, "exception.message": withoutAbsolutePaths(String(source)) };
  }
  const code = (source as { code?: unknown }).code;
  return {
    "exception.type": typeof code === "string" || typeof code === "number" ? String(code) : source.name,
    "exception.message": withoutAbsolutePaths(source.message),
    "exception.stacktrace": withoutAbsolutePaths(source.stack ?? ""),
  };
}

/**
 * The text with every absolute file path shortened: inside the repository to its relative path
 * ("src/db/pg-db.ts:77:13", "node_modules/pg/lib/client.js:5:1"), elsewhere to its last segment.
 */
export function withoutAbsolutePaths(text: string): string {
  return text
    .replaceAll(`file://${ROOT}`, "")
    .replaceAll(ROOT, "")
    .replaceAll("file:///", "/")
    .replace(ABSOLUTE_PATH, (path) => {
      const modules = path.lastIndexOf("/node_modules/");
      if (modules >= 0) return path.slice(modules + 1);
      return `…/${path.slice(path.lastIndexOf("/") + 1)}`;
    });
}
