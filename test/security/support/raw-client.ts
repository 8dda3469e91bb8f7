import http from "node:http";
import http2 from "node:http2";
import type { DescMethod } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";

/** The protocols ECT serves every RPC over. */
export type Protocol = "grpc" | "grpc-web" | "connect" | "rest";

/** What one raw call came back with, in a shape every protocol fills. */
export interface CallOutcome {
  /** The gRPC status: 0 for OK, undefined when the reply carried none (e.g. a cut-off stream). */
  code: Code | 0 | undefined;
  /** The HTTP status of the response (gRPC: the HTTP/2 :status). */
  httpStatus: number;
  /** Everything a client could read: body text, plus grpc-message for gRPC. */
  text: string;
  /** True when the client stopped reading (at the time bound or after MAX_READ bytes), not the server. */
  cutOff: boolean;
  /** The HTTP response headers (HTTP/1.1 calls). */
  headers?: http.IncomingHttpHeaders;
}

/** How much of a response is read: enough to judge it; a longer stream is cut off (and so cancelled). */
const MAX_READ = 65_536;

/** A request body as bytes or text. */
export type Payload = Uint8Array | string;

const CONNECT_CODES = new Map<string, Code>(
  Object.entries(Code)
    .filter((entry): entry is [string, Code] => typeof entry[1] === "number")
    .map(([name, code]) => [name.replace(/[A-Z]/g, (c, i) => (i ? "_" : "") + c.toLowerCase()), code]),
);

/** The Connect code string ("permission_denied") as a Code. */
export function connectCode(text: unknown): Code | undefined {
  return typeof text === "string" ? CONNECT_CODES.get(text) : undefined;
}

/** A five-byte length-prefixed frame (gRPC message, Connect envelope). */
export function frame(payload: Uint8Array, flags = 0, declaredLength = payload.length): Uint8Array {
  const out = new Uint8Array(5 + payload.length);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, declaredLength >>> 0);
  out.set(payload, 5);
  return out;
}

/**
 * Calls ECT over the wire without a client library, so tests can send exactly the bytes they want
 * (garbage protobuf, bad envelopes, broken JSON) and read exactly what comes back. One HTTP/2 session
 * carries every gRPC call; fetch pools the HTTP/1.1 connections of Connect and REST.
 */
export class RawClient {
  private session: http2.ClientHttp2Session | undefined;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  /** `maxMs` bounds every call; a stream still open then is cut off (watches never end). */
  constructor(
    private readonly baseUrl: string,
    private readonly maxMs = 10_000,
  ) {}

  /** A native gRPC call: `body` is the whole HTTP/2 request body (use {@link frame} for messages). */
  grpc(method: DescMethod, body: Uint8Array, token?: string): Promise<CallOutcome> {
    this.session ??= this.openSession();
    const session = this.session;
    return new Promise((resolve) => {
      const headers: http2.OutgoingHttpHeaders = {
        ":method": "POST",
        ":path": `/${method.parent.typeName}/${method.name}`,
        "content-type": "application/grpc+proto",
        te: "trailers",
      };
      if (token) headers.authorization = `Bearer ${token}`;
      const req = session.request(headers);
      let httpStatus = 0;
      let status: string | undefined;
      let message = "";
      let received = 0;
      const chunks: Buffer[] = [];
      const read = (h: http2.IncomingHttpHeaders) => {
        if (h["grpc-status"] !== undefined) status = String(h["grpc-status"]);
        if (h["grpc-message"] !== undefined) message = percentDecoded(String(h["grpc-message"]));
      };
      let settled = false;
      const timer = setTimeout(() => finish(true), this.maxMs);
      const finish = (cutOff: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!req.closed) req.close(http2.constants.NGHTTP2_CANCEL);
        const code = status === undefined ? undefined : (Number(status) as Code | 0);
        resolve({
          code,
          httpStatus,
          text: `${message}\n${Buffer.concat(chunks).toString("latin1")}`,
          cutOff,
        });
      };
      req.on("response", (h) => {
        httpStatus = Number(h[":status"]);
        read(h);
      });
      req.on("trailers", read);
      req.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (received >= MAX_READ) finish(true);
      });
      req.on("end", () => finish(false));
      req.on("error", () => finish(false));
      req.end(body);
    });
  }

  /** A Connect call: unary bodies as they are; server-streaming ones inside one envelope. */
  async connect(
    method: DescMethod,
    body: Payload,
    format: "json" | "proto",
    token?: string,
  ): Promise<CallOutcome> {
    // Every streaming kind (client, server, bidi) speaks the enveloped connect+ format; only unary is plain.
    const streaming = method.methodKind !== "unary";
    const headers: Record<string, string> = {
      "content-type": `application/${streaming ? `connect+${format}` : format}`,
      "connect-protocol-version": "1",
    };
    if (token) headers.authorization = `Bearer ${token}`;
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
    const outcome = await this.http(
      "POST",
      `/${method.parent.typeName}/${method.name}`,
      headers,
      streaming ? frame(bytes) : bytes,
    );
    if (!streaming) {
      outcome.code = outcome.httpStatus === 200 ? 0 : connectCode(parseJson(outcome.text)?.code);
      return outcome;
    }
    if (outcome.httpStatus !== 200) {
      outcome.code = connectCode(parseJson(outcome.text)?.code);
      return outcome;
    }
    // The end-stream envelope (flag 2) carries {"error": {...}} or nothing when the stream succeeded.
    const end = lastEnvelopeJson(outcome.text);
    const error = end?.error as { code?: string } | undefined;
    outcome.code = outcome.cutOff && !end ? undefined : error ? connectCode(error.code) : 0;
    return outcome;
  }

  /**
   * A gRPC-Web call over HTTP/1.1: `body` is the whole request body (use {@link frame} for messages). The
   * status comes from the headers of a trailers-only answer, else from the trailer frame (flag 0x80).
   */
  async grpcWeb(method: DescMethod, body: Uint8Array, token?: string): Promise<CallOutcome> {
    const headers: Record<string, string> = {
      "content-type": "application/grpc-web+proto",
      "x-grpc-web": "1",
    };
    if (token) headers.authorization = `Bearer ${token}`;
    const outcome = await this.http("POST", `/${method.parent.typeName}/${method.name}`, headers, body);
    const trailers = new Map<string, string>();
    for (const name of ["grpc-status", "grpc-message"]) {
      const value = outcome.headers?.[name];
      if (typeof value === "string") trailers.set(name, value);
    }
    const bytes = Buffer.from(outcome.text, "latin1");
    for (let at = 0; at + 5 <= bytes.length; ) {
      const length = bytes.readUInt32BE(at + 1);
      if (bytes[at] & 0x80) {
        for (const line of bytes
          .subarray(at + 5, at + 5 + length)
          .toString("utf8")
          .split("\r\n")) {
          const colon = line.indexOf(":");
          if (colon > 0)
            trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        }
      }
      at += 5 + length;
    }
    const status = trailers.get("grpc-status");
    outcome.code = status === undefined ? undefined : (Number(status) as Code | 0);
    outcome.text = `${percentDecoded(trailers.get("grpc-message") ?? "")}\n${outcome.text}`;
    return outcome;
  }

  /** A REST call: `path` includes the query string; a body goes as application/json unless headers say otherwise. */
  rest(
    httpMethod: string,
    path: string,
    body: Payload | undefined,
    token?: string,
    extraHeaders: Record<string, string> = {},
  ): Promise<CallOutcome> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (token) headers.authorization = `Bearer ${token}`;
    Object.assign(headers, extraHeaders);
    return this.http(httpMethod, path, headers, body).then((outcome) => {
      outcome.code = restCode(outcome);
      return outcome;
    });
  }

  /** GET /alive: true when the server answers 200. */
  async alive(): Promise<boolean> {
    const res = await fetch(`${this.baseUrl}/alive`);
    await res.arrayBuffer();
    return res.status === 200;
  }

  /** Closes the gRPC session. */
  close(): void {
    this.agent.destroy();
    this.session?.close();
    this.session = undefined;
  }

  private openSession(): http2.ClientHttp2Session {
    const session = http2.connect(this.baseUrl);
    session.on("error", () => {});
    session.on("close", () => {
      if (this.session === session) this.session = undefined;
    });
    return session;
  }

  private http(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: Payload | undefined,
  ): Promise<CallOutcome> {
    // node:http sends the path exactly as given ("..", "%zz"), where fetch would normalise it first.
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let received = 0;
      let httpStatus = 0;
      let responseHeaders: http.IncomingHttpHeaders | undefined;
      let settled = false;
      const finish = (cutOff: boolean, note = "") => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (cutOff || note) req.destroy();
        const text = Buffer.concat(chunks).toString("latin1") + note;
        resolve({ code: undefined, httpStatus, text, cutOff, headers: responseHeaders });
      };
      const req = http.request(`${this.baseUrl}${path}`, { method, headers, agent: this.agent }, (res) => {
        httpStatus = res.statusCode ?? 0;
        responseHeaders = res.headers;
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          received += chunk.length;
          if (received >= MAX_READ) finish(true);
        });
        res.on("end", () => finish(false));
        res.on("error", (error) => finish(false, `\n[client error: ${error.message}]`));
      });
      const timer = setTimeout(() => finish(true), this.maxMs);
      // A server refusing an oversize body may answer and close before it has all been sent.
      req.on("error", (error) => {
        if (httpStatus === 0) finish(false, `[client error: ${error.message}]`);
      });
      req.end(body === undefined ? undefined : typeof body === "string" ? body : Buffer.from(body));
    });
  }
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON of the last Connect envelope in a (latin1-decoded) streaming body. */
function lastEnvelopeJson(text: string): Record<string, unknown> | undefined {
  const bytes = Buffer.from(text, "latin1");
  let last: Record<string, unknown> | undefined;
  for (let at = 0; at + 5 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at + 1);
    const flags = bytes[at];
    const payload = bytes.subarray(at + 5, at + 5 + length);
    if (flags & 2) last = parseJson(payload.toString("utf8")) ?? {};
    at += 5 + length;
  }
  return last;
}

/** REST answers a google.rpc.Status body on errors; its numeric code, or 0 for a 2xx. */
function restCode(outcome: CallOutcome): Code | 0 | undefined {
  if (outcome.httpStatus < 200 || outcome.httpStatus > 299) {
    const code = parseJson(outcome.text)?.code;
    return typeof code === "number" ? (code as Code) : undefined;
  }
  // A stream that fails after its headers reports the error in-band, as its last NDJSON line.
  const lines = outcome.text.trimEnd().split("\n");
  const error = parseJson(lines[lines.length - 1])?.error as { code?: unknown } | undefined;
  return typeof error?.code === "number" ? (error.code as Code) : 0;
}
