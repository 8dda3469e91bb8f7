import {
  type DescMethodStreaming,
  fromJson,
  type JsonObject,
  type JsonValue,
  toJson,
} from "@bufbuild/protobuf";
import type { Transport } from "@connectrpc/connect";

/** An open server stream whose messages collect as they arrive. */
export interface OpenWatch {
  readonly messages: readonly JsonValue[];
  /** Resolves true once some message satisfies `seen`, false after `maxMs` without one. */
  until(seen: (message: JsonValue) => boolean, maxMs: number): Promise<boolean>;
  close(): void;
}

/** Opens a never-ending stream (WatchCases) and keeps reading it in the background until closed. */
export function openWatch(
  transport: Transport,
  method: DescMethodStreaming,
  request: JsonObject,
  token: string,
): OpenWatch {
  const abort = new AbortController();
  const messages: JsonValue[] = [];
  const waiters = new Set<() => void>();
  const header = new Headers({ authorization: `Bearer ${token}` });
  void (async () => {
    try {
      const res = await transport.stream(
        method,
        abort.signal,
        undefined,
        header,
        single(fromJson(method.input, request)),
      );
      for await (const message of res.message) {
        messages.push(toJson(method.output, message));
        for (const wake of waiters) wake();
      }
    } catch {
      // Closing aborts the read; any other failure shows as the missing messages the test waits for.
    }
  })();
  return {
    messages,
    until(seen, maxMs) {
      return new Promise((resolve) => {
        const check = () => {
          if (!messages.some(seen)) return;
          done(true);
        };
        const timer = setTimeout(() => done(false), maxMs);
        const done = (result: boolean) => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(result);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
}

async function* single<T>(value: T): AsyncIterable<T> {
  yield value;
}
