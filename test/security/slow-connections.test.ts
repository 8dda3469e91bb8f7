import assert from "node:assert/strict";
import http2 from "node:http2";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { CaseService } from "../../src/gen/ect/v1/case_service_pb.js";
import { MemberService } from "../../src/gen/ect/v1/member_service_pb.js";
import { collect, grpcClient, signIn } from "../support/clients.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
/** Generous bound on any wait below: the timeouts are a few hundred ms; a loaded machine may lag. */
const BOUND_MS = 15_000;

/** A raw TCP connection to the server, with everything it received and when it closed. */
interface RawConnection {
  socket: net.Socket;
  received(): string;
  /** Resolves with the milliseconds from `since` when the server closes it; rejects after `boundMs`. */
  closed(boundMs?: number): Promise<number>;
  isOpen(): boolean;
}

async function openRaw(server: TestServer): Promise<RawConnection> {
  const socket = net.connect(server.port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const started = Date.now();
  let text = "";
  let open = true;
  socket.on("data", (chunk) => {
    text += chunk.toString("latin1");
  });
  socket.on("error", () => {});
  const closed = new Promise<number>((resolve) =>
    socket.once("close", () => {
      open = false;
      resolve(Date.now() - started);
    }),
  );
  return {
    socket,
    received: () => text,
    isOpen: () => open,
    closed: (boundMs = BOUND_MS) =>
      Promise.race([
        closed,
        new Promise<number>((_, reject) =>
          setTimeout(() => reject(new Error(`still open after ${boundMs} ms`)), boundMs).unref(),
        ),
      ]),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("connection timeouts and caps", { timeout: 120_000 }, () => {
  let server: TestServer;
  const opened: RawConnection[] = [];
  const raw = async () => {
    const connection = await openRaw(server);
    opened.push(connection);
    return connection;
  };

  before(async () => {
    server = await startTestServer(undefined, {
      ECT_FIRST_BYTES_TIMEOUT_MS: "300",
      ECT_HEADERS_TIMEOUT_MS: "500",
      ECT_KEEPALIVE_TIMEOUT_MS: "300",
      ECT_HTTP2_IDLE_TIMEOUT_MS: "500",
    });
  });
  after(async () => {
    for (const connection of opened) connection.socket.destroy();
    await server?.stop();
  });

  it("closes a connection that sends nothing after the first-bytes timeout", async () => {
    const connection = await raw();
    const ms = await connection.closed();
    assert.ok(ms >= 250, `not before the timeout (${ms} ms)`);
    assert.equal(connection.received(), "", "nothing was served to it");
  });

  it("closes an HTTP/1.1 request whose headers drip in and never complete after the headers timeout", async () => {
    const connection = await raw();
    connection.socket.write("GET /alive HTTP/1.1\r\nHost: x\r\n");
    // A header line every 100 ms: each arrives well within any idle timeout, the whole never does.
    const drip = setInterval(() => {
      if (connection.isOpen()) connection.socket.write("X-Drip: 1\r\n");
    }, 100);
    try {
      const ms = await connection.closed();
      assert.ok(ms >= 450, `not before the headers timeout (${ms} ms)`);
      assert.match(connection.received(), /^HTTP\/1\.1 408 /, "the server says why");
    } finally {
      clearInterval(drip);
    }
  });

  it("closes a connection that sends part of the HTTP/2 preface and stops", async () => {
    const connection = await raw();
    connection.socket.write(PREFACE.slice(0, 10));
    await connection.closed();
    assert.equal(connection.received(), "");
  });

  it("closes an HTTP/2 session that sent its preface and nothing more after the idle timeout", async () => {
    const connection = await raw();
    connection.socket.write(PREFACE);
    const ms = await connection.closed();
    assert.ok(ms >= 450, `not before the idle timeout (${ms} ms)`);
  });

  it("closes an idle HTTP/1.1 keep-alive connection after the keep-alive timeout", async () => {
    const connection = await raw();
    connection.socket.write("GET /alive HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
    await connection.closed();
    assert.match(connection.received(), /^HTTP\/1\.1 200 /);
  });

  it("limits an HTTP/2 session to the process's stream limit (ECT_STREAM_MAX_TOTAL)", async () => {
    const client = http2.connect(server.url);
    client.on("error", () => {});
    try {
      const settings = await new Promise<http2.Settings>((resolve) => client.once("remoteSettings", resolve));
      assert.equal(settings.maxConcurrentStreams, server.config.streaming.maxTotal);
      assert.equal(settings.maxConcurrentStreams, 1000);
    } finally {
      client.destroy();
    }
  });

  it("resets an HTTP/2 request whose body never comes after the headers timeout, and answers one sent slowly", async () => {
    const client = http2.connect(server.url);
    client.on("error", () => {});
    try {
      const stalled = unaryRequest(client);
      const stalledBegan = Date.now();
      const reset = await outcome(stalled);
      const ms = Date.now() - stalledBegan;
      assert.equal(
        reset.rstCode,
        http2.constants.NGHTTP2_CANCEL,
        `reset, not answered (${JSON.stringify(reset)})`,
      );
      assert.ok(ms >= 450, `not before the headers timeout (${ms} ms)`);

      // A valid message dripped two bytes at a time (unknown field 15 = 1, repeated): each chunk well
      // within the timeout, the whole body over three times longer than it, then the end.
      const slow = unaryRequest(client);
      const answered = outcome(slow);
      for (let i = 0; i < 10; i++) {
        await sleep(150);
        slow.write(Buffer.from([0x78, 0x01]));
      }
      slow.end();
      const result = await answered;
      assert.equal(result.rstCode, http2.constants.NGHTTP2_NO_ERROR, "the slow request was not reset");
      assert.equal(result.status, 401, "it was processed: no token, so unauthenticated");
    } finally {
      client.destroy();
    }
  });

  it("keeps a silent but open stream on HTTP/2 and on HTTP/1.1 past every timeout", async () => {
    const medtech = await signIn(server.url, "medtech");
    const abort = new AbortController();
    // HTTP/2: a gRPC watch with no events yet. HTTP/1.1: the same watch as a REST event stream.
    const watch = grpcClient(server.url, CaseService, medtech)
      .watchCases({}, { signal: abort.signal })
      [Symbol.asyncIterator]();
    const firstEvent = watch.next();
    const sse = await fetch(`${server.url}/ect/v1/cases:watch`, {
      headers: { authorization: `Bearer ${medtech}`, accept: "text/event-stream" },
      signal: abort.signal,
    });
    assert.equal(sse.status, 200);
    const sseReader = sse.body!.getReader();
    try {
      // Three times the longest timeout with nothing sent either way.
      await sleep(1500);
      const [batch] = await collect(
        grpcClient(server.url, MemberService, medtech).searchMembers({ query: "a", limit: 1 }),
      );
      const created = await grpcClient(server.url, CaseService, medtech).createCase({
        memberId: batch.members[0].id,
        incidentDescription: "Watched through a quiet spell",
      });
      const event = await firstEvent;
      assert.equal(event.done, false, "the HTTP/2 watch is still open");
      assert.equal(event.value?.events[0]?.case?.name, created.name);
      let text = "";
      while (!text.includes(created.name)) {
        const { value, done } = await sseReader.read();
        assert.equal(done, false, "the HTTP/1.1 event stream is still open");
        text += new TextDecoder().decode(value);
      }
    } finally {
      abort.abort();
      await sseReader.cancel().catch(() => {});
    }
  });
});

describe("connection caps", { timeout: 60_000 }, () => {
  let server: TestServer;
  const sockets: net.Socket[] = [];

  before(async () => {
    server = await startTestServer(undefined, { ECT_MAX_CONNECTIONS_PER_IP: "3" });
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await server?.stop();
  });

  it("refuses the connection past the per-IP cap and admits one again when another closes", async () => {
    const held: RawConnection[] = [];
    for (let i = 0; i < 3; i++) held.push(await openRaw(server));
    sockets.push(...held.map((connection) => connection.socket));
    const fourth = await openRaw(server);
    sockets.push(fourth.socket);
    fourth.socket.write("GET /alive HTTP/1.1\r\nHost: x\r\n\r\n");
    await fourth.closed();
    assert.equal(fourth.received(), "", "the fourth connection got nothing but a close");
    assert.ok(
      held.every((connection) => connection.isOpen()),
      "the three admitted connections stay open",
    );
    const refusals = await server.app.metrics.registry.getSingleMetricAsString("ect_rejections_total");
    assert.match(refusals, /ect_rejections_total\{kind="connections_per_ip"\} 1\b/);

    held[0].socket.destroy();
    await held[0].closed();
    const next = await openRaw(server);
    sockets.push(next.socket);
    next.socket.write("GET /alive HTTP/1.1\r\nHost: x\r\n\r\n");
    await eventually(() => next.received().startsWith("HTTP/1.1 200 "));
  });
});

/** A unary Connect call (no token) whose request body is left open for the caller to write and end. */
function unaryRequest(client: http2.ClientHttp2Session): http2.ClientHttp2Stream {
  const stream = client.request(
    {
      ":method": "POST",
      ":path": "/ect.v1.IdentityService/GetCurrentUser",
      "content-type": "application/proto",
    },
    { endStream: false },
  );
  stream.on("error", () => {});
  return stream;
}

/** How a client stream finished: its response status (if any) and RST_STREAM code; rejects after BOUND_MS. */
function outcome(stream: http2.ClientHttp2Stream): Promise<{ status?: number; rstCode: number }> {
  let status: number | undefined;
  stream.on("response", (headers) => {
    status = Number(headers[":status"]);
  });
  stream.resume();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stream still open after ${BOUND_MS} ms`)), BOUND_MS);
    timer.unref();
    stream.once("close", () => {
      clearTimeout(timer);
      resolve({ status, rstCode: stream.rstCode ?? -1 });
    });
  });
}

/** Waits (bounded) until the probe holds. */
async function eventually(probe: () => boolean): Promise<void> {
  const deadline = Date.now() + BOUND_MS;
  while (!probe()) {
    if (Date.now() > deadline) assert.fail(`the condition did not hold within ${BOUND_MS} ms`);
    await sleep(10);
  }
}

describe("shutdown", { timeout: 60_000 }, () => {
  it("closes idle keep-alive connections at once instead of waiting for their timeout", async () => {
    const server = await startTestServer(undefined, {
      ECT_KEEPALIVE_TIMEOUT_MS: "60000",
      ECT_SHUTDOWN_GRACE_MS: "10000",
    });
    let connection: RawConnection | undefined;
    try {
      connection = await openRaw(server);
      connection.socket.write("GET /alive HTTP/1.1\r\nHost: x\r\n\r\n");
      const served = connection;
      await eventually(() => served.received().includes("Healthy"));
      const began = Date.now();
      await server.stop();
      await connection.closed(5_000);
      assert.ok(Date.now() - began < 5_000, "stop did not wait out the grace period for an idle connection");
    } finally {
      connection?.socket.destroy();
      await server.stop();
    }
  });
});
