/**
 * Protection of an object's sensitive area under its parent (TPM 2.0 Part 1 §23.3.2, the
 * "outer wrapper" of storage hierarchy objects; ms-tpm-20-ref SensitiveToPrivate / PrivateToSensitive):
 *   symKey  = KDFa(parent.nameAlg, parent.seedValue, "STORAGE", name, "", parent.sym.keyBits)
 *   encSens = AES-CFB(symKey, IV = 0, TPM2B_SENSITIVE)
 *   hmacKey = KDFa(parent.nameAlg, parent.seedValue, "INTEGRITY", "", "", digestBits)
 *   TPM2B_PRIVATE = TPM2B_DIGEST(HMAC(hmacKey, encSens ‖ name)) ‖ encSens
 */
import { timingSafeEqual } from 'node:crypto';
import { ByteReader, ByteWriter } from '../../core/bytes.js';
import { hashSize, TPM2B_DIGEST } from '../types/basic.js';
import { TPM_ALG } from '../types/constants.js';
import { TPM2B_SENSITIVE, type TPMT_SENSITIVE } from '../types/sensitive.js';
import { kdfa } from '../crypto/kdf.js';
import { aesCfb, hmac } from '../crypto/symmetric.js';
import type { TpmObject } from './state/objects.js';

const EMPTY = new Uint8Array(0);

function keys(parent: TpmObject, name: Uint8Array): { symKey: Uint8Array; hmacKey: Uint8Array; alg: number } {
  const pub = parent.public;
  const seed = parent.sensitive!.seedValue;
  const alg = pub.nameAlg;
  const sym = pub.type === TPM_ALG.RSA || pub.type === TPM_ALG.ECC ? pub.parameters.symmetric : pub.type === TPM_ALG.SYMCIPHER ? pub.parameters.sym : undefined;
  if (!sym || sym.algorithm !== TPM_ALG.AES) throw new RangeError('parent has no AES symmetric definition');
  return {
    alg,
    symKey: kdfa(alg, seed, 'STORAGE', name, EMPTY, sym.keyBits),
    hmacKey: kdfa(alg, seed, 'INTEGRITY', EMPTY, EMPTY, hashSize(alg) * 8),
  };
}

/** Wrap `sensitive` of the object named `name` for `parent` (TPM2B_PRIVATE payload). */
export function wrapSensitive(parent: TpmObject, name: Uint8Array, sensitive: TPMT_SENSITIVE): Uint8Array {
  const { symKey, hmacKey, alg } = keys(parent, name);
  const w = new ByteWriter(256);
  TPM2B_SENSITIVE.encode(w, sensitive);
  const enc = aesCfb(true, symKey, new Uint8Array(16), w.finish());
  const out = new ByteWriter(enc.length + 70);
  TPM2B_DIGEST.encode(out, hmac(alg, hmacKey, enc, name));
  out.bytes(enc);
  return out.finish();
}

/** Check and unwrap a TPM2B_PRIVATE payload; 'integrity' or 'size' on failure (TPM_RC_INTEGRITY / TPM_RC_SIZE). */
export function unwrapSensitive(parent: TpmObject, name: Uint8Array, priv: Uint8Array): TPMT_SENSITIVE | 'integrity' | 'size' {
  const { symKey, hmacKey, alg } = keys(parent, name);
  const r = new ByteReader(priv);
  let tag: Uint8Array;
  try {
    tag = TPM2B_DIGEST.decode(r);
  } catch {
    return 'size';
  }
  const enc = r.read(r.remaining);
  const expect = hmac(alg, hmacKey, enc, name);
  if (tag.length !== expect.length || !timingSafeEqual(tag, expect)) return 'integrity';
  try {
    const pr = new ByteReader(aesCfb(false, symKey, new Uint8Array(16), enc));
    const s = TPM2B_SENSITIVE.decode(pr);
    pr.expectEnd('TPM2B_SENSITIVE');
    return s ?? 'size';
  } catch {
    return 'size';
  }
}
