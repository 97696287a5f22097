/**
 * Protection of saved contexts (TPM 2.0 Part 1 §30.3): the blob is
 *   TPM2B_DIGEST(integrity) ‖ AES-256-CFB(encKey, iv, data)
 * with encKey ‖ iv = KDFa(SHA-256, proof, "CONTEXT", sequence, "", 384) and
 * integrity = HMAC(KDFa(SHA-256, proof, "INTEGRITY", …), sequence ‖ savedHandle ‖ ciphertext),
 * where proof is the proof value of the object's hierarchy (the null hierarchy's proof changes
 * at TPM Reset, so its contexts die then, as the spec requires). Session contexts carry only
 * the session handle: the session state itself stays inside the TPM (it counts against
 * activeSessions) and is matched by sequence number on load.
 */
import { timingSafeEqual } from 'node:crypto';
import { ByteReader, ByteWriter } from '../../core/bytes.js';
import { kdfa } from '../crypto/kdf.js';
import { aesCfb, hmac } from '../crypto/symmetric.js';
import { TPM2B_DIGEST, TPM2B_NAME } from '../types/basic.js';
import { TPM_ALG } from '../types/constants.js';
import { TPM2B_PUBLIC } from '../types/public.js';
import { TPM2B_SENSITIVE } from '../types/sensitive.js';
import { objectName } from '../crypto/name.js';
import type { TpmObject } from './state/objects.js';

function u64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v);
  return b;
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0);
  return b;
}

function keys(proof: Uint8Array, sequence: bigint): { enc: Uint8Array; iv: Uint8Array; mac: Uint8Array } {
  const km = kdfa(TPM_ALG.SHA256, proof, 'CONTEXT', u64(sequence), new Uint8Array(0), 384);
  const mac = kdfa(TPM_ALG.SHA256, proof, 'INTEGRITY', u64(sequence), new Uint8Array(0), 256);
  return { enc: km.subarray(0, 32), iv: km.subarray(32, 48), mac };
}

export function sealContext(proof: Uint8Array, sequence: bigint, savedHandle: number, data: Uint8Array): Uint8Array {
  const k = keys(proof, sequence);
  const ct = aesCfb(true, k.enc, k.iv, data);
  const w = new ByteWriter(ct.length + 40);
  TPM2B_DIGEST.encode(w, hmac(TPM_ALG.SHA256, k.mac, u64(sequence), u32(savedHandle), ct));
  w.bytes(ct);
  return w.finish();
}

/** The plaintext, or undefined when the blob is malformed or its integrity check fails. */
export function openContext(proof: Uint8Array, sequence: bigint, savedHandle: number, blob: Uint8Array): Uint8Array | undefined {
  try {
    const r = new ByteReader(blob);
    const tag = TPM2B_DIGEST.decode(r);
    const ct = r.read(r.remaining);
    const k = keys(proof, sequence);
    const want = hmac(TPM_ALG.SHA256, k.mac, u64(sequence), u32(savedHandle), ct);
    if (tag.length !== want.length || !timingSafeEqual(tag, want)) return undefined;
    return aesCfb(false, k.enc, k.iv, ct);
  } catch {
    return undefined;
  }
}

export function encodeObject(o: TpmObject): Uint8Array {
  const w = new ByteWriter(1024);
  w.u32be(o.hierarchy).u8(o.external ? 1 : 0);
  TPM2B_PUBLIC.encode(w, o.public);
  TPM2B_SENSITIVE.encode(w, o.sensitive);
  TPM2B_NAME.encode(w, o.name);
  TPM2B_NAME.encode(w, o.qualifiedName);
  return w.finish();
}

export function decodeObject(b: Uint8Array): TpmObject {
  const r = new ByteReader(b);
  const hierarchy = r.u32be();
  const external = r.u8() === 1;
  const pub = TPM2B_PUBLIC.decode(r);
  const sensitive = TPM2B_SENSITIVE.decode(r);
  const name = TPM2B_NAME.decode(r);
  const qualifiedName = TPM2B_NAME.decode(r);
  r.expectEnd('object context');
  return {
    public: pub,
    name: pub.nameAlg === TPM_ALG.NULL ? name : objectName(pub),
    qualifiedName,
    hierarchy,
    ...(external ? { external } : {}),
    ...(sensitive ? { sensitive } : {}),
  };
}
