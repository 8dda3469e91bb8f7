import { create, type DescField, type DescMessage, ScalarType, toBinary } from "@bufbuild/protobuf";

/** Encodes a page of items (protobuf-es init objects) as gRPC frames: flag byte, u32 length, message. */
export type PageEncoder = (items: readonly unknown[]) => Uint8Array;

const FRAME_HEADER_BYTES = 5;
const IMPLICIT = 2; // FeatureSet_FieldPresence.IMPLICIT: proto3 fields without `optional`

/** A growable buffer; one per page, because the page's bytes are still queued for the socket. */
class PageWriter {
  buf: Buffer;
  pos = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** An unsigned 32-bit varint (callers ensured 5 bytes). */
  varint32(value: number): void {
    const buf = this.buf;
    let v = value >>> 0;
    while (v > 127) {
      buf[this.pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  /** A signed int32 as protobuf writes it: negative values sign-extend to ten bytes. */
  int32(value: number): void {
    if (value >= 0) {
      this.varint32(value);
      return;
    }
    const buf = this.buf;
    let lo = value >>> 0;
    let hi = 0xffffffff;
    while (hi) {
      buf[this.pos++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 127) {
      buf[this.pos++] = (lo & 127) | 128;
      lo >>>= 7;
    }
    buf[this.pos++] = lo;
  }

  string(value: string): void {
    const length = value.length;
    // Most values are short ASCII (names, codes): copy them without asking the UTF-8 encoder.
    if (length < 128) {
      this.ensure(1 + length);
      const buf = this.buf;
      const start = this.pos;
      let p = start + 1;
      let i = 0;
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) break;
        buf[p++] = code;
      }
      if (i === length) {
        buf[start] = length;
        this.pos = p;
        return;
      }
    }
    const bytes = Buffer.byteLength(value, "utf8");
    this.ensure(5 + bytes);
    this.varint32(bytes);
    this.pos += this.buf.write(value, this.pos, bytes, "utf8");
  }

  bytes(value: Uint8Array): void {
    this.ensure(5 + value.length);
    this.varint32(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }
}

/** Writes one field's value, tag included; the most any fixed-size value needs is ensured by the caller. */
type FieldWriter = (w: PageWriter, value: never) => void;

interface CompiledField {
  localName: string;
  /** Skip the field when it holds its type's default (proto3 implicit presence). */
  implicit: boolean;
  isDefault: (value: never) => boolean;
  write: FieldWriter;
}

function tagBytes(field: DescField, wireType: number): number[] {
  let tag = ((field.number << 3) | wireType) >>> 0;
  const out: number[] = [];
  while (tag > 127) {
    out.push((tag & 127) | 128);
    tag >>>= 7;
  }
  out.push(tag);
  return out;
}

function withTag(tag: number[], write: (w: PageWriter, value: never) => void): FieldWriter {
  if (tag.length === 1) {
    const t = tag[0];
    return (w, value) => {
      w.ensure(16);
      w.buf[w.pos++] = t;
      write(w, value);
    };
  }
  return (w, value) => {
    w.ensure(tag.length + 16);
    for (const byte of tag) w.buf[w.pos++] = byte;
    write(w, value);
  };
}

const isZero = (value: number) => value === 0;

/** A writer for the scalar types the compiled path supports; undefined for the rest (64-bit integers). */
function scalarField(
  field: DescField,
  scalar: ScalarType,
): Omit<CompiledField, "localName" | "implicit"> | undefined {
  switch (scalar) {
    case ScalarType.INT32:
      return { isDefault: isZero, write: withTag(tagBytes(field, 0), (w, v: number) => w.int32(v)) };
    case ScalarType.UINT32:
      return { isDefault: isZero, write: withTag(tagBytes(field, 0), (w, v: number) => w.varint32(v)) };
    case ScalarType.SINT32:
      return {
        isDefault: isZero,
        write: withTag(tagBytes(field, 0), (w, v: number) => w.varint32((v << 1) ^ (v >> 31))),
      };
    case ScalarType.FIXED32:
      return {
        isDefault: isZero,
        write: withTag(tagBytes(field, 5), (w, v: number) => {
          w.pos = w.buf.writeUInt32LE(v >>> 0, w.pos);
        }),
      };
    case ScalarType.SFIXED32:
      return {
        isDefault: isZero,
        write: withTag(tagBytes(field, 5), (w, v: number) => {
          w.pos = w.buf.writeInt32LE(v | 0, w.pos);
        }),
      };
    case ScalarType.FLOAT:
      return {
        isDefault: isZero,
        write: withTag(tagBytes(field, 5), (w, v: number) => {
          w.pos = w.buf.writeFloatLE(v, w.pos);
        }),
      };
    case ScalarType.DOUBLE:
      return {
        isDefault: isZero,
        write: withTag(tagBytes(field, 1), (w, v: number) => {
          w.pos = w.buf.writeDoubleLE(v, w.pos);
        }),
      };
    case ScalarType.BOOL:
      return {
        isDefault: (v: boolean) => v === false,
        write: withTag(tagBytes(field, 0), (w, v: boolean) => {
          w.buf[w.pos++] = v ? 1 : 0;
        }),
      };
    case ScalarType.STRING:
      return {
        isDefault: (v: string) => v === "",
        write: withTag(tagBytes(field, 2), (w, v: string) => w.string(v)),
      };
    case ScalarType.BYTES:
      return {
        isDefault: (v: Uint8Array) => v.length === 0,
        write: withTag(tagBytes(field, 2), (w, v: Uint8Array) => w.bytes(v)),
      };
    default:
      return undefined;
  }
}

function compileField(field: DescField): CompiledField | undefined {
  if (field.oneof) return undefined;
  const writer =
    field.fieldKind === "scalar"
      ? scalarField(field, field.scalar)
      : field.fieldKind === "enum"
        ? scalarField(field, ScalarType.INT32)
        : undefined;
  if (!writer) return undefined;
  return { localName: field.localName, implicit: field.presence === IMPLICIT, ...writer };
}

/**
 * Compiles a page encoder for a message type. Messages made of singular scalar and enum fields (every
 * WorkflowService item) get an encoder specialised from the descriptor that writes straight into the
 * page buffer, several times faster than protobuf-es's reflective `toBinary` and byte-for-byte the
 * same; any other message is encoded by protobuf-es, one `create` + `toBinary` per item.
 */
export function compilePageEncoder(schema: DescMessage): PageEncoder {
  const compiled = [...schema.fields].sort((a, b) => a.number - b.number).map(compileField);
  if (compiled.some((field) => field === undefined)) return reflectivePageEncoder(schema);
  const fields = compiled as CompiledField[];
  let bytesPerItem = 64;
  return (items) => {
    const w = new PageWriter(Math.ceil(items.length * bytesPerItem * 1.25) + 64);
    for (const item of items as Record<string, unknown>[]) {
      w.ensure(FRAME_HEADER_BYTES);
      const start = w.pos;
      w.pos += FRAME_HEADER_BYTES;
      for (const field of fields) {
        const value = item[field.localName];
        if (value === undefined || value === null) continue;
        if (field.implicit && field.isDefault(value as never)) continue;
        field.write(w, value as never);
      }
      w.buf[start] = 0;
      w.buf.writeUInt32BE(w.pos - start - FRAME_HEADER_BYTES, start + 1);
    }
    if (items.length > 0) bytesPerItem = Math.max(8, w.pos / items.length);
    return w.buf.subarray(0, w.pos);
  };
}

/** The general path: protobuf-es encodes each item, the frames are joined into one buffer. */
function reflectivePageEncoder(schema: DescMessage): PageEncoder {
  return (items) => {
    const messages = items.map((item) => toBinary(schema, create(schema, item as never)));
    const out = Buffer.allocUnsafe(messages.reduce((sum, m) => sum + FRAME_HEADER_BYTES + m.length, 0));
    let pos = 0;
    for (const message of messages) {
      out[pos] = 0;
      out.writeUInt32BE(message.length, pos + 1);
      out.set(message, pos + FRAME_HEADER_BYTES);
      pos += FRAME_HEADER_BYTES + message.length;
    }
    return out;
  };
}
