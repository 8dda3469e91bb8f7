import http2 from "node:http2";

/**
 * Resets (RST_STREAM CANCEL) an HTTP/2 stream whose request body stalls: until the client has ended
 * the request, `idleMs` without a frame in either direction closes it. Without this, an open stream
 * keeps its session out of the idle timeout, and a client that sends HEADERS without END_STREAM
 * holds a stream (and a handler waiting for the body, before any authentication) forever.
 *
 * The stream's own timer is used, so its data is not consumed here: a handler reading the body sees
 * every byte. A request that ended with its headers gets no timer, and the timer stops once the
 * request ends, so a quiet server stream (a watch) lives as long as its response. A slow upload that
 * keeps sending lives; so does one whose bytes the server has not read yet while it is still
 * answering: that wait is the server's, not the client's.
 */
export function resetStalledRequest(stream: http2.ServerHttp2Stream, idleMs: number): void {
  if (stream.endAfterHeaders) return;
  const disarm = () => {
    stream.setTimeout(0);
    stream.off("timeout", onTimeout);
  };
  // Frames refresh the stream's timer; the server reading what it had buffered does not, so the
  // unread byte count at the last check tells whether the server moved since.
  let unreadAtLastCheck = 0;
  const onTimeout = () => {
    if (stream.destroyed || stream.closed) return;
    if (stream.state.remoteClose) return disarm();
    const unread = stream.readableLength;
    // Bytes the server has not read yet while it still answers: the client may be blocked by flow
    // control, waiting on us. And once the server reads them, the client gets a whole period to go on.
    // Re-armed by hand, since Node's stream timer fires once and then waits for the next frame.
    if ((unread > 0 && !stream.writableEnded) || unread !== unreadAtLastCheck) {
      unreadAtLastCheck = unread;
      stream.setTimeout(idleMs);
      return;
    }
    disarm();
    stream.close(http2.constants.NGHTTP2_CANCEL);
  };
  // 'on', not setTimeout's callback (a 'once'): after a server-side wait the timer fires again.
  stream.on("timeout", onTimeout);
  stream.setTimeout(idleMs);
  stream.once("end", disarm);
  stream.once("close", disarm);
}
