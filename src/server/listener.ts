import http, { type IncomingMessage, type ServerResponse } from "node:http";
import http2, { type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import net from "node:net";
import type { Config } from "../config.js";
import type { ConnectionGuard } from "./connection-guard.js";
import { closeWhenIdle } from "./http2-idle.js";
import { resetStalledRequest } from "./http2-request-deadline.js";

/** A request handler for either HTTP version. */
export type AnyHandler = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
) => void;

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/** The connection timeouts (REQUIREMENTS §8), as `config.connections` holds them. */
export type ConnectionTimeouts = Pick<
  Config["connections"],
  "firstBytesTimeoutMs" | "headersTimeoutMs" | "keepAliveTimeoutMs" | "http2IdleTimeoutMs"
>;

/** Settings for {@link createDualListener}. */
export interface DualListenerOptions extends Partial<ConnectionTimeouts> {
  maxHeaderSize?: number;
  /** Caps connections per address and in all; without one every connection is admitted. */
  guard?: ConnectionGuard;
  /**
   * Streams one HTTP/2 session may have open at once (Node's default is effectively unlimited). ECT
   * passes its process-wide stream limit: one connection never holds more streams than the server would
   * serve, and the stream limiter, not the transport, decides who waits and who is turned away.
   */
  maxStreamsPerSession?: number;
}

/** One port, every protocol: the listener and the two HTTP servers behind it. */
export interface DualListener {
  server: net.Server;
  http1: http.Server;
  h2: http2.Http2Server;
  /**
   * Stops new requests, calls onDraining (which ends open-ended streams), waits up to graceMs for the
   * requests in flight to finish, then cuts every connection. Idle keep-alive connections close at once.
   */
  drain(graceMs: number, onDraining?: () => void): Promise<void>;
}

/**
 * Serves HTTP/1.1 and cleartext HTTP/2 (prior knowledge, as gRPC clients speak it) on one port by
 * sniffing the first bytes of each connection: Node's http2 server alone cannot also serve plain
 * HTTP/1.1 without TLS, and browsers and curl speak HTTP/1.1 there.
 *
 * Every stage has a deadline, so a client that opens connections and sends nothing (or too little)
 * cannot hold them: the bytes that tell the protocol within `firstBytesTimeoutMs` (a partial HTTP/2
 * preface included), each HTTP/1.1 request's headers within `headersTimeoutMs`, the next request on an
 * idle keep-alive connection within `keepAliveTimeoutMs`, and an HTTP/2 session with no open stream
 * closes after `http2IdleTimeoutMs`. On HTTP/2 a request body that stalls for `headersTimeoutMs`
 * before it ends is reset, and a session has at most `maxStreamsPerSession` streams open.
 * A request or stream in progress (still sending, or being answered) is never cut by them.
 */
export function createDualListener(handler: AnyHandler, options: DualListenerOptions = {}): DualListener {
  const {
    firstBytesTimeoutMs = 10_000,
    headersTimeoutMs = 30_000,
    keepAliveTimeoutMs = 65_000,
    http2IdleTimeoutMs = 300_000,
    guard,
    maxStreamsPerSession = 1000,
  } = options;
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const counted: AnyHandler = (req, res) => {
    inFlight++;
    res.once("close", () => {
      if (--inFlight === 0) idle?.();
    });
    handler(req, res);
  };
  const http1 = http.createServer(
    {
      maxHeaderSize: options.maxHeaderSize,
      keepAliveTimeout: keepAliveTimeoutMs,
      headersTimeout: headersTimeoutMs,
      // Node's default (5 min for the whole request), never shorter than the headers' deadline.
      requestTimeout: Math.max(300_000, headersTimeoutMs),
      // How often the header and request deadlines are checked: a fraction of the shortest one.
      connectionsCheckingInterval: Math.min(1000, Math.max(25, Math.floor(headersTimeoutMs / 4))),
    },
    counted,
  );
  // Node tracks connections, and enforces headersTimeout/requestTimeout on them, only from its
  // 'listening' event; this server never listens (sockets come from the sniffer below), so start the
  // tracking here. It also makes closeIdleConnections() work for the drain.
  http1.emit("listening");
  const h2 = http2.createServer(
    { maxSessionMemory: 64, settings: { maxConcurrentStreams: maxStreamsPerSession } },
    counted,
  );
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    closeWhenIdle(session, http2IdleTimeoutMs);
  });
  // A request body must keep coming: the HTTP/2 counterpart of HTTP/1.1's headers deadline.
  h2.on("stream", (stream) => resetStalledRequest(stream, headersTimeoutMs));
  // No Nagle delay: a stream's HEADERS and first DATA frame are separate small writes.
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.on("error", () => socket.destroy());
    if (guard && !guard.admit(socket)) return;
    sniffProtocol(socket, firstBytesTimeoutMs, (isH2) => (isH2 ? h2 : http1).emit("connection", socket));
  });
  return {
    server,
    http1,
    h2,
    async drain(graceMs, onDraining) {
      server.close();
      // GOAWAY tells HTTP/2 clients to open no new streams; a session closes once its streams finish.
      for (const session of sessions) session.close();
      http1.closeIdleConnections();
      onDraining?.();
      const deadline = Date.now() + graceMs;
      // Wait until every request has finished and every session has flushed its last frames and closed.
      while ((inFlight > 0 || sessions.size > 0) && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          idle = resolve;
          setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now()))).unref();
        });
        http1.closeIdleConnections();
      }
      http1.closeAllConnections();
      for (const session of sessions) session.destroy();
      // Connections still being sniffed, and anything else left: nothing may outlive the server.
      guard?.destroyAll();
      http1.close();
    },
  };
}

/**
 * Reads a connection's first bytes until they tell HTTP/2's preface from anything else (HTTP/1.1),
 * puts them back and calls `handOver`. A connection that has not told within `timeoutMs` is destroyed.
 */
function sniffProtocol(socket: net.Socket, timeoutMs: number, handOver: (isH2: boolean) => void): void {
  let head: Buffer = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  timer.unref();
  const stop = () => {
    clearTimeout(timer);
    socket.off("readable", onReadable);
    socket.off("end", onEnd);
  };
  const onEnd = () => {
    stop();
    socket.destroy();
  };
  const onReadable = () => {
    for (let chunk: Buffer | null = socket.read(); chunk !== null; chunk = socket.read()) {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    }
    const n = Math.min(head.length, PREFACE.length);
    const couldBeH2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
    // "P" could still become "POST"; wait until the preface is whole or has been contradicted.
    if (head.length === 0 || (couldBeH2 && head.length < PREFACE.length)) return;
    stop();
    socket.unshift(head);
    handOver(couldBeH2);
  };
  socket.on("readable", onReadable);
  socket.once("end", onEnd);
  socket.once("close", () => clearTimeout(timer));
}
