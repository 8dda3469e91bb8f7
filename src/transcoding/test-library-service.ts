/** Test-only: the ecttest.v1.LibraryService behind an in-memory router transport and a real HTTP server. */
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createRouterTransport, type Interceptor } from "@connectrpc/connect";
import {
  BookSchema,
  LibraryService,
  SearchBooksResponseSchema,
  ShelfSchema,
} from "../gen/ecttest/v1/transcoding_pb.js";
import { createRestHandler, type RestHandlerOptions } from "./rest-handler.js";

/** What the fake service saw, for assertions. */
export interface LibraryProbe {
  /** The request headers of the last call. */
  lastHeaders?: Headers;
  /** The signal of the last streaming call. */
  streamSignal?: AbortSignal;
  /** Resolves when a streaming call's generator has finished (normally or by abort). */
  streamDone?: Promise<void>;
  /** Errors thrown by the next unary call. */
  failWith?: ConnectError | Error;
}

/** Builds the router transport serving the fake library; the interceptor tags every response. */
export function libraryTransport(probe: LibraryProbe) {
  const tag: Interceptor = (next) => async (req) => {
    probe.lastHeaders = req.header;
    const res = await next(req);
    res.header.set("x-correlation-id", req.header.get("x-correlation-id") ?? "generated");
    res.header.set("grpc-status-details-bin", "must-not-leak");
    return res;
  };
  const failIfAsked = () => {
    const f = probe.failWith;
    probe.failWith = undefined;
    if (f) throw f;
  };
  return createRouterTransport(
    ({ service }) => {
      service(LibraryService, {
        getBook: (req) => {
          failIfAsked();
          return create(BookSchema, { name: req.name, title: "T", pageCount: 12n });
        },
        createBook: (req) => {
          const book = req.book ?? create(BookSchema);
          book.name = `${req.parent}/books/${req.bookId}`;
          return book;
        },
        updateBook: (req) => {
          const book = req.book ?? create(BookSchema);
          book.title = `${book.title}|${req.updateMask?.paths}`;
          return book;
        },
        deleteBook: () => ({}),
        archiveBook: (req) => create(BookSchema, { name: req.name, title: `archived:${req.reason}` }),
        getShelf: (req) => create(ShelfSchema, { shelfId: req.shelfId, theme: "variable" }),
        getFeaturedShelf: () => create(ShelfSchema, { shelfId: "featured", theme: "literal" }),
        searchBooks: (req) =>
          create(SearchBooksResponseSchema, {
            books: req.authors.map((a, i) => ({ name: `b${i}`, authors: [a] })),
            nextPageToken: "next",
          }),
        echoSearch: (req) => req,
        streamBooks: (req, ctx) => {
          probe.streamSignal = ctx.signal;
          let finish!: () => void;
          probe.streamDone = new Promise((r) => {
            finish = r;
          });
          return (async function* () {
            try {
              for (let i = 1; i <= req.count; i++) {
                yield create(BookSchema, { name: `${req.parent}/books/${i}`, pageCount: BigInt(i) });
              }
              if (req.failCode) throw new ConnectError("stream broke", req.failCode as Code);
              if (req.hang) await new Promise((_, reject) => ctx.signal.addEventListener("abort", reject));
            } finally {
              finish();
            }
          })();
        },
      });
    },
    { router: { interceptors: [tag] } },
  );
}

/** Starts an HTTP server with the REST handler over the fake library; close it when done. */
export async function startLibraryServer(
  probe: LibraryProbe,
  options: Partial<RestHandlerOptions> = {},
): Promise<{ url: string; server: http.Server }> {
  const rest = createRestHandler({
    services: [LibraryService],
    transport: libraryTransport(probe),
    ...options,
  });
  const server = http.createServer((req, res) => {
    rest.handle(req, res).then((handled) => {
      if (!handled) {
        res.statusCode = 418;
        res.end("fell through");
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export { Code };
