/**
 * A growable buffer the compiled frame encoder (frame-encoder.ts) writes protobuf into; one per page,
 * because the page's bytes are still queued for the socket. The generated writers read and write its
 * `buf` and `pos` directly.
 */
export class PageWriter {
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

  /** A 64-bit varint from a number, bigint or decimal string, as protobuf-es accepts them. */
  int64(value: number | bigint | string): void {
    const n = typeof value === "number" ? value : Number(value);
    if (n >= 0 && Number.isSafeInteger(n)) {
      // Timestamps and ids: positive and well below 2^53, so plain arithmetic does.
      const buf = this.buf;
      let v = n;
      while (v > 127) {
        buf[this.pos++] = (v % 128) | 128;
        v = Math.floor(v / 128);
      }
      buf[this.pos++] = v;
      return;
    }
    let u = BigInt.asUintN(64, BigInt(value));
    while (u > 127n) {
      this.buf[this.pos++] = Number(u & 127n) | 128;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  /** A zigzag-encoded 64-bit varint (sint64). */
  sint64(value: number | bigint | string): void {
    const n = BigInt(value);
    this.int64(BigInt.asUintN(64, (n << 1n) ^ (n >> 63n)));
  }

  fixed64(value: number | bigint | string): void {
    this.pos = this.buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(value)), this.pos);
  }

  sfixed64(value: number | bigint | string): void {
    this.pos = this.buf.writeBigInt64LE(BigInt.asIntN(64, BigInt(value)), this.pos);
  }

  /** Reserves one byte for a length prefix and returns its offset. */
  beginDelimited(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Writes the length of what followed `mark`, moving it along if the length needs more than a byte. */
  endDelimited(mark: number): void {
    const length = this.pos - mark - 1;
    if (length < 128) {
      this.buf[mark] = length;
      return;
    }
    const extra = varintSize(length) - 1;
    this.ensure(extra);
    this.buf.copyWithin(mark + 1 + extra, mark + 1, this.pos);
    const end = this.pos + extra;
    this.pos = mark;
    this.varint32(length);
    this.pos = end;
  }

  bytes(value: Uint8Array): void {
    this.ensure(5 + value.length);
    this.varint32(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }
}

function varintSize(value: number): number {
  let size = 1;
  for (let v = value >>> 7; v > 0; v >>>= 7) size++;
  return size;
}
