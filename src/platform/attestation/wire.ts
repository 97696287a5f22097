/**
 * Messages between the service and its verifier threads (verifier-pool.ts) carry their bytes in
 * one ArrayBuffer, transferred rather than cloned. Structured cloning gives every typed array an
 * ArrayBuffer of its own (≈1–2 µs each, a dozen per evidence) and copies a view's *whole*
 * underlying buffer (the TPM client decodes responses in place: a PCR value is a view into a
 * response buffer); packing copies each array's bytes once into a fresh buffer that nobody else
 * holds, so transferring it is safe.
 *
 * `pack` walks plain objects and arrays (the evidence, a TPMT_PUBLIC) and replaces each
 * Uint8Array with `{ [BYTES]: [offset, length] }`; `unpack` turns those back into views of the
 * transferred buffer (read-only use: the verifier never writes into its evidence).
 */

const BYTES = '\u0000bytes';

type Marker = { readonly [BYTES]: readonly [number, number] };

export interface Packed<T> {
  /** `value` with its byte arrays replaced by markers. */
  readonly value: T;
  /** Their bytes, back to back (transfer it). */
  readonly buffer: ArrayBuffer;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== 'object') return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

export function pack<T>(value: T): Packed<T> {
  const parts: Uint8Array[] = [];
  let size = 0;
  const walk = (v: unknown): unknown => {
    if (v instanceof Uint8Array) {
      parts.push(v);
      const m: Marker = { [BYTES]: [size, v.byteLength] };
      size += v.byteLength;
      return m;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (isPlain(v)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) out[k] = walk(v[k]);
      return out;
    }
    return v;
  };
  const shape = walk(value) as T;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  return { value: shape, buffer: bytes.buffer };
}

export function unpack<T>(value: T, buffer: ArrayBuffer): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (isPlain(v)) {
      const m = (v as Partial<Marker>)[BYTES];
      if (m) return new Uint8Array(buffer, m[0], m[1]);
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) out[k] = walk(v[k]);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
