import { type DescMethod, getExtension, hasExtension } from "@bufbuild/protobuf";
import { permission } from "../gen/ect/v1/options_pb.js";
import { PROBE_SERVICE_NAMES } from "../health/probe-services.js";

const cache = new WeakMap<DescMethod, string | undefined>();

/** The permission a method declares in its proto ("public", "authenticated" or a name); undefined if none. */
export function methodPermission(method: DescMethod): string | undefined {
  if (cache.has(method)) return cache.get(method);
  let value: string | undefined;
  // Health checks and reflection answer without a token: they carry no ect permission option.
  if (PROBE_SERVICE_NAMES.has(method.parent.typeName)) value = "public";
  else if (method.proto.options && hasExtension(method.proto.options, permission)) {
    value = getExtension(method.proto.options, permission) || undefined;
  }
  cache.set(method, value);
  return value;
}
