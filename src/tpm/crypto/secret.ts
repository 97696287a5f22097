/**
 * Secret sharing with an asymmetric key (TPM 2.0 Part 1 Annex B.10 (RSA) and C.6 (ECC)):
 * how a seed reaches the TPM for salted sessions ("SECRET"), credentials ("IDENTITY") and
 * duplication ("DUPLICATE").
 * - RSA: the seed (nameAlg digest size) is RSA-OAEP encrypted, OAEP hash = the key's nameAlg,
 *   label = the purpose string with its terminating zero.
 * - ECC: an ephemeral key Qe on the key's curve; Z = x(de·Qs);
 *   seed = KDFe(nameAlg, Z, label, Qe.x, Qs.x, digest bits); the secret is TPMS_ECC_POINT(Qe).
 */
import { constants, createECDH, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { ByteReader, concat } from '../../core/bytes.js';
import { hashById } from '../../core/hash.js';
import { marshal } from '../types/codec.js';
import { hashSize } from '../types/basic.js';
import { TPM_ALG } from '../types/constants.js';
import { type TPMT_PUBLIC, TPMS_ECC_POINT } from '../types/public.js';
import { curveOrThrow } from './ecc.js';
import { kdfe } from './kdf.js';
import { publicKeyOf } from './keys.js';

export type SecretLabel = 'SECRET' | 'IDENTITY' | 'DUPLICATE';

function labelZ(label: SecretLabel): Buffer {
  return Buffer.from(label + '\0', 'latin1');
}

function pad(b: Uint8Array, len: number): Uint8Array {
  if (b.length >= len) return b;
  const out = new Uint8Array(len);
  out.set(b, len - b.length);
  return out;
}

/** Create a fresh seed and encrypt it to `pub`. `seed` may be supplied (tests). */
export function encryptSecret(pub: TPMT_PUBLIC, label: SecretLabel, seed?: Uint8Array): { seed: Uint8Array; encrypted: Uint8Array } {
  const nameAlg = pub.nameAlg;
  const size = hashSize(nameAlg);
  if (pub.type === TPM_ALG.RSA) {
    const s = seed ?? new Uint8Array(randomBytes(size));
    const encrypted = publicEncrypt(
      { key: publicKeyOf(pub), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hashById(nameAlg)!.nodeName!, oaepLabel: labelZ(label) },
      s,
    );
    return { seed: s, encrypted: new Uint8Array(encrypted) };
  }
  if (pub.type === TPM_ALG.ECC) {
    const c = curveOrThrow(pub.parameters.curveID);
    const eph = createECDH(c.openssl);
    eph.generateKeys();
    const qs = concat(new Uint8Array([4]), pad(pub.unique.x, c.size), pad(pub.unique.y, c.size));
    const z = new Uint8Array(eph.computeSecret(qs));
    const qe = eph.getPublicKey();
    const qex = new Uint8Array(qe.subarray(1, 1 + c.size));
    const qey = new Uint8Array(qe.subarray(1 + c.size));
    const s = kdfe(nameAlg, z, label, qex, pad(pub.unique.x, c.size), size * 8);
    return { seed: s, encrypted: marshal(TPMS_ECC_POINT, { x: qex, y: qey }) };
  }
  throw new RangeError('secrets can only be shared with RSA or ECC keys');
}

/**
 * Recover a seed encrypted to a key whose private part is `key` (RSA) or scalar `d` (ECC: the
 * ECDH runs on d directly, so no KeyObject need be imported — ≈70 µs per P-256 key).
 * Throws on any malformed or undecryptable input; callers map that to TPM_RC_VALUE/ECC_POINT.
 */
export function decryptSecret(pub: TPMT_PUBLIC, priv: { readonly key?: KeyObject; readonly d?: Uint8Array }, label: SecretLabel, encrypted: Uint8Array): Uint8Array {
  const nameAlg = pub.nameAlg;
  if (pub.type === TPM_ALG.RSA) {
    if (!priv.key) throw new RangeError('an RSA secret needs the private key');
    const out = privateDecrypt(
      { key: priv.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hashById(nameAlg)!.nodeName!, oaepLabel: labelZ(label) },
      encrypted,
    );
    return new Uint8Array(out);
  }
  if (pub.type === TPM_ALG.ECC) {
    const c = curveOrThrow(pub.parameters.curveID);
    const r = new ByteReader(encrypted);
    const qe = TPMS_ECC_POINT.decode(r);
    r.expectEnd('TPMS_ECC_POINT');
    if (qe.x.length > c.size || qe.y.length > c.size) throw new RangeError('ephemeral point coordinate too large');
    if (!priv.d) throw new RangeError('an ECC secret needs the private scalar');
    const ecdh = createECDH(c.openssl);
    ecdh.setPrivateKey(Buffer.from(pad(priv.d, c.size)));
    const z = new Uint8Array(ecdh.computeSecret(Buffer.from(concat(new Uint8Array([4]), pad(qe.x, c.size), pad(qe.y, c.size)))));
    return kdfe(nameAlg, z, label, pad(qe.x, c.size), pad(pub.unique.x, c.size), hashSize(nameAlg) * 8);
  }
  throw new RangeError('secrets can only be shared with RSA or ECC keys');
}
