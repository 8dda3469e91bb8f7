import type http2 from "node:http2";

/** How long a closing session may take to flush its GOAWAY before it is destroyed. */
const CLOSE_GRACE_MS = 1000;

/**
 * Closes an HTTP/2 session once it has had no open stream for `idleMs`: a client that sent its
 * preface and nothing since, or one that keeps a session only to ping it. Unlike Node's
 * `session.setTimeout`, frames on an empty session (PING, SETTINGS) do not keep it open; an open
 * stream, however long it runs, always does.
 */
export function closeWhenIdle(session: http2.ServerHttp2Session, idleMs: number): void {
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(() => {
      session.close();
      setTimeout(() => session.destroy(), CLOSE_GRACE_MS).unref();
    }, idleMs);
    timer.unref();
  };
  session.on("stream", (stream) => {
    open++;
    clearTimeout(timer);
    stream.once("close", () => {
      if (--open === 0 && !session.closed && !session.destroyed) arm();
    });
  });
  session.once("close", () => clearTimeout(timer));
  arm();
}
