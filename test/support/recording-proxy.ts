import net from "node:net";

/** A loopback TCP proxy in front of a server that keeps every byte of both directions, per connection. */
export interface RecordingProxy {
  /** http://127.0.0.1:<port> of the proxy. */
  readonly url: string;
  /** Everything the server sent to clients, connection by connection (latin1, byte for byte). */
  responses(): string[];
  /** Everything clients sent to the server, connection by connection (latin1, byte for byte). */
  requests(): string[];
  close(): Promise<void>;
}

/**
 * Starts a proxy that forwards each connection to `target` (host:port on 127.0.0.1) unchanged, so tests
 * can scan the wire of every protocol (HTTP/2 gRPC, HTTP/1.1 gRPC-Web, Connect, REST) at once.
 */
export async function startRecordingProxy(target: URL): Promise<RecordingProxy> {
  const down: Buffer[][] = [];
  const up: Buffer[][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const fromServer: Buffer[] = [];
    const fromClient: Buffer[] = [];
    down.push(fromServer);
    up.push(fromClient);
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk: Buffer) => fromClient.push(chunk));
    upstream.on("data", (chunk: Buffer) => fromServer.push(chunk));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  const text = (connections: Buffer[][]) =>
    connections.map((chunks) => Buffer.concat(chunks).toString("latin1"));
  return {
    url: `http://127.0.0.1:${port}`,
    responses: () => text(down),
    requests: () => text(up),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
