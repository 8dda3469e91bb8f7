import { Code, ConnectError } from "@connectrpc/connect";

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
 * Whether an error is connect-es's report of a request message it could not parse: it raises
 * INTERNAL "parse binary: <parser text>", as if the server were at fault.
 */
export function isUndecodableMessageError(error: unknown): error is ConnectError {
  return (
    error instanceof ConnectError &&
    error.code === Code.Internal &&
    error.rawMessage.startsWith("parse binary:")
  );
}
