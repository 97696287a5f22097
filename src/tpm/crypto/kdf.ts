/**
 * Key derivation functions of TPM 2.0 Part 1 §11.4.10:
 * - KDFa: SP800-108 counter mode with HMAC (Part 1 §11.4.10.2), used for session keys,
 *   parameter encryption, object protection and credential protection;
 * - KDFe: SP800-56A concatenation KDF (Part 1 §11.4.10.3), used after ECDH.
 * Both append the label's terminating zero octet when the label does not already end with one.
 */
import { createHash, createHmac } from 'node:crypto';
import { hashById } from '../../core/hash.js';

function nodeHash(alg: number): string {
  const h = hashById(alg);
  if (!h?.nodeName) throw new RangeError(`unsupported hash 0x${alg.toString(16)}`);
  return h.nodeName;
}

function labelBytes(label: string | Uint8Array): Uint8Array {
  const b = typeof label === 'string' ? new TextEncoder().encode(label) : label;
  if (b.length > 0 && b[b.length - 1] === 0) return b;
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, false);
  return b;
}

/** Keep `bits` bits: whole bytes, with the excess high bits of the first byte cleared (Part 1 §11.4.10.2). */
function truncate(out: Uint8Array, bits: number): Uint8Array {
  const bytes = Math.ceil(bits / 8);
  const r = out.slice(0, bytes);
  if (bits % 8 !== 0) r[0]! &= (1 << bits % 8) - 1;
  return r;
}

/** KDFa(hashAlg, key, label, contextU, contextV, bits). */
export function kdfa(
  hashAlg: number,
  key: Uint8Array,
  label: string | Uint8Array,
  contextU: Uint8Array,
  contextV: Uint8Array,
  bits: number,
): Uint8Array {
  const name = nodeHash(hashAlg);
  const l = labelBytes(label);
  const bitsBytes = u32(bits);
  const bytes = Math.ceil(bits / 8);
  const chunks: Buffer[] = [];
  let have = 0;
  for (let i = 1; have < bytes; i++) {
    const h = createHmac(name, key);
    h.update(u32(i)).update(l).update(contextU).update(contextV).update(bitsBytes);
    const d = h.digest();
    chunks.push(d);
    have += d.length;
  }
  return truncate(new Uint8Array(Buffer.concat(chunks)), bits);
}

/** KDFe(hashAlg, Z, label, partyUInfo, partyVInfo, bits). */
export function kdfe(
  hashAlg: number,
  z: Uint8Array,
  label: string | Uint8Array,
  partyU: Uint8Array,
  partyV: Uint8Array,
  bits: number,
): Uint8Array {
  const name = nodeHash(hashAlg);
  const l = labelBytes(label);
  const bytes = Math.ceil(bits / 8);
  const chunks: Buffer[] = [];
  let have = 0;
  for (let i = 1; have < bytes; i++) {
    const d = createHash(name).update(u32(i)).update(z).update(l).update(partyU).update(partyV).digest();
    chunks.push(d);
    have += d.length;
  }
  return truncate(new Uint8Array(Buffer.concat(chunks)), bits);
}
