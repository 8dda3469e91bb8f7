import { Code, ConnectError } from "@connectrpc/connect";

// SQLSTATEs worth another try: the next attempt may land on a healthy connection or win the race.
const transientSqlStates = new Set(["40001", "40P01", "57P01", "57P02", "57P03", "53300"]);

// Node socket errors that mean the connection, not the statement, failed.
const transientNodeCodes = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT"]);

/**
 * Whether a failure is transient (connection lost, server restarting, serialization failure,
 * deadlock, UNAVAILABLE) and so worth retrying and counting against the circuit. Bad input
 * (SQLSTATE 22xxx/23xxx, INVALID_ARGUMENT) and everything unknown are not.
 */
export function isTransientError(error: unknown): boolean {
  return check(error, 0);
}

function check(error: unknown, depth: number): boolean {
  if (depth > 4 || error === null || typeof error !== "object") return false;
  if (error instanceof ConnectError) return error.code === Code.Unavailable;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === "string") {
    if (code.length === 5 && (code.startsWith("08") || transientSqlStates.has(code))) return true;
    if (transientNodeCodes.has(code)) return true;
  }
  // pg's wording for a lost connection, and for a pool that could not connect in time.
  if (
    typeof message === "string" &&
    /^(Connection terminated|timeout exceeded when trying to connect)/.test(message)
  )
    return true;
  // Node reports a refused dual-stack connect as an AggregateError of per-address errors.
  if (Array.isArray(errors) && errors.some((inner) => check(inner, depth + 1))) return true;
  return cause !== undefined && check(cause, depth + 1);
}
