const PRINTABLE_MIN = 0x20;
const PRINTABLE_MAX = 0x7e;
const PERCENT = 0x25;

/**
 * Percent-encodes a grpc-message value as the gRPC HTTP/2 spec says: only bytes outside printable
 * ASCII and "%" itself. (connect-es uses encodeURIComponent, which also escapes ":" and "/", and
 * grpc-js, which decodes with decodeURI, then shows "%3A" to its users.)
 */
export function grpcMessageEncode(message: string): string {
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    out +=
      byte >= PRINTABLE_MIN && byte <= PRINTABLE_MAX && byte !== PERCENT
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
