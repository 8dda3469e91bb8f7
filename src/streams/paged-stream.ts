import type {
  DescMessage,
  DescMethodServerStreaming,
  MessageInitShape,
  MessageShape,
} from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import type { Db } from "../db/db.js";
import type { KeysetQuery } from "../db/keyset.js";

/** Which rows a stream reads: a keyset query, and at most how many rows (0 or unset: all). */
export interface PageRead<Row> {
  query: KeysetQuery<Row, unknown>;
  limit?: number;
}

/** The repeated fields of a message type: where a batch response holds a page's items. */
export type ListField<O extends DescMessage> = {
  [K in keyof MessageShape<O>]-?: MessageShape<O>[K] extends readonly unknown[] ? K : never;
}[keyof MessageShape<O>] &
  string;

/** One item of a stream: the output message, or for a batch response one element of its batch field. */
export type StreamItem<O extends DescMessage, B> = [B] extends [ListField<O>]
  ? NonNullable<MessageInitShape<O>[B & keyof MessageInitShape<O>]> extends ReadonlyArray<infer E>
    ? E
    : never
  : MessageInitShape<O>;

/**
 * A server-streaming RPC read from the database a keyset page at a time, declared once. The Connect
 * handler (connectHandler), the page-framed gRPC path's page source (pageSource) and the weight of each
 * message for the stream limits and metrics (itemCount) are all derived from it.
 */
export interface PagedStream<I extends DescMessage, O extends DescMessage, Row, B = undefined> {
  method: DescMethodServerStreaming<I, O>;
  /**
   * For a batch response: the output's repeated field that holds a page's items, so each page is one
   * message (StreamCasesResponse.cases). Without it, each item is one message.
   */
  batch?: B & ListField<O>;
  /**
   * Validates the request (INVALID_ARGUMENT naming the field) and says which rows to read; runs when
   * the stream is first pulled, so its errors end the stream before any item.
   */
  read(request: MessageShape<I>, context: HandlerContext, db: Db): PageRead<Row> | Promise<PageRead<Row>>;
  /** Maps one row to one item (init fields: the compiled frame encoder writes them without a message). */
  item(row: Row): StreamItem<O, B>;
  /** For a stream of one thing: the error when no row matches. Without it, no rows is an empty stream. */
  notFound?(request: MessageShape<I>): Error;
}

/** A declared stream once its types were checked, as the derivations see it. */
export interface AnyPagedStream {
  method: DescMethodServerStreaming;
  batch?: string;
  read(request: never, context: HandlerContext, db: Db): PageRead<unknown> | Promise<PageRead<unknown>>;
  item(row: never): unknown;
  notFound?(request: never): Error;
}

/**
 * Declares a paged stream; the identity function that lets TypeScript infer the request, row and item
 * types (and check `item` against the batch field's element type).
 */
export function pagedStream<I extends DescMessage, O extends DescMessage, Row, B = undefined>(
  declaration: PagedStream<I, O, Row, B>,
): PagedStream<I, O, Row, B> {
  return declaration;
}
