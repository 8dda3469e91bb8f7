import { withItemCount } from "../streams/item-count.js";

/**
 * A page of a server stream already encoded as gRPC frames (one length-prefixed message per item):
 * what the page-stream handler passes through the interceptor chain instead of single messages, so the
 * chain runs once per page while the client still receives one message per item. It weighs its item
 * count for the stream limits and the metrics (itemCount).
 */
export class FramedPage {
  constructor(
    /** The concatenated frames, ready to write. */
    readonly bytes: Uint8Array,
    /** How many messages (items) the frames hold. */
    readonly count: number,
  ) {
    withItemCount(this, count);
  }
}
