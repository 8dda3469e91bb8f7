import http, { type IncomingMessage, type ServerResponse } from "node:http";
import http2, { type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import net from "node:net";

/** A request handler for either HTTP version. */
export type AnyHandler = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
) => void;

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

/** One port, every protocol: the listener and the two HTTP servers behind it. */
export interface DualListener {
  server: net.Server;
  http1: http.Server;
  h2: http2.Http2Server;
  /**
   * Stops new requests, calls onDraining (which ends open-ended streams), waits up to graceMs for the
   * requests in flight to finish, then cuts every connection.
   */
  drain(graceMs: number, onDraining?: () => void): Promise<void>;
}

/**
 * Serves HTTP/1.1 and cleartext HTTP/2 (prior knowledge, as gRPC clients speak it) on one port by
 * sniffing the first bytes of each connection: Node's http2 server alone cannot also serve plain
 * HTTP/1.1 without TLS, and browsers and curl speak HTTP/1.1 there.
 */
export function createDualListener(
  handler: AnyHandler,
  options: { maxHeaderSize?: number } = {},
): DualListener {
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
    { maxHeaderSize: options.maxHeaderSize, keepAliveTimeout: 65_000 },
    counted,
  );
  const h2 = http2.createServer({ maxSessionMemory: 64 }, counted);
  // No Nagle delay: a stream's HEADERS and first DATA frame are separate small writes.
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.once("readable", () => {
      const head: Buffer | null =
        socket.read(Math.min(PREFACE.length, socket.readableLength)) ?? socket.read();
      if (!head) {
        socket.once("readable", () => socket.destroy());
        return;
      }
      socket.unshift(head);
      const isH2 =
        head.length >= 3 &&
        head
          .subarray(0, Math.min(head.length, PREFACE.length))
          .equals(PREFACE.subarray(0, Math.min(head.length, PREFACE.length)));
      (isH2 ? h2 : http1).emit("connection", socket);
    });
    socket.on("error", () => socket.destroy());
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
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
    },
  };
}
