import { randomUUID } from "node:crypto";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import { knownError } from "../errors.js";

/**
 * Keeps error meaning across layers: a ConnectError passes unchanged (INVALID_ARGUMENT stays
 * INVALID_ARGUMENT for unary and streams alike), except connect-es's INTERNAL for a request it could
 * not parse, which is INVALID_ARGUMENT; database errors map to their meaning (knownError); anything
 * else becomes INTERNAL with an `error-id` the logs carry, and no internal text reaches the client.
 * The original stays on the INTERNAL error as its `cause` (never sent), so its span keeps its stack.
 */
export function errorsInterceptor(logger: Logger): Interceptor {
  const translate = (error: unknown, method: string): ConnectError => {
    const known = knownError(error);
    if (known) return known;
    const errorId = randomUUID();
    logger.error({ err: error, errorId, method }, "internal error");
    const internal = new ConnectError(
      `internal error (error id ${errorId})`,
      Code.Internal,
      undefined,
      undefined,
      error,
    );
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
