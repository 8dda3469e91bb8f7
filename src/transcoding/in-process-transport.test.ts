import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import {
  createClient,
  createContextKey,
  createContextValues,
  createRouterTransport,
  type Interceptor,
} from "@connectrpc/connect";
import { BookSchema, LibraryService } from "../gen/ecttest/v1/transcoding_pb.js";
import { createInProcessTransport } from "./in-process-transport.js";

const peerKey = createContextKey("", { description: "test peer" });

/** A library whose handlers report the peer they see in their context, and an interceptor that does too. */
function library(seen: string[]) {
  const interceptor: Interceptor = (next) => (req) => {
    seen.push(`interceptor:${req.contextValues.get(peerKey)}`);
    return next(req);
  };
  const routes = (router: Parameters<Parameters<typeof createRouterTransport>[0]>[0]) => {
    router.service(LibraryService, {
      getBook: (req, context) => create(BookSchema, { name: req.name, title: context.values.get(peerKey) }),
      async *streamBooks(_req, context) {
        yield create(BookSchema, { title: context.values.get(peerKey) });
      },
    });
  };
  return { routes, router: { interceptors: [interceptor] } };
}

describe("in-process transport", () => {
  it("hands the context values a caller passes to the interceptors and the handler", async () => {
    const seen: string[] = [];
    const { routes, router } = library(seen);
    const client = createClient(LibraryService, createInProcessTransport(routes, { router }));
    const values = () => createContextValues().set(peerKey, "192.0.2.7");
    const book = await client.getBook({ name: "b1" }, { contextValues: values() });
    assert.equal(book.title, "192.0.2.7");
    const titles: string[] = [];
    for await (const item of client.streamBooks({ parent: "s", count: 1 }, { contextValues: values() })) {
      titles.push(item.title);
    }
    assert.deepEqual(titles, ["192.0.2.7"]);
    assert.deepEqual(seen, ["interceptor:192.0.2.7", "interceptor:192.0.2.7"]);
  });

  it("keeps concurrent calls' values apart and gives a call without values the defaults", async () => {
    const { routes, router } = library([]);
    const client = createClient(LibraryService, createInProcessTransport(routes, { router }));
    const titles = await Promise.all(
      ["a", "b", "c"].map(async (peer) => {
        const contextValues = createContextValues().set(peerKey, peer);
        return (await client.getBook({ name: peer }, { contextValues })).title;
      }),
    );
    assert.deepEqual(titles, ["a", "b", "c"]);
    assert.equal((await client.getBook({ name: "x" })).title, "");
  });

  it("is what createRouterTransport is not: the router transport drops the values", async () => {
    const { routes, router } = library([]);
    const client = createClient(LibraryService, createRouterTransport(routes, { router }));
    const contextValues = createContextValues().set(peerKey, "192.0.2.7");
    assert.equal((await client.getBook({ name: "b1" }, { contextValues })).title, "");
  });
});
