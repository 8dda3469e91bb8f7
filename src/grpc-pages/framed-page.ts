/**
 * A page of a server stream already encoded as gRPC frames (one length-prefixed message per item):
 * what the page-stream handler passes through the interceptor chain instead of single messages, so the
 * chain runs once per page while the client still receives one message per item.
 */
export class FramedPage {
  constructor(
    /** The concatenated frames, ready to write. */
    readonly bytes: Uint8Array,
    /** How many messages (items) the frames hold. */
    readonly count: number,
  ) {}
}

/** How many items a streamed value weighs: a framed page its message count, anything else one. */
export function framedWeight(message: unknown): number | undefined {
  return message instanceof FramedPage ? message.count : undefined;
}
