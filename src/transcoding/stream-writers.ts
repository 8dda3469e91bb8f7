import type { JsonValue } from "@bufbuild/protobuf";
import type { StatusJson } from "./status-mapping.js";

/** The part of an HTTP/1.1 or HTTP/2 response a stream writer needs. */
export interface WritableResponse {
  write(chunk: string): boolean;
  once(event: "drain" | "close", listener: () => void): unknown;
  removeListener(event: "drain" | "close", listener: () => void): unknown;
  readonly destroyed: boolean;
}

/** Flush once this much text is buffered, even if the source is still producing synchronously. */
export const flushThresholdBytes = 16 * 1024;

/**
 * Coalesces many small writes into few `res.write` calls. Text is buffered and flushed when it
 * reaches ~16 KiB or when the event loop gets to the check phase, i.e. once the source has run out of
 * ready items and awaits real I/O. `push` returns a promise only when the socket has pushed back, so
 * the caller awaits nothing per item while the client keeps up.
 */
export class CoalescingWriter {
  private chunks: string[] = [];
  private size = 0;
  private immediate: NodeJS.Immediate | undefined;
  private drained: Promise<void> | undefined;

  constructor(private readonly res: WritableResponse) {}

  /** Buffers text; returns a promise to await only when the client is not keeping up. */
  push(text: string): Promise<void> | undefined {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size >= flushThresholdBytes) this.flush();
    else this.immediate ??= setImmediate(() => this.flush());
    return this.drained;
  }

  /** Writes everything buffered now (also used before a heartbeat or the end). */
  flush(): void {
    if (this.immediate) {
      clearImmediate(this.immediate);
      this.immediate = undefined;
    }
    if (this.size === 0 || this.res.destroyed) return;
    const text = this.chunks.length === 1 ? this.chunks[0] : this.chunks.join("");
    this.chunks = [];
    this.size = 0;
    if (!this.res.write(text) && !this.drained) {
      this.drained = new Promise((resolve) => {
        const done = () => {
          this.res.removeListener("drain", done);
          this.res.removeListener("close", done);
          this.drained = undefined;
          resolve();
        };
        this.res.once("drain", done);
        // A client that disconnects never drains; the call's signal ends the stream in that case.
        this.res.once("close", done);
      });
    }
  }

  /** Drops pending work, e.g. after the client disconnected. */
  discard(): void {
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    this.chunks = [];
    this.size = 0;
  }
}

/** Formats a server stream as NDJSON, Server-Sent Events or CSV (csv-writer.ts). */
export interface StreamFormat {
  readonly contentType: string;
  /** Response headers the format adds (CSV: its Content-Disposition). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Text written before the first message, even when there is none (CSV: the header row). */
  readonly preamble?: string;
  /** Text for message number `id` (1-based, counted from the start of the stream). */
  message(json: JsonValue, id: number): string;
  /** Text reporting a failure after the stream started. */
  error(status: StatusJson): string;
  /** A keep-alive that clients ignore, or undefined when the format has none. */
  readonly heartbeat: string | undefined;
}

/** One JSON message per line; a failure is a last line `{"error": {...}}`, as ECTSystem clients read it. */
export const ndjsonFormat: StreamFormat = {
  contentType: "application/x-ndjson; charset=utf-8",
  message: (json) => `${JSON.stringify(json)}\n`,
  error: (status) => `${JSON.stringify({ error: status })}\n`,
  heartbeat: undefined,
};

/** Server-Sent Events: `id:` and `data:` per message, `event: error` on failure, comment heartbeats. */
export const sseFormat: StreamFormat = {
  contentType: "text/event-stream; charset=utf-8",
  // JSON.stringify never emits raw newlines, so one data line always holds one message.
  message: (json, id) => `id: ${id}\ndata: ${JSON.stringify(json)}\n\n`,
  error: (status) => `event: error\ndata: ${JSON.stringify(status)}\n\n`,
  heartbeat: ": heartbeat\n\n",
};
