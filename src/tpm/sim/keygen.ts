/**
 * Key material for new objects (TPM 2.0 Part 1 §26–27).
 *
 * Primary objects are a deterministic function of the hierarchy's primary seed and the
 * template (Part 1 §27.7: "the TPM will produce the same Primary Object if the template and
 * seed are the same"), which is what keeps a node's EK identical across reboots and server
 * restarts. Every secret is drawn from KDFa(nameAlg, seed, label, H(template ‖ data), counter):
 *  - ECC: d = (KDFa(… "ECC" …, orderBits + 64) mod (n − 1)) + 1 (FIPS 186-4 B.4.1);
 *  - RSA: prime candidates from KDFa(… "RSA" …), top two and low bit set, filtered by a small-
 *    prime sieve and tested with node:crypto checkPrime (libuv thread pool, so RSA-2048 does not
 *    stall the event loop); derived keys are cached per (seed, template);
 *  - seedValue (child-protection seed of storage keys, obfuscation value of keyed-hash/symmetric
 *    objects) and keyed-hash/symmetric key bits the same way.
 * Ordinary objects (TPM2_Create) use fresh randomness; RSA through async generateKeyPair.
 */
import { checkPrime, generateKeyPair } from 'node:crypto';
import { concat } from '../../core/bytes.js';
import { hash } from '../../core/hash.js';
import { marshal } from '../types/codec.js';
import { hashSize } from '../types/basic.js';
import { TPM_ALG, TPMA_OBJECT } from '../types/constants.js';
import { type TPMT_PUBLIC, TPMT_PUBLIC as TPMT_PUBLIC_CODEC } from '../types/public.js';
import type { TPMT_SENSITIVE } from '../types/sensitive.js';
import { kdfa } from '../crypto/kdf.js';
import { fromBigInt, gcd, mod, toBigInt } from '../crypto/bigint.js';
import { curveOrThrow, publicPoint } from '../crypto/ecc.js';
import { rsaExponent, rsaPartsOf } from '../crypto/keys.js';

export interface SensitiveCreate {
  userAuth: Uint8Array;
  data: Uint8Array;
}

export interface NewObject {
  public: TPMT_PUBLIC;
  sensitive: TPMT_SENSITIVE;
}

/** Does this object protect children (a storage parent): restricted decrypt. */
export function isStorageKey(pub: TPMT_PUBLIC): boolean {
  const a = pub.objectAttributes;
  return (a & TPMA_OBJECT.restricted) !== 0 && (a & TPMA_OBJECT.decrypt) !== 0 && (a & TPMA_OBJECT.sign) === 0;
}

function needsSeedValue(pub: TPMT_PUBLIC): boolean {
  return isStorageKey(pub) || pub.type === TPM_ALG.KEYEDHASH || pub.type === TPM_ALG.SYMCIPHER;
}

const SMALL_PRIMES: number[] = (() => {
  const out: number[] = [];
  for (let n = 3; out.length < 2000; n += 2) if (out.every((p) => p * p > n || n % p !== 0)) out.push(n);
  return out;
})();
const SMALL_PRODUCT = SMALL_PRIMES.slice(0, 120).reduce((a, p) => a * BigInt(p), 1n);

/** True when no small prime divides c (cheap rejection before the Miller–Rabin test). */
function survivesSieve(c: bigint): boolean {
  const r = c % SMALL_PRODUCT;
  for (let i = 0; i < 120; i++) if (r % BigInt(SMALL_PRIMES[i]!) === 0n) return false;
  for (let i = 120; i < SMALL_PRIMES.length; i++) if (c % BigInt(SMALL_PRIMES[i]!) === 0n) return false;
  return true;
}

function isPrimeAsync(c: bigint): Promise<boolean> {
  return new Promise((resolve, reject) => checkPrime(c, { checks: 32 }, (err, ok) => (err ? reject(err) : resolve(ok))));
}

/** A prime of `bits` bits from a deterministic stream: KDFa(alg, seed, "RSA", context, index ‖ counter). */
async function derivePrime(alg: number, seed: Uint8Array, context: Uint8Array, index: number, bits: number, e: bigint): Promise<bigint> {
  for (let counter = 1; counter < 1 << 20; counter++) {
    const ctr = new Uint8Array([index, counter >>> 16, (counter >>> 8) & 0xff, counter & 0xff]);
    let c = toBigInt(kdfa(alg, seed, 'RSA', context, ctr, bits));
    c |= (3n << BigInt(bits - 2)) | 1n;
    if (!survivesSieve(c) || gcd(c - 1n, e) !== 1n) continue;
    if (await isPrimeAsync(c)) return c;
  }
  throw new RangeError('no prime found');
}

const rsaCache = new Map<string, { p: bigint; n: bigint }>();
const RSA_CACHE_MAX = 4096;

async function deriveRsa(alg: number, seed: Uint8Array, context: Uint8Array, keyBits: number, e: bigint): Promise<{ p: bigint; n: bigint }> {
  const key = Buffer.from(hash(TPM_ALG.SHA256, seed, context, new Uint8Array([keyBits >> 8, keyBits & 0xff]), fromBigInt(e))).toString('hex');
  const hit = rsaCache.get(key);
  if (hit) {
    rsaCache.delete(key);
    rsaCache.set(key, hit);
    return hit;
  }
  const half = keyBits / 2;
  const p = await derivePrime(alg, seed, context, 1, half, e);
  let q: bigint;
  for (let i = 2; ; i++) {
    q = await derivePrime(alg, seed, context, i, half, e);
    // FIPS 186-4 B.3.3: |p − q| > 2^(nlen/2 − 100)
    const d = p > q ? p - q : q - p;
    if (d > 1n << BigInt(half - 100)) break;
  }
  const out = { p, n: p * q };
  rsaCache.set(key, out);
  if (rsaCache.size > RSA_CACHE_MAX) rsaCache.delete(rsaCache.keys().next().value!);
  return out;
}

function templateContext(template: TPMT_PUBLIC, sensitive: SensitiveCreate): Uint8Array {
  const { raw: _raw, ...t } = template;
  return hash(template.nameAlg, marshal(TPMT_PUBLIC_CODEC, t as TPMT_PUBLIC, 512), sensitive.data);
}

function uniqueOf(pub: TPMT_PUBLIC, seedValue: Uint8Array, bits: Uint8Array): Uint8Array {
  return hash(pub.nameAlg, seedValue, bits);
}

/** Derive a primary object (CreatePrimary) from a hierarchy seed. */
export async function derivePrimary(seed: Uint8Array, template: TPMT_PUBLIC, sensitive: SensitiveCreate): Promise<NewObject> {
  const alg = template.nameAlg;
  const ctx = templateContext(template, sensitive);
  const seedValue = needsSeedValue(template) ? kdfa(alg, seed, 'SEED', ctx, new Uint8Array(0), hashSize(alg) * 8) : new Uint8Array(0);
  const base = { authValue: sensitive.userAuth, seedValue };
  const { raw: _raw, ...tmpl } = template;
  switch (template.type) {
    case TPM_ALG.ECC: {
      const c = curveOrThrow(template.parameters.curveID);
      const nBits = c.n.toString(2).length;
      const d = mod(toBigInt(kdfa(alg, seed, 'ECC', ctx, new Uint8Array(0), nBits + 64)), c.n - 1n) + 1n;
      const dBytes = fromBigInt(d, c.size);
      const point = publicPoint(c, dBytes);
      return { public: { ...tmpl, type: TPM_ALG.ECC, parameters: template.parameters, unique: point } as TPMT_PUBLIC, sensitive: { sensitiveType: TPM_ALG.ECC, ...base, sensitive: dBytes } };
    }
    case TPM_ALG.RSA: {
      const e = BigInt(rsaExponent(template));
      const { p, n } = await deriveRsa(alg, seed, ctx, template.parameters.keyBits, e);
      const bytes = template.parameters.keyBits / 8;
      return {
        public: { ...tmpl, type: TPM_ALG.RSA, parameters: template.parameters, unique: fromBigInt(n, bytes) } as TPMT_PUBLIC,
        sensitive: { sensitiveType: TPM_ALG.RSA, ...base, sensitive: fromBigInt(p, bytes / 2) },
      };
    }
    default: {
      const bits = symmetricBits(template, sensitive, (n) => kdfa(alg, seed, 'SYM', ctx, new Uint8Array(0), n * 8));
      return { public: { ...tmpl, unique: uniqueOf(template, seedValue, bits) } as TPMT_PUBLIC, sensitive: { sensitiveType: template.type, ...base, sensitive: bits } };
    }
  }
}

/** Key bits of a keyed-hash or symmetric object: caller data, or generated when sensitiveDataOrigin. */
function symmetricBits(template: TPMT_PUBLIC, sensitive: SensitiveCreate, gen: (n: number) => Uint8Array): Uint8Array {
  if (sensitive.data.length > 0) return sensitive.data;
  if (template.type === TPM_ALG.SYMCIPHER) return gen(template.parameters.sym.keyBits / 8);
  if (template.type === TPM_ALG.KEYEDHASH && template.parameters.scheme.scheme !== TPM_ALG.NULL) return gen(hashSize(template.parameters.scheme.hashAlg));
  return new Uint8Array(0);
}

function generateRsa(bits: number, exponent: number): Promise<{ n: Uint8Array; p: Uint8Array }> {
  return new Promise((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: bits, publicExponent: exponent }, (err, _pub, priv) => {
      if (err) return reject(err);
      const parts = rsaPartsOf(priv);
      resolve({ n: parts.modulus, p: parts.p });
    }),
  );
}

/** Generate an ordinary object (TPM2_Create) with fresh randomness from `random`. */
export async function generateObject(template: TPMT_PUBLIC, sensitive: SensitiveCreate, random: (n: number) => Uint8Array): Promise<NewObject> {
  const alg = template.nameAlg;
  const seedValue = needsSeedValue(template) ? random(hashSize(alg)) : new Uint8Array(0);
  const base = { authValue: sensitive.userAuth, seedValue };
  const { raw: _raw, ...tmpl } = template;
  switch (template.type) {
    case TPM_ALG.ECC: {
      const c = curveOrThrow(template.parameters.curveID);
      const d = mod(toBigInt(random(c.size + 8)), c.n - 1n) + 1n;
      const dBytes = fromBigInt(d, c.size);
      return { public: { ...tmpl, type: TPM_ALG.ECC, parameters: template.parameters, unique: publicPoint(c, dBytes) } as TPMT_PUBLIC, sensitive: { sensitiveType: TPM_ALG.ECC, ...base, sensitive: dBytes } };
    }
    case TPM_ALG.RSA: {
      const bytes = template.parameters.keyBits / 8;
      const { n, p } = await generateRsa(template.parameters.keyBits, rsaExponent(template));
      return {
        public: { ...tmpl, type: TPM_ALG.RSA, parameters: template.parameters, unique: concat(new Uint8Array(bytes - n.length), n) } as TPMT_PUBLIC,
        sensitive: { sensitiveType: TPM_ALG.RSA, ...base, sensitive: concat(new Uint8Array(bytes / 2 - p.length), p) },
      };
    }
    default: {
      const bits = symmetricBits(template, sensitive, random);
      return { public: { ...tmpl, unique: uniqueOf(template, seedValue, bits) } as TPMT_PUBLIC, sensitive: { sensitiveType: template.type, ...base, sensitive: bits } };
    }
  }
}
