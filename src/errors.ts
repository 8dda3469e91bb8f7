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

/** SQLSTATEs that mean the request itself was bad, reported without internal detail. */
const BAD_INPUT = /^(22|23502|23514)/;

/**
 * What a failure means to the client, when that is known: a ConnectError as it is (connect-es's
 * undecodable-request INTERNAL as INVALID_ARGUMENT), a cancelled call, a database error by its
 * SQLSTATE, a transient outage. Undefined for anything unexpected: that is a server fault (INTERNAL).
 */
export function knownError(error: unknown): ConnectError | undefined {
  if (isUndecodableMessageError(error)) return undecodableMessage();
  if (error instanceof ConnectError) return error;
  const code = (error as { code?: unknown })?.code;
  const sqlState = typeof code === "string" ? code : "";
  if ((error as Error)?.name === "AbortError")
    return new ConnectError("the call was cancelled", Code.Canceled);
  // query_canceled that no caller asked for: the server's statement_timeout fired.
  if (sqlState === "57014") return new ConnectError("a database statement timed out", Code.DeadlineExceeded);
  if (sqlState === "23505") return alreadyExists("the record exists already");
  if (sqlState === "23503") return failedPrecondition("a referenced record does not exist");
  if (sqlState === "40001" || sqlState === "40P01") return aborted("a concurrent change conflicted; retry");
  if (BAD_INPUT.test(sqlState))
    return new ConnectError("a value in the request is invalid", Code.InvalidArgument);
  if (isTransientError(error)) return new ConnectError("the database is unavailable", Code.Unavailable);
  return undefined;
}
