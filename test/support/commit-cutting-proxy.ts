import { connect, createServer, type Server, type Socket } from "node:net";

/** A loopback TCP proxy in front of PostgreSQL that can lose the answer to a COMMIT. */
export interface CommitCuttingProxy {
  /** The PostgreSQL URL to connect through the proxy (same user, password and database). */
  url: string;
  /**
   * The next COMMIT any connection sends reaches PostgreSQL (which commits), but the connection is cut
   * as its answer comes back: the client sees the connection lost with its commit's outcome unknown,
   * as when a network fails at the worst moment. Resolves when that cut happened.
   */
  cutNextCommit(): Promise<void>;
  /** Connections cut so far. */
  readonly cuts: number;
  close(): Promise<void>;
}

/** A simple-query message (pg sends COMMIT this way): 'Q', int32 length 4 + 7, "COMMIT\0". */
const COMMIT_MESSAGE = Buffer.concat([Buffer.from("Q"), Buffer.from([0, 0, 0, 11]), Buffer.from("COMMIT\0")]);

/** Starts the proxy on a free loopback port, forwarding to the server `targetUrl` names. */
export async function startCommitCuttingProxy(targetUrl: string): Promise<CommitCuttingProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let armed: (() => void) | undefined;
  let cuts = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    let cutOnAnswer: (() => void) | undefined;
    client.on("data", (chunk: Buffer) => {
      if (armed && chunk.includes(COMMIT_MESSAGE)) {
        cutOnAnswer = armed;
        armed = undefined;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!cutOnAnswer) {
        client.write(chunk);
        return;
      }
      // PostgreSQL has answered the COMMIT, so it committed; the client never hears it.
      const done = cutOnAnswer;
      cutOnAnswer = undefined;
      cuts++;
      client.destroy();
      upstream.destroy();
      done();
    });
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no port");
  const url = new URL(targetUrl);
  url.hostname = "127.0.0.1";
  url.port = String(address.port);
  return {
    url: url.toString(),
    cutNextCommit() {
      return new Promise<void>((resolve) => (armed = resolve));
    },
    get cuts() {
      return cuts;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
