import http2 from "node:http2";

/**
 * A minimal gRPC client over node:http2 for the load driver. It splits length-prefixed frames and counts
 * items without decoding them, so the driver's own CPU stays small and every server is measured with the
 * same client.
 */

/** How a response message maps to items: one per frame, or the number of `repeated` field-1 entries. */
export type ItemCount = "frames" | "batch";

/** Where and what to call. */
export interface GrpcTarget {
  url: string;
  path: string;
  /** The serialised request message. */
  body: Uint8Array;
  authorization?: string;
  count: ItemCount;
}

/** What one call saw. */
export interface CallResult {
  items: number;
  bytes: number;
  ttfiMs: number;
  totalMs: number;
  status: string;
  message?: string;
}

/** Options of one streaming call. */
export interface CallOptions {
  /** Cancel after this many items. */
  stopAfter?: number;
  /** Cancel at this time (performance.now()). */
  deadline?: number;
  /** Read at most this many items per second (a slow consumer); the transport backs up behind it. */
  itemsPerSecond?: number;
}

/** Counts top-level field-1 entries (a `repeated` message) in one protobuf message. */
export function countRepeated(message: Buffer): number {
  let p = 0;
  let count = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = message[p++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (p < message.length) {
    const tag = varint();
    const wire = tag & 7;
    if (wire === 2) {
      const length = varint();
      p += length;
      if (tag >>> 3 === 1) count++;
    } else if (wire === 0) varint();
    else if (wire === 1) p += 8;
    else if (wire === 5) p += 4;
    else throw new Error(`unexpected wire type ${wire}`);
  }
  return count;
}

/** A gRPC frame around a message. */
export function frame(body: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + body.length);
  out.writeUInt32BE(body.length, 1);
  out.set(body, 5);
  return out;
}

/** Opens an HTTP/2 session and waits until it is connected (so TTFI excludes the TCP handshake). */
export async function openSession(url: string): Promise<http2.ClientHttp2Session> {
  const session = http2.connect(url);
  await new Promise<void>((resolve, reject) => {
    session.once("connect", () => resolve());
    session.once("error", reject);
  });
  session.on("error", () => {});
  return session;
}

/** Runs one gRPC call (unary or server streaming) on a session and counts what arrives. */
export function call(
  session: http2.ClientHttp2Session,
  target: GrpcTarget,
  options: CallOptions = {},
): Promise<CallResult> {
  const started = performance.now();
  const headers: http2.OutgoingHttpHeaders = {
    ":method": "POST",
    ":path": target.path,
    "content-type": "application/grpc",
    te: "trailers",
  };
  if (target.authorization) headers.authorization = target.authorization;
  const stream = session.request(headers);
  stream.end(frame(target.body));
  const result: CallResult = { items: 0, bytes: 0, ttfiMs: -1, totalMs: 0, status: "" };
  let pending: Buffer | undefined;
  let cancelled = false;
  const cancel = () => {
    if (cancelled) return;
    cancelled = true;
    result.status = result.status || "cancelled";
    stream.close(http2.constants.NGHTTP2_CANCEL);
  };
  const timer =
    options.deadline === undefined
      ? undefined
      : setTimeout(cancel, Math.max(0, options.deadline - performance.now()));
  const readStatus = (headers: http2.IncomingHttpHeaders) => {
    const status = headers["grpc-status"];
    if (status !== undefined) {
      result.status = String(status);
      result.message = headers["grpc-message"] as string | undefined;
    }
  };
  stream.on("response", readStatus);
  stream.on("trailers", readStatus);
  stream.on("data", (chunk: Buffer) => {
    if (cancelled) return;
    result.bytes += chunk.length;
    let buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
    let offset = 0;
    while (buffer.length - offset >= 5) {
      const length = buffer.readUInt32BE(offset + 1);
      if (buffer.length - offset < 5 + length) break;
      const items =
        target.count === "frames" ? 1 : countRepeated(buffer.subarray(offset + 5, offset + 5 + length));
      offset += 5 + length;
      if (result.items === 0 && items > 0) result.ttfiMs = performance.now() - started;
      result.items += items;
    }
    pending = offset < buffer.length ? buffer.subarray(offset) : undefined;
    buffer = Buffer.alloc(0);
    if (options.stopAfter !== undefined && result.items >= options.stopAfter) cancel();
    else if (options.itemsPerSecond) {
      // Hold the next read until the items already read would have been consumed at the given rate.
      const due = started + (result.items / options.itemsPerSecond) * 1000 - performance.now();
      if (due > 0) {
        stream.pause();
        setTimeout(() => stream.resume(), due).unref();
      }
    }
  });
  return new Promise((resolve) => {
    stream.on("close", () => {
      if (timer) clearTimeout(timer);
      result.totalMs = performance.now() - started;
      if (!result.status) result.status = `rst ${stream.rstCode}`;
      resolve(result);
    });
    stream.on("error", (error) => {
      result.status = result.status || "error";
      result.message = error.message;
    });
  });
}
