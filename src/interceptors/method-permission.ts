import { type DescMethod, getExtension, hasExtension } from "@bufbuild/protobuf";
import { permission } from "../gen/ect/v1/options_pb.js";

const cache = new WeakMap<DescMethod, string | undefined>();

/** Services answered without a token: health checks and reflection carry no ect permission option. */
const OPEN_SERVICES = new Set([
  "grpc.health.v1.Health",
  "grpc.reflection.v1.ServerReflection",
  "grpc.reflection.v1alpha.ServerReflection",
]);

/** The permission a method declares in its proto ("public", "authenticated" or a name); undefined if none. */
export function methodPermission(method: DescMethod): string | undefined {
  if (cache.has(method)) return cache.get(method);
  let value: string | undefined;
  if (OPEN_SERVICES.has(method.parent.typeName)) value = "public";
  else if (method.proto.options && hasExtension(method.proto.options, permission)) {
    value = getExtension(method.proto.options, permission) || undefined;
  }
  cache.set(method, value);
  return value;
}
