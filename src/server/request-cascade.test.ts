import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { Code } from "@connectrpc/connect";
import { statusJson } from "../transcoding/status-mapping.js";
import { cascade, type NamedStage, type Stage } from "./request-cascade.js";

const ran: string[] = [];
const logged: { stage: unknown; err: unknown }[] = [];
const logger = { error: (fields: { stage: unknown; err: unknown }) => logged.push(fields) };

/** A stage that records that it ran and passes. */
const passing = (name: string, async = false): NamedStage => ({
  name,
  handle: () => {
    ran.push(name);
    return async ? Promise.resolve(false) : false;
  },
});

/** A stage that records that it ran and answers 200 with its name. */
const answering =
  (name: string): Stage =>
  (_req, res) => {
    ran.push(name);
    res.end(name);
    return true;
  };

/** Each path is a cascade of its own, so every test reads as its stage list. */
const cascades: Record<string, NamedStage[]> = {
  "/order": [
    passing("cors"),
    passing("page streams"),
    passing("connect"),
    passing("rest", true),
    { name: "http routes", handle: answering("http routes") },
    { name: "never", handle: answering("never") },
  ],
  "/first": [
    { name: "cors", handle: answering("cors") },
    { name: "connect", handle: answering("connect") },
  ],
  "/throws": [
    passing("cors"),
    {
      name: "connect",
      handle: () => {
        throw new Error("secret internals");
      },
    },
    { name: "rest", handle: answering("rest") },
  ],
  "/rejects": [
    { name: "rest", handle: () => Promise.reject(new Error("secret internals")) },
    { name: "http routes", handle: answering("http routes") },
  ],
  "/half-written": [
    {
      name: "page streams",
      handle: (_req, res) => {
        const response = res as http.ServerResponse;
        response.writeHead(200, { "content-type": "text/plain" });
        response.write("first page");
        throw new Error("broke mid-answer");
      },
    },
  ],
  "/nobody": [passing("cors"), passing("rest", true)],
};
const handlers = Object.fromEntries(
  Object.entries(cascades).map(([path, stages]) => [path, cascade(stages, logger)]),
);

let base = "";
let server: http.Server;
before(async () => {
  server = http.createServer((req, res) => handlers[req.url ?? ""](req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

async function get(path: string) {
  ran.length = 0;
  logged.length = 0;
  const res = await fetch(base + path, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") };
}

describe("the request cascade", () => {
  test("stages run in their order, async ones included, until one answers; later ones never run", async () => {
    const res = await get("/order");
    assert.equal(res.text, "http routes");
    assert.deepEqual(ran, ["cors", "page streams", "connect", "rest", "http routes"]);
  });

  test("the first stage that answers ends the cascade", async () => {
    assert.equal((await get("/first")).text, "cors");
    assert.deepEqual(ran, ["cors"]);
  });

  test("a stage that throws answers one 500 Status body, logged under its name, its text never sent", async () => {
    const res = await get("/throws");
    assert.equal(res.status, 500);
    assert.match(res.type ?? "", /^application\/json/);
    assert.deepEqual(JSON.parse(res.text), statusJson(Code.Internal, "internal error"));
    assert.deepEqual(ran, ["cors"]);
    assert.equal(logged.length, 1);
    assert.equal(logged[0].stage, "connect");
    assert.equal((logged[0].err as Error).message, "secret internals");
  });

  test("a stage whose promise rejects answers the same way and the next stage does not run", async () => {
    const res = await get("/rejects");
    assert.equal(res.status, 500);
    assert.deepEqual(JSON.parse(res.text), statusJson(Code.Internal, "internal error"));
    assert.deepEqual(ran, []);
    assert.equal(logged[0].stage, "rest");
  });

  test("a stage that fails after its answer has started cuts the connection instead of appending a body", async () => {
    await assert.rejects(get("/half-written"));
    assert.equal(logged[0].stage, "page streams");
  });

  test("a request no stage answers is a 404 Status body", async () => {
    const res = await get("/nobody");
    assert.equal(res.status, 404);
    assert.deepEqual(JSON.parse(res.text), statusJson(Code.NotFound, "no route for GET /nobody"));
    assert.deepEqual(ran, ["cors", "rest"]);
  });
});
