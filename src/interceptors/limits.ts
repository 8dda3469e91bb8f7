import type { DescMethod } from "@bufbuild/protobuf";
import type { Interceptor } from "@connectrpc/connect";
import { callerKey, remoteAddressKey } from "../auth/caller-context.js";
import { CaseService } from "../gen/ect/v1/case_service_pb.js";
import { NotificationService } from "../gen/ect/v1/notification_service_pb.js";
import type { StreamLease, StreamLimiter } from "../resilience/stream-limiter.js";
import { itemCount } from "../streams/item-count.js";

/**
 * Open-ended watches: their service caps them per user with idle and lifetime limits
 * (src/resilience/watch-limiter.ts, config.watches), so they take no stream slot here and idle watches
 * cannot starve other streams (REQUIREMENTS §9: they count apart from the stream slots of §2).
 */
const watches: ReadonlySet<string> = new Set(
  [CaseService.method.watchCases, NotificationService.method.watchNotifications].map(fullName),
);

function fullName(method: DescMethod): string {
  return `${method.parent.typeName}/${method.name}`;
}

/**
 * Stream limits per caller, watches excepted (see above): a concurrent-stream slot (waiting up to the
 * acquire timeout, then RESOURCE_EXHAUSTED with retry-after) and the item token bucket, which paces a
 * stream instead of dropping anything. The slot is released when the stream ends however it ends.
 */
export function limitsInterceptor(
  limiter: Pick<StreamLimiter, "acquire">,
  onFirstItem?: (ms: number) => void,
): Interceptor {
  return (next) => async (req) => {
    if (req.method.methodKind !== "server_streaming" || watches.has(fullName(req.method))) return next(req);
    const caller = req.contextValues.get(callerKey);
    const key = caller
      ? `user:${caller.username}`
      : `ip:${req.contextValues.get(remoteAddressKey) || "unknown"}`;
    const started = performance.now();
    const lease = await limiter.acquire(key, req.signal);
    try {
      const res = await next(req);
      if (!res.stream) {
        lease.release();
        return res;
      }
      return {
        ...res,
        message: paced(res.message, lease, req.signal, () => onFirstItem?.(performance.now() - started)),
      };
    } catch (error) {
      lease.release();
      throw error;
    }
  };
}

async function* paced<T>(
  source: AsyncIterable<T>,
  lease: StreamLease,
  signal: AbortSignal,
  firstItem: () => void,
): AsyncGenerator<T> {
  let first = true;
  try {
    for await (const message of source) {
      if (first) {
        first = false;
        firstItem();
      }
      // A batch response or a framed page weighs its items (as its stream declared), any other message 1.
      const weight = itemCount(message);
      // Await only when the bucket is short: a per-item await is the costliest part of a fast stream.
      if (weight > 0 && !lease.tryTakeItems(weight)) await lease.takeItems(weight, signal);
      yield message;
    }
  } finally {
    lease.release();
  }
}
