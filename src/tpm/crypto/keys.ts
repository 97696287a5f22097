/**
 * TPM key material ⇄ node:crypto KeyObjects.
 *
 * - RSA public keys come from TPMT_PUBLIC.unique (the modulus) and parameters.exponent
 *   (0 means 65537, Part 2 §12.2.3.5). An RSA private key is stored, as the TPM stores it, as
 *   the prime p alone (TPMT_SENSITIVE.sensitive.rsa, Part 2 §11.3.2.3); q, d and the CRT values
 *   are recomputed.
 * - ECC keys are (x, y) and the scalar d, each padded to the curve size.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { TPM_ALG } from '../types/constants.js';
import type { TPMT_PUBLIC } from '../types/public.js';
import { b64url, fromBigInt, modInverse, toBigInt } from './bigint.js';
import { curveOrThrow, publicPoint } from './ecc.js';

export const DEFAULT_RSA_EXPONENT = 65537;

export function rsaExponent(pub: { parameters: { exponent: number } }): number {
  return pub.parameters.exponent === 0 ? DEFAULT_RSA_EXPONENT : pub.parameters.exponent;
}

function pad(b: Uint8Array, len: number): Uint8Array {
  if (b.length === len) return b;
  if (b.length > len) throw new RangeError(`coordinate of ${b.length} bytes exceeds ${len}`);
  const out = new Uint8Array(len);
  out.set(b, len - b.length);
  return out;
}

const publicCache = new WeakMap<object, KeyObject>();

/** The public key of an RSA or ECC TPMT_PUBLIC (cached per public-area object). */
export function publicKeyOf(pub: TPMT_PUBLIC): KeyObject {
  const hit = publicCache.get(pub);
  if (hit) return hit;
  let key: KeyObject;
  if (pub.type === TPM_ALG.RSA) {
    key = createPublicKey({
      key: { kty: 'RSA', n: b64url(pub.unique), e: b64url(fromBigInt(BigInt(rsaExponent(pub)))) },
      format: 'jwk',
    });
  } else if (pub.type === TPM_ALG.ECC) {
    const c = curveOrThrow(pub.parameters.curveID);
    key = createPublicKey({
      key: { kty: 'EC', crv: c.jwk, x: b64url(pad(pub.unique.x, c.size)), y: b64url(pad(pub.unique.y, c.size)) },
      format: 'jwk',
    });
  } else {
    throw new RangeError(`no asymmetric public key for object type 0x${pub.type.toString(16)}`);
  }
  publicCache.set(pub, key);
  return key;
}

/** RSA private key from the modulus, exponent and the prime p. Throws if p does not divide n. */
export function rsaPrivateFromPrime(modulus: Uint8Array, exponent: number, pBytes: Uint8Array): KeyObject {
  const n = toBigInt(modulus);
  const p = toBigInt(pBytes);
  if (p <= 1n || n % p !== 0n) throw new RangeError('RSA prime does not divide the modulus');
  const q = n / p;
  const e = BigInt(exponent);
  const d = modInverse(e, (p - 1n) * (q - 1n));
  const jwk = {
    kty: 'RSA',
    n: b64url(modulus),
    e: b64url(fromBigInt(e)),
    d: b64url(fromBigInt(d)),
    p: b64url(fromBigInt(p)),
    q: b64url(fromBigInt(q)),
    dp: b64url(fromBigInt(d % (p - 1n))),
    dq: b64url(fromBigInt(d % (q - 1n))),
    qi: b64url(fromBigInt(modInverse(q, p))),
  };
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

/**
 * ECC private key from the curve and scalar d. The public point is recomputed natively (d·G,
 * ≈27 µs for P-256) unless the caller passes one it already trusts to be d·G: the public area of
 * an object the TPM generated or loaded with integrity protection (Part 1 §27.3: only an external
 * load needs the binding check). node:crypto does not check that (x, y) matches d, so a wrong
 * point would only make signatures that fail to verify against it.
 */
export function eccPrivateKey(curveID: number, d: Uint8Array, point?: { x: Uint8Array; y: Uint8Array }): { key: KeyObject; x: Uint8Array; y: Uint8Array } {
  const c = curveOrThrow(curveID);
  const dd = pad(d, c.size);
  const usable = !!point && point.x.length > 0 && point.y.length > 0 && point.x.length <= c.size && point.y.length <= c.size;
  const { x, y } = usable ? { x: pad(point.x, c.size), y: pad(point.y, c.size) } : publicPoint(c, dd);
  const key = createPrivateKey({ key: { kty: 'EC', crv: c.jwk, x: b64url(x), y: b64url(y), d: b64url(dd) }, format: 'jwk' });
  return { key, x, y };
}

/** The RSA modulus and prime p of a node:crypto RSA private key (for storing it as a TPM does). */
export function rsaPartsOf(key: KeyObject): { modulus: Uint8Array; p: Uint8Array; exponent: number } {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.p || !jwk.e) throw new RangeError('not an RSA private key');
  const e = Number(toBigInt(new Uint8Array(Buffer.from(jwk.e, 'base64url'))));
  return { modulus: new Uint8Array(Buffer.from(jwk.n, 'base64url')), p: new Uint8Array(Buffer.from(jwk.p, 'base64url')), exponent: e };
}

/** The ECC point and scalar of a node:crypto EC private key. */
export function eccPartsOf(key: KeyObject): { x: Uint8Array; y: Uint8Array; d: Uint8Array } {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || !jwk.x || !jwk.y || !jwk.d) throw new RangeError('not an EC private key');
  const dec = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));
  return { x: dec(jwk.x), y: dec(jwk.y), d: dec(jwk.d) };
}

/** The PEM SubjectPublicKeyInfo of a TPM public area (as `tpm2_readpublic -f pem` writes). */
export function publicPem(pub: TPMT_PUBLIC): string {
  return publicKeyOf(pub).export({ type: 'spki', format: 'pem' }).toString();
}
