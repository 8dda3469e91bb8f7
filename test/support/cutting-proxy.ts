import { connect, createServer, type Server, type Socket } from "node:net";

/** A loopback TCP proxy that cuts the first event-stream response short, to make a browser reconnect. */
export interface CuttingProxy {
  url: string;
  /** The raw request head of every event-stream request that passed through, in order. */
  eventStreamRequests: string[];
  close(): Promise<void>;
}

const EVENT_STREAM = /^accept:.*text\/event-stream/im;

/**
 * Forwards every connection to `target`; the first response to a request that accepts
 * text/event-stream is cut off (both sockets closed) after `cutAfterBytes` of it.
 */
export async function startCuttingProxy(target: string, cutAfterBytes: number): Promise<CuttingProxy> {
  const upstreamUrl = new URL(target);
  const eventStreamRequests: string[] = [];
  const sockets = new Set<Socket>();
  let cutDone = false;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(upstreamUrl.port), upstreamUrl.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    let cutting = false;
    let sent = 0;
    client.on("data", (chunk: Buffer) => {
      const head = chunk.toString("latin1");
      if (EVENT_STREAM.test(head)) {
        eventStreamRequests.push(head.slice(0, head.indexOf("\r\n\r\n")));
        if (!cutDone) {
          cutDone = true;
          cutting = true;
        }
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!cutting) {
        client.write(chunk);
        return;
      }
      const room = cutAfterBytes - sent;
      sent += chunk.length;
      if (room > chunk.length) {
        client.write(chunk);
        return;
      }
      // Mid-response: the browser sees the connection drop, as on a flaky network.
      client.end(chunk.subarray(0, Math.max(room, 0)));
      upstream.destroy();
    });
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    eventStreamRequests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
