/**
 * Symmetric primitives the TPM uses for parameter encryption and object/credential protection:
 * AES in full-block CFB mode (Part 1 §11.4.6, "CFB" with 128-bit feedback) and the XOR
 * obfuscation of Part 1 §11.4.6.3 (mask = KDFa(hash, key, "XOR", nonceNewer, nonceOlder, bits)).
 */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { hashById } from '../../core/hash.js';
import { kdfa } from './kdf.js';

/** AES-CFB (128-bit feedback) encryption or decryption with a 128/192/256-bit key. */
export function aesCfb(encrypt: boolean, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const alg = `aes-${key.length * 8}-cfb`;
  const c = encrypt ? createCipheriv(alg, key, iv) : createDecipheriv(alg, key, iv);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** XOR obfuscation (Part 1 §11.4.6.3): the same call encrypts and decrypts. */
export function xorObfuscate(hashAlg: number, key: Uint8Array, nonceNewer: Uint8Array, nonceOlder: Uint8Array, data: Uint8Array): Uint8Array {
  const mask = kdfa(hashAlg, key, 'XOR', nonceNewer, nonceOlder, data.length * 8);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ mask[i]!;
  return out;
}

/** HMAC with a TPM_ALG_ID hash. */
export function hmac(hashAlg: number, key: Uint8Array, ...parts: readonly Uint8Array[]): Uint8Array {
  const h = hashById(hashAlg);
  if (!h?.nodeName) throw new RangeError(`unsupported hash 0x${hashAlg.toString(16)}`);
  const m = createHmac(h.nodeName, key);
  for (const p of parts) m.update(p);
  return new Uint8Array(m.digest());
}
