import { Code, ConnectError } from "@connectrpc/connect";
import { isTransientError } from "./resilience/transient-errors.js";

/** A named resource was not found (or lies outside the caller's units). */
export function notFound(kind: string, id: string | number): ConnectError {
  return new ConnectError(`${kind} ${id} not found`, Code.NotFound);
}

/** A request field is missing or out of range; the message names the field. */
export function invalidArgument(field: string, problem: string): ConnectError {
  return new ConnectError(`${field}: ${problem}`, Code.InvalidArgument);
}

/** The case or record is not in a state that allows the operation. */
export function failedPrecondition(message: string): ConnectError {
  return new ConnectError(message, Code.FailedPrecondition);
}

/** The caller is signed in but lacks the permission the operation needs. */
export function permissionDenied(message: string): ConnectError {
  return new ConnectError(message, Code.PermissionDenied);
}

/** No valid bearer token came with a call that needs one. */
export function unauthenticated(message: string): ConnectError {
  return new ConnectError(message, Code.Unauthenticated);
}

/** The record exists already (e.g. a duplicate key). */
export function alreadyExists(message: string): ConnectError {
  return new ConnectError(message, Code.AlreadyExists);
}

/** A concurrent change won the race; the client may re-read and retry. */
export function aborted(message: string): ConnectError {
  return new ConnectError(message, Code.Aborted);
}

/** Metadata key telling the client how many seconds to wait before trying again. */
export const retryAfterKey = "retry-after";

/** A limit was hit; `retry-after` (whole seconds, at least 1) says when trying again makes sense. */
export function resourceExhausted(message: string, retryAfterMs: number): ConnectError {
  return new ConnectError(message, Code.ResourceExhausted, {
    [retryAfterKey]: String(retryAfterSeconds(retryAfterMs)),
  });
}

/** A dependency cannot serve now; the original failure is kept as the cause for logs, not leaked. */
export function unavailable(message: string, cause?: unknown, retryAfterMs?: number): ConnectError {
  const metadata =
    retryAfterMs === undefined ? undefined : { [retryAfterKey]: String(retryAfterSeconds(retryAfterMs)) };
  return new ConnectError(message, Code.Unavailable, metadata, undefined, cause);
}

/** The operation ran out of time. */
export function deadlineExceeded(message: string, cause?: unknown): ConnectError {
  return new ConnectError(message, Code.DeadlineExceeded, undefined, undefined, cause);
}

/** The caller went away; whatever was running was stopped on its behalf. */
export function cancelled(cause?: unknown): ConnectError {
  if (cause instanceof ConnectError && cause.code === Code.Canceled) return cause;
  return new ConnectError("operation cancelled", Code.Canceled, undefined, undefined, cause);
}

/** Milliseconds rounded up to the whole seconds `retry-after` carries (HTTP allows only integers). */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The request message is not valid protobuf: bad input, reported without the parser's words. */
export function undecodableMessage(): ConnectError {
  return new ConnectError("the request message could not be decoded", Code.InvalidArgument);
}

/**
 * Whether an error is connect-es's report of a request message it could not read: it raises INTERNAL
 * "parse binary: <parser text>", or "received compressed envelope, but do not know how to decompress"
 * for a message flagged compressed without a grpc-encoding, as if the server were at fault.
 */
export function isUndecodableMessageError(error: unknown): error is ConnectError {
  return (
    error instanceof ConnectError &&
    error.code === Code.Internal &&
    (error.rawMessage.startsWith("parse binary:") ||
      error.rawMessage.startsWith("received compressed envelope"))
  );
}

/** What a database error means to the client: the code and a message without internal detail. */
export interface DatabaseErrorMeaning {
  readonly code: Code;
  readonly message: string;
}

/**
 * Database errors by SQLSTATE, or by SQLSTATE class (its first two characters) when the exact code is
 * not listed. A SQLSTATE found in neither is a server fault (INTERNAL).
 */
export const DATABASE_ERRORS: Readonly<Record<string, DatabaseErrorMeaning>> = {
  // query_canceled that no caller asked for: the server's statement_timeout fired.
  "57014": { code: Code.DeadlineExceeded, message: "a database statement timed out" },
  "23505": { code: Code.AlreadyExists, message: "the record exists already" },
  "23503": { code: Code.FailedPrecondition, message: "a referenced record does not exist" },
  "40001": { code: Code.Aborted, message: "a concurrent change conflicted; retry" },
  "40P01": { code: Code.Aborted, message: "a concurrent change conflicted; retry" },
  // The request itself was bad: a data exception (class 22), a NOT NULL or a CHECK violation.
  "22": { code: Code.InvalidArgument, message: "a value in the request is invalid" },
  "23502": { code: Code.InvalidArgument, message: "a value in the request is invalid" },
  "23514": { code: Code.InvalidArgument, message: "a value in the request is invalid" },
};

/** The row of DATABASE_ERRORS for a SQLSTATE: its own, else its class's. */
export function databaseErrorMeaning(sqlState: string): DatabaseErrorMeaning | undefined {
  const row = (key: string) => (Object.hasOwn(DATABASE_ERRORS, key) ? DATABASE_ERRORS[key] : undefined);
  return row(sqlState) ?? (sqlState.length === 5 ? row(sqlState.slice(0, 2)) : undefined);
}

/** The SQLSTATE a database driver put on an error (pg and PGlite both use `code`), if any. */
export function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * What a failure means to the client, when that is known: a ConnectError as it is (connect-es's
 * undecodable-request INTERNAL as INVALID_ARGUMENT), a cancelled call, a database error by its
 * SQLSTATE (DATABASE_ERRORS), a transient outage. Undefined for anything unexpected: that is a server
 * fault (INTERNAL).
 */
export function knownError(error: unknown): ConnectError | undefined {
  if (isUndecodableMessageError(error)) return undecodableMessage();
  if (error instanceof ConnectError) return error;
  if ((error as Error | null | undefined)?.name === "AbortError")
    return new ConnectError("the call was cancelled", Code.Canceled);
  const sqlState = sqlStateOf(error);
  const meaning = sqlState === undefined ? undefined : databaseErrorMeaning(sqlState);
  if (meaning) return new ConnectError(meaning.message, meaning.code);
  if (isTransientError(error)) return new ConnectError("the database is unavailable", Code.Unavailable);
  return undefined;
}
