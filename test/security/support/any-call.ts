import {
  type DescMethod,
  type DescMethodStreaming,
  type DescMethodUnary,
  fromJson,
  type JsonValue,
  toJson,
} from "@bufbuild/protobuf";
import { Code, ConnectError, type Transport } from "@connectrpc/connect";

/** The JSON messages a call answered (one for unary, each item of a stream), or the code it failed with. */
export interface CallAnswer {
  messages: JsonValue[];
  error: { code: Code; message: string } | undefined;
}

/**
 * Calls any RPC by its descriptor with a proto3 JSON request through a Connect-ES transport, reading a
 * server stream to its end (or until `signal` aborts it), and returns the answers as proto3 JSON.
 */
export async function callAny(
  transport: Transport,
  method: DescMethod,
  request: JsonValue,
  token: string,
  signal?: AbortSignal,
): Promise<CallAnswer> {
  const header = new Headers({ authorization: `Bearer ${token}` });
  const input = fromJson(method.input, request);
  const messages: JsonValue[] = [];
  try {
    if (method.methodKind === "unary") {
      const res = await transport.unary(method as DescMethodUnary, signal, 30_000, header, input);
      messages.push(toJson(method.output, res.message));
    } else if (method.methodKind === "server_streaming") {
      const res = await transport.stream(
        method as DescMethodStreaming,
        signal,
        undefined,
        header,
        single(input),
      );
      for await (const message of res.message) messages.push(toJson(method.output, message));
    } else {
      throw new Error(`${method.name}: only unary and server-streaming RPCs are called`);
    }
    return { messages, error: undefined };
  } catch (e) {
    const error = ConnectError.from(e);
    if (signal?.aborted && error.code === Code.Canceled) return { messages, error: undefined };
    return { messages, error: { code: error.code, message: error.rawMessage } };
  }
}

async function* single<T>(value: T): AsyncIterable<T> {
  yield value;
}
