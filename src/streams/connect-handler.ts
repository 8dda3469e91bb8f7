import { create, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import { withItemCount } from "./item-count.js";
import { pageSource, type StreamSource } from "./page-source.js";
import type { AnyPagedStream, PagedStream } from "./paged-stream.js";

/** A server-streaming RPC's implementation, as a ServiceImpl holds it. */
export type StreamHandler<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  context: HandlerContext,
) => AsyncIterable<MessageInitShape<O>>;

/**
 * The Connect handler of a declared stream (every protocol but page-framed gRPC): one message per
 * item, or for a batch response one message per page, marked with its item count.
 */
export function connectHandler<I extends DescMessage, O extends DescMessage, Row, B>(
  stream: PagedStream<I, O, Row, B>,
  source: StreamSource,
): StreamHandler<I, O> {
  const { method, batch, pages } = pageSource(stream as unknown as AnyPagedStream, source);
  if (batch) {
    const field = batch.localName;
    return async function* (request, context) {
      for await (const items of pages(request, context)) {
        const message = create(method.output, { [field]: items });
        yield withItemCount(message, items.length) as MessageInitShape<O>;
      }
    };
  }
  return async function* (request, context) {
    for await (const items of pages(request, context)) yield* items as MessageInitShape<O>[];
  };
}
