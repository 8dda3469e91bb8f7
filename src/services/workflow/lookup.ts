import type {
  DescMethod,
  DescMethodServerStreaming,
  MessageInitShape,
  MessageShape,
} from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type { Db } from "../../db/db.js";
import { failedPrecondition } from "../../errors.js";
import { WorkflowService } from "../../gen/workflow/workflow_pb.js";
import { connectHandler } from "../../streams/connect-handler.js";
import { pageSource } from "../../streams/page-source.js";
import type { AnyPagedStream } from "../../streams/paged-stream.js";

type Methods = typeof WorkflowService.method;
type MethodName = keyof Methods & string;

/** A unary RPC that has a `<Name>Stream` twin. */
export type TwinnedName = { [K in MethodName]: `${K}Stream` extends MethodName ? K : never }[MethodName];
/** The request message of an RPC. */
export type RequestOf<K extends MethodName> = MessageShape<Methods[K]["input"]>;
/** One streamed item of a twinned RPC, as a plain init object. */
export type ItemOf<K extends TwinnedName> = MessageInitShape<
  Methods[Extract<`${K}Stream`, MethodName>]["output"]
>;
/** The unary response of an RPC, as a plain init object. */
export type ResponseOf<K extends MethodName> = MessageInitShape<Methods[K]["output"]>;

/**
 * A lookup declared once: how to validate its request, the keyset SQL that reads it and how a row
 * becomes an item. The unary RPC and its stream twin are both derived from it (see deriveLookup).
 *
 * SQL convention: `$1` is the keyset position (NULL on the first page), `$2` the page size, and the
 * values returned by `params` follow as `$3`, `$4`, …
 */
export interface Lookup<K extends TwinnedName, R> {
  name: K;
  /**
   * Validates the request (INVALID_ARGUMENT naming the field) and returns the parameters from `$3` on;
   * asynchronous when it asks the database first (whom the caller may act for, say).
   */
  params(request: RequestOf<K>, context: HandlerContext, db: Db): unknown[] | Promise<unknown[]>;
  sql: string;
  /** The keyset position of a row; the last row of a page starts the next one. */
  keyOf(row: NoInfer<R>): unknown;
  /** Maps one row to one item; on the stream's hot path, so it only builds the item. */
  item(row: R): ItemOf<K>;
  /** The unary response when it carries more than `items` (GetReinvestigationRequests adds `count`). */
  response?(items: ItemOf<K>[]): ResponseOf<K>;
  /**
   * For a lookup of one thing: the error when no row matches (it does not exist or lies outside the
   * caller's units), raised by the unary RPC and its stream twin alike. Without it, no rows is an empty answer.
   */
  notFound?(request: RequestOf<K>): Error;
}

/** Declares a lookup; the identity function that lets TypeScript infer the request, item and row types. */
export function lookup<K extends TwinnedName, R>(declaration: Lookup<K, R>): Lookup<K, R> {
  return declaration;
}

/** A lookup whose types were checked where it was declared, as the registry holds it. */
export interface AnyLookup {
  name: TwinnedName;
  params(request: never, context: HandlerContext, db: Db): unknown[] | Promise<unknown[]>;
  sql: string;
  keyOf(row: never): unknown;
  item(row: never): unknown;
  response?(items: never[]): unknown;
  notFound?(request: never): Error;
}

/** The same lookup seen through untyped rows and requests, once derivation no longer needs the types. */
interface ErasedLookup {
  params(request: unknown, context: HandlerContext, db: Db): unknown[] | Promise<unknown[]>;
  sql: string;
  keyOf(row: unknown): unknown;
  item(row: unknown): unknown;
  response?(items: unknown[]): unknown;
  notFound?(request: unknown): Error;
}

/** The handlers derived from one lookup. */
export interface DerivedLookup {
  unary(request: unknown, context: HandlerContext): Promise<unknown>;
  stream(request: unknown, context: HandlerContext): AsyncIterable<unknown>;
}

/** Most items a unary lookup answers unless its deps say otherwise (the default of config.unaryLookupMaxItems). */
export const UNARY_LOOKUP_MAX_ITEMS = 10_000;

/** Page sizes of the derived handlers, and the most items a unary lookup answers. */
export interface LookupPaging {
  firstPageSize: number;
  pageSize: number;
  /** Past this many items the unary RPC fails and names its stream twin; UNARY_LOOKUP_MAX_ITEMS when unset. */
  unaryMaxItems?: number;
}

/** The RPC name of a lookup ("getUsersOnline" → "GetUsersOnline"). */
function rpcName(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * The stream twin of a lookup (`<Name>Stream`, one message per item) as a paged stream: both stream
 * paths and the unary RPC read the same pages.
 */
export function lookupStream(typed: AnyLookup): AnyPagedStream {
  const declaration = typed as unknown as ErasedLookup;
  const { sql, keyOf } = declaration;
  const method = (WorkflowService.method as Record<string, DescMethod>)[`${typed.name}Stream`];
  if (method?.methodKind !== "server_streaming") throw new Error(`${typed.name} has no stream twin`);
  return {
    method: method as DescMethodServerStreaming,
    async read(request: unknown, context: HandlerContext, db: Db) {
      const params = await declaration.params(request, context, db);
      return {
        query: {
          page: (after: unknown, limit: number) => ({ sql, params: [after ?? null, limit, ...params] }),
          keyOf,
        },
      };
    },
    item: declaration.item,
    notFound: declaration.notFound,
  };
}

/**
 * Derives the unary handler (pages collected into `{items}`, at most `unaryMaxItems` of them) and the
 * stream twin (one item per row) of a lookup.
 */
export function deriveLookup(db: Db, paging: LookupPaging, typed: AnyLookup): DerivedLookup {
  const declaration = typed as unknown as ErasedLookup;
  const maxItems = paging.unaryMaxItems ?? UNARY_LOOKUP_MAX_ITEMS;
  const stream = lookupStream(typed);
  const source = { db, streaming: { firstPageSize: paging.firstPageSize, pageSize: paging.pageSize } };
  const { pages } = pageSource(stream, source);
  // Nobody waits for a first item here: full pages from the start mean fewer queries. One row past
  // the cap is read to tell "exactly the cap" from "more".
  const unarySizes = { firstPageSize: paging.pageSize, pageSize: paging.pageSize, limit: maxItems + 1 };

  return {
    async unary(request, context) {
      const items: unknown[] = [];
      for await (const page of pages(request, context, unarySizes)) {
        for (let i = 0; i < page.length; i++) items.push(page[i]);
      }
      if (items.length > maxItems) {
        const name = rpcName(typed.name);
        throw failedPrecondition(
          `${name} answers at most ${maxItems} items and more match; read them with ${name}Stream`,
        );
      }
      return declaration.response ? declaration.response(items) : { items };
    },
    stream: connectHandler(stream as never, source) as DerivedLookup["stream"],
  };
}
