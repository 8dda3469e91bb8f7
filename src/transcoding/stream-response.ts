import type { JsonValue, Message, Registry } from "@bufbuild/protobuf";
import type { StreamResponse } from "@connectrpc/connect";
import { copyCallHeaders, type RestResponse, writeError } from "./http-io.js";
import { errorStatusJson } from "./status-mapping.js";
import { CoalescingWriter, type StreamFormat } from "./stream-writers.js";

/** What serving one server stream over HTTP needs. */
export interface StreamServeOptions {
  readonly format: StreamFormat;
  /** Messages already delivered (Last-Event-ID); they are read and skipped, ids keep counting. */
  readonly skip: number;
  readonly heartbeatMs: number;
  /** How long to hold the headers back waiting for the first message (see serveStream). */
  readonly firstMessageWaitMs: number;
  readonly signal: AbortSignal;
  readonly registry: Registry;
  readonly toJson: (message: Message) => JsonValue;
}

/** The call once it has produced its first message (or ended, or failed). */
interface StartedStream {
  readonly response: StreamResponse;
  readonly iterator: AsyncIterator<Message>;
  readonly first: IteratorResult<Message>;
}

async function startStream(call: Promise<StreamResponse>): Promise<StartedStream> {
  const response = await call;
  const iterator = response.message[Symbol.asyncIterator]();
  return { response, iterator, first: await iterator.next() };
}

/**
 * Writes a server stream as NDJSON or SSE. The headers wait (briefly) for the call's first message,
 * so a failure raised before it (auth, validation, NOT_FOUND) still gets its real HTTP status; a
 * watch that stays silent still gets its headers and heartbeats promptly. Later failures are in-band.
 */
export async function serveStream(
  res: RestResponse,
  call: Promise<StreamResponse>,
  opts: StreamServeOptions,
): Promise<void> {
  const starting = startStream(call);
  let started: StartedStream | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    started = await Promise.race([
      starting,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), opts.firstMessageWaitMs);
      }),
    ]);
  } catch (e) {
    if (!opts.signal.aborted) writeError(res, e, opts.registry);
    return;
  } finally {
    clearTimeout(timer);
  }
  if (started) copyCallHeaders(res, started.response.header);
  res.statusCode = 200;
  res.setHeader("content-type", opts.format.contentType);
  for (const [name, value] of Object.entries(opts.format.headers ?? {})) res.setHeader(name, value);
  res.setHeader("cache-control", "no-cache");
  // Reverse proxies (nginx) otherwise hold events back until their buffer fills.
  res.setHeader("x-accel-buffering", "no");
  res.flushHeaders?.();

  const writer = new CoalescingWriter(res);
  if (opts.format.preamble) writer.push(opts.format.preamble);
  const heartbeat = opts.format.heartbeat;
  const heartbeatTimer =
    heartbeat && opts.heartbeatMs > 0
      ? setInterval(() => {
          writer.push(heartbeat);
          writer.flush();
        }, opts.heartbeatMs)
      : undefined;
  heartbeatTimer?.unref();
  let n = 0;
  let iterator: AsyncIterator<Message> | undefined;
  try {
    started ??= await starting;
    iterator = started.iterator;
    for (let item = started.first; !item.done; item = await iterator.next()) {
      n++;
      if (n <= opts.skip) continue;
      const pending = writer.push(opts.format.message(opts.toJson(item.value), n));
      if (pending) await pending;
      if (opts.signal.aborted) break;
    }
  } catch (e) {
    if (!opts.signal.aborted) writer.push(opts.format.error(errorStatusJson(e, opts.registry)));
  } finally {
    clearInterval(heartbeatTimer);
    if (opts.signal.aborted) {
      writer.discard();
      // Ends the call's iterator so the handler's finally blocks run even when we broke out early.
      void iterator?.return?.().catch(() => {});
    } else {
      writer.flush();
      res.end();
    }
  }
}
