import { randomUUID } from "node:crypto";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import { isUndecodableMessageError, undecodableMessage } from "../errors.js";
import { isTransientError } from "../resilience/transient-errors.js";

/** SQLSTATEs that mean the request itself was bad, reported without internal detail. */
const BAD_INPUT = /^(22|23502|23514)/;

/**
 * Keeps error meaning across layers: a ConnectError passes unchanged (INVALID_ARGUMENT stays
 * INVALID_ARGUMENT for unary and streams alike), except connect-es's INTERNAL for a request it could
 * not parse, which is INVALID_ARGUMENT; database errors map to their meaning; anything else
 * becomes INTERNAL with an `error-id` the logs carry, and no internal text reaches the client.
 */
export function errorsInterceptor(logger: Logger): Interceptor {
  const translate = (error: unknown, method: string): ConnectError => {
    // A server stream's request is parsed inside the chain: malformed protobuf is bad input.
    if (isUndecodableMessageError(error)) return undecodableMessage();
    if (error instanceof ConnectError) return error;
    const code = (error as { code?: unknown }).code;
    const sqlState = typeof code === "string" ? code : "";
    if ((error as Error)?.name === "AbortError")
      return new ConnectError("the call was cancelled", Code.Canceled);
    // query_canceled that no caller asked for: the server's statement_timeout fired.
    if (sqlState === "57014")
      return new ConnectError("a database statement timed out", Code.DeadlineExceeded);
    if (sqlState === "23505") return new ConnectError("the record exists already", Code.AlreadyExists);
    if (sqlState === "23503")
      return new ConnectError("a referenced record does not exist", Code.FailedPrecondition);
    if (sqlState === "40001" || sqlState === "40P01") {
      return new ConnectError("a concurrent change conflicted; retry", Code.Aborted);
    }
    if (BAD_INPUT.test(sqlState))
      return new ConnectError("a value in the request is invalid", Code.InvalidArgument);
    if (isTransientError(error)) return new ConnectError("the database is unavailable", Code.Unavailable);
    const errorId = randomUUID();
    logger.error({ err: error, errorId, method }, "internal error");
    const internal = new ConnectError(`internal error (error id ${errorId})`, Code.Internal);
    internal.metadata.set("error-id", errorId);
    return internal;
  };
  return (next) => async (req) => {
    const method = `${req.service.typeName}/${req.method.name}`;
    try {
      const res = await next(req);
      if (!res.stream) return res;
      return { ...res, message: translateStream(res.message, (error) => translate(error, method)) };
    } catch (error) {
      throw translate(error, method);
    }
  };
}

async function* translateStream<T>(source: AsyncIterable<T>, translate: (error: unknown) => ConnectError) {
  try {
    yield* source;
  } catch (error) {
    throw translate(error);
  }
}
