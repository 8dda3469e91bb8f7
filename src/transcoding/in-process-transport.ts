import { AsyncLocalStorage } from "node:async_hooks";
import {
  type ConnectRouter,
  type ConnectRouterOptions,
  type ContextValues,
  createConnectRouter,
  createContextValues,
  type Transport,
} from "@connectrpc/connect";
import { createUniversalHandlerClient, type UniversalHandler } from "@connectrpc/connect/protocol";
import { createTransport } from "@connectrpc/connect/protocol-connect";

/**
 * A transport that calls the routes in this process, like connect's `createRouterTransport`, except
 * that the `contextValues` a caller passes to `unary`/`stream` become the handler's context values
 * (`createRouterTransport` drops them). That is how the REST transcoder hands the interceptor chain
 * facts a client must not be able to forge, such as the socket address: they never travel as headers.
 */
export function createInProcessTransport(
  routes: (router: ConnectRouter) => void,
  options: { router?: ConnectRouterOptions } = {},
): Transport {
  const router = createConnectRouter({ ...options.router, connect: true });
  routes(router);
  // The universal client drops context values on its way to the handler; the call's async context
  // carries them across instead, one store per call.
  const callContext = new AsyncLocalStorage<ContextValues>();
  const handlers = router.handlers.map(
    (handler): UniversalHandler =>
      Object.assign(
        (request: Parameters<UniversalHandler>[0]) =>
          handler({ ...request, contextValues: callContext.getStore() }),
        handler,
      ),
  );
  const transport = createTransport({
    httpClient: createUniversalHandlerClient(handlers),
    baseUrl: "https://in-process",
    useBinaryFormat: true,
    interceptors: [],
    acceptCompression: [],
    sendCompression: null,
    compressMinBytes: Number.MAX_SAFE_INTEGER,
    readMaxBytes: Number.MAX_SAFE_INTEGER,
    writeMaxBytes: Number.MAX_SAFE_INTEGER,
  });
  // Every call runs in its own store, so a call made from inside a handler never sees its caller's values.
  return {
    unary: (method, signal, timeoutMs, header, input, contextValues = createContextValues()) =>
      callContext.run(contextValues, () =>
        transport.unary(method, signal, timeoutMs, header, input, contextValues),
      ),
    stream: (method, signal, timeoutMs, header, input, contextValues = createContextValues()) =>
      callContext.run(contextValues, () =>
        transport.stream(method, signal, timeoutMs, header, input, contextValues),
      ),
  };
}
