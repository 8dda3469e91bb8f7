import type { DescMessage, DescMethod, DescService, JsonValue } from "@bufbuild/protobuf";
import {
  type ConnectRouter,
  createServiceImplSpec,
  type MethodImpl,
  type ServiceImpl,
} from "@connectrpc/connect";
import type { UniversalHandlerOptions } from "@connectrpc/connect/protocol";
import { assertDecimalIntegers } from "../transcoding/decimal-integers.js";

type Routes = (router: ConnectRouter) => void;
type HandlerOptions = Partial<UniversalHandlerOptions>;

/**
 * Registers `routes` so that a JSON request message (Connect unary POST and GET, Connect streaming
 * envelopes, gRPC-Web and gRPC with +json) is refused with INVALID_ARGUMENT naming the field when an
 * integer field is written as anything but a decimal integer: protobuf-es's fromJson would read
 * "0x10" as 16, as the REST binding already refuses (`assertDecimalIntegers`).
 *
 * connect-es offers no hook before fromJson, except the text decoder its JSON serialization
 * decodes every request message with. The decoder sees only bytes, so each method is registered
 * on its own (`router.rpc`) with a decoder that knows the method's input. Per-method options replace
 * the adapter's `jsonOptions` (connect merges options shallowly); ECT's adapter sets none.
 */
export function decimalIntegerRoutes(routes: Routes): Routes {
  return (router) => routes(new DecimalIntegerRouter(router));
}

/** A ConnectRouter that registers every method of a service one by one, with the checking decoder. */
class DecimalIntegerRouter implements ConnectRouter {
  constructor(private readonly router: ConnectRouter) {}

  get handlers() {
    return this.router.handlers;
  }

  service<T extends DescService>(
    service: T,
    implementation: Partial<ServiceImpl<T>>,
    options?: HandlerOptions,
  ): this {
    // The same spec router.service builds: methods bound, missing ones answering UNIMPLEMENTED.
    const spec = createServiceImplSpec(service, implementation);
    for (const { method, impl } of Object.values(spec.methods)) {
      this.rpc(method, impl as MethodImpl<DescMethod>, options);
    }
    return this;
  }

  rpc<M extends DescMethod>(method: M, impl: MethodImpl<M>, options?: HandlerOptions): this {
    const jsonOptions = decimalIntegerJsonOptions(method.input, options?.jsonOptions);
    this.router.rpc(method, impl, { ...options, jsonOptions });
    return this;
  }
}

/**
 * JSON options whose `textDecoder` (read by connect-es's JSON serialization, though not in the
 * handler options' type) checks the parsed message before fromJson sees it. Text that is not JSON
 * passes through, for fromJson to refuse as before. `ignoreUnknownFields` is connect-es's default.
 */
function decimalIntegerJsonOptions(
  input: DescMessage,
  base?: HandlerOptions["jsonOptions"],
): HandlerOptions["jsonOptions"] {
  const utf8 = new TextDecoder();
  const textDecoder = {
    decode(bytes?: Uint8Array): string {
      const text = utf8.decode(bytes);
      let json: JsonValue;
      try {
        json = JSON.parse(text) as JsonValue;
      } catch {
        return text;
      }
      assertDecimalIntegers(input, json);
      return text;
    },
  };
  const options = { ignoreUnknownFields: true, ...base, textDecoder };
  return options;
}
