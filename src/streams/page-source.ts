import type { DescField, DescMethodServerStreaming } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type { Db } from "../db/db.js";
import { type KeysetOptions, keysetPages } from "../db/keyset.js";
import type { AnyPagedStream } from "./paged-stream.js";

/** Where declared streams read their rows, and their page sizes (config.streaming). */
export interface StreamSource {
  db: Db;
  streaming: { firstPageSize: number; pageSize: number };
}

/** Other page sizes and row cap for one reading (a unary answer collecting the same pages). */
export type PageSizes = Omit<KeysetOptions, "signal">;

/** A declared stream bound to its database: its items a page at a time, as both stream paths serve them. */
export interface PageSource {
  readonly method: DescMethodServerStreaming;
  /** The output's repeated field holding a page's items, when each page is one message. */
  readonly batch?: DescField;
  /** The items, one array per page; the request's validation errors are thrown from the first pull. */
  pages(request: unknown, context: HandlerContext, sizes?: PageSizes): AsyncIterable<readonly unknown[]>;
}

/** The derived reader of a declared stream: keyset pages from the database, each row mapped to its item. */
export function pageSource(stream: AnyPagedStream, source: StreamSource): PageSource {
  const { method, item, notFound } = stream;
  const read = stream.read as (
    request: unknown,
    context: HandlerContext,
    db: Db,
  ) => ReturnType<AnyPagedStream["read"]>;
  const toItem = item as (row: unknown) => unknown;
  const batch = stream.batch === undefined ? undefined : method.output.field[stream.batch];
  if (stream.batch !== undefined && batch?.fieldKind !== "list") {
    throw new Error(`${method.name}: ${stream.batch} is not a repeated field of ${method.output.typeName}`);
  }
  async function* pages(request: unknown, context: HandlerContext, sizes?: PageSizes) {
    const { query, limit } = await read(request, context, source.db);
    const options = { ...source.streaming, limit, ...sizes, signal: context.signal };
    let found = false;
    for await (const rows of keysetPages(source.db, query, options)) {
      found = true;
      const items = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) items[i] = toItem(rows[i]);
      yield items;
    }
    if (!found && notFound) throw (notFound as (request: unknown) => Error)(request);
  }
  return { method, batch, pages };
}
