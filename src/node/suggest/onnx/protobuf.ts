/**
 * The subset of the protobuf wire format that ONNX models need, written by hand (no dependency):
 * varints (int32/int64/enums), length-delimited fields (strings, bytes, nested messages, packed
 * repeated scalars) and fixed32 floats. Output is deterministic: fields in call order.
 */

const enum Wire {
  Varint = 0,
  Fixed64 = 1,
  Len = 2,
  Fixed32 = 5,
}

export class PbWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** Unsigned or negative (two's complement, 10 bytes) 64-bit varint from a safe integer or bigint. */
  varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) b |= 0x80;
      this.byte(b);
    } while (x !== 0n);
  }

  private tag(field: number, wire: Wire): void {
    this.varint((field << 3) | wire);
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  int(field: number, v: number | bigint): void {
    this.tag(field, Wire.Varint);
    this.varint(v);
  }

  float(field: number, v: number): void {
    this.tag(field, Wire.Fixed32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.raw(b);
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, Wire.Len);
    this.varint(b.length);
    this.raw(b);
  }

  string(field: number, s: string): void {
    this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, write: (w: PbWriter) => void): void {
    const w = new PbWriter();
    write(w);
    this.bytes(field, w.finish());
  }

  packedInts(field: number, vals: readonly (number | bigint)[]): void {
    const w = new PbWriter();
    for (const v of vals) w.varint(v);
    this.bytes(field, w.finish());
  }

  packedFloats(field: number, vals: ArrayLike<number>): void {
    const b = new Uint8Array(vals.length * 4);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < vals.length; i++) dv.setFloat32(i * 4, vals[i]!, true);
    this.bytes(field, b);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** A minimal reader: the top-level fields of a message, for checks and tests. */
export interface PbField {
  field: number;
  wire: number;
  /** varint value, or the bytes of a length-delimited / fixed field */
  value: bigint | Uint8Array;
}

export function readFields(b: Uint8Array): PbField[] {
  const out: PbField[] = [];
  let i = 0;
  const varint = (): bigint => {
    let x = 0n, shift = 0n;
    for (;;) {
      if (i >= b.length) throw new Error('protobuf: truncated varint');
      const c = b[i++]!;
      x |= BigInt(c & 0x7f) << shift;
      if (!(c & 0x80)) return x;
      shift += 7n;
      if (shift > 70n) throw new Error('protobuf: varint too long');
    }
  };
  while (i < b.length) {
    const key = Number(varint());
    const field = key >> 3, wire = key & 7;
    if (field === 0) throw new Error('protobuf: field number 0');
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 2) {
      const n = Number(varint());
      if (i + n > b.length) throw new Error('protobuf: length past the end');
      out.push({ field, wire, value: b.subarray(i, i + n) });
      i += n;
    } else if (wire === 5 || wire === 1) {
      const n = wire === 5 ? 4 : 8;
      if (i + n > b.length) throw new Error('protobuf: fixed field past the end');
      out.push({ field, wire, value: b.subarray(i, i + n) });
      i += n;
    } else throw new Error(`protobuf: unsupported wire type ${wire}`);
  }
  return out;
}
