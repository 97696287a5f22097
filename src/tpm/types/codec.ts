/**
 * Marshalling combinators for TPM 2.0 structures (Part 2 §4 and the "Marshal" rules of Part 4):
 * big-endian integers, TPM2B sized buffers, TPML counted lists, structures as ordered fields.
 *
 * Each spec type is declared once as a `Codec<T>` and used in both directions (client builds
 * commands and parses responses; the simulator parses commands and builds responses). Decoders
 * read through core's bounds-checked ByteReader, so truncated input is a WireError with the
 * offset and structure path; values the spec forbids (a size above the type's maximum, an
 * unknown union selector) raise a `TpmWireError` carrying the TPM_RC the simulator answers with.
 */
import { ByteReader, ByteWriter } from '../../core/bytes.js';
import { WireError } from '../../core/errors.js';
import { TPM_RC } from '../rc.js';

export interface Codec<T> {
  /** The spec name of the type (used in error paths). */
  readonly name: string;
  encode(w: ByteWriter, v: T): void;
  decode(r: ByteReader): T;
  /** True for TPM2B types: the first parameter of a command may then be session-encrypted. */
  readonly sized?: boolean;
}

/** A decoding error with the TPM_RC a TPM would return for it (e.g. TPM_RC_SIZE, TPM_RC_SELECTOR). */
export class TpmWireError extends WireError {
  readonly rc: number;
  constructor(rc: number, message: string, offset: number, typePath: string) {
    super(message, offset, typePath);
    this.rc = rc;
  }
}

/** Throw a TpmWireError at the reader's current position. */
export function fail(r: ByteReader, rc: number, message: string, at = r.offset): never {
  throw new TpmWireError(rc, message, r.base + at, r.typePath);
}

/** The TPM_RC for a WireError raised while unmarshalling (Part 4 marshalling rules). */
export function rcOfWireError(e: WireError): number {
  if (e instanceof TpmWireError) return e.rc;
  if (/trailing bytes/.test(e.message)) return TPM_RC.SIZE;
  return TPM_RC.INSUFFICIENT;
}

export type Infer<C> = C extends Codec<infer T> ? T : never;

export const UINT8: Codec<number> = { name: 'UINT8', encode: (w, v) => void w.u8(v), decode: (r) => r.u8() };
export const UINT16: Codec<number> = { name: 'UINT16', encode: (w, v) => void w.u16be(v), decode: (r) => r.u16be() };
export const UINT32: Codec<number> = { name: 'UINT32', encode: (w, v) => void w.u32be(v), decode: (r) => r.u32be() };
export const UINT64: Codec<bigint> = { name: 'UINT64', encode: (w, v) => void w.u64be(v), decode: (r) => r.u64be() };
export const INT32: Codec<number> = {
  name: 'INT32',
  encode: (w, v) => void w.u32be(v >>> 0),
  decode: (r) => r.u32be() | 0,
};
export const TPMI_YES_NO: Codec<boolean> = {
  name: 'TPMI_YES_NO',
  encode: (w, v) => void w.u8(v ? 1 : 0),
  decode: (r) => {
    const v = r.u8();
    if (v > 1) fail(r, TPM_RC.VALUE, `TPMI_YES_NO must be 0 or 1, got ${v}`, r.offset - 1);
    return v === 1;
  },
};

const EMPTY_TPM2B = new Uint8Array(0);

/**
 * A TPM2B byte buffer: UINT16 size then that many bytes. `max` is the size of the buffer
 * member in Part 2 (e.g. TPM2B_DIGEST: sizeof(TPMU_HA) = 64); larger is TPM_RC_SIZE.
 */
export function tpm2b(name: string, max: number): Codec<Uint8Array> {
  return {
    name,
    sized: true,
    encode(w, v) {
      if (v.length > max) throw new RangeError(`${name}: ${v.length} bytes exceeds the maximum ${max}`);
      w.u16be(v.length).bytes(v);
    },
    decode(r) {
      // Hot path (nonces, HMACs, digests): no closure; the type name goes into the messages.
      const n = r.u16be();
      if (n > max) fail(r, TPM_RC.SIZE, `${name}: size ${n} exceeds the maximum ${max}`, r.offset - 2);
      // Empty buffers (password-session nonces and HMACs, empty auths) share one array: V8
      // allocates a zero-length typed array off-heap (~0.2 µs), and an empty array cannot change.
      return n === 0 ? EMPTY_TPM2B : r.read(n, name);
    },
  };
}

/**
 * A TPM2B that wraps a structure (TPM2B_PUBLIC, TPM2B_SENSITIVE_CREATE, TPM2B_ATTEST …): the
 * UINT16 size must equal the marshalled size of the structure. With `allowEmpty`, size 0 decodes
 * to undefined (e.g. an absent TPM2B_SENSITIVE in TPM2_LoadExternal).
 */
export function sized<T>(name: string, inner: Codec<T>, allowEmpty: true): Codec<T | undefined>;
export function sized<T>(name: string, inner: Codec<T>, allowEmpty?: false): Codec<T>;
export function sized<T>(name: string, inner: Codec<T>, allowEmpty = false): Codec<T | undefined> {
  return {
    name,
    sized: true,
    encode(w, v) {
      if (v === undefined) {
        w.u16be(0);
        return;
      }
      const at = w.length;
      w.u16be(0);
      inner.encode(w, v);
      w.patchU16be(at, w.length - at - 2);
    },
    decode(r) {
      return r.within(name, () => {
        const n = r.u16be();
        if (n === 0) {
          if (allowEmpty) return undefined;
          fail(r, TPM_RC.SIZE, 'size 0 where a structure is required', r.offset - 2);
        }
        const sub = r.sub(n, inner.name);
        const v = inner.decode(sub);
        if (!sub.atEnd) fail(sub, TPM_RC.SIZE, `${sub.remaining} bytes left inside ${name}`);
        return v;
      });
    },
  };
}

/** A TPML list: UINT32 count (at most `max`, else TPM_RC_SIZE) then the elements. */
export function list<T>(name: string, element: Codec<T>, max: number): Codec<T[]> {
  return {
    name,
    encode(w, v) {
      w.u32be(v.length);
      for (const e of v) element.encode(w, e);
    },
    decode(r) {
      return r.within(name, () => {
        const n = r.u32be();
        if (n > max) fail(r, TPM_RC.SIZE, `count ${n} exceeds the maximum ${max}`, r.offset - 4);
        const out: T[] = [];
        for (let i = 0; i < n; i++) out.push(element.decode(r));
        return out;
      });
    },
  };
}

type Fields = Record<string, Codec<any>>;
export type StructOf<F extends Fields> = { [K in keyof F]: Infer<F[K]> };

export interface StructCodec<F extends Fields> extends Codec<StructOf<F>> {
  readonly fields: F;
}

/** A structure: its fields in declaration order (JavaScript keeps string-key insertion order). */
export function struct<F extends Fields>(name: string, fields: F): StructCodec<F> {
  const entries = Object.entries(fields);
  return {
    name,
    fields,
    sized: entries.length > 0 && entries[0]![1].sized === true,
    encode(w, v) {
      for (const [k, c] of entries) c.encode(w, (v as Record<string, unknown>)[k]);
    },
    decode(r) {
      return r.within(name, () => {
        const out: Record<string, unknown> = {};
        for (const [k, c] of entries) out[k] = r.within(k, () => c.decode(r));
        return out as StructOf<F>;
      });
    },
  };
}

/** A value restricted to a set (a TPMI_ interface type); anything else is `rc` (default TPM_RC_VALUE). */
export function oneOf(name: string, base: Codec<number>, allowed: readonly number[], rc: number = TPM_RC.VALUE): Codec<number> {
  const set = new Set(allowed);
  return {
    name,
    encode: base.encode,
    decode(r) {
      const at = r.offset;
      const v = base.decode(r);
      if (!set.has(v)) fail(r, rc, `${name}: 0x${v.toString(16)} is not allowed`, at);
      return v;
    },
  };
}

/** Marshal a value to bytes. */
export function marshal<T>(codec: Codec<T>, v: T, initial = 64): Uint8Array {
  const w = new ByteWriter(initial);
  codec.encode(w, v);
  return w.finish();
}

/** Unmarshal bytes that must contain exactly one value (trailing bytes are an error). */
export function unmarshal<T>(codec: Codec<T>, bytes: Uint8Array): T {
  const r = new ByteReader(bytes);
  const v = codec.decode(r);
  r.expectEnd(codec.name);
  return v;
}
