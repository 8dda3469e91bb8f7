import { connect, createServer, type Server, type Socket } from "node:net";

/** A loopback TCP balancer in front of several ECT instances, as a load balancer would be. */
export interface RoundRobinBalancer {
  url: string;
  /** The backend index (into the ports given) each accepted connection was sent to, in order. */
  readonly connections: number[];
  close(): Promise<void>;
}

/**
 * Sends each new connection to the next backend in turn, skipping a backend that refuses the
 * connection (a dead instance), as a TCP load balancer with connect-failure retry does. HTTP/2
 * clients keep one connection, so a client stays on one instance until that connection is lost.
 */
export async function startRoundRobinBalancer(
  ports: readonly number[],
  first = 0,
): Promise<RoundRobinBalancer> {
  const connections: number[] = [];
  const sockets = new Set<Socket>();
  let next = first;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  };
  const server: Server = createServer((client) => {
    track(client);
    client.pause();
    const start = next;
    next = (next + 1) % ports.length;
    const attempt = (tried: number) => {
      if (tried === ports.length) {
        client.destroy();
        return;
      }
      const index = (start + tried) % ports.length;
      const upstream = connect(ports[index], "127.0.0.1");
      track(upstream);
      // Refused before connecting: that instance is down, try the next one.
      const refused = () => attempt(tried + 1);
      upstream.once("error", refused);
      upstream.once("connect", () => {
        upstream.off("error", refused);
        upstream.on("error", () => client.destroy());
        client.on("error", () => upstream.destroy());
        connections.push(index);
        client.pipe(upstream);
        upstream.pipe(client);
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
        client.resume();
      });
    };
    attempt(0);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
