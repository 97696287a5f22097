/**
 * Signing and verification with TPM signature schemes (Part 1 §11.2, Part 2 §11.3.4):
 * RSASSA-PKCS1-v1_5, RSAPSS (salt = digest size, as ms-tpm-20-ref's CryptRsaSign for
 * common key sizes), ECDSA (r and s padded to the curve size) and HMAC.
 *
 * Two entry points: over a *message* (Quote, Certify: the TPM hashes TPMS_ATTEST itself, and
 * node:crypto's one-shot sign is the fastest path), and over a *digest* (TPM2_Sign,
 * TPM2_VerifySignature), where RSA goes through raw private/public operations and ECDSA
 * through crypto/ecc.ts.
 */
import { constants, createHash, privateEncrypt, publicDecrypt, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { bytesEqual } from '../../core/bytes.js';
import { hash as coreHash, hashById } from '../../core/hash.js';
import { TPM_ALG } from '../types/constants.js';
import type { TPMT_PUBLIC } from '../types/public.js';
import type { TPMT_SIGNATURE } from '../types/signature.js';
import { fromBigInt, modPow, toBigInt } from './bigint.js';
import { curveOrThrow, ecdsaSignDigest, ecdsaVerifyDigest } from './ecc.js';
import { publicKeyOf, rsaExponent } from './keys.js';
import { hmac } from './symmetric.js';

function nodeHash(alg: number): string {
  const h = hashById(alg);
  if (!h?.nodeName) throw new RangeError(`unsupported hash 0x${alg.toString(16)}`);
  return h.nodeName;
}

/** DER DigestInfo prefixes (RFC 8017 §9.2 note 1). */
const DIGEST_INFO: Record<number, string> = {
  [TPM_ALG.SHA1]: '3021300906052b0e03021a05000414',
  [TPM_ALG.SHA256]: '3031300d060960864801650304020105000420',
  [TPM_ALG.SHA384]: '3041300d060960864801650304020205000430',
  [TPM_ALG.SHA512]: '3051300d060960864801650304020305000440',
};

/** What signing needs to know about the key beyond the KeyObject. */
export interface SigningKey {
  key: KeyObject;
  type: number;
  /** ECC curve (TPM_ECC_*) for ECC keys. */
  curveID?: number;
  /** Private scalar for ECC keys (pre-hashed ECDSA), or the HMAC key for keyed-hash keys. */
  secret?: Uint8Array;
}

/** Sign `message` (hashed here with scheme.hashAlg). */
export function signMessage(k: SigningKey, scheme: { scheme: number; hashAlg: number }, message: Uint8Array): TPMT_SIGNATURE {
  const alg = nodeHash(scheme.hashAlg);
  switch (scheme.scheme) {
    case TPM_ALG.RSASSA:
      return { sigAlg: scheme.scheme, hash: scheme.hashAlg, sig: new Uint8Array(sign(alg, message, k.key)) };
    case TPM_ALG.RSAPSS:
      return {
        sigAlg: scheme.scheme,
        hash: scheme.hashAlg,
        sig: new Uint8Array(sign(alg, message, { key: k.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST })),
      };
    case TPM_ALG.ECDSA: {
      const size = curveOrThrow(k.curveID!).size;
      const s = sign(alg, message, { key: k.key, dsaEncoding: 'ieee-p1363' });
      // Views, not copies: the signature buffer is ours alone.
      return { sigAlg: scheme.scheme, hash: scheme.hashAlg, signatureR: new Uint8Array(s.buffer, s.byteOffset, size), signatureS: new Uint8Array(s.buffer, s.byteOffset + size, size) };
    }
    default:
      return signDigest(k, scheme, coreHash(scheme.hashAlg, message));
  }
}

/** EMSA-PSS encoding (RFC 8017 §9.1.1) with MGF1 of the same hash and salt = hLen. */
function emsaPssEncode(hashAlg: number, digest: Uint8Array, emBits: number, salt: Uint8Array): Uint8Array {
  const emLen = Math.ceil(emBits / 8);
  const hLen = digest.length;
  const mPrime = new Uint8Array(8 + hLen + salt.length);
  mPrime.set(digest, 8);
  mPrime.set(salt, 8 + hLen);
  const H = coreHash(hashAlg, mPrime);
  const db = new Uint8Array(emLen - hLen - 1);
  db[emLen - salt.length - hLen - 2] = 1;
  db.set(salt, emLen - salt.length - hLen - 1);
  const mask = mgf1(hashAlg, H, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  const em = new Uint8Array(emLen);
  em.set(db);
  em.set(H, db.length);
  em[emLen - 1] = 0xbc;
  return em;
}

function mgf1(hashAlg: number, seed: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(len);
  const name = nodeHash(hashAlg);
  for (let c = 0, o = 0; o < len; c++) {
    const ctr = new Uint8Array(4);
    new DataView(ctr.buffer).setUint32(0, c);
    const d = createHash(name).update(seed).update(ctr).digest();
    out.set(d.subarray(0, Math.min(d.length, len - o)), o);
    o += d.length;
  }
  return out;
}

/** Sign a digest the caller computed (TPM2_Sign). */
export function signDigest(k: SigningKey, scheme: { scheme: number; hashAlg: number }, digest: Uint8Array): TPMT_SIGNATURE {
  switch (scheme.scheme) {
    case TPM_ALG.RSASSA: {
      const prefix = Buffer.from(DIGEST_INFO[scheme.hashAlg]!, 'hex');
      const sig = privateEncrypt({ key: k.key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([prefix, digest]));
      return { sigAlg: scheme.scheme, hash: scheme.hashAlg, sig: new Uint8Array(sig) };
    }
    case TPM_ALG.RSAPSS: {
      const bits = k.key.asymmetricKeyDetails?.modulusLength ?? 2048;
      const salt = new Uint8Array(randomBytes(digest.length));
      const em = emsaPssEncode(scheme.hashAlg, digest, bits - 1, salt);
      const full = new Uint8Array(bits / 8);
      full.set(em, full.length - em.length);
      const sig = privateEncrypt({ key: k.key, padding: constants.RSA_NO_PADDING }, full);
      return { sigAlg: scheme.scheme, hash: scheme.hashAlg, sig: new Uint8Array(sig) };
    }
    case TPM_ALG.ECDSA: {
      const { r, s } = ecdsaSignDigest(curveOrThrow(k.curveID!), k.secret!, digest);
      return { sigAlg: scheme.scheme, hash: scheme.hashAlg, signatureR: r, signatureS: s };
    }
    case TPM_ALG.HMAC:
      return { sigAlg: TPM_ALG.HMAC, hash: scheme.hashAlg, digest: hmac(scheme.hashAlg, k.secret!, digest) };
    default:
      throw new RangeError(`signature scheme 0x${scheme.scheme.toString(16)} not supported`);
  }
}

/** Verify a signature over `message` with a TPM public area (RSASSA, RSAPSS, ECDSA). */
export function verifyMessage(pub: TPMT_PUBLIC, message: Uint8Array, sig: TPMT_SIGNATURE): boolean {
  try {
    const key = publicKeyOf(pub);
    const alg = nodeHash(sig.hash);
    switch (sig.sigAlg) {
      case TPM_ALG.RSASSA:
        return pub.type === TPM_ALG.RSA && verify(alg, message, key, sig.sig ?? new Uint8Array(0));
      case TPM_ALG.RSAPSS:
        return (
          pub.type === TPM_ALG.RSA &&
          verify(alg, message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, sig.sig ?? new Uint8Array(0))
        );
      case TPM_ALG.ECDSA: {
        if (pub.type !== TPM_ALG.ECC) return false;
        const size = curveOrThrow(pub.parameters.curveID).size;
        const r = sig.signatureR ?? new Uint8Array(0);
        const s = sig.signatureS ?? new Uint8Array(0);
        if (r.length > size || s.length > size) return false;
        const p1363 = new Uint8Array(2 * size);
        p1363.set(r, size - r.length);
        p1363.set(s, 2 * size - s.length);
        return verify(alg, message, { key, dsaEncoding: 'ieee-p1363' }, p1363);
      }
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** Verify a signature over a digest (TPM2_VerifySignature). HMAC signatures need `hmacKey`. */
export function verifyDigest(pub: TPMT_PUBLIC, digest: Uint8Array, sig: TPMT_SIGNATURE, hmacKey?: Uint8Array): boolean {
  try {
    switch (sig.sigAlg) {
      case TPM_ALG.RSASSA: {
        if (pub.type !== TPM_ALG.RSA) return false;
        const prefix = DIGEST_INFO[sig.hash];
        if (!prefix) return false;
        const out = publicDecrypt({ key: publicKeyOf(pub), padding: constants.RSA_PKCS1_PADDING }, sig.sig ?? new Uint8Array(0));
        return bytesEqual(new Uint8Array(out), new Uint8Array(Buffer.concat([Buffer.from(prefix, 'hex'), digest])));
      }
      case TPM_ALG.RSAPSS: {
        if (pub.type !== TPM_ALG.RSA) return false;
        return pssVerify(pub, sig.hash, digest, sig.sig ?? new Uint8Array(0));
      }
      case TPM_ALG.ECDSA: {
        if (pub.type !== TPM_ALG.ECC) return false;
        const c = curveOrThrow(pub.parameters.curveID);
        return ecdsaVerifyDigest(c, pub.unique.x, pub.unique.y, digest, sig.signatureR ?? new Uint8Array(0), sig.signatureS ?? new Uint8Array(0));
      }
      case TPM_ALG.HMAC:
        return hmacKey !== undefined && bytesEqual(hmac(sig.hash, hmacKey, digest), sig.digest ?? new Uint8Array(0));
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** RSASSA-PSS verification over a digest, any salt length (RFC 8017 §9.1.2). */
function pssVerify(pub: TPMT_PUBLIC & { type: typeof TPM_ALG.RSA }, hashAlg: number, digest: Uint8Array, sigBytes: Uint8Array): boolean {
  const n = toBigInt(pub.unique);
  const s = toBigInt(sigBytes);
  if (s >= n) return false;
  const modBits = n.toString(2).length;
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const em = fromBigInt(modPow(s, BigInt(rsaExponent(pub)), n), emLen);
  const hLen = digest.length;
  if (em[emLen - 1] !== 0xbc || emLen < hLen + 2) return false;
  const db = em.slice(0, emLen - hLen - 1);
  const H = em.slice(emLen - hLen - 1, emLen - 1);
  const mask = mgf1(hashAlg, H, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  let i = 0;
  while (i < db.length && db[i] === 0) i++;
  if (db[i] !== 1) return false;
  const salt = db.slice(i + 1);
  const mPrime = new Uint8Array(8 + hLen + salt.length);
  mPrime.set(digest, 8);
  mPrime.set(salt, 8 + hLen);
  return bytesEqual(coreHash(hashAlg, mPrime), H);
}

/**
 * The same signature as `signMessage`, computed in the libuv thread pool (node:crypto's
 * asynchronous `sign`, a SignJob) so the event loop stays free (RSA-2048 signing costs ~0.25 ms)
 * and signatures of many vTPMs run on several cores. The KeyObject is used as it is: no import,
 * no algorithm normalisation per call (WebCrypto's `subtle.sign` cost ~30 µs more per RSA quote).
 */
export function signMessageAsync(k: SigningKey, scheme: { scheme: number; hashAlg: number }, message: Uint8Array): Promise<TPMT_SIGNATURE> {
  let options: Parameters<typeof sign>[2];
  switch (scheme.scheme) {
    case TPM_ALG.RSASSA:
      options = k.key;
      break;
    case TPM_ALG.RSAPSS:
      options = { key: k.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
      break;
    case TPM_ALG.ECDSA:
      options = { key: k.key, dsaEncoding: 'ieee-p1363' };
      break;
    default:
      return Promise.resolve(signMessage(k, scheme, message));
  }
  const alg = nodeHash(scheme.hashAlg);
  return new Promise((resolve, reject) => {
    sign(alg, message, options, (err, s) => {
      if (err) return reject(err);
      if (scheme.scheme !== TPM_ALG.ECDSA) return resolve({ sigAlg: scheme.scheme, hash: scheme.hashAlg, sig: new Uint8Array(s.buffer, s.byteOffset, s.byteLength) });
      const size = s.length / 2;
      resolve({ sigAlg: scheme.scheme, hash: scheme.hashAlg, signatureR: new Uint8Array(s.buffer, s.byteOffset, size), signatureS: new Uint8Array(s.buffer, s.byteOffset + size, size) });
    });
  });
}
