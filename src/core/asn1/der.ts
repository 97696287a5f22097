/**
 * DER (ITU-T X.690 §10) reading and writing, hand-written for speed and bounds safety.
 *
 * Why not asn1js/pkijs: Authenticode, PKCS#7 module signatures and certificate chains are parsed
 * on hot paths (every kernel module, every node boot); an object-per-node generic parser is about
 * 100× slower than walking the bytes (reference/secureboot.md §6). `Tlv` values are views into
 * the input, so parsing allocates almost nothing and raw bytes stay available for hashing.
 *
 * Only definite lengths are accepted (DER); indefinite lengths (BER) are refused with an offset.
 */
import { ByteWriter, concat } from '../bytes.js';
import { WireError } from '../errors.js';

/** Universal tag numbers (X.680 §8.4) with the constructed bit where DER requires it. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP_STRING: 0x1e,
  UNIVERSAL_STRING: 0x1c,
} as const;

/** One decoded tag-length-value, pointing into `bytes`. */
export interface Tlv {
  /** The identifier octet (class, constructed bit and tag number < 31). */
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset one past the last content octet. */
  readonly end: number;
  readonly bytes: Uint8Array;
}

export const isConstructed = (t: Tlv): boolean => (t.tag & 0x20) !== 0;
export const contextTag = (n: number, constructed: boolean): number => 0x80 | (constructed ? 0x20 : 0) | n;

/** The content octets of `t` (a view). */
export function content(t: Tlv): Uint8Array {
  return t.bytes.subarray(t.contentStart, t.end);
}

/** The whole encoding of `t`, header included (a view) — what gets hashed or signed. */
export function encoded(t: Tlv): Uint8Array {
  return t.bytes.subarray(t.start, t.end);
}

/**
 * Decode the TLV at `offset`, which must end by `limit`. `base` is added to offsets in errors
 * when `bytes` is itself a window into a larger input.
 */
export function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length, what = 'DER value', base = 0): Tlv {
  const fail = (msg: string, at: number) => new WireError(msg, base + at, what);
  if (offset >= limit) throw fail('truncated: expected a tag', offset);
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw fail(`high-tag-number form not supported (tag 0x${tag.toString(16)})`, offset);
  if (offset + 1 >= limit) throw fail('truncated: expected a length', offset + 1);
  let len = bytes[offset + 1]!;
  let p = offset + 2;
  if (len === 0x80) throw fail('indefinite length is not DER', offset + 1);
  if (len > 0x80) {
    const n = len & 0x7f;
    if (n > 4) throw fail(`length of ${n} octets is too large`, offset + 1);
    if (p + n > limit) throw fail('truncated: length octets', p);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[p + i]!;
    p += n;
  }
  if (len > limit - p) throw fail(`truncated: content of ${len} bytes, ${limit - p} left`, p);
  return { tag, start: offset, contentStart: p, end: p + len, bytes };
}

/** Decode exactly one TLV spanning all of `bytes`. */
export function parseDer(bytes: Uint8Array, what = 'DER value'): Tlv {
  const t = readTlv(bytes, 0, bytes.length, what);
  if (t.end !== bytes.length) throw new WireError(`${bytes.length - t.end} trailing bytes`, t.end, what);
  return t;
}

/** The children of a constructed TLV, in order. */
export function children(t: Tlv, what = 'DER value'): Tlv[] {
  const out: Tlv[] = [];
  let p = t.contentStart;
  while (p < t.end) {
    const c = readTlv(t.bytes, p, t.end, what);
    out.push(c);
    p = c.end;
  }
  return out;
}

/** Throw unless `t` has tag `tag`. */
export function expectTag(t: Tlv, tag: number, what: string): Tlv {
  if (t.tag !== tag) {
    throw new WireError(`expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`, t.start, what);
  }
  return t;
}

/** Children of a SEQUENCE/SET, checking the tag and (optionally) a minimum count. */
export function sequence(t: Tlv, what: string, min = 0, tag: number = TAG.SEQUENCE): Tlv[] {
  expectTag(t, tag, what);
  const c = children(t, what);
  if (c.length < min) throw new WireError(`expected at least ${min} elements, found ${c.length}`, t.start, what);
  return c;
}

/** Decode an OBJECT IDENTIFIER to dotted text (X.690 §8.19). */
export function readOid(t: Tlv, what = 'OBJECT IDENTIFIER'): string {
  expectTag(t, TAG.OID, what);
  const b = content(t);
  if (b.length === 0) throw new WireError('empty OID', t.start, what);
  const arcs: number[] = [];
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    if (v === 0 && x === 0x80) throw new WireError('non-minimal OID arc', t.contentStart + i, what);
    v = v * 128 + (x & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new WireError('OID arc too large', t.contentStart + i, what);
    if ((x & 0x80) === 0) {
      arcs.push(v);
      v = 0;
    }
  }
  if ((b[b.length - 1]! & 0x80) !== 0) throw new WireError('truncated OID arc', t.end - 1, what);
  const first = arcs[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/** INTEGER content as a bigint (two's complement). */
export function readInteger(t: Tlv, what = 'INTEGER'): bigint {
  expectTag(t, TAG.INTEGER, what);
  const b = content(t);
  if (b.length === 0) throw new WireError('empty INTEGER', t.start, what);
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  if (b[0]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return v;
}

/** A small non-negative INTEGER as a number (versions, path lengths). */
export function readSmallInt(t: Tlv, what = 'INTEGER'): number {
  const v = readInteger(t, what);
  if (v < 0n || v > 0x7fffffffn) throw new WireError(`integer ${v} out of range`, t.start, what);
  return Number(v);
}

export function readBoolean(t: Tlv, what = 'BOOLEAN'): boolean {
  expectTag(t, TAG.BOOLEAN, what);
  if (t.end - t.contentStart !== 1) throw new WireError('BOOLEAN must be one octet', t.start, what);
  return t.bytes[t.contentStart] !== 0;
}

/** BIT STRING content without the unused-bits octet; `unusedBits` says how many trailing bits are padding. */
export function readBitString(t: Tlv, what = 'BIT STRING'): { bits: Uint8Array; unusedBits: number } {
  expectTag(t, TAG.BIT_STRING, what);
  if (t.end === t.contentStart) throw new WireError('empty BIT STRING', t.start, what);
  const unusedBits = t.bytes[t.contentStart]!;
  if (unusedBits > 7) throw new WireError(`invalid unused-bits count ${unusedBits}`, t.contentStart, what);
  return { bits: t.bytes.subarray(t.contentStart + 1, t.end), unusedBits };
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');
const utf16be = new TextDecoder('utf-16be');

/** Any of the X.520 string types as a JS string. */
export function readString(t: Tlv, what = 'string'): string {
  const b = content(t);
  switch (t.tag) {
    case TAG.UTF8_STRING:
      return utf8.decode(b);
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.T61_STRING:
      return latin1.decode(b);
    case TAG.BMP_STRING:
      return utf16be.decode(b);
    case TAG.UNIVERSAL_STRING: {
      let s = '';
      for (let i = 0; i + 3 < b.length; i += 4) s += String.fromCodePoint(((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0);
      return s;
    }
    default:
      throw new WireError(`not a string type (tag 0x${t.tag.toString(16)})`, t.start, what);
  }
}

/** UTCTime (X.680 §47; RFC 5280 §4.1.2.5.1: YY < 50 → 20YY) or GeneralizedTime, to a Date. */
export function readTime(t: Tlv, what = 'Time'): Date {
  const s = latin1.decode(content(t));
  let m: RegExpMatchArray | null;
  if (t.tag === TAG.UTC_TIME && (m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/))) {
    const yy = Number(m[1]);
    return new Date(Date.UTC(yy < 50 ? 2000 + yy : 1900 + yy, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
  }
  if (t.tag === TAG.GENERALIZED_TIME && (m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/))) {
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  throw new WireError(`malformed time "${s.slice(0, 20)}"`, t.start, what);
}

// ---------------------------------------------------------------------------------------------
// Writing. Each function returns the complete encoding of one value.

function header(tag: number, len: number): Uint8Array {
  if (len < 0x80) return Uint8Array.of(tag, len);
  const octets: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) octets.unshift(v & 0xff);
  return Uint8Array.of(tag, 0x80 | octets.length, ...octets);
}

/** A TLV with the given identifier octet and content. */
export function tlv(tag: number, ...parts: readonly Uint8Array[]): Uint8Array {
  const body = parts.length === 1 ? parts[0]! : concat(...parts);
  return concat(header(tag, body.length), body);
}

export const der = {
  seq: (...items: readonly Uint8Array[]) => tlv(TAG.SEQUENCE, ...items),
  /** SET OF, with elements sorted as DER requires (X.690 §11.6). */
  set: (...items: readonly Uint8Array[]) => tlv(TAG.SET, ...[...items].sort(compareBytes)),
  bool: (v: boolean) => Uint8Array.of(TAG.BOOLEAN, 1, v ? 0xff : 0),
  null: () => Uint8Array.of(TAG.NULL, 0),
  octets: (b: Uint8Array) => tlv(TAG.OCTET_STRING, b),
  bits: (b: Uint8Array, unusedBits = 0) => tlv(TAG.BIT_STRING, Uint8Array.of(unusedBits), b),
  utf8: (s: string) => tlv(TAG.UTF8_STRING, new TextEncoder().encode(s)),
  printable: (s: string) => tlv(TAG.PRINTABLE_STRING, new TextEncoder().encode(s)),
  ia5: (s: string) => tlv(TAG.IA5_STRING, new TextEncoder().encode(s)),
  oid: (dotted: string) => tlv(TAG.OID, encodeOidContent(dotted)),
  /** INTEGER from a bigint/number, or from unsigned big-endian magnitude bytes (e.g. a serial number). */
  int: (v: bigint | number | Uint8Array) => tlv(TAG.INTEGER, integerContent(v)),
  /** Time as UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
  time: (d: Date) => {
    const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
    const year = d.getUTCFullYear();
    return year >= 1950 && year < 2050 ? tlv(TAG.UTC_TIME, new TextEncoder().encode(iso.slice(2))) : tlv(TAG.GENERALIZED_TIME, new TextEncoder().encode(iso));
  },
  /** [n] EXPLICIT inner */
  explicit: (n: number, inner: Uint8Array) => tlv(contextTag(n, true), inner),
  /** [n] IMPLICIT with raw content (primitive unless `constructed`). */
  implicit: (n: number, contentBytes: Uint8Array, constructed = false) => tlv(contextTag(n, constructed), contentBytes),
};

function encodeOidContent(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((x) => {
    if (!/^\d+$/.test(x)) throw new RangeError(`bad OID "${dotted}"`);
    return Number(x);
  });
  if (arcs.length < 2 || arcs[0]! > 2) throw new RangeError(`bad OID "${dotted}"`);
  const w = new ByteWriter(16);
  const put = (v: number) => {
    const groups: number[] = [];
    do {
      groups.unshift(v % 128);
      v = Math.floor(v / 128);
    } while (v > 0);
    groups.forEach((g, i) => w.u8(i < groups.length - 1 ? g | 0x80 : g));
  };
  put(arcs[0]! * 40 + arcs[1]!);
  for (const a of arcs.slice(2)) put(a);
  return w.finish();
}

function integerContent(v: bigint | number | Uint8Array): Uint8Array {
  if (v instanceof Uint8Array) {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const mag = v.subarray(i);
    return mag.length > 0 && mag[0]! & 0x80 ? concat(Uint8Array.of(0), mag) : mag.length ? mag.slice() : Uint8Array.of(0);
  }
  let n = BigInt(v);
  const out: number[] = [];
  if (n >= 0n) {
    do {
      out.unshift(Number(n & 0xffn));
      n >>= 8n;
    } while (n > 0n);
    if (out[0]! & 0x80) out.unshift(0);
  } else {
    while (true) {
      out.unshift(Number(n & 0xffn));
      n >>= 8n;
      if (n === -1n && out[0]! & 0x80) break;
    }
  }
  return Uint8Array.from(out);
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** PEM armour (RFC 7468) for DER bytes. */
export function toPem(derBytes: Uint8Array, label: string): string {
  const b64 = Buffer.from(derBytes).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** All PEM blocks with `label` (or any label when omitted) in `text`, as DER. */
export function fromPem(text: string, label?: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (const m of text.matchAll(re)) {
    if (label && m[1] !== label) continue;
    out.push(new Uint8Array(Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64')));
  }
  return out;
}
