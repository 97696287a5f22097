/**
 * Bounds-checked byte reading and writing with absolute offsets.
 *
 * Every parser of untrusted bytes in the project reads through `ByteReader`: a read past the
 * end throws a `WireError` that names the offset and the structure being decoded, so no parser
 * can index out of range or allocate from an attacker-chosen length without a check.
 * TPM structures are big-endian (TPM 2.0 Part 1 §9.2); UEFI, PE/COFF and TCG event logs are
 * little-endian, so both byte orders are offered explicitly.
 */
import { WireError } from './errors.js';

export class ByteReader {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** Absolute offset of the next byte to read. */
  offset: number;
  /** Absolute offset one past the last readable byte. */
  readonly end: number;
  /** Offset of `bytes[0]` in the original input, for error messages of sub-readers. */
  readonly base: number;
  private readonly path: string[];

  constructor(bytes: Uint8Array, options: { offset?: number; end?: number; base?: number; path?: string[] } = {}) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = options.offset ?? 0;
    this.end = options.end ?? bytes.length;
    this.base = options.base ?? 0;
    this.path = options.path ?? [];
    if (this.offset < 0 || this.end > bytes.length || this.offset > this.end) {
      throw new RangeError(`ByteReader window ${this.offset}..${this.end} outside 0..${bytes.length}`);
    }
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  get atEnd(): boolean {
    return this.offset >= this.end;
  }

  /** The current structure path, outermost first, joined with dots. */
  get typePath(): string {
    return this.path.join('.');
  }

  /** An error at the current offset (or `at`), carrying the structure path. */
  error(message: string, at = this.offset): WireError {
    return new WireError(message, this.base + at, this.typePath);
  }

  /** Run `fn` with `name` pushed on the structure path, so nested errors say where they happened. */
  within<T>(name: string, fn: () => T): T {
    this.path.push(name);
    try {
      return fn();
    } finally {
      this.path.pop();
    }
  }

  /** Throw unless `n` more bytes are available. */
  need(n: number, what = 'field'): void {
    if (!Number.isInteger(n) || n < 0) throw this.error(`invalid length ${n} for ${what}`);
    if (n > this.remaining) {
      throw this.error(`truncated: ${what} needs ${n} bytes, ${this.remaining} left`);
    }
  }

  u8(): number {
    this.need(1, 'u8');
    return this.view.getUint8(this.offset++);
  }

  u16be(): number {
    this.need(2, 'u16');
    const v = this.view.getUint16(this.offset, false);
    this.offset += 2;
    return v;
  }

  u16le(): number {
    this.need(2, 'u16');
    const v = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return v;
  }

  u32be(): number {
    this.need(4, 'u32');
    const v = this.view.getUint32(this.offset, false);
    this.offset += 4;
    return v;
  }

  u32le(): number {
    this.need(4, 'u32');
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }

  u64be(): bigint {
    this.need(8, 'u64');
    const v = this.view.getBigUint64(this.offset, false);
    this.offset += 8;
    return v;
  }

  u64le(): bigint {
    this.need(8, 'u64');
    const v = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return v;
  }

  /** `n` bytes as a view into the input (no copy). Copy with `.slice()` before keeping it past the input's life. */
  bytesView(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** `n` bytes, copied. */
  read(n: number, what = 'bytes'): Uint8Array {
    return this.bytesView(n, what).slice();
  }

  skip(n: number, what = 'padding'): void {
    this.need(n, what);
    this.offset += n;
  }

  /** A reader over the next `n` bytes; this reader moves past them. Offsets stay absolute. */
  sub(n: number, name?: string): ByteReader {
    this.need(n, name ?? 'sub-structure');
    const r = new ByteReader(this.bytes, {
      offset: this.offset,
      end: this.offset + n,
      base: this.base,
      path: name ? [...this.path, name] : [...this.path],
    });
    this.offset += n;
    return r;
  }

  /** Peek a byte without moving; undefined at end. */
  peek(at = 0): number | undefined {
    const i = this.offset + at;
    return i < this.end ? this.bytes[i] : undefined;
  }

  /** Throw unless everything was consumed (trailing bytes are an error in strict codecs). */
  expectEnd(what = 'structure'): void {
    if (this.offset !== this.end) {
      throw this.error(`${this.end - this.offset} trailing bytes after ${what}`);
    }
  }
}

/** A growable byte buffer with explicit byte order. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
    return this;
  }

  u16be(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.length, v, false);
    this.length += 2;
    return this;
  }

  u16le(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
    return this;
  }

  u32be(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.length, v >>> 0, false);
    this.length += 4;
    return this;
  }

  u32le(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }

  u64be(v: bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.length, v, false);
    this.length += 8;
    return this;
  }

  u64le(v: bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.length, v, true);
    this.length += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
    return this;
  }

  /** Overwrite a big-endian u16/u32 at `at` (e.g. a size prefix written before its content was known). */
  patchU16be(at: number, v: number): this {
    this.view.setUint16(at, v, false);
    return this;
  }

  patchU32be(at: number, v: number): this {
    this.view.setUint32(at, v >>> 0, false);
    return this;
  }

  patchU32le(at: number, v: number): this {
    this.view.setUint32(at, v >>> 0, true);
    return this;
  }

  /** The written bytes (a copy, so the writer can be reused). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Concatenate byte arrays. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Constant-length comparison of two byte arrays (not constant-time; use crypto.timingSafeEqual for secrets). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Parse a hex string (whitespace and an optional 0x prefix allowed). Throws on odd length or non-hex. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/^0x/i, '').replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new RangeError(`not a hex string: ${hex.slice(0, 40)}`);
  }
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** A Uint8Array view of a Node Buffer or any ArrayBufferView, without copying. */
export function asBytes(b: ArrayBufferView): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
